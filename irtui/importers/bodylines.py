"""Timestamped lines inside a post body: the real timeline of a migrated record.

Status pages migrated from an older tool often hold a whole incident in one "resolved" post:
`<ul><li><strong>2016-01-20 22:47:07</strong> - We're investigating …</li>…`. Once the body
is plain text (`htmltext.html_to_text`), each line that *starts* with a date and a time is a
post of its own, at its own time. A leading status word (`Investigating`, `Identified`,
`Monitoring`, `Resolved`, as Statuspage writes them) is read as that status.

Times carry their zone if they say one (`22:47 UTC`, `14:02 PST`, `+01:00`); otherwise the
page's own time zone (`page.time_zone` in the export) or UTC.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from irtui.importers.zones import UTC_ZONE, Zone, find_zone

_LINE = re.compile(
    r"""^\s*(?:[-*•·]\s*)?\[?
        (?P<date>\d{4}-\d{2}-\d{2})[ T]+(?P<time>\d{1,2}:\d{2}(?::\d{2})?(?:\.\d+)?)
        \]?\s*(?P<zone>Z\b|[A-Z]{2,5}\b|(?:UTC|GMT)?\s*[+\-]\d{1,2}(?::?\d{2})?\b)?
        \s*(?:[-–—:|]+\s*)?(?P<text>.*)$""",
    re.VERBOSE,
)
_STATUS_WORDS = ("investigating", "identified", "monitoring", "resolved", "update", "postmortem")


@dataclass(frozen=True, slots=True)
class BodyLine:
    at: datetime
    text: str
    status: str  # a Statuspage status word, or "" when the line does not start with one
    note: str = ""  # how the time was read, when that needed a decision
    index: int = 0  # the line's position in the text (0-based)


def _status_of(text: str) -> tuple[str, str]:
    head = text.strip()
    low = head.lower()
    for word in _STATUS_WORDS:
        if low.startswith(word) and (len(low) == len(word) or not low[len(word)].isalpha()):
            rest = head[len(word) :].lstrip(" -–—:|")
            return word, rest or head
    return "", head


def timestamped_lines(text: str, default_zone: Zone | None = None) -> list[BodyLine]:
    """Every line of `text` that starts with a timestamp, in the order written."""
    zone_default = default_zone or UTC_ZONE
    out: list[BodyLine] = []
    previous: datetime | None = None
    for index, line in enumerate(text.splitlines()):
        match = _LINE.match(line)
        if not match:
            continue
        stamp = f"{match.group('date')} {match.group('time')}"
        try:
            local = datetime.fromisoformat(stamp)
        except ValueError:
            continue
        zone = zone_default
        written = (match.group("zone") or "").strip()
        if written == "Z":
            zone = UTC_ZONE
        elif written:
            zone = find_zone(written) or zone_default
            if zone is zone_default and written.isalpha() and len(written) <= 5:
                # not a zone after all: a capitalised first word of the text
                stamp_text = f"{written} {match.group('text')}"
                status, rest = _status_of(stamp_text)
                at, note = zone.to_utc(local, after=previous)
                out.append(BodyLine(at, rest.strip(), status, note, index))
                previous = at
                continue
        at, note = zone.to_utc(local, after=previous)
        status, rest = _status_of(match.group("text"))
        out.append(BodyLine(at, rest.strip(), status, note, index))
        previous = at
    return out
