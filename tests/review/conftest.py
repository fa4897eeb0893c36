"""Helpers for the review tests: build incidents quickly through the real store."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_runner import Cli
from tests.shared_material import shared_path


@pytest.fixture
def corpus() -> Path:
    return shared_path("corpora", "github-statuses", "parsed", "incidents.jsonl")


@pytest.fixture
def cli(db_path: Path, clock) -> Cli:
    return Cli(db_path, clock, as_="alice")
