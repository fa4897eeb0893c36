"""Durability: writers killed with SIGKILL at random moments lose nothing they acknowledged."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from irtui.store.repo import Store

IRTUI = [sys.executable, "-m", "irtui.cli.main"]


@pytest.mark.slow
def test_sigkilled_irtui_log_loses_no_acknowledged_entry(db_path: Path) -> None:
    with Store.open(db_path, author="setup") as s:
        s.declare("durability", 1)
    rng = random.Random(20261122)
    acknowledged: list[str] = []
    killed = 0
    env = {**os.environ, "IRTUI_DB": str(db_path)}
    # How long one `irtui log` takes on this machine right now: kill moments are drawn from
    # [0, 1.5 x that], so roughly half the writers die mid-flight whatever the load.
    start = time.perf_counter()
    subprocess.run([*IRTUI, "log", "INC-1", "warm-up"], env=env, check=True, capture_output=True)
    full = time.perf_counter() - start
    n = 0
    while n < 40 or killed < 5 or len(acknowledged) < 5:
        assert n < 300, (killed, len(acknowledged))
        text = f"entry-{n}"
        n += 1
        proc = subprocess.Popen(
            [*IRTUI, "log", "INC-1", text], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        time.sleep(rng.uniform(0.0, 1.5 * full))
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            killed += 1
        _out, err = proc.communicate()
        if proc.returncode == 0:
            acknowledged.append(text)
        else:
            assert proc.returncode == -signal.SIGKILL, err.decode()
    with Store.open(db_path) as s:
        assert s.db.integrity_check() == "ok"
        present = {t.text for t in s.timeline("INC-1")}
        assert set(acknowledged) <= present
        assert s.verify_projection("INC-1")


WRITER = textwrap.dedent("""
    import sys
    from irtui.store.repo import Store
    store = Store.open(sys.argv[1], author="writer")
    n = int(sys.argv[2])
    while True:
        event = store.log("INC-1", f"w-{n}")
        print(f"w-{n}", flush=True)   # printed only after COMMIT returned
        n += 1
""")


@pytest.mark.slow
def test_sigkilled_long_running_writer_keeps_every_acknowledged_entry(
    db_path: Path, tmp_path: Path
) -> None:
    with Store.open(db_path, author="setup") as s:
        s.declare("durability", 1)
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    rng = random.Random(7)
    acknowledged: list[str] = []
    start = 0
    for _round in range(6):
        proc = subprocess.Popen(
            [sys.executable, str(script), str(db_path), str(start)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        # Kill at a random moment *while it writes*: wait for its first committed entry (a
        # loaded machine can take longer than the whole window just to start Python).
        first = proc.stdout.readline() if proc.stdout else ""
        time.sleep(rng.uniform(0.3, 0.8))
        proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate()
        lines = [first.strip(), *out.splitlines()] if first.strip() else out.splitlines()
        acknowledged += lines
        start += 100_000
    assert len(acknowledged) > 20
    with Store.open(db_path) as s:
        assert s.db.integrity_check() == "ok"
        present = {t.text for t in s.timeline("INC-1")}
        missing = [a for a in acknowledged if a not in present]
        assert not missing, missing[:5]
        assert s.verify_projection("INC-1")
