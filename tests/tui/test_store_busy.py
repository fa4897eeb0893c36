"""A store held busy by another process (a backup, a stuck seat) must not freeze the war room:
the countdowns keep ticking, keys are handled, the typed line is kept with a visible "store
busy, retrying…" state, and it is committed once the lock is released."""

from __future__ import annotations

import subprocess
import sys
import time

from textual.widgets import Input

from irtui.domain.timeutil import ManualClock
from irtui.store.repo import Store
from tests.tui.conftest import make_app

HOLDER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
conn.execute("BEGIN IMMEDIATE")      # the write lock, as a stuck seat or a backup holds it
print("locked", flush=True)
sys.stdin.readline()                 # until the test says so
conn.execute("ROLLBACK")
print("released", flush=True)
"""


async def test_a_held_write_lock_does_not_freeze_the_war_room(
    store: Store, clock: ManualClock, db_path, demo_ids: dict[str, str]
):
    iid = demo_ids["sev1"]
    app = make_app(store, clock, tick_s=0.1)
    ticks: list[float] = []
    real_tick = app.tick

    def counting_tick() -> None:
        ticks.append(time.monotonic())
        real_tick()

    app.tick = counting_tick  # type: ignore[method-assign]
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        await app.workers.wait_for_complete()  # the writer's own connection is open
        holder = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(db_path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert holder.stdout is not None and holder.stdin is not None
            assert holder.stdout.readline().strip() == "locked"
            await pilot.press(*"failover to replica done", "enter")
            started = time.monotonic()
            ticks.clear()
            await pilot.pause(1.5)
            held_for = time.monotonic() - started
            entry = screen.query_one("#entry", Input)
            # the screen kept living: the 1 Hz tick (here 10 Hz) ran, keys were handled
            assert len(ticks) >= 3, (len(ticks), held_for)  # 10 Hz; a loaded CI still ticks
            await pilot.press(*" and verified")
            assert entry.value == "failover to replica done and verified"  # kept, and typed on
            state = screen.query_one("#entry-state")
            assert state.display and "store busy, retrying" in str(state.render())
            assert screen.query_one("#entry-bar").has_class("-busy")
            assert app.poll() == []  # reads are not blocked behind the waiting writer
            assert "failover to replica done" not in [e.text for e in store.timeline(iid)]
            holder.stdin.write("\n")
            holder.stdin.flush()
            assert holder.stdout.readline().strip() == "released"
        finally:
            holder.kill() if holder.poll() is None else None
            holder.wait(timeout=10)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert [e.text for e in store.timeline(iid)][-1] == "failover to replica done"
        assert entry.value == "and verified"  # only what was saved left the line
        assert not screen.query_one("#entry-state").display
