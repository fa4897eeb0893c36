"""Contract tests: every request irtui sends is accepted by Stoplight Prism serving Atlassian's
own OpenAPI description of Statuspage v1 (../shared/specs/swagger.json) on 127.0.0.1.

Prism validates paths, methods, the Authorization header, required fields and enums (422/401).
The spec's known defect — `incident.components` declared with one dummy property — means Prism
cannot check component statuses, so this file checks those against the spec's enum itself.
Prism comes from `.ci/install-prism.sh` (.tools/prism) or `$IRTUI_PRISM`.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from irtui.store.outbox_repo import OutboxMessage, OutboxRepo
from irtui.store.repo import Store
from irtui.sync.config import SyncConfig
from irtui.sync.outbox import Deliverer
from irtui.sync.provider import PermanentError
from irtui.sync.publish import publish
from irtui.sync.statuspage import StatuspageV1
from tests.shared_material import shared_path

ROOT = Path(__file__).resolve().parents[2]
SPEC_PARTS = ("specs", "swagger.json")
"""Atlassian's own description: reference data we may not ship, so it stays in ../shared."""


def _spec() -> Path:
    return shared_path(*SPEC_PARTS)  # skips (fails in CI) naming ../shared when absent


TOKEN = "contract-token-123"


def _prism_binary() -> Path | None:
    env = os.environ.get("IRTUI_PRISM")
    path = Path(env) if env else ROOT / ".tools" / "prism" / "node_modules" / ".bin" / "prism"
    return path if path.is_file() else None


def _need(what: str) -> None:
    if os.environ.get("IRTUI_CI") == "1":
        pytest.fail(f"{what} in CI: .ci/run should have run .ci/install-prism.sh")
    pytest.skip(
        f"NO PRISM CONTRACT TESTS: {what}. Run `bash .ci/install-prism.sh` (npm) or "
        "set IRTUI_PRISM=/path/to/prism; CI always runs them"
    )


@pytest.fixture(scope="module")
def prism_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    spec = _spec()
    binary = _prism_binary()
    if binary is None:
        _need("Prism is not installed (.tools/prism/node_modules/.bin/prism)")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    log_path = tmp_path_factory.mktemp("prism") / "prism.log"
    log = log_path.open("wb")  # a file, not a pipe: Prism logs every request and must not block
    proc = subprocess.Popen(
        [str(binary), "mock", "-h", "127.0.0.1", "-p", str(port), str(spec)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                out = log_path.read_text(errors="replace")
                pytest.fail(f"prism exited ({proc.returncode}): {out[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("prism did not start listening within 60 s")
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


@pytest.fixture
def contract_cfg(prism_url: str) -> SyncConfig:
    return SyncConfig(
        page_id="page1",
        base_url=prism_url,
        components={"checkout": "cmpcheckout1", "api": "cmpapi000001"},
        min_interval_s=0.0,
    )


@pytest.fixture
def exchanges() -> list[tuple[httpx.Request, int]]:
    return []


@pytest.fixture
def provider(contract_cfg: SyncConfig, exchanges: list[Any]) -> Iterator[StatuspageV1]:
    def record(response: httpx.Response) -> None:
        response.read()
        exchanges.append((response.request, response.status_code))

    client = httpx.Client(
        base_url=contract_cfg.base_url, timeout=10, event_hooks={"response": [record]}
    )
    p = StatuspageV1(contract_cfg, TOKEN, client=client, sleep=lambda s: None, attempts=1)
    yield p
    client.close()


def _component_enum() -> set[str]:
    spec = json.loads(_spec().read_text())
    comps = spec["components"]["schemas"]["postPagesPageIdIncidents"]["properties"]["incident"][
        "properties"
    ]["components"]["properties"]
    (dummy,) = comps.values()
    return set(dummy["enum"])


def test_publish_update_resolve_are_all_accepted(
    store: Store, contract_cfg: SyncConfig, provider: StatuspageV1, exchanges: list[Any]
) -> None:
    inc = store.declare("Checkout errors", 1, services=["checkout", "api"])
    publish(store, inc.id, "We are investigating.", contract_cfg)
    publish(store, inc.id, "Identified.", contract_cfg, status="identified", impact="major")
    publish(store, inc.id, "Monitoring.", contract_cfg, status="monitoring", notify=False)
    publish(store, inc.id, "Resolved.", contract_cfg, status="resolved")
    reports = Deliverer(OutboxRepo(store.db), provider, store.now).deliver_due()
    assert [r.state for r in reports] == ["sent"] * 4, [r.error for r in reports]
    seen = [(req.method, req.url.path, code) for req, code in exchanges]
    assert [m for m, _, _ in seen] == ["GET", "POST", "PATCH", "PATCH", "PATCH"]
    assert all(200 <= code < 300 for _, _, code in seen), seen
    allowed = _component_enum()
    for req, _ in exchanges:
        assert req.headers["Authorization"] == f"OAuth {TOKEN}"
        if req.method in ("POST", "PATCH"):
            body = json.loads(req.content)["incident"]
            assert set(body["components"].values()) <= allowed
            assert set(body["component_ids"]) == set(body["components"])


def test_reconcile_and_check_reads_are_accepted(
    store: Store, contract_cfg: SyncConfig, provider: StatuspageV1, exchanges: list[Any]
) -> None:
    inc = store.declare("Backfilled outage", 3, services=["api"])
    done = publish(store, inc.id, "It was resolved.", contract_cfg, status="resolved")
    msg = OutboxRepo(store.db).get(done.message_id)
    assert provider.find_remote(msg) is None  # Prism's examples are not ours
    provider.has_update("p31zjtct2jer", msg.payload)
    seen = [(req.method, req.url.path, dict(req.url.params), code) for req, code in exchanges]
    assert all(200 <= code < 300 for *_, code in seen), seen
    assert {path for _, path, _, _ in seen} == {
        "/pages/page1/incidents/unresolved",
        "/pages/page1/incidents",
        "/pages/page1/incidents/p31zjtct2jer",
    }


def _raw_message(payload: dict[str, Any]) -> OutboxMessage:
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    return OutboxMessage(
        1, "INC-1", None, "statuspage", "create", payload, "sending", 1, None, None, None, now, now
    )


def test_prism_rejections_map_to_needs_a_human(
    contract_cfg: SyncConfig, provider: StatuspageV1
) -> None:
    """The contract is meaningful: what Prism rejects, irtui reports as failed (not retried)."""
    bad = {
        "incident_id": "INC-1",
        "name": "x",
        "status": "on fire",
        "impact": "major",
        "body": "b",
        "components": {},
        "notify": True,
    }
    with pytest.raises(PermanentError, match="rejected \\(422"):
        provider._post(_raw_message(bad))
    response = httpx.post(
        f"{contract_cfg.base_url}/pages/page1/incidents",
        json={"incident": {"name": "x"}},
        timeout=10,
    )  # no Authorization
    assert response.status_code == 401
    with pytest.raises(PermanentError, match="refused the API token \\(401"):
        provider._interpret(
            "POST /pages/page1/incidents", response, mutates=True, tolerate_bad_json=False
        )
