"""Read-side queries the review, import and TUI layers need beyond `Store`'s own methods.

Every SQL string of the incident store lives in `irtui/store/` (a test keeps it so); the
callers get plain rows and dicts and do their folding in Python. The runbook search index is
not part of the store: it is a local FTS5 cache of the runbook files and keeps its SQL in
`irtui/runbooks/index.py`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from irtui.domain.timeutil import iso
from irtui.store.db import Database

EventRow = tuple[int, str, str, str, str, str, int | None]
"""(id, incident_id, kind, at, author, payload JSON, refers_to)."""


def _in(prefix: str, values: Iterable[str], params: dict[str, Any]) -> str:
    names = []
    for n, value in enumerate(values):
        params[f"{prefix}{n}"] = str(value)
        names.append(f":{prefix}{n}")
    return ", ".join(names)


def events_of_kinds(
    db: Database, kinds: Iterable[str], *, incident_ids: Iterable[str] | None = None
) -> list[EventRow]:
    """Events of these kinds (optionally of these incidents), in commit order.

    No ORDER BY: `events.id` is not SQLite's rowid, so ordering by it walks the primary-key
    index row by row (half the cost of the scan behind `irtui report`); sorting the matches
    here is cheap. The `ix_events_kind` index serves the kind filter."""
    params: dict[str, Any] = {}
    sql = (
        "SELECT id, incident_id, kind, at, author, payload, refers_to FROM events "
        f"WHERE kind IN ({_in('k', kinds, params)})"
    )
    if incident_ids is not None:
        ids = list(incident_ids)
        if not ids:
            return []
        sql += f" AND incident_id IN ({_in('i', ids, params)})"
    rows = db.query(sql, params)
    rows.sort(key=lambda r: r[0])
    return rows


def task_events(db: Database, kinds: Iterable[str], incident_ids: Iterable[str]) -> list[EventRow]:
    """`events_of_kinds` for the task fold: of the entries, only those that carry a task
    (the others are most of a long timeline and never a task; SQLite skips them without
    handing their payloads to Python — a 5,000-entry incident's reload 17 ms -> ~2 ms)."""
    params: dict[str, Any] = {"entry": "entry", "task": '%"task"%'}
    ids = list(incident_ids)
    if not ids:
        return []
    sql = (
        "SELECT id, incident_id, kind, at, author, payload, refers_to FROM events "
        f"WHERE kind IN ({_in('k', kinds, params)}) "
        f"AND incident_id IN ({_in('i', ids, params)}) "
        "AND (kind <> :entry OR payload LIKE :task)"
    )
    rows = db.query(sql, params)
    rows.sort(key=lambda r: r[0])
    return rows


def incident_states_between(
    db: Database, since: datetime | None, until: datetime | None
) -> list[dict[str, Any]]:
    """The stored projections of incidents declared in [since, until), oldest first, as
    dicts (reports decode only the fields they read: a third of the cost at 10,000)."""
    sql = "SELECT state FROM incidents WHERE 1 = 1"
    params: dict[str, Any] = {}
    if since is not None:
        sql += " AND declared_at >= :since"
        params["since"] = iso(since)
    if until is not None:
        sql += " AND declared_at < :until"
        params["until"] = iso(until)
    return [json.loads(state) for (state,) in db.query(sql + " ORDER BY number", params)]


def source_refs(db: Database) -> set[str]:
    """Every imported incident's source reference (re-imports skip these)."""
    return {r[0] for r in db.query("SELECT source_ref FROM incidents WHERE source_ref IS NOT NULL")}


def incident_id_for_source(db: Database, source_ref: str) -> str | None:
    """The incident imported from `source_ref`, if any (re-imports compare against it)."""
    return db.scalar("SELECT id FROM incidents WHERE source_ref = :s", {"s": source_ref})


def imported_digests(db: Database, refs: Iterable[str]) -> dict[str, str]:
    """source_ref -> the digest in its incident's latest `imported` event (re-imports of an
    unchanged record are skipped on this alone). Two reads, whatever the number of refs."""
    wanted = set(refs)
    ids = {
        row[0]: row[1]
        for row in db.query("SELECT id, source_ref FROM incidents WHERE source_ref IS NOT NULL")
        if row[1] in wanted
    }
    out: dict[str, str] = {}
    only = list(ids) if len(ids) <= 500 else None  # bound the SQL parameter count
    for row in events_of_kinds(db, ["imported"], incident_ids=only):
        if row[1] not in ids:
            continue
        digest = json.loads(row[5]).get("digest")
        if digest:
            out[ids[row[1]]] = str(digest)
    return out


def recently_resolved_states(db: Database, since: datetime, limit: int) -> list[dict[str, Any]]:
    """The projections of incidents resolved at or after `since`, most recent first, at most
    `limit` of them: the board's "recently resolved" toggle. A range read on
    `ix_incidents_resolved` (migration 0003), whatever the number of incidents ever kept.
    `is_open + 0` keeps the open flag out of index selection: SQLite otherwise walks every
    closed incident through `ix_incidents_open_due` (24 ms vs 0.4 ms at 10,000)."""
    rows = db.query(
        "SELECT state FROM incidents WHERE resolved_at >= :since AND is_open + 0 = 0 "
        f"ORDER BY resolved_at DESC LIMIT {max(int(limit), 0)}",
        {"since": iso(since)},
    )
    return [json.loads(state) for (state,) in rows]
