"""Business days, the blameless check, action-item rules."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from irtui.domain.model import DomainError
from irtui.review.actions import check_priority, check_type
from irtui.review.blameless import check
from irtui.review.business_days import add_business_days, review_due
from irtui.review.recurrence import ordinal, quarter_bounds, quarter_of


@pytest.mark.parametrize(
    ("resolved", "due"),
    [
        ("2026-11-20T15:00", "2026-11-28T00:00"),  # Friday -> end of next Friday
        ("2026-11-21T10:00", "2026-11-28T00:00"),  # Saturday -> end of Friday
        ("2026-11-22T23:59", "2026-11-28T00:00"),  # Sunday -> end of Friday
        ("2026-11-18T09:00", "2026-11-26T00:00"),  # Wednesday -> end of next Wednesday
        ("2026-12-31T12:00", "2027-01-08T00:00"),  # across the year (no holiday calendar)
    ],
)
def test_review_due(resolved: str, due: str) -> None:
    at = datetime.fromisoformat(resolved).replace(tzinfo=UTC)
    assert review_due(at) == datetime.fromisoformat(due).replace(tzinfo=UTC)


def test_add_business_days_edges() -> None:
    assert add_business_days(date(2026, 11, 20), 0) == date(2026, 11, 20)
    assert add_business_days(date(2026, 11, 20), 1) == date(2026, 11, 23)
    with pytest.raises(ValueError):
        add_business_days(date(2026, 11, 20), -1)


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("Bob should have checked the dashboard", "should-have"),
        ("the on-call shouldn't have deployed", "should-have"),
        ("Dana should've known", "should-have"),
        ("It was Carol's fault", "fault"),
        ("nobody is to blame", "blame"),
        ("Root cause: human error", "human-error"),
        ("an operator error during failover", "human-error"),
        ("a careless config push", "character"),
        ("negligence in the review", "character"),
        ("she forgot to drain the node", "forgot"),
        ("obviously the flag was wrong", "just"),
    ],
)
def test_blaming_phrases_are_flagged(text: str, rule: str) -> None:
    findings = check(text, "Root cause")
    assert [f.rule for f in findings] == [rule]
    assert findings[0].suggestion and findings[0].line == 1


@pytest.mark.parametrize(
    "text",
    [
        "The deploy pipeline had no canary step, so the bad config reached all regions.",
        "The alert should fire at 80% instead of 95%.",
        "We could have detected it with a replica-lag alert.",
        "<!-- TODO(human): who should have been paged? -->",
        "Fault injection in staging did not cover this path.",
    ],
)
def test_system_language_passes(text: str) -> None:
    assert check(text) == []


def test_findings_carry_line_numbers() -> None:
    findings = check("fine line\nAlice should have paged\nfine again\ncareless")
    assert [(f.line, f.rule) for f in findings] == [(2, "should-have"), (4, "character")]


def test_action_rules() -> None:
    assert check_type(" Detect ") == "detect"
    assert check_priority("1") == "P1" and check_priority("p3") == "P3"
    with pytest.raises(DomainError):
        check_type("fix")
    with pytest.raises(DomainError):
        check_priority("P0")


def test_quarters_and_ordinals() -> None:
    assert quarter_of(datetime(2026, 11, 22, tzinfo=UTC)) == "2026-Q4"
    assert quarter_bounds(datetime(2026, 11, 22, tzinfo=UTC)) == (
        datetime(2026, 10, 1, tzinfo=UTC),
        datetime(2027, 1, 1, tzinfo=UTC),
    )
    assert quarter_bounds(datetime(2026, 2, 1, tzinfo=UTC))[1] == datetime(2026, 4, 1, tzinfo=UTC)
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111)] == [
        "1st",
        "2nd",
        "3rd",
        "4th",
        "11th",
        "12th",
        "13th",
        "21st",
        "22nd",
        "101st",
        "111th",
    ]


def test_review_core_never_imports_textual() -> None:
    import subprocess
    import sys

    code = (
        "import sys, irtui.review.report, irtui.review.workflow, irtui.importers.backfill, "
        "irtui.importers.statuspage, irtui.importers.github_statuses, irtui.cli.review_cmd;"
        "assert 'textual' not in sys.modules, 'textual imported'"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
