"""Writing past incidents into the store as `backfilled` incidents.

Why through the domain commands: `lifecycle.cmd_*` validate milestone order and times, so an
imported incident can never hold a state the live app could not have produced; replaying its
events gives its projection like any other incident.

Mapping (the same for every importer; each importer documents how it fills it):
- `started`  = when impact began: the earliest evidence the source has (status pages: the
               earliest of `started_at`, `created_at` and the first post), unless the source
               holds a human-determined impact window (GitHub's postmortems), which wins;
- `detected` = the first public post (or the document's detection line), clamped into
               [started, resolved]; `acknowledged` = the first post too, unless stated;
- identified / monitoring statuses become status changes at their real times (monitoring sets
  `mitigated`); `resolved` is the source's end of impact;
- every public post becomes an `update_sent` event for the `statuspage` audience at its real
  time (plain text: HTML converted, controls removed), with the source status and post id;
  postmortem timeline lines become timeline entries.

Authorship: every imported fact is authored by its source (`statuspage:<page>`,
`github-statuses`, `postmortem:<file>`); one `imported` event, authored by the person who ran
the import, records who imported what, the source's raw fields (for `export`), what cleaning
removed, and the data-quality flags (`irtui/domain/quality.py`).

Re-importing is idempotent: `source_ref` is unique. A status-page record that gained posts
upstream since it was imported gets them as new events (and its resolution, if it was still
open); every other difference (edited times or text, removed posts) is reported, not applied.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from irtui.domain import lifecycle
from irtui.domain.model import (
    DomainError,
    EntryKind,
    Event,
    EventKind,
    Incident,
    IncidentKind,
    Status,
)
from irtui.domain.policy import Policy
from irtui.domain.quality import IMPORTED_EVENT
from irtui.domain.timeutil import iso
from irtui.review.events import ReviewEvent, normalise_tag
from irtui.store.db import Database
from irtui.store.queries import imported_digests, source_refs
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
    source_id: str | None = None  # the upstream post's id (re-imports compare by it)
    from_body: bool = False  # a timestamped line inside another post's body


@dataclass(slots=True)
class BackfillEntry:
    """A timeline line of a postmortem document."""

    at: datetime
    text: str
    kind: str = str(EntryKind.NOTE)
    untimed: str | None = None  # the time as written, when it could not be read
    line: int | None = None


@dataclass(slots=True)
class BackfillAction:
    title: str
    type: str = "prevent"
    owner: str | None = None
    due: date | None = None
    priority: str = "P2"
    done: bool = False
    line: int | None = None


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
    source: str = "import"  # the author of the imported facts
    severity: int | None = None  # stated by the source; else from impact_level
    detected: datetime | None = None  # stated by the source; else the first post
    acknowledged: datetime | None = None
    mitigated: datetime | None = None
    entries: list[BackfillEntry] = field(default_factory=list)
    sections: dict[str, str] = field(default_factory=dict)
    actions: list[BackfillAction] = field(default_factory=list)
    quality: dict[str, str] = field(default_factory=dict)
    raw: Any = None  # the source's own fields (cleaned), kept for export
    notices: list[str] = field(default_factory=list)
    fingerprint: str | None = None  # a content hash, for documents re-read later
    extra: dict[str, Any] = field(default_factory=dict)

    def milestones(self) -> dict[str, datetime | None]:
        """Started/detected/acknowledged/mitigated/resolved as imported (module docstring)."""
        first = self.first_post or (self.updates[0].at if self.updates else self.started)
        detected = max(self.detected or first, self.started)
        if self.resolved is not None:
            detected = min(detected, self.resolved)
        acked = max(self.acknowledged or detected, detected)
        mitigated = self.mitigated
        if self.resolved is not None:
            acked = min(acked, self.resolved)
            if mitigated is not None:
                mitigated = min(mitigated, self.resolved)
        if mitigated is not None:
            mitigated = max(mitigated, self.started)
        return {
            "started": self.started,
            "detected": detected,
            "acknowledged": acked,
            "mitigated": mitigated,
            "resolved": self.resolved,
        }


@dataclass(slots=True)
class ReadResult:
    """What a reader made of its files: incidents to import, and everything it could not
    use, each with its place (`file:line` or `file: record`)."""

    incidents: list[BackfillIncident] = field(default_factory=list)
    refused: list[tuple[str, str]] = field(default_factory=list)  # (where, why): not created
    unplaced: list[tuple[str, str]] = field(default_factory=list)  # (where, what): left out
    notes: list[tuple[str, str]] = field(default_factory=list)  # (where, how it was read)

    def extend(self, other: ReadResult) -> None:
        self.incidents += other.incidents
        self.refused += other.refused
        self.unplaced += other.unplaced
        self.notes += other.notes


@dataclass(slots=True)
class ImportResult:
    imported: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # source refs already in the store
    failed: list[tuple[str, str]] = field(default_factory=list)  # (source ref, why)
    updated: list[tuple[str, str, int]] = field(default_factory=list)  # (ref, id, posts added)
    differences: list[tuple[str, str, str]] = field(default_factory=list)  # (ref, id, what)
    notices: list[str] = field(default_factory=list)
    flagged: dict[str, int] = field(default_factory=dict)  # quality flag -> incidents

    def to_dict(self) -> dict[str, object]:
        return {
            "imported": len(self.imported),
            "skipped": len(self.skipped),
            "failed": [{"source_ref": r, "error": e} for r, e in self.failed],
            "incidents": self.imported,
            "updated": [
                {"source_ref": r, "incident": i, "posts_added": n} for r, i, n in self.updated
            ],
            "differences": [
                {"source_ref": r, "incident": i, "difference": d} for r, i, d in self.differences
            ],
            "quality_flags": dict(sorted(self.flagged.items())),
            "notices": self.notices,
        }


def _fold(state: Incident, events: list[Event]) -> Incident:
    for event in events:
        state = lifecycle.apply(state, event)
    return state


def digest_of(bf: BackfillIncident) -> str:
    """A hash of the source record as read: a re-import whose record hashes the same has
    nothing new, and is skipped without reading the incident's events."""
    import hashlib

    text = json.dumps(bf.raw, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def imported_payload(bf: BackfillIncident, importer: str, **more: Any) -> dict[str, Any]:
    """The `imported` event: provenance, raw source fields, cleaning notices, quality."""
    payload: dict[str, Any] = {
        "source": bf.source,
        "source_ref": bf.source_ref,
        "imported_by": importer,
        "digest": digest_of(bf),
        "quality": dict(bf.quality),
        "posts": [u.source_id for u in bf.updates if u.source_id],
    }
    if bf.notices:
        payload["notices"] = list(bf.notices)
    if bf.fingerprint:
        payload["fingerprint"] = bf.fingerprint
    if bf.extra:
        payload["extra"] = bf.extra
    if bf.raw is not None:
        payload["raw"] = bf.raw
    payload.update(more)
    return payload


def post_text(item: BackfillUpdate) -> str:
    """What an imported post says on the timeline (an empty post says its status)."""
    return item.text or item.source_status or "(empty post)"


def _update_events(
    state: Incident, item: BackfillUpdate, now: datetime, author: str
) -> list[Event]:
    made = lifecycle.cmd_update(
        state,
        post_text(item),
        now=now,
        author=author,
        audience="statuspage",
        at=item.at,
    )
    made[0].payload["source_status"] = item.source_status
    if item.source_id:
        made[0].payload["source_id"] = item.source_id
    if item.from_body:
        made[0].payload["from_body"] = True
    return made


def plan_rest(
    bf: BackfillIncident,
    incident: Incident,
    now: datetime,
    author: str,
    importer: str | None = None,
) -> list[Event]:
    """Every event after the declaration, in time order, validated against the folded state.

    Status changes after the end of impact are dropped (the posts themselves are kept as
    communication): the incident was over, whatever the page said later. `author` is the
    source; `importer` the person running the import (the `imported` event's author)."""
    m = bf.milestones()
    resolved = m["resolved"]
    events: list[Event] = []
    state = incident

    def add(new: list[Event]) -> None:
        nonlocal state
        events.extend(new)
        state = _fold(state, new)

    add(
        [
            Event(
                incident.id,
                IMPORTED_EVENT,
                now,
                importer or author,
                imported_payload(bf, importer or author),
            )
        ]
    )
    add(lifecycle.cmd_ack(state, now=now, author=author, at=m["acknowledged"]))
    # (when, order, what, item): posts and entries before status changes at the same instant.
    steps: list[tuple[datetime, int, str, Any]] = []
    n = 0
    for upd in bf.updates:
        steps.append((upd.at, 3 * n, "update", upd))
        if upd.status in (Status.IDENTIFIED, Status.MONITORING):
            steps.append(
                (max(upd.at, m["acknowledged"] or upd.at), 3 * n + 2, "status", upd.status)
            )
        n += 1
    for entry in bf.entries:
        steps.append((entry.at, 3 * n, "entry", entry))
        n += 1
    mitigated = m["mitigated"]
    if mitigated is not None and (resolved is None or mitigated < resolved):
        steps.append((mitigated, 3 * n + 2, "status", Status.MONITORING))
        n += 1
    if resolved is not None:
        steps.append((resolved, 3 * n + 2, "status", Status.RESOLVED))
    steps.sort(key=lambda s: (s[0], s[1]))
    for when, _order, what, item in steps:
        if what == "update":
            add(_update_events(state, item, now, author))
            continue
        if what == "entry":
            made = lifecycle.cmd_log(
                state, item.text, now=now, author=author, kind=item.kind, at=item.at
            )
            if item.untimed is not None:
                made[0].payload["untimed"] = item.untimed
            if item.line is not None:
                made[0].payload["source_line"] = item.line
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
        tags = [normalise_tag(t) for t in bf.tags]
        add([Event(incident.id, str(ReviewEvent.TAGGED), now, author, {"tags": tags})])
    for key, text in bf.sections.items():
        if text.strip():
            add(
                [
                    Event(
                        incident.id,
                        str(ReviewEvent.POSTMORTEM_SECTION),
                        now,
                        author,
                        {"section": key, "text": text},
                    )
                ]
            )
    return events


def _declare_args(bf: BackfillIncident, policy: Policy) -> dict[str, object]:
    m = bf.milestones()
    severity = bf.severity if bf.severity in policy.levels else None
    return {
        "title": bf.title or bf.source_ref,
        "severity": severity or severity_for(policy, bf.impact_level),
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
        incident_id="INC-0", number=0, policy=policy, now=at, author=bf.source, **args
    )  # type: ignore[arg-type]
    if at > now + lifecycle.FUTURE_SLACK:  # type: ignore[operator]
        raise DomainError(f"the source's times are in the future ({iso(at)})")  # type: ignore[arg-type]
    state = _fold(None, declared)  # type: ignore[arg-type]
    plan_rest(bf, state, now, bf.source, author)


def _write_actions(db: Database, incident_id: str, bf: BackfillIncident, now: datetime) -> None:
    from irtui.store.actions_repo import ActionsRepo

    repo = ActionsRepo(db)
    for action in bf.actions:
        item = repo.add(
            incident_id,
            action.title,
            type=action.type,
            now=now,
            owner=action.owner,
            due=action.due,
            priority=action.priority,
        )
        if action.done:
            repo.done(item.id, now)


# --- re-imports ---------------------------------------------------------------------------


def _known_posts(events: list[Event]) -> tuple[dict[str, Event], set[tuple[str, str]]]:
    by_id: dict[str, Event] = {}
    by_time: set[tuple[str, str]] = set()
    for e in events:
        if e.kind == EventKind.UPDATE_SENT and e.payload.get("audience") == "statuspage":
            sid = e.payload.get("source_id")
            if sid:
                by_id[str(sid)] = e
            by_time.add((iso(e.at) or "", str(e.payload.get("text", ""))))
    return by_id, by_time


def _revision(
    store: Store, incident: Incident, events: list[Event], bf: BackfillIncident
) -> tuple[list[BackfillUpdate], list[str]]:
    """(posts to add, differences to report) between what was imported and `bf` now."""
    by_id, by_time = _known_posts(events)
    imported = [e for e in events if e.kind == IMPORTED_EVENT]
    last = imported[-1].payload if imported else {}
    differences: list[str] = []
    if bf.fingerprint and last.get("fingerprint") and bf.fingerprint != last.get("fingerprint"):
        when = iso(imported[-1].recorded_at or imported[-1].at) if imported else "?"
        differences.append(
            f"the document changed since it was imported ({(when or '')[:16]}); "
            "not re-imported: its timeline and sections stay as first imported"
        )
    new: list[BackfillUpdate] = []
    for upd in bf.updates:
        seen = by_id.get(upd.source_id or "") if upd.source_id else None
        if seen is not None:
            if seen.at != upd.at:
                differences.append(
                    f"post {upd.source_id} now dated {iso(upd.at)} upstream (imported at "
                    f"{iso(seen.at)}); kept as imported"
                )
            elif str(seen.payload.get("text", "")) != post_text(upd):
                differences.append(f"post {upd.source_id} was edited upstream; kept as imported")
            continue
        if upd.source_id is None and (iso(upd.at), post_text(upd)) in by_time:
            continue
        new.append(upd)
    upstream_ids = {u.source_id for u in bf.updates if u.source_id}
    gone = sorted(set(by_id) - upstream_ids)
    if gone:
        differences.append(f"{len(gone)} imported post(s) no longer upstream: {', '.join(gone)}")
    m = bf.milestones()
    for name in ("started", "resolved"):
        ours = incident.milestones.get(name)
        theirs = m[name]
        if name == "resolved" and ours is None and theirs is not None:
            continue  # resolved upstream since: applied, not a difference
        if ours != theirs and not bf.fingerprint:
            differences.append(
                f"{name} is {iso(theirs) or 'unset'} upstream, {iso(ours) or 'unset'} here; "
                "kept (correct it with `irtui milestone` if upstream is right)"
            )
    if bf.title and bf.title != incident.title and not bf.fingerprint:
        differences.append(f"title upstream is now {bf.title!r}; kept as imported")
    return new, differences


def _revise(
    store: Store,
    incident: Incident,
    bf: BackfillIncident,
    new: list[BackfillUpdate],
    differences: list[str],
) -> None:
    """Append the new posts (and the resolution of a still-open incident) as new events, with
    an `imported` revision event saying what was added and what differs."""
    importer = store.author
    m = bf.milestones()

    def build(state: Incident, now: datetime) -> list[Event]:
        events: list[Event] = []
        revision = 1 + sum(1 for e in store.events(state.id) if e.kind == IMPORTED_EVENT)
        payload = imported_payload(
            bf, importer, revision=revision, added=len(new), differences=differences
        )
        events.append(Event(state.id, IMPORTED_EVENT, now, importer, payload))
        current = state
        for upd in sorted(new, key=lambda u: u.at):
            made = _update_events(current, upd, now, bf.source)
            events += made
            current = _fold(current, made)
            if upd.status is Status.MONITORING and current.status in (
                Status.INVESTIGATING,
                Status.IDENTIFIED,
            ):
                made = lifecycle.cmd_status(
                    current,
                    Status.MONITORING,
                    now=now,
                    author=bf.source,
                    at=upd.at,
                    note="imported",
                )
                if current.milestones.get("mitigated") is None:  # monitoring: the only sign
                    made += lifecycle.cmd_mitigated(
                        _fold(current, made), now=now, author=bf.source, at=upd.at, note="imported"
                    )
                events += made
                current = _fold(current, made)
        resolved = m["resolved"]
        if resolved is not None and current.is_open:
            made = lifecycle.cmd_status(
                current,
                Status.RESOLVED,
                now=now,
                author=bf.source,
                at=resolved,
                note="imported: end of impact (resolved upstream since the first import)",
            )
            events += made
        return events

    store.transact(incident.id, build)


def import_incidents(
    store: Store, incidents: Iterable[BackfillIncident], *, batch: int = 200
) -> ImportResult:
    """Write backfilled incidents; `batch` incidents share one transaction (one fsync).
    Records already imported are compared with the store (see the module docstring)."""
    result = ImportResult()
    items = list(incidents)
    refs = {bf.source_ref for bf in items}
    known = source_refs(store.db) & refs
    digests = imported_digests(store.db, known) if known else {}
    policy = store.policy
    author = store.author
    now = store.now()
    todo: list[BackfillIncident] = []
    seen: set[str] = set()
    for bf in items:
        if bf.source_ref in seen:
            result.skipped.append(bf.source_ref)
            continue
        seen.add(bf.source_ref)
        if bf.source_ref in known:
            if digests.get(bf.source_ref) == digest_of(bf):
                result.skipped.append(bf.source_ref)  # the same record: nothing to compare
            else:
                _reimport(store, bf, result)
            continue
        try:
            validate(bf, policy, now, author)
        except (DomainError, ValueError, OverflowError) as exc:
            result.failed.append((bf.source_ref, str(exc)))
            continue
        todo.append(bf)

    def write_chunk(chunk: list[BackfillIncident]) -> list[str]:
        def tx(db: Database) -> list[str]:
            ids = []
            for bf in chunk:
                inc = store.declare(**_declare_args(bf, policy), author=bf.source)  # type: ignore[arg-type]
                store.transact(
                    inc.id, lambda state, now, bf=bf: plan_rest(bf, state, now, bf.source, author)
                )
                if bf.actions:
                    _write_actions(db, inc.id, bf, now)
                ids.append(inc.id)
            return ids

        return store.db.write(tx)

    for start in range(0, len(todo), batch):
        result.imported.extend(write_chunk(todo[start : start + batch]))
    for bf in todo:
        result.notices.extend(f"{bf.source_ref}: {n}" for n in bf.notices)
        for flag in bf.quality:
            result.flagged[flag] = result.flagged.get(flag, 0) + 1
    return result


def _reimport(store: Store, bf: BackfillIncident, result: ImportResult) -> None:
    from irtui.store.queries import incident_id_for_source

    iid = incident_id_for_source(store.db, bf.source_ref)
    if iid is None:  # pragma: no cover - the ref was just read from the store
        result.skipped.append(bf.source_ref)
        return
    incident = store.get(iid)
    events = store.events(iid)
    new, differences = _revision(store, incident, events, bf)
    for d in differences:
        result.differences.append((bf.source_ref, iid, d))
    if not new and not (incident.is_open and bf.resolved is not None and not bf.fingerprint):
        result.skipped.append(bf.source_ref)
        return
    try:
        _revise(store, incident, bf, new, differences)
    except (DomainError, ValueError) as exc:
        result.failed.append((bf.source_ref, f"new upstream posts could not be added: {exc}"))
        return
    result.updated.append((bf.source_ref, iid, len(new)))
