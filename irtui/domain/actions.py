"""Action items: the corrective work a review produces, tracked to closure across incidents.

An item has a type (prevent / detect / mitigate / document — the four questions a review asks),
an owner, a due date (a calendar day: it is overdue from midnight UTC after it), a priority
(P1..P3) and a status: open, done, or won't do (which needs a reason, so "we decided not to"
is a recorded decision rather than a silently abandoned ticket).

The model lives in the domain (pure: no SQL, no review tooling) because the store's
`actions_repo` builds these objects and the store must not depend on `irtui/review/`;
`irtui.review.actions` re-exports it for older imports.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Any

from irtui.domain.model import DomainError
from irtui.domain.timeutil import iso


class ActionType(StrEnum):
    PREVENT = "prevent"
    DETECT = "detect"
    MITIGATE = "mitigate"
    DOCUMENT = "document"


class ActionStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    WONTDO = "wontdo"


PRIORITIES = ("P1", "P2", "P3")


def end_of_day(day: date) -> datetime:
    """Midnight UTC after `day`: the deadline instant for "due <day>"."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class ActionItem:
    id: int
    incident_id: str
    type: str
    title: str
    owner: str | None
    due: date | None
    priority: str
    status: str
    reason: str | None
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None

    @property
    def due_at(self) -> datetime | None:
        """The deadline instant (end of the due day, UTC)."""
        return end_of_day(self.due) if self.due else None

    def is_overdue(self, now: datetime) -> bool:
        due_at = self.due_at
        return self.status == ActionStatus.OPEN and due_at is not None and now >= due_at

    def done_on_time(self) -> bool | None:
        """True/False for a done item with a due date; None when it does not apply."""
        due_at = self.due_at
        if self.status != ActionStatus.DONE or due_at is None or self.closed_at is None:
            return None
        return self.closed_at < due_at

    def to_dict(self, now: datetime | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "incident_id": self.incident_id,
            "type": self.type,
            "title": self.title,
            "owner": self.owner,
            "due": self.due.isoformat() if self.due else None,
            "priority": self.priority,
            "status": self.status,
            "reason": self.reason,
            "created_at": iso(self.created_at),
            "updated_at": iso(self.updated_at),
            "closed_at": iso(self.closed_at),
        }
        if now is not None:
            data["overdue"] = self.is_overdue(now)
        return data


def check_type(value: str) -> str:
    try:
        return str(ActionType(value.strip().lower()))
    except ValueError:
        raise DomainError(
            f"action type must be one of {', '.join(t.value for t in ActionType)}"
        ) from None


def check_priority(value: str) -> str:
    text = value.strip().upper()
    if text in ("1", "2", "3"):
        text = "P" + text
    if text not in PRIORITIES:
        raise DomainError(f"priority must be one of {', '.join(PRIORITIES)}")
    return text


def check_title(value: str) -> str:
    text = " ".join(value.split())
    if not text:
        raise DomainError("an action item needs a title")
    return text
