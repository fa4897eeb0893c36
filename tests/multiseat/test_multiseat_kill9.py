"""Issue 7, durability under kill -9: seats SIGKILLed at random moments while several of them
write lose nothing they acknowledged, and the store stays healthy for the seats that remain."""

from __future__ import annotations

import random
import signal
import subprocess
import time
from pathlib import Path

import pytest
from multiseat_support import IRTUI_BIN, WRITER, child_env, go, start_seats, write_script

from irtui.domain.model import EventKind
from irtui.store.repo import Store

ROUNDS = 4
SEATS = 3


def _acknowledged(out: str) -> list[tuple[int, str]]:
    lines = out.split("\n")
    complete = lines[:-1]  # the last piece is "" or a line cut short by the kill
    return [(int(i), text) for i, text in (line.split(" ", 1) for line in complete)]


@pytest.mark.slow
def test_kill9_of_seats_mid_write_loses_nothing_acknowledged(
    store_url: str, tmp_path: Path
) -> None:
    with Store.open(store_url, author="setup") as s:
        inc = s.declare("kill -9 war room", 1).id
    script = write_script(tmp_path, "writer", WRITER)
    rng = random.Random(20261122)
    acked: list[tuple[int, str]] = []
    for rnd in range(ROUNDS):
        names = [f"r{rnd}s{k}" for k in range(SEATS)]
        procs = start_seats(script, [(store_url, n, inc, -1, 0) for n in names])
        go(procs)
        # each seat dies at its own random moment while all of them are writing
        for proc in sorted(procs, key=lambda _p: rng.random()):
            time.sleep(rng.uniform(0.05, 0.35))
            proc.send_signal(signal.SIGKILL)
        for proc in procs:
            out, err = proc.communicate(timeout=30)
            assert proc.returncode == -signal.SIGKILL, err
            assert err == "", err
            acked += _acknowledged(out)
        # the store is immediately usable by a surviving seat (no stale lock left behind)
        with Store.open(store_url, author="survivor") as s:
            started = time.monotonic()
            s.log(inc, f"survivor after round {rnd}")
            assert time.monotonic() - started < 5
    assert len(acked) >= ROUNDS * SEATS * 3, len(acked)
    with Store.open(store_url, author="checker") as s:
        assert s.db.integrity_check() == "ok"
        stored = {e.id: e.payload["text"] for e in s.events(inc) if e.kind == EventKind.ENTRY}
        missing = [(i, t) for i, t in acked if stored.get(i) != t]
        assert not missing, missing[:5]
        assert s.verify_projection(inc)
        assert s.change_marker() == max(e.id for e in s.events(inc))
        if s.db.dialect == "sqlite":  # and the file is still a clean WAL database
            assert s.db.scalar("PRAGMA journal_mode") == "wal"
            assert s.db.scalar("PRAGMA foreign_key_check") is None


@pytest.mark.slow
def test_kill9_of_irtui_log_commands_on_both_engines(store_url: str) -> None:
    """The real CLI, killed at random moments: an id printed means the entry is stored."""
    with Store.open(store_url, author="setup") as s:
        inc = s.declare("kill -9 cli", 2).id
    # calibrate: kill anywhere between start-up and a little after a normal run's end
    started = time.monotonic()
    subprocess.run(
        [IRTUI_BIN, "log", inc, "calibration", "--db", store_url],
        check=True,
        capture_output=True,
        env=child_env(),
        timeout=60,
    )
    span = (time.monotonic() - started) * 1.5
    rng = random.Random(7)
    acked: dict[int, str] = {}
    killed = 0
    for n in range(60):
        if killed >= 5 and len(acked) >= 5:
            break
        text = f"cli-{n}"
        proc = subprocess.Popen(
            [IRTUI_BIN, "log", inc, text, "--db", store_url],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=child_env(),
        )
        time.sleep(rng.uniform(0.0, span))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed += 1
        out, err = proc.communicate(timeout=30)
        if proc.returncode == 0:
            assert err == ""
            acked[int(out.strip())] = text
        else:
            assert proc.returncode == -signal.SIGKILL, err
        # steer the kill window towards the moment of commit (half killed, half acked)
        span *= 1.2 if proc.returncode != 0 else 0.85
    assert killed >= 5 and len(acked) >= 5, (killed, len(acked))
    with Store.open(store_url, author="checker") as s:
        assert s.db.integrity_check() == "ok"
        stored = {e.id: e.payload["text"] for e in s.events(inc) if e.kind == EventKind.ENTRY}
        assert all(stored.get(i) == t for i, t in acked.items())
        assert s.verify_projection(inc)
