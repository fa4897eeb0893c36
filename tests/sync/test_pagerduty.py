"""PagerDuty delivery, one failure at a time, against the in-process fake Events API.

Sleeps are recorded, never slept; the clock is a ManualClock, so next-attempt times are exact.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from irtui.domain.paging import PageTarget
from irtui.domain.timeutil import ManualClock
from irtui.store.outbox_repo import OutboxRepo
from irtui.store.repo import Store
from irtui.sync import paging
from irtui.sync.outbox import Deliverer
from irtui.sync.pagerduty import PagerDutyEventsV2
from irtui.sync.pagerduty_keys import RoutingKeys, env_name
from tests.sync.fake_pagerduty import FakePagerDuty

KEY = "R0UT1NGK3Y0000000000000000000001"
ENV = {env_name("payments"): KEY}
ERIN = PageTarget(
    "erin",
    "Erin Ortiz",
    description="primary on-call of payments",
    service="payments-db",
    team="payments",
    policy="payments",
    level=1,
    levels=3,
    ack_within_s=300,
    routing="payments",
)


@pytest.fixture
def fake() -> FakePagerDuty:
    return FakePagerDuty({KEY})


@pytest.fixture
def sleeps() -> list[float]:
    return []


def provider(
    fake: FakePagerDuty, sleeps: list[float], env: dict[str, str] | None = None, **kw: Any
) -> PagerDutyEventsV2:
    keys = RoutingKeys(env=ENV if env is None else env, use_keyring=False)
    return PagerDutyEventsV2(
        keys, url="http://pagerduty.test/v2", transport=fake.transport(), sleep=sleeps.append, **kw
    )


def drain(store: Store, p: PagerDutyEventsV2, **kw: Any) -> list[Any]:
    return Deliverer(OutboxRepo(store.db), p, store.now, **kw).deliver_due()


def keys_env() -> RoutingKeys:
    return RoutingKeys(env=ENV, use_keyring=False)


def test_trigger_acknowledge_resolve(
    store: Store, fake: FakePagerDuty, sleeps: list[float]
) -> None:
    inc = store.declare("Payments DB down", 1, services=["payments-db"])
    rec = paging.page(
        store,
        inc.id,
        ERIN,
        reason="replica lag",
        keys=keys_env(),
        links=[("https://grafana.example.com/d/p", "Dashboard"), ("javascript:x", "no")],
    )
    assert len(rec.message_ids) == 1
    paging.acknowledge(store, inc.id, 1)
    paging.resolve_pages(store, inc.id)
    reports = drain(store, provider(fake, sleeps))
    assert [r.state for r in reports] == ["sent"] * 3
    key = rec.page.dedup_key
    assert fake.accepted == [(key, "trigger"), (key, "acknowledge"), (key, "resolve")]
    assert fake.incidents_opened[key] == 1 and fake.alerts[key]["status"] == "resolved"
    trigger = fake.requests[0]
    assert trigger["routing_key"] == KEY and trigger["client"] == "irtui"
    assert (
        trigger["payload"]["severity"] == "critical"
        and trigger["payload"]["source"] == "payments-db"
    )
    assert trigger["payload"]["summary"].startswith(
        "[INC-1 SEV1] Payments DB down — paging Erin Ortiz"
    )
    assert trigger["payload"]["custom_details"]["reason"] == "replica lag"
    assert trigger["links"] == [{"href": "https://grafana.example.com/d/p", "text": "Dashboard"}]
    assert set(fake.requests[1]) == {"routing_key", "event_action", "dedup_key"}


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
    ],
)
def test_transient_faults_are_retried_and_never_open_a_second_incident(
    store: Store, fake: FakePagerDuty, sleeps: list[float], fault: str
) -> None:
    inc = store.declare("Payments DB down", 1)
    rec = paging.page(store, inc.id, ERIN, keys=keys_env())
    fake.forced = [fault, fault]
    (report,) = drain(store, provider(fake, sleeps))
    assert report.state == "sent"
    key = rec.page.dedup_key
    assert fake.incidents_opened[key] == 1, "a retried trigger folds into the same alert"
    assert len(fake.requests) == 3 and sleeps[:2] == [1.0, 2.0]


def test_a_202_with_an_unreadable_body_counts_as_accepted(
    store: Store, fake: FakePagerDuty, sleeps: list[float]
) -> None:
    inc = store.declare("Payments DB down", 1)
    rec = paging.page(store, inc.id, ERIN, keys=keys_env())
    fake.forced = ["badjson_after"]
    (report,) = drain(store, provider(fake, sleeps))
    assert report.state == "sent" and report.remote_id == rec.page.dedup_key
    assert len(fake.requests) == 1


def test_a_lost_answer_after_success_is_sent_again_safely(
    store: Store, fake: FakePagerDuty, sleeps: list[float], clock: ManualClock
) -> None:
    inc = store.declare("Payments DB down", 1)
    rec = paging.page(store, inc.id, ERIN, keys=keys_env())
    fake.forced = ["timeout_after"]
    (report,) = drain(store, provider(fake, sleeps, attempts=1))
    assert report.state == "retrying" and fake.incidents_opened[rec.page.dedup_key] == 1
    clock.advance(seconds=5)
    (report,) = drain(store, provider(fake, sleeps, attempts=1))
    assert report.state == "sent"
    assert fake.accepted == [(rec.page.dedup_key, "trigger")] * 2
    assert fake.incidents_opened[rec.page.dedup_key] == 1


def test_rate_limit_waits_for_retry_after_and_pauses_the_key(
    store: Store, fake: FakePagerDuty, sleeps: list[float], clock: ManualClock
) -> None:
    a = store.declare("A", 1)
    b = store.declare("B", 1)
    paging.page(store, a.id, ERIN, keys=keys_env())
    paging.page(store, b.id, ERIN, keys=keys_env())
    fake.retry_after = "60"
    fake.forced = ["429"]
    deliverer = Deliverer(OutboxRepo(store.db), provider(fake, sleeps), store.now)
    assert [r.state for r in deliverer.deliver_due()] == ["retrying"]  # B not tried into it
    assert len(fake.requests) == 1
    clock.advance(seconds=60)
    assert [r.state for r in deliverer.deliver_due()] == ["sent", "sent"]


def test_a_rejected_event_stops_waits_for_a_human_and_keeps_order(
    store: Store, fake: FakePagerDuty, sleeps: list[float], db_path: Path
) -> None:
    inc = store.declare("Payments DB down", 1)
    paging.page(store, inc.id, ERIN, keys=keys_env())
    paging.acknowledge(store, inc.id, 1)
    fake.forced = ["400"]
    reports = drain(store, provider(fake, sleeps))
    assert [r.state for r in reports] == ["failed"]  # the acknowledge waits behind it
    repo = OutboxRepo(store.db)
    failed = repo.get(reports[0].message_id)
    assert "rejected (400" in (failed.last_error or "")
    assert KEY not in (failed.last_error or "") and "***" in (failed.last_error or "")
    assert repo.summary()["pending"] == 1
    repo.retry(failed.id, store.now())
    assert [r.state for r in drain(store, provider(fake, sleeps))] == ["sent", "sent"]
    assert [a for _, a in fake.accepted] == ["trigger", "acknowledge"]
    store.db.execute("PRAGMA wal_checkpoint(FULL)")
    for path in db_path.parent.glob(db_path.name + "*"):
        assert KEY.encode() not in path.read_bytes(), path


def test_no_routing_key_is_a_loud_failure_then_a_retry(
    store: Store, fake: FakePagerDuty, sleeps: list[float]
) -> None:
    inc = store.declare("Payments DB down", 1)
    paging.page(store, inc.id, ERIN, keys=keys_env())
    (report,) = drain(store, provider(fake, sleeps, env={}))
    assert report.state == "failed"
    assert "IRTUI_PAGERDUTY_ROUTING_KEY_PAYMENTS" in (report.error or "")
    assert fake.requests == []
    OutboxRepo(store.db).retry(report.message_id, store.now())
    assert [r.state for r in drain(store, provider(fake, sleeps))] == ["sent"]


def test_without_any_routing_the_page_is_recorded_not_queued(store: Store) -> None:
    inc = store.declare("Payments DB down", 1)
    direct = PageTarget("carol", "Carol Diaz", description="named directly")
    rec = paging.page(store, inc.id, direct, keys=RoutingKeys(env={}, use_keyring=False))
    assert rec.page.delivery == "none" and rec.message_ids == []
    rec = paging.page(
        store,
        inc.id,
        PageTarget("dana"),
        keys=RoutingKeys(env={"IRTUI_PAGERDUTY_ROUTING_KEY": KEY}, use_keyring=False),
    )
    assert rec.page.delivery == "pagerduty" and len(rec.message_ids) == 1


def test_the_page_and_its_trigger_commit_together(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    inc = store.declare("Payments DB down", 1)
    import irtui.sync.paging as module

    def broken(*args: Any, **kw: Any) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(module, "_enqueue", broken)
    with pytest.raises(RuntimeError):
        paging.page(store, inc.id, ERIN, keys=keys_env())
    assert paging.pages_of(store, inc.id) == []  # no page without its delivery
    assert OutboxRepo(store.db).messages() == []


def test_dedup_keys_differ_across_stores_with_the_same_incident_ids(
    tmp_path: Path, clock: ManualClock
) -> None:
    keys = set()
    for name in ("a.db", "b.db"):
        with Store.open(tmp_path / name, clock=clock, author="ic") as s:
            inc = s.declare("Same id", 1)
            keys.add(paging.page(s, inc.id, ERIN, keys=keys_env()).page.dedup_key)
    assert len(keys) == 2 and all(k.startswith("irtui/INC-1/page-1/") for k in keys)


def test_next_attempt_time_is_exact(store: Store, fake: FakePagerDuty, sleeps: list[float]) -> None:
    inc = store.declare("Payments DB down", 1)
    paging.page(store, inc.id, ERIN, keys=keys_env())
    fake.forced = ["connect"] * 3
    (report,) = drain(store, provider(fake, sleeps))
    msg = OutboxRepo(store.db).get(report.message_id)
    assert msg.state == "retrying" and msg.next_attempt_at == store.now() + timedelta(seconds=5)


def test_a_drill_never_pages_anyone(store: Store, fake: FakePagerDuty, sleeps: list[float]) -> None:
    """A drill's page is recorded and its clock runs, but its PagerDuty trigger goes to the
    drill sink: nobody is woken up by a rehearsal."""
    inc = store.declare("Tabletop: payments DB down", 1, drill=True)
    rec = paging.page(store, inc.id, ERIN, keys=keys_env())
    (msg,) = OutboxRepo(store.db).messages(incident_id=inc.id)
    assert msg.state == "drill" and rec.page.waiting
    assert drain(store, provider(fake, sleeps)) == [] and fake.requests == []
