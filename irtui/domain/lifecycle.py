"""Lifecycle rules: commands turn intent into events; `apply` folds events into an Incident.

Two halves, both pure:
- `cmd_*` functions validate a command against the current state, the policy and `now`, and
  return the events to append. Anything policy-derived (ack window, update cadence) is copied
  into the event payload, so replaying the events never needs the policy again: the clocks a
  store shows after reopening are exactly the clocks it showed before, even if the policy file
  changed in between.
- `apply` is the reducer the store runs inside the write transaction to keep the projection.

Milestone order is validated here: nothing before `started`; detected <= acknowledged;
mitigated <= resolved <= closed. Backdating is allowed within those bounds.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from irtui.boundary.text_in import lines, one_line
from irtui.domain.model import (
    DRILL_CLOCK_EVENTS,
    MILESTONES,
    Audience,
    DomainError,
    EntryKind,
    Event,
    EventKind,
    Incident,
    IncidentKind,
    RoleHolder,
    Status,
    normalise_role,
)
from irtui.domain.policy import Policy
from irtui.domain.timeutil import iso, parse_iso, to_utc

FUTURE_SLACK = timedelta(minutes=2)
"""How far ahead of `now` a timestamp may be (clock skew between laptops), no more."""

# Which milestones must not be later than which (pairs of (earlier, later)).
_ORDER: tuple[tuple[str, str], ...] = (
    ("started", "detected"),
    ("detected", "acknowledged"),
    ("started", "mitigated"),
    ("mitigated", "resolved"),
    ("acknowledged", "resolved"),
    ("detected", "resolved"),
    ("resolved", "closed"),
)


def _policy_payload(policy: Policy, severity: int) -> dict[str, Any]:
    level = policy.level(severity)
    return {
        "severity": severity,
        "ack_within_s": level.ack_within_s,
        "cadence_s": dict(level.cadence_s),
        "backlog": level.backlog,
    }


def _services(names: list[str]) -> list[str]:
    cleaned = (one_line(name, "service", field="name") for name in names)
    return list(dict.fromkeys(name for name in cleaned if name))


def _check_time(at: datetime, now: datetime, what: str) -> datetime:
    at = to_utc(at)
    if at > now + FUTURE_SLACK:
        raise DomainError(f"{what} is in the future ({iso(at)}); backdating only")
    return at


def check_milestones(milestones: dict[str, datetime | None]) -> None:
    """Raise DomainError if any milestone is out of order."""
    started = milestones.get("started")
    for name in MILESTONES:
        value = milestones.get(name)
        if started and value and value < started:
            raise DomainError(f"{name} ({iso(value)}) cannot be before started ({iso(started)})")
    for earlier, later in _ORDER:
        a, b = milestones.get(earlier), milestones.get(later)
        if a and b and b < a:
            raise DomainError(f"{later} ({iso(b)}) cannot be before {earlier} ({iso(a)})")


def _require_open(incident: Incident, action: str) -> None:
    if incident.status is Status.CLOSED:
        raise DomainError(f"{incident.id} is closed; cannot {action}")


# --- commands ---------------------------------------------------------------------------


def cmd_declare(
    *,
    incident_id: str,
    number: int,
    title: str,
    severity: int,
    policy: Policy,
    now: datetime,
    author: str,
    services: list[str] | None = None,
    impact: str = "",
    commander: str | None = None,
    kind: IncidentKind = IncidentKind.REAL,
    started_at: datetime | None = None,
    detected_at: datetime | None = None,
    source_ref: str | None = None,
) -> list[Event]:
    title = one_line(title, "title", field="title")
    if not title:
        raise DomainError("an incident needs a title")
    if severity not in policy.levels:
        raise DomainError(f"severity must be one of {sorted(policy.levels)}")
    detected = _check_time(detected_at or now, now, "detected")
    started = _check_time(started_at or detected, now, "started")
    milestones = dict.fromkeys(MILESTONES)
    milestones.update(started=started, detected=detected)
    check_milestones(milestones)
    payload = {
        "number": number,
        "title": title,
        "kind": str(kind),
        "services": _services(services or []),
        "impact": one_line(impact, "impact"),
        "started": iso(started),
        "detected": iso(detected),
        "source_ref": source_ref,
        **_policy_payload(policy, severity),
    }
    events = [Event(incident_id, EventKind.DECLARED, now, author, payload)]
    commander = one_line(commander or "", "commander", field="name")
    if commander:
        events.append(
            Event(
                incident_id,
                EventKind.ROLE_ASSIGNED,
                now,
                author,
                {"role": "commander", "name": commander},
            )
        )
    return events


def cmd_ack(
    incident: Incident, *, now: datetime, author: str, at: datetime | None = None
) -> list[Event]:
    _require_open(incident, "acknowledge")
    if incident.milestones.get("acknowledged"):
        raise DomainError(f"{incident.id} is already acknowledged")
    when = _check_time(at or now, now, "acknowledged")
    check_milestones({**incident.milestones, "acknowledged": when})
    return [Event(incident.id, EventKind.ACKNOWLEDGED, when, author, {})]


def cmd_severity(
    incident: Incident,
    severity: int,
    *,
    policy: Policy,
    now: datetime,
    author: str,
    reason: str = "",
) -> list[Event]:
    _require_open(incident, "change severity")
    if severity not in policy.levels:
        raise DomainError(f"severity must be one of {sorted(policy.levels)}")
    if severity == incident.severity:
        raise DomainError(f"{incident.id} is already SEV{severity}")
    payload = {
        "from": incident.severity,
        "reason": one_line(reason, "reason"),
        **_policy_payload(policy, severity),
    }
    return [Event(incident.id, EventKind.SEVERITY_CHANGED, now, author, payload)]


def cmd_status(
    incident: Incident,
    status: Status | str,
    *,
    now: datetime,
    author: str,
    at: datetime | None = None,
    note: str = "",
) -> list[Event]:
    try:
        target = Status(status)
    except ValueError:
        raise DomainError(f"status must be one of {', '.join(s.value for s in Status)}") from None
    if target == incident.status:
        raise DomainError(f"{incident.id} is already {target}")
    if incident.status is Status.CLOSED:
        raise DomainError(f"{incident.id} is closed; its history is final")
    if target is Status.CLOSED and incident.status is not Status.RESOLVED:
        raise DomainError("only a resolved incident can be closed (after its review)")
    when = _check_time(at or now, now, "status change")
    trial = apply(
        incident,
        Event(
            incident.id,
            EventKind.STATUS_CHANGED,
            when,
            author,
            {"from": str(incident.status), "to": str(target)},
        ),
    )
    check_milestones(trial.milestones)
    return [
        Event(
            incident.id,
            EventKind.STATUS_CHANGED,
            when,
            author,
            {"from": str(incident.status), "to": str(target), "note": one_line(note, "note")},
        )
    ]


def cmd_role(
    incident: Incident, role: str, name: str, *, now: datetime, author: str
) -> list[Event]:
    """Assign a role; if someone already holds it, this is a hand-off to `name`."""
    _require_open(incident, "change roles")
    role = normalise_role(role)
    name = one_line(name, "name", field="name")
    if not name:
        raise DomainError("a role needs a person's name")
    holder = incident.roles.get(role)
    if holder is None:
        return [
            Event(incident.id, EventKind.ROLE_ASSIGNED, now, author, {"role": role, "name": name})
        ]
    if holder.name == name:
        raise DomainError(f"{name} already holds {role}")
    return [
        Event(
            incident.id,
            EventKind.ROLE_HANDED_OFF,
            now,
            author,
            {"role": role, "from": holder.name, "to": name},
        )
    ]


def cmd_handoff(
    incident: Incident, role: str, to: str, *, now: datetime, author: str, brief: str = ""
) -> list[Event]:
    """Offer a hand-off with a brief; it takes effect when the incoming person accepts."""
    _require_open(incident, "hand off")
    role = normalise_role(role)
    holder = incident.roles.get(role)
    to = one_line(to, "name", field="name")
    brief = lines(brief, "brief", field="body")
    if not to:
        raise DomainError("hand off to whom?")
    if holder is None:
        return cmd_role(incident, role, to, now=now, author=author)
    if holder.name == to:
        raise DomainError(f"{to} already holds {role}")
    return [
        Event(
            incident.id,
            EventKind.ROLE_HANDED_OFF,
            now,
            author,
            {"role": role, "from": holder.name, "to": to, "brief": brief, "pending": True},
        )
    ]


def cmd_accept_handoff(incident: Incident, role: str, *, now: datetime, author: str) -> list[Event]:
    role = normalise_role(role)
    holder = incident.roles.get(role)
    if holder is None or not holder.pending_handoff_to:
        raise DomainError(f"no hand-off of {role} is waiting to be accepted")
    return [
        Event(
            incident.id,
            EventKind.HANDOFF_ACCEPTED,
            now,
            author,
            {"role": role, "from": holder.name, "to": holder.pending_handoff_to},
        )
    ]


def cmd_log(
    incident: Incident,
    text: str,
    *,
    now: datetime,
    author: str,
    kind: EntryKind | str = EntryKind.NOTE,
    at: datetime | None = None,
    starred: bool = False,
    task: dict[str, Any] | None = None,
    decision: dict[str, str] | None = None,
) -> list[Event]:
    """A timeline entry. `decision` keeps a decision record's parts (proposal, objections,
    the call) beside the sentence people read, so a postmortem can tabulate them."""
    text = lines(text, "entry")
    if not text.strip():
        raise DomainError("a timeline entry needs text")
    try:
        entry_kind = EntryKind(kind)
    except ValueError:
        raise DomainError(f"kind must be one of {', '.join(k.value for k in EntryKind)}") from None
    when = _check_time(at or now, now, "entry time")
    started = incident.milestones.get("started")
    if started and when < started:
        raise DomainError(
            f"entry time {iso(when)} is before the incident started ({iso(started)}); "
            f"if impact began earlier, correct it first: irtui milestone {incident.id} started "
            "<when>"
        )
    payload: dict[str, Any] = {"kind": str(entry_kind), "text": text, "starred": bool(starred)}
    if task:
        payload["task"] = task
    if decision:
        if entry_kind is not EntryKind.DECISION:
            raise DomainError("only a decision entry carries a decision record")
        payload["decision"] = {
            k: str(decision.get(k) or "").strip() for k in ("proposal", "objections", "call")
        }
    return [Event(incident.id, EventKind.ENTRY, when, author, payload)]


def cmd_amend(
    incident: Incident, entry: Event, text: str, *, now: datetime, author: str
) -> list[Event]:
    if entry.kind != EventKind.ENTRY:
        raise DomainError("only timeline entries can be amended")
    text = lines(text, "amendment")
    if not text.strip():
        raise DomainError("an amendment needs text (retract the entry instead)")
    return [
        Event(incident.id, EventKind.ENTRY_AMENDED, now, author, {"text": text}, refers_to=entry.id)
    ]


def cmd_retract(
    incident: Incident, entry: Event, reason: str, *, now: datetime, author: str
) -> list[Event]:
    if entry.kind != EventKind.ENTRY:
        raise DomainError("only timeline entries can be retracted")
    reason = one_line(reason, "reason")
    if not reason:
        raise DomainError("a retraction needs a reason")
    return [
        Event(
            incident.id,
            EventKind.ENTRY_RETRACTED,
            now,
            author,
            {"reason": reason},
            refers_to=entry.id,
        )
    ]


def cmd_update(
    incident: Incident,
    text: str,
    *,
    now: datetime,
    author: str,
    audience: Audience | str = Audience.INTERNAL,
    at: datetime | None = None,
    publish: bool = False,
) -> list[Event]:
    try:
        aud = Audience(audience)
    except ValueError:
        raise DomainError(
            f"audience must be one of {', '.join(a.value for a in Audience)}"
        ) from None
    text = lines(text, "update")
    if not text.strip():
        raise DomainError("an update needs text")
    when = _check_time(at or now, now, "update time")
    return [
        Event(
            incident.id,
            EventKind.UPDATE_SENT,
            when,
            author,
            {"audience": str(aud), "text": text, "publish": publish},
        )
    ]


def cmd_snooze(
    incident: Incident, target: str, until: datetime, reason: str, *, now: datetime, author: str
) -> list[Event]:
    """Move a reminder (`ack` or `update:<audience>`) to `until`; needs a reason."""
    _require_open(incident, "snooze")
    reason = one_line(reason, "reason")
    if not reason:
        raise DomainError("a snooze needs a reason")
    until = to_utc(until)
    if until <= now:
        raise DomainError("snooze until a time in the future")
    if target == "ack":
        if incident.ack_due is None:
            raise DomainError("there is no acknowledgement clock to snooze")
    elif target.startswith("update:"):
        if target.split(":", 1)[1] not in incident.update_due:
            raise DomainError(f"there is no {target.split(':', 1)[1]} update clock to snooze")
    else:
        raise DomainError("snooze target must be `ack` or `update:<audience>`")
    return [
        Event(
            incident.id,
            EventKind.REMINDER_SNOOZED,
            now,
            author,
            {"target": target, "until": iso(until), "reason": reason},
        )
    ]


def cmd_milestone(
    incident: Incident, name: str, at: datetime, *, now: datetime, author: str
) -> list[Event]:
    """Correct a milestone (e.g. impact really started 20 minutes earlier)."""
    if name not in MILESTONES:
        raise DomainError(f"milestone must be one of {', '.join(MILESTONES)}")
    when = _check_time(at, now, name)
    check_milestones({**incident.milestones, name: when})
    return [
        Event(
            incident.id,
            EventKind.MILESTONE_SET,
            now,
            author,
            {"milestone": name, "value": iso(when)},
        )
    ]


def cmd_details(
    incident: Incident,
    *,
    now: datetime,
    author: str,
    title: str | None = None,
    services: list[str] | None = None,
    impact: str | None = None,
) -> list[Event]:
    payload: dict[str, Any] = {}
    if title is not None:
        title = one_line(title, "title", field="title")
        if not title:
            raise DomainError("an incident needs a title")
        payload["title"] = title
    if services is not None:
        payload["services"] = _services(services)
    if impact is not None:
        payload["impact"] = one_line(impact, "impact")
    if not payload:
        raise DomainError("nothing to change")
    return [Event(incident.id, EventKind.DETAILS_CHANGED, now, author, payload)]


# --- reducer ----------------------------------------------------------------------------


def _recompute_update_due(inc: Incident) -> None:
    """Next update due per audience = last update (or declaration) + cadence; none once resolved."""
    if not inc.is_open or inc.backlog:
        inc.update_due = {}
        return
    due: dict[str, datetime] = {}
    for audience, seconds in inc.cadence_s.items():
        base = inc.last_update.get(audience) or inc.declared_at
        due[audience] = base + timedelta(seconds=seconds)
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


def apply(incident: Incident | None, event: Event) -> Incident:
    """Fold one event into the incident state. Returns a new Incident (input untouched)."""
    p = event.payload
    if event.kind == EventKind.DECLARED:
        if incident is not None:
            raise DomainError(f"{event.incident_id} is already declared")
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
        )
        _recompute_ack_due(inc)
        _recompute_update_due(inc)
        return _stamp(inc, event)

    if incident is None:
        raise DomainError(f"{event.incident_id} does not exist")
    inc = replace(
        incident,
        milestones=dict(incident.milestones),
        roles=dict(incident.roles),
        cadence_s=dict(incident.cadence_s),
        update_due=dict(incident.update_due),
        last_update=dict(incident.last_update),
        services=list(incident.services),
        time_map=dict(incident.time_map) if incident.time_map is not None else None,
    )
    kind = event.kind
    if kind == EventKind.ACKNOWLEDGED:
        _set_if_unset(inc, "acknowledged", event.at)
    elif kind == EventKind.SEVERITY_CHANGED:
        inc.severity = p["severity"]
        inc.ack_within_s = p.get("ack_within_s")
        inc.cadence_s = dict(p.get("cadence_s", {}))
        inc.backlog = p.get("backlog", False)
        _recompute_ack_due(inc)
        _recompute_update_due(inc)
    elif kind == EventKind.STATUS_CHANGED:
        _apply_status(inc, Status(p["to"]), event.at)
    elif kind == EventKind.MILESTONE_SET:
        inc.milestones[p["milestone"]] = parse_iso(p["value"])
        _recompute_ack_due(inc)
    elif kind == EventKind.ROLE_ASSIGNED:
        inc.roles[p["role"]] = RoleHolder(p["name"], event.at)
    elif kind == EventKind.ROLE_HANDED_OFF:
        if p.get("pending"):
            holder = inc.roles.get(p["role"])
            if holder is not None:
                inc.roles[p["role"]] = RoleHolder(holder.name, holder.since, p["to"])
        else:
            inc.roles[p["role"]] = RoleHolder(p["to"], event.at)
    elif kind == EventKind.HANDOFF_ACCEPTED:
        inc.roles[p["role"]] = RoleHolder(p["to"], event.at)
    elif kind == EventKind.ROLE_RELEASED:
        inc.roles.pop(p["role"], None)
    elif kind == EventKind.UPDATE_SENT:
        audience = p["audience"]
        previous = inc.last_update.get(audience)
        if previous is None or event.at >= previous:
            inc.last_update[audience] = event.at
        _recompute_update_due(inc)
    elif kind == EventKind.REMINDER_SNOOZED:
        until = parse_iso(p["until"])
        target = p["target"]
        if target == "ack":
            inc.ack_due = until
        elif target.startswith("update:") and target.split(":", 1)[1] in inc.update_due:
            inc.update_due[target.split(":", 1)[1]] = until  # type: ignore[assignment]
    elif kind == EventKind.DETAILS_CHANGED:
        from irtui.domain.details import apply_details

        apply_details(inc, p)
    elif kind == EventKind.LINK_SET:
        from irtui.domain.links import apply_link

        apply_link(inc, p)
    elif kind in DRILL_CLOCK_EVENTS:
        inc.time_map = dict(p["clock"])  # the drill clock's new segment (irtui/drills/clock.py)
    elif kind == EventKind.DRILL_DELETED:
        inc.deleted_at = event.at
        _recompute_update_due(inc)
    # Entries, amendments, tasks, runbook ticks change the timeline, not the projection.
    return _stamp(inc, event)


def _apply_status(inc: Incident, target: Status, at: datetime) -> None:
    was_open = inc.is_open
    inc.status = target
    if target in (Status.IDENTIFIED, Status.MITIGATING, Status.MONITORING, Status.RESOLVED):
        # Working the problem implies it was acknowledged.
        _set_if_unset(inc, "acknowledged", at)
    if target in (Status.MONITORING, Status.RESOLVED):
        _set_if_unset(inc, "mitigated", at)
    if target is Status.RESOLVED:
        inc.milestones["resolved"] = at
    elif target is Status.CLOSED:
        inc.milestones["closed"] = at
    elif not was_open:
        # Reopened: the earlier resolution stays in the history, not in the milestones.
        inc.milestones["resolved"] = None
        inc.milestones["closed"] = None
    if inc.is_open != was_open or target is Status.CLOSED:
        _recompute_update_due(inc)


def _stamp(inc: Incident, event: Event) -> Incident:
    if event.id is not None:
        inc.last_event_id = event.id
    inc.updated_at = event.recorded_at or event.at
    return inc


def replay(events: list[Event]) -> Incident | None:
    """Fold a whole event stream (oldest first) — used to verify the stored projection."""
    state: Incident | None = None
    for event in events:
        state = apply(state, event)
    return state
