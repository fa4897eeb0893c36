"""Writing past incidents into the store as `backfilled` incidents.

Why through the domain commands: `lifecycle.cmd_*` validate milestone order and times, so an
imported incident can never hold a state the live app could not have produced; replaying its
events gives its projection like any other incident.

Mapping (the same for every importer):
- `started`  = when impact began (the source's start; a postmortem impact window wins);
- `detected` = the first public post, clamped into [started, resolved]: the earliest evidence
               we have that someone knew;
- `acknowledged` = the first public post as well (publishing "Investigating" is an ack);
- identified / monitoring statuses become status changes at their real times (monitoring sets
  `mitigated`); `resolved` is the source's end of impact;
- every public post becomes an `update_sent` event for the `statuspage` audience at its real
  time (the text verbatim, the source status in the payload).
Re-importing is idempotent: `source_ref` is unique, known refs are skipped up front.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from irtui.domain import lifecycle
from irtui.domain.model import DomainError, Event, Incident, IncidentKind, Status
from irtui.domain.policy import Policy
from irtui.review.events import ReviewEvent, normalise_tag
from irtui.store.db import Database
from irtui.store.queries import source_refs
from irtui.store.repo import Store

IMPACT_SCOPE: dict[str, tuple[str, str]] = {
    "critical": ("wide", "high"),
    "major": ("wide", "medium"),
    "minor": ("wide", "low"),
    "none": ("limited", "low"),
    "maintenance": ("limited", "low"),
}
"""Status-page impact -> (scope, impact) of the policy matrix; the policy picks the SEV."""


def severity_for(policy: Policy, impact: str | None) -> int:
    """The SEV the policy's scope x impact matrix gives a status-page impact."""
    scope, level = IMPACT_SCOPE.get((impact or "none").strip().lower(), IMPACT_SCOPE["none"])
    return policy.classify(scope, level)


@dataclass(slots=True)
class BackfillUpdate:
    at: datetime
    text: str
    source_status: str
    status: Status | None = None  # identified / monitoring / resolved, else None


@dataclass(slots=True)
class BackfillIncident:
    source_ref: str
    title: str
    impact_level: str
    started: datetime
    resolved: datetime | None
    updates: list[BackfillUpdate] = field(default_factory=list)
    services: list[str] = field(default_factory=list)
    impact_text: str = ""
    tags: list[str] = field(default_factory=list)
    first_post: datetime | None = None

    def milestones(self) -> dict[str, datetime | None]:
        """Started/detected/acknowledged/resolved as imported (see the module docstring)."""
        first = self.first_post or (self.updates[0].at if self.updates else self.started)
        detected = max(first, self.started)
        if self.resolved is not None:
            detected = min(detected, self.resolved)
        return {
            "started": self.started,
            "detected": detected,
            "acknowledged": detected,
            "resolved": self.resolved,
        }


@dataclass(slots=True)
class ImportResult:
    imported: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # source refs already in the store
    failed: list[tuple[str, str]] = field(default_factory=list)  # (source ref, why)

    def to_dict(self) -> dict[str, object]:
        return {
            "imported": len(self.imported),
            "skipped": len(self.skipped),
            "failed": [{"source_ref": r, "error": e} for r, e in self.failed],
            "incidents": self.imported,
        }


def _fold(state: Incident, events: list[Event]) -> Incident:
    for event in events:
        state = lifecycle.apply(state, event)
    return state


def plan_rest(bf: BackfillIncident, incident: Incident, now: datetime, author: str) -> list[Event]:
    """Every event after the declaration, in time order, validated against the folded state.

    Status changes after the end of impact are dropped (the posts themselves are kept as
    communication): the incident was over, whatever the page said later."""
    m = bf.milestones()
    resolved = m["resolved"]
    events: list[Event] = []
    state = incident

    def add(new: list[Event]) -> None:
        nonlocal state
        events.extend(new)
        state = _fold(state, new)

    add(lifecycle.cmd_ack(state, now=now, author=author, at=m["acknowledged"]))
    # (when, order, what, payload): updates before status changes at the same instant.
    steps: list[tuple[datetime, int, str, BackfillUpdate | Status]] = []
    for n, upd in enumerate(bf.updates):
        steps.append((upd.at, 2 * n, "update", upd))
        if upd.status in (Status.IDENTIFIED, Status.MONITORING):
            steps.append(
                (max(upd.at, m["acknowledged"] or upd.at), 2 * n + 1, "status", upd.status)
            )
    if resolved is not None:
        steps.append((resolved, 2 * len(bf.updates) + 1, "status", Status.RESOLVED))
    steps.sort(key=lambda s: (s[0], s[1]))
    for when, _order, what, item in steps:
        if what == "update":
            assert isinstance(item, BackfillUpdate)
            made = lifecycle.cmd_update(
                state,
                item.text or item.source_status,
                now=now,
                author=author,
                audience="statuspage",
                at=item.at,
            )
            made[0].payload["source_status"] = item.source_status
            add(made)
            continue
        assert isinstance(item, Status)
        if not state.is_open or state.status == item:
            continue
        if item is Status.IDENTIFIED and state.status is not Status.INVESTIGATING:
            continue  # never step back from monitoring to identified
        note = "imported: end of impact" if item is Status.RESOLVED else "imported"
        add(lifecycle.cmd_status(state, item, now=now, author=author, at=when, note=note))
        if item is Status.MONITORING and state.milestones.get("mitigated") is None:
            # The page's "monitoring" is the only sign of mitigation in imported history.
            add(lifecycle.cmd_mitigated(state, now=now, author=author, at=when, note="imported"))
    if bf.tags:
        add(
            [
                Event(
                    incident.id,
                    str(ReviewEvent.TAGGED),
                    now,
                    author,
                    {"tags": [normalise_tag(t) for t in bf.tags]},
                )
            ]
        )
    return events


def _existing_refs(db: Database, refs: Iterable[str]) -> set[str]:
    return source_refs(db) & set(refs)


def _declare_args(bf: BackfillIncident, policy: Policy) -> dict[str, object]:
    m = bf.milestones()
    return {
        "title": bf.title or bf.source_ref,
        "severity": severity_for(policy, bf.impact_level),
        "services": bf.services,
        "impact": bf.impact_text,
        "kind": IncidentKind.BACKFILLED,
        "started_at": m["started"],
        "detected_at": m["detected"],
        "source_ref": bf.source_ref,
        "at": m["detected"],
    }


def validate(bf: BackfillIncident, policy: Policy, now: datetime, author: str) -> None:
    """Dry-run the whole plan on an in-memory state; raises DomainError if it cannot import."""
    args = _declare_args(bf, policy)
    at = args.pop("at")
    declared = lifecycle.cmd_declare(
        incident_id="INC-0", number=0, policy=policy, now=at, author=author, **args
    )  # type: ignore[arg-type]
    state = _fold(None, declared)  # type: ignore[arg-type]
    plan_rest(bf, state, now, author)


def import_incidents(
    store: Store, incidents: Iterable[BackfillIncident], *, batch: int = 200
) -> ImportResult:
    """Write backfilled incidents; `batch` incidents share one transaction (one fsync)."""
    result = ImportResult()
    items = list(incidents)
    known = _existing_refs(store.db, (bf.source_ref for bf in items))
    policy = store.policy
    author = store.author
    now = store.now()
    todo: list[BackfillIncident] = []
    seen: set[str] = set()
    for bf in items:
        if bf.source_ref in known or bf.source_ref in seen:
            result.skipped.append(bf.source_ref)
            continue
        seen.add(bf.source_ref)
        try:
            validate(bf, policy, now, author)
        except (DomainError, ValueError) as exc:
            result.failed.append((bf.source_ref, str(exc)))
            continue
        todo.append(bf)

    def write_chunk(chunk: list[BackfillIncident]) -> list[str]:
        def tx(_db: Database) -> list[str]:
            ids = []
            for bf in chunk:
                inc = store.declare(**_declare_args(bf, policy))  # type: ignore[arg-type]
                store.transact(inc.id, lambda state, now, bf=bf: plan_rest(bf, state, now, author))
                ids.append(inc.id)
            return ids

        return store.db.write(tx)

    for start in range(0, len(todo), batch):
        result.imported.extend(write_chunk(todo[start : start + batch]))
    return result
