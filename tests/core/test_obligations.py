"""Peak severity drives obligations (postmortem owed, review window, report grouping), the
current one is shown too; `mitigated` is its own action and milestone."""

from __future__ import annotations

from datetime import timedelta

import pytest

from irtui.domain.metrics import durations, obligation_severity
from irtui.domain.model import DomainError
from irtui.review.postmortem import review_state
from irtui.review.report import build_report
from irtui.review.workflow import reviews
from irtui.store.repo import Store
from tests.cli_runner import Cli


def test_a_sev1_downgraded_to_sev3_still_owes_its_postmortem(store: Store, clock):
    inc = store.declare("Checkout down", 1)
    inc = store.set_severity(inc.id, 3, reason="contained to one tenant")
    assert (inc.severity, inc.peak_severity, obligation_severity(inc)) == (3, 1, 1)
    inc = store.set_severity(inc.id, 2, reason="spreading again")
    assert inc.peak_severity == 1 and inc.hold_s == 15 * 60  # the strictest hold reached
    inc = store.set_severity(inc.id, 3, reason="contained")
    clock.advance(minutes=30)
    inc = store.resolve(inc.id, checked="all", early_reason="test")
    _due, state = review_state(inc, None, clock())
    assert state.startswith("due ") and "optional" not in state
    assert [r.incident.id for r in reviews(store, clock())] == [inc.id]
    report = build_report(store, None, None, clock())
    assert report.by_severity == {1: 1} and "SEV1" in report.metrics
    assert store.verify_projection(inc.id)


def test_show_says_the_current_and_the_peak(db_path, clock):
    cli = Cli(db_path, clock)
    cli.ok("declare", "x", "--sev", "1")
    cli.ok("sev", "1", "3", "--reason", "contained")
    assert cli.ok("show", "1").startswith("INC-1  SEV3 (peak SEV1)")
    assert "(peak SEV1)" in cli.ok("export", "1")


def test_monitoring_no_longer_invents_mitigation(store: Store, clock):
    inc = store.declare("x", 2)
    clock.advance(minutes=5)
    inc = store.set_status(inc.id, "monitoring")
    assert inc.milestones["mitigated"] is None
    inc = store.mitigated(inc.id, at=clock() - timedelta(minutes=3), note="traffic drained")
    assert inc.milestones["mitigated"] == clock() - timedelta(minutes=3)
    assert durations(inc)["ttm"] == 2 * 60
    with pytest.raises(DomainError, match="already marked mitigated"):
        store.mitigated(inc.id)
    assert "Mitigated — traffic drained" in [t.text for t in store.timeline(inc.id)]


def test_resolving_without_marking_mitigation_says_so(store: Store, clock):
    inc = store.declare("x", 3)
    clock.advance(minutes=20)
    inc = store.resolve(inc.id, checked="all")
    assert inc.milestones["mitigated"] == inc.milestones["resolved"]
    assert store.events(inc.id)[-1].payload["mitigated"] == "at_resolution"
    assert "mitigation was never marked" in store.timeline(inc.id)[-1].text


def test_older_events_keep_their_meaning(store: Store, clock):
    """A `status_changed` to monitoring written before mitigation was its own action (no
    `"v": 2`) still implies it when replayed: old stores show the clocks they showed."""
    from irtui.domain import lifecycle
    from irtui.domain.model import Event, EventKind

    inc = store.declare("x", 2)
    clock.advance(minutes=5)
    old = Event(
        inc.id,
        EventKind.STATUS_CHANGED,
        clock(),
        "a",
        {"from": "investigating", "to": "monitoring"},
    )
    assert lifecycle.apply(inc, old).milestones["mitigated"] == clock()


def test_cli_mitigated(db_path, clock):
    cli = Cli(db_path, clock)
    cli.ok("declare", "x", "--sev", "2")
    clock.advance(minutes=10)
    assert "14:07 UTC" in cli.ok("mitigated", "1", "--at", "-3m")
    code, _, err = cli("mitigated", "1")
    assert code == 2 and "already marked mitigated" in err
