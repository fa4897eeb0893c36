"""Clocks are the promise: the next update promised with an update sets that audience's clock
(a stored fact); an audience's clock restarts only when the update reached it."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from irtui.domain.clocks import ClockState, update_clocks
from irtui.domain.model import STATUS_CHANGE, DomainError, EventKind
from irtui.domain.reducer import STATUS_CHANGE_GRACE
from irtui.store.repo import Store
from tests.cli_runner import Cli


def test_a_promised_time_sets_the_clock_and_the_reminder_fires_then(store: Store, clock):
    inc = store.declare("x", 1)  # SEV1: 30 min cadence
    clock.advance(minutes=5)
    store.record_update(inc.id, "rolling back", next_update=clock() + timedelta(minutes=10))
    inc = store.get(inc.id)
    assert inc.update_due["internal"] == clock() + timedelta(minutes=10)  # not +30m
    sent = store.events(inc.id)[-1]
    assert sent.payload["next_update_at"] is not None  # a stored fact
    clock.advance(minutes=10, seconds=1)
    view = next(c for c in update_clocks(inc, clock()) if c.name == "update:internal")
    assert view.state is ClockState.OVERDUE  # the bell rings at 10m, not at 30m
    with Store.open(store.db.target.path, clock=clock) as again:  # type: ignore[arg-type]
        assert again.get(inc.id).update_due == inc.update_due


def test_default_promise_is_the_cadence_and_is_stored(store: Store, clock):
    inc = store.declare("x", 1)
    store.record_update(inc.id, "hello", audience="exec")
    assert store.events(inc.id)[-1].payload["next_from"] == "cadence"
    assert store.get(inc.id).update_due["exec"] == clock() + timedelta(minutes=30)


def test_with_the_next_status_change(store: Store, clock):
    inc = store.declare("x", 1)
    store.record_update(inc.id, "investigating", next_update=STATUS_CHANGE)
    inc = store.get(inc.id)
    assert "internal" not in inc.update_due
    waiting = next(c for c in update_clocks(inc, clock()) if c.name == "update:internal")
    assert waiting.due is None and waiting.text == "with the next status change"
    clock.advance(minutes=40)  # no time: it does not go overdue by the cadence
    assert waiting.state is ClockState.NONE
    inc = store.set_status(inc.id, "identified")
    assert inc.update_due["internal"] == clock() + STATUS_CHANGE_GRACE


def test_a_severity_upgrade_shortens_a_longer_promise(store: Store, clock):
    inc = store.declare("x", 3)
    store.record_update(inc.id, "minor", next_update=clock() + timedelta(hours=4))
    inc = store.set_severity(inc.id, 1, reason="spreading")
    assert inc.update_due["internal"] == clock() + timedelta(minutes=30)
    assert store.verify_projection(inc.id)


def test_promises_must_be_ahead_and_within_a_week(store: Store, clock):
    inc = store.declare("x", 1)
    with pytest.raises(DomainError, match="must be in the future"):
        store.record_update(inc.id, "u", next_update=clock() - timedelta(minutes=1))
    with pytest.raises(DomainError, match="more than 7 days"):
        store.record_update(inc.id, "u", next_update=clock() + timedelta(days=8))


def test_status_page_is_reached_only_by_publishing_or_by_hand(store: Store, clock):
    inc = store.declare("x", 1)
    before = store.get(inc.id).update_due["statuspage"]
    clock.advance(minutes=20)
    with pytest.raises(DomainError, match="reaches customers only when it is published"):
        store.record_update(inc.id, "We are investigating", audience="statuspage")
    assert store.get(inc.id).update_due["statuspage"] == before  # not restarted
    assert not [e for e in store.events(inc.id) if e.kind == EventKind.UPDATE_SENT]
    store.record_update(inc.id, "We are investigating", audience="statuspage", posted_by_hand=True)
    inc = store.get(inc.id)
    assert inc.update_due["statuspage"] == clock() + timedelta(minutes=30)
    line = store.timeline(inc.id)[-1].text
    assert line.startswith("Update posted by hand to statuspage") and "Update sent to" not in line


def test_cli_update_next_and_posted_by_hand(db_path, clock):
    cli = Cli(db_path, clock)
    cli.ok("declare", "x", "--sev", "1")
    out = cli.ok("update", "1", "rolling back", "--next", "10m")
    assert "next due" in out and "14:10 UTC" in out
    code, _, err = cli("update", "1", "We are investigating", "--audience", "statuspage")
    assert code == 2 and "--posted-by-hand" in err and "irtui publish" in err
    out = cli.ok(
        "update",
        "1",
        "We are investigating",
        "--audience",
        "statuspage",
        "--posted-by-hand",
        "--next",
        "status-change",
    )
    assert "posted by hand" in out and "with the next status change" in out
    data = json.loads(cli.ok("show", "1", "--json"))
    assert data["clocks"]["updates"]["internal"]["due"].startswith("2026-11-22T14:10")
    assert data["clocks"]["updates"]["statuspage"]["waits_for"] == "status_change"
    code, _, err = cli("update", "1", "x", "--next", "soonish")
    assert code == 2 and "cannot read time" in err
