"""Plain data types of the domain: incidents, events, timeline entries, roles.

`Incident` is the *projection* of an incident's append-only event stream: never edited in place
by callers, only produced by `lifecycle.apply`. Everything serialises to JSON-able dicts so the
store can keep the projection beside the events without an ORM in the hot path.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from irtui.domain.timeutil import iso, parse_iso


class Status(StrEnum):
    INVESTIGATING = "investigating"
    IDENTIFIED = "identified"
    MITIGATING = "mitigating"
    MONITORING = "monitoring"
    RESOLVED = "resolved"
    CLOSED = "closed"

    @property
    def is_open(self) -> bool:
        return self not in (Status.RESOLVED, Status.CLOSED)


class IncidentKind(StrEnum):
    REAL = "real"
    DRILL = "drill"
    BACKFILLED = "backfilled"


class EntryKind(StrEnum):
    DETECTION = "detection"
    ACTION = "action"
    DECISION = "decision"
    COMMUNICATION = "communication"
    ESCALATION = "escalation"
    RESOLUTION = "resolution"
    NOTE = "note"


class Audience(StrEnum):
    INTERNAL = "internal"
    STATUSPAGE = "statuspage"
    EXEC = "exec"


class Role(StrEnum):
    COMMANDER = "commander"
    TECH_LEAD = "tech_lead"
    COMMS_LEAD = "comms_lead"
    SCRIBE = "scribe"
    DEPUTY = "deputy"


ROLE_LABELS: dict[str, str] = {
    Role.COMMANDER: "Incident Commander",
    Role.TECH_LEAD: "Tech (Ops) Lead",
    Role.COMMS_LEAD: "Communications Lead",
    Role.SCRIBE: "Scribe",
    Role.DEPUTY: "Deputy IC",
}

ROLE_ALIASES: dict[str, str] = {
    "ic": Role.COMMANDER,
    "commander": Role.COMMANDER,
    "incident_commander": Role.COMMANDER,
    "tech": Role.TECH_LEAD,
    "tech_lead": Role.TECH_LEAD,
    "ops": Role.TECH_LEAD,
    "ops_lead": Role.TECH_LEAD,
    "tl": Role.TECH_LEAD,
    "comms": Role.COMMS_LEAD,
    "comms_lead": Role.COMMS_LEAD,
    "cl": Role.COMMS_LEAD,
    "communications": Role.COMMS_LEAD,
    "communications_lead": Role.COMMS_LEAD,
    "scribe": Role.SCRIBE,
    "deputy": Role.DEPUTY,
    "deputy_ic": Role.DEPUTY,
}

ROLE_SHORT_NAMES: dict[str, str] = {
    Role.COMMANDER: "ic",
    Role.TECH_LEAD: "tech",
    Role.COMMS_LEAD: "comms",
    Role.SCRIBE: "scribe",
    Role.DEPUTY: "deputy",
}
"""What a suggestion offers for each standard role: the name people type."""

NEAR_MISS_CUTOFF = 0.75
"""difflib similarity above which an unknown name is taken for a typo of a standard role
(`comander` 0.94, `techlead` 1.0 once `_` is ignored, `scrib` 0.91) rather than a role of
its own (`customer_liaison` 0.36, `security` 0.57)."""


class CustomRole(str):
    """A role name someone asked for as a custom role on purpose (`irtui role --custom`, the
    TUI's *Other role…*): taken as written, never refused as a near-miss of a standard one."""

    __slots__ = ()


def normalise_role(name: str) -> str:
    """Map `IC`, `tech-lead`, `Comms` ... to a canonical role key. Any other name is a custom
    role, except one that looks like a typo of a standard role (`comander`, `techlead`): that
    is refused with a suggestion, because a silent custom role leaves the real one empty and
    the policy's required-role warning firing. A `CustomRole` is never refused. The name is
    text someone typed: cleaned like a person's name (escape sequences and controls removed,
    and said; at most 120 characters)."""
    from irtui.boundary.text_in import one_line

    custom = isinstance(name, CustomRole)
    typed = one_line(str(name), "role", field="name")
    key = typed.lower().replace("-", "_").replace(" ", "_")
    if not key:
        raise DomainError("role name is empty")
    if key in ROLE_ALIASES:
        return ROLE_ALIASES[key]
    if custom:
        return CustomRole(key)  # stays custom through the next layer's normalise_role
    suggestion = near_miss_role(key)
    if suggestion is not None:
        raise UnknownRoleError(typed, suggestion)
    return key


def near_miss_role(key: str) -> str | None:
    """The standard role `key` is probably a typo of (as its short name), else None."""
    import difflib

    def compact(text: str) -> str:
        return text.replace("_", "")

    by_compact = {compact(alias): role for alias, role in ROLE_ALIASES.items()}
    if compact(key) in by_compact:  # `techlead`, `comms__lead`: only the separators differ
        return ROLE_SHORT_NAMES[by_compact[compact(key)]]
    close = difflib.get_close_matches(compact(key), by_compact, n=1, cutoff=NEAR_MISS_CUTOFF)
    return ROLE_SHORT_NAMES[by_compact[close[0]]] if close else None


def role_label(role: str) -> str:
    return ROLE_LABELS.get(role, role.replace("_", " ").title())


MILESTONES: tuple[str, ...] = (
    "started",
    "detected",
    "acknowledged",
    "mitigated",
    "resolved",
    "closed",
)


class EventKind(StrEnum):
    DECLARED = "declared"
    SEVERITY_CHANGED = "severity_changed"
    STATUS_CHANGED = "status_changed"
    ACKNOWLEDGED = "acknowledged"
    MILESTONE_SET = "milestone_set"
    ROLE_ASSIGNED = "role_assigned"
    ROLE_HANDED_OFF = "role_handed_off"
    HANDOFF_ACCEPTED = "handoff_accepted"
    HANDOFF_CONFIRMED = "handoff_confirmed"
    HANDOFF_WITHDRAWN = "handoff_withdrawn"
    MITIGATED = "mitigated"
    REOPENED = "reopened"
    ROLE_RELEASED = "role_released"
    ENTRY = "entry"
    ENTRY_AMENDED = "entry_amended"
    ENTRY_RETRACTED = "entry_retracted"
    UPDATE_SENT = "update_sent"
    REMINDER_SNOOZED = "reminder_snoozed"
    TASK_CREATED = "task_created"
    TASK_DONE = "task_done"
    DETAILS_CHANGED = "details_changed"
    RUNBOOK_PINNED = "runbook_pinned"
    RUNBOOK_STEP = "runbook_step"
    RUNBOOK_UNPINNED = "runbook_unpinned"
    # After the incident (irtui/review): learning-log facts and the postmortem's human parts.
    # They do not change the live projection or the war-room timeline.
    TAGGED = "tagged"
    UNTAGGED = "untagged"
    CAUSE_ADDED = "cause_added"
    CAUSE_REMOVED = "cause_removed"
    POSTMORTEM_SECTION = "postmortem_section"
    REVIEW_COMPLETED = "review_completed"
    REVIEW_REOPENED = "review_reopened"
    # History import (irtui/importers): who imported what from where, the source's raw
    # fields and its data-quality flags (irtui/domain/quality.py). Not on the timeline.
    IMPORTED = "imported"
    # Drills (irtui/drills): the drill clock (start, pause, resume, speed) as stored facts, the
    # injects played to the players, and the drill's deletion (itself recorded).
    DRILL_STARTED = "drill_started"
    DRILL_PAUSED = "drill_paused"
    DRILL_RESUMED = "drill_resumed"
    DRILL_SPEED_CHANGED = "drill_speed_changed"
    DRILL_INJECT_FIRED = "drill_inject_fired"
    DRILL_INJECT_SKIPPED = "drill_inject_skipped"
    DRILL_IMPROVISED = "drill_improvised"
    DRILL_DELETED = "drill_deleted"
    # Paging (irtui/domain/paging.py): who was woken up, their answer, the escalation. They
    # do not change the incident projection; `paging.fold_pages` folds them.
    PAGED = "paged"
    PAGE_ACKNOWLEDGED = "page_acknowledged"
    PAGE_ESCALATED = "page_escalated"
    PAGE_RESOLVED = "page_resolved"
    # A task marked done by mistake is reopened by an event (`refers_to`: the task's entry),
    # never by deleting the `task_done`: the one-key undo of the war room's task list.
    TASK_REOPENED = "task_reopened"
    # A task's owner or due time set after it was captured (`refers_to`: the task's entry;
    # the payload holds only what changed): "TODO: check lag" becomes Bob's, due 14:30.
    TASK_UPDATED = "task_updated"
    # A named link of the incident (dashboard, bridge, channel, ticket, or any name): set,
    # or removed with an empty URL. The latest event per name wins (`Incident.links`).
    LINK_SET = "link_set"


DRILL_CLOCK_EVENTS: frozenset[str] = frozenset(
    {
        EventKind.DRILL_STARTED,
        EventKind.DRILL_PAUSED,
        EventKind.DRILL_RESUMED,
        EventKind.DRILL_SPEED_CHANGED,
    }
)
"""Events whose payload `clock` is the incident's new time mapping (see `Incident.time_map`)."""


@dataclass(frozen=True, slots=True)
class Event:
    """One immutable fact. `at` is when it happened (may be backdated); `recorded_at` is when
    it was written. `refers_to` points at an earlier event this one amends or retracts."""

    incident_id: str
    kind: str
    at: datetime
    author: str
    payload: dict[str, Any] = field(default_factory=dict)
    recorded_at: datetime | None = None
    id: int | None = None
    refers_to: int | None = None
    flag: str | None = None
    """Set when the stored time could not be trusted (unreadable, or outside any incident's
    range — written by an older irtui): `at` is then when the event was recorded, and this
    says what was stored instead. Flagged events are shown, never hidden."""

    def to_dict(self) -> dict[str, Any]:
        data = {
            "id": self.id,
            "incident_id": self.incident_id,
            "kind": self.kind,
            "at": iso(self.at),
            "recorded_at": iso(self.recorded_at),
            "author": self.author,
            "payload": self.payload,
            "refers_to": self.refers_to,
        }
        if self.flag:
            data["flag"] = self.flag
        return data


@dataclass(slots=True)
class RoleHolder:
    name: str
    since: datetime
    pending_handoff_to: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "since": iso(self.since), "pending": self.pending_handoff_to}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RoleHolder:
        return cls(data["name"], parse_iso(data["since"]), data.get("pending"))  # type: ignore[arg-type]


@dataclass(slots=True)
class Handoff:
    """A hand-off in flight (the seeds' protocol): offered with the outgoing person's brief,
    accepted by the named incoming person with a read-back, confirmed by the outgoing one.
    Only the confirmation moves the role."""

    role: str
    from_: str
    to: str
    offered_by: str
    offered_at: datetime
    brief: str = ""
    offer_id: int | None = None
    accepted_at: datetime | None = None
    readback: str = ""

    @property
    def accepted(self) -> bool:
        return self.accepted_at is not None

    def to_dict(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "from": self.from_,
            "to": self.to,
            "offered_by": self.offered_by,
            "offered_at": iso(self.offered_at),
            "brief": self.brief,
            "offer_id": self.offer_id,
            "accepted_at": iso(self.accepted_at),
            "readback": self.readback,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Handoff:
        return cls(
            role=data["role"],
            from_=data["from"],
            to=data["to"],
            offered_by=data.get("offered_by") or data["from"],
            offered_at=parse_iso(data["offered_at"]),  # type: ignore[arg-type]
            brief=data.get("brief") or "",
            offer_id=data.get("offer_id"),
            accepted_at=parse_iso(data.get("accepted_at")),
            readback=data.get("readback") or "",
        )


def same_person(a: str | None, b: str | None) -> bool:
    """Names are typed by people: `Erin`, `erin ` and `erin` are one person."""
    return bool(a and b) and a.strip().casefold() == b.strip().casefold()  # type: ignore[union-attr]


STATUS_CHANGE = "status_change"
"""An update promise that is not a time: "with the next status change"."""

PROJECTION_VERSION = 2
"""Bumped when the projection gains facts older stores' projections lack; `Store` rebuilds
such projections from the events (the events are the truth) on open."""


@dataclass(slots=True)
class Incident:
    """The current state of one incident, folded from its events by `lifecycle.apply`."""

    id: str
    number: int
    title: str
    severity: int
    status: Status
    kind: IncidentKind
    declared_at: datetime
    declared_by: str
    services: list[str] = field(default_factory=list)
    impact: str = ""
    milestones: dict[str, datetime | None] = field(
        default_factory=lambda: dict.fromkeys(MILESTONES)
    )
    roles: dict[str, RoleHolder] = field(default_factory=dict)
    ack_within_s: int | None = None
    cadence_s: dict[str, int] = field(default_factory=dict)
    ack_due: datetime | None = None
    update_due: dict[str, datetime] = field(default_factory=dict)
    last_update: dict[str, datetime] = field(default_factory=dict)
    backlog: bool = False
    source_ref: str | None = None
    last_event_id: int = 0
    updated_at: datetime | None = None
    peak_severity: int = 0
    """The highest severity reached (the lowest number): obligations follow it."""
    status_at: datetime | None = None
    """When the current status was entered (None: investigating since the declaration)."""
    first_fact_at: datetime | None = None
    """The earliest time any fact of this incident happened (entries, status changes, ...):
    `started` may not move later than it."""
    promises: dict[str, str] = field(default_factory=dict)
    """Per audience, the next update promised with the last one: an ISO instant, or
    `STATUS_CHANGE` ("with the next status change"). Audiences without one follow the
    cadence."""
    hold_s: int | None = None
    """How long the policy wants the incident in *monitoring* before it is resolved (the
    strictest hold of any severity it reached), copied from the policy into the events."""
    handoffs: dict[str, Handoff] = field(default_factory=dict)

    time_map: dict[str, Any] | None = None
    """A drill's clock: `{"real", "drill", "speed", "running"}` — from the real instant `real`
    the incident's own time is `drill`, moving `speed` times as fast while `running`. Every
    time stored in such an incident (milestones, deadlines, event `at`) is on that clock;
    `clocks.incident_now` turns a real `now` into it. None: the incident lives in real time."""
    deleted_at: datetime | None = None
    """When a drill was deleted (`drill_deleted`): it then leaves the board, lists and
    reports; its events stay, as every event does."""
    links: dict[str, str] = field(default_factory=dict)
    """Named links (dashboard, bridge, channel, ticket, ...: `irtui.domain.links`)."""
    impact_parts: dict[str, str] = field(default_factory=dict)
    """The impact's parts (who, how_many, regions: `irtui.domain.details`), when given."""

    def __post_init__(self) -> None:
        if not self.peak_severity:
            self.peak_severity = self.severity

    @property
    def is_open(self) -> bool:
        return self.status.is_open and self.deleted_at is None

    @property
    def commander(self) -> str | None:
        holder = self.roles.get(Role.COMMANDER)
        return holder.name if holder else None

    def next_update_due(self) -> tuple[str, datetime] | None:
        """The audience whose update is due soonest, and when."""
        if not self.update_due:
            return None
        audience = min(self.update_due, key=lambda a: (self.update_due[a], a))
        return audience, self.update_due[audience]

    def to_dict(self) -> dict[str, Any]:
        # A drill's clock and deletion are written only when set, so every other incident's
        # stored state (and `show --json`) is exactly what it was before drills existed.
        drill: dict[str, Any] = {}
        if self.time_map is not None:
            drill["time_map"] = dict(self.time_map)
        if self.deleted_at is not None:
            drill["deleted_at"] = iso(self.deleted_at)
        if self.links:  # likewise: only incidents that have them carry them
            drill["links"] = dict(self.links)
        if self.impact_parts:
            drill["impact_parts"] = dict(self.impact_parts)
        return {
            "id": self.id,
            "number": self.number,
            "title": self.title,
            "severity": self.severity,
            "status": str(self.status),
            "kind": str(self.kind),
            "declared_at": iso(self.declared_at),
            "declared_by": self.declared_by,
            "services": list(self.services),
            "impact": self.impact,
            "milestones": {k: iso(v) for k, v in self.milestones.items()},
            "roles": {k: v.to_dict() for k, v in self.roles.items()},
            "ack_within_s": self.ack_within_s,
            "cadence_s": dict(self.cadence_s),
            "ack_due": iso(self.ack_due),
            "update_due": {k: iso(v) for k, v in self.update_due.items()},
            "last_update": {k: iso(v) for k, v in self.last_update.items()},
            "backlog": self.backlog,
            "source_ref": self.source_ref,
            "last_event_id": self.last_event_id,
            "updated_at": iso(self.updated_at),
            "peak_severity": self.peak_severity,
            "status_at": iso(self.status_at),
            "first_fact_at": iso(self.first_fact_at),
            "promises": dict(self.promises),
            "hold_s": self.hold_s,
            "handoffs": {k: v.to_dict() for k, v in self.handoffs.items()},
            "projection": PROJECTION_VERSION,
            **drill,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Incident:
        """The stored projection. Fields a projection of an older version lacks get neutral
        values (the store rebuilds such projections from the events when it can write)."""

        def dt_map(raw: dict[str, str | None]) -> dict[str, Any]:
            return {k: parse_iso(v) for k, v in raw.items()}

        milestones = dict.fromkeys(MILESTONES)
        milestones.update(dt_map(data.get("milestones", {})))
        return cls(
            id=data["id"],
            number=data["number"],
            title=data["title"],
            severity=data["severity"],
            status=Status(data["status"]),
            kind=IncidentKind(data["kind"]),
            declared_at=parse_iso(data["declared_at"]),  # type: ignore[arg-type]
            declared_by=data["declared_by"],
            services=list(data.get("services", [])),
            impact=data.get("impact", ""),
            milestones=milestones,
            roles={k: RoleHolder.from_dict(v) for k, v in data.get("roles", {}).items()},
            ack_within_s=data.get("ack_within_s"),
            cadence_s=dict(data.get("cadence_s", {})),
            ack_due=parse_iso(data.get("ack_due")),
            update_due=dt_map(data.get("update_due", {})),
            last_update=dt_map(data.get("last_update", {})),
            backlog=data.get("backlog", False),
            source_ref=data.get("source_ref"),
            last_event_id=data.get("last_event_id", 0),
            updated_at=parse_iso(data.get("updated_at")),
            peak_severity=data.get("peak_severity") or data["severity"],
            status_at=parse_iso(data.get("status_at")),
            first_fact_at=parse_iso(data.get("first_fact_at")),
            promises=dict(data.get("promises") or {}),
            hold_s=data.get("hold_s"),
            handoffs=_handoffs(data),
            time_map=dict(data["time_map"]) if data.get("time_map") else None,
            deleted_at=parse_iso(data.get("deleted_at")),
            links=dict(data.get("links") or {}),
            impact_parts=dict(data.get("impact_parts") or {}),
        )


def _handoffs(data: dict[str, Any]) -> dict[str, Handoff]:
    raw = data.get("handoffs")
    if raw is not None:
        return {k: Handoff.from_dict(v) for k, v in raw.items()}
    # An older projection knows only who an offer went to.
    out = {}
    for role, holder in (data.get("roles") or {}).items():
        if holder.get("pending"):
            out[role] = Handoff(
                role=role,
                from_=holder["name"],
                to=holder["pending"],
                offered_by=holder["name"],
                offered_at=parse_iso(holder["since"]),  # type: ignore[arg-type]
            )
    return out


@dataclass(slots=True)
class TimelineEntry:
    """A timeline line as shown to people: the original text plus its amendment history."""

    event_id: int
    incident_id: str
    at: datetime
    recorded_at: datetime
    author: str
    kind: str
    text: str
    starred: bool = False
    source: str = "entry"  # entry | the event kind it was derived from (update_sent, ...)
    amendments: list[tuple[datetime, str, str]] = field(default_factory=list)
    retracted: tuple[datetime, str, str] | None = None
    task: dict[str, Any] | None = None
    decision: dict[str, str] | None = None  # proposal, objections, call (decision records)
    flag: str | None = None  # the event's stored time could not be trusted (see Event.flag)
    detail: str | None = None  # multi-line text shown with the line, verbatim (a brief)

    @property
    def original_text(self) -> str:
        return self.amendments[0][2] if self.amendments else self.text

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.event_id,
            "at": iso(self.at),
            "recorded_at": iso(self.recorded_at),
            "kind": self.kind,
            "author": self.author,
            "text": self.text,
            "starred": self.starred,
            "source": self.source,
            "amended": bool(self.amendments),
            "history": [
                {"at": iso(at), "author": author, "previous_text": text}
                for at, author, text in self.amendments
            ],
            "retracted": self.retracted is not None,
            "retraction": None
            if self.retracted is None
            else {
                "at": iso(self.retracted[0]),
                "author": self.retracted[1],
                "reason": self.retracted[2],
            },
            "task": self.task,
            "decision": self.decision,
            "flag": self.flag,
            "detail": self.detail,
        }


class DomainError(ValueError):
    """A rule of the domain refused a command: bad input, shown to the user as is."""


class UnknownRoleError(DomainError):
    """A role name that looks like a typo of a standard role (`comander` for `ic`).

    `suggestion` is the standard role's short name; the front ends add how to ask for a
    custom role on purpose (`--custom` on the command line, *Other role…* in the TUI)."""

    def __init__(self, name: str, suggestion: str) -> None:
        self.name = name
        self.suggestion = suggestion
        super().__init__(
            f"unknown role {name!r}: did you mean `{suggestion}`? "
            "(a custom role by that name must be asked for explicitly)"
        )
