"""`irtui demo`'s store: a throwaway folder removed on every way out (quit, an error, a closed
terminal, SIGTERM), or a named demo store (`--db FILE`) that is kept, reopened, and never
confused with a real store."""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from irtui.cli.context import CliContext
from irtui.cli.main import main
from irtui.demo import DEMO_SOURCE, FOLDER_PREFIX, is_demo_store
from irtui.domain.timeutil import ManualClock
from irtui.store.repo import Store
from irtui.tui.app import IrtuiApp

IRTUI_BIN = str(Path(sys.executable).with_name("irtui"))


@pytest.fixture
def private_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The demo's temp folders land here, so leftovers are ours to count."""
    where = tmp_path / "tmp"
    where.mkdir()
    monkeypatch.setenv("TMPDIR", str(where))
    monkeypatch.setattr(tempfile, "tempdir", None)  # forget the cached default
    yield where
    tempfile.tempdir = None


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Replace the terminal: record which incidents each app would have shown."""
    shown: list[list[str]] = []

    def fake_run(self: IrtuiApp, *args: object, **kwargs: object) -> None:
        shown.append([i.title for i in self.store.list_incidents(include_closed=True)])

    monkeypatch.setattr(IrtuiApp, "run", fake_run)
    return shown


def run(clock: ManualClock, *argv: str) -> tuple[int, str, str]:
    ctx = CliContext(None, clock=clock, out=io.StringIO(), err=io.StringIO())  # type: ignore[arg-type]
    code = main(list(argv), ctx=ctx)
    return code, ctx.out.getvalue(), ctx.err.getvalue()  # type: ignore[attr-defined]


def leftovers(where: Path) -> list[Path]:
    return sorted(where.glob(FOLDER_PREFIX + "*"))


def test_a_plain_demo_leaves_nothing_behind_even_when_the_app_fails(
    private_tmp: Path, opened: list[list[str]], clock: ManualClock, monkeypatch
) -> None:
    assert run(clock, "demo")[0] == 0
    assert len(opened[0]) == 5 and leftovers(private_tmp) == []

    def crash(self: IrtuiApp, *args: object, **kwargs: object) -> None:
        raise RuntimeError("terminal went away")

    monkeypatch.setattr(IrtuiApp, "run", crash)
    code, _, err = run(clock, "demo")
    # A crash says what kind of failure and where its log is, never its text (which may hold
    # incident data); the log has the details.
    assert code == 1 and "unexpected error (RuntimeError)" in err and "Traceback" not in err
    assert "terminal went away" not in err
    log = Path(err.split(" are in ", 1)[1].split(" — ", 1)[0])
    assert "terminal went away" in log.read_text()
    assert leftovers(private_tmp) == []


def test_demo_never_touches_the_store_named_by_irtui_db(
    private_tmp: Path, opened: list[list[str]], clock: ManualClock, tmp_path: Path, monkeypatch
) -> None:
    real = tmp_path / "real.db"
    with Store.open(real, clock=clock) as store:
        store.declare("A real outage", 2)
    before = real.read_bytes()
    monkeypatch.setenv("IRTUI_DB", str(real))
    assert run(clock, "demo")[0] == 0
    assert "A real outage" not in opened[0] and real.read_bytes() == before


def test_a_named_demo_store_is_created_kept_and_reopened(
    opened: list[list[str]], clock: ManualClock, tmp_path: Path
) -> None:
    named = tmp_path / "practice.db"
    code, out, _ = run(clock, "demo", "--db", str(named))
    assert code == 0 and len(opened[0]) == 5
    assert f"demo store kept at {named}" in out and f"irtui demo --db {named}" in out
    with Store.open(named, clock=clock) as store:
        assert is_demo_store(store)
        assert all(i.source_ref.startswith(DEMO_SOURCE + ":") for i in store.list_incidents())
        store.declare("Practised by hand", 3)  # what someone did in the demo
    clock.advance(minutes=10)
    assert run(clock, "--db", str(named), "demo")[0] == 0  # before the command works too
    assert len(opened[1]) == 6 and "Practised by hand" in opened[1]  # reopened, not reseeded


def test_a_real_store_a_foreign_file_and_a_server_url_are_refused(
    opened: list[list[str]], clock: ManualClock, tmp_path: Path
) -> None:
    real = tmp_path / "real.db"
    with Store.open(real, clock=clock) as store:
        store.declare("A real outage", 2)
        marker = store.change_marker()
    code, out, err = run(clock, "demo", "--db", str(real))
    assert code == 2 and out == "" and opened == []
    assert "irtui demo did not make (1 incident(s))" in err and "irtui tui --db" in err
    with Store.open(real, clock=clock) as store:
        assert store.change_marker() == marker and not is_demo_store(store)
    notes = tmp_path / "notes.txt"
    notes.write_text("not a database\n")
    code, _, err = run(clock, "demo", "--db", str(notes))
    assert code == 2 and "Traceback" not in err and notes.read_text() == "not a database\n"
    code, _, err = run(clock, "demo", "--db", "postgresql+psycopg://u@127.0.0.1/x")
    assert code == 2 and "SQLite file path" in err
    code, _, err = run(clock, "demo", "--db", str(tmp_path))
    assert code == 2 and "is a folder" in err
    assert opened == []


# --- a real process in a real terminal ----------------------------------------------------
def _tmux(sock: str, *args: str) -> str:
    return subprocess.run(
        ["tmux", "-L", sock, *args], capture_output=True, text=True, check=True, timeout=10
    ).stdout


@pytest.fixture
def terminal(private_tmp: Path) -> Iterator[tuple[str, Path]]:
    """A private tmux server running `irtui demo` with its TMPDIR in `private_tmp`."""
    if shutil.which("tmux") is None:
        pytest.skip("NO TMUX: install tmux to run the demo in a real terminal (CI has it)")
    sock = f"irtui-demo-test-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "TMPDIR": str(private_tmp), "TERM": "xterm-256color"}
    subprocess.run(
        ["tmux", "-L", sock, "new-session", "-d", "-s", "demo", "-x", "120", "-y", "36"],
        env=env,
        check=True,
        timeout=10,
    )
    _tmux(sock, "set-option", "-t", "demo", "remain-on-exit", "on")
    _tmux(sock, "respawn-pane", "-k", "-t", "demo", f"exec {IRTUI_BIN} demo")
    try:
        deadline = time.monotonic() + 60  # a loaded CI machine takes its time
        while "SEV1" not in _tmux(sock, "capture-pane", "-p", "-t", "demo"):  # at any width
            assert time.monotonic() < deadline, _tmux(sock, "capture-pane", "-p", "-t", "demo")
            time.sleep(0.1)
        assert len(leftovers(private_tmp)) == 1  # the board is up on its throwaway store
        yield sock, private_tmp
    finally:
        subprocess.run(["tmux", "-L", sock, "kill-server"], capture_output=True, timeout=10)


def _pane(sock: str, fmt: str) -> str:
    return _tmux(sock, "display-message", "-p", "-t", "demo", fmt).strip()


def _until(condition, what: str, timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.05)


@pytest.mark.slow
def test_closing_the_terminal_removes_the_throwaway_store(terminal: tuple[str, Path]) -> None:
    sock, where = terminal
    pid = int(_pane(sock, "#{pane_pid}"))
    _tmux(sock, "kill-session", "-t", "demo")  # the terminal goes away: SIGHUP
    _until(lambda: leftovers(where) == [], f"demo folder left behind: {leftovers(where)}")
    _until(lambda: not _alive(pid), "the demo outlived its terminal")


@pytest.mark.slow
def test_sigterm_removes_the_store_and_restores_the_terminal(terminal: tuple[str, Path]) -> None:
    sock, where = terminal
    pid = int(_pane(sock, "#{pane_pid}"))
    os.kill(pid, signal.SIGTERM)
    assert _exit_status(sock, pid) == 128 + signal.SIGTERM and leftovers(where) == []
    assert _pane(sock, "#{alternate_on}") == "0"  # Textual left the alternate screen


@pytest.mark.slow
def test_quitting_removes_the_store(terminal: tuple[str, Path]) -> None:
    sock, where = terminal
    pid = int(_pane(sock, "#{pane_pid}"))
    _tmux(sock, "send-keys", "-t", "demo", "q")  # quit asks first (irtui.tui.keys)
    time.sleep(1.0)  # a person reads the question (keys typed ahead do not answer it)
    _tmux(sock, "send-keys", "-t", "demo", "y")
    assert _exit_status(sock, pid) == 0 and leftovers(where) == []


def _exit_status(sock: str, pid: int, timeout: float = 10) -> int:
    """The demo's exit status: from tmux once it reaped the process, or straight from
    /proc while it is a zombie (tmux can take seconds to notice)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = _pane(sock, "#{pane_dead_status}")
        if status:
            return int(status)
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            fields = []
        if fields and fields[0] == "Z":
            raw = int(fields[49])  # exit_code (field 52), as waitpid reports it
            return raw >> 8 if raw & 0x7F == 0 else -(raw & 0x7F)
        time.sleep(0.05)
    raise AssertionError(
        "the demo did not exit:\n" + _tmux(sock, "capture-pane", "-p", "-t", "demo")
    )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie nobody reaped yet counts as gone
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False
