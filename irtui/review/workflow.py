"""Store-facing review operations: the CLI and the TUI call these, never SQL directly.

Each write is one `Store.append` (one event, one transaction), so tags, causes, sections and
review completion are part of the incident's auditable history with author and time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from irtui.domain.metrics import obligation_severity
from irtui.domain.model import DomainError, Incident, IncidentKind
from irtui.review.business_days import REVIEW_MAX_SEVERITY
from irtui.review.events import (
    CAUSE_CATEGORIES,
    Learning,
    ReviewEvent,
    learning_facts,
    normalise_tag,
)
from irtui.review.postmortem import SECTION_KEYS, Draft, parse_sections, render_draft, review_state
from irtui.review.recurrence import notes_for, quarter_bounds
from irtui.store.actions_repo import ActionsRepo


def learning_of(store: Any, incident_id: str) -> Learning:
    return learning_facts(store.db, [incident_id]).get(incident_id, Learning())


def recurrence_notes(store: Any, incident: Incident) -> list[str]:
    start, end = quarter_bounds(incident.milestones.get("started") or incident.declared_at)
    # Declaration never precedes the start of impact (by more than the clock-skew slack), so
    # every incident that started this quarter was declared after `start - 1 day`.
    peers = store.incidents_between(start - timedelta(days=1), None)
    peers = [p for p in peers if start <= (p.milestones.get("started") or p.declared_at) < end]
    facts = learning_facts(store.db, [p.id for p in peers])
    return notes_for(incident, peers, facts)


def build_draft(
    store: Any,
    ref: str | int,
    *,
    now: datetime | None = None,
    timeline_limit: int | None = None,
    more_hint: str | None = None,
) -> Draft:
    incident = store.get(ref)
    return render_draft(
        incident,
        store.events(incident.id),
        learning_of(store, incident.id),
        ActionsRepo(store.db).list(incident_id=incident.id),
        now or store.now(),
        recurrence=recurrence_notes(store, incident),
        timeline_limit=timeline_limit,
        more_hint=more_hint,
    )


def save_section(store: Any, ref: str | int, key: str, text: str) -> None:
    if key not in SECTION_KEYS:
        raise DomainError(f"section must be one of {', '.join(sorted(SECTION_KEYS))}")
    store.append(ref, str(ReviewEvent.POSTMORTEM_SECTION), {"section": key, "text": text})


def save_sections_from_markdown(store: Any, ref: str | int, markdown: str) -> list[str]:
    """Store the human sections of an edited draft that differ from what is saved.
    Returns the keys that changed."""
    incident = store.get(ref)
    current = learning_of(store, incident.id).sections
    changed = []
    for key, text in parse_sections(markdown).items():
        old = current.get(key, ("", "", None))[0].strip()
        if text != old:
            save_section(store, incident.id, key, text)
            changed.append(key)
    return changed


def complete_review(store: Any, ref: str | int, *, force: bool = False) -> Draft:
    """Mark the review done. Refuses while the incident is open, or while human sections are
    unwritten (unless `force`): a completed review with TODOs would count as done."""
    incident = store.get(ref)
    if incident.is_open:
        raise DomainError(f"{incident.id} is not resolved yet; review it after resolution")
    draft = build_draft(store, incident.id)
    learning = learning_of(store, incident.id)
    if learning.review_completed_at is not None:
        raise DomainError(f"the review of {incident.id} is already completed")
    if draft.todo and not force:
        raise DomainError(
            f"sections still to write: {', '.join(draft.todo)} (or complete anyway with --force)"
        )
    store.append(
        incident.id,
        str(ReviewEvent.REVIEW_COMPLETED),
        {"todo": draft.todo, "findings": len(draft.findings)},
    )
    return build_draft(store, incident.id)


def reopen_review(store: Any, ref: str | int, reason: str) -> None:
    if not reason.strip():
        raise DomainError("reopening a review needs a reason")
    store.append(ref, str(ReviewEvent.REVIEW_REOPENED), {"reason": reason.strip()})


def tag(store: Any, ref: str | int, tags: list[str], *, remove: bool = False) -> list[str]:
    clean = [t for t in dict.fromkeys(normalise_tag(t) for t in tags) if t]
    if not clean:
        raise DomainError("give at least one tag")
    kind = ReviewEvent.UNTAGGED if remove else ReviewEvent.TAGGED
    store.append(ref, str(kind), {"tags": clean})
    return learning_of(store, store.get(ref).id).tags


def set_cause(
    store: Any, ref: str | int, category: str, text: str = "", *, remove: bool = False
) -> dict[str, str]:
    cat = normalise_tag(category)
    if not cat:
        raise DomainError("a root-cause category is needed, e.g. " + ", ".join(CAUSE_CATEGORIES))
    if remove:
        store.append(ref, str(ReviewEvent.CAUSE_REMOVED), {"category": cat})
    else:
        store.append(ref, str(ReviewEvent.CAUSE_ADDED), {"category": cat, "text": text.strip()})
    return learning_of(store, store.get(ref).id).causes


@dataclass(frozen=True, slots=True)
class ReviewRow:
    incident: Incident
    due: datetime | None
    state: str
    completed: bool
    overdue: bool

    def to_dict(self) -> dict[str, Any]:
        from irtui.domain.timeutil import iso

        return {
            "incident_id": self.incident.id,
            "title": self.incident.title,
            "severity": self.incident.severity,
            "due": iso(self.due),
            "completed": self.completed,
            "overdue": self.overdue,
            "state": self.state,
        }


def reviews(
    store: Any, now: datetime, *, overdue_only: bool = False, include_done: bool = True
) -> list[ReviewRow]:
    """Reviews owed: resolved real incidents of SEV1..SEV2 (and any with a review started)."""
    facts = learning_facts(store.db)
    rows = []
    for inc in store.list_incidents(include_closed=True):
        if inc.kind is not IncidentKind.REAL or inc.milestones.get("resolved") is None:
            continue
        learning = facts.get(inc.id)
        if obligation_severity(inc) > REVIEW_MAX_SEVERITY and not (learning and learning.sections):
            continue
        due, state = review_state(inc, learning, now)
        done = bool(learning and learning.review_completed_at)
        overdue = (
            not done
            and due is not None
            and now >= due
            and obligation_severity(inc) <= REVIEW_MAX_SEVERITY
        )
        if (overdue_only and not overdue) or (done and not include_done):
            continue
        rows.append(ReviewRow(inc, due, state, done, overdue))
    rows.sort(key=lambda r: (r.completed, r.due or now, r.incident.number))
    return rows
