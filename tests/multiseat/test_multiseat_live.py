"""Issue 7, live refresh: what one seat commits, every other seat shows within a second.

- `ChangeFeed` (the polling helper in `irtui.store.live`) on both engines;
- two real `IrtuiApp`s driven by Pilot in one event loop, each with its own connection, on a
  SQLite file and on PostgreSQL: an entry typed in one appears in the other's timeline;
- an app and the real `irtui` command line in another process (board and timeline);
- two real TUIs in tmux on one SQLite file (`irtui tui INC-1`), typed into with send-keys.

The apps keep their default 0.5 s poll: the 1 s bound is what users get, not a test setting.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from multiseat_support import IRTUI_BIN, child_env

from irtui.domain.timeutil import ManualClock
from irtui.store.live import ChangeFeed
from irtui.store.repo import Store

WITHIN_S = 2.0
"""The promise is "another seat's write on screen within a second" at the 0.5 s poll; that
latency is measured by bench/bench_multiseat.py (speed belongs in benchmarks). Here the bound
only proves the seat follows live, with room for a loaded machine's scheduling."""


# --- ChangeFeed --------------------------------------------------------------------------
def test_change_feed_reports_each_change_once(store_url: str, clock: ManualClock) -> None:
    with (
        Store.open(store_url, clock=clock, author="ic") as a,
        Store.open(store_url, clock=clock, author="scribe") as b,
    ):
        a.declare("one", 2)
        feed = ChangeFeed(b)
        assert feed.poll() == []
        a.log("INC-1", "first")
        assert feed.poll() == ["INC-1"]
        assert feed.poll() == []
        a.declare("two", 3)
        a.log("INC-1", "second")
        a.ack("INC-2")
        assert feed.poll() == ["INC-1", "INC-2"]
        assert feed.marker == a.change_marker() == b.change_marker()
        assert ChangeFeed(b, marker=0).poll() == ["INC-1", "INC-2"]  # a new seat catches up
        # a counter that went backwards means another store: everything is reported
        assert ChangeFeed(b, marker=10_000).poll() == ["INC-1", "INC-2"]


def test_change_feed_wait_sees_another_seats_commit_promptly(store_url: str) -> None:
    with Store.open(store_url, author="ic") as a, Store.open(store_url, author="scribe") as b:
        a.declare("wait", 2)
        feed = ChangeFeed(b)
        committed: list[float] = []

        def later() -> None:
            time.sleep(0.3)
            a.log("INC-1", "from the other seat")
            committed.append(time.monotonic())

        t = threading.Thread(target=later)
        t.start()
        changed = feed.wait(5.0, interval=0.1)
        seen = time.monotonic()
        t.join()
        assert changed == ["INC-1"]
        assert seen - committed[0] < 0.1 + 0.3  # one poll interval plus scheduling slack
        assert feed.wait(0.2) == []  # nothing more: returns after the timeout, empty


# --- two Textual apps (Pilot) -------------------------------------------------------------
def _app(store: Store, clock: ManualClock | None, name: str, open_incident: str | None):  # type: ignore[no-untyped-def]
    from irtui.tui.app import IrtuiApp

    return IrtuiApp(
        store,
        clock=clock,
        seat_name=name,
        background_sync=False,
        bell=False,
        open_incident=open_incident,
    )


async def _until(pilot, check: Callable[[], bool], timeout: float = 3.0) -> float:  # type: ignore[no-untyped-def]
    """Let the app run until `check()` holds; returns the seconds it took."""
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > timeout:
            raise AssertionError(f"not seen within {timeout} s")
        await pilot.pause(0.02)
    return time.monotonic() - started


async def test_entry_typed_in_one_tui_appears_in_the_other(
    store_url: str, clock: ManualClock
) -> None:
    a_store = Store.open(store_url, clock=clock, author="ic")
    b_store = Store.open(store_url, clock=clock, author="scribe")
    try:
        a_store.declare("two seats", 2)
        a = _app(a_store, clock, "ic", "INC-1")
        b = _app(b_store, clock, "scribe", "INC-1")
        async with a.run_test(size=(120, 40)) as pa, b.run_test(size=(120, 40)) as pb:
            await _until(pa, lambda: getattr(a.screen, "row_ids", None) is not None)
            await _until(pb, lambda: getattr(b.screen, "row_ids", None) is not None)
            before = b_store.change_marker()
            text = "failover [/x]"
            await pa.press(*text, "enter")  # the incident opens with its entry line focused
            await _until(pa, lambda: a_store.change_marker() > before)  # A committed
            committed = time.monotonic()
            key = f"e:{a_store.change_marker()}"
            await _until(pb, lambda: key in b.screen.row_ids)
            latency = time.monotonic() - committed
            assert latency < WITHIN_S, latency
            assert b.screen.entries[-1].text == text and b.screen.entries[-1].author == "ic"

            # and back the other way, while A is still looking
            before = a_store.change_marker()
            await pb.press(*"ack [b]", "enter")
            await _until(pb, lambda: b_store.change_marker() > before)
            committed = time.monotonic()
            key = f"e:{b_store.change_marker()}"
            await _until(pa, lambda: key in a.screen.row_ids)
            assert time.monotonic() - committed < WITHIN_S

            # presence: each seat sees the other on this incident once both have beaten
            a.beat()
            b.beat()
            assert a.who_else("INC-1") == ["scribe"]
            assert b.who_else("INC-1") == ["ic"]
    finally:
        a_store.close()
        b_store.close()


async def test_board_and_timeline_follow_the_command_line_of_another_seat(tmp_path: Path) -> None:
    db = tmp_path / "room.db"
    store = Store.open(db, author="ic")  # real clock: the CLI seat has no other
    try:
        app = _app(store, None, "ic", None)
        async with app.run_test(size=(120, 40)) as pilot:
            table = app.screen.query_one("#board-table")
            assert table.row_count == 0

            def cli(*argv: str) -> str:
                proc = subprocess.run(
                    [IRTUI_BIN, *argv, "--db", str(db), "--as", "comms"],
                    capture_output=True,
                    text=True,
                    env=child_env(),
                    timeout=60,
                )
                assert proc.returncode == 0 and proc.stderr == "", proc.stderr
                return proc.stdout.strip()

            out = cli("declare", "payments API 5xx", "--sev", "2")
            committed = time.monotonic()
            assert out.startswith("INC-1")
            await _until(pilot, lambda: "INC-1" in app.screen.rows)
            assert time.monotonic() - committed < WITHIN_S

            app.open("INC-1")
            await _until(pilot, lambda: getattr(app.screen, "row_ids", None) is not None)
            event_id = int(cli("log", "INC-1", "rolled back deploy 4411"))
            committed = time.monotonic()
            await _until(pilot, lambda: f"e:{event_id}" in app.screen.row_ids)
            assert time.monotonic() - committed < WITHIN_S
            assert app.screen.entries[-1].author == "comms"
    finally:
        store.close()


# --- two real TUIs in tmux ----------------------------------------------------------------
def _tmux(*args: str) -> str:
    return subprocess.run(
        ["tmux", *args], capture_output=True, text=True, check=True, timeout=10
    ).stdout


@pytest.mark.slow
def test_two_real_tuis_in_tmux_see_each_others_entries(tmp_path: Path) -> None:
    if shutil.which("tmux") is None:
        pytest.skip("NO TMUX: install tmux to run the two-real-terminals test (CI has it)")
    db = tmp_path / "room.db"
    with Store.open(db, author="setup") as s:
        s.declare("tmux war room", 2)
    sock = f"irtui-ms-{uuid.uuid4().hex[:8]}"
    env = " ".join(
        f"{k}={v}" for k, v in child_env().items() if k.startswith("IRTUI_") and "/" in v
    )
    sessions = {"ic": "a", "scribe": "b"}
    try:
        for name, session in sessions.items():
            subprocess.run(
                [
                    "tmux",
                    "-L",
                    sock,
                    "new-session",
                    "-d",
                    "-s",
                    session,
                    "-x",
                    "140",
                    "-y",
                    "40",
                    f"env TERM=xterm-256color {env} {IRTUI_BIN} tui INC-1 --db {db} --as {name}",
                ],
                check=True,
                timeout=10,
            )

        def screen(session: str) -> str:
            return _tmux("-L", sock, "capture-pane", "-p", "-t", session)

        def wait_for(session: str, text: str, timeout: float) -> float:
            started = time.monotonic()
            while text not in screen(session):
                if time.monotonic() - started > timeout:
                    raise AssertionError(f"{text!r} not on {session}:\n{screen(session)}")
                time.sleep(0.02)
            return time.monotonic() - started

        for session in sessions.values():
            wait_for(session, "tmux war room", 15)  # both TUIs are up on INC-1
        with Store.open(db, author="checker") as s:
            for typist, watcher, text in (
                ("a", "b", "typed in pane A"),
                ("b", "a", "typed in pane B"),
            ):
                before = s.change_marker()
                # the incident screen opens with the entry line focused: just type
                _tmux("-L", sock, "send-keys", "-t", typist, "-l", text)
                _tmux("-L", sock, "send-keys", "-t", typist, "Enter")
                started = time.monotonic()
                while s.change_marker() == before:  # wait for the commit in the typist's TUI
                    assert time.monotonic() - started < 10, screen(typist)
                    time.sleep(0.005)
                latency = wait_for(watcher, text, 5)
                assert latency < WITHIN_S, latency
                assert s.timeline("INC-1")[-1].text == text
    finally:
        subprocess.run(["tmux", "-L", sock, "kill-server"], capture_output=True, timeout=10)


def _presence_text(app) -> str:  # type: ignore[no-untyped-def]
    return str(app.screen.query_one("#presence").content)


async def test_other_seat_on_the_incident_is_shown_within_two_seconds(
    db_path: Path, clock: ManualClock
) -> None:
    a_store = Store.open(db_path, clock=clock, author="ic")
    b_store = Store.open(db_path, clock=clock, author="scribe")
    try:
        a_store.declare("who is here", 2)
        a = _app(a_store, clock, "ic", "INC-1")
        b = _app(b_store, clock, "scribe", "INC-1")
        async with a.run_test(size=(120, 40)) as pa, b.run_test(size=(120, 40)) as pb:
            await _until(pa, lambda: getattr(a.screen, "row_ids", None) is not None)
            await _until(pb, lambda: getattr(b.screen, "row_ids", None) is not None)
            await _until(pa, lambda: "scribe" in _presence_text(a), timeout=2.0)
            await _until(pb, lambda: "ic" in _presence_text(b), timeout=2.0)
    finally:
        a_store.close()
        b_store.close()
