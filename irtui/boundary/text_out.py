"""Text going out: to a terminal, to JSON, to customers.

Stored text is already clean (`text_in`), but a store written by an older irtui, a runbook
file on disk or an HTTP error body is not: everything printed goes through here.

- `for_terminal`: controls made *visible* (ESC as ␛, others as �; bidi controls as �), so a
  hostile byte can neither drive the terminal nor hide; newlines and tabs kept unless
  `single_line`.
- `json_dumps`: JSON with C1 controls, DEL, bidi controls and U+2028/9 escaped as `\\uXXXX`
  (the json module escapes only C0), so a consumer printing a value raw is safe too.
- `for_customers`: what a public status page may show: controls and escape sequences removed
  outright (there is no one to show a ␛ to), newlines kept.
"""

from __future__ import annotations

import json
import re
from typing import Any

from irtui.boundary.text_in import BIDI_CONTROLS, TERMINAL_SEQUENCE
from irtui.lazy import lazy_pattern

_VISIBLE = lazy_pattern("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_VISIBLE_NAMES = {"\x1b": "␛", "\r": "␍"}
_JSON_UNSAFE = lazy_pattern("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_CUSTOMER_CONTROLS = lazy_pattern(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def for_terminal(value: object, *, single_line: bool = False, limit: int | None = None) -> str:
    """Text safe to write to a terminal: nothing in it can act as a control."""
    text = "" if value is None else str(value)
    if _VISIBLE.search(text):
        text = _VISIBLE.sub(lambda m: _VISIBLE_NAMES.get(m.group(), "\ufffd"), text)
    if single_line:
        text = text.replace("\t", " ").replace("\n", " ⏎ ")
    if limit is not None and len(text) > limit:
        text = text[: max(limit - 1, 0)] + "…"
    return text


_LINK_TARGET = lazy_pattern(r"^https?://[\x21-\x7e]+$", re.IGNORECASE)


def hyperlink_target(value: object, *, limit: int = 2000) -> str | None:
    """The address a terminal hyperlink (OSC 8) may point at, or None: http(s) only, and
    only printable ASCII (no ESC, BEL, space or bidi control can end the escape sequence
    early or hide the target). Anything else is shown as plain text, never as a link."""
    text = "" if value is None else str(value)
    if len(text) > limit or not _LINK_TARGET.match(text):
        return None
    host = text.split("://", 1)[1].split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    return text if host.rsplit("@", 1)[-1] else None


def json_dumps(data: Any, **kwargs: Any) -> str:
    """`json.dumps(..., ensure_ascii=False)` with the characters that could still act on a
    terminal (or reorder what it shows) escaped. JSON's structure is ASCII, so every match is
    inside a string and `\\uXXXX` is a valid escape there."""
    kwargs.setdefault("ensure_ascii", False)
    text = json.dumps(data, **kwargs)
    return _JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def for_customers(value: str) -> str:
    """Text for a public page: escape sequences, controls and bidi overrides removed."""
    text = TERMINAL_SEQUENCE.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    text = BIDI_CONTROLS.sub("", text)
    return _CUSTOMER_CONTROLS.sub("", text)


class TerminalWriter:
    """A text stream whose every write goes through `for_terminal`: the CLI's stdout and
    stderr are wrapped once (`CliContext`), so no printer can forget to escape."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        safe = for_terminal(text)
        try:
            return self._stream.write(safe)
        except UnicodeEncodeError:  # an ASCII-only terminal (LANG=C, PYTHONIOENCODING)
            encoding = getattr(self._stream, "encoding", None) or "ascii"
            return self._stream.write(
                safe.encode(encoding, "backslashreplace").decode(encoding, "replace")
            )

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def terminal_writer(stream: Any) -> Any:
    """`stream` wrapped in a `TerminalWriter` (once)."""
    return stream if isinstance(stream, TerminalWriter) else TerminalWriter(stream)
