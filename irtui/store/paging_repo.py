"""Reading pages back: the page events of some incidents, and their delivery state.

Pages are events on the incident (`paged`, `page_acknowledged`, ...), folded by the pure
`domain.paging.fold_pages`; their PagerDuty delivery is an outbox message (provider
`pagerduty`) that points at the event. This module reads both with indexed queries so the
incident screen and the board can show "paged erin 6m ago" and "delivery FAILED" cheaply.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from irtui.domain.model import Event
from irtui.domain.paging import PAGE_KINDS
from irtui.domain.timeutil import parse_iso
from irtui.store.db import Database
from irtui.store.outbox_repo import OutboxMessage, OutboxRepo
from irtui.store.queries import events_of_kinds

PAGERDUTY = "pagerduty"


def page_events(db: Database, incident_ids: Iterable[str]) -> dict[str, list[Event]]:
    """incident id -> its page events in commit order (only incidents that have any)."""
    ids = list(incident_ids)
    if not ids:
        return {}
    out: dict[str, list[Event]] = {}
    for eid, iid, kind, at, author, payload, refers_to in events_of_kinds(
        db, [str(k) for k in PAGE_KINDS], incident_ids=ids
    ):
        out.setdefault(iid, []).append(
            Event(
                iid,
                kind,
                parse_iso(at),  # type: ignore[arg-type]
                author,
                json.loads(payload),
                id=int(eid),
                refers_to=refers_to,
            )
        )
    return out


def deliveries(db: Database, incident_id: str) -> dict[int, list[OutboxMessage]]:
    """page number -> its PagerDuty messages (trigger, acknowledge, resolve), oldest first."""
    out: dict[int, list[OutboxMessage]] = {}
    for msg in OutboxRepo(db).messages(incident_id=incident_id):
        if msg.provider != PAGERDUTY:
            continue
        number = msg.payload.get("page")
        if isinstance(number, int):
            out.setdefault(number, []).append(msg)
    return out


def delivery_state(messages: list[OutboxMessage]) -> dict[str, Any]:
    """What a person must know about one page's delivery: the worst state of its messages
    (failed beats retrying beats pending beats sent) and the error to act on."""
    order = ("failed", "retrying", "sending", "pending", "sent", "cancelled")
    if not messages:
        return {"state": "none", "error": None, "message_id": None}
    worst = min(messages, key=lambda m: (order.index(m.state) if m.state in order else 0, -m.id))
    return {
        "state": worst.state,
        "error": worst.last_error,
        "message_id": worst.id,
        "op": worst.op,
        "attempts": worst.attempts,
        "next_attempt_at": worst.next_attempt_at,
    }
