"""The `schedules:` section of catalog.yaml, validated with `file:line` errors.

A schedule is an ordered list of *layers* (a later layer wins wherever it has someone, as in
PagerDuty) plus *overrides* (they win over every layer). A layer is an iCalendar file or a YAML
rotation; an override is an iCalendar file (Grafana OnCall's overrides calendar) or one entry
with a person, a span and a reason:

    schedules:
      payments-primary:
        time_zone: Europe/Berlin
        layers:
          - ical: schedules/payments.ics          # relative to catalog.yaml
          - rotation:
              people: [erin, bob, carol]
              every: week                         # day, week, 2 weeks, 3 days
              handover: "monday 09:00"            # local time in time_zone
              start: 2026-01-05                   # the first hand-over
              hours: "08:00-20:00"                # optional: only these hours (follow the sun)
              days: [mon, tue, wed, thu, fri]     # optional
        overrides:
          - ical: schedules/payments-overrides.ics
          - {person: bob, start: "2026-11-24 09:00", end: "2026-11-24 18:00", reason: dentist}

Shorthand: `{ical: FILE}` or `{rotation: {...}}` directly is a one-layer schedule.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from irtui.boundary.yaml_load import line_of
from irtui.catalog.model import CatalogError

WEEKDAYS = {
    "mon": 0,
    "monday": 0,
    "tue": 1,
    "tues": 1,
    "tuesday": 1,
    "wed": 2,
    "wednesday": 2,
    "thu": 3,
    "thur": 3,
    "thurs": 3,
    "thursday": 3,
    "fri": 4,
    "friday": 4,
    "sat": 5,
    "saturday": 5,
    "sun": 6,
    "sunday": 6,
}
ICAL_FORMATS = ("auto", "pagerduty", "grafana", "plain")
_EVERY = re.compile(r"^\s*(\d+)?\s*(d|day|days|w|wk|week|weeks)\s*$", re.IGNORECASE)
_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")
_HANDOVER = re.compile(r"^\s*(?:([A-Za-z]+)\s+)?(\d{1,2}:\d{2})\s*$")


@dataclass(frozen=True, slots=True)
class IcalSource:
    path: str
    format: str = "auto"
    source: str = ""
    line: int | None = None


@dataclass(frozen=True, slots=True)
class RotationSpec:
    people: tuple[str, ...]
    every_days: int
    handover: time
    time_zone: str
    start: date
    end: date | None = None
    offset: int = 0
    hours: tuple[time, time] | None = None
    days: frozenset[int] | None = None


@dataclass(frozen=True, slots=True)
class OverrideSpec:
    person: str
    start: datetime
    end: datetime
    reason: str = ""
    line: int | None = None


@dataclass(frozen=True, slots=True)
class LayerSpec:
    """One layer or override source: exactly one of the three fields is set."""

    ical: IcalSource | None = None
    rotation: RotationSpec | None = None
    fixed: OverrideSpec | None = None

    @property
    def kind(self) -> str:
        return "ical" if self.ical else ("rotation" if self.rotation else "override")


@dataclass(frozen=True, slots=True)
class ScheduleSpec:
    key: str
    time_zone: str
    layers: tuple[LayerSpec, ...]
    overrides: tuple[LayerSpec, ...] = ()
    source: str = ""
    line: int | None = None

    def ical_files(self) -> list[IcalSource]:
        return [s.ical for s in (*self.layers, *self.overrides) if s.ical is not None]

    def people(self) -> set[str]:
        """Everyone named in the YAML parts (iCalendar people are known only once read)."""
        out: set[str] = set()
        for layer in (*self.layers, *self.overrides):
            if layer.rotation:
                out.update(layer.rotation.people)
            if layer.fixed:
                out.add(layer.fixed.person)
        return out


class _Fail:
    def __init__(self, source: str) -> None:
        self.source = source

    def __call__(self, container: Any, key: Any, message: str) -> CatalogError:
        return CatalogError(self.source, line_of(container, key), message)


def check_zone(name: str, fail: _Fail, container: Any, key: Any) -> str:
    try:
        ZoneInfo(str(name))
    except (ZoneInfoNotFoundError, ValueError):
        raise fail(container, key, f"unknown time zone {name!r} (use e.g. Europe/Berlin)") from None
    return str(name)


def parse_hhmm(value: Any) -> time | None:
    """`09:00` -> 09:00. PyYAML 1.1 reads an unquoted `10:30` as the base-60 integer 630:
    that is accepted too, so an unquoted hand-over time is not an error."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        hours, minutes = divmod(value, 60)
        return time(hours, minutes) if 0 <= hours < 24 else None
    match = _HHMM.match(str(value).strip())
    return time(int(match.group(1)), int(match.group(2))) if match else None


def parse_local_datetime(value: Any, zone: str) -> datetime | None:
    """A date-time in a schedule: ISO-8601 with an offset, or local time in `zone`."""
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        dt = datetime(value.year, value.month, value.day)
    else:
        text = str(value).strip().replace("Z", "+00:00")
        try:
            dt = datetime.fromisoformat(text)
        except ValueError:
            return None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=ZoneInfo(zone))
    return dt.astimezone(UTC)


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def _days(value: Any, fail: _Fail, container: Any, key: str) -> frozenset[int]:
    items: list[Any]
    if isinstance(value, str) and "-" in value:
        a, _, b = value.partition("-")
        if a.strip().lower() not in WEEKDAYS or b.strip().lower() not in WEEKDAYS:
            raise fail(container, key, f"`days: {value}`: use e.g. mon-fri or [mon, tue]")
        first, last = WEEKDAYS[a.strip().lower()], WEEKDAYS[b.strip().lower()]
        return frozenset((first + i) % 7 for i in range((last - first) % 7 + 1))
    items = value if isinstance(value, list) else [value]
    out = set()
    for item in items:
        name = str(item).strip().lower()
        if name not in WEEKDAYS:
            raise fail(container, key, f"`days`: {item!r} is not a weekday (mon..sun)")
        out.add(WEEKDAYS[name])
    return frozenset(out)


def _known_keys(data: Any, allowed: set[str], fail: _Fail, what: str) -> None:
    for key in data:
        if key not in allowed:
            raise fail(
                data, key, f"unknown key {key!r} in {what} (expected {', '.join(sorted(allowed))})"
            )


def _ical(data: Any, key: str, base: Path, fail: _Fail) -> IcalSource:
    raw = data[key]
    fmt = str(data.get("format", "auto"))
    if fmt not in ICAL_FORMATS:
        raise fail(data, "format", f"ical format must be one of {', '.join(ICAL_FORMATS)}")
    if isinstance(raw, dict):
        _known_keys(raw, {"file", "format"}, fail, "an ical layer")
        fmt = str(raw.get("format", "auto"))
        if fmt not in ICAL_FORMATS:
            raise fail(raw, "format", f"ical format must be one of {', '.join(ICAL_FORMATS)}")
        raw = raw.get("file")
    if not isinstance(raw, str) or not raw.strip():
        raise fail(data, key, "`ical:` needs a file path (relative to the catalog file)")
    path = Path(raw).expanduser()
    if not path.is_absolute():
        path = base / path
    return IcalSource(str(path), fmt, fail.source, line_of(data, key))


def _rotation(data: Any, zone: str, fail: _Fail) -> RotationSpec:
    if not isinstance(data, dict):
        raise fail(data, None, "`rotation:` must be a mapping (people, every, handover, start)")
    allowed = {"people", "every", "handover", "time_zone", "start", "end", "offset", "hours"}
    _known_keys(data, allowed | {"days"}, fail, "a rotation")
    people = data.get("people")
    if not isinstance(people, list) or not people or not all(isinstance(p, str) for p in people):
        raise fail(data, "people", "a rotation needs `people:`, a list of names")
    every = _EVERY.match(str(data.get("every", "week")))
    if not every:
        raise fail(data, "every", "`every:` is a number of days or weeks (day, week, 2 weeks)")
    count = int(every.group(1) or 1)
    every_days = count * (7 if every.group(2).lower().startswith("w") else 1)
    if every_days <= 0:
        raise fail(data, "every", "`every:` must be at least one day")
    zone = check_zone(data.get("time_zone", zone), fail, data, "time_zone")
    start = _as_date(data.get("start"))
    if start is None:
        raise fail(data, "start", "a rotation needs `start:`, the date of its first hand-over")
    raw_handover = data.get("handover", "09:00")
    if isinstance(raw_handover, int) and not isinstance(raw_handover, bool):
        raw_handover = f"{raw_handover // 60}:{raw_handover % 60:02d}"
    match = _HANDOVER.match(str(raw_handover))
    handover = parse_hhmm(match.group(2)) if match else None
    if match is None or handover is None:
        raise fail(data, "handover", '`handover:` is a local time, e.g. "09:00" or "monday 09:00"')
    if match.group(1):
        weekday = WEEKDAYS.get(match.group(1).lower())
        if weekday is None:
            raise fail(data, "handover", f"{match.group(1)!r} is not a weekday")
        if every_days % 7:
            raise fail(data, "handover", "a weekday hand-over needs `every:` in weeks")
        if start.weekday() != weekday:
            raise fail(
                data,
                "start",
                f"start {start.isoformat()} is a {start.strftime('%A')}; the hand-over is on "
                f"{match.group(1)} (start on the first hand-over day)",
            )
    end = _as_date(data["end"]) if data.get("end") is not None else None
    if "end" in data and data.get("end") is not None and end is None:
        raise fail(data, "end", "`end:` must be a date (YYYY-MM-DD)")
    offset = data.get("offset", 0)
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        raise fail(data, "offset", "`offset:` is how many people into the list to start (0..)")
    hours = None
    if data.get("hours") is not None:
        a, _, b = str(data["hours"]).partition("-")
        start_t, end_t = parse_hhmm(a), parse_hhmm(b)
        if start_t is None or end_t is None or start_t == end_t:
            raise fail(data, "hours", '`hours:` is a daily span, e.g. "09:00-17:00"')
        hours = (start_t, end_t)
    days = _days(data["days"], fail, data, "days") if data.get("days") is not None else None
    return RotationSpec(
        people=tuple(p.strip() for p in people),
        every_days=every_days,
        handover=handover,
        time_zone=zone,
        start=start,
        end=end,
        offset=offset,
        hours=hours,
        days=days,
    )


def _override(data: Any, zone: str, fail: _Fail) -> OverrideSpec:
    _known_keys(data, {"person", "start", "end", "reason"}, fail, "an override")
    person = data.get("person")
    if not isinstance(person, str) or not person.strip():
        raise fail(data, "person", "an override needs `person:`")
    start = parse_local_datetime(data.get("start"), zone) if data.get("start") else None
    end = parse_local_datetime(data.get("end"), zone) if data.get("end") else None
    if start is None:
        raise fail(data, "start", 'an override needs `start:` (e.g. "2026-11-24 09:00")')
    if end is None:
        raise fail(data, "end", 'an override needs `end:` (e.g. "2026-11-24 18:00")')
    if end <= start:
        raise fail(data, "end", "an override must end after it starts")
    return OverrideSpec(person.strip(), start, end, str(data.get("reason") or ""), line_of(data))


def _source(item: Any, zone: str, base: Path, fail: _Fail, *, override: bool) -> LayerSpec:
    if not isinstance(item, dict):
        raise fail(item, None, "each layer is a mapping with `ical:` or `rotation:`")
    if "ical" in item:
        _known_keys(item, {"ical", "format"}, fail, "an ical layer")
        return LayerSpec(ical=_ical(item, "ical", base, fail))
    if "rotation" in item:
        _known_keys(item, {"rotation"}, fail, "a rotation layer")
        return LayerSpec(rotation=_rotation(item["rotation"], zone, fail))
    if override and "person" in item:
        return LayerSpec(fixed=_override(item, zone, fail))
    wanted = "`ical:` or `person:`/`start:`/`end:`" if override else "`ical:` or `rotation:`"
    raise fail(item, None, f"expected {wanted}")


def parse_schedule(key: str, data: Any, source: str, base: Path) -> ScheduleSpec:
    fail = _Fail(source)
    if not isinstance(data, dict):
        raise fail(data, None, f"schedule {key!r} must be a mapping (layers, overrides)")
    allowed = {"time_zone", "layers", "overrides", "ical", "rotation", "format", "description"}
    _known_keys(data, allowed, fail, f"schedule {key!r}")
    zone = check_zone(data.get("time_zone", "UTC"), fail, data, "time_zone")
    layers: list[LayerSpec] = []
    if "ical" in data or "rotation" in data:
        if "layers" in data:
            raise fail(data, "layers", "use either `layers:` or one `ical:`/`rotation:`")
        if "ical" in data:
            layers.append(LayerSpec(ical=_ical(data, "ical", base, fail)))
        else:
            layers.append(LayerSpec(rotation=_rotation(data["rotation"], zone, fail)))
    raw_layers = data.get("layers") or []
    if not isinstance(raw_layers, list):
        raise fail(data, "layers", "`layers:` must be a list")
    layers += [_source(item, zone, base, fail, override=False) for item in raw_layers]
    if not layers:
        raise fail(data, None, f"schedule {key!r} has no layers (`ical:` or `rotation:`)")
    raw_over = data.get("overrides") or []
    if not isinstance(raw_over, list):
        raise fail(data, "overrides", "`overrides:` must be a list")
    overrides = tuple(_source(item, zone, base, fail, override=True) for item in raw_over)
    return ScheduleSpec(key, zone, tuple(layers), overrides, source, line_of(data))
