"""`DeliveryLoop`: one provider's delivery loop over one store's outbox, shared by every
channel (the status page's `OutboxWorker`, PagerDuty's `PagingWorker`, and the chat and email
channels to come).

HTTP and SQLite are both blocking, so each round runs in a thread (`asyncio.to_thread`) and the
event loop only awaits it. A subclass says how to build its provider (`make_provider`) and,
through `enabled`, whether it may send at all.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

from irtui.store.outbox_repo import DEFAULT_LEASE_S
from irtui.sync.outbox import Deliverer, DeliveryReport, default_backoff
from irtui.sync.provider import Interrupted, Provider


class DeliveryLoop:
    enabled: bool = True
    problem: str | None = None
    """Why the loop is disabled (shown in the status bar), or None."""

    def __init__(
        self,
        store: Any,
        *,
        provider: Provider | None,
        poll_s: float,
        lease_s: float = DEFAULT_LEASE_S,
        backoff: Callable[[int, float | None], float] = default_backoff,
    ) -> None:
        self.store = store
        self._provider = provider
        self.poll_s = poll_s
        self.lease_s = lease_s
        self.backoff = backoff
        self._stop = threading.Event()
        self._deliverer: Deliverer | None = None

    def make_provider(self) -> Provider:  # pragma: no cover - each channel says how
        raise NotImplementedError

    @property
    def repo(self) -> Any:
        from irtui.store.outbox_repo import OutboxRepo

        return OutboxRepo(self.store.db)

    def provider(self) -> Provider:
        if self._provider is None:
            self._provider = self.make_provider()
        return self._provider

    def _sleep(self, seconds: float) -> None:
        """Interruptible sleep for the provider's backoff: `stop()` ends it at once."""
        if self._stop.wait(seconds):
            raise Interrupted("stopping")

    def deliver_due(self, *, limit: int | None = None) -> list[DeliveryReport]:
        """Deliver every message due now (blocking). Empty when disabled."""
        if not self.enabled:
            return []
        if self._deliverer is None:  # kept across rounds: it remembers a rate-limit pause
            self._deliverer = Deliverer(
                self.repo,
                self.provider(),
                self.store.now,
                lease_s=self.lease_s,
                backoff=self.backoff,
            )
        return self._deliverer.deliver_due(limit=limit, should_stop=self._stop.is_set)

    def stop(self) -> None:
        self._stop.set()

    def close(self) -> None:
        self.stop()
        if self._provider is not None:
            self._provider.close()

    async def run_forever(self, on_change: Callable[[], None]) -> None:
        """Deliver, wait `poll_s`, repeat, until cancelled (or `stop()`)."""
        if not self.enabled:
            return
        try:
            while not self._stop.is_set():
                reports = await asyncio.to_thread(self.deliver_due)
                if reports:
                    on_change()
                await asyncio.sleep(self.poll_s)
        finally:
            self.stop()
