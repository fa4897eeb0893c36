"""The outbox table: same-transaction enqueue, per-incident order, claims, leases, states."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from irtui.domain.model import DomainError
from irtui.domain.timeutil import ManualClock
from irtui.store.outbox_repo import OutboxRepo
from irtui.store.repo import Store
from irtui.sync.config import SyncConfig
from irtui.sync.publish import publish


def test_publish_writes_event_and_message_together(
    store: Store, incident: Any, cfg: SyncConfig
) -> None:
    done = publish(store, incident.id, "Investigating.", cfg)
    repo = OutboxRepo(store.db)
    msg = repo.get(done.message_id)
    assert (msg.state, msg.op, msg.event_id, msg.attempts) == (
        "pending",
        "create",
        done.event.id,
        0,
    )
    payload = store.event(done.event.id).payload
    assert {k: payload[k] for k in ("audience", "text", "publish", "delivery")} == {
        "audience": "statuspage",
        "text": "Investigating.",
        "publish": True,
        "delivery": "statuspage",  # it reaches customers through the outbox
    }
    assert repo.summary()["pending"] == 1
    second = publish(store, incident.id, "Still on it.", cfg)
    assert repo.get(second.message_id).op == "update"


def test_a_failed_enqueue_rolls_back_the_update(
    store: Store, incident: Any, cfg: SyncConfig
) -> None:
    before = store.change_marker()
    with pytest.raises(DomainError, match="impact"):
        publish(store, incident.id, "text", cfg, impact="apocalyptic")
    assert store.change_marker() == before
    assert OutboxRepo(store.db).messages() == []


def test_publish_needs_a_configured_page(store: Store, incident: Any) -> None:
    with pytest.raises(DomainError, match="not configured"):
        publish(store, incident.id, "text", SyncConfig())


def test_later_messages_never_overtake_earlier_ones(
    store: Store, clock: ManualClock, cfg: SyncConfig
) -> None:
    a = store.declare("A", 2, services=["api"])
    b = store.declare("B", 2, services=["api"])
    repo = OutboxRepo(store.db)
    ids = [
        publish(store, inc.id, f"{inc.id} #{i}", cfg).message_id for i in range(3) for inc in (a, b)
    ]
    first = repo.claim_next(store.now())
    assert first is not None and first.id == ids[0] and first.state == "sending"
    second = repo.claim_next(store.now())
    assert second is not None and second.incident_id == b.id  # A's #1 waits for A's #0
    assert repo.claim_next(store.now()) is None
    assert repo.mark_sent(second, "rb", store.now())
    third = repo.claim_next(store.now())
    assert third is not None and third.id == ids[3]  # B's next one
    assert repo.mark_sent(third, "rb", store.now())
    b_left = [m for m in repo.messages(incident_id=b.id) if m.state == "pending"]
    assert len(b_left) == 1
    repo.cancel(b_left[0].id, store.now())
    repo.mark_retrying(first, "boom", store.now() + timedelta(minutes=1), store.now())
    assert repo.claim_next(store.now()) is None  # still retrying: A stays blocked
    repo.mark_failed(
        repo.claim_next(store.now() + timedelta(minutes=2)) or first, "no", store.now()
    )
    assert repo.claim_next(store.now() + timedelta(minutes=2)) is None  # failed blocks too
    repo.cancel(first.id, store.now())
    nxt = repo.claim_next(store.now())
    assert nxt is not None and nxt.id == ids[2]


def test_lease_expiry_and_fencing(
    store: Store, incident: Any, cfg: SyncConfig, clock: ManualClock
) -> None:
    repo = OutboxRepo(store.db)
    publish(store, incident.id, "one", cfg)
    first = repo.claim_next(store.now(), lease_s=60)
    assert first is not None and repo.claim_next(store.now(), lease_s=60) is None
    clock.advance(minutes=2)  # the first worker vanished: its lease ran out
    second = repo.claim_next(store.now(), lease_s=60)
    assert second is not None and second.id == first.id and second.attempts == 2
    assert not repo.mark_sent(first, "stale", store.now())  # fenced out
    assert repo.mark_sent(second, "r1", store.now())
    assert repo.link(incident.id) == "r1"
    assert repo.get(first.id).remote_id == "r1"


def test_retry_cancel_and_wake(store: Store, incident: Any, cfg: SyncConfig) -> None:
    repo = OutboxRepo(store.db)
    mid = publish(store, incident.id, "one", cfg).message_id
    with pytest.raises(LookupError, match="it is pending"):
        repo.retry(mid, store.now())
    with pytest.raises(LookupError, match="no outbox message 999"):
        repo.retry(999, store.now())
    msg = repo.claim_next(store.now())
    assert msg is not None
    repo.mark_retrying(msg, "down", store.now() + timedelta(hours=1), store.now())
    assert repo.claim_next(store.now()) is None
    assert repo.wake(store.now()) == 1
    msg = repo.claim_next(store.now())
    assert msg is not None
    repo.mark_failed(msg, "401", store.now())
    assert repo.summary()["failed"] == 1
    assert repo.retry(mid, store.now()).state == "pending"
    assert repo.cancel(mid, store.now()).state == "cancelled"
    assert repo.summary() == {
        "pending": 0,
        "sending": 0,
        "retrying": 0,
        "failed": 0,
        "sent": 0,
        "cancelled": 1,
    }
