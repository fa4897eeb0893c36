"""Helpers for the review tests: build incidents quickly through the real store."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli_runner import Cli
from tests.shared_material import fixture_path, shared_path

GITHUB_INCIDENTS = ("corpora", "github-statuses", "parsed", "incidents.jsonl")


@pytest.fixture
def corpus() -> Path:
    """All 819 GitHub status incidents (../shared; skips naming it when absent)."""
    return shared_path(*GITHUB_INCIDENTS)


@pytest.fixture
def corpus_sample() -> Path:
    """14 of those incidents, whole lines (tests/fixtures; always there)."""
    return fixture_path(*GITHUB_INCIDENTS)


@pytest.fixture
def cli(db_path: Path, clock) -> Cli:
    return Cli(db_path, clock, as_="alice")
