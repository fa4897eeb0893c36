"""`irtui publish` and `irtui sync` in-process, against the fake Statuspage on 127.0.0.1."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from irtui.cli.context import CliContext
from irtui.cli.main import main
from irtui.domain.timeutil import ManualClock
from irtui.store.repo import Store
from tests.sync.conftest import TOKEN
from tests.sync.fake_statuspage import FakeStatuspage, serve


def run(argv: list[str], clock: ManualClock) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(argv, ctx=CliContext(None, clock=clock, out=out, err=err))  # type: ignore[arg-type]
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def configured(monkeypatch: pytest.MonkeyPatch, db_path: Path) -> Path:
    config_dir = Path(os.environ["IRTUI_CONFIG_DIR"])
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "statuspage.yaml").write_text(
        "page_id: page1\ncomponents: {checkout: cmpcheckout1}\nmin_interval: 0\n"
    )
    monkeypatch.setenv("IRTUI_DB", str(db_path))
    return config_dir


def test_publish_dry_run_then_queue_then_status(
    configured: Path, store: Store, clock: ManualClock
) -> None:
    inc = store.declare("Checkout down", 1, services=["checkout"])
    code, out, _ = run(["publish", inc.id, "Investigating.", "--dry-run"], clock)
    assert code == 0 and "creates a NEW status-page incident" in out
    assert "checkout (cmpcheckout1) -> major_outage" in out
    code, out, _ = run(
        ["publish", inc.id, "Investigating.", "--no-notify", "--impact", "major", "--json"], clock
    )
    data = json.loads(out)
    assert code == 0 and data["state"] == "pending"
    assert data["payload"]["notify"] is False and data["payload"]["impact"] == "major"
    code, out, _ = run(["sync", "--status", "--json"], clock)
    status = json.loads(out)
    assert status["summary"]["pending"] == 1
    assert status["messages"][0]["body"] == "Investigating."
    code, out, _ = run(["sync", "--status"], clock)
    assert "outbox: pending 1" in out and f"#1 {inc.id} create investigating: pending" in out


def test_publish_bad_input_exits_2(configured: Path, store: Store, clock: ManualClock) -> None:
    inc = store.declare("Checkout down", 1, services=["checkout"])
    code, _, err = run(["publish", inc.id, "x", "--status", "on-fire"], clock)
    assert code == 2 and "status must be one of" in err
    code, _, err = run(["publish", inc.id, "   "], clock)
    assert code == 2 and "needs text" in err
    code, _, err = run(["publish", "INC-99", "x"], clock)
    assert code == 2 and "INC-99" in err
    code, _, err = run(["sync", "--retry", "42"], clock)
    assert code == 2 and "no outbox message 42" in err


def test_sync_without_a_token_says_so(configured: Path, store: Store, clock: ManualClock) -> None:
    code, _, err = run(["sync", "--once"], clock)
    assert code == 2 and "IRTUI_STATUSPAGE_TOKEN" in err


def test_sync_once_delivers_and_retry_requeues(
    configured: Path, store: Store, clock: ManualClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    inc = store.declare("Checkout down", 1, services=["checkout"])
    fake = FakeStatuspage(page_id="page1", token=TOKEN)
    monkeypatch.setenv("IRTUI_STATUSPAGE_TOKEN", TOKEN)
    with serve(fake) as url:
        monkeypatch.setenv("IRTUI_STATUSPAGE_URL", url)
        assert run(["publish", inc.id, "one"], clock)[0] == 0
        assert run(["publish", inc.id, "two", "--status", "resolved"], clock)[0] == 0
        fake.forced = ["", "401"]
        code, out, _ = run(["sync", "--once"], clock)
        assert code == 1 and "#1 INC-1: failed" in out and TOKEN not in out
        code, out, _ = run(["sync", "--status"], clock)
        assert "failed messages need a human" in out and TOKEN not in out
        assert run(["sync", "--retry", "1"], clock)[0] == 0
        code, out, _ = run(["sync", "--once", "--json"], clock)
        assert code == 0, out
    assert fake.bodies(inc.id) == ["one", "two"]
    (remote,) = fake.by_local_id()[inc.id]
    assert remote["status"] == "resolved" and remote["components"] == {
        "cmpcheckout1": "operational"
    }


def test_token_is_never_printed_or_exported(
    configured: Path,
    store: Store,
    clock: ManualClock,
    monkeypatch: pytest.MonkeyPatch,
    db_path: Path,
) -> None:
    inc = store.declare("Checkout down", 1, services=["checkout"])
    monkeypatch.setenv("IRTUI_STATUSPAGE_TOKEN", TOKEN)
    monkeypatch.setenv("IRTUI_STATUSPAGE_URL", "http://127.0.0.1:9/v1")  # discard port: down
    from irtui.sync.background import OutboxWorker

    monkeypatch.setattr(OutboxWorker, "_sleep", lambda self, seconds: None)  # no real backoff
    outputs: list[str] = []
    for argv in (
        ["publish", inc.id, "one"],
        ["sync", "--once"],
        ["sync", "--status", "--all"],
        ["sync", "--status", "--json"],
        ["show", inc.id],
        ["export", inc.id],
    ):
        _, out, err = run(argv, clock)
        outputs.append(out + err)
    assert all(TOKEN not in text for text in outputs)
    assert "cannot connect" in outputs[1]
    for path in db_path.parent.glob(db_path.name + "*"):
        assert TOKEN.encode() not in path.read_bytes()
    for path in configured.rglob("*"):
        assert not path.is_file() or TOKEN not in path.read_text()


def test_sync_loop_runs_until_interrupted(configured: Path, store: Store, tmp_path: Path) -> None:
    """`irtui sync` (no --once) keeps delivering and says each delivery as it happens, into a
    pipe too (`irtui sync | tee sync.log`); Ctrl-C ends it with exit 130."""
    import signal
    import threading

    inc = store.declare("Checkout down", 1, services=["checkout"])
    fake = FakeStatuspage(page_id="page1", token=TOKEN)
    with serve(fake) as url:
        env = {**os.environ, "IRTUI_STATUSPAGE_TOKEN": TOKEN, "IRTUI_STATUSPAGE_URL": url}
        env.pop("PYTHONUNBUFFERED", None)  # a pipe buffers as it does under cron or tee
        proc = subprocess.Popen(
            [sys.executable, "-m", "irtui.cli.main", "sync"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        lines: list[str] = []
        said = threading.Event()

        def read() -> None:
            assert proc.stdout is not None
            for line in proc.stdout:
                lines.append(line)
                if "sent" in line:
                    said.set()

        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        try:
            from irtui.sync.config import load_config
            from irtui.sync.publish import publish

            publish(store, inc.id, "while running", load_config())
            # Interrupt only once the CLI has said the delivery: the store having it as sent
            # is not yet the loop having printed it (a Ctrl-C between the two says nothing).
            assert said.wait(30), f"the loop never said the delivery: {lines}"
        finally:
            proc.send_signal(signal.SIGINT)
            _out, err = proc.communicate(timeout=20)
            reader.join(timeout=5)
    assert fake.bodies(inc.id) == ["while running"]
    assert proc.returncode == 130, err
    assert any("sent" in line for line in lines)
