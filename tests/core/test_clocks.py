"""Clock rules: deadlines from the policy, updates reset, severity recomputes, snooze."""

from __future__ import annotations

from datetime import timedelta

import pytest

from irtui.domain.clocks import ClockState, ack_clock, next_update_clock, update_clocks
from irtui.domain.model import DomainError


def test_sev1_deadlines(store, clock) -> None:
    inc = store.declare("x", 1)
    assert inc.ack_due == clock() + timedelta(minutes=15)
    assert set(inc.update_due.values()) == {clock() + timedelta(minutes=30)}
    assert ack_clock(inc, clock()).state is ClockState.OK
    clock.advance(minutes=12)
    assert ack_clock(inc, clock()).state is ClockState.WARNING
    clock.advance(minutes=4)
    view = ack_clock(inc, clock())
    assert view.state is ClockState.OVERDUE and view.text.endswith("OVERDUE")
    inc = store.ack(inc.id)
    assert ack_clock(inc, clock()).state is ClockState.DONE


def test_update_resets_only_that_audience(store, clock) -> None:
    inc = store.declare("x", 1)
    clock.advance(minutes=25)
    store.record_update(inc.id, "status", audience="exec")
    inc = store.get(inc.id)
    assert inc.update_due["exec"] == clock() + timedelta(minutes=30)
    assert inc.update_due["internal"] == clock() + timedelta(minutes=5)
    assert next_update_clock(inc, clock()).name in ("update:internal", "update:statuspage")


def test_severity_change_recomputes_clocks(store, clock) -> None:
    inc = store.declare("x", 3)
    assert set(inc.update_due) == {"internal"}
    inc = store.set_severity(inc.id, 1, reason="spreading")
    assert inc.ack_due == inc.milestones["detected"] + timedelta(minutes=15)
    assert set(inc.update_due) == {"internal", "statuspage", "exec"}
    inc = store.set_severity(inc.id, 4, reason="contained")
    assert inc.ack_due is None and inc.update_due == {}
    assert ack_clock(inc, clock()).state is ClockState.NONE


def test_snooze_needs_a_reason_and_is_an_event(store, clock) -> None:
    inc = store.declare("x", 1)
    with pytest.raises(DomainError, match="reason"):
        store.snooze(inc.id, "update:exec", clock() + timedelta(hours=1), " ")
    store.snooze(inc.id, "update:exec", clock() + timedelta(hours=1), "exec in a meeting")
    inc = store.get(inc.id)
    assert inc.update_due["exec"] == clock() + timedelta(hours=1)
    assert store.events(inc.id)[-1].payload["reason"] == "exec in a meeting"


def test_resolved_incident_has_no_running_clocks(store, clock) -> None:
    inc = store.declare("x", 1)
    inc = store.resolve(inc.id, checked="all", early_reason="a test")
    assert update_clocks(inc, clock()) == []
    assert ack_clock(inc, clock()).state is ClockState.DONE


def test_sev4_routes_to_backlog_without_clock(store, clock) -> None:
    inc = store.declare("typo", 4)
    assert inc.backlog and inc.ack_due is None and inc.update_due == {}
