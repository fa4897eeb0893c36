"""The TUI's `OutboxWorker`: off without config/token, delivers in a thread, keeps the event
loop responsive while the network is slow, reports changes, stops promptly."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from irtui.store.outbox_repo import OutboxMessage, OutboxRepo
from irtui.store.repo import Store
from irtui.sync.background import OutboxWorker
from irtui.sync.config import SyncConfig
from irtui.sync.provider import STATUSPAGE
from irtui.sync.publish import publish


class SlowProvider:
    """Takes 0.2 s per delivery (a slow network), like a blocking httpx call would."""

    name = STATUSPAGE

    def __init__(self) -> None:
        self.delivered: list[str] = []

    def deliver(self, message: OutboxMessage, link: str | None) -> str:
        time.sleep(0.2)
        self.delivered.append(message.payload["body"])
        return link or "remote-1"

    def close(self) -> None:
        pass


def test_disabled_without_page_or_token(
    store: Store, cfg: SyncConfig, monkeypatch: pytest.MonkeyPatch
) -> None:
    worker = OutboxWorker(store)
    assert not worker.enabled and "not configured" in (worker.problem or "")
    assert worker.deliver_due() == []
    worker = OutboxWorker(store, config=cfg)
    assert not worker.enabled and "IRTUI_STATUSPAGE_TOKEN" in (worker.problem or "")
    monkeypatch.setenv("IRTUI_STATUSPAGE_TOKEN", "tok")
    assert OutboxWorker(store, config=cfg).enabled


async def test_run_forever_keeps_the_loop_responsive(
    store: Store, incident: Any, cfg: SyncConfig
) -> None:
    for n in range(5):
        publish(store, incident.id, f"update {n}", cfg)
    provider = SlowProvider()
    worker = OutboxWorker(store, provider=provider, poll_s=0.05)
    changes: list[dict[str, int]] = []
    task = asyncio.create_task(
        worker.run_forever(lambda: changes.append(OutboxRepo(store.db).summary()))
    )
    worst = 0.0
    started = time.monotonic()
    while len(provider.delivered) < 5 and time.monotonic() - started < 10:
        before = time.monotonic()
        await asyncio.sleep(0.01)
        worst = max(worst, time.monotonic() - before)
    worker.stop()
    await asyncio.wait_for(task, timeout=5)
    assert provider.delivered == [f"update {n}" for n in range(5)]
    assert changes and changes[-1]["sent"] == 5
    assert worst < 0.15, f"event loop blocked for {worst:.3f}s"


async def test_run_forever_returns_at_once_when_disabled(store: Store) -> None:
    worker = OutboxWorker(store)
    await asyncio.wait_for(worker.run_forever(lambda: None), timeout=1)
    assert not worker.enabled


def test_stop_interrupts_a_backoff_sleep_and_requeues(
    store: Store, incident: Any, cfg: SyncConfig, monkeypatch: Any
) -> None:
    from tests.sync.fake_statuspage import FakeStatuspage

    publish(store, incident.id, "one", cfg)
    fake = FakeStatuspage(page_id="page1", token="tok")
    fake.forced = ["503"] * 3
    worker = OutboxWorker(store, config=cfg, token="tok")
    from irtui.sync.statuspage import StatuspageV1

    worker._provider = StatuspageV1(cfg, "tok", transport=fake.transport(), sleep=worker._sleep)
    worker.stop()  # already stopping: the first backoff sleep raises Interrupted
    (report,) = worker.deliver_due() or [None]
    assert report is None  # a stopped worker claims nothing
    worker._stop.clear()

    def stop_soon(seconds: float) -> None:
        worker.stop()
        worker._stop.wait(seconds)
        from irtui.sync.provider import Interrupted

        raise Interrupted("stopping")

    worker._provider._sleep = stop_soon  # type: ignore[attr-defined]
    (report,) = worker.deliver_due()
    assert report.state == "interrupted"
    msg = OutboxRepo(store.db).get(report.message_id)
    assert msg.state == "retrying" and msg.next_attempt_at == store.now()
