"""Every failure the issue names, one at a time, against the in-process fake Statuspage.

Sleeps are recorded, never slept; the clock is a ManualClock, so next-attempt times are exact.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from irtui.domain.timeutil import ManualClock
from irtui.store.outbox_repo import OutboxRepo
from irtui.store.repo import Store
from irtui.sync.config import SyncConfig
from irtui.sync.outbox import Deliverer, default_backoff
from irtui.sync.publish import publish
from irtui.sync.statuspage import StatuspageV1, parse_retry_after
from tests.sync.conftest import TOKEN
from tests.sync.fake_statuspage import FakeStatuspage

MakeProvider = Callable[..., StatuspageV1]


def drain(store: Store, provider: StatuspageV1, **kw: Any) -> list[Any]:
    return Deliverer(OutboxRepo(store.db), provider, store.now, **kw).deliver_due()


def test_create_update_resolve_happy_path(
    store: Store, incident: Any, cfg: SyncConfig, fake: FakeStatuspage, make_provider: MakeProvider
) -> None:
    publish(store, incident.id, "Investigating checkout errors.", cfg)
    publish(store, incident.id, "Cause identified.", cfg, status="identified")
    publish(store, incident.id, "Fixed.", cfg, status="resolved", notify=False)
    reports = drain(store, make_provider(fake))
    assert [r.state for r in reports] == ["sent"] * 3
    (remote,) = fake.by_local_id()[incident.id]
    assert remote["metadata"] == {"irtui": {"incident_id": incident.id, "outbox_id": "1"}}
    assert fake.bodies(incident.id) == [
        "Investigating checkout errors.",
        "Cause identified.",
        "Fixed.",
    ]
    assert remote["status"] == "resolved"
    assert set(remote["components"].values()) == {"operational"}
    methods = [m for m, _, _ in fake.requests]
    assert methods == ["GET", "POST", "PATCH", "PATCH"]  # reconcile before the create
    assert set(fake.auth_headers) == {f"OAuth {TOKEN}"}
    assert {r.remote_id for r in reports} == {remote["id"]}
    assert OutboxRepo(store.db).link(incident.id) == remote["id"]


@pytest.mark.parametrize(
    "fault",
    [
        "connect",
        "timeout_before",
        "500",
        "502",
        "503",
        "timeout_after",
        "500_after",
        "badjson_after",
    ],
)
def test_transient_faults_are_retried_inline(
    store: Store,
    incident: Any,
    cfg: SyncConfig,
    fake: FakeStatuspage,
    sleeps: list[float],
    make_provider: MakeProvider,
    fault: str,
) -> None:
    publish(store, incident.id, "one", cfg)
    publish(store, incident.id, "two", cfg)
    fake.forced = ["", fault, fault]  # reconcile GET ok, then the POST fails twice
    reports = drain(store, make_provider(fake))
    assert [r.state for r in reports] == ["sent", "sent"]
    assert len(fake.by_local_id()[incident.id]) == 1, "no duplicate remote incident"
    assert fake.bodies(incident.id) == ["one", "two"], "no lost or repeated update"
    assert sleeps[:2] == [1.0, 2.0]  # exponential backoff between the attempts


@pytest.mark.parametrize("fault", ["timeout_after", "500_after", "badjson_after"])
def test_update_answer_lost_is_not_posted_twice(
    store: Store,
    incident: Any,
    cfg: SyncConfig,
    fake: FakeStatuspage,
    make_provider: MakeProvider,
    fault: str,
) -> None:
    publish(store, incident.id, "one", cfg)
    publish(store, incident.id, "two", cfg)
    fake.forced = ["", "", fault]  # the PATCH lands, its answer is lost
    drain(store, make_provider(fake))
    assert fake.bodies(incident.id) == ["one", "two"]


def test_exhausted_retries_wait_in_the_outbox(
    store: Store,
    incident: Any,
    cfg: SyncConfig,
    fake: FakeStatuspage,
    clock: ManualClock,
    make_provider: MakeProvider,
) -> None:
    publish(store, incident.id, "one", cfg)
    fake.forced = ["connect"] * 3
    (report,) = drain(store, make_provider(fake))
    msg = OutboxRepo(store.db).get(report.message_id)
    assert msg.state == "retrying" and "cannot connect (ConnectError)" in (msg.last_error or "")
    assert msg.next_attempt_at == store.now() + timedelta(seconds=5)
    assert drain(store, make_provider(fake)) == []  # not due yet
    clock.advance(seconds=5)
    assert [r.state for r in drain(store, make_provider(fake))] == ["sent"]
    assert len(fake.incidents) == 1


@pytest.mark.parametrize("code", ["429", "420"])
def test_rate_limit_honours_retry_after(
    store: Store,
    incident: Any,
    cfg: SyncConfig,
    fake: FakeStatuspage,
    sleeps: list[float],
    make_provider: MakeProvider,
    clock: ManualClock,
    code: str,
) -> None:
    publish(store, incident.id, "one", cfg)
    fake.retry_after = "7"
    fake.forced = [code]
    assert [r.state for r in drain(store, make_provider(fake))] == ["sent"]
    assert sleeps == [7.0]  # the server's hint beats the 1 s backoff
    publish(store, incident.id, "two", cfg)
    fake.retry_after = "120"  # too long to sleep inline: handed to the outbox
    fake.forced = [code]
    (report,) = drain(store, make_provider(fake))
    assert report.state == "retrying"
    assert report.next_attempt_at == store.now() + timedelta(seconds=120)
    assert f"rate limited ({code})" in (report.error or "")
    clock.advance(seconds=120)
    assert [r.state for r in drain(store, make_provider(fake))] == ["sent"]
    assert fake.bodies(incident.id) == ["one", "two"]


@pytest.mark.parametrize(
    "code, fragment",
    [
        ("401", "refused the API token (401"),
        ("403", "refused the API token (403"),
        ("422", "rejected (422"),
        ("400", "rejected (400"),
        ("404", "not found (404"),
    ],
)
def test_permanent_errors_stop_and_ask_a_human(
    store: Store,
    incident: Any,
    cfg: SyncConfig,
    fake: FakeStatuspage,
    make_provider: MakeProvider,
    code: str,
    fragment: str,
) -> None:
    publish(store, incident.id, "one", cfg)
    publish(store, incident.id, "two", cfg)
    fake.forced = ["", code]
    reports = drain(store, make_provider(fake))
    assert [r.state for r in reports] == ["failed"]  # "two" waits behind it, in order
    repo = OutboxRepo(store.db)
    msg = repo.get(reports[0].message_id)
    assert msg.state == "failed" and fragment in (msg.last_error or "")
    assert TOKEN not in (msg.last_error or "") and "***" in (msg.last_error or "")
    assert repo.summary()["pending"] == 1
    repo.retry(msg.id, store.now())
    assert [r.state for r in drain(store, make_provider(fake))] == ["sent", "sent"]
    assert fake.bodies(incident.id) == ["one", "two"]


def test_wrong_token_is_a_real_401(
    store: Store, incident: Any, cfg: SyncConfig, fake: FakeStatuspage
) -> None:
    publish(store, incident.id, "one", cfg)
    provider = StatuspageV1(cfg, "wrong-token", transport=fake.transport(), sleep=lambda s: None)
    (report,) = drain(store, provider)
    assert report.state == "failed" and "401" in (report.error or "")
    assert "wrong-token" not in (report.error or "")


def test_malformed_json_on_reads_is_transient(
    store: Store, incident: Any, cfg: SyncConfig, fake: FakeStatuspage, make_provider: MakeProvider
) -> None:
    publish(store, incident.id, "one", cfg)
    fake.forced = ["badjson_after"] * 3  # every reconcile GET answers garbage
    (report,) = drain(store, make_provider(fake))
    assert report.state == "retrying" and "not JSON" in (report.error or "")
    assert fake.incidents == {}


def test_post_succeeded_remotely_but_timed_out_locally(
    store: Store,
    incident: Any,
    cfg: SyncConfig,
    fake: FakeStatuspage,
    clock: ManualClock,
    make_provider: MakeProvider,
) -> None:
    publish(store, incident.id, "one", cfg)
    fake.forced = ["", "timeout_after"]
    (report,) = drain(store, make_provider(fake, attempts=1))  # no inline retry
    assert report.state == "retrying" and len(fake.incidents) == 1
    clock.advance(minutes=1)
    (report,) = drain(store, make_provider(fake))
    assert report.state == "sent"
    assert len(fake.incidents) == 1 and report.remote_id in fake.incidents
    assert [m for m, _, _ in fake.requests].count("POST") == 1


def test_worker_killed_mid_send_is_reconciled_after_its_lease(
    store: Store,
    incident: Any,
    cfg: SyncConfig,
    fake: FakeStatuspage,
    clock: ManualClock,
    make_provider: MakeProvider,
) -> None:
    publish(store, incident.id, "one", cfg)
    repo = OutboxRepo(store.db)
    msg = repo.claim_next(store.now(), lease_s=60)
    assert msg is not None
    make_provider(fake).deliver(msg, None)  # it reached the server; then the worker died
    assert drain(store, make_provider(fake)) == []  # still leased
    clock.advance(seconds=61)
    (report,) = drain(store, make_provider(fake))
    assert report.state == "sent" and len(fake.incidents) == 1


def test_a_human_made_incident_with_the_same_name_is_adopted(
    store: Store, incident: Any, cfg: SyncConfig, fake: FakeStatuspage, make_provider: MakeProvider
) -> None:
    fake.incidents["manual1"] = {
        "id": "manual1",
        "name": incident.title,
        "status": "investigating",
        "metadata": {},
        "components": {},
        "incident_updates": [],
    }
    publish(store, incident.id, "one", cfg)
    (report,) = drain(store, make_provider(fake))
    assert report.remote_id == "manual1" and len(fake.incidents) == 1
    assert fake.incidents["manual1"]["incident_updates"][0]["body"] == "one"


def test_backoff_and_retry_after_parsing() -> None:
    assert [default_backoff(n, None) for n in (1, 2, 3, 10)] == [5.0, 10.0, 20.0, 300.0]
    assert default_backoff(1, 42.0) == 42.0
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after("garbage") is None and parse_retry_after(None) is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # in the past


def test_token_never_reaches_the_store_files(
    store: Store,
    db_path: Any,
    incident: Any,
    cfg: SyncConfig,
    fake: FakeStatuspage,
    make_provider: MakeProvider,
) -> None:
    for i in range(5):
        publish(store, incident.id, f"update {i}", cfg)
    fake.forced = ["", "401"]
    drain(store, make_provider(fake))
    OutboxRepo(store.db).retry(1, store.now())
    fake.fault_rate = 0.5
    for _ in range(20):
        drain(store, make_provider(fake), backoff=lambda a, r: 0.0)
    store.db.execute("PRAGMA wal_checkpoint(FULL)")
    for path in db_path.parent.glob(db_path.name + "*"):
        assert TOKEN.encode() not in path.read_bytes(), path


def test_a_rate_limit_pauses_the_whole_key(
    store: Store,
    cfg: SyncConfig,
    fake: FakeStatuspage,
    clock: ManualClock,
    make_provider: MakeProvider,
) -> None:
    a = store.declare("A", 2, services=["api"])
    b = store.declare("B", 2, services=["api"])
    publish(store, a.id, "a1", cfg)
    publish(store, b.id, "b1", cfg)
    fake.retry_after = "60"
    fake.forced = ["429"]
    deliverer = Deliverer(OutboxRepo(store.db), make_provider(fake), store.now)
    reports = deliverer.deliver_due()
    assert [r.state for r in reports] == ["retrying"]  # B was not tried into the limit
    assert len(fake.requests) == 1
    clock.advance(seconds=60)
    assert [r.state for r in deliverer.deliver_due()] == ["sent", "sent"]


def test_an_old_resolved_incident_with_the_same_title_is_not_adopted(
    store: Store, incident: Any, cfg: SyncConfig, fake: FakeStatuspage, make_provider: MakeProvider
) -> None:
    fake.incidents["old1"] = {
        "id": "old1",
        "name": incident.title,
        "status": "resolved",
        "metadata": {},
        "components": {},
        "incident_updates": [],
    }
    publish(store, incident.id, "Resolved retroactively.", cfg, status="resolved")
    (report,) = drain(store, make_provider(fake))
    assert report.state == "sent" and report.remote_id != "old1"
    assert len(fake.incidents) == 2


def test_unlink_after_the_remote_incident_was_deleted(
    store: Store, incident: Any, cfg: SyncConfig, fake: FakeStatuspage, make_provider: MakeProvider
) -> None:
    publish(store, incident.id, "one", cfg)
    drain(store, make_provider(fake))
    fake.incidents.clear()  # someone deleted it on the status page
    publish(store, incident.id, "two", cfg)
    (report,) = drain(store, make_provider(fake))
    assert report.state == "failed" and "404" in (report.error or "")
    repo = OutboxRepo(store.db)
    assert repo.unlink(incident.id)
    repo.retry(report.message_id, store.now())
    (report,) = drain(store, make_provider(fake))
    assert report.state == "sent" and fake.bodies(incident.id) == ["two"]
