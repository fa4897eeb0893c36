"""Over 1,000 injected faults: zero updates lost, zero duplicate remote incidents, order kept.

Two delivery workers (separate connections to one SQLite file, as two seats would be) race a
publisher; the fake Statuspage fails about 65 % of requests with every kind of fault, before
or after doing the work. Backoff is zero and sleeps are no-ops, so it runs in seconds.
"""

from __future__ import annotations

import threading
import time

import pytest

from irtui.store.outbox_repo import OutboxRepo
from irtui.store.repo import Store
from irtui.sync.config import SyncConfig
from irtui.sync.outbox import Deliverer
from irtui.sync.publish import publish
from irtui.sync.statuspage import StatuspageV1
from tests.sync.conftest import TOKEN
from tests.sync.fake_statuspage import ALL_FAULTS, FakeStatuspage

INCIDENTS = 10
UPDATES = 50


@pytest.mark.slow
def test_a_thousand_faults_lose_and_duplicate_nothing(store_url: str, cfg: SyncConfig) -> None:
    """On SQLite and on PostgreSQL (`store_url` runs both)."""
    fake = FakeStatuspage(page_id="page1", token=TOKEN, fault_rate=0.65, seed=20261122)
    with Store.open(store_url, author="comms") as pub:
        incs = [
            pub.declare(f"Incident {i}", 1 + i % 3, services=["checkout", "api"])
            for i in range(INCIDENTS)
        ]
    expected = {inc.id: [f"{inc.id} update {n}" for n in range(UPDATES)] for inc in incs}
    publishing_done = threading.Event()
    errors: list[BaseException] = []

    def publisher() -> None:
        try:
            with Store.open(store_url, author="comms") as store:
                for n in range(UPDATES):
                    for inc in incs:
                        status = "resolved" if n == UPDATES - 1 else None
                        publish(store, inc.id, expected[inc.id][n], cfg, status=status)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            publishing_done.set()

    def worker() -> None:
        try:
            with Store.open(store_url, author="worker") as store:
                provider = StatuspageV1(
                    cfg, TOKEN, transport=fake.transport(), sleep=lambda s: None
                )
                deliverer = Deliverer(
                    OutboxRepo(store.db), provider, store.now, backoff=lambda a, r: 0.0
                )
                deadline = time.monotonic() + 120
                while time.monotonic() < deadline:
                    reports = deliverer.deliver_due()
                    left = OutboxRepo(store.db).summary()
                    if (
                        publishing_done.is_set()
                        and left["pending"] + left["retrying"] + left["sending"] == 0
                    ):
                        return
                    if not reports:
                        time.sleep(0.001)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=publisher)] + [
        threading.Thread(target=worker) for _ in range(2)
    ]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    assert not errors, errors

    with Store.open(store_url) as store:
        summary = OutboxRepo(store.db).summary()
    assert summary["sent"] == INCIDENTS * UPDATES and summary["failed"] == 0, summary
    remote = fake.by_local_id()
    for inc in incs:
        assert len(remote[inc.id]) == 1, f"duplicate remote incidents for {inc.id}"
        assert fake.bodies(inc.id) == expected[inc.id], f"lost/reordered updates of {inc.id}"
        assert remote[inc.id][0]["status"] == "resolved"
    injected = sum(fake.injected.values())
    assert injected >= 1000, fake.injected
    assert set(fake.injected) == set(ALL_FAULTS)
    print(
        f"\n{injected} faults injected ({dict(fake.injected)}), "
        f"{len(fake.requests)} requests, {INCIDENTS * UPDATES} updates in {elapsed:.1f}s"
    )
