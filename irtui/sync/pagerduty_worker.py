"""`PagingWorker`: delivers queued PagerDuty events in the background (the TUI) or on demand
(`irtui sync`), like `background.OutboxWorker` does for the status page.

It needs no configuration to run: routing keys are looked up per message, so the worker is
always on; with nothing queued a round is one indexed query. A message whose key is missing
fails loudly (its page shows "NOT DELIVERED" on the incident screen) and waits for a human.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from irtui.store.outbox_repo import DEFAULT_LEASE_S
from irtui.sync.delivery_loop import DeliveryLoop
from irtui.sync.outbox import default_backoff
from irtui.sync.pagerduty_keys import RoutingKeys
from irtui.sync.provider import Provider

POLL_S = 2.0


class PagingWorker(DeliveryLoop):
    """PagerDuty's delivery loop: always enabled (routing keys are looked up per message)."""

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
        super().__init__(
            store,
            provider=provider,
            poll_s=POLL_S if poll_s is None else poll_s,
            lease_s=lease_s,
            backoff=backoff,
        )
        self.keys = keys

    def make_provider(self) -> Provider:
        from irtui.sync.pagerduty import PagerDutyEventsV2

        return PagerDutyEventsV2(self.keys or routing_keys(), sleep=self._sleep)

    def pending(self) -> int:
        return len(
            [
                m
                for m in self.repo.messages(states=("pending", "sending", "retrying"))
                if m.provider == "pagerduty"
            ]
        )

    def wake(self) -> int:
        return self.repo.wake(self.store.now(), provider="pagerduty")


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
