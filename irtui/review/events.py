"""Review facts kept as events on the incident (append-only, like everything else).

Tags, root-cause categories, the human-written postmortem sections and "review completed" are
facts about an incident with an author and a time, so they go into the incident's event stream
via `Store.append` instead of a mutable side table. The reducer (`lifecycle.apply`) ignores kinds
it does not know, so these never change the live projection or the war-room timeline.

`learning_facts` folds them back per incident with one query over the events table.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from irtui.domain.model import EventKind
from irtui.domain.timeutil import parse_iso
from irtui.store.db import Database
from irtui.store.queries import events_of_kinds

ReviewEvent = EventKind
"""The review tools' event kinds live in `domain.model.EventKind` with all the others."""


CAUSE_CATEGORIES: dict[str, str] = {
    "change": "a deploy, migration or config change",
    "config": "a wrong or drifted configuration",
    "capacity": "load beyond what was provisioned (CPU, memory, disk, connections, quota)",
    "dependency": "a third-party or upstream service failed",
    "software": "a defect in our code",
    "infrastructure": "hardware, cloud or platform failure",
    "network": "DNS, routing, TLS, load balancers",
    "data": "bad, missing or corrupted data",
    "security": "an attack, leaked secret or expired certificate",
    "process": "a gap in a runbook, alert, review or hand-off",
    "monitoring": "we could not see it (missing or noisy alerting)",
    "unknown": "not found (yet)",
}
"""Suggested root-cause categories; any other lower-case slug is accepted too."""


def normalise_tag(text: str) -> str:
    """`Payments DB` -> `payments-db`: tags compare case- and spacing-insensitively."""
    text = "".join(ch for ch in text if ch.isprintable())
    return "-".join(text.strip().lower().replace("_", "-").split())


@dataclass(slots=True)
class Learning:
    """What the review tools know about one incident."""

    tags: list[str] = field(default_factory=list)
    causes: dict[str, str] = field(default_factory=dict)  # category -> free text
    sections: dict[str, tuple[str, str, datetime]] = field(default_factory=dict)
    review_completed_at: datetime | None = None
    review_completed_by: str | None = None


def fold(learning: Learning, kind: str, payload: dict[str, Any], at: datetime, author: str) -> None:
    """Apply one review event to `learning` (events must come in commit order)."""
    if kind == ReviewEvent.TAGGED:
        for tag in payload.get("tags", []):
            if tag not in learning.tags:
                learning.tags.append(tag)
    elif kind == ReviewEvent.UNTAGGED:
        learning.tags = [t for t in learning.tags if t not in payload.get("tags", [])]
    elif kind == ReviewEvent.CAUSE_ADDED:
        learning.causes[payload["category"]] = payload.get("text", "")
    elif kind == ReviewEvent.CAUSE_REMOVED:
        learning.causes.pop(payload.get("category", ""), None)
    elif kind == ReviewEvent.POSTMORTEM_SECTION:
        learning.sections[payload["section"]] = (payload.get("text", ""), author, at)
    elif kind == ReviewEvent.REVIEW_COMPLETED:
        learning.review_completed_at = at
        learning.review_completed_by = author
    elif kind == ReviewEvent.REVIEW_REOPENED:
        learning.review_completed_at = None
        learning.review_completed_by = None


UpdateTimes = dict[str, dict[str, list[datetime]]]
_REVIEW_KINDS = tuple(
    str(k)
    for k in (
        EventKind.TAGGED,
        EventKind.UNTAGGED,
        EventKind.CAUSE_ADDED,
        EventKind.CAUSE_REMOVED,
        EventKind.POSTMORTEM_SECTION,
        EventKind.REVIEW_COMPLETED,
        EventKind.REVIEW_REOPENED,
    )
)


def _scan(
    db: Database,
    kinds: tuple[str, ...],
    incident_id: str | None = None,
) -> list[tuple[int, str, str, str, str, str]]:
    """(id, incident_id, kind, at, author, payload) rows of these kinds, in commit order."""
    rows = events_of_kinds(db, kinds, incident_ids=None if incident_id is None else [incident_id])
    return [r[:6] for r in rows]


def learning_and_update_times(db: Database) -> tuple[dict[str, Learning], UpdateTimes]:
    """Review facts *and* when each audience was updated, per incident, in ONE scan of the
    events table (the report's biggest read; `Store.update_times` would be a second scan)."""
    learning, updates, _quality = review_scan(db)
    return learning, updates


Quality = dict[str, dict[str, str]]
"""incident id -> data-quality flag -> detail (from its latest `imported` event)."""


def review_scan(db: Database) -> tuple[dict[str, Learning], UpdateTimes, Quality]:
    """`learning_and_update_times` plus the data-quality flags of imported incidents, still
    in one scan of the events table."""
    learning: dict[str, Learning] = {}
    updates: UpdateTimes = {}
    quality: Quality = {}
    loads = json.loads
    kinds = (*_REVIEW_KINDS, "update_sent", str(EventKind.IMPORTED))
    for _id, iid, kind, at, author, payload in _scan(db, kinds):
        if kind == EventKind.IMPORTED:
            flags = loads(payload).get("quality")
            if isinstance(flags, dict):
                quality[iid] = {str(k): str(v) for k, v in flags.items()}
        elif kind == "update_sent":
            audience = loads(payload).get("audience", "internal")
            updates.setdefault(iid, {}).setdefault(audience, []).append(parse_iso(at))  # type: ignore[arg-type]
        else:
            fold(learning.setdefault(iid, Learning()), kind, loads(payload), parse_iso(at), author)  # type: ignore[arg-type]
    for per_audience in updates.values():
        for times in per_audience.values():
            times.sort()
    return learning, updates, quality


def learning_facts(
    db: Database,
    incident_ids: Iterable[str] | None = None,
) -> dict[str, Learning]:
    """Review facts per incident id (only incidents that have any)."""
    wanted = set(incident_ids) if incident_ids is not None else None
    only = next(iter(wanted)) if wanted is not None and len(wanted) == 1 else None
    out: dict[str, Learning] = {}
    for _id, iid, kind, at, author, payload in _scan(db, _REVIEW_KINDS, only):
        if wanted is not None and iid not in wanted:
            continue
        fold(out.setdefault(iid, Learning()), kind, json.loads(payload), parse_iso(at), author)  # type: ignore[arg-type]
    return out
