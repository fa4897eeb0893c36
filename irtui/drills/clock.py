"""The drill clock: stored facts, like every clock in irtui.

A drill's start, pauses, resumes and speed changes are events; each one carries the clock's
new segment `{"real", "drill", "speed", "running"}` (from real instant `real` on, drill time is
`drill`, moving `speed` times as fast while running). The incident projection keeps the last
segment (`Incident.time_map`), so `drill_now(events, real_now)` is a pure function: a drill
killed and restarted — or watched from another seat — reads the same drill time, and the
policy clocks of the drill incident (ack, update cadence, task timers) run on it too, because
the store stamps the drill's events with it (`Store.transact`, `clocks.incident_now`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from irtui.domain.clocks import mapped_time
from irtui.domain.model import DRILL_CLOCK_EVENTS, DomainError, Event, EventKind
from irtui.domain.timeutil import iso, parse_iso

MIN_SPEED = 0.1
MAX_SPEED = 600.0


def check_speed(speed: float) -> float:
    """A drill runs at 0.1x to 600x (`--speed 60`: a 45-minute scenario in 45 seconds)."""
    try:
        value = float(speed)
    except (TypeError, ValueError):
        raise DomainError(f"speed must be a number, not {speed!r}") from None
    if not MIN_SPEED <= value <= MAX_SPEED:
        raise DomainError(f"speed must be between {MIN_SPEED:g} and {MAX_SPEED:g}, not {value:g}")
    return value


def segment(events: Iterable[Event]) -> dict[str, Any] | None:
    """The drill clock's current segment, folded from the events (None: not a scenario drill)."""
    last = None
    for event in events:
        if event.kind in DRILL_CLOCK_EVENTS:
            last = event.payload.get("clock")
    return dict(last) if last else None


def drill_now(events: Iterable[Event], real_now: datetime) -> datetime:
    """The drill's time at real instant `real_now` (pure: the same on every seat)."""
    return mapped_time(segment(events), real_now)


def started_at(events: Iterable[Event]) -> datetime | None:
    """The drill time the drill started at (offset +0m of its scenario)."""
    for event in events:
        if event.kind == EventKind.DRILL_STARTED:
            return parse_iso(event.payload["clock"]["drill"])
    return None


def first_segment(real_now: datetime, speed: float) -> dict[str, Any]:
    """A new drill starts on real time: drill time == real time at the start."""
    return {
        "real": iso(real_now),
        "drill": iso(real_now),
        "speed": check_speed(speed),
        "running": True,
    }


def next_segment(
    current: dict[str, Any],
    real_now: datetime,
    *,
    speed: float | None = None,
    running: bool | None = None,
) -> dict[str, Any]:
    """The segment after a pause, resume or speed change at `real_now`: continuous (the drill
    time where the old one leaves off), with the new speed or running state."""
    return {
        "real": iso(real_now),
        "drill": iso(mapped_time(current, real_now)),
        "speed": check_speed(speed) if speed is not None else float(current.get("speed", 1.0)),
        "running": bool(current.get("running", True)) if running is None else running,
    }
