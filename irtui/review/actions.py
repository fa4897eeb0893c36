"""Action items moved to `irtui.domain.actions` (the store builds them and must not depend on
the review tooling); this module keeps the old import path working, and reads due dates the
way both the CLI and the TUI take them."""

import re
from datetime import date, timedelta

from irtui.domain.actions import (
    PRIORITIES,
    ActionItem,
    ActionStatus,
    ActionType,
    check_priority,
    check_title,
    check_type,
    end_of_day,
)
from irtui.domain.model import DomainError

_RELATIVE = re.compile(r"^\+(\d+)(bd|d)$")


def parse_due_date(text: str | None, today: date) -> date | None:
    """`2026-12-01`, `+7d` (calendar days) or `+5bd` (business days) from `today`; empty is
    no due date."""
    if text is None or not text.strip():
        return None
    text = text.strip().lower()
    match = _RELATIVE.match(text)
    if match:
        from irtui.review.business_days import add_business_days

        n = int(match.group(1))
        return add_business_days(today, n) if match.group(2) == "bd" else today + timedelta(n)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise DomainError(f"cannot read due date {text!r} (use YYYY-MM-DD, +7d or +5bd)") from None


__all__ = [
    "PRIORITIES",
    "ActionItem",
    "ActionStatus",
    "ActionType",
    "check_priority",
    "check_title",
    "check_type",
    "end_of_day",
    "parse_due_date",
]
