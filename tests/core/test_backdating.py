"""Backdating that fits how incidents start: the alert fired before anyone declared, so an entry
before `started` moves `started` (a detection entry moves `detected` too) — as events on the
timeline, never silently. Every event time keeps the incident's order, status changes
included; messages speak HH:MM and UTC."""

from __future__ import annotations

from datetime import timedelta

import pytest

from irtui.domain.metrics import durations
from irtui.domain.model import DomainError, EventKind
from irtui.store.repo import Store
from tests.cli_runner import Cli


def test_detection_backdated_before_declaring_moves_started_and_detected(store: Store, clock):
    inc = store.declare("Checkout 500s", 1, commander="alice")
    declared = clock()
    clock.advance(minutes=1)
    entry = store.log(
        inc.id, "PagerDuty alert fired", kind="detection", at=declared - timedelta(minutes=5)
    )
    inc = store.get(inc.id)
    assert inc.milestones["started"] == inc.milestones["detected"] == entry.at
    assert inc.ack_due == entry.at + timedelta(minutes=15)  # the ack clock follows detection
    moves = [e for e in store.events(inc.id) if e.kind == EventKind.MILESTONE_SET]
    assert [m.payload["milestone"] for m in moves] == ["started", "detected"]
    assert all(m.payload["previous"] and m.payload["reason"] for m in moves)
    shown = [t.text for t in store.timeline(inc.id) if t.source == EventKind.MILESTONE_SET]
    assert shown and all("moved earlier" in text and "UTC" in text for text in shown)
    assert store.verify_projection(inc.id)


def test_a_note_before_start_moves_only_started(store: Store, clock):
    inc = store.declare("x", 2)
    store.log(inc.id, "deploy #4821 went out", at=clock() - timedelta(minutes=20))
    inc = store.get(inc.id)
    assert inc.milestones["started"] == clock() - timedelta(minutes=20)
    assert inc.milestones["detected"] == clock()


def test_a_future_time_is_in_the_future_and_old_ones_are_bounded(store: Store, clock):
    inc = store.declare("x", 2)
    with pytest.raises(DomainError, match="is in the future"):
        store.log(inc.id, "later", at=clock() + timedelta(minutes=17))
    with pytest.raises(DomainError, match="more than 3 years before the incident started"):
        store.log(inc.id, "typo", at=clock() - timedelta(days=4 * 365))
    assert len(store.events(inc.id)) == 1  # nothing half-written


def test_status_changes_are_checked_against_the_order(store: Store, clock):
    inc = store.declare("x", 2)
    clock.advance(minutes=10)
    with pytest.raises(DomainError, match="before the incident started"):
        store.set_status(inc.id, "identified", at=inc.declared_at - timedelta(minutes=5))
    store.set_status(inc.id, "identified", at=clock() - timedelta(minutes=2))
    with pytest.raises(DomainError, match="before the previous status change"):
        store.set_status(inc.id, "mitigating", at=clock() - timedelta(minutes=3))
    store.resolve(inc.id, checked="all", early_reason="test", at=clock() - timedelta(minutes=1))
    with pytest.raises(DomainError, match=r"resolved .* cannot be before mitigated"):
        store.set_milestone(inc.id, "mitigated", clock())  # nothing after the resolution
    with pytest.raises(DomainError, match="before the previous status change"):
        store.set_status(inc.id, "investigating", at=clock() - timedelta(minutes=2))


def test_cli_refuses_a_status_change_in_year_999(db_path, clock):
    cli = Cli(db_path, clock)
    cli.ok("declare", "x", "--sev", "2")
    code, out, err = cli("status", "INC-1", "identified", "--at", "0999-06-01T00:00:00+00:00")
    assert code == 2 and out == ""
    assert "status change to identified" in err and "before 1970" in err
    assert "Traceback" not in err
    for when in ("1800-01-01T00:00:00Z", "1900-06-01T00:00:00Z", "-99999999999h"):
        code, _, err = cli("status", "INC-1", "identified", "--at", when)
        assert code == 2 and "Traceback" not in err, err
    assert cli.ok("show", "INC-1").startswith("INC-1")


def test_cli_declare_takes_started_and_detected(db_path, clock):
    cli = Cli(db_path, clock)
    cli.ok("declare", "x", "--sev", "1", "--started", "-20m", "--detected", "-5m")
    with Store.open(db_path, clock=clock) as store:
        inc = store.get("INC-1")
        assert inc.milestones["started"] == clock() - timedelta(minutes=20)
        assert inc.milestones["detected"] == clock() - timedelta(minutes=5)
        assert durations(inc)["ttd"] == 15 * 60
    code, _, err = cli("declare", "y", "--sev", "1", "--started", "-5m", "--detected", "-20m")
    assert code == 2 and "detected" in err and "cannot be before started" in err
    code, _, err = cli("declare", "z", "--sev", "1", "--started", "+5m")
    assert code == 2


def test_milestones_cannot_be_invented_or_reordered(store: Store, clock):
    inc = store.declare("x", 2)
    with pytest.raises(DomainError, match="has not reached resolved"):
        store.set_milestone(inc.id, "resolved", clock() - timedelta(minutes=1))
    with pytest.raises(DomainError, match="has not reached mitigated"):
        store.set_milestone(inc.id, "mitigated", clock())
    clock.advance(minutes=10)
    store.log(inc.id, "first fact", at=clock() - timedelta(minutes=5))
    with pytest.raises(DomainError, match="after the first recorded fact"):
        store.set_milestone(inc.id, "started", clock() - timedelta(minutes=1))
    store.set_milestones(
        inc.id,
        {"started": clock() - timedelta(minutes=30), "detected": clock() - timedelta(minutes=25)},
    )
    inc = store.get(inc.id)
    assert durations(inc)["ttd"] == 5 * 60


def test_cli_milestone_resolved_on_an_investigating_incident_is_refused(db_path, clock):
    cli = Cli(db_path, clock)
    cli.ok("declare", "x", "--sev", "2")
    code, _, err = cli("milestone", "INC-1", "resolved", "-1m")
    assert code == 2 and "has not reached resolved" in err and "irtui status" in err
