"""Running a drill: its commands, each one transaction through `Store.transact`.

Why firing is decided *inside* the write transaction: the facilitator's seat, a headless
`irtui drill run` and a restarted runner may all tick the same drill. Each tick re-reads the
drill's events after the store has serialised writers, so an inject already fired by another
seat is seen as fired and never played twice; a killed runner loses nothing, because what is
due is computed from stored facts (the drill clock and the fired injects), not remembered.

A tick that finds nothing due writes nothing (checked first outside the transaction, then
again inside it).
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from irtui.boundary.text_in import lines, one_line
from irtui.domain.clocks import incident_now
from irtui.domain.model import DomainError, Event, EventKind, Incident, IncidentKind
from irtui.drills.clock import first_segment, next_segment
from irtui.drills.engine import (
    FIRED,
    ON_ASK,
    PENDING,
    SKIPPED,
    DrillState,
    Planned,
    due_now,
    fire_payload,
    fold,
    plan,
)
from irtui.drills.scenario import IMPROVISED_KIND, INJECT_KINDS, Scenario, normalise_kind

_SEEN: weakref.WeakKeyDictionary[Any, dict[str, list[Event]]] = weakref.WeakKeyDictionary()


def events_of(store: Any, incident_id: str) -> list[Event]:
    """A drill's events, read incrementally: events are append-only and their ids are in
    commit order (the store's counter row serialises writers), so each second only what is
    new is read — the whole stream of a busy drill costs ~30 ms to decode, its tail ~0.1 ms.
    Inside a write transaction this sees everything committed before it."""
    per_store = _SEEN.setdefault(store, {})
    known = per_store.get(incident_id)
    if not known:
        known = store.events(incident_id)
    else:
        known = known + store.events(incident_id, after_id=known[-1].id or 0)
    per_store[incident_id] = known
    return list(known)


@dataclass(frozen=True, slots=True)
class DrillView:
    """Everything a facilitator's screen or `irtui drill report` reads, at one instant."""

    incident: Incident
    events: list[Event]
    state: DrillState | None
    now: datetime
    """Drill time."""
    rows: list[Planned]

    @property
    def scenario(self) -> Scenario | None:
        return self.state.scenario if self.state else None


def is_drill(incident: Incident) -> bool:
    return incident.kind is IncidentKind.DRILL


def _drill(store: Any, ref: str | int) -> Incident:
    incident = store.get(ref)
    if not is_drill(incident):
        raise DomainError(f"{incident.id} is not a drill (it is a {incident.kind} incident)")
    return incident


def view(store: Any, ref: str | int) -> DrillView:
    incident = _drill(store, ref)
    events = events_of(store, incident.id)
    state = fold(events)
    now = incident_now(incident, store.now())
    rows = plan(state, incident, events, now) if state else []
    return DrillView(incident, events, state, now, rows)


def start(store: Any, scenario: Scenario, *, speed: float = 1.0) -> Incident:
    """Declare the drill incident and start its clock, in one transaction (a drill incident
    never exists without its script). Players see the title; the briefing is the
    facilitator's to read out (and is on the facilitator's seat)."""
    level = store.policy.levels.get(scenario.severity)
    if level is None:
        raise DomainError(
            f"scenario {scenario.id!r} starts at SEV{scenario.severity}, which the policy "
            f"does not define (levels: {', '.join(f'SEV{n}' for n in sorted(store.policy.levels))})"
        )

    def then(incident: Incident, now: datetime) -> list[Event]:
        return [
            Event(
                incident.id,
                EventKind.DRILL_STARTED,
                now,
                store.author,
                {
                    "scenario": scenario.to_dict(),
                    "scenario_id": scenario.id,
                    "title": scenario.title,
                    "clock": first_segment(now, speed),
                },
            )
        ]

    return store.declare(
        scenario.title,
        scenario.severity,
        services=list(scenario.services),
        kind=IncidentKind.DRILL,
        then=then,
    )


def _fire_due(store: Any, incident: Incident, events: list[Event], now: datetime) -> list[Event]:
    """The fire events for everything due at drill time `now`, chained triggers included
    (`after: inject page` comes due the moment `page` is fired)."""
    new: list[Event] = []
    for _ in range(len(events) + 64):
        state = fold(events + new)
        if state is None:
            return []
        due = due_now(plan(state, incident, events + new, now))
        if not due:
            break
        for row in due:
            how = "schedule" if row.inject.at_s is not None else "trigger"
            payload = fire_payload(state, row.inject, row.due, how)
            new.append(
                Event(
                    incident.id, EventKind.DRILL_INJECT_FIRED, row.due or now, store.author, payload
                )
            )
    return new


def tick(store: Any, ref: str | int) -> list[Event]:
    """Fire every inject that is due (exactly once, whoever else is ticking)."""
    incident = store.get(ref)
    if not is_drill(incident) or not incident.is_open:
        return []
    events = events_of(store, incident.id)
    state = fold(events)
    if state is None:
        return []
    now = incident_now(incident, store.now())
    if not due_now(plan(state, incident, events, now)):
        return []

    def build(inc: Incident, drill_time: datetime) -> list[Event]:
        if not inc.is_open:
            return []
        return _fire_due(store, inc, events_of(store, inc.id), drill_time)

    return list(store.transact(incident.id, build)[1])


def _clock_change(store: Any, ref: str | int, kind: str, **change: Any) -> Event:
    def build(inc: Incident, drill_time: datetime) -> list[Event]:
        if not is_drill(inc) or inc.time_map is None:
            raise DomainError(f"{inc.id} is not a scenario drill: it has no drill clock")
        running = bool(inc.time_map.get("running", True))
        if kind == EventKind.DRILL_PAUSED and not running:
            raise DomainError(f"{inc.id} is already paused")
        if kind == EventKind.DRILL_RESUMED and running:
            raise DomainError(f"{inc.id} is not paused")
        clock = next_segment(inc.time_map, store.now(), **change)
        return [Event(inc.id, kind, drill_time, store.author, {"clock": clock})]

    return store.transact(ref, build)[1][0]


def pause(store: Any, ref: str | int) -> Event:
    """Stop the drill clock: countdowns freeze, nothing comes due, nothing is lost."""
    return _clock_change(store, ref, EventKind.DRILL_PAUSED, running=False)


def resume(store: Any, ref: str | int) -> Event:
    return _clock_change(store, ref, EventKind.DRILL_RESUMED, running=True)


def set_speed(store: Any, ref: str | int, speed: float) -> Event:
    return _clock_change(store, ref, EventKind.DRILL_SPEED_CHANGED, speed=speed)


def _one(state: DrillState | None, inc: Incident, inject_id: str) -> Any:
    if state is None:
        raise DomainError(f"{inc.id} is not a scenario drill: it has no script")
    inject = state.scenario.inject(inject_id.strip())
    if inject is None:
        known = ", ".join(i.id for i in state.scenario.injects)
        raise DomainError(f"no inject {inject_id!r} in this drill's script (known: {known})")
    if inject.id in state.fired:
        raise DomainError(f"inject {inject.id!r} has already been played")
    if inject.id in state.skipped:
        raise DomainError(f"inject {inject.id!r} was skipped")
    return inject


def fire(store: Any, ref: str | int, inject_id: str) -> Event:
    """The facilitator plays an inject now (a clue the players asked for, or one early)."""

    def build(inc: Incident, drill_time: datetime) -> list[Event]:
        if not inc.is_open:
            raise DomainError(f"{inc.id} is over ({inc.status}); nothing more is played")
        state = fold(events_of(store, inc.id))
        inject = _one(state, inc, inject_id)
        payload = fire_payload(state, inject, drill_time, "facilitator")  # type: ignore[arg-type]
        return [Event(inc.id, EventKind.DRILL_INJECT_FIRED, drill_time, store.author, payload)]

    return store.transact(ref, build)[1][0]


def skip(store: Any, ref: str | int, inject_id: str, reason: str = "") -> Event:
    """Pass over an inject (the players are ahead, or it no longer fits): recorded, unseen."""

    def build(inc: Incident, drill_time: datetime) -> list[Event]:
        inject = _one(fold(events_of(store, inc.id)), inc, inject_id)
        payload = {"inject": inject.id, "reason": one_line(reason, "reason")}
        return [Event(inc.id, EventKind.DRILL_INJECT_SKIPPED, drill_time, store.author, payload)]

    return store.transact(ref, build)[1][0]


def improvise(store: Any, ref: str | int, text: str, kind: str = "news") -> Event:
    """An inject the script did not have (the facilitator reacting to the room)."""
    chosen = normalise_kind(kind) or "news"

    def build(inc: Incident, drill_time: datetime) -> list[Event]:
        body = lines(text, "improvised inject")  # inside the write: its notices are shown
        if not body.strip():
            raise DomainError("an improvised inject needs text")
        if not is_drill(inc):
            raise DomainError(f"{inc.id} is not a drill")
        if not inc.is_open:
            raise DomainError(f"{inc.id} is over ({inc.status}); nothing more is played")
        spec = INJECT_KINDS[chosen]
        payload = {
            "kind": chosen,
            "label": f"{spec.label}, improvised",
            "entry_kind": str(spec.entry_kind),
            "text": body,
            "source": IMPROVISED_KIND,
        }
        return [Event(inc.id, EventKind.DRILL_IMPROVISED, drill_time, store.author, payload)]

    return store.transact(ref, build)[1][0]


def end(store: Any, ref: str | int) -> Incident:
    """End the drill: resolve its incident (if the players have not), noting who ended it."""
    incident = _drill(store, ref)
    if not incident.is_open:
        raise DomainError(f"{incident.id} is already {incident.status}")
    # The facilitator ends the exercise: not the players' resolution, so the checklist and the
    # monitoring hold are answered for them, and the resolve event says why.
    return store.resolve(
        incident.id,
        checked="all",
        early_reason="drill ended by the facilitator",
        note="drill ended by the facilitator",
    )


def delete(store: Any, ref: str | int, reason: str = "") -> Event:
    """Delete a drill: it leaves the board, every list and every report; the deletion is
    itself an event (who, when, why), and the drill's events stay, as all events do."""

    def build(inc: Incident, drill_time: datetime) -> list[Event]:
        if not is_drill(inc):
            raise DomainError(f"{inc.id} is a {inc.kind} incident; only drills can be deleted")
        payload = {"reason": one_line(reason, "reason"), "title": inc.title}
        return [Event(inc.id, EventKind.DRILL_DELETED, drill_time, store.author, payload)]

    return store.transact(ref, build)[1][0]


def drills(store: Any, *, include_deleted: bool = False) -> list[Incident]:
    """Every drill in the store, newest first."""
    found = [i for i in store.incidents_between(None, None) if is_drill(i)]
    if not include_deleted:
        found = [i for i in found if i.deleted_at is None]
    return sorted(found, key=lambda i: i.number, reverse=True)


def summary(v: DrillView) -> dict[str, Any]:
    """Counts for lists: played, skipped, still to come."""
    rows = v.rows
    return {
        "fired": sum(r.state == FIRED for r in rows),
        "skipped": sum(r.state == SKIPPED for r in rows),
        "pending": sum(r.state in PENDING and r.state != ON_ASK for r in rows),
        "clues_left": sum(r.state == ON_ASK for r in rows),
        "total": len(rows),
        "improvised": len(v.state.improvised) if v.state else 0,
    }
