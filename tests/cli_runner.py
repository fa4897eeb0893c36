"""Run `irtui` in-process against a real store file, capturing stdout and stderr."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from irtui.cli.context import CliContext
from irtui.cli.main import main


class Cli:
    def __init__(self, db: Path, clock: Any, *, as_: str = "scribe") -> None:
        self.db = db
        self.clock = clock
        self.as_ = as_

    def __call__(self, *argv: str, as_: str | None = None) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        ctx = CliContext(None, clock=self.clock, out=out, err=err)  # type: ignore[arg-type]
        code = main(["--db", str(self.db), "--as", as_ or self.as_, *argv], ctx=ctx)
        return code, out.getvalue(), err.getvalue()

    def ok(self, *argv: str, **kw: Any) -> str:
        code, out, err = self(*argv, **kw)
        assert code == 0, err
        return out
