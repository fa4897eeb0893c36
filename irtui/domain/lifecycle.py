"""Lifecycle rules: commands turn intent into events; `apply` folds events into an Incident.

Two halves, both pure:
- `cmd_*` functions validate a command against the current state, the policy and `now`, and
  return the events to append. Anything policy-derived (ack window, update cadence, monitoring
  hold) is copied into the event payload, so replaying the events never needs the policy
  again: the clocks a store shows after reopening are exactly the clocks it showed before,
  even if the policy file changed in between.
- `apply` (in `reducer`) is the reducer the store runs inside the write transaction to keep
  the projection.

Time order is validated (`order`): nothing in the future, nothing implausibly old, milestones
in order, status changes in order, nothing from before the resolution after it. A timeline
entry backdated before `started` moves `started` earlier — as a recorded `milestone_set`
event on the timeline, never silently — and a detection entry moves `detected` likewise: the
alert nearly always fires before someone declares. A closed incident accepts nothing until it
is reopened (itself an event, with a reason).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Any

from irtui.boundary.text_in import lines, one_line
from irtui.domain.handoff import cmd_accept, cmd_confirm, cmd_offer, cmd_withdraw
from irtui.domain.model import (
    MILESTONES,
    STATUS_CHANGE,
    Audience,
    DomainError,
    EntryKind,
    Event,
    EventKind,
    Incident,
    IncidentKind,
    Status,
    normalise_role,
)
from irtui.domain.order import (
    FUTURE_SLACK,
    check_milestones,
    check_time,
    earliest,
    not_after_resolution,
    not_before_start,
)
from irtui.domain.policy import ChecklistItem, Policy
from irtui.domain.reducer import STATUS_EVENT_VERSION, apply, replay
from irtui.domain.resolution import resolve_terms
from irtui.domain.timeutil import fmt_when, iso, to_utc

__all__ = [
    "FUTURE_SLACK",
    "apply",
    "check_milestones",
    "cmd_accept_handoff",
    "cmd_confirm_handoff",
    "cmd_withdraw_handoff",
    "replay",
]

MAX_PROMISE = timedelta(days=7)
"""The furthest ahead a next update may be promised."""


def _policy_payload(policy: Policy, severity: int) -> dict[str, Any]:
    level = policy.level(severity)
    return {
        "severity": severity,
        "ack_within_s": level.ack_within_s,
        "cadence_s": dict(level.cadence_s),
        "backlog": level.backlog,
        "monitoring_hold_s": level.monitoring_hold_s,
    }


def _services(names: list[str]) -> list[str]:
    cleaned = (one_line(name, "service", field="name") for name in names)
    return list(dict.fromkeys(name for name in cleaned if name))


def _require_open(incident: Incident, action: str) -> None:
    if incident.status is Status.CLOSED:
        raise DomainError(
            f"{incident.id} is closed; its record is final. To {action}, reopen it first "
            f"with a reason (irtui reopen {incident.id} --reason TEXT)"
        )


def check_new_events(incident: Incident | None, events: Sequence[Event], now: datetime) -> None:
    """The safety net under every command, importer and plain append: a closed incident
    takes nothing but its reopening, and no event's time is in the future or implausibly
    old. The store runs it on every write."""
    for event in events:
        if (
            incident is not None
            and incident.status is Status.CLOSED
            and event.kind != EventKind.REOPENED
        ):
            _require_open(incident, f"record {event.kind}")
        check_time(event.at, now, f"{event.kind} time", incident=incident)


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
    """Declare. `started_at` is when impact began, `detected_at` when it was noticed (the
    alert); both default to now (`started` to `detected` when only that is given)."""
    title = one_line(title, "title", field="title")
    if not title:
        raise DomainError("an incident needs a title")
    if severity not in policy.levels:
        raise DomainError(f"severity must be one of {sorted(policy.levels)}")
    detected = check_time(detected_at or now, now, "detected")
    started = check_time(started_at or min(detected, to_utc(now)), now, "impact started")
    milestones = dict.fromkeys(MILESTONES)
    milestones.update(started=started, detected=detected)
    check_milestones(milestones, now)
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
    _require_open(incident, "acknowledge it")
    if incident.milestones.get("acknowledged"):
        raise DomainError(f"{incident.id} is already acknowledged")
    when = check_time(at or now, now, "acknowledged", incident=incident)
    not_after_resolution(incident, when, "acknowledged", now)
    check_milestones({**incident.milestones, "acknowledged": when}, now)
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
    _require_open(incident, "change its severity")
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
    checklist: Sequence[ChecklistItem] = (),
    checked: Collection[str] = (),
    early_reason: str = "",
) -> list[Event]:
    """Change status. Resolving answers `checklist` (the policy's items, by id in `checked`;
    `"all"` checks every one) and, before the monitoring hold is over, needs `early_reason`."""
    try:
        target = Status(status)
    except ValueError:
        raise DomainError(f"status must be one of {', '.join(s.value for s in Status)}") from None
    _require_open(incident, "change its status")
    if target == incident.status:
        raise DomainError(f"{incident.id} is already {target}")
    if target is Status.CLOSED and incident.status is not Status.RESOLVED:
        raise DomainError("only a resolved incident can be closed (after its review)")
    what = f"status change to {target}"
    when = check_time(at or now, now, what, incident=incident)
    not_before_start(incident, when, what, now)
    if incident.status_at is not None and when < incident.status_at:
        raise DomainError(
            f"{what} at {fmt_when(when, now)} is before the previous status change "
            f"(to {incident.status} at {fmt_when(incident.status_at, now)})"
        )
    payload: dict[str, Any] = {
        "from": str(incident.status),
        "to": str(target),
        "note": one_line(note, "note"),
        "v": STATUS_EVENT_VERSION,
    }
    if target is Status.RESOLVED and incident.milestones.get("mitigated") is None:
        payload["mitigated"] = "at_resolution"  # never marked: TTM = TTR, and it says so
    if target is Status.RESOLVED and incident.kind is not IncidentKind.BACKFILLED:
        payload.update(
            resolve_terms(
                incident, when, checklist=checklist, checked=checked, early_reason=early_reason
            )
        )
    event = Event(incident.id, EventKind.STATUS_CHANGED, when, author, payload)
    check_milestones(apply(incident, event).milestones, now)
    return [event]


def cmd_mitigated(
    incident: Incident, *, now: datetime, author: str, at: datetime | None = None, note: str = ""
) -> list[Event]:
    """Impact is mitigated (the bleeding stopped; a fix may still be to come): its own
    milestone, never inferred from the status. TTM = mitigated − started."""
    _require_open(incident, "mark it mitigated")
    previous = incident.milestones.get("mitigated")
    if previous is not None:
        raise DomainError(
            f"{incident.id} was already marked mitigated at {fmt_when(previous, now)}; "
            f"correct it with: irtui milestone {incident.id} mitigated WHEN"
        )
    when = check_time(at or now, now, "mitigated", incident=incident)
    not_before_start(incident, when, "mitigated", now)
    not_after_resolution(incident, when, "mitigated", now)
    check_milestones({**incident.milestones, "mitigated": when}, now)
    return [Event(incident.id, EventKind.MITIGATED, when, author, {"note": one_line(note, "note")})]


def cmd_reopen(incident: Incident, reason: str, *, now: datetime, author: str) -> list[Event]:
    """Reopen a closed incident for corrections (it becomes resolved again); needs a reason."""
    if incident.status is not Status.CLOSED:
        raise DomainError(
            f"{incident.id} is {incident.status}, not closed; to reopen a resolved incident "
            f"change its status (irtui status {incident.id} investigating)"
        )
    reason = one_line(reason, "reason")
    if not reason:
        raise DomainError("reopening a closed incident needs a reason")
    return [Event(incident.id, EventKind.REOPENED, now, author, {"reason": reason})]


def cmd_role(
    incident: Incident, role: str, name: str, *, now: datetime, author: str, brief: str = ""
) -> list[Event]:
    """Assign a role; if someone already holds it, offer it to `name` (the hand-off
    protocol: they accept with a read-back, the holder confirms)."""
    _require_open(incident, "change roles")
    role = normalise_role(role)
    name = one_line(name, "name", field="name")
    if not name:
        raise DomainError("a role needs a person's name")
    return cmd_offer(incident, role, name, now=now, author=author, brief=brief)


def cmd_handoff(
    incident: Incident, role: str, to: str, *, now: datetime, author: str, brief: str = ""
) -> list[Event]:
    """Offer a hand-off with a brief; the role moves once `to` accepted and the outgoing
    holder confirmed. An empty role is simply assigned."""
    _require_open(incident, "hand off a role")
    return cmd_offer(incident, role, to, now=now, author=author, brief=brief)


def cmd_accept_handoff(
    incident: Incident, role: str, *, now: datetime, author: str, readback: str = ""
) -> list[Event]:
    _require_open(incident, "accept a hand-off")
    return cmd_accept(incident, role, now=now, author=author, readback=readback)


def cmd_confirm_handoff(
    incident: Incident, role: str, *, now: datetime, author: str
) -> list[Event]:
    _require_open(incident, "confirm a hand-off")
    return cmd_confirm(incident, role, now=now, author=author)


def cmd_withdraw_handoff(
    incident: Incident, role: str, *, now: datetime, author: str, reason: str = ""
) -> list[Event]:
    _require_open(incident, "withdraw a hand-off")
    return cmd_withdraw(incident, role, now=now, author=author, reason=reason)


def _moved(
    name: str, incident: Incident, when: datetime, now: datetime, author: str, why: str
) -> Event:
    return Event(
        incident.id,
        EventKind.MILESTONE_SET,
        now,
        author,
        {
            "milestone": name,
            "value": iso(when),
            "previous": iso(incident.milestones.get(name)),
            "reason": why,
        },
    )


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
    the call) beside the sentence people read, so a postmortem can tabulate them.

    Backdated before `started`, the entry moves `started` to its time; a detection entry
    earlier than `detected` moves `detected` too — each move a `milestone_set` event."""
    _require_open(incident, "add an entry")
    text = lines(text, "entry")
    if not text.strip():
        raise DomainError("a timeline entry needs text")
    try:
        entry_kind = EntryKind(kind)
    except ValueError:
        raise DomainError(f"kind must be one of {', '.join(k.value for k in EntryKind)}") from None
    when = check_time(at or now, now, "entry time", incident=incident)
    events: list[Event] = []
    started = incident.milestones.get("started")
    detected = incident.milestones.get("detected")
    if started is not None and when < started:
        events.append(
            _moved("started", incident, when, now, author, "an entry was backdated before it")
        )
    if entry_kind is EntryKind.DETECTION and (detected is None or when < detected):
        events.append(
            _moved("detected", incident, when, now, author, "a detection entry was backdated")
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
    return [*events, Event(incident.id, EventKind.ENTRY, when, author, payload)]


def cmd_amend(
    incident: Incident, entry: Event, text: str, *, now: datetime, author: str
) -> list[Event]:
    _require_open(incident, "amend an entry")
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
    _require_open(incident, "retract an entry")
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


NextUpdate = datetime | str | None
"""A promise: an instant, `STATUS_CHANGE` ("with the next status change"), or None (follow
the cadence: the next update is due one cadence after this one)."""


def cmd_update(
    incident: Incident,
    text: str,
    *,
    now: datetime,
    author: str,
    audience: Audience | str = Audience.INTERNAL,
    at: datetime | None = None,
    publish: bool = False,
    posted_by_hand: bool = False,
    next_update: NextUpdate = None,
) -> list[Event]:
    """Record a stakeholder update that reached its audience, and the next one promised.

    Internal and exec updates are posted by the person recording them. The status page is
    reached only by publishing (`publish=True`: the outbox delivers it) or by someone who
    posted it by hand and says so (`posted_by_hand=True`); recording the text alone restarts
    no customer clock. `next_update` sets that audience's clock (default: its cadence)."""
    _require_open(incident, "record an update")
    try:
        aud = Audience(audience)
    except ValueError:
        raise DomainError(
            f"audience must be one of {', '.join(a.value for a in Audience)}"
        ) from None
    text = lines(text, "update")
    if not text.strip():
        raise DomainError("an update needs text")
    if publish and posted_by_hand:
        raise DomainError("an update is either published or posted by hand, not both")
    imported = incident.kind is IncidentKind.BACKFILLED
    if aud is Audience.STATUSPAGE and not (publish or posted_by_hand or imported):
        raise DomainError(
            "an update for the status page reaches customers only when it is published "
            f"(irtui publish {incident.id} TEXT) or posted by hand and marked so "
            "(--posted-by-hand); recording it alone would restart their clock for nothing"
        )
    if aud is not Audience.STATUSPAGE and publish:
        raise DomainError("only status-page updates are published")
    when = check_time(at or now, now, "update time", incident=incident)
    if not imported:  # imported history holds posts from before its impact window
        not_before_start(incident, when, "update time", now)
    payload: dict[str, Any] = {
        "audience": str(aud),
        "text": text,
        "publish": publish,
        "delivery": "statuspage"
        if publish
        else "by_hand"
        if posted_by_hand
        else "imported"
        if imported
        else "sent",
    }
    payload.update(_promise(incident, aud, when, next_update, now))
    return [Event(incident.id, EventKind.UPDATE_SENT, when, author, payload)]


def _promise(
    incident: Incident, audience: Audience, when: datetime, promised: NextUpdate, now: datetime
) -> dict[str, Any]:
    """The next update promised with this one, as stored facts."""
    resolving = not incident.is_open
    if promised == STATUS_CHANGE:
        if resolving:
            return {"next_update_at": None}
        return {"next_update_at": None, "next_with_status_change": True}
    if promised is None or isinstance(promised, str):
        if isinstance(promised, str):
            raise DomainError(f"next update {promised!r}: a time, or 'with the next status change'")
        cadence = incident.cadence_s.get(audience)
        if resolving or not cadence:
            return {"next_update_at": None}
        return {"next_update_at": iso(when + timedelta(seconds=cadence)), "next_from": "cadence"}
    due = to_utc(promised)
    if resolving:
        raise DomainError(f"{incident.id} is {incident.status}: no next update to promise")
    if due <= max(when, to_utc(now)):
        raise DomainError(f"the next update ({fmt_when(due, now)}) must be in the future")
    if due - when > MAX_PROMISE:
        raise DomainError(f"the next update ({fmt_when(due, now)}) is more than 7 days away")
    return {"next_update_at": iso(due)}


def cmd_snooze(
    incident: Incident, target: str, until: datetime, reason: str, *, now: datetime, author: str
) -> list[Event]:
    """Move a reminder (`ack` or `update:<audience>`) to `until`; needs a reason."""
    _require_open(incident, "snooze a reminder")
    reason = one_line(reason, "reason")
    if not reason:
        raise DomainError("a snooze needs a reason")
    until = to_utc(until)
    if until <= now:
        raise DomainError("snooze until a time in the future")
    if until - now > MAX_PROMISE:
        raise DomainError("a snooze is at most 7 days")
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


CORRECTABLE = {
    "acknowledged": "acknowledge it (irtui ack {id} --at WHEN)",
    "mitigated": "mark it mitigated (irtui mitigated {id} --at WHEN)",
    "resolved": "resolve it (irtui status {id} resolved ...)",
    "closed": "close it (irtui status {id} closed)",
}
"""Milestones a correction may only move once they were reached (and how to reach them)."""


def cmd_milestone(
    incident: Incident, name: str, at: datetime, *, now: datetime, author: str, reason: str = ""
) -> list[Event]:
    """Correct a milestone (e.g. impact really started 20 minutes earlier). `started` and
    `detected` can always be corrected; the others only once they were reached."""
    if name not in MILESTONES:
        raise DomainError(f"milestone must be one of {', '.join(MILESTONES)}")
    _require_open(incident, f"correct {name}")
    if name in CORRECTABLE and incident.milestones.get(name) is None:
        how = CORRECTABLE[name].format(id=incident.id)
        raise DomainError(
            f"{incident.id} has not reached {name} (it is {incident.status}): "
            f"a correction cannot invent it; {how}"
        )
    when = check_time(at, now, name, incident=incident)
    if name == "started" and incident.first_fact_at is not None and when > incident.first_fact_at:
        raise DomainError(
            f"started ({fmt_when(when, now)}) cannot be after the first recorded fact "
            f"({fmt_when(incident.first_fact_at, now)})"
        )
    check_milestones({**incident.milestones, name: when}, now)
    return [
        Event(
            incident.id,
            EventKind.MILESTONE_SET,
            now,
            author,
            {
                "milestone": name,
                "value": iso(when),
                "previous": iso(incident.milestones.get(name)),
                "reason": one_line(reason, "reason"),
            },
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
    _require_open(incident, "change its details")
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


def cmd_event(
    incident: Incident,
    kind: str,
    payload: dict[str, Any],
    *,
    now: datetime,
    author: str,
    at: datetime | None = None,
    refers_to: int | None = None,
) -> list[Event]:
    """A plain event with no rule of its own (task done, runbook step, the learning log):
    still in range, still refused on a closed incident."""
    _require_open(incident, f"record {kind}")
    when = check_time(at or now, now, f"{kind} time", incident=incident)
    return [Event(incident.id, kind, when, author, payload, refers_to=refers_to)]


def earliest_time(incident: Incident, now: datetime) -> datetime:
    """The earliest time a new fact of `incident` may carry (for dialogs to say so)."""
    return earliest(incident, now)
