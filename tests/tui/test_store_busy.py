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


class _HeldLock:
    """Another process holding the store's write lock until `release()`."""

    def __init__(self, db_path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(db_path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.proc.stdout is not None
        assert self.proc.stdout.readline().strip() == "locked"

    def release(self) -> None:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write("\n")
        self.proc.stdin.flush()
        assert self.proc.stdout.readline().strip() == "released"

    def close(self) -> None:
        self.proc.kill() if self.proc.poll() is None else None
        self.proc.wait(timeout=10)


async def _open_sev1(app, pilot) -> None:
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    await app.workers.wait_for_complete()  # the writer's own connection is open
    await pilot.pause(0.5)  # the type-ahead grace after the screen change


async def test_a_hand_off_offer_waits_for_a_busy_store_without_freezing_the_screen(
    store: Store, clock: ManualClock, db_path, demo_ids: dict[str, str]
):
    """The roles screen's offer is written on the store writer: while another process holds
    the lock, the dialog stays open (the brief kept), the screen ticks, and the offer lands
    once the lock is released."""
    from irtui.domain.model import Role
    from irtui.tui.screens.handoff import RolesScreen

    iid = demo_ids["sev1"]
    app = make_app(store, clock, tick_s=0.1)
    ticks: list[float] = []
    real_tick = app.tick

    def counting_tick() -> None:
        ticks.append(time.monotonic())
        real_tick()

    app.tick = counting_tick  # type: ignore[method-assign]
    async with app.run_test(size=(120, 36)) as pilot:
        await _open_sev1(app, pilot)
        await pilot.press("escape", "r", "ctrl+r")  # past the staffing dialog (Comms empty)
        await pilot.pause()
        roles = app.screen
        assert isinstance(roles, RolesScreen)
        held = _HeldLock(db_path)
        try:
            await pilot.press(*"zoe", "ctrl+s")
            ticks.clear()
            await pilot.pause(1.5)
            assert len(ticks) >= 3  # the war room kept living
            assert app.screen is roles  # still open: nothing typed is lost
            assert roles.saving
            assert store.get(iid).handoffs.get(Role.COMMANDER) is None  # not written yet
            await pilot.press("ctrl+s")  # a second Ctrl+S while waiting does nothing more
            held.release()
        finally:
            held.close()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is not roles  # closed once the offer was durable
    offer = store.get(iid).handoffs[Role.COMMANDER]
    assert offer.to == "zoe" and "Ruled out:" in offer.brief
    offers = [e for e in store.events(iid) if e.kind == "role_handed_off"]
    assert len([e for e in offers if e.payload.get("to") == "zoe"]) == 1  # written once


async def test_an_update_sent_from_the_composer_waits_for_a_busy_store(
    store: Store, clock: ManualClock, db_path, demo_ids: dict[str, str]
):
    """Send (ctrl+s) in the composer is written on the store writer: the composer stays open
    while the store is busy and closes when the update is recorded."""
    from irtui.tui.screens.composer import ComposerScreen

    iid = demo_ids["sev1"]
    app = make_app(store, clock)
    async with app.run_test(size=(140, 44)) as pilot:
        await _open_sev1(app, pilot)
        await pilot.press("escape", "u")
        await pilot.pause()
        composer = app.screen
        assert isinstance(composer, ComposerScreen)
        before = len([e for e in store.events(iid) if e.kind == "update_sent"])
        held = _HeldLock(db_path)
        try:
            await pilot.press("ctrl+s")
            await pilot.pause(1.0)
            assert app.screen is composer and composer.saving
            assert len([e for e in store.events(iid) if e.kind == "update_sent"]) == before
            held.release()
        finally:
            held.close()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is not composer
    assert len([e for e in store.events(iid) if e.kind == "update_sent"]) == before + 1
