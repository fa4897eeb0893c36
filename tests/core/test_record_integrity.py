"""A closed incident's record is final: no entries, amendments, milestones, updates, roles or
plain events until it is explicitly reopened (itself an event, with a reason)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from irtui.domain.model import DomainError, EventKind
from irtui.store.repo import Store
from tests.cli_runner import Cli


@pytest.fixture
def closed(store: Store, clock):
    inc = store.declare("x", 3, commander="alice")
    entry = store.log(inc.id, "restarted the indexer")
    clock.advance(minutes=30)
    store.resolve(inc.id, checked="all")
    clock.advance(days=3)
    store.set_status(inc.id, "closed")
    return inc.id, entry.id


def test_a_closed_incident_accepts_nothing(store: Store, clock, closed):
    iid, entry = closed
    before = len(store.events(iid))
    attempts = [
        lambda: store.log(iid, "one more thing"),
        lambda: store.amend(iid, entry, "restarted the indexer twice"),
        lambda: store.retract(iid, entry, "wrong"),
        lambda: store.set_milestone(iid, "started", clock() - timedelta(days=4)),
        lambda: store.set_milestone(iid, "resolved", clock() - timedelta(days=3)),
        lambda: store.record_update(iid, "all good"),
        lambda: store.assign_role(iid, "scribe", "carol"),
        lambda: store.set_severity(iid, 1, reason="in hindsight"),
        lambda: store.mitigated(iid),
        lambda: store.ack(iid),
        lambda: store.append(iid, EventKind.TASK_DONE, {"text": "x"}),
        lambda: store.append(iid, "tagged", {"tags": ["db"]}),
        lambda: store.set_status(iid, "investigating"),
        lambda: store.change_details(iid, title="renamed"),
    ]
    for attempt in attempts:
        with pytest.raises(DomainError, match=r"closed; its record is final.*reopen"):
            attempt()
    assert len(store.events(iid)) == before


def test_reopen_is_an_event_with_a_reason(store: Store, clock, closed):
    iid, _ = closed
    with pytest.raises(DomainError, match="needs a reason"):
        store.reopen(iid, "  ")
    inc = store.reopen(iid, "the TTR was wrong: impact ended at 14:20")
    assert inc.status == "resolved" and inc.milestones["closed"] is None
    assert store.timeline(iid)[-1].text.startswith("Reopened (was closed) — the TTR was wrong")
    store.log(iid, "correction: impact ended earlier")  # allowed again
    with pytest.raises(DomainError, match="not closed"):
        store.reopen(iid, "again")
    assert store.verify_projection(iid)


def test_cli_closed_and_reopen(db_path, clock):
    cli = Cli(db_path, clock)
    cli.ok("declare", "x", "--sev", "3")
    cli.ok("status", "1", "resolved", "--checked", "all")
    cli.ok("status", "1", "closed")
    for argv in (
        ("log", "1", "late note"),
        ("milestone", "1", "started", "-1h"),
        ("amend", "1", "1", "x"),
    ):
        code, _, err = cli(*argv)
        assert code == 2 and "irtui reopen INC-1 --reason" in err, err
    assert "reopened" in cli.ok("reopen", "1", "--reason", "fix the start time")
    cli.ok("milestone", "1", "started", "-1h", "--reason", "dashboards")
