"""Hostile folders and files: alias bombs in front matter and config.yaml, `--runbooks /`,
symlinks out of a library, and the index's file modes (it holds full runbook text)."""

from __future__ import annotations

import io
import os
import stat
import time
from pathlib import Path
from typing import Any

from irtui import paths
from irtui.cli.context import CliContext
from irtui.cli.main import main
from irtui.runbooks.index import RunbookIndex
from irtui.tui.screens.runbooks import RunbookBrowserScreen
from tests.runbooks.test_runbooks_lint_quality import BOMB
from tests.runbooks.test_runbooks_tui import TODAY, BrowserApp, library_for, settle

CONFIG_BOMB = (
    "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c]\n"
    "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e]\n"
    "runbooks: [*f]\n"
)


def run(clock: Any, *argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    ctx = CliContext(None, clock=clock, out=out, err=err)  # type: ignore[arg-type]
    return main(list(argv), ctx=ctx), out.getvalue(), err.getvalue()


def test_alias_bomb_front_matter_fails_fast_with_file_line(tmp_path: Path, clock: Any) -> None:
    root = tmp_path / "lib"
    root.mkdir()
    (root / "bomb.md").write_text(BOMB, encoding="utf-8")
    assert len(BOMB.encode()) < 800
    started = time.perf_counter()
    code, out, _ = run(clock, "runbooks", "check", str(root))
    assert time.perf_counter() - started < 5
    assert code == 1 and f"{root / 'bomb.md'}:3: invalid YAML front matter" in out
    code, out, _ = run(clock, "runbooks", "--runbooks", str(root), "search", "bomb")
    assert code == 0 and "bomb" in out  # the body is still searchable


def test_alias_bomb_in_config_yaml_is_a_clear_refusal(clock: Any) -> None:
    config = paths.config_dir() / "config.yaml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(CONFIG_BOMB, encoding="utf-8")
    started = time.perf_counter()
    code, _, err = run(clock, "runbooks", "search", "disk")
    assert time.perf_counter() - started < 5
    assert code == 2 and f"{config}:1:" in err and "aliases" in err


def test_walking_is_bounded(tmp_path: Path, clock: Any, monkeypatch: Any) -> None:
    root = tmp_path / "big"
    root.mkdir()
    for number in range(30):
        (root / f"f{number}.txt").write_text("x")
    monkeypatch.setenv("IRTUI_RUNBOOKS_MAX_ENTRIES", "20")
    code, _, err = run(clock, "runbooks", "--runbooks", str(root), "search", "x")
    assert code == 2 and "more than 20 files and folders" in err and str(root) in err
    code, _, err = run(clock, "runbooks", "check", str(root))
    assert code == 2 and "stopped walking" in err
    monkeypatch.delenv("IRTUI_RUNBOOKS_MAX_ENTRIES")
    started = time.perf_counter()
    code, _, err = run(clock, "runbooks", "--runbooks", "/", "search", "x")
    assert code == 2 and "stopped walking" in err and time.perf_counter() - started < 30


def test_index_file_is_private(tmp_path: Path, bundled_dir: Path) -> None:
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o755)
    os.chmod(folder, 0o755)
    index = RunbookIndex(folder / "runbooks.sqlite")
    index.refresh([bundled_dir])
    for path in folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    index.close()
    fresh = tmp_path / "new" / "deeper"
    RunbookIndex(fresh / "runbooks.sqlite").close()
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o700


async def test_browser_never_freezes_on_a_bomb_and_escape_closes_it(tmp_path: Path) -> None:
    root = tmp_path / "lib"
    root.mkdir()
    for number in range(20):
        (root / f"bomb{number}.md").write_text(BOMB, encoding="utf-8")
    library = library_for(tmp_path, root)
    screen = RunbookBrowserScreen(library=library, today=TODAY)
    app = BrowserApp(screen)
    async with app.run_test(size=(100, 30)) as pilot:
        started = time.perf_counter()
        await pilot.press("escape")  # before the index is even built
        await pilot.pause()
        assert app.screen is not screen and time.perf_counter() - started < 5
        await settle(app, pilot)
