"""A schedule at an instant: its layers and overrides loaded for a window around it, resolved
by `shifts.span_at`.

`ShiftLoader` is the one place that reads schedule sources: YAML rotations are computed, iCal
files come from the per-year cache or are parsed (once per process) and expanded. A window of
`WINDOW` either side of the instant is enough to find when the current shift started and when
it ends for any rotation people actually run; a shift longer than that shows "until" as
unknown rather than a wrong time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from irtui.oncall import cache
from irtui.oncall.rotation import rotation_shifts
from irtui.oncall.shifts import Shift, Span, span_at
from irtui.oncall.spec import IcalSource, LayerSpec, ScheduleSpec

WINDOW = timedelta(days=40)


@dataclass
class ShiftLoader:
    """Reads layer sources for a window; memoised per (file, year, zone) for one process."""

    use_cache: bool = True
    problems: dict[str, list[str]] = field(default_factory=dict)
    _years: dict[tuple[str, int, str, str], list[Shift]] = field(default_factory=dict)
    _calendars: dict[str, Any] = field(default_factory=dict)

    def _calendar(self, src: IcalSource) -> Any:
        if src.path not in self._calendars:
            from irtui.oncall.ical import parse_calendar, read_bytes

            self._calendars[src.path] = parse_calendar(src, read_bytes(src))
        return self._calendars[src.path]

    def _year(self, src: IcalSource, year: int, zone: str) -> list[Shift]:
        key = (src.path, year, zone, src.format)
        if key in self._years:
            return self._years[key]
        hit = cache.load(src, year, zone) if self.use_cache else None
        if hit is None:
            from irtui.oncall.ical import expand

            start = datetime(year, 1, 1, tzinfo=UTC)
            end = datetime(year + 1, 1, 1, tzinfo=UTC)
            shifts, problems = expand(src, self._calendar(src), start, end, zone)
            if self.use_cache:
                cache.store(src, year, zone, shifts, problems)
        else:
            shifts, problems = hit
        if problems:
            found = self.problems.setdefault(src.path, [])
            found.extend(p for p in problems if p not in found)
        self._years[key] = shifts
        return shifts

    def ical(self, src: IcalSource, zone: str, start: datetime, end: datetime) -> list[Shift]:
        seen: set[tuple[datetime, datetime, str, int]] = set()
        out: list[Shift] = []
        for year in range(start.year, end.year + 1):
            for shift in self._year(src, year, zone):
                key = (shift.start, shift.end, shift.person, shift.level)
                if key in seen or shift.end <= start or shift.start >= end:
                    continue
                seen.add(key)
                out.append(shift)
        return out

    def layer(self, layer: LayerSpec, zone: str, start: datetime, end: datetime) -> list[Shift]:
        if layer.ical is not None:
            return self.ical(layer.ical, zone, start, end)
        if layer.rotation is not None:
            return rotation_shifts(layer.rotation, start, end)
        fixed = layer.fixed
        assert fixed is not None
        if fixed.end <= start or fixed.start >= end:
            return []
        return [Shift(fixed.person, fixed.start, fixed.end, reason=fixed.reason, source="override")]

    def shifts(
        self, spec: ScheduleSpec, start: datetime, end: datetime
    ) -> tuple[list[list[Shift]], list[Shift]]:
        """(one list of shifts per layer, the overrides) overlapping `[start, end)`."""
        layers = [self.layer(layer, spec.time_zone, start, end) for layer in spec.layers]
        overrides = [
            s for layer in spec.overrides for s in self.layer(layer, spec.time_zone, start, end)
        ]
        return layers, overrides


@dataclass(frozen=True, slots=True)
class ScheduleAt:
    schedule: str
    at: datetime
    span: Span

    @property
    def people(self) -> tuple[str, ...]:
        return self.span.answer.people


def schedule_at(
    spec: ScheduleSpec, at: datetime, loader: ShiftLoader, *, window: timedelta = WINDOW
) -> ScheduleAt:
    layers, overrides = loader.shifts(spec, at - window, at + window)
    return ScheduleAt(spec.key, at, span_at(at, layers, overrides))


def upcoming_overrides(
    spec: ScheduleSpec, start: datetime, end: datetime, loader: ShiftLoader
) -> list[Shift]:
    """Overrides that begin in `[start, end)`: the hand-off brief lists them."""
    _, overrides = loader.shifts(spec, start, end)
    return sorted((s for s in overrides if start <= s.start < end), key=lambda s: s.start)
