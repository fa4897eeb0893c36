"""Helpers for the review tests: build incidents quickly through the real store."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from irtui.cli.context import CliContext
from irtui.cli.main import main
from tests.shared_material import shared_path


class Cli:
    def __init__(self, db: Path, clock) -> None:
        self.db = db
        self.clock = clock

    def __call__(self, *argv: str, as_: str = "alice") -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        ctx = CliContext(None, clock=self.clock, out=out, err=err)  # type: ignore[arg-type]
        code = main(["--db", str(self.db), "--as", as_, *argv], ctx=ctx)
        return code, out.getvalue(), err.getvalue()

    def ok(self, *argv: str, **kw) -> str:
        code, out, err = self(*argv, **kw)
        assert code == 0, err
        return out


@pytest.fixture
def corpus() -> Path:
    return shared_path("corpora", "github-statuses", "parsed", "incidents.jsonl")


@pytest.fixture
def cli(db_path: Path, clock) -> Cli:
    return Cli(db_path, clock)
