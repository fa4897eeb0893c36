"""A killed and restarted drill resumes where it was: a real `irtui drill run --headless`
process is SIGKILLed mid-drill, the drill is paused from another process while no runner is
alive, and a new `irtui drill facilitate --headless` picks it up. The drill clock is stored
facts, so every inject still comes exactly once and at its drill time."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest

from irtui.domain.timeutil import clock_env, offset_clock
from irtui.drills.clock import drill_now, started_at
from irtui.store.repo import Store
from tests.conftest import T0
from tests.drills.conftest import fired, write

SCRIPT = """\
title: Kill and restart
severity: 2
injects:
  - {id: i0, at: +0m, kind: alert, text: zero}
  - {id: i1, at: +1m, kind: metric, text: one}
  - {id: i2, at: +2m, kind: metric, text: two}
  - {id: i4, at: +4m, kind: metric, text: four}
  - {id: i6, at: +6m, kind: metric, text: six}
  - {id: after2, after: inject i2, delay: +3m, kind: news, text: five}
"""
IRTUI = [sys.executable, "-m", "irtui"]
OFFSETS = {"i0": 0, "i1": 1, "i2": 2, "i4": 4, "i6": 6, "after2": 5}
"""Each inject's drill minute."""


def _env(db: Path, clock) -> dict[str, str]:
    env = {**os.environ, "IRTUI_DB": str(db), "IRTUI_USER": "facilitator"}
    env.update(clock_env(clock, frozen=False))  # the child's clock runs on from ours
    return env


def _wait_for(db: Path, iid: str, n: int, timeout: float = 30.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with Store.open(db, author="watcher") as s:
            got = fired(s, iid)
        if len(got) >= n:
            return got
        time.sleep(0.05)
    raise AssertionError(f"only {len(got)} of {n} injects fired in {timeout} s")


@pytest.mark.slow
def test_sigkilled_runner_restarts_and_resumes_the_drill(tmp_path: Path) -> None:
    db = tmp_path / "drill.db"
    scenario = write(tmp_path, SCRIPT)
    clock = offset_clock(T0)  # real rate, starting at T0: the children get the same clock
    # speed 60: one drill minute a real second
    run = subprocess.Popen(
        [*IRTUI, "drill", "run", str(scenario), "--headless", "--speed", "60", "--tick", "0.05"],
        env=_env(db, clock),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        got = _wait_for(db, "INC-1", 2)  # i0 and i1 played
        run.send_signal(signal.SIGKILL)
        out, err = run.communicate(timeout=30)
    finally:
        if run.poll() is None:
            run.kill()
    assert run.returncode == -signal.SIGKILL, err
    assert "Traceback" not in err
    assert "zero" in out
    assert {"i0", "i1"} <= set(got) and "i4" not in got
    # no runner alive: pause from another process, let real time pass
    paused = subprocess.run(
        [*IRTUI, "drill", "pause", "INC-1"], env=_env(db, clock), capture_output=True, text=True
    )
    assert paused.returncode == 0, paused.stderr
    with Store.open(db, author="watcher") as s:
        frozen_at = drill_now(s.events("INC-1"), clock())
    time.sleep(1.0)
    with Store.open(db, author="watcher") as s:
        assert drill_now(s.events("INC-1"), clock()) == frozen_at  # paused: stood still
        start = started_at(s.events("INC-1"))
    assert start is not None
    paused_at = (frozen_at - start).total_seconds() / 60
    # while paused, a runner may only catch up on what was due before the pause
    before = {k for k, m in OFFSETS.items() if m <= paused_at}
    resume = subprocess.Popen(
        [*IRTUI, "drill", "facilitate", "INC-1", "--headless", "--tick", "0.05"],
        env=_env(db, clock),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for(db, "INC-1", len(before))  # the new runner is up and has caught up ...
        time.sleep(1.0)  # ... and, the drill being paused, plays nothing more
        with Store.open(db, author="watcher") as s:
            assert set(fired(s, "INC-1")) == before
        resumed = subprocess.run(
            [*IRTUI, "drill", "resume", "INC-1"],
            env=_env(db, clock),
            capture_output=True,
            text=True,
        )
        assert resumed.returncode == 0, resumed.stderr
        got = _wait_for(db, "INC-1", 6)
    finally:
        resume.send_signal(signal.SIGKILL)
        out, err = resume.communicate(timeout=30)
    assert "Traceback" not in err
    assert "PAUSED" in out  # it saw the drill where it was: paused
    assert T0 <= start < T0 + timedelta(seconds=30)
    stamped = {k: round((e.at - start).total_seconds() / 60, 6) for k, e in got.items()}
    # every inject once, at its drill time; the pause shifted nothing on the drill clock
    assert stamped == OFFSETS
    with Store.open(db, author="checker") as s:
        assert s.db.integrity_check() == "ok"
        assert s.verify_projection("INC-1")
        assert drill_now(s.events("INC-1"), clock()) >= start + timedelta(minutes=6)
