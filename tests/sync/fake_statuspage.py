"""An in-process fake of the Statuspage v1 incident endpoints, with fault injection.

It keeps incidents and their updates in memory, checks the `Authorization` header and the
enums the real API checks, and can inject every failure the sync must survive — before the
request is processed (nothing happened remotely) or after it (it happened, the answer is lost).
Serve it to httpx with `transport()` (in-process) or on 127.0.0.1 with `serve()`.
"""

from __future__ import annotations

import json
import random
import re
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

STATUSES = {"investigating", "identified", "monitoring", "resolved"}
IMPACTS = {"none", "minor", "major", "critical", "maintenance"}
COMPONENT_STATUSES = {
    "operational",
    "degraded_performance",
    "partial_outage",
    "major_outage",
    "under_maintenance",
    "",
}
FAULTS_BEFORE = ("connect", "timeout_before", "500", "502", "503", "429", "420")
FAULTS_AFTER = ("timeout_after", "500_after", "badjson_after")
ALL_FAULTS = FAULTS_BEFORE + FAULTS_AFTER


class InjectedFault(Exception):
    """Raised inside the in-process transport (mapped to an httpx exception)."""


class FakeStatuspage:
    def __init__(
        self,
        *,
        page_id: str = "page1",
        token: str = "s3cr3t-token",
        fault_rate: float = 0.0,
        faults: tuple[str, ...] = ALL_FAULTS,
        seed: int = 7,
    ) -> None:
        self.page_id = page_id
        self.token = token
        self.fault_rate = fault_rate
        self.faults = faults
        self.rng = random.Random(seed)
        self.incidents: dict[str, dict[str, Any]] = {}
        self.injected: Counter[str] = Counter()
        self.requests: list[tuple[str, str, dict[str, Any] | None]] = []
        self.auth_headers: list[str] = []
        self._seq = 0
        self._lock = threading.Lock()
        self.retry_after = "2"
        self.forced: list[str] = []
        """Faults to inject on the next requests, in order (deterministic tests)."""

    # --- the API ---------------------------------------------------------------------
    def _next(self) -> int:
        self._seq += 1
        return self._seq

    def _stamp(self) -> str:
        return f"2026-11-22T14:00:00.{self._next():06d}Z"

    def process(
        self, method: str, path: str, query: dict[str, str], auth: str | None, body: Any
    ) -> tuple[int, Any]:
        if auth != f"OAuth {self.token}":
            return 401, {"error": "Could not authenticate"}
        m = re.fullmatch(
            rf"/v1/pages/{re.escape(self.page_id)}/incidents(?:/([^/]+))?", path
        ) or re.fullmatch(rf"/pages/{re.escape(self.page_id)}/incidents(?:/([^/]+))?", path)
        if not m:
            return 404, {"error": "The requested resource could not be found."}
        sub = m.group(1)
        if method == "GET" and sub == "unresolved":
            return 200, [i for i in self.incidents.values() if i["status"] != "resolved"]
        if method == "GET" and sub is None:
            q = query.get("q", "")
            return 200, [i for i in self.incidents.values() if q in i["name"]]
        if method == "GET":
            inc = self.incidents.get(sub or "")
            return (200, inc) if inc else (404, {"error": "not found"})
        if not isinstance(body, dict) or not isinstance(body.get("incident"), dict):
            return 400, {"error": "incident is missing"}
        data = body["incident"]
        problem = self._validate(data, create=method == "POST")
        if problem:
            return 422, {"error": problem}
        if method == "POST" and sub is None:
            rid = f"r{self._next():05d}"
            inc = {
                "id": rid,
                "name": data["name"],
                "status": data.get("status", "investigating"),
                "metadata": data.get("metadata") or {},
                "impact": data.get("impact_override"),
                "components": dict(data.get("components") or {}),
                "incident_updates": [],
                "created_at": self._stamp(),
            }
            self._add_update(inc, data)
            self.incidents[rid] = inc
            return 201, inc
        if method == "PATCH" and sub:
            inc = self.incidents.get(sub)
            if inc is None:
                return 404, {"error": "not found"}
            inc["status"] = data.get("status", inc["status"])
            inc["components"].update(data.get("components") or {})
            self._add_update(inc, data)
            return 200, inc
        return 405, {"error": "method not allowed"}

    def _add_update(self, inc: dict[str, Any], data: dict[str, Any]) -> None:
        if data.get("body"):
            inc["incident_updates"].append(
                {
                    "id": f"u{self._next()}",
                    "body": data["body"],
                    "status": inc["status"],
                    "created_at": self._stamp(),
                }
            )

    @staticmethod
    def _validate(data: dict[str, Any], *, create: bool) -> str | None:
        if create and not data.get("name"):
            return "name is required"
        if "status" in data and data["status"] not in STATUSES:
            return f"bad status {data['status']!r}"
        if "impact_override" in data and data["impact_override"] not in IMPACTS:
            return "bad impact_override"
        for cid, st in (data.get("components") or {}).items():
            if st not in COMPONENT_STATUSES:
                return f"bad component status {st!r} for {cid}"
        meta = data.get("metadata")
        if meta is not None and (
            not isinstance(meta, dict) or not all(isinstance(v, dict) for v in meta.values())
        ):
            return "metadata top-level values must be objects"
        return None

    # --- faults ------------------------------------------------------------------------
    def _pick_fault(self) -> str | None:
        if self.forced:
            return self.forced.pop(0)
        if self.fault_rate and self.rng.random() < self.fault_rate:
            return self.rng.choice(self.faults)
        return None

    def handle(
        self, method: str, path: str, query: dict[str, str], auth: str | None, raw: bytes
    ) -> tuple[int, dict[str, str], bytes] | str:
        """The whole exchange. Returns (status, headers, body) or the name of a connection
        fault (`connect`, `timeout_before`, `timeout_after`) for the caller to act out."""
        with self._lock:
            if auth:
                self.auth_headers.append(auth)
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                return 400, {}, b'{"error": "body is not JSON"}'
            self.requests.append((method, path, body))
            fault = self._pick_fault()
            if fault:
                self.injected[fault] += 1
            if fault in ("connect", "timeout_before"):
                return fault
            if fault in ("500", "502", "503"):
                return int(fault), {}, b"<html>bad gateway</html>"
            if fault in ("429", "420"):
                return int(fault), {"Retry-After": self.retry_after}, b'{"error": "rate limited"}'
            if fault in ("401", "403", "404", "400", "422"):  # forced only
                return (
                    int(fault),
                    {},
                    json.dumps({"error": f"injected {fault} for OAuth {self.token}"}).encode(),
                )
            status, data = self.process(method, path, query, auth, body)
            if fault == "timeout_after":
                return "timeout_after"
            if fault == "500_after":
                return 500, {}, b'{"error": "oops"}'
            if fault == "badjson_after":
                return status, {"Content-Type": "application/json"}, b'{"id": "trunc'
            return status, {"Content-Type": "application/json"}, json.dumps(data).encode()

    def transport(self) -> httpx.MockTransport:
        def handler(request: httpx.Request) -> httpx.Response:
            url = request.url
            query = {k: v for k, v in url.params.items()}
            result = self.handle(
                request.method,
                url.path,
                query,
                request.headers.get("Authorization"),
                request.content,
            )
            if result == "connect":
                raise httpx.ConnectError("connection refused", request=request)
            if result in ("timeout_before", "timeout_after"):
                raise httpx.ReadTimeout("timed out", request=request)
            assert not isinstance(result, str)
            status, headers, body = result
            return httpx.Response(status, headers=headers, content=body)

        return httpx.MockTransport(handler)

    # --- views for assertions ------------------------------------------------------------
    def by_local_id(self) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {}
        for inc in self.incidents.values():
            local = (inc.get("metadata") or {}).get("irtui", {}).get("incident_id")
            out.setdefault(local, []).append(inc)
        return out

    def bodies(self, local_id: str) -> list[str]:
        (inc,) = self.by_local_id()[local_id]
        return [u["body"] for u in inc["incident_updates"]]


@contextmanager
def serve(fake: FakeStatuspage, port: int = 0) -> Iterator[str]:
    """Serve `fake` on 127.0.0.1 (a real socket, for subprocess tests). Yields the base URL."""

    class Handler(BaseHTTPRequestHandler):
        def _do(self) -> None:
            parts = urlsplit(self.path)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()}
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            result = fake.handle(
                self.command, parts.path, query, self.headers.get("Authorization"), raw
            )
            if isinstance(result, str):  # act out a lost answer: close without replying
                self.close_connection = True
                return
            status, headers, body = result
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_PATCH = _do

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()
