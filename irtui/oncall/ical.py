"""On-call shifts from an iCalendar file (RFC 5545), through `icalendar` and
`recurring-ical-events`: recurrence (RRULE, RDATE, EXDATE, moved or cancelled occurrences by
RECURRENCE-ID), VTIMEZONE blocks, Windows zone names and X-WR-TIMEZONE are the libraries' job;
this module only decides what an occurrence *means* for on-call:

- who: PagerDuty's `SUMMARY:On Call - <Person> - <Schedule>` (ATTENDEE e-mail when given),
  Grafana OnCall's `[L1] alice, bob` (a priority level and usernames), or a plain name;
  placeholders with nobody (`On Call - Next Week`) are shifts with no person: a gap, shown;
- when: floating times and all-day `VALUE=DATE` events are read in the schedule's time zone;
- what does not count: `TRANSP:TRANSPARENT` ("free") and `STATUS:CANCELLED` events.

Parsing costs ~0.15 s of imports alone, more than `irtui oncall`'s whole budget, so results are
cached per file and calendar year (`cache.py`); the libraries are imported only on a miss.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from irtui.catalog.model import CatalogError
from irtui.oncall.shifts import Shift
from irtui.oncall.spec import IcalSource

MAX_ICS_BYTES = 20_000_000
_PAGERDUTY = re.compile(r"^\s*On[ -]?Call\s+-\s+(.+?)\s+-\s+(.+?)\s*$", re.IGNORECASE)
_PAGERDUTY_NOBODY = re.compile(r"^\s*On[ -]?Call\s+-\s+(.+?)\s*$", re.IGNORECASE)
_GRAFANA_LEVEL = re.compile(r"^\s*\[L(\d)\]\s*(.*)$", re.IGNORECASE)
_PLAIN_PREFIX = re.compile(r"^\s*on[ -]?call\s*[:\-–]\s*", re.IGNORECASE)


def read_bytes(src: IcalSource) -> bytes:
    path = Path(src.path)
    try:
        size = path.stat().st_size
        if size > MAX_ICS_BYTES:
            raise CatalogError(src.path, None, f"file is {size:,} bytes; the limit is 20 MB")
        data = path.read_bytes()
    except OSError as exc:
        raise CatalogError(
            src.path, None, f"cannot read schedule file: {exc.strerror or exc}"
        ) from None
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:15].upper()
    if not head.startswith(b"BEGIN:VCALENDAR"):
        raise CatalogError(
            src.path,
            1,
            "not an iCalendar file (it does not start with BEGIN:VCALENDAR); export the "
            "schedule as .ics from PagerDuty, Opsgenie, Grafana OnCall or your calendar",
        )
    return data


def parse_calendar(src: IcalSource, data: bytes) -> Any:
    import icalendar

    try:
        return icalendar.Calendar.from_ical(data)
    except Exception as exc:  # the library raises ValueError and friends on broken files
        raise CatalogError(src.path, None, f"not a readable iCalendar file: {exc}") from None


def detect_format(calendar: Any) -> str:
    prodid = str(calendar.get("PRODID", "")).lower()
    if "pagerduty" in prodid:
        return "pagerduty"
    if "grafana" in prodid or "oncall" in prodid:
        return "grafana"
    return "auto"


def people_of(summary: str, fmt: str) -> tuple[int, list[str]]:
    """(priority level, people) named by an event's SUMMARY."""
    text = " ".join(summary.split())
    if fmt in ("pagerduty", "auto"):
        match = _PAGERDUTY.match(text)
        if match:
            return 0, [match.group(1)]
        if _PAGERDUTY_NOBODY.match(text) and fmt == "pagerduty":
            return 0, []  # "On Call - Next Week": a placeholder with nobody yet
    level = 0
    match = _GRAFANA_LEVEL.match(text)
    if match:
        level, text = int(match.group(1)), match.group(2)
    text = _PLAIN_PREFIX.sub("", text)
    if fmt == "pagerduty" and text.lower().startswith("on call"):
        return level, []
    names = [n.strip() for n in text.split(",") if n.strip()] if fmt != "plain" else [text]
    return level, [n for n in names if n]


def _emails(component: Any) -> list[str]:
    raw = component.get("ATTENDEE")
    if raw is None:
        return []
    items = raw if isinstance(raw, list) else [raw]
    out = []
    for item in items:
        text = str(item).strip()
        if text.lower().startswith("mailto:"):
            text = text[7:]
        if "@" in text:
            out.append(text)
    return out


def _instant(value: Any, zone: ZoneInfo) -> datetime:
    if isinstance(value, datetime):
        if value.tzinfo is None:  # floating: the schedule's own time zone
            value = value.replace(tzinfo=zone)
        return value.astimezone(UTC)
    if isinstance(value, date):  # all day: local midnight
        return datetime(value.year, value.month, value.day, tzinfo=zone).astimezone(UTC)
    raise ValueError(f"not a date or date-time: {value!r}")


def expand(
    src: IcalSource, calendar: Any, start: datetime, end: datetime, zone: str
) -> tuple[list[Shift], list[str]]:
    """Shifts overlapping `[start, end)` and the problems met (unreadable events are reported,
    the others kept)."""
    import recurring_ical_events

    tz = ZoneInfo(zone)
    fmt = src.format if src.format != "auto" else detect_format(calendar)
    problems: list[str] = []
    try:
        occurrences = recurring_ical_events.of(calendar, skip_bad_series=True).between(start, end)
    except Exception as exc:
        raise CatalogError(src.path, None, f"cannot expand the calendar's events: {exc}") from None
    shifts: list[Shift] = []
    for event in occurrences:
        if str(event.get("TRANSP", "")).upper() == "TRANSPARENT":
            continue
        if str(event.get("STATUS", "")).upper() == "CANCELLED":
            continue
        try:
            s = _instant(event.get("DTSTART").dt, tz)
            raw_end = event.get("DTEND")
            if raw_end is not None:
                e = _instant(raw_end.dt, tz)
            elif event.get("DURATION") is not None:
                e = s + event.get("DURATION").dt
            else:
                e = s + (
                    timedelta(days=1)
                    if not isinstance(event.get("DTSTART").dt, datetime)
                    else timedelta(0)
                )
        except (AttributeError, ValueError, TypeError) as exc:
            problems.append(f"event {event.get('UID', '?')}: unreadable time ({exc})")
            continue
        if e <= s:
            continue
        summary = str(event.get("SUMMARY", ""))
        level, names = people_of(summary, fmt)
        emails = _emails(event)
        if not names and emails:
            names = emails
        if not names:
            shifts.append(Shift("", s, e, level, source=src.path, reason=summary.strip()))
            continue
        for i, name in enumerate(names):
            email = emails[i] if i < len(emails) and len(emails) == len(names) else ""
            shifts.append(Shift(name, s, e, level, email=email, source=src.path))
    return shifts, problems
