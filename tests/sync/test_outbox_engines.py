"""The outbox SQL on both engines: real SQLite and real PostgreSQL (CI always has both)."""

from __future__ import annotations

import threading

from irtui.domain.timeutil import ManualClock
from irtui.store.outbox_repo import OutboxRepo
from irtui.store.repo import Store
from irtui.sync.config import SyncConfig
from irtui.sync.publish import publish


def test_outbox_lifecycle_on_each_engine(any_store: Store, cfg: SyncConfig) -> None:
    inc = any_store.declare("Checkout down", 1, services=["checkout"])
    repo = OutboxRepo(any_store.db)
    first = publish(any_store, inc.id, "one", cfg).message_id
    second = publish(any_store, inc.id, "two", cfg).message_id
    assert second > first
    msg = repo.claim_next(any_store.now())
    assert msg is not None and msg.id == first and msg.attempts == 1
    assert repo.claim_next(any_store.now()) is None  # "two" waits for "one"
    assert repo.mark_sent(msg, "remote-1", any_store.now())
    assert not repo.mark_sent(msg, "remote-1", any_store.now())  # a second result is fenced
    msg = repo.claim_next(any_store.now())
    assert msg is not None and msg.id == second
    assert repo.mark_sent(msg, "remote-1", any_store.now())
    assert repo.link(inc.id) == "remote-1"
    assert repo.summary()["sent"] == 2


def test_two_seats_claim_each_message_once(
    store_url: str, cfg: SyncConfig, clock: ManualClock
) -> None:
    with (
        Store.open(store_url, clock=clock, author="a") as s1,
        Store.open(store_url, clock=clock, author="b") as s2,
    ):
        for i in range(15):
            inc = s1.declare(f"I{i}", 3, services=["api"])
            publish(s1, inc.id, "hello", cfg)
        claimed: list[int] = []
        lock = threading.Lock()

        def grab(store: Store) -> None:
            repo = OutboxRepo(store.db)
            while (msg := repo.claim_next(store.now())) is not None:
                with lock:
                    claimed.append(msg.id)

        threads = [threading.Thread(target=grab, args=(s,)) for s in (s1, s2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(claimed) == list(range(1, 16))
