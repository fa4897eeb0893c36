"""`OutboxWorker`: delivers queued status-page messages in the background.

The TUI starts `run_forever` with `app.run_worker(...)`; `irtui sync` calls `deliver_due`.
HTTP and SQLite are both blocking, so each round runs in a thread (`asyncio.to_thread`) and the
event loop only awaits it: the app stays responsive however slow or broken the network is.
`on_change` is called on the event loop after a round that changed any message, so the caller
may touch widgets directly.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

from irtui.store.outbox_repo import DEFAULT_LEASE_S, OutboxRepo
from irtui.sync.config import SyncConfig, SyncConfigError, load_config, load_token
from irtui.sync.outbox import Deliverer, DeliveryReport, default_backoff
from irtui.sync.provider import Interrupted, Provider

POLL_S = 2.0


class OutboxWorker:
    """One delivery loop over one store. `enabled` is False when the status page is not
    configured or no token is available: then nothing is sent and messages just wait."""

    def __init__(
        self,
        store: Any,
        *,
        config: SyncConfig | None = None,
        token: str | None = None,
        provider: Provider | None = None,
        poll_s: float | None = None,
        lease_s: float = DEFAULT_LEASE_S,
        backoff: Callable[[int, float | None], float] = default_backoff,
    ) -> None:
        self.store = store
        self.problem: str | None = None
        """Why the worker is disabled (shown in the status bar), or None."""
        if config is None and provider is None:
            try:
                config = load_config()
            except SyncConfigError as exc:
                self.problem = str(exc)
                config = SyncConfig()
        self.config = config or SyncConfig()
        self._token = (
            token
            if token is not None
            else (None if provider else load_token(page_id=self.config.page_id))
        )
        self._provider = provider
        self.poll_s = POLL_S if poll_s is None else poll_s
        self.lease_s = lease_s
        self.backoff = backoff
        self._stop = threading.Event()
        self._deliverer: Deliverer | None = None
        if provider is None and self.problem is None:
            if not self.config.configured:
                self.problem = "status page not configured (statuspage.yaml)"
            elif not self._token:
                self.problem = "no status-page token (IRTUI_STATUSPAGE_TOKEN)"

    @property
    def enabled(self) -> bool:
        return self._provider is not None or self.problem is None

    @property
    def repo(self) -> OutboxRepo:
        return OutboxRepo(self.store.db)

    def provider(self) -> Provider:
        if self._provider is None:
            from irtui.sync.statuspage import StatuspageV1

            assert self._token
            self._provider = StatuspageV1(self.config, self._token, sleep=self._sleep)
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
