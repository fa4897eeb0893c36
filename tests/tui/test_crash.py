"""A TUI crash exits non-zero, writes the traceback to a private log in the user state dir
(0600 in 0700), keeps the typed text that was not saved in it, and shows the terminal only
a short message with the path — never a traceback with incident data in its locals."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from irtui.domain.timeutil import ManualClock
from irtui.paths import state_dir
from irtui.store.repo import Store
from tests.tui.conftest import make_app


def test_state_dir_honours_its_override(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("IRTUI_STATE_DIR", str(tmp_path / "st"))
    assert state_dir() == tmp_path / "st"
    monkeypatch.delenv("IRTUI_STATE_DIR")
    assert state_dir().name == "irtui"


async def test_a_crash_leaves_a_private_log_and_a_short_message(
    store: Store,
    clock: ManualClock,
    demo_ids: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
):
    monkeypatch.setenv("IRTUI_STATE_DIR", str(tmp_path / "state"))
    app = make_app(store, clock)
    secret = "SECRET-customer-list-in-a-local"

    def boom() -> None:
        customer_data = secret  # a local Textual would have printed
        raise RuntimeError(f"internal failure near {len(customer_data)} bytes")

    with pytest.raises(RuntimeError):
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
            await pilot.press(*"half typed note")
            app.call_later(boom)
            await pilot.pause()
    assert app.return_code == 1
    assert app.crash_log is not None
    log = Path(app.crash_log)
    assert stat.S_IMODE(log.stat().st_mode) == 0o600
    assert stat.S_IMODE(log.parent.stat().st_mode) == 0o700
    text = log.read_text()
    assert "RuntimeError: internal failure" in text and "half typed note" in text
    shown = capsys.readouterr()
    out = shown.out + shown.err
    assert secret not in out and "customer_data" not in out and "Traceback" not in out
