"""`irtui demo` and bare `irtui` open the app (run() is replaced: no terminal in tests)."""

from __future__ import annotations

import gc
import io
import shutil
from pathlib import Path

import pytest

from irtui.cli.context import CliContext
from irtui.cli.main import main
from irtui.demo import seed
from irtui.domain.model import IncidentKind, Status
from irtui.domain.timeutil import ManualClock
from irtui.store.repo import Store
from irtui.tui.app import IrtuiApp


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[IrtuiApp]:
    apps: list[IrtuiApp] = []

    def fake_run(self: IrtuiApp, *args: object, **kwargs: object) -> None:
        apps.append(self)
        self.collecting = gc.isenabled()  # type: ignore[attr-defined]
        self.snapshot = self.store.list_incidents(include_closed=True)  # type: ignore[attr-defined]

    monkeypatch.setattr(IrtuiApp, "run", fake_run)
    return apps


def ctx(clock: ManualClock) -> CliContext:
    return CliContext(None, clock=clock, out=io.StringIO(), err=io.StringIO())  # type: ignore[arg-type]


def test_demo_opens_a_seeded_throwaway_store(opened: list[IrtuiApp], clock: ManualClock):
    c = ctx(clock)
    assert main(["demo", "--keep"], ctx=c) == 0
    app = opened[0]
    incidents = app.snapshot  # type: ignore[attr-defined]
    assert len(incidents) == 5
    assert app.clock is clock
    kept = Path(c.out.getvalue().split("kept at ")[1].strip())
    assert kept.name == "demo.db" and kept.is_file()
    shutil.rmtree(kept.parent)  # --keep means kept: this test cleans up after itself


def test_bare_irtui_opens_the_board_on_the_store(
    opened: list[IrtuiApp], clock: ManualClock, db_path
):
    Store.open(db_path, clock=clock).close()
    assert main(["--db", str(db_path), "--as", "zoe"], ctx=ctx(clock)) == 0
    assert opened[0].seat_name == "zoe" and opened[0].clock is clock


@pytest.mark.parametrize("argv", [[], ["tui"], ["demo"]])
def test_the_app_starts_without_garbage_collection_and_gives_it_back(
    opened: list[IrtuiApp], clock: ManualClock, db_path, argv: list[str]
):
    """Start-up (imports, store, the board's first frame) runs with automatic collection
    off (`irtui.tui.collection_hold.start_up_paused`); however the app ends, it is on again."""
    Store.open(db_path, clock=clock).close()
    db = [] if argv == ["demo"] else ["--db", str(db_path)]
    assert gc.isenabled()
    assert main([*db, *argv], ctx=ctx(clock)) == 0
    assert opened[0].collecting is False  # type: ignore[attr-defined]
    assert gc.isenabled()


def test_demo_seed_is_believable(store: Store):
    ids = seed(store)
    sev1 = store.get(ids["sev1"])
    assert sev1.severity == 1 and sev1.is_open and sev1.milestones["acknowledged"]
    assert {"commander", "tech_lead", "scribe"} <= set(sev1.roles)
    due = min(sev1.update_due.values()) - store.now()
    assert 0 < due.total_seconds() <= 10 * 60  # an update due in a few minutes
    assert len(store.timeline(ids["sev1"], include_system=False)) >= 10
    assert store.get(ids["drill"]).kind is IncidentKind.DRILL
    assert store.get(ids["resolved"]).status is Status.RESOLVED
    assert store.verify_projection(ids["sev1"])


def test_runbooks_option_reaches_the_app_before_or_after_the_command(tmp_path, monkeypatch) -> None:
    import io

    from irtui.cli.context import CliContext
    from irtui.cli.main import main
    from irtui.tui.app import IrtuiApp

    seen: list[object] = []
    monkeypatch.setattr(
        IrtuiApp, "run", lambda self, *a, **k: seen.append(getattr(self, "runbook_dirs", None))
    )
    db = str(tmp_path / "s.db")
    for argv in (
        ["--db", db, "--runbooks", "/a", "tui"],
        ["--db", db, "tui", "--runbooks", "/a"],
        ["--db", db, "--runbooks", "/a"],
    ):
        ctx = CliContext(None, out=io.StringIO(), err=io.StringIO())  # type: ignore[arg-type]
        assert main(argv, ctx=ctx) == 0
    assert seen == [["/a"], ["/a"], ["/a"]]
