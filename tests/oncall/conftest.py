"""Fixtures for the on-call tests: the worked catalog (tests/oncall/fixtures/catalog.yaml, the
one docs/oncall.md walks through), its schedules, and a resolver with a fresh cache."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from irtui.catalog.load import load_catalog
from irtui.catalog.model import Catalog
from irtui.oncall.resolve import OnCall

FIXTURES = Path(__file__).parent / "fixtures"
CATALOG = FIXTURES / "catalog.yaml"
BACKSTAGE = FIXTURES / "backstage"


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)  # type: ignore[misc]


@pytest.fixture
def catalog() -> Catalog:
    return load_catalog([str(CATALOG)])


@pytest.fixture
def oncall(catalog: Catalog) -> OnCall:
    return OnCall(catalog)
