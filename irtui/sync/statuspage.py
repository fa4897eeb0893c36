"""Atlassian Statuspage manage API v1 over httpx: create, update and reconcile incidents.

The API has no idempotency keys, so a create whose answer was lost (timeout after sending, 5xx,
a 201 with a body we cannot read) may or may not exist remotely. Every remote incident irtui
creates carries `metadata.irtui = {incident_id, outbox_id}`, and *before every create* the
provider looks the page's unresolved incidents up (one GET) and adopts a match instead of
POSTing again. That single rule also covers a worker killed mid-request and a human re-queueing
a failed create: no path can post a second incident for the same local one.

Retries inside one delivery use tenacity (exponential backoff, at least the server's
`Retry-After`); a wait longer than `max_inline_wait_s` is not slept here but handed back to the
outbox as the next attempt time. Requests are paced to the API's one request per second.
"""

from __future__ import annotations

import email.utils
import json
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception_type

from irtui.boundary.secrets import redact, shorten
from irtui.boundary.text_out import for_customers, for_terminal
from irtui.store.outbox_repo import OutboxMessage
from irtui.sync.config import SyncConfig
from irtui.sync.provider import STATUSPAGE, PermanentError, TransientError

NAME = STATUSPAGE
_NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)
"""Failures where the request never left: safe to re-send anything."""


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """`Retry-After` as seconds: delta-seconds or an HTTP date; None when absent/garbled."""
    if not value:
        return None
    text = value.strip()
    try:
        return max(0.0, float(text))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class StatuspageV1:
    """The Statuspage v1 provider (sync httpx client; the TUI runs it in a worker thread)."""

    name = NAME

    def __init__(
        self,
        cfg: SyncConfig,
        token: str,
        *,
        client: httpx.Client | None = None,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], Any] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
        attempts: int = 3,
        backoff_s: float = 1.0,
        max_inline_wait_s: float = 10.0,
    ) -> None:
        if not cfg.page_id:
            raise PermanentError(
                "no Statuspage page_id configured (statuspage.yaml or IRTUI_STATUSPAGE_PAGE_ID)"
            )
        if not token:
            raise PermanentError("no Statuspage API token (set IRTUI_STATUSPAGE_TOKEN)")
        self.cfg = cfg
        self._token = token
        self._client = client or httpx.Client(
            base_url=cfg.base_url,
            transport=transport,
            timeout=httpx.Timeout(cfg.timeout_s, connect=min(cfg.timeout_s, 5.0)),
            headers={"Accept": "application/json", "User-Agent": "irtui-statuspage/1"},
        )
        self._owns_client = client is None
        self._sleep = sleep
        self._monotonic = monotonic
        self._last_request = -1e9
        self.attempts = attempts
        self.backoff_s = backoff_s
        self.max_inline_wait_s = max_inline_wait_s
        self.requests = 0
        """How many HTTP requests were made (benchmarks and tests read it)."""

    def close(self) -> None:
        if self._owns_client:
            self._client.close()

    # --- the one public operation ------------------------------------------------------
    def deliver(self, message: OutboxMessage, link: str | None) -> str:
        if link:
            # An earlier attempt of this message may have landed (answer lost): look first,
            # so customers never read the same update twice.
            state = {"check": message.attempts > 1}

            def update() -> None:
                if state["check"] and self.has_update(link, message.payload):
                    return
                try:
                    self._patch(link, message.payload)
                except TransientError as exc:
                    state["check"] = state["check"] or exc.ambiguous
                    raise

            self._with_retries(update)
            return link
        return self._with_retries(lambda: self._create_once(message))

    def has_update(self, remote_id: str, p: dict[str, Any]) -> bool:
        """Whether the remote incident's latest update already says exactly this."""
        data = self._request("GET", self._path(f"/{remote_id}"), None)
        updates = data.get("incident_updates") if isinstance(data, dict) else None
        if not isinstance(updates, list) or not updates:
            return False
        latest = max(
            (u for u in updates if isinstance(u, dict)),
            key=lambda u: str(u.get("created_at") or ""),
            default=None,
        )
        return (
            bool(latest)
            and latest.get("body") == for_customers(p["body"])
            and latest.get("status") == p["status"]
        )

    def _create_once(self, message: OutboxMessage) -> str:
        found = self.find_remote(message)
        if found is not None:
            remote_id, same_message = found
            # Created by an earlier message: this one is an update (unless it already landed).
            if not same_message and not self.has_update(remote_id, message.payload):
                self._patch(remote_id, message.payload)
            return remote_id
        return self._post(message)

    # --- requests ------------------------------------------------------------------------
    def _path(self, suffix: str = "") -> str:
        return f"/pages/{self.cfg.page_id}/incidents{suffix}"

    def _post(self, message: OutboxMessage) -> str:
        p = message.payload
        incident: dict[str, Any] = {
            "name": for_customers(p["name"]),
            "status": p["status"],
            "body": for_customers(p["body"]),
            "impact_override": p["impact"],
            "deliver_notifications": bool(p["notify"]),
            "metadata": {
                "irtui": {"incident_id": message.incident_id, "outbox_id": str(message.id)}
            },
        }
        if p["components"]:
            incident["component_ids"] = list(p["components"])
            incident["components"] = dict(p["components"])
        data = self._request("POST", self._path(), {"incident": incident}, mutates=True)
        remote_id = data.get("id") if isinstance(data, dict) else None
        if not isinstance(remote_id, str) or not remote_id:
            # Created (2xx) but we cannot tell which incident: reconcile on the next try.
            raise TransientError(
                "POST incidents: 2xx answer without an incident id", ambiguous=True
            )
        return remote_id

    def _patch(self, remote_id: str, p: dict[str, Any]) -> None:
        incident: dict[str, Any] = {
            "status": p["status"],
            "body": for_customers(p["body"]),
            "impact_override": p["impact"],
            "deliver_notifications": bool(p["notify"]),
        }
        if p["components"]:
            incident["component_ids"] = list(p["components"])
            incident["components"] = dict(p["components"])
        self._request(
            "PATCH",
            self._path(f"/{remote_id}"),
            {"incident": incident},
            tolerate_bad_json=True,
            mutates=True,
        )

    def find_remote(self, message: OutboxMessage) -> tuple[str, bool] | None:
        """The remote incident already published for `message.incident_id`, if any:
        (remote id, whether this very message created it). Matches `metadata.irtui` first,
        then — for incidents created by hand or by a client that dropped metadata — a unique
        unresolved incident with exactly the same name and no irtui tag of another incident."""
        unresolved = _as_list(
            self._request("GET", self._path("/unresolved"), None, params={"per_page": 100})
        )
        tagged_only: list[dict[str, Any]] = []
        if message.payload.get("status") == "resolved":  # a resolved create is not unresolved
            tagged_only = _as_list(
                self._request(
                    "GET", self._path(), None, params={"q": message.payload["name"], "limit": 100}
                )
            )
        by_name: list[str] = []
        for inc, name_ok in [*((i, True) for i in unresolved), *((i, False) for i in tagged_only)]:
            tag = _irtui_tag(inc)
            rid = inc.get("id")
            if not isinstance(rid, str):
                continue
            if tag is not None:
                if tag.get("incident_id") == message.incident_id:
                    return rid, str(tag.get("outbox_id")) == str(message.id)
                continue
            # Untagged: only an *open* one with the very same name (an old resolved incident
            # that happens to share a title is never adopted).
            if name_ok and inc.get("name") == for_customers(str(message.payload.get("name"))):
                by_name.append(rid)
        if len(set(by_name)) == 1:
            return by_name[0], False
        return None

    def _pace(self) -> None:
        wait = self._last_request + self.cfg.min_interval_s - self._monotonic()
        if wait > 0:
            self._sleep(wait)
        self._last_request = self._monotonic()

    def _request(
        self,
        method: str,
        path: str,
        body: dict[str, Any] | None,
        *,
        params: dict[str, Any] | None = None,
        mutates: bool = False,
        # `mutates`: the request changes remote state, so a lost answer is ambiguous
        tolerate_bad_json: bool = False,
    ) -> Any:
        self._pace()
        self.requests += 1
        what = f"{method} {path}"
        try:
            resp = self._client.request(
                method,
                path,
                json=body,
                params=params,
                headers={"Authorization": f"OAuth {self._token}"},
            )
        except _NOT_SENT as exc:
            raise TransientError(
                self.redact(f"{what}: cannot connect ({type(exc).__name__})")
            ) from None
        except httpx.TimeoutException as exc:
            raise TransientError(
                self.redact(f"{what}: no answer in time ({type(exc).__name__})"), ambiguous=mutates
            ) from None
        except httpx.HTTPError as exc:
            raise TransientError(
                self.redact(f"{what}: connection broke ({type(exc).__name__})"), ambiguous=mutates
            ) from None
        return self._interpret(what, resp, mutates=mutates, tolerate_bad_json=tolerate_bad_json)

    def _interpret(
        self, what: str, resp: httpx.Response, *, mutates: bool, tolerate_bad_json: bool
    ) -> Any:
        code = resp.status_code
        if 200 <= code < 300:
            try:
                return resp.json()
            except ValueError:
                if tolerate_bad_json:
                    return None
                raise TransientError(
                    f"{what}: {code} with a body that is not JSON", ambiguous=mutates
                ) from None
        detail = self._detail(resp)
        if code in (420, 429):
            retry_after = parse_retry_after(resp.headers.get("Retry-After"))
            raise TransientError(
                f"{what}: rate limited ({code})", retry_after=retry_after, rate_limited=True
            )
        if code in (401, 403):
            raise PermanentError(
                f"{what}: Statuspage refused the API token ({code}{detail}); "
                "check IRTUI_STATUSPAGE_TOKEN, then `irtui sync --retry ID`"
            )
        if code == 404:
            raise PermanentError(
                f"{what}: not found (404{detail}); check page_id, or whether "
                "the status-page incident was deleted"
            )
        if code in (400, 422):
            raise PermanentError(
                f"{what}: rejected ({code}{detail}); fix statuspage.yaml or "
                "the text, then `irtui sync --retry ID`"
            )
        if code == 408 or code >= 500:
            retry_after = parse_retry_after(resp.headers.get("Retry-After"))
            raise TransientError(
                f"{what}: server error ({code}{detail})",
                retry_after=retry_after,
                ambiguous=mutates and code != 408,
            )
        raise PermanentError(f"{what}: unexpected answer ({code}{detail})")

    def redact(self, text: str) -> str:
        """`text` without the API token, also upper-cased or partly echoed (see
        `boundary.secrets`); the outbox stores only what went through here."""
        return redact(text, [self._token])

    def _detail(self, resp: httpx.Response) -> str:
        """`: <server's message>`, single-line, controls made visible, the token taken out
        *before* it is cut to 200 characters (cutting first could keep half a token)."""
        raw = _error_text(resp)
        if not raw:
            return ""
        return ": " + shorten(for_terminal(raw, single_line=True), 200, [self._token])

    # --- retries -------------------------------------------------------------------------
    def _with_retries(self, fn: Callable[[], Any]) -> Any:
        def wait(state: RetryCallState) -> float:
            return self.backoff_for(state.attempt_number, _retry_after(state))

        def stop(state: RetryCallState) -> bool:
            if state.attempt_number >= self.attempts:
                return True
            return (
                self.backoff_for(state.attempt_number, _retry_after(state)) > self.max_inline_wait_s
            )

        retrying = Retrying(
            retry=retry_if_exception_type(TransientError),
            wait=wait,
            stop=stop,
            sleep=self._sleep,
            reraise=True,
        )
        return retrying(fn)

    def backoff_for(self, attempt: int, retry_after: float | None) -> float:
        """Exponential backoff (1, 2, 4 ... s), never shorter than the server asked."""
        base = self.backoff_s * (2 ** max(0, attempt - 1))
        return max(base, retry_after or 0.0)


def _retry_after(state: RetryCallState) -> float | None:
    exc = state.outcome.exception() if state.outcome is not None else None
    return getattr(exc, "retry_after", None)


def _as_list(data: Any) -> list[dict[str, Any]]:
    if isinstance(data, list):
        return [d for d in data if isinstance(d, dict)]
    return []


def _irtui_tag(incident: dict[str, Any]) -> dict[str, Any] | None:
    meta = incident.get("metadata")
    if isinstance(meta, str):  # some clients see it serialised
        try:
            meta = json.loads(meta)
        except ValueError:
            return None
    if isinstance(meta, dict) and isinstance(meta.get("irtui"), dict):
        return meta["irtui"]
    return None


def _error_text(resp: httpx.Response) -> str:
    """The message of the API's error body on one line, in full ('' if none): redacting and
    shortening are the caller's (`StatuspageV1._detail`), in that order."""
    try:
        data = resp.json()
    except ValueError:
        return ""
    msg: Any = None
    if isinstance(data, dict):
        msg = data.get("error") or data.get("message") or data.get("errors")
    if not msg:
        return ""
    return " ".join(str(msg).split())
