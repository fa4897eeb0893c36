"""Review due dates in business days (Monday to Friday, UTC; public holidays are not known).

The blameless review is owed "within 5 business days after resolution". We read that as: by
the end (24:00 UTC) of the 5th business day after the day of resolution, so an incident
resolved on Friday afternoon or on Saturday is due at the end of the following Friday.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from irtui.domain.actions import end_of_day

REVIEW_WINDOW_BUSINESS_DAYS = 5
REVIEW_MAX_SEVERITY = 2
"""Real incidents of this severity or worse owe a postmortem (SEV1 and SEV2)."""


@lru_cache(maxsize=4096)
def add_business_days(day: date, n: int) -> date:
    """The n-th weekday after `day` (n >= 0; n == 0 gives `day` itself)."""
    if n < 0:
        raise ValueError("n must be >= 0")
    current = day
    remaining = n
    while remaining:
        current += timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current


def review_due(resolved_at: datetime, days: int = REVIEW_WINDOW_BUSINESS_DAYS) -> datetime:
    """When the postmortem for an incident resolved at `resolved_at` is due."""
    return end_of_day(add_business_days(resolved_at.astimezone(UTC).date(), days))
