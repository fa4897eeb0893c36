"""The scribe's entry line: one string in, a typed timeline entry out.

Grammar (all optional, in this order), chosen so a scribe never leaves the keyboard:
    [-5m | 14:02] [*] [kind:] text
- a leading `-5m`/`-1h30m`/`14:02` backdates the entry;
- `*` stars it (starred entries lead the postmortem timeline);
- `d:`/`decision:`, `a:`/`action:`, `n:`/`note:`, `c:`/`comm:`, `e:`/`esc:`, `r:`/`res:`,
  `det:` pick the kind (default note);
- `TODO: text` makes a task; `TODO bob: text` (or `TODO @bob:`, or `... @bob` at the end)
  gives it an owner, and `... by 14:30` / `... in 10 min` a due time;
- `Bob: check replica lag, back in 3 min` is a task owned by Bob with a 3-minute timer that
  nags when it expires.
The CLI's `irtui log` reads the same grammar (`irtui log INC-7 "Erin: verify flag, back in 5
min"` from a laptop makes the same task the entry line would).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from irtui.domain.model import EntryKind
from irtui.domain.timeparse import is_time_token, parse_when
from irtui.domain.timeutil import iso

KIND_PREFIXES: dict[str, EntryKind] = {
    "d": EntryKind.DECISION,
    "decision": EntryKind.DECISION,
    "dec": EntryKind.DECISION,
    "a": EntryKind.ACTION,
    "action": EntryKind.ACTION,
    "act": EntryKind.ACTION,
    "n": EntryKind.NOTE,
    "note": EntryKind.NOTE,
    "c": EntryKind.COMMUNICATION,
    "comm": EntryKind.COMMUNICATION,
    "communication": EntryKind.COMMUNICATION,
    "e": EntryKind.ESCALATION,
    "esc": EntryKind.ESCALATION,
    "escalation": EntryKind.ESCALATION,
    "r": EntryKind.RESOLUTION,
    "res": EntryKind.RESOLUTION,
    "resolution": EntryKind.RESOLUTION,
    "det": EntryKind.DETECTION,
    "detection": EntryKind.DETECTION,
}
_KIND = re.compile(r"^([A-Za-z]+):\s+")
_UNIT = r"(?P<unit>s|sec|secs|seconds?|m|min|mins|minutes?|h|hr|hrs|hours?)"
_TODO = re.compile(
    r"^TODO(?:\s+@?(?P<owner>[^\W\d][\w.\-]{0,30}))?:\s*(?P<text>.+)$",
    re.IGNORECASE | re.DOTALL,
)
_TODO_DUE = re.compile(
    r"(?:,\s*|\s+)(?:(?:by|due|before)\s+(?P<at>(?:[01]?\d|2[0-3]):[0-5]\d)"
    rf"|(?:(?:back|report back|check back|ping)\s+)?(?:in|within)\s+(?P<n>\d{{1,5}})\s*{_UNIT})"
    r"\s*\.?$",
    re.IGNORECASE,
)
_MENTION = re.compile(r"\s+@(?P<owner>[^\W\d][\w.\-]{0,30})\s*$")
_OWNER_TIMER = re.compile(
    r"^(?P<owner>[A-Z][\w.\-]{0,30}):\s*(?P<text>.+?)"
    r"(?:,?\s*(?:back|report back|check back|ping)\s+in\s+(?P<n>\d+)\s*"
    r"(?P<unit>s|sec|secs|seconds?|m|min|mins|minutes?|h|hr|hrs|hours?))\s*\.?$",
    re.IGNORECASE | re.DOTALL,
)


@dataclass(frozen=True, slots=True)
class Captured:
    text: str
    kind: EntryKind
    at: datetime | None
    starred: bool
    task: dict[str, Any] | None


def _seconds(n: int, unit: str) -> int:
    unit = unit.lower()
    if unit.startswith("h"):
        return n * 3600
    if unit.startswith("s"):
        return n
    return n * 60


def parse_capture(line: str, now: datetime, default_kind: EntryKind = EntryKind.NOTE) -> Captured:
    """Parse the scribe line. Raises DomainError for an unreadable time prefix only."""
    rest = line.strip()
    at: datetime | None = None
    first, _, remainder = rest.partition(" ")
    if remainder and is_time_token(first):
        at = parse_when(first, now)
        rest = remainder.lstrip()
    starred = False
    if rest.startswith("*") and len(rest) > 1:
        starred = True
        rest = rest[1:].lstrip()
    kind = default_kind
    match = _KIND.match(rest)
    if match and match.group(1).lower() in KIND_PREFIXES:
        kind = KIND_PREFIXES[match.group(1).lower()]
        rest = rest[match.end() :]
    task: dict[str, Any] | None = None
    todo = _TODO.match(rest)
    timer = None if todo else _OWNER_TIMER.match(rest)
    if todo:
        task = _todo(todo, at or now)
        if kind is default_kind:
            kind = EntryKind.ACTION
    elif timer:
        seconds = _seconds(int(timer.group("n")), timer.group("unit"))
        base = at or now
        task = {
            "text": timer.group("text").strip().rstrip(","),
            "owner": timer.group("owner"),
            "due": iso(base + timedelta(seconds=seconds)),
            "timer_s": seconds,
        }
        if kind is default_kind:
            kind = EntryKind.ACTION
    return Captured(text=rest, kind=kind, at=at, starred=starred, task=task)


def _todo(match: re.Match[str], base: datetime) -> dict[str, Any]:
    """`TODO [@]owner: text [@owner] [by HH:MM | in 10 min]` -> the task's fields."""
    text = match.group("text").strip()
    owner = match.group("owner")
    due: datetime | None = None
    tail = _TODO_DUE.search(text)
    if tail and tail.start() > 0:
        if tail.group("at"):
            from irtui.domain.timeparse import parse_due

            due = parse_due(tail.group("at"), base)
        else:
            due = base + timedelta(seconds=_seconds(int(tail.group("n")), tail.group("unit")))
        text = text[: tail.start()].rstrip(" ,")
    mention = _MENTION.search(text)
    if mention and mention.start() > 0 and owner is None:
        owner = mention.group("owner")
        text = text[: mention.start()].rstrip(" ,")
    timer = None if due is None else max(int((due - base).total_seconds()), 1)
    return {"text": text, "owner": owner, "due": iso(due), "timer_s": timer}
