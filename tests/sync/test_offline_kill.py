"""Offline: publish 20 updates with the network down, SIGKILL the process, restart with the
network up — all 20 delivered exactly once, in order. Real processes, a real socket."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from irtui.store.repo import Store
from tests.sync.conftest import TOKEN
from tests.sync.fake_statuspage import FakeStatuspage, serve

N = 20


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _states(db: Path) -> list[tuple[str, int]]:
    con = sqlite3.connect(db, timeout=10)
    try:
        return list(con.execute("SELECT state, attempts FROM outbox ORDER BY id"))
    finally:
        con.close()


@pytest.mark.slow
def test_twenty_updates_survive_no_network_and_a_kill(tmp_path: Path) -> None:
    port = _free_port()  # nothing listens here yet: "the network is down"
    config_dir = Path(os.environ["IRTUI_CONFIG_DIR"])
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "statuspage.yaml").write_text(
        textwrap.dedent(f"""\
        page_id: page1
        base_url: http://127.0.0.1:{port}/v1
        components: {{checkout: cmpcheckout1}}
        min_interval: 0
        timeout: 2
        """)
    )
    db = tmp_path / "war-room.db"
    with Store.open(db, author="comms") as store:
        inc = store.declare("Checkout down", 1, services=["checkout"])
    env = {**os.environ, "IRTUI_DB": str(db), "IRTUI_STATUSPAGE_TOKEN": TOKEN}
    script = textwrap.dedent(f"""\
        from irtui.cli.main import main
        for n in range({N}):
            assert main(["publish", "{inc.id}", f"update {{n}}"]) == 0
        main(["sync"])  # loops until killed
        """)
    proc = subprocess.Popen(
        [sys.executable, "-c", script], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            states = _states(db) if db.exists() else []
            if len(states) == N and states[0] == ("retrying", 1):
                break
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.05)
        else:
            pytest.fail(f"the publisher never reached the retrying state: {states}")
        assert [s for s, _ in states[1:]] == ["pending"] * (N - 1)  # held back, in order
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL

    fake = FakeStatuspage(page_id="page1", token=TOKEN)
    with serve(fake, port=port):  # the network is back
        done = subprocess.run(
            [sys.executable, "-m", "irtui.cli.main", "sync", "--once"],
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 0, done.stderr + done.stdout
    assert done.stdout.count(": sent") == N
    assert len(fake.by_local_id()[inc.id]) == 1
    assert fake.bodies(inc.id) == [f"update {n}" for n in range(N)]
    assert [s for s, _ in _states(db)] == ["sent"] * N
    assert TOKEN not in done.stdout + done.stderr
