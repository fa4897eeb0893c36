"""The reducer: `apply` folds one event into the incident projection; `replay` folds a stream.

The store runs `apply` inside the write transaction (so the projection is always the fold of
the events) and `replay` to verify or rebuild a projection. It never validates: the commands
(`lifecycle.cmd_*`) did, against the same state, before the events were written. It never
reads the policy either: everything policy-derived was copied into the events.

Events keep the meaning they had when they were written: a `status_changed` without `"v": 2`
(written before `mitigated` became its own action) still implies mitigation at *monitoring*
(newer ones only at resolution, when nobody marked it),
and a `handoff_accepted` without a read-back (written before the confirm step) still moves
the role. New events carry the new meaning.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from irtui.domain.model import (
    DRILL_CLOCK_EVENTS,
    MILESTONES,
    STATUS_CHANGE,
    DomainError,
    Event,
    EventKind,
    Handoff,
    Incident,
    IncidentKind,
    RoleHolder,
    Status,
)
from irtui.domain.timeutil import iso, parse_iso

STATUS_EVENT_VERSION = 2
"""`status_changed` events from this version on do not imply `mitigated` at monitoring."""
STATUS_CHANGE_GRACE = timedelta(minutes=5)
""""Next update with the next status change": the update is due this soon after it."""

FACT_KINDS = frozenset(
    {
        EventKind.ENTRY,
        EventKind.STATUS_CHANGED,
        EventKind.ACKNOWLEDGED,
        EventKind.UPDATE_SENT,
        EventKind.MITIGATED,
        EventKind.TASK_DONE,
        EventKind.RUNBOOK_STEP,
    }
)
"""Events that say something happened at their `at`: `started` may not move past them."""


def _recompute_update_due(inc: Incident) -> None:
    """Next update due per audience: the promise made with the last update if there is one
    (a time; "with the next status change" has no time until the status changes), else the
    last update (or the declaration) + the cadence. None once resolved, none in the backlog."""
    if not inc.is_open or inc.backlog:
        inc.update_due = {}
        return
    due: dict[str, datetime] = {}
    for audience in sorted(set(inc.cadence_s) | set(inc.promises)):
        promise = inc.promises.get(audience)
        if promise == STATUS_CHANGE:
            continue
        if promise:
            due[audience] = parse_iso(promise)  # type: ignore[assignment]
            continue
        base = inc.last_update.get(audience) or inc.declared_at
        due[audience] = base + timedelta(seconds=inc.cadence_s[audience])
    inc.update_due = due


def _recompute_ack_due(inc: Incident) -> None:
    """Ack deadline = detection + the level's ack window. It is kept after the ack (it is the
    SLA fact the ack is measured against) and cleared only for levels without a clock."""
    if inc.ack_within_s is None:
        inc.ack_due = None
        return
    base = inc.milestones.get("detected") or inc.declared_at
    inc.ack_due = base + timedelta(seconds=inc.ack_within_s)


def _set_if_unset(inc: Incident, milestone: str, at: datetime) -> None:
    if inc.milestones.get(milestone) is None:
        inc.milestones[milestone] = at


def _strictest_hold(a: int | None, b: int | None) -> int | None:
    return max(a or 0, b or 0) or None


def _declared(event: Event) -> Incident:
    p = event.payload
    milestones = dict.fromkeys(MILESTONES)
    milestones["started"] = parse_iso(p["started"])
    milestones["detected"] = parse_iso(p["detected"])
    inc = Incident(
        id=event.incident_id,
        number=p["number"],
        title=p["title"],
        severity=p["severity"],
        status=Status.INVESTIGATING,
        kind=IncidentKind(p.get("kind", "real")),
        declared_at=event.at,
        declared_by=event.author,
        services=list(p.get("services", [])),
        impact=p.get("impact", ""),
        milestones=milestones,
        ack_within_s=p.get("ack_within_s"),
        cadence_s=dict(p.get("cadence_s", {})),
        backlog=p.get("backlog", False),
        source_ref=p.get("source_ref"),
        peak_severity=p["severity"],
        hold_s=p.get("monitoring_hold_s"),
    )
    _recompute_ack_due(inc)
    _recompute_update_due(inc)
    return inc


def _copy(incident: Incident) -> Incident:
    return replace(
        incident,
        milestones=dict(incident.milestones),
        roles=dict(incident.roles),
        cadence_s=dict(incident.cadence_s),
        update_due=dict(incident.update_due),
        last_update=dict(incident.last_update),
        services=list(incident.services),
        promises=dict(incident.promises),
        handoffs=dict(incident.handoffs),
        time_map=dict(incident.time_map) if incident.time_map is not None else None,
    )


def apply(incident: Incident | None, event: Event) -> Incident:
    """Fold one event into the incident state. Returns a new Incident (input untouched)."""
    if event.kind == EventKind.DECLARED:
        if incident is not None:
            raise DomainError(f"{event.incident_id} is already declared")
        return _stamp(_declared(event), event)
    if incident is None:
        raise DomainError(f"{event.incident_id} does not exist")
    inc = _copy(incident)
    handler = _HANDLERS.get(str(event.kind))
    if handler is not None:
        handler(inc, event)
    # Entries, amendments, tasks, runbook ticks and the learning log change the timeline or
    # the review, not the live projection (beyond the earliest fact).
    if event.kind in FACT_KINDS and (inc.first_fact_at is None or event.at < inc.first_fact_at):
        inc.first_fact_at = event.at
    return _stamp(inc, event)


def _acknowledged(inc: Incident, event: Event) -> None:
    _set_if_unset(inc, "acknowledged", event.at)


def _severity(inc: Incident, event: Event) -> None:
    p = event.payload
    inc.severity = p["severity"]
    inc.peak_severity = min(inc.peak_severity or inc.severity, inc.severity)
    inc.ack_within_s = p.get("ack_within_s")
    inc.cadence_s = dict(p.get("cadence_s", {}))
    inc.backlog = p.get("backlog", False)
    inc.hold_s = _strictest_hold(inc.hold_s, p.get("monitoring_hold_s"))
    # A promise made to stakeholders stands, unless the new level asks for an update sooner.
    for audience, promise in list(inc.promises.items()):
        if promise == STATUS_CHANGE or audience not in inc.cadence_s:
            continue
        base = inc.last_update.get(audience) or inc.declared_at
        sooner = base + timedelta(seconds=inc.cadence_s[audience])
        if sooner < parse_iso(promise):  # type: ignore[operator]
            inc.promises[audience] = iso(sooner)  # type: ignore[assignment]
    _recompute_ack_due(inc)
    _recompute_update_due(inc)


def _status(inc: Incident, event: Event) -> None:
    p = event.payload
    target = Status(p["to"])
    legacy = int(p.get("v", 1)) < STATUS_EVENT_VERSION
    was_open = inc.is_open
    inc.status = target
    inc.status_at = event.at
    if target in (Status.IDENTIFIED, Status.MITIGATING, Status.MONITORING, Status.RESOLVED):
        # Working the problem implies it was acknowledged.
        _set_if_unset(inc, "acknowledged", event.at)
    if target is Status.RESOLVED or (legacy and target is Status.MONITORING):
        # Resolving says impact has ended: a mitigation nobody marked is taken as the
        # resolution (the resolve event says so). Monitoring implied it only in old events.
        _set_if_unset(inc, "mitigated", event.at)
    if target is Status.RESOLVED:
        inc.milestones["resolved"] = event.at
    elif target is Status.CLOSED:
        inc.milestones["closed"] = event.at
    elif not was_open:
        # Reopened: the earlier resolution stays in the history, not in the milestones.
        inc.milestones["resolved"] = None
        inc.milestones["closed"] = None
    if inc.is_open:
        for audience, promise in list(inc.promises.items()):
            if promise == STATUS_CHANGE:
                inc.promises[audience] = iso(event.at + STATUS_CHANGE_GRACE)  # type: ignore[assignment]
    _recompute_update_due(inc)


def _reopened(inc: Incident, event: Event) -> None:
    """A closed incident reopened for corrections: it is resolved again, not closed."""
    inc.status = Status.RESOLVED
    inc.status_at = event.at
    inc.milestones["closed"] = None
    _recompute_update_due(inc)


def _milestone(inc: Incident, event: Event) -> None:
    inc.milestones[event.payload["milestone"]] = parse_iso(event.payload["value"])
    _recompute_ack_due(inc)


def _mitigated(inc: Incident, event: Event) -> None:
    inc.milestones["mitigated"] = event.at


def _role_assigned(inc: Incident, event: Event) -> None:
    inc.roles[event.payload["role"]] = RoleHolder(event.payload["name"], event.at)


def _handed_off(inc: Incident, event: Event) -> None:
    p = event.payload
    role = p["role"]
    if not p.get("pending"):  # written before hand-offs were offered: a direct transfer
        inc.roles[role] = RoleHolder(p["to"], event.at)
        inc.handoffs.pop(role, None)
        return
    holder = inc.roles.get(role)
    if holder is None:
        return
    inc.roles[role] = RoleHolder(holder.name, holder.since, p["to"])
    inc.handoffs[role] = Handoff(
        role=role,
        from_=p.get("from") or holder.name,
        to=p["to"],
        offered_by=event.author,
        offered_at=event.at,
        brief=p.get("brief") or "",
        offer_id=event.id,
    )


def _accepted(inc: Incident, event: Event) -> None:
    p = event.payload
    role = p["role"]
    offer = inc.handoffs.get(role)
    if "readback" not in p:  # written before the confirm step: acceptance moved the role
        inc.roles[role] = RoleHolder(p["to"], event.at)
        inc.handoffs.pop(role, None)
        return
    if offer is not None:
        inc.handoffs[role] = replace(offer, accepted_at=event.at, readback=p["readback"])


def _confirmed(inc: Incident, event: Event) -> None:
    role = event.payload["role"]
    inc.roles[role] = RoleHolder(event.payload["to"], event.at)
    inc.handoffs.pop(role, None)


def _withdrawn(inc: Incident, event: Event) -> None:
    role = event.payload["role"]
    inc.handoffs.pop(role, None)
    holder = inc.roles.get(role)
    if holder is not None:
        inc.roles[role] = RoleHolder(holder.name, holder.since, None)


def _released(inc: Incident, event: Event) -> None:
    inc.roles.pop(event.payload["role"], None)
    inc.handoffs.pop(event.payload["role"], None)


def _update(inc: Incident, event: Event) -> None:
    p = event.payload
    audience = p["audience"]
    previous = inc.last_update.get(audience)
    if previous is None or event.at >= previous:
        inc.last_update[audience] = event.at
        if p.get("next_with_status_change"):
            inc.promises[audience] = STATUS_CHANGE
        elif p.get("next_update_at"):
            inc.promises[audience] = p["next_update_at"]
        else:  # no promise (older events, or "follow the cadence")
            inc.promises.pop(audience, None)
    _recompute_update_due(inc)


def _snoozed(inc: Incident, event: Event) -> None:
    until = parse_iso(event.payload["until"])
    target = event.payload["target"]
    if target == "ack":
        inc.ack_due = until
    elif target.startswith("update:") and target.split(":", 1)[1] in inc.update_due:
        audience = target.split(":", 1)[1]
        inc.update_due[audience] = until  # type: ignore[assignment]
        inc.promises[audience] = event.payload["until"]


def _drill_clock(inc: Incident, event: Event) -> None:
    inc.time_map = dict(event.payload["clock"])  # the drill clock's new segment (drills/clock.py)


def _drill_deleted(inc: Incident, event: Event) -> None:
    inc.deleted_at = event.at
    _recompute_update_due(inc)


def _details(inc: Incident, event: Event) -> None:
    from irtui.domain.details import apply_details

    apply_details(inc, event.payload)


def _link(inc: Incident, event: Event) -> None:
    from irtui.domain.links import apply_link

    apply_link(inc, event.payload)


_HANDLERS = {
    EventKind.ACKNOWLEDGED: _acknowledged,
    EventKind.SEVERITY_CHANGED: _severity,
    EventKind.STATUS_CHANGED: _status,
    EventKind.REOPENED: _reopened,
    EventKind.MILESTONE_SET: _milestone,
    EventKind.MITIGATED: _mitigated,
    EventKind.ROLE_ASSIGNED: _role_assigned,
    EventKind.ROLE_HANDED_OFF: _handed_off,
    EventKind.HANDOFF_ACCEPTED: _accepted,
    EventKind.HANDOFF_CONFIRMED: _confirmed,
    EventKind.HANDOFF_WITHDRAWN: _withdrawn,
    EventKind.ROLE_RELEASED: _released,
    EventKind.UPDATE_SENT: _update,
    EventKind.REMINDER_SNOOZED: _snoozed,
    EventKind.DETAILS_CHANGED: _details,
    EventKind.LINK_SET: _link,
    EventKind.DRILL_DELETED: _drill_deleted,
    **dict.fromkeys(DRILL_CLOCK_EVENTS, _drill_clock),
}


def _stamp(inc: Incident, event: Event) -> Incident:
    if event.id is not None:
        inc.last_event_id = event.id
    inc.updated_at = event.recorded_at or event.at
    return inc


def replay(events: list[Event]) -> Incident | None:
    """Fold a whole event stream (oldest first) — used to verify or rebuild the projection."""
    state: Incident | None = None
    for event in events:
        state = apply(state, event)
    return state
