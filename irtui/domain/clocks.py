"""Countdown clocks derived from stored deadlines and `now`.

The deadlines themselves (ack due, next update due per audience) are facts in the incident
projection; this module only answers "how long is left, and how loud should it be?", which is
why the TUI can tick once a second without touching the store.

Every public function takes the *real* `now` and evaluates the incident at its own time
(`incident_now`): a drill running paused or at `--speed 60` keeps its times on the drill clock,
so its countdowns run on that clock wherever they are shown (board, incident screen, bell,
`irtui show`) without any caller knowing about drills.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from irtui.domain.model import STATUS_CHANGE, Incident
from irtui.domain.timeutil import fmt_duration, parse_iso


class ClockState(StrEnum):
    OK = "ok"
    WARNING = "warning"  # amber: close to due
    OVERDUE = "overdue"  # red, and the bell
    DONE = "done"  # met (e.g. acknowledged)
    NONE = "none"  # no clock for this level


@dataclass(frozen=True, slots=True)
class ClockView:
    name: str  # "ack", "update:internal", ...
    label: str
    due: datetime | None
    remaining: timedelta | None
    state: ClockState
    note: str = ""
    """What a clock without a time waits for ("with the next status change")."""

    @property
    def text(self) -> str:
        if self.state is ClockState.NONE:
            return self.note or "—"
        if self.state is ClockState.DONE:
            return "✓"
        assert self.remaining is not None
        if self.state is ClockState.OVERDUE:
            return f"-{fmt_duration(-self.remaining)} OVERDUE"
        return fmt_duration(self.remaining)


def mapped_time(time_map: dict[str, Any] | None, now: datetime) -> datetime:
    """A time mapping applied to a real instant: from `real` on, the mapped clock reads `drill`
    and moves `speed` times as fast while `running` (frozen otherwise). Never before `drill`:
    a seat whose clock lags the one that wrote the mapping must not see time run backwards."""
    if not time_map:
        return now
    real = parse_iso(time_map["real"])
    drill = parse_iso(time_map["drill"])
    assert real is not None and drill is not None
    if not time_map.get("running", True) or now <= real:
        return drill
    return drill + (now - real) * float(time_map.get("speed", 1.0))


def incident_now(incident: Incident, now: datetime) -> datetime:
    """What time it is *for this incident*: `now` itself, or a drill's time (its clock is
    stored facts: `Incident.time_map`, folded from the drill's start/pause/resume/speed
    events). Apply it once, to a real `now`."""
    return mapped_time(incident.time_map, now)


def warning_window(window_s: int | None) -> timedelta:
    """Amber when less than a quarter of the window, or five minutes, is left."""
    if not window_s:
        return timedelta(minutes=5)
    return timedelta(seconds=min(max(window_s // 4, 60), 300))


def _state(remaining: timedelta, window_s: int | None) -> ClockState:
    if remaining <= timedelta(0):
        return ClockState.OVERDUE
    if remaining <= warning_window(window_s):
        return ClockState.WARNING
    return ClockState.OK


def ack_clock(incident: Incident, now: datetime) -> ClockView:
    return _ack_clock(incident, incident_now(incident, now))


def _ack_clock(incident: Incident, now: datetime) -> ClockView:
    if incident.ack_due is None:
        return ClockView("ack", "Ack", None, None, ClockState.NONE)
    if incident.milestones.get("acknowledged") or not incident.is_open:
        return ClockView("ack", "Ack", incident.ack_due, None, ClockState.DONE)
    remaining = incident.ack_due - now
    return ClockView(
        "ack", "Ack", incident.ack_due, remaining, _state(remaining, incident.ack_within_s)
    )


WITH_STATUS_CHANGE = "with the next status change"


def update_clocks(incident: Incident, now: datetime) -> list[ClockView]:
    """One clock per audience owed an update: a countdown to the promised (or cadence) time,
    or — promised "with the next status change" — a clock with no time that says so."""
    return _update_clocks(incident, incident_now(incident, now))


def _update_clocks(incident: Incident, now: datetime) -> list[ClockView]:
    views = []
    waiting = (
        [
            a
            for a, p in incident.promises.items()
            if p == STATUS_CHANGE and a not in incident.update_due
        ]
        if incident.is_open and not incident.backlog
        else []
    )
    for audience in sorted(waiting):
        views.append(
            ClockView(
                f"update:{audience}",
                f"Update ({audience})",
                None,
                None,
                ClockState.NONE,
                WITH_STATUS_CHANGE,
            )
        )
    for audience in sorted(incident.update_due):
        due = incident.update_due[audience]
        remaining = due - now
        views.append(
            ClockView(
                f"update:{audience}",
                f"Update ({audience})",
                due,
                remaining,
                _state(remaining, incident.cadence_s.get(audience)),
            )
        )
    return sorted(views, key=lambda v: v.name)


def next_update_clock(incident: Incident, now: datetime) -> ClockView:
    clocks = [c for c in update_clocks(incident, now) if c.due is not None]
    if not clocks:
        return ClockView("update", "Next update", None, None, ClockState.NONE)
    return min(clocks, key=lambda c: (c.due, c.name))  # type: ignore[arg-type, return-value]


def all_clocks(incident: Incident, now: datetime) -> list[ClockView]:
    local = incident_now(incident, now)
    return [_ack_clock(incident, local), *_update_clocks(incident, local)]


def is_overdue(incident: Incident, now: datetime) -> bool:
    return any(c.state is ClockState.OVERDUE for c in all_clocks(incident, now))


def soonest_due(incident: Incident, now: datetime) -> datetime | None:
    """The earliest pending deadline: the board sorts by it (what is due next comes first).
    A drill's deadline is given as `now` + what is left of it, so it sorts among real ones."""
    views = [
        c
        for c in all_clocks(incident, now)
        if c.due is not None and c.state not in (ClockState.DONE, ClockState.NONE)
    ]
    if not views:
        return None
    first = min(views, key=lambda c: c.due)  # type: ignore[arg-type,return-value]
    if incident.time_map is None or first.remaining is None:
        return first.due
    return now + first.remaining


def clocks_dict(incident: Incident, now: datetime) -> dict[str, object]:
    """The clocks as JSON-able data for `irtui show --json`."""
    from irtui.domain.timeutil import iso

    def one(view: ClockView) -> dict[str, object]:
        return {
            "due": iso(view.due),
            "remaining_s": None if view.remaining is None else int(view.remaining.total_seconds()),
            "state": str(view.state),
            "overdue": view.state is ClockState.OVERDUE,
        }

    def update(view: ClockView) -> dict[str, object]:
        data = one(view)
        if view.note:
            data["waits_for"] = "status_change"
        return data

    return {
        "ack": one(ack_clock(incident, now)),
        "updates": {c.name.split(":", 1)[1]: update(c) for c in update_clocks(incident, now)},
        "overdue": is_overdue(incident, now),
    }
