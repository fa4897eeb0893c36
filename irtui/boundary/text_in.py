"""Text coming in: what people type, paste or import, before it is stored as an event.

Stored text is plain Unicode a terminal can show without being driven by it. At the boundary:
- terminal escape sequences (CSI such as `ESC[2J`, OSC such as the clipboard-writing
  `ESC]52;…`, DCS/APC/PM/SOS, 8-bit C1 forms) are removed whole, so pasted coloured log output
  keeps its words and loses its colour codes;
- other C0 controls (all but tab and newline; CR and CRLF become a newline), DEL and C1 are
  removed, and in single-line fields newlines and tabs become spaces;
- bidi embedding, override and isolate controls (U+202A–U+202E, U+2066–U+2069), which can make
  text read in another order than it is stored ("Trojan Source"), are removed; right-to-left
  scripts themselves are text and stay;
- lone surrogates (invalid UTF-8 that reached us through `surrogateescape`) become U+FFFD.
Nothing is removed silently: `CleanText.notices` says what was taken out, and callers show it.
Lengths are bounded per field; too long is refused (never cut) with the field's limit.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from irtui.boundary.errors import TextRefused
from irtui.lazy import lazy_pattern

LIMITS: dict[str, int] = {
    "title": 300,
    "name": 120,
    "short": 2_000,
    "entry": 20_000,
    "body": 100_000,
}
"""Field limits in characters. `entry` is a timeline entry or update text; `short` a reason,
impact sentence, service or label; `body` a postmortem section or an imported document."""

TERMINAL_SEQUENCE = lazy_pattern(
    r"""
      \x1b\[[0-?]*[ -/]*[@-~]?              # CSI ... final byte (ESC[2J, ESC[31m)
    | \x1b\][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?   # OSC ... BEL or ST (title, OSC 8, OSC 52)
    | \x1b[PX^_][^\x1b\x9c]*(?:\x1b\\|\x9c)?        # DCS, SOS, PM, APC ... ST
    | \x1b[ -/]*[0-~]?                      # other ESC sequences (ESC c, ESC(B, ESC=)
    | \x9b[0-?]*[ -/]*[@-~]?                # 8-bit CSI
    | [\x90\x98\x9d\x9e\x9f][^\x07\x1b\x9c]*(?:\x07|\x9c)?  # 8-bit DCS/SOS/OSC/PM/APC
    """,
    re.VERBOSE,
)
BIDI_CONTROLS = lazy_pattern("[\u202a-\u202e\u2066-\u2069]")
_CONTROLS = lazy_pattern(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATES = lazy_pattern("[\ud800-\udfff]")
_NEWLINES = lazy_pattern(r"\r\n?|[\u2028\u2029\x85]")
_SUSPECT = lazy_pattern(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


@dataclass(frozen=True, slots=True)
class CleanText:
    """Text fit to store, and what had to be taken out of it to get there."""

    text: str
    notices: tuple[str, ...] = ()

    @property
    def notice(self) -> str:
        """One sentence for the person who typed it ('' when nothing was changed)."""
        return "; ".join(self.notices)


_COLLECTOR: ContextVar[list[str] | None] = ContextVar("irtui_text_notices", default=None)


@contextmanager
def collect_notices() -> Iterator[list[str]]:
    """Gather the notices of every `clean_input` call made inside the block (in this thread
    or task): the store wraps each write in one, so the CLI and the TUI can tell the person
    what was taken out of what they typed, whichever command cleaned it."""
    notices: list[str] = []
    token = _COLLECTOR.set(notices)
    try:
        yield notices
    finally:
        _COLLECTOR.reset(token)


def clean_input(
    value: str,
    *,
    what: str = "text",
    field: str = "entry",
    multiline: bool = True,
    limit: int | None = None,
) -> CleanText:
    """Neutralise `value` for storage (see the module docstring). `what` names the field in
    notices and refusals ("title", "entry"); `field` picks its length limit from `LIMITS`
    unless `limit` is given. Raises `TextRefused` when the text is longer than the limit."""
    text = value
    notices: list[str] = []
    if _SUSPECT.search(text):
        text, bad_utf8 = _SURROGATES.subn("\ufffd", text)
        if bad_utf8:
            notices.append(f"{bad_utf8} invalid UTF-8 byte(s) shown as �")
        text = _NEWLINES.sub("\n", text)
        text, sequences = TERMINAL_SEQUENCE.subn("", text)
        if sequences:
            notices.append(f"{sequences} terminal control sequence(s) removed")
        text, bidi = BIDI_CONTROLS.subn("", text)
        if bidi:
            notices.append(f"{bidi} bidi override character(s) removed")
        text, controls = _CONTROLS.subn("", text)
        if controls:
            notices.append(f"{controls} control character(s) removed")
    if not multiline and ("\n" in text or "\t" in text):
        text = " ".join(text.replace("\t", " ").split("\n"))
    maximum = limit if limit is not None else LIMITS[field]
    if len(text) > maximum:
        raise TextRefused(
            f"{what} is {len(text):,} characters long; the limit is {maximum:,} (nothing was saved)"
        )
    cleaned = CleanText(text, tuple(f"{what}: {n}" for n in notices))
    collector = _COLLECTOR.get()
    if collector is not None and cleaned.notices:
        collector.extend(n for n in cleaned.notices if n not in collector)
    return cleaned


def clean_payload(value: Any, *, what: str = "text") -> Any:
    """Every string inside a JSON-able value cleaned (multi-line, `body` limit): the store's
    safety net under every event, whatever command or importer built it."""
    if isinstance(value, str):
        return clean_input(value, what=what, field="body").text if _SUSPECT.search(value) else value
    if isinstance(value, dict):
        return {k: clean_payload(v, what=str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_payload(v, what=what) for v in value]
    return value


def one_line(value: str, what: str, *, field: str = "short") -> str:
    """A single-line field (title, name, reason): cleaned, stripped, bounded."""
    return clean_input(value, what=what, field=field, multiline=False).text.strip()


def lines(value: str, what: str, *, field: str = "entry") -> str:
    """A multi-line field (entry, update, brief): cleaned and bounded, spacing kept."""
    return clean_input(value, what=what, field=field).text
