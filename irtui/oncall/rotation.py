"""YAML rotations for teams without a calendar: a list of people handing over every N days at a
local time in a time zone, optionally only within daily hours (follow-the-sun layers).

Hand-overs are computed in local calendar days and converted to UTC one by one, so a DST change
keeps the local hand-over time (09:00 Europe/Berlin stays 09:00; the UTC instant moves by an
hour) and a week that contains the change is 167 or 169 hours long, as people expect.
A local time that does not exist (inside a spring-forward gap) is read with `fold=0`, i.e.
with the offset before the change: 02:30 on the night clocks jump to 03:00 becomes 03:30.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from irtui.oncall.shifts import Shift
from irtui.oncall.spec import RotationSpec


def _instant(day: date, at: time, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, at, tzinfo=zone).astimezone(UTC)


def rotation_shifts(spec: RotationSpec, start: datetime, end: datetime) -> list[Shift]:
    """Shifts of `spec` overlapping `[start, end)`."""
    zone = ZoneInfo(spec.time_zone)
    period = spec.every_days
    local_start = start.astimezone(zone).date()
    k = max(0, (local_start - spec.start).days // period - 1)
    people = spec.people
    out: list[Shift] = []
    label = f"rotation ({spec.time_zone})"
    while True:
        first_day = spec.start + timedelta(days=k * period)
        if spec.end is not None and first_day >= spec.end:
            break
        last_day = first_day + timedelta(days=period)
        s = _instant(first_day, spec.handover, zone)
        e = _instant(last_day, spec.handover, zone)
        if spec.end is not None and last_day > spec.end:
            e = _instant(spec.end, spec.handover, zone)
        if s >= end:
            break
        if e > start:
            person = people[(k + spec.offset) % len(people)]
            if spec.hours is None and spec.days is None:
                out.append(Shift(person, s, e, source=label))
            else:
                out.extend(_restricted(spec, person, s, e, zone, label))
        k += 1
    return [x for x in out if x.end > start and x.start < end]


def _restricted(
    spec: RotationSpec, person: str, s: datetime, e: datetime, zone: ZoneInfo, label: str
) -> list[Shift]:
    """The parts of `[s, e)` inside the rotation's daily hours and days."""
    from_t, to_t = spec.hours or (time(0), time(0))
    out = []
    day = s.astimezone(zone).date() - timedelta(days=1)
    last = e.astimezone(zone).date()
    while day <= last:
        if spec.days is None or day.weekday() in spec.days:
            w_start = _instant(day, from_t, zone)
            w_end_day = day if (spec.hours and to_t > from_t) else day + timedelta(days=1)
            w_end = _instant(w_end_day, to_t, zone)
            a, b = max(s, w_start), min(e, w_end)
            if a < b:
                out.append(Shift(person, a, b, source=label))
        day += timedelta(days=1)
    return out
