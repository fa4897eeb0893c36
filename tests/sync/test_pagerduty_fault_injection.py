"""Over 1,000 injected faults: zero pages lost, zero duplicate PagerDuty incidents, order kept.

Two delivery workers (separate connections, as two seats would be) race a paging IC on one
store; the fake Events API fails about 65 % of requests with every kind of fault — connection
refused, timeouts before and after the event was processed, 5xx, 429, 400, a lost or unreadable
answer after a 202. A third thread is the human who re-queues what a 400 marked failed
(`irtui sync --retry`). Backoff is zero and sleeps are no-ops, so it runs in seconds.
"""

from __future__ import annotations

import threading
import time

import pytest

from irtui.domain.paging import PageTarget
from irtui.store.outbox_repo import OutboxRepo
from irtui.store.repo import Store
from irtui.sync import paging
from irtui.sync.outbox import Deliverer
from irtui.sync.pagerduty import PagerDutyEventsV2
from irtui.sync.pagerduty_keys import RoutingKeys, env_name
from tests.sync.fake_pagerduty import ALL_FAULTS, FakePagerDuty

KEY = "R0UT1NGK3Y0000000000000000000001"
KEYS = RoutingKeys(env={env_name("payments"): KEY}, use_keyring=False)
INCIDENTS = 10
ROUNDS = 24


@pytest.mark.slow
def test_a_thousand_faults_lose_and_double_no_page(store_url: str) -> None:
    """On SQLite and on PostgreSQL (`store_url` runs both)."""
    fake = FakePagerDuty({KEY}, fault_rate=0.65, seed=20261122)
    with Store.open(store_url, author="ic") as ic:
        incs = [ic.declare(f"Incident {i}", 1 + i % 3) for i in range(INCIDENTS)]
    done = threading.Event()
    errors: list[BaseException] = []

    def target(n: int) -> PageTarget:
        return PageTarget(f"person{n}", f"Person {n}", description="named", routing="payments")

    def ic_seat() -> None:
        try:
            with Store.open(store_url, author="ic") as store:
                for n in range(ROUNDS):
                    for inc in incs:
                        paging.page(store, inc.id, target(n), reason=f"round {n}", keys=KEYS)
                        store.author = f"person{n}"
                        paging.acknowledge(store, inc.id, n + 1)
                        store.author = "ic"
                for inc in incs:
                    paging.resolve_pages(store, inc.id)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            done.set()

    def settled(store: Store) -> bool:
        left = OutboxRepo(store.db).summary()
        return (
            done.is_set()
            and sum(left[s] for s in ("pending", "sending", "retrying", "failed")) == 0
        )

    def worker() -> None:
        try:
            with Store.open(store_url, author="worker") as store:
                provider = PagerDutyEventsV2(
                    KEYS, url="http://pd.test/v2", transport=fake.transport(), sleep=lambda s: None
                )
                deliverer = Deliverer(
                    OutboxRepo(store.db), provider, store.now, backoff=lambda a, r: 0.0
                )
                deadline = time.monotonic() + 180
                while time.monotonic() < deadline and not settled(store):
                    deliverer.paused_until = None  # zero backoff: do not wait out a 429 either
                    if not deliverer.deliver_due():
                        time.sleep(0.001)
        except BaseException as exc:  # pragma: no cover
            errors.append(exc)

    def human() -> None:
        try:
            with Store.open(store_url, author="human") as store:
                repo = OutboxRepo(store.db)
                deadline = time.monotonic() + 180
                while time.monotonic() < deadline and not settled(store):
                    for msg in repo.messages(states=("failed",)):
                        repo.retry(msg.id, store.now())
                    time.sleep(0.005)
        except BaseException as exc:  # pragma: no cover
            errors.append(exc)

    threads = [threading.Thread(target=ic_seat), threading.Thread(target=human)]
    threads += [threading.Thread(target=worker) for _ in range(2)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    assert not errors, errors

    with Store.open(store_url) as store:
        repo = OutboxRepo(store.db)
        summary = repo.summary()
        expected_messages = INCIDENTS * ROUNDS * 3  # trigger, acknowledge, resolve per page
        assert summary["sent"] == expected_messages, summary
        for inc in incs:
            pages = paging.pages_of(store, inc.id)
            assert len(pages) == ROUNDS and {p.state for p in pages} == {"resolved"}
            for page in pages:
                assert fake.incidents_opened[page.dedup_key] == 1, "duplicate PagerDuty incident"
                assert fake.alerts[page.dedup_key]["status"] == "resolved", "a page was lost"
            queued = [
                (m.payload["dedup_key"], m.op)
                for m in repo.messages(incident_id=inc.id)
                if m.provider == "pagerduty"
            ]
            seen: list[tuple[str, str]] = []
            for pair in fake.actions_of(f"irtui/{inc.id}/"):
                if pair not in seen:
                    seen.append(pair)
            assert seen == queued, f"order of {inc.id} not kept"
    injected = sum(fake.injected.values())
    assert injected >= 1000, fake.injected
    assert set(fake.injected) == set(ALL_FAULTS)
    print(
        f"\n{injected} faults injected ({dict(fake.injected)}), {len(fake.requests)} requests, "
        f"{expected_messages} events for {INCIDENTS * ROUNDS} pages in {elapsed:.1f}s"
    )
