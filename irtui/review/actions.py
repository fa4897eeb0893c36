"""Action items moved to `irtui.domain.actions` (the store builds them and must not depend on
the review tooling); this module keeps the old import path working."""

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

__all__ = [
    "PRIORITIES",
    "ActionItem",
    "ActionStatus",
    "ActionType",
    "check_priority",
    "check_title",
    "check_type",
    "end_of_day",
]
