"""No leak into reality: a drill never enqueues a real status-page, chat or page delivery (any
outbound message of a drill goes to the drill sink, whatever its channel) and never counts in
`irtui report` metrics (only in the exercises section)."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from irtui.domain.timeutil import iso
from irtui.drills import runner
from irtui.drills.record import sink_messages
from irtui.review.report import build_report, render_report
from irtui.store.outbox_repo import DRILL, OutboxRepo
from irtui.sync.config import SyncConfig
from irtui.sync.outbox import Deliverer
from irtui.sync.publish import publish
from tests.cli_runner import Cli
from tests.sync.fake_statuspage import FakeStatuspage

CFG = SyncConfig(page_id="page1", base_url="http://statuspage.test/v1", min_interval_s=0.0)


class Recorder:
    """A provider (any channel) that records every delivery it is asked to make."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.delivered: list[Any] = []

    def deliver(self, message: Any, link: str | None) -> str:
        self.delivered.append(message)
        return f"remote-{message.id}"

    def close(self) -> None:
        pass


def test_a_drill_status_page_update_goes_to_the_sink_never_to_statuspage(
    store, clock, start, small
) -> None:
    drill = start(small)
    real = store.declare("Real outage", 2, services=["checkout"])
    done = publish(store, drill.id, "We are investigating (drill).", CFG)
    assert done.drill
    publish(store, real.id, "We are investigating.", CFG)
    repo = OutboxRepo(store.db)
    assert repo.get(done.message_id).state == DRILL
    # the real worker against a fake Statuspage: only the real incident arrives there
    from irtui.sync.statuspage import StatuspageV1

    fake = FakeStatuspage(page_id="page1", token="t")
    provider = StatuspageV1(CFG, "t", transport=fake.transport(), sleep=lambda s: None)
    reports = Deliverer(repo, provider, clock).deliver_due()
    assert [r.incident_id for r in reports] == [real.id]
    bodies = json.dumps(fake.incidents)
    assert "drill" not in bodies and "We are investigating." in bodies
    assert [m["body"] for m in sink_messages(store, drill.id)] == ["We are investigating (drill)."]
    assert repo.claim_next(clock()) is None


def test_publishing_a_drill_needs_no_configured_page(store, start, small) -> None:
    drill = start(small)
    done = publish(store, drill.id, "Rehearsal.", SyncConfig())
    assert done.drill and OutboxRepo(store.db).get(done.message_id).state == DRILL


@pytest.mark.parametrize("channel", ["statuspage", "pagerduty", "slack", "anything-new"])
def test_any_channel_of_a_drill_is_diverted_at_enqueue(store, clock, start, small, channel):
    drill = start(small)
    real = store.declare("Real", 1)
    repo = OutboxRepo(store.db)
    d = repo.enqueue(drill.id, {"summary": "page the DBA"}, now=clock(), provider=channel)
    r = repo.enqueue(real.id, {"summary": "page the DBA"}, now=clock(), provider=channel)
    assert repo.get(d).state == DRILL and repo.get(r).state == "pending"
    provider = Recorder(channel)
    Deliverer(repo, provider, clock).deliver_due()
    assert [m.incident_id for m in provider.delivered] == [real.id]
    assert sink_messages(store, drill.id)[0]["provider"] == channel


def test_a_drill_message_that_reached_the_table_another_way_is_diverted_at_claim(
    store, clock, start, small
) -> None:
    """A channel that writes its own rows (not through `enqueue`) is still covered: the claim
    itself refuses to hand a drill's message to a provider."""
    drill = start(small)
    real = store.declare("Real", 1)
    store.db.write(
        lambda db: db.execute(
            "INSERT INTO outbox (incident_id, event_id, provider, op, payload, state, attempts,"
            " next_attempt_at, last_error, remote_id, created_at, updated_at) VALUES "
            "(:iid, NULL, 'pagerduty', 'create', '{}', 'pending', 0, NULL, NULL, NULL, :now, :now)",
            {"iid": drill.id, "now": iso(clock())},
        )
    )
    repo = OutboxRepo(store.db)
    repo.enqueue(real.id, {"summary": "real"}, now=clock(), provider="pagerduty")
    provider = Recorder("pagerduty")
    Deliverer(repo, provider, clock).deliver_due()
    assert [m.incident_id for m in provider.delivered] == [real.id]
    assert [m.state for m in repo.messages(incident_id=drill.id)] == [DRILL]


def test_a_drill_never_counts_in_report_metrics(store, clock, start, small) -> None:
    real = store.declare("Real", 2, services=["checkout"])
    clock.advance(minutes=5)
    store.ack(real.id)
    drill = start(small, speed=60)
    clock.advance(seconds=30)  # 30 drill minutes
    store.ack(drill.id)
    store.resolve(drill.id, checked="all", early_reason="test")
    store.resolve(real.id, checked="all", early_reason="test")
    report = build_report(store, None, None, clock())
    assert (report.total, report.real, report.drills) == (1, 1, 1)
    assert report.metrics["all"]["tta"].count == 1
    assert report.metrics["all"]["tta"].mean == 300
    assert report.ack.decided == 1
    assert report.last_drill == clock() - timedelta(seconds=30)
    md = render_report(report, "md")
    assert f"Tabletop exercises: 1 this period, last on {report.last_drill:%Y-%m-%d}" in md
    data = json.loads(render_report(report, "json"))
    assert data["exercises"] == {"count": 1, "last": iso(report.last_drill)}
    assert "exercises,,count,1" in render_report(report, "csv")


def test_deleting_a_drill_is_recorded_and_it_is_gone(store, clock, start, small, db_path):
    drill = start(small)
    other = start(small)
    runner.delete(store, drill.id, "it was a rehearsal of the rehearsal")
    deleted = [e for e in store.events(drill.id) if e.kind == "drill_deleted"]
    assert len(deleted) == 1 and deleted[0].author == "alice"
    assert deleted[0].payload["reason"] == "it was a rehearsal of the rehearsal"
    assert drill.id not in {i.id for i in store.list_incidents()}
    assert drill.id not in {i.id for i in store.list_incidents(include_closed=True)}
    assert [i.id for i in runner.drills(store)] == [other.id]
    assert drill.id in {i.id for i in runner.drills(store, include_deleted=True)}
    report = build_report(store, None, None, clock())
    assert report.drills == 1
    assert store.verify_projection(drill.id)
    from irtui.domain.model import DomainError

    with pytest.raises(DomainError, match="deleted drill"):
        store.log(drill.id, "too late")
    with pytest.raises(DomainError, match="only drills"):
        runner.delete(store, store.declare("Real", 2).id)
    cli = Cli(db_path, clock)
    code, out, _ = cli("list", "--all")
    assert drill.id not in out and other.id in out
    code, _, err = cli("drill", "delete", other.id)
    assert code == 2 and "add --yes" in err
    assert cli("drill", "delete", other.id, "--yes", "--reason", "done")[0] == 0
    out = cli.ok("drill", "list", "--all")
    assert f"{other.id}    deleted" in out
