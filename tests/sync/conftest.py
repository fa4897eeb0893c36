"""Fixtures for the status-page sync tests: a config, a fake Statuspage, a provider on it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from irtui.store.repo import Store
from irtui.sync.config import SyncConfig
from irtui.sync.statuspage import StatuspageV1
from tests.sync.fake_statuspage import FakeStatuspage

TOKEN = "s3cr3t-token-DO-NOT-LEAK"


@pytest.fixture
def cfg() -> SyncConfig:
    return SyncConfig(
        page_id="page1",
        base_url="http://statuspage.test/v1",
        components={"checkout": "cmpcheckout1", "api": "cmpapi000001"},
        min_interval_s=0.0,
    )


@pytest.fixture
def fake() -> FakeStatuspage:
    return FakeStatuspage(page_id="page1", token=TOKEN)


@pytest.fixture
def sleeps() -> list[float]:
    return []


@pytest.fixture
def make_provider(cfg: SyncConfig, sleeps: list[float]) -> Callable[..., StatuspageV1]:
    def make(fake: FakeStatuspage, **kw: Any) -> StatuspageV1:
        return StatuspageV1(cfg, TOKEN, transport=fake.transport(), sleep=sleeps.append, **kw)

    return make


@pytest.fixture
def incident(store: Store) -> Any:
    return store.declare("Checkout errors in EU", 2, services=["checkout", "api", "internal"])
