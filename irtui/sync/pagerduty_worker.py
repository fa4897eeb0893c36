"""`PagingWorker`: delivers queued PagerDuty events in the background (the TUI) or on demand
(`irtui sync`), like `background.OutboxWorker` does for the status page.

It needs no configuration to run: routing keys are looked up per message, so the worker is
always on; with nothing queued a round is one indexed query. A message whose key is missing
fails loudly (its page shows "NOT DELIVERED" on the incident screen) and waits for a human.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

from irtui.store.outbox_repo import DEFAULT_LEASE_S, OutboxRepo
from irtui.sync.outbox import Deliverer, DeliveryReport, default_backoff
from irtui.sync.pagerduty_keys import RoutingKeys
from irtui.sync.provider import Interrupted, Provider

POLL_S = 2.0


class PagingWorker:
    def __init__(
        self,
        store: Any,
        *,
        keys: RoutingKeys | None = None,
        provider: Provider | None = None,
        poll_s: float | None = None,
        lease_s: float = DEFAULT_LEASE_S,
        backoff: Callable[[int, float | None], float] = default_backoff,
    ) -> None:
        self.store = store
        self.keys = keys
        self._provider = provider
        self.poll_s = POLL_S if poll_s is None else poll_s
        self.lease_s = lease_s
        self.backoff = backoff
        self._stop = threading.Event()
        self._deliverer: Deliverer | None = None

    enabled = True
    problem: str | None = None

    def provider(self) -> Provider:
        if self._provider is None:
            from irtui.sync.pagerduty import PagerDutyEventsV2

            self._provider = PagerDutyEventsV2(self.keys or routing_keys(), sleep=self._sleep)
        return self._provider

    def _sleep(self, seconds: float) -> None:
        if self._stop.wait(seconds):
            raise Interrupted("stopping")

    def pending(self) -> int:
        repo = OutboxRepo(self.store.db)
        return len(
            [
                m
                for m in repo.messages(states=("pending", "sending", "retrying"))
                if m.provider == "pagerduty"
            ]
        )

    def deliver_due(self, *, limit: int | None = None) -> list[DeliveryReport]:
        if self._deliverer is None:
            self._deliverer = Deliverer(
                OutboxRepo(self.store.db),
                self.provider(),
                self.store.now,
                lease_s=self.lease_s,
                backoff=self.backoff,
            )
        return self._deliverer.deliver_due(limit=limit, should_stop=self._stop.is_set)

    def wake(self) -> int:
        return OutboxRepo(self.store.db).wake(self.store.now(), provider="pagerduty")

    def stop(self) -> None:
        self._stop.set()

    def close(self) -> None:
        self.stop()
        if self._provider is not None:
            self._provider.close()

    async def run_forever(self, on_change: Callable[[], None]) -> None:
        try:
            while not self._stop.is_set():
                reports = await asyncio.to_thread(self.deliver_due)
                if reports:
                    on_change()
                await asyncio.sleep(self.poll_s)
        finally:
            self.stop()


def routing_keys(catalog: Any = None) -> RoutingKeys:
    """Environment and keyring keys, and the Backstage integration keys of `catalog` (or of
    the configured catalog, read only when a routing name has no key of its own)."""
    if catalog is not None:
        from irtui.sync.pagerduty_keys import catalog_lookup

        return RoutingKeys(backstage=catalog_lookup(catalog))
    return RoutingKeys(backstage=_catalog_keys())


def _catalog_keys() -> Callable[[str], str | None]:
    """Backstage integration keys of the configured catalog, read lazily and only when a
    routing name has no key of its own (a broken catalog just means no such key)."""
    state: dict[str, Any] = {}

    def lookup(name: str) -> str | None:
        if "fn" not in state:
            try:
                from irtui.catalog.load import load_catalog
                from irtui.sync.pagerduty_keys import catalog_lookup

                state["fn"] = catalog_lookup(load_catalog())
            except Exception:
                state["fn"] = lambda _name: None
        return state["fn"](name)

    return lookup
