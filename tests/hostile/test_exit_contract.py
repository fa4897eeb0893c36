"""The exit-code and stream contract, as a real process shows it (issue 13, item 11).

A sample of the corpus for every command as real subprocesses (exit status, raw bytes on the
streams, a timeout per probe), the inputs that only exist outside Python (invalid UTF-8 in
argv), and what a crash looks like: exit 1, one short line naming a private log file, the
traceback (with secrets taken out) in that file, nothing of the incident on the screen.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.hostile import driver
from tests.hostile.corpus import TEXT, forbidden_bytes

LEAVES = [leaf for leaf in driver.leaves() if leaf.words != ("demo",)]
"""Every command but `irtui demo`, which always opens the real TUI on its own throwaway store
(the in-process probes and tests/tui/test_demo_store.py cover it)."""
STARTS_A_TUI = {("tui",), ("demo",)}
TIMEOUT_S = 60


def run(argv: list[str | bytes], tmp: Path, **kw: Any) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "IRTUI_STATE_DIR": str(tmp / "state"), "IRTUI_USER": "tester"}
    env.update(kw.pop("env", {}))
    return subprocess.run(
        [sys.executable, "-m", "irtui", *argv],
        capture_output=True,
        stdin=subprocess.DEVNULL,
        timeout=TIMEOUT_S,
        env=env,
        cwd=tmp,
        **kw,
    )


def contract(done: subprocess.CompletedProcess[bytes], tmp: Path) -> list[str]:
    problems = []
    both = done.stdout + done.stderr
    if b"Traceback" in both:
        problems.append("traceback on the screen")
    if list((tmp / "state").glob("crash-*.log")):
        problems.append(f"crashed: {done.stderr[-300:]!r}")
    if done.returncode not in (0, 1, 2):
        problems.append(f"exit {done.returncode}")
    if done.returncode != 0 and not done.stderr.strip():
        problems.append(f"exit {done.returncode} without a message")
    bad = forbidden_bytes(both)
    if bad:
        problems.append(f"control bytes on the streams: {bad}")
    return problems


@pytest.mark.parametrize("leaf", LEAVES, ids=[leaf.name for leaf in LEAVES])
def test_every_command_as_a_real_process(
    leaf: driver.Leaf, world: dict[str, Any], hostile_files: dict[str, Path], tmp_path: Path
) -> None:
    """The nastiest value in the first argument that takes one, and a damaged store."""
    db = tmp_path / "store.db"
    shutil.copyfile(world["template"], db)
    refused = ["--db", str(hostile_files["truncated.db"]), *driver.base_argv(leaf, world)]
    probes: list[list[str]] = [refused]
    takes_value = [a for a in leaf.actions if a.nargs != 0]
    nasty = TEXT["all-at-once"].replace("\x00", "")  # argv cannot carry a NUL
    if leaf.words not in STARTS_A_TUI and takes_value:
        argv = driver._replace(leaf, [], takes_value[0], nasty, world)
        probes.append(["--db", str(db), f"--as={nasty}", *argv])
    failures = []
    outcomes = []
    for argv in probes:
        started = time.monotonic()
        done = run(argv, tmp_path)
        outcomes.append(done)
        failures += [f"{argv[:4]}: {p}" for p in contract(done, tmp_path)]
        assert time.monotonic() - started < TIMEOUT_S
    # (whether the damaged store is refused is the in-process corpus' job: it sees which
    # commands open it; here the process contract: no crash, clean streams, an exit code)
    assert not failures, failures


def test_invalid_utf8_in_argv(world: dict[str, Any], tmp_path: Path) -> None:
    db = tmp_path / "store.db"
    shutil.copyfile(world["template"], db)
    for argv in (
        ["log", "INC-1", b"caf\xe9 \xff\xfe"],
        ["log", b"\xff", "x"],
        ["declare", b"\xc3\x28 bad", "--sev", "2"],
        ["role", "INC-1", b"\xff\x1b]0;t\x07", "bob"],
        ["show", "INC-1", b"--json\xff"],
        [b"\xff\xfe"],
    ):
        done = run(["--db", str(db), *argv], tmp_path)
        assert done.returncode in (0, 2), (argv, done.stderr)
        assert not contract(done, tmp_path), (argv, contract(done, tmp_path))
    log = run(["--db", str(db), "show", "INC-1"], tmp_path).stdout.decode()
    assert "caf� ��" in log  # stored readable, the bad bytes shown as U+FFFD


@pytest.mark.parametrize(
    "argv, fragment",
    [
        (["log", "INC-1", "x", "--at=-99999999999h"], "too far in the past"),
        (["amend", "INC-1", "99999999999999999999999", "x"], "too large"),
        (["sync", "--retry", "99999999999999999999999"], "too large"),
        (["log", "INC-1", "x", "--at", "0999-06-01T00:00:00+00:00"], ""),
    ],
)
def test_user_errors_exit_2_naming_what_is_wrong(
    argv: list[str], fragment: str, world: dict[str, Any], tmp_path: Path
) -> None:
    db = tmp_path / "store.db"
    shutil.copyfile(world["template"], db)
    done = run(["--db", str(db), *argv], tmp_path)
    assert not contract(done, tmp_path)
    if fragment:
        assert done.returncode == 2 and fragment.encode() in done.stderr, done.stderr


@pytest.mark.parametrize(
    "name, fragment", [("alias-bomb.yaml", b"aliases"), ("huge-number-policy.yaml", b"366d")]
)
def test_a_hostile_policy_is_refused_fast_with_its_line(
    name: str, fragment: bytes, hostile_files: dict[str, Path], tmp_path: Path
) -> None:
    path = hostile_files[name]
    assert path.stat().st_size < 4096
    started = time.monotonic()
    done = run(
        ["--db", str(tmp_path / "s.db"), "--policy", str(path), "declare", "x", "--sev", "1"],
        tmp_path,
    )
    elapsed = time.monotonic() - started
    assert done.returncode == 2 and fragment in done.stderr, done.stderr
    assert f"{path}:".encode() in done.stderr  # file:line
    assert elapsed < 10  # a process start; the refusal itself takes milliseconds
    assert not (tmp_path / "s.db").exists() or done.returncode == 2


def test_the_policy_refusal_itself_takes_milliseconds(hostile_files: dict[str, Path]) -> None:
    from irtui.domain.policy import PolicyError, load_policy

    started = time.perf_counter()
    with pytest.raises(PolicyError, match=r"alias-bomb\.yaml:1: .*aliases"):
        load_policy(hostile_files["alias-bomb.yaml"])
    assert time.perf_counter() - started < 0.2


CRASHER = """
import sys
import irtui.cli.core_cmds as core
def broken(args, ctx):
    raise RuntimeError("the payments-db password is hunter2 at postgresql://u:hunter2@db/x")
core.cmd_list = broken
from irtui.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def test_a_crash_exits_1_with_a_short_line_and_a_private_log(tmp_path: Path) -> None:
    state = tmp_path / "state"
    done = subprocess.run(
        [sys.executable, "-c", CRASHER, "--db", str(tmp_path / "s.db"), "list"],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        env={**os.environ, "IRTUI_STATE_DIR": str(state)},
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stderr and "hunter2" not in done.stderr
    assert "payments-db" not in done.stderr  # no incident data on the screen
    assert done.stderr.count("\n") == 1 and "unexpected error (RuntimeError)" in done.stderr
    (log,) = state.glob("crash-*.log")
    assert str(log) in done.stderr
    assert stat.S_IMODE(state.stat().st_mode) == 0o700
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    text = log.read_text()
    assert "Traceback" in text and "RuntimeError" in text and "broken" in text
    assert "postgresql://u:***@db/x" in text  # the DSN password is taken out of the log too


def test_a_crash_with_no_writable_state_dir_still_says_something(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    done = subprocess.run(
        [sys.executable, "-c", CRASHER, "--db", str(tmp_path / "s.db"), "list"],
        capture_output=True,
        text=True,
        timeout=TIMEOUT_S,
        env={**os.environ, "IRTUI_STATE_DIR": str(blocker / "state")},
    )
    assert done.returncode == 1 and "unexpected error (RuntimeError)" in done.stderr
    assert "Traceback" not in done.stderr
