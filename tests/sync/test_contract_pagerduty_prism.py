"""Contract tests: every PagerDuty request irtui makes is accepted by Stoplight Prism serving
PagerDuty's own OpenAPI description of the Events API v2 (../shared/specs/pagerduty-events-v2.json)
on 127.0.0.1 — trigger, acknowledge and resolve of real pages, escalation included — and a
deliberately broken event is rejected, so the contract can fail."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import httpx
import pytest

from irtui.domain.paging import PageTarget
from irtui.store.outbox_repo import OutboxRepo
from irtui.store.repo import Store
from irtui.sync import paging
from irtui.sync.outbox import Deliverer
from irtui.sync.pagerduty import PagerDutyEventsV2
from irtui.sync.pagerduty_keys import RoutingKeys, env_name
from irtui.sync.provider import PermanentError
from tests.shared_material import candidates
from tests.sync.prism_server import prism

SPEC = next(
    (
        base / "specs" / "pagerduty-events-v2.json"
        for base in candidates()
        if (base / "specs" / "pagerduty-events-v2.json").is_file()
    ),
    candidates()[-1] / "specs" / "pagerduty-events-v2.json",
)
KEY = "R0UT1NGK3Y0000000000000000000001"
KEYS = RoutingKeys(env={env_name("payments"): KEY}, use_keyring=False)


@pytest.fixture(scope="module")
def prism_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with prism(SPEC, tmp_path_factory.mktemp("prism-pd") / "prism.log") as url:
        yield url


@pytest.fixture
def exchanges() -> list[tuple[httpx.Request, httpx.Response]]:
    return []


@pytest.fixture
def provider(prism_url: str, exchanges: list[Any]) -> Iterator[PagerDutyEventsV2]:
    def record(response: httpx.Response) -> None:
        response.read()
        exchanges.append((response.request, response))

    client = httpx.Client(timeout=10, event_hooks={"response": [record]})
    yield PagerDutyEventsV2(KEYS, url=prism_url, client=client, sleep=lambda s: None, attempts=1)
    client.close()


def target(person: str, level: int) -> PageTarget:
    return PageTarget(
        person,
        person.title(),
        description=f"level {level}",
        service="payments-db",
        team="payments",
        policy="payments",
        level=level,
        levels=3,
        routing="payments",
    )


def test_trigger_escalate_acknowledge_resolve_are_all_accepted(
    store: Store, provider: PagerDutyEventsV2, exchanges: list[Any]
) -> None:
    inc = store.declare("Payments DB down [/] x [/ y \x1b[31m", 1, services=["payments-db"])
    long_why = replace(target("erin", 1), description="why them: " + "very long " * 150)
    paging.page(
        store,
        inc.id,
        long_why,
        reason="replica lag [red]",
        keys=KEYS,
        links=[("https://grafana.example.com/d/payments-db", "Dashboard")],
    )
    paging.escalate(store, inc.id, 1, target("bob", 2), keys=KEYS)
    store.author = "bob"
    paging.acknowledge(store, inc.id, 2)
    paging.resolve_pages(store, inc.id)
    reports = Deliverer(OutboxRepo(store.db), provider, store.now).deliver_due()
    assert [r.state for r in reports] == ["sent"] * 5, [r.error for r in reports]
    sent = [(json.loads(req.content), resp.status_code) for req, resp in exchanges]
    assert [b["event_action"] for b, _ in sent] == [
        "trigger",
        "trigger",
        "acknowledge",
        "resolve",
        "resolve",
    ]
    assert all(code == 202 for _, code in sent), sent
    assert all("sl-violations" not in resp.headers for _, resp in exchanges)
    for body, _ in sent:
        assert body["routing_key"] == KEY
    first = sent[0][0]["payload"]
    assert len(first["summary"]) <= 1024 and "\x1b" not in first["summary"]


def test_a_broken_event_is_rejected_by_the_contract(
    prism_url: str, provider: PagerDutyEventsV2
) -> None:
    """The contract is meaningful: what the spec forbids, Prism refuses, and irtui reports
    as needing a human (failed, not retried)."""
    broken = {
        "routing_key": KEY,
        "event_action": "explode",
        "dedup_key": "irtui/INC-1/page-1/x",
        "payload": {"summary": "no source, no severity"},
    }
    response = httpx.post(f"{prism_url}/enqueue", json=broken, timeout=10)
    assert response.status_code == 400
    violations = json.loads(response.headers["sl-violations"])
    messages = " ".join(v["message"] for v in violations)
    assert "'severity'" in messages and "'source'" in messages and "event_action" in messages
    with pytest.raises(PermanentError, match="rejected \\(400"):
        provider._post(broken, KEY)
