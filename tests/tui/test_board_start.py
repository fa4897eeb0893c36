"""What keeps the board's first frame and an incident's opening fast, pinned against a
Textual upgrade (each leans on how Textual 8.2.8 starts screens and modes; see
`irtui.tui.app.BOARD_MODE`, `IrtuiApp._css_current`, `IrtuiApp.delay_update` and
`irtui.tui.collection_hold`), and what keeps the board's idle cheap (the start-up heap
frozen out of the collector's sight).
"""

from __future__ import annotations

import gc
from datetime import timedelta

import pytest
from textual.app import App

from irtui.domain.timeutil import ManualClock
from irtui.store.repo import Store
from irtui.tui import collection_hold
from irtui.tui.app import BOARD_MODE, WARM_UP_S, IrtuiApp
from irtui.tui.collection_hold import HOLD_S
from irtui.tui.css import APP_CSS, SCREENS_CSS, preload_screens_css
from irtui.tui.safety import NoControlCharacters
from irtui.tui.screens.board import BoardScreen
from irtui.tui.screens.incident import IncidentScreen
from tests.tui.conftest import make_app, settle


async def test_the_board_is_the_default_screen_and_its_stack_comes_back(
    app: IrtuiApp, monkeypatch: pytest.MonkeyPatch
):
    reparsed: list[int] = []
    original = App.refresh_css
    monkeypatch.setattr(
        App, "refresh_css", lambda self, animate=True: reparsed.append(1) or original(self)
    )
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen) and app.current_mode == BOARD_MODE
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, IncidentScreen)
        app.back_to_board()
        await pilot.pause()
        assert app.screen is board  # the same board, not a second one
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, IncidentScreen)
    # no whole-stylesheet re-parse at start, on opening incidents or on coming back
    assert reparsed == []


async def test_switching_stacks_does_not_hold_frames(
    app: IrtuiApp, monkeypatch: pytest.MonkeyPatch
):
    """Textual's 50 ms blackout on a mode switch is skipped for irtui's own switches."""
    held: list[float] = []
    monkeypatch.setattr(App, "delay_update", lambda self, delay=0.05: held.append(delay))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        app.back_to_board()
        await pilot.pause()
        assert held == []
        app.delay_update()  # anyone else's call (the command palette's) still holds them
        assert held == [0.05]


async def test_opening_an_incident_holds_collection_for_its_first_frames(app: IrtuiApp):
    assert gc.isenabled()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, IncidentScreen)
        assert app.collection_hold.holding and not gc.isenabled()
        await pilot.pause(HOLD_S + 0.2)
        assert not app.collection_hold.holding and gc.isenabled()
        await pilot.press("escape", "escape")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert not gc.isenabled()  # quitting while held...
    assert gc.isenabled()  # ...gives collection back


async def test_one_line_filter_wraps_textual_own(app: IrtuiApp):
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        filters = app.get_line_filters()
        assert len(filters) == 1 and isinstance(filters[0], NoControlCharacters)
        assert app.get_line_filters()[0] is filters[0]  # kept: filtered lines stay cached


async def test_overdue_set_is_recomputed_only_when_it_can_change(
    app: IrtuiApp, clock: ManualClock, store: Store, demo_ids: dict[str, str]
):
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        rings: list[int] = []
        app.bell = lambda: rings.append(1)  # type: ignore[method-assign]
        computed: list[int] = []
        original = app._overdue_and_next
        app._overdue_and_next = lambda now: computed.append(1) or original(now)  # type: ignore
        app.task_watch.timers.clear()
        app.tick()
        app.tick()
        clock.advance(seconds=1)
        app.tick()
        assert len(computed) == 1  # nothing changed, no deadline reached: reused
        # a deadline reached is seen at once
        _, soonest = original(app.now())
        assert soonest is not None
        clock.set(soonest + timedelta(seconds=1))
        app.tick()
        assert len(computed) == 2 and len(rings) == 1
        app.tick()
        assert len(computed) == 2
        # a change in the store is seen at the next poll, deadline or not
        store.log(demo_ids["sev2"], "checked the EU-west pool")
        app.poll()
        app.tick()
        assert len(computed) == 3
        await settle(pilot)


def test_an_overdue_toast_names_the_clock_as_people_say_it():
    from irtui.tui.app import overdue_label

    assert overdue_label("ack") == "acknowledgement"
    assert overdue_label("update:exec") == "exec update"
    assert overdue_label("page:2") == "page #2 (unanswered)"
    assert overdue_label("task:7") == "task:7"  # anything else as it is


async def test_start_up_heap_is_frozen_after_the_first_frame(
    store: Store, clock: ManualClock, demo_ids: dict[str, str], monkeypatch: pytest.MonkeyPatch
):
    """The `irtui` command's app moves what start-up built out of the collector's sight
    once, after the board is drawn (full collections at idle then walk only what came
    later), and gives it back when it ends; an app inside another program does not."""
    frozen: list[str] = []
    monkeypatch.setattr(collection_hold.gc, "collect", lambda: frozen.append("collect") or 0)
    monkeypatch.setattr(collection_hold.gc, "freeze", lambda: frozen.append("freeze"))
    monkeypatch.setattr(collection_hold.gc, "unfreeze", lambda: frozen.append("unfreeze"))
    app = make_app(store, clock, freeze_heap=True)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert frozen == []  # not inside the first frame
        await pilot.pause(WARM_UP_S + 0.2)
        assert frozen == ["collect", "freeze"]
    assert frozen == ["collect", "freeze", "unfreeze"]
    embedded = make_app(store, clock)
    async with embedded.run_test(size=(120, 36)) as pilot:
        await pilot.pause(WARM_UP_S + 0.2)
    assert frozen == ["collect", "freeze", "unfreeze"]


async def test_collection_paused_for_start_up_comes_back_once_the_board_settles(
    store: Store, clock: ManualClock, demo_ids: dict[str, str], monkeypatch: pytest.MonkeyPatch
):
    """The `irtui` command starts with automatic collection off: the board is drawn and an
    incident opened without it, and the settled app turns it back on with its one collection
    (before the block that paused it ends)."""
    frozen: list[str] = []
    monkeypatch.setattr(collection_hold.gc, "collect", lambda: frozen.append("collect") or 0)
    monkeypatch.setattr(collection_hold.gc, "freeze", lambda: frozen.append("freeze"))
    monkeypatch.setattr(collection_hold.gc, "unfreeze", lambda: frozen.append("unfreeze"))
    try:
        with collection_hold.start_up_paused():
            app = make_app(store, clock, freeze_heap=True, open_incident=demo_ids["sev1"])
            async with app.run_test(size=(120, 36)) as pilot:
                await pilot.pause()
                assert isinstance(app.screen, IncidentScreen) and not gc.isenabled()
                await pilot.pause(WARM_UP_S + 0.2)  # the freeze waits for the opening's hold
                assert not gc.isenabled() and frozen == []
                await pilot.pause(HOLD_S + 0.3)
                assert frozen == ["collect", "freeze"] and gc.isenabled()
                gc.disable()  # as if something else turned it off: the block leaves it
            assert not gc.isenabled()
    finally:
        gc.enable()


def test_collection_comes_back_when_start_up_fails():
    assert gc.isenabled()
    with pytest.raises(RuntimeError), collection_hold.start_up_paused():
        assert not gc.isenabled()
        raise RuntimeError("the store could not be opened")
    assert gc.isenabled()
    gc.disable()
    try:
        with collection_hold.start_up_paused():  # a caller that had it off keeps it off
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_freeze_waits_for_an_incident_being_opened(monkeypatch: pytest.MonkeyPatch):
    timers: list[tuple[float, object]] = []
    frozen: list[str] = []
    monkeypatch.setattr(collection_hold.gc, "collect", lambda: frozen.append("collect") or 0)
    monkeypatch.setattr(collection_hold.gc, "freeze", lambda: frozen.append("freeze"))
    hold = collection_hold.CollectionHold(lambda delay, callback: timers.append((delay, callback)))
    try:
        hold.hold()
        hold.freeze_start_up()
        assert frozen == [] and [d for d, _ in timers] == [HOLD_S, HOLD_S]
        for _delay, callback in list(timers):  # the hold's release, then the freeze again
            callback()  # type: ignore[operator]
        assert not hold.holding and frozen == ["collect", "freeze"]
    finally:
        hold.release_all()
        gc.enable()


async def test_the_board_starts_on_its_own_styles_and_other_screens_bring_theirs(
    store: Store, clock: ManualClock, demo_ids: dict[str, str]
):
    """The board's first frame parses `app.tcss` only; an incident opened before the board
    settled reads `screens.tcss` itself (Textual reads a screen's `CSS_PATH`) and is styled."""
    app = make_app(store, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        sheet = app.stylesheet
        assert sheet.has_source(APP_CSS, "") and not sheet.has_source(SCREENS_CSS, "")
        app.open(demo_ids["sev1"])
        await pilot.pause()
        assert isinstance(app.screen, IncidentScreen) and sheet.has_source(SCREENS_CSS, "")
        header = app.screen.query_one("#inc-header")
        assert header.styles.height is not None and header.styles.height.value == 4
        assert header.region.height == 4


async def test_the_other_screens_styles_are_read_once_the_board_settles(
    store: Store, clock: ManualClock, demo_ids: dict[str, str]
):
    app = make_app(store, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert not app.stylesheet.has_source(SCREENS_CSS, "")
        await pilot.pause(WARM_UP_S + 0.2)
        assert app.stylesheet.has_source(SCREENS_CSS, "")
        reparsed: list[int] = []
        original = app.stylesheet.reparse
        app.stylesheet.reparse = lambda: reparsed.append(1) or original()  # type: ignore[method-assign]
        preload_screens_css(app)  # read once: a second call changes nothing
        await pilot.press("enter")  # an incident opened now re-parses nothing
        await pilot.pause()
        assert isinstance(app.screen, IncidentScreen) and reparsed == []


def test_every_screen_but_the_board_names_the_screens_styles():
    """A screen that forgot `CSS_PATH = [SCREENS_CSS]` would open unstyled when it is the
    first opened before the board settles: every `Screen` irtui defines names it."""
    import importlib
    import pkgutil

    from textual.screen import Screen

    import irtui.tui

    for info in pkgutil.walk_packages(irtui.tui.__path__, "irtui.tui."):
        importlib.import_module(info.name)

    def subclasses(cls: type) -> list[type]:
        found = []
        for sub in cls.__subclasses__():
            found += [sub, *subclasses(sub)]
        return found

    screens = {c for c in subclasses(Screen) if c.__module__.startswith("irtui.")}
    assert len(screens) > 15
    from irtui.tui.screens.common import IncidentActions  # a base, never shown itself

    for screen in screens - {BoardScreen, IncidentActions}:
        paths = screen.CSS_PATH if isinstance(screen.CSS_PATH, list) else [screen.CSS_PATH]
        assert SCREENS_CSS in [str(p) for p in paths], screen.__qualname__
    assert BoardScreen.CSS_PATH is None


@pytest.mark.parametrize("size", [(80, 24), (160, 48), (200, 60)])
@pytest.mark.parametrize("empty", [False, True])
async def test_the_boards_blank_boxes_are_covered_by_what_they_hold(
    tmp_path, clock: ManualClock, size: tuple[int, int], empty: bool
):
    """The board's screen and boxes are drawn as Textual's plain blank (`BLANK`): that is
    right only while they have nothing of their own to draw (no border, padding, outline,
    tint, hatch) and their children cover them edge to edge, on a full board and an empty
    one, wide and narrow."""
    from irtui.demo import seed

    store = Store.open(tmp_path / "board.db", clock=clock, author="alice")
    if not empty:
        seed(store)
    app = make_app(store, clock)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen)
        blank = [w for w in [board, *board.query("*")] if w.BLANK]
        assert {w.id for w in blank} == {"board", "board-head", "board-rows", "board-table-box"}
        for widget in blank:
            styles = widget.styles
            assert styles.padding == (0, 0, 0, 0) and not styles.tint.a, widget.id
            assert not any(edge for edge, _ in styles.border), widget.id
            assert not any(edge for edge, _ in styles.outline), widget.id
            assert not styles.has_rule("hatch") and widget.opacity == 1, widget.id
            region = widget.region
            shown = [c for c in widget.children if c.display and c.region.area]
            covered = sum(c.region.intersection(region).area for c in shown)
            assert covered == region.area, (widget.id, size, empty)
    store.close()
