"""The inject engine, pure: from a drill's events and its drill time, what has been played,
what is due now, and what comes next (and when).

Every inject has one state:
- `fired` / `skipped` — an event says so (played to the players, or passed over);
- `due` — its time has come and it is waiting to be fired (the runner fires it);
- `scheduled` — it will come at `due` (an offset, a trigger's time plus delay, or the
  deadline of an `if: no FACT by` condition the team has not met yet);
- `waiting` — its trigger fact has not happened (`after: status identified`);
- `moot` — its condition was met in time (the team did update by +20m: no angry exec);
- `on_ask` — a clue, handed out by the facilitator when the players ask;
- `not_reached` — the drill ended (resolved, closed or deleted) before it came.

An inject's `due` time is its place in the scenario's world, so a fired inject is stamped at
`due`, not at the moment a runner happened to notice: a scenario at `--speed 60` plays every
inject at the right drill time however coarse the runner's tick.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from irtui.domain.model import Event, EventKind, Incident
from irtui.domain.timeutil import parse_iso
from irtui.drills.facts import fact_times
from irtui.drills.scenario import Inject, Scenario, scenario_from_dict

FIRED = "fired"
SKIPPED = "skipped"
DUE = "due"
SCHEDULED = "scheduled"
WAITING = "waiting"
MOOT = "moot"
ON_ASK = "on_ask"
NOT_REACHED = "not_reached"
PENDING = (DUE, SCHEDULED, WAITING, ON_ASK)


@dataclass(slots=True)
class DrillState:
    """A drill folded from its incident's events."""

    incident_id: str
    scenario: Scenario
    started: datetime
    """Drill time of offset +0m."""
    clock: dict[str, Any]
    fired: dict[str, Event] = field(default_factory=dict)
    skipped: dict[str, Event] = field(default_factory=dict)
    improvised: list[Event] = field(default_factory=list)
    facilitator: str = ""

    @property
    def running(self) -> bool:
        return bool(self.clock.get("running", True))

    @property
    def speed(self) -> float:
        return float(self.clock.get("speed", 1.0))


_SCENARIOS: dict[str, Scenario] = {}
"""Parsed scripts by their stored text: a seat folds its drill every second."""


def _scenario(event: Event) -> Scenario:
    key = json.dumps(event.payload["scenario"], sort_keys=True)
    found = _SCENARIOS.get(key)
    if found is None:
        if len(_SCENARIOS) > 256:
            _SCENARIOS.clear()
        found = _SCENARIOS[key] = scenario_from_dict(event.payload["scenario"])
    return found


def fold(events: Iterable[Event]) -> DrillState | None:
    """The drill in these events; None when they are not a scenario drill's."""
    state: DrillState | None = None
    for event in events:
        p = event.payload
        if event.kind == EventKind.DRILL_STARTED:
            state = DrillState(
                incident_id=event.incident_id,
                scenario=_scenario(event),
                started=parse_iso(p["clock"]["drill"]),  # type: ignore[arg-type]
                clock=dict(p["clock"]),
                facilitator=event.author,
            )
        elif state is None:
            continue
        elif event.kind in (
            EventKind.DRILL_PAUSED,
            EventKind.DRILL_RESUMED,
            EventKind.DRILL_SPEED_CHANGED,
        ):
            state.clock = dict(p["clock"])
        elif event.kind == EventKind.DRILL_INJECT_FIRED:
            state.fired.setdefault(str(p.get("inject")), event)
        elif event.kind == EventKind.DRILL_INJECT_SKIPPED:
            state.skipped.setdefault(str(p.get("inject")), event)
        elif event.kind == EventKind.DRILL_IMPROVISED:
            state.improvised.append(event)
    return state


@dataclass(frozen=True, slots=True)
class Planned:
    """One line of the script as the facilitator sees it."""

    inject: Inject
    index: int
    state: str
    due: datetime | None = None
    event: Event | None = None

    @property
    def pending(self) -> bool:
        return self.state in PENDING


def ended(incident: Incident) -> bool:
    return not incident.is_open


def plan(
    state: DrillState, incident: Incident, events: Iterable[Event], now: datetime
) -> list[Planned]:
    """Every inject of the script with its state at drill time `now`."""
    events = list(events)
    facts = fact_times(incident, events)
    over = ended(incident)
    rows: list[Planned] = []
    for index, inject in enumerate(state.scenario.injects):
        fired = state.fired.get(inject.id)
        if fired is not None:
            due = parse_iso(fired.payload.get("due")) or fired.at
            rows.append(Planned(inject, index, FIRED, due, fired))
            continue
        skipped = state.skipped.get(inject.id)
        if skipped is not None:
            rows.append(Planned(inject, index, SKIPPED, None, skipped))
            continue
        row = _pending(state, inject, index, facts, now)
        if over and row.state in (DUE, SCHEDULED, WAITING):
            row = Planned(inject, index, NOT_REACHED, row.due)
        rows.append(row)
    return rows


def _pending(
    state: DrillState,
    inject: Inject,
    index: int,
    facts: dict[str, datetime],
    now: datetime,
) -> Planned:
    start = state.started
    if inject.on_ask:
        return Planned(inject, index, ON_ASK)
    if inject.at_s is not None:
        due = start + timedelta(seconds=inject.at_s)
        return Planned(inject, index, DUE if due <= now else SCHEDULED, due)
    if inject.after is not None:
        seen = facts.get(inject.after)
        if seen is None:
            return Planned(inject, index, WAITING)
        due = max(seen, start) + timedelta(seconds=inject.delay_s)
        return Planned(inject, index, DUE if due <= now else SCHEDULED, due)
    assert inject.unless is not None
    deadline = start + timedelta(seconds=inject.by_s or 0)
    seen = facts.get(inject.unless)
    if seen is not None and seen <= deadline:
        return Planned(inject, index, MOOT, deadline)
    return Planned(inject, index, DUE if deadline <= now else SCHEDULED, deadline)


def due_now(rows: Iterable[Planned]) -> list[Planned]:
    """The injects to fire now, in the order they came due (script order on a tie)."""
    return sorted((r for r in rows if r.state == DUE), key=lambda r: (r.due, r.index))


def next_up(rows: Iterable[Planned]) -> Planned | None:
    """What comes next: the earliest scheduled inject (one waiting for a trigger if none)."""
    rows = list(rows)
    timed = [r for r in rows if r.state in (DUE, SCHEDULED) and r.due is not None]
    if timed:
        return min(timed, key=lambda r: (r.due, r.index))
    return next((r for r in rows if r.state == WAITING), None)


def fire_payload(
    state: DrillState, inject: Inject, due: datetime | None, how: str
) -> dict[str, Any]:
    """What a `drill_inject_fired` event carries: enough for the timeline to show the inject
    without the scenario (text, kind, how it reads), and when it was due."""
    from irtui.domain.timeutil import iso

    payload: dict[str, Any] = {
        "inject": inject.id,
        "kind": inject.kind,
        "label": inject.label,
        "entry_kind": inject.entry_kind,
        "text": inject.text,
        "due": iso(due),
        "how": how,
    }
    if inject.ask:
        payload["ask"] = inject.ask
    if inject.service:
        payload["service"] = inject.service
    if inject.runbook:
        payload["runbook"] = inject.runbook
    return payload
