"""SQL for the status-page outbox and the remote links (`outbox`, `remote_links` tables).

Why an outbox: the update event and the message that tells customers about it are written in
one transaction, so a crash or a dead network can never publish something that was not recorded
nor lose something that was. Delivery then happens at least once; exactly-once towards the
status page comes from the provider reconciling before it re-creates anything.

States: `pending` -> `sending` (claimed by one worker, with a lease) -> `sent` (remote id) |
`retrying` (next attempt time, last error) | `failed` (needs a human; `retry` re-queues) |
`cancelled` (a human dropped it). Order per incident: a message is only claimable when no
earlier message of the same incident and provider is still unsent (pending, sending, retrying
or failed), so a later update can never overtake an earlier one.

**The drill sink.** A drill never reaches a real channel. Any outbound message of a drill
incident — status page, chat, pager, whatever `provider` — is written in state `drill`: the
record of what *would* have been sent, which no worker ever claims (`drill_sink()` reads it for
the facilitator and the debrief). The rule sits at both ends of the outbox and knows no
channel: `enqueue` diverts a drill's message as it is written, and `claim_next` diverts one
that reached the table some other way instead of handing it to a provider.

Two workers (TUI seats, `irtui sync`) may run at once: claiming is one write transaction
(SQLite BEGIN IMMEDIATE; PostgreSQL's writer advisory lock) and every later state change is
fenced on the attempt number the claim produced, so a worker whose lease ran out cannot
overwrite the result of the worker that took over.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from irtui.domain.model import IncidentKind
from irtui.domain.timeutil import iso, parse_iso
from irtui.store.db import Database

STATES = ("pending", "sending", "retrying", "failed", "sent", "cancelled")
UNSENT = ("pending", "sending", "retrying", "failed")
DRILL = "drill"
"""The state of a drill's outbound message: recorded, shown, never delivered."""
DEFAULT_LEASE_S = 120
"""A claimed message whose worker vanished (killed, laptop shut) is claimable again after this."""

_COLUMNS = (
    "id, incident_id, event_id, provider, op, payload, state, attempts, "
    "next_attempt_at, last_error, remote_id, created_at, updated_at"
)


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    id: int
    incident_id: str
    event_id: int | None
    provider: str
    op: str
    payload: dict[str, Any]
    state: str
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    remote_id: str | None
    created_at: datetime
    updated_at: datetime

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "incident_id": self.incident_id,
            "event_id": self.event_id,
            "provider": self.provider,
            "op": self.op,
            "state": self.state,
            "attempts": self.attempts,
            "next_attempt_at": iso(self.next_attempt_at),
            "last_error": self.last_error,
            "remote_id": self.remote_id,
            "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at),
            "status": self.payload.get("status"),
            "body": self.payload.get("body"),
        }


def _error_text(error: str) -> str:
    """What `last_error` keeps: DSN passwords out first, then at most 500 characters (the
    sync layer has already taken its token out; cutting first could keep half a secret)."""
    from irtui.boundary.secrets import shorten

    return shorten(error, 500)


def _row(r: Sequence[Any]) -> OutboxMessage:
    return OutboxMessage(
        id=int(r[0]),
        incident_id=r[1],
        event_id=r[2],
        provider=r[3],
        op=r[4],
        payload=json.loads(r[5]),
        state=r[6],
        attempts=int(r[7]),
        next_attempt_at=parse_iso(r[8]),
        last_error=r[9],
        remote_id=r[10],
        created_at=parse_iso(r[11]),
        updated_at=parse_iso(r[12]),  # type: ignore[arg-type]
    )


def _is_drill(db: Database, incident_id: str) -> bool:
    kind = db.scalar("SELECT kind FROM incidents WHERE id = :iid", {"iid": incident_id})
    return kind == IncidentKind.DRILL


class OutboxRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    # --- writing messages ------------------------------------------------------------
    def enqueue(
        self,
        incident_id: str,
        payload: dict[str, Any],
        *,
        now: datetime,
        event_id: int | None = None,
        provider: str = "statuspage",
        op: str | None = None,
    ) -> int:
        """Add a pending message. Call it from `Store.record_update(extra=...)` so it commits
        with the update event; on its own it is its own transaction. `op` records whether
        the message will create the remote incident (the first one does) or update it;
        a provider with its own operations (PagerDuty's trigger/acknowledge/resolve) names
        it instead."""

        def tx(db: Database) -> int:
            state = DRILL if _is_drill(db, incident_id) else "pending"
            creates = (
                op is None
                and self.link(incident_id, provider, db=db) is None
                and not db.scalar(
                    "SELECT COUNT(*) FROM outbox WHERE incident_id = :iid AND provider = :p "
                    "AND state <> 'cancelled'",
                    {"iid": incident_id, "p": provider},
                )
            )
            return int(
                db.scalar(
                    "INSERT INTO outbox (incident_id, event_id, provider, op, payload, state, "
                    "attempts, next_attempt_at, last_error, remote_id, created_at, updated_at) "
                    "VALUES (:iid, :eid, :p, :op, :payload, :state, 0, NULL, NULL, NULL, "
                    ":now, :now) RETURNING id",
                    {
                        "state": state,
                        "iid": incident_id,
                        "eid": event_id,
                        "p": provider,
                        "op": op or ("create" if creates else "update"),
                        "payload": json.dumps(payload, ensure_ascii=False),
                        "now": iso(now),
                    },
                )
            )

        return self.db.write(tx)

    def claim_next(
        self, now: datetime, *, provider: str = "statuspage", lease_s: float = DEFAULT_LEASE_S
    ) -> OutboxMessage | None:
        """Take the oldest deliverable message (due, and first unsent of its incident) and
        mark it `sending` until `now + lease_s`. None when nothing is due."""
        stamp = iso(now)

        def tx(db: Database) -> OutboxMessage | None:
            db.serialize_writers()
            rows = db.query(
                f"SELECT {_COLUMNS} FROM outbox o WHERE o.provider = :p AND ("
                "  o.state = 'pending' OR (o.state IN ('retrying', 'sending') "
                "  AND o.next_attempt_at <= :now)) "
                "AND NOT EXISTS (SELECT 1 FROM outbox e WHERE e.incident_id = o.incident_id "
                "  AND e.provider = o.provider AND e.id < o.id "
                "  AND e.state IN ('pending', 'sending', 'retrying', 'failed')) "
                "ORDER BY o.id LIMIT 1",
                {"p": provider, "now": stamp},
            )
            if not rows:
                return None
            msg = _row(rows[0])
            if _is_drill(db, msg.incident_id):  # however it got here: to the drill sink
                db.execute(
                    "UPDATE outbox SET state = :drill, next_attempt_at = NULL, "
                    "updated_at = :now WHERE incident_id = :iid AND state IN "
                    "('pending', 'sending', 'retrying', 'failed')",
                    {"drill": DRILL, "now": stamp, "iid": msg.incident_id},
                )
                return tx(db)  # and look for the next real one
            lease = iso(now + timedelta(seconds=lease_s))
            db.execute(
                "UPDATE outbox SET state = 'sending', attempts = attempts + 1, "
                "next_attempt_at = :lease, updated_at = :now WHERE id = :id",
                {"lease": lease, "now": stamp, "id": msg.id},
            )
            return replace(
                msg, state="sending", attempts=msg.attempts + 1, next_attempt_at=parse_iso(lease)
            )

        return self.db.write(tx)

    def _finish(self, msg: OutboxMessage, sql_set: str, params: dict[str, Any]) -> bool:
        """Apply a result only if this claim still owns the row (fenced by attempt number)."""

        def tx(db: Database) -> bool:
            cur = db.execute(
                f"UPDATE outbox SET {sql_set} WHERE id = :id AND state = 'sending' "
                "AND attempts = :attempts",
                {**params, "id": msg.id, "attempts": msg.attempts},
            )
            return bool(cur.rowcount)

        return self.db.write(tx)

    def mark_sent(self, msg: OutboxMessage, remote_id: str, now: datetime) -> bool:
        """Sent: remember the remote id and, for the incident, the link used by later
        updates — in one transaction, so a crash cannot leave a sent create without a link."""

        def tx(db: Database) -> bool:
            ok = self._finish(
                msg,
                "state = 'sent', remote_id = :rid, next_attempt_at = NULL, "
                "last_error = NULL, updated_at = :now",
                {"rid": remote_id, "now": iso(now)},
            )
            if ok:
                self.set_link(msg.incident_id, msg.provider, remote_id, now, db=db)
            return ok

        return self.db.write(tx)

    def mark_retrying(
        self, msg: OutboxMessage, error: str, next_at: datetime, now: datetime
    ) -> bool:
        return self._finish(
            msg,
            "state = 'retrying', last_error = :err, next_attempt_at = :next, updated_at = :now",
            {"err": _error_text(error), "next": iso(next_at), "now": iso(now)},
        )

    def mark_failed(self, msg: OutboxMessage, error: str, now: datetime) -> bool:
        return self._finish(
            msg,
            "state = 'failed', last_error = :err, next_attempt_at = NULL, updated_at = :now",
            {"err": _error_text(error), "now": iso(now)},
        )

    def retry(self, message_id: int, now: datetime) -> OutboxMessage:
        """A human fixed the cause (token, component id): queue a failed/retrying one again."""

        def tx(db: Database) -> int:
            return db.execute(
                "UPDATE outbox SET state = 'pending', next_attempt_at = NULL, "
                "updated_at = :now WHERE id = :id AND state IN ('failed', 'retrying')",
                {"id": int(message_id), "now": iso(now)},
            ).rowcount

        if not self.db.write(tx):
            raise LookupError(self._why_not(message_id, "re-queue", "failed or retrying"))
        return self.get(message_id)

    def cancel(self, message_id: int, now: datetime) -> OutboxMessage:
        """Drop an unsent message (it then no longer holds back later ones)."""

        def tx(db: Database) -> int:
            return db.execute(
                "UPDATE outbox SET state = 'cancelled', next_attempt_at = NULL, "
                "updated_at = :now WHERE id = :id AND state IN ('pending', 'retrying', "
                "'failed')",
                {"id": int(message_id), "now": iso(now)},
            ).rowcount

        if not self.db.write(tx):
            raise LookupError(self._why_not(message_id, "cancel", "pending, retrying or failed"))
        return self.get(message_id)

    def _why_not(self, message_id: int, verb: str, wanted: str) -> str:
        state = self.db.scalar("SELECT state FROM outbox WHERE id = :id", {"id": int(message_id)})
        if state is None:
            return f"no outbox message {message_id}"
        return f"cannot {verb} message {message_id}: it is {state} (only {wanted} ones)"

    def wake(self, now: datetime, *, provider: str = "statuspage") -> int:
        """Make every `retrying` message due now (someone asked to sync: the network may be
        back). Claimed (`sending`) messages keep their lease."""
        return self.db.write(
            lambda db: (
                db.execute(
                    "UPDATE outbox SET next_attempt_at = :now WHERE state = 'retrying' "
                    "AND provider = :p AND next_attempt_at > :now",
                    {"now": iso(now), "p": provider},
                ).rowcount
            )
        )

    # --- links ---------------------------------------------------------------------------
    def link(
        self, incident_id: str, provider: str = "statuspage", *, db: Database | None = None
    ) -> str | None:
        return (db or self.db).scalar(
            "SELECT remote_id FROM remote_links WHERE incident_id = :iid AND provider = :p",
            {"iid": incident_id, "p": provider},
        )

    def set_link(
        self,
        incident_id: str,
        provider: str,
        remote_id: str,
        now: datetime,
        *,
        db: Database | None = None,
    ) -> None:
        (db or self.db).execute(
            "INSERT INTO remote_links (incident_id, provider, remote_id, created_at) "
            "VALUES (:iid, :p, :rid, :now) ON CONFLICT (incident_id, provider) DO UPDATE SET "
            "remote_id = excluded.remote_id",
            {"iid": incident_id, "p": provider, "rid": remote_id, "now": iso(now)},
        )

    def unlink(self, incident_id: str, provider: str = "statuspage") -> bool:
        """Forget the remote incident (deleted by hand on the status page): the next message
        creates a new one — after the usual reconcile, so a live one is still adopted."""
        return bool(
            self.db.write(
                lambda db: (
                    db.execute(
                        "DELETE FROM remote_links WHERE incident_id = :iid AND provider = :p",
                        {"iid": incident_id, "p": provider},
                    ).rowcount
                )
            )
        )

    # --- reads ---------------------------------------------------------------------------
    def get(self, message_id: int) -> OutboxMessage:
        rows = self.db.query(
            f"SELECT {_COLUMNS} FROM outbox WHERE id = :id", {"id": int(message_id)}
        )
        if not rows:
            raise LookupError(f"no outbox message {message_id}")
        return _row(rows[0])

    def messages(
        self,
        *,
        states: Sequence[str] | None = None,
        incident_id: str | None = None,
        limit: int | None = None,
    ) -> list[OutboxMessage]:
        sql = f"SELECT {_COLUMNS} FROM outbox WHERE 1 = 1"
        params: dict[str, Any] = {}
        if states:
            names = [f":s{i}" for i in range(len(states))]
            sql += f" AND state IN ({', '.join(names)})"
            params.update({f"s{i}": s for i, s in enumerate(states)})
        if incident_id is not None:
            sql += " AND incident_id = :iid"
            params["iid"] = incident_id
        sql += " ORDER BY id"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        return [_row(r) for r in self.db.query(sql, params)]

    def drill_sink(self, incident_id: str | None = None) -> list[OutboxMessage]:
        """What drills would have sent, oldest first (one drill's, or every drill's)."""
        return self.messages(states=(DRILL,), incident_id=incident_id)

    def summary(self) -> dict[str, int]:
        """Counts per state, every state present (zero included): the TUI status bar."""
        counts = dict.fromkeys(STATES, 0)
        for state, n in self.db.query("SELECT state, COUNT(*) FROM outbox GROUP BY state"):
            counts[str(state)] = int(n)
        return counts

    def next_due(self, *, provider: str = "statuspage") -> datetime | None:
        """When the earliest waiting message becomes due (None: nothing waits)."""
        return parse_iso(
            self.db.scalar(
                "SELECT MIN(next_attempt_at) FROM outbox WHERE provider = :p "
                "AND state IN ('retrying', 'sending')",
                {"p": provider},
            )
        )
