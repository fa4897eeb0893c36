"""PagerDuty Events API v2 over httpx: trigger, acknowledge and resolve pages from the outbox.

Unlike Statuspage, the Events API has an idempotency key: `dedup_key`. Re-sending a trigger
with the same key does not open a second PagerDuty incident, so every transient failure —
connection refused, timeout before or after the request was sent, 5xx, 429, a 202 whose body
was lost — is simply retried: no reconcile step is needed, and none can double a page. Order
per incident is the outbox's (a page's acknowledge can never overtake its trigger).

Answers (the spec, `../shared/specs/pagerduty-events-v2.json`): 202 accepted; 400 the event is
invalid (a human must act: `irtui sync --retry ID` after fixing it); 429 rate limited (retry
after a while; the whole key waits); 5xx and network errors retry with backoff. A missing
routing key is permanent too: the page is marked failed and shown loudly, never dropped.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception_type

from irtui.store.outbox_repo import OutboxMessage
from irtui.sync.pagerduty_events import request_body
from irtui.sync.pagerduty_keys import RoutingKeys, base_url
from irtui.sync.provider import PermanentError, TransientError
from irtui.sync.statuspage import parse_retry_after

NAME = "pagerduty"
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)


class PagerDutyEventsV2:
    """The PagerDuty provider for the outbox (sync httpx; the TUI runs it in a thread)."""

    name = NAME

    def __init__(
        self,
        keys: RoutingKeys | None = None,
        *,
        url: str | None = None,
        client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], Any] = time.sleep,
        attempts: int = 3,
        backoff_s: float = 1.0,
        max_inline_wait_s: float = 10.0,
        timeout_s: float = 10.0,
    ) -> None:
        self.keys = keys or RoutingKeys()
        self.url = (url or base_url()).rstrip("/")
        self._client = client or httpx.Client(
            transport=transport,
            timeout=httpx.Timeout(timeout_s, connect=min(timeout_s, 5.0)),
            headers={"Accept": "application/json", "User-Agent": "irtui-pagerduty/1"},
        )
        self._owns_client = client is None
        self._sleep = sleep
        self.attempts = attempts
        self.backoff_s = backoff_s
        self.max_inline_wait_s = max_inline_wait_s
        self.requests = 0

    def close(self) -> None:
        if self._owns_client:
            self._client.close()

    def deliver(self, message: OutboxMessage, link: str | None) -> str:
        """Send one stored event; returns its dedup_key (the outbox's remote id)."""
        stored = message.payload
        routing = stored.get("routing")
        key = self.keys.key_for(routing)
        if not key:
            raise PermanentError(
                f"no PagerDuty routing key for {routing or 'default'!r}: set "
                f"{self.keys.where(routing)}, then `irtui sync --retry {message.id}`"
            )
        body = request_body(stored, key)

        def send() -> str:
            return self._post(body, key)

        return self._with_retries(send)

    def _post(self, body: dict[str, Any], key: str) -> str:
        self.requests += 1
        what = f"PagerDuty {body['event_action']} {body['dedup_key']}"
        try:
            resp = self._client.post(f"{self.url}/enqueue", json=body)
        except _NOT_SENT as exc:
            raise TransientError(f"{what}: cannot connect ({type(exc).__name__})") from None
        except httpx.TimeoutException as exc:
            raise TransientError(
                f"{what}: no answer in time ({type(exc).__name__})", ambiguous=True
            ) from None
        except httpx.HTTPError as exc:
            raise TransientError(
                f"{what}: connection broke ({type(exc).__name__})", ambiguous=True
            ) from None
        code = resp.status_code
        detail = self.keys.redact(_error_text(resp), key)
        if 200 <= code < 300:
            # Accepted. The answer's body does not matter (it may be lost or unreadable): the
            # dedup_key is ours, chosen when the page was recorded.
            return str(body["dedup_key"])
        if code == 429:
            raise TransientError(
                f"{what}: rate limited (429)",
                retry_after=parse_retry_after(resp.headers.get("Retry-After")),
                rate_limited=True,
            )
        if code == 400:
            raise PermanentError(
                f"{what}: rejected (400{detail}); fix the event or the routing key, then "
                "`irtui sync --retry ID`"
            )
        if code in (401, 403, 404):
            raise PermanentError(f"{what}: refused ({code}{detail}); check the routing key")
        if code == 408 or code >= 500:
            raise TransientError(
                f"{what}: server error ({code}{detail})",
                retry_after=parse_retry_after(resp.headers.get("Retry-After")),
                ambiguous=code != 408,
            )
        raise PermanentError(f"{what}: unexpected answer ({code}{detail})")

    def _with_retries(self, fn: Callable[[], Any]) -> Any:
        def wait(state: RetryCallState) -> float:
            return self.backoff_for(state.attempt_number, _retry_after(state))

        def stop(state: RetryCallState) -> bool:
            if state.attempt_number >= self.attempts:
                return True
            return (
                self.backoff_for(state.attempt_number, _retry_after(state)) > self.max_inline_wait_s
            )

        return Retrying(
            retry=retry_if_exception_type(TransientError),
            wait=wait,
            stop=stop,
            sleep=self._sleep,
            reraise=True,
        )(fn)

    def backoff_for(self, attempt: int, retry_after: float | None) -> float:
        return max(self.backoff_s * (2 ** max(0, attempt - 1)), retry_after or 0.0)


def _retry_after(state: RetryCallState) -> float | None:
    exc = state.outcome.exception() if state.outcome is not None else None
    return getattr(exc, "retry_after", None)


def _error_text(resp: httpx.Response) -> str:
    """`: <message> (<errors>)` from PagerDuty's error body, one short line; '' if none."""
    try:
        data = resp.json()
    except ValueError:
        return ""
    if not isinstance(data, dict):
        return ""
    parts = [str(data.get("message") or data.get("status") or "")]
    errors = data.get("errors")
    if isinstance(errors, list) and errors:
        parts.append("; ".join(str(e) for e in errors[:5]))
    text = " ".join(" — ".join(p for p in parts if p).split())
    return f": {text[:300]}" if text else ""
