"""An in-process fake of PagerDuty's Events API v2 (`POST /v2/enqueue`), with fault injection.

It behaves like the real thing where the outbox's guarantees depend on it:
- a routing key must be one of the known integration keys (32 characters), else 400;
- the event is validated as the spec says (event_action enum; a trigger needs payload.summary,
  source and severity from the enum; acknowledge/resolve need a dedup_key), else 400 with the
  errors listed;
- `dedup_key` is an idempotency key: a trigger whose key has an open alert is folded into it
  (no new incident); acknowledge/resolve act on the alert of their key.
Faults, before the event is processed (nothing happened) or after (it happened, the answer is
lost): connection refused, timeouts, 5xx, 429, 400, and lost responses after a 202.
"""

from __future__ import annotations

import json
import random
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

SEVERITIES = {"critical", "error", "warning", "info"}
ACTIONS = {"trigger", "acknowledge", "resolve"}
FAULTS_BEFORE = ("connect", "timeout_before", "500", "502", "503", "429", "400")
FAULTS_AFTER = ("timeout_after", "500_after", "badjson_after")
ALL_FAULTS = FAULTS_BEFORE + FAULTS_AFTER


class FakePagerDuty:
    def __init__(
        self,
        keys: set[str],
        *,
        fault_rate: float = 0.0,
        faults: tuple[str, ...] = ALL_FAULTS,
        seed: int = 11,
    ) -> None:
        self.keys = keys
        self.fault_rate = fault_rate
        self.faults = faults
        self.rng = random.Random(seed)
        self.alerts: dict[str, dict[str, Any]] = {}
        """dedup_key -> {status, routing_key, incidents: count of PagerDuty incidents opened,
        log: [(action, accepted)]}."""
        self.incidents_opened: Counter[str] = Counter()
        self.accepted: list[tuple[str, str]] = []
        """(dedup_key, action) in the order PagerDuty accepted (processed) them."""
        self.requests: list[dict[str, Any]] = []
        self.injected: Counter[str] = Counter()
        self.forced: list[str] = []
        self.retry_after = "1"
        self._lock = threading.Lock()

    # --- the API ----------------------------------------------------------------------
    def validate(self, body: Any) -> list[str]:
        if not isinstance(body, dict):
            return ["JSON parse error"]
        errors = []
        if body.get("routing_key") not in self.keys:
            errors.append("Invalid routing key")
        action = body.get("event_action")
        if action not in ACTIONS:
            errors.append("'event_action' is invalid (must be trigger, acknowledge or resolve)")
        if action == "trigger":
            payload = body.get("payload")
            if not isinstance(payload, dict):
                errors.append("'payload' is missing or not an object")
            else:
                for field in ("summary", "source", "severity"):
                    if not payload.get(field):
                        errors.append(f"'payload.{field}' is missing or blank")
                if payload.get("severity") and payload["severity"] not in SEVERITIES:
                    errors.append("'payload.severity' is invalid")
                if len(str(payload.get("summary", ""))) > 1024:
                    errors.append("'payload.summary' is longer than 1024 characters")
        elif action in ("acknowledge", "resolve") and not body.get("dedup_key"):
            errors.append("'dedup_key' is required for acknowledge and resolve")
        return errors

    def process(self, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        errors = self.validate(body)
        if errors:
            return 400, {
                "status": "invalid event",
                "message": "Event object is invalid",
                "errors": errors,
            }
        action = body["event_action"]
        key = body.get("dedup_key") or f"generated-{len(self.alerts)}"
        alert = self.alerts.get(key)
        if action == "trigger":
            if alert is None or alert["status"] == "resolved":
                alert = {
                    "status": "triggered",
                    "routing_key": body["routing_key"],
                    "summary": body["payload"]["summary"],
                }
                self.alerts[key] = alert
                self.incidents_opened[key] += 1
        elif alert is not None and alert["status"] != "resolved":
            alert["status"] = "acknowledged" if action == "acknowledge" else "resolved"
        self.accepted.append((key, action))
        return 202, {"status": "success", "message": "Event processed", "dedup_key": key}

    # --- faults ------------------------------------------------------------------------
    def _pick(self) -> str | None:
        if self.forced:
            return self.forced.pop(0) or None
        if self.fault_rate and self.rng.random() < self.fault_rate:
            return self.rng.choice(self.faults)
        return None

    def handle(self, path: str, raw: bytes) -> tuple[int, dict[str, str], bytes] | str:
        with self._lock:
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                return 400, {}, b'{"status": "invalid", "message": "bad JSON"}'
            self.requests.append(body)
            if not path.endswith("/enqueue"):
                return 404, {}, b'{"status": "not found"}'
            fault = self._pick()
            if fault:
                self.injected[fault] += 1
            if fault in ("connect", "timeout_before"):
                return fault
            if fault in ("500", "502", "503"):
                return int(fault), {}, b"<html>bad gateway</html>"
            if fault == "429":
                return 429, {"Retry-After": self.retry_after}, b'{"status": "throttled"}'
            if fault == "400":
                return (
                    400,
                    {},
                    json.dumps(
                        {
                            "status": "invalid event",
                            "message": "injected",
                            "errors": [
                                f"echo {body.get('routing_key') if isinstance(body, dict) else ''}"
                            ],
                        }
                    ).encode(),
                )
            status, data = self.process(body)
            if fault == "timeout_after":
                return "timeout_after"
            if fault == "500_after":
                return 500, {}, b'{"status": "oops"}'
            if fault == "badjson_after":
                return 202, {"Content-Type": "application/json"}, b'{"status": "succ'
            return status, {"Content-Type": "application/json"}, json.dumps(data).encode()

    def transport(self) -> httpx.MockTransport:
        def handler(request: httpx.Request) -> httpx.Response:
            result = self.handle(request.url.path, request.content)
            if result == "connect":
                raise httpx.ConnectError("connection refused", request=request)
            if result in ("timeout_before", "timeout_after"):
                raise httpx.ReadTimeout("timed out", request=request)
            assert not isinstance(result, str)
            status, headers, body = result
            return httpx.Response(status, headers=headers, content=body)

        return httpx.MockTransport(handler)

    # --- views -------------------------------------------------------------------------
    def actions_of(self, prefix: str) -> list[tuple[str, str]]:
        return [(k, a) for k, a in self.accepted if k.startswith(prefix)]


@contextmanager
def serve(fake: FakePagerDuty) -> Iterator[str]:
    """Serve `fake` on 127.0.0.1; yields the base URL (`.../v2`)."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            result = fake.handle(self.path, self.rfile.read(length) if length else b"")
            if isinstance(result, str):
                self.close_connection = True
                return
            status, headers, body = result
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v2"
    finally:
        server.shutdown()
        server.server_close()
