"""SQL for action items (`action_items` table), portable across SQLite and PostgreSQL.

Action items are mutable work tracking (owner, due date, status), not facts of the incident's
history, so they live in their own table rather than in the event stream. Every write is one
short transaction through `Database.write`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from irtui.boundary.text_in import one_line
from irtui.domain.actions import (
    ActionItem,
    ActionStatus,
    check_priority,
    check_title,
    check_type,
)
from irtui.domain.model import DomainError
from irtui.domain.timeutil import iso, parse_iso
from irtui.store.db import Database
from irtui.store.errors import NotFound

_COLUMNS = (
    "id, incident_id, type, title, owner, due, priority, status, reason, created_at, "
    "updated_at, closed_at"
)


def _item(row: Sequence[Any]) -> ActionItem:
    return ActionItem(
        id=int(row[0]),
        incident_id=row[1],
        type=row[2],
        title=row[3],
        owner=row[4],
        due=date.fromisoformat(row[5]) if row[5] else None,
        priority=row[6],
        status=row[7],
        reason=row[8],
        created_at=parse_iso(row[9]),  # type: ignore[arg-type]
        updated_at=parse_iso(row[10]),  # type: ignore[arg-type]
        closed_at=parse_iso(row[11]),
    )


class ActionsRepo:
    def __init__(self, db: Database) -> None:
        self.db = db

    def add(
        self,
        incident_id: str,
        title: str,
        *,
        type: str,
        now: datetime,
        owner: str | None = None,
        due: date | None = None,
        priority: str = "P2",
    ) -> ActionItem:
        params = {
            "iid": incident_id,
            "type": check_type(type),
            # Not events, so not under the store's payload safety net: cleaned here.
            "title": check_title(one_line(title, "title", field="title")),
            "owner": one_line(owner or "", "owner", field="name") or None,
            "due": due.isoformat() if due else None,
            "priority": check_priority(priority),
            "status": str(ActionStatus.OPEN),
            "now": iso(now),
        }

        def tx(db: Database) -> int:
            return int(
                db.scalar(
                    "INSERT INTO action_items (incident_id, type, title, owner, due, priority, "
                    "status, reason, created_at, updated_at, closed_at) VALUES (:iid, :type, "
                    ":title, :owner, :due, :priority, :status, NULL, :now, :now, NULL) "
                    "RETURNING id",
                    params,
                )
            )

        return self.get(self.db.write(tx))

    def get(self, action_id: int) -> ActionItem:
        rows = self.db.query(
            f"SELECT {_COLUMNS} FROM action_items WHERE id = :id", {"id": int(action_id)}
        )
        if not rows:
            raise NotFound(f"no action item {action_id}")
        return _item(rows[0])

    def list(
        self,
        *,
        incident_id: str | None = None,
        open_only: bool = False,
        overdue_at: datetime | None = None,
    ) -> list[ActionItem]:
        """Items, open first then by due date (no date last), then id.
        `overdue_at`: only open items whose due day ended before that instant."""
        sql = f"SELECT {_COLUMNS} FROM action_items WHERE 1 = 1"
        params: dict[str, Any] = {}
        if incident_id is not None:
            sql += " AND incident_id = :iid"
            params["iid"] = incident_id
        if open_only or overdue_at is not None:
            sql += " AND status = :open"
            params["open"] = str(ActionStatus.OPEN)
        sql += (
            " ORDER BY CASE WHEN status = 'open' THEN 0 ELSE 1 END, "
            "CASE WHEN due IS NULL THEN 1 ELSE 0 END, due, id"
        )
        items = [_item(r) for r in self.db.query(sql, params)]
        if overdue_at is not None:
            items = [i for i in items if i.is_overdue(overdue_at)]
        return items

    def _close(
        self, action_id: int, status: ActionStatus, now: datetime, reason: str | None
    ) -> ActionItem:
        def tx(db: Database) -> None:
            current = db.scalar(
                "SELECT status FROM action_items WHERE id = :id", {"id": int(action_id)}
            )
            if current is None:
                raise NotFound(f"no action item {action_id}")
            if current != ActionStatus.OPEN:
                raise DomainError(f"action item {action_id} is already {current}")
            db.execute(
                "UPDATE action_items SET status = :status, reason = :reason, "
                "updated_at = :now, closed_at = :now WHERE id = :id",
                {"status": str(status), "reason": reason, "now": iso(now), "id": int(action_id)},
            )

        self.db.write(tx)
        return self.get(action_id)

    def done(self, action_id: int, now: datetime) -> ActionItem:
        return self._close(action_id, ActionStatus.DONE, now, None)

    def wontdo(self, action_id: int, reason: str, now: datetime) -> ActionItem:
        reason = one_line(reason, "reason")
        if not reason:
            raise DomainError("won't do needs a reason (it is a decision worth recording)")
        return self._close(action_id, ActionStatus.WONTDO, now, reason)

    def reopen(self, action_id: int, now: datetime) -> ActionItem:
        def tx(db: Database) -> None:
            db.execute(
                "UPDATE action_items SET status = 'open', reason = NULL, "
                "closed_at = NULL, updated_at = :now WHERE id = :id",
                {"now": iso(now), "id": int(action_id)},
            )

        self.get(action_id)
        self.db.write(tx)
        return self.get(action_id)
