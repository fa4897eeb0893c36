"""`OutboxWorker`: delivers queued status-page messages in the background.

The TUI starts `run_forever` with `app.run_worker(...)`; `irtui sync` calls `deliver_due`.
HTTP and SQLite are both blocking, so each round runs in a thread (`asyncio.to_thread`) and the
event loop only awaits it: the app stays responsive however slow or broken the network is.
`on_change` is called on the event loop after a round that changed any message, so the caller
may touch widgets directly.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from irtui.store.outbox_repo import DEFAULT_LEASE_S
from irtui.sync.config import SyncConfig, SyncConfigError, load_config, load_token
from irtui.sync.delivery_loop import DeliveryLoop
from irtui.sync.outbox import default_backoff
from irtui.sync.provider import Provider

POLL_S = 2.0


class OutboxWorker(DeliveryLoop):
    """The status page's delivery loop. `enabled` is False when the status page is not
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
        super().__init__(
            store,
            provider=provider,
            poll_s=POLL_S if poll_s is None else poll_s,
            lease_s=lease_s,
            backoff=backoff,
        )
        self.problem: str | None = None
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
        if provider is None and self.problem is None:
            if not self.config.configured:
                self.problem = "status page not configured (statuspage.yaml)"
            elif not self._token:
                self.problem = "no status-page token (IRTUI_STATUSPAGE_TOKEN)"

    @property
    def enabled(self) -> bool:  # type: ignore[override]
        return self._provider is not None or self.problem is None

    def make_provider(self) -> Provider:
        from irtui.sync.statuspage import StatuspageV1

        assert self._token
        return StatuspageV1(self.config, self._token, sleep=self._sleep)
