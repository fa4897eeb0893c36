"""Board: sorting, drill marker, empty state, ticking clocks, the overdue bell, search."""

from __future__ import annotations

from rich.text import Text

from irtui.domain.timeutil import ManualClock
from irtui.store.repo import Store
from irtui.tui.app import IrtuiApp
from irtui.tui.screens.board import BoardScreen
from irtui.tui.screens.incident import IncidentScreen
from irtui.tui.widgets.row_list import RowList
from tests.tui.conftest import make_app, settle


def cell(board: BoardScreen, iid: str, column: str) -> str:
    return board.cell(iid, column).plain


async def test_board_sorted_by_soonest_due_with_drill_marked(
    app: IrtuiApp, demo_ids: dict[str, str]
):
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen)
        assert board.rows[0] == demo_ids["sev1"]  # the update due in 4 minutes leads
        assert demo_ids["resolved"] not in board.rows
        assert set(board.rows) == {demo_ids[k] for k in ("sev1", "sev2", "sev3", "drill")}
        assert cell(board, demo_ids["drill"], "title").startswith("DRILL ")
        assert cell(board, demo_ids["sev1"], "sev").strip() == "SEV1"
        assert cell(board, demo_ids["sev3"], "ic") == "— none —"
        # what is due next, and whose it is: erin's task (2 min) before the internal update
        assert cell(board, demo_ids["sev1"], "due") == "2m00s"
        assert cell(board, demo_ids["sev1"], "what") == "task: recycle payments-api pods"
        assert cell(board, demo_ids["sev1"], "owner") == "erin"
        assert cell(board, demo_ids["sev3"], "what") == "ack"  # nobody named to ack it
        assert cell(board, demo_ids["sev3"], "owner") == "nobody"


async def test_empty_board_says_how_to_declare(store: Store, clock: ManualClock):
    app = make_app(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        empty = app.screen.query_one("#board-empty")
        assert empty.display
        assert "Press n to declare" in str(empty.render())
        assert not app.screen.query_one("#board-table").display


async def test_the_empty_boards_notice_comes_and_goes_with_the_incidents(
    store: Store, clock: ManualClock
):
    """A board with incidents starts without the notice (mounted the first time the board
    is empty); it shows when the last one is gone and hides again with a new one."""
    inc = store.declare("Payments DB down", 2)
    app = make_app(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        board = app.screen
        assert not board.query("#board-empty") and board.query_one("#board-table").display
        store.set_status(inc.id, "resolved", checked="all", early_reason="drill over")
        app.poll()
        await pilot.pause()
        assert board.query_one("#board-empty").display
        assert not board.query_one("#board-table").display
        store.declare("Checkout errors", 1)
        app.poll()
        await pilot.pause()
        assert not board.query_one("#board-empty").display
        assert board.query_one("#board-table").display


async def test_tick_updates_only_changed_clock_cells(
    app: IrtuiApp, clock: ManualClock, demo_ids: dict[str, str]
):
    """A second later only the countdowns that changed are re-rendered, in the narrow clock
    list; the wide rows are untouched until an age changes (once a minute)."""
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        board = app.screen
        updated: dict[str, list[str]] = {"board-table": [], "board-clock": []}
        for name, calls in updated.items():
            widget = board.query_one(f"#{name}", RowList)
            original = widget.update

            def spy(key, data, _calls=calls, _original=original, **kwargs):
                _calls.append(key)
                return _original(key, data, **kwargs)

            widget.update = spy  # type: ignore[method-assign]
            original_many = widget.update_rows

            def spy_many(changes, _calls=calls, _original=original_many):
                changes = list(changes)
                _calls.extend(key for key, _ in changes)
                return _original(changes)

            widget.update_rows = spy_many  # type: ignore[method-assign]
        rebuilt: list[int] = []
        original_populate = board.populate
        board.populate = lambda: rebuilt.append(1) or original_populate()  # type: ignore
        before = dict(board.shown)
        app.tick()
        assert updated == {"board-table": [], "board-clock": []}  # nothing moved
        clock.advance(seconds=1)
        app.tick()
        changed = {key for key, view in board.shown.items() if before.get(key) != view}
        assert changed and {column for _, column in changed} == {"due"}
        assert sorted(updated["board-clock"]) == sorted(iid for iid, _ in changed)
        assert updated["board-table"] == [] and rebuilt == []
        assert cell(board, demo_ids["sev1"], "due") == "1m59s"
        await pilot.pause()
        screen_text = app.export_screenshot().replace("&#160;", " ")
        assert "1m59s" in screen_text and "2m00s" not in screen_text  # repainted, not stale
        clock.advance(seconds=60)  # ages move: their wide rows are re-rendered, once
        app.tick()
        assert set(updated["board-table"]) == set(board.rows)


async def test_bell_rings_once_when_a_clock_goes_overdue(
    app: IrtuiApp, clock: ManualClock, demo_ids: dict[str, str]
):
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        rings: list[int] = []
        app.bell = lambda: rings.append(1)  # type: ignore[method-assign]
        app.task_watch.timers.clear()  # only the update clock in this test
        app.screen.on_tasks_changed()
        clock.advance(minutes=3, seconds=59)
        app.tick()
        assert rings == []
        clock.advance(seconds=2)
        app.tick()
        assert len(rings) == 1
        clock.advance(seconds=1)
        app.tick()
        assert len(rings) == 1  # once, not every second
        upd = app.screen.cell(demo_ids["sev1"], "due")
        assert upd.plain.startswith("-") and "b00020" in str(upd.style)
        assert app.screen.cell(demo_ids["sev1"], "what").plain == "update int"


async def test_enter_opens_and_escape_returns(app: IrtuiApp, demo_ids: dict[str, str]):
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        rows = list(app.screen.rows)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, IncidentScreen)
        assert app.screen.incident_id == rows[1]
        await pilot.press("escape")  # one Esc arms a command...
        assert app.screen.command_armed
        await pilot.press("escape")  # ...the second goes back
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)


async def test_search_filters_rows(app: IrtuiApp, demo_ids: dict[str, str]):
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"invoice")
        await pilot.pause()
        assert app.screen.rows == [demo_ids["sev3"]]
        await pilot.press("escape")
        await pilot.pause()
        assert len(app.screen.rows) == 4
        search = app.screen.query_one("#board-search")
        assert not search.display and app.focused is app.screen.query_one("#board-table")
        await pilot.press("slash", *"drill")  # the same line comes back, at the top
        await pilot.pause()
        assert len(app.screen.query("#board-search")) == 1 and search.display
        assert search.region.y < app.screen.query_one("#board-table").region.y
        assert app.screen.rows == [demo_ids["drill"]]


async def test_resize_small_and_large_and_back(app: IrtuiApp, demo_ids: dict[str, str]):
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        for size in ((80, 24), (200, 60), (80, 24)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            board = app.screen
            assert ("age" in board.column_keys) == (size[0] >= 130)
            await pilot.press("enter")
            await pilot.pause()
            assert isinstance(app.screen, IncidentScreen)
            await pilot.press("escape", "escape")
            await pilot.pause()
        assert isinstance(app.screen, BoardScreen)


async def test_task_timer_nags_even_from_the_board(
    app: IrtuiApp, store: Store, clock: ManualClock, demo_ids: dict[str, str]
):
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        rings: list[int] = []
        app.bell = lambda: rings.append(1)  # type: ignore[method-assign]
        clock.advance(minutes=2, seconds=1)  # the demo's erin task (due in 2 min) expires
        app.tick()
        await pilot.pause()
        assert len(rings) == 1
        assert any("recycle payments-api pods" in n.message for n in app._notifications)
        app.tick()
        assert len(rings) == 1  # once
        entry = store.log(
            demo_ids["sev2"],
            "frank: rate-limit tenant",
            task={
                "text": "rate-limit tenant",
                "owner": "frank",
                "due": (clock() + __import__("datetime").timedelta(seconds=30)).isoformat(),
                "timer_s": 30,
            },
        )
        store.append(
            demo_ids["sev2"], "task_done", {"text": "rate-limit tenant"}, refers_to=entry.id
        )
        app.poll()
        clock.advance(seconds=31)
        app.tick()
        assert len(rings) == 1  # done before it expired: no nag
        assert isinstance(app.screen, BoardScreen)


async def test_long_ids_are_never_cut(store: Store, clock: ManualClock):
    """The 10,000th incident is `INC-10000`: the ID column widens to fit it, and the screen
    shows it whole (a 7-wide column once showed `INC-100`)."""
    store.db.write(
        lambda db: db.execute("UPDATE counters SET value = 9998 WHERE name = 'incident'")
    )
    first = store.declare("Old one", 2).id
    latest = store.declare("Newest one", 2).id
    assert (first, latest) == ("INC-9999", "INC-10000")
    app = make_app(store, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        board = app.screen
        assert cell(board, latest, "id") == "INC-10000"
        screen_text = "\n".join(line.text for line in app.screen._compositor.render_strips())
        assert "INC-10000 " in screen_text and "INC-9999 " in screen_text


async def test_ticked_screen_equals_a_full_rebuild(app: IrtuiApp, clock: ManualClock):
    """Cell-by-cell updates (and the partial cache sweeps behind them) must leave exactly the
    screen a rebuild from scratch draws, through seconds, minute and hour boundaries and
    clocks going overdue."""
    import random

    rng = random.Random(7)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen)
        for _ in range(40):
            clock.advance(seconds=rng.choice([1, 1, 1, 7, 59, 60, 61, 299, 900]))
            app.tick()
            await pilot.pause()
        ticked = app.export_screenshot()
        board.populate()
        await pilot.pause()
        assert app.export_screenshot() == ticked


async def test_a_click_highlights_a_row_and_a_second_click_opens_it(app: IrtuiApp):
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        board = app.screen
        assert isinstance(board, BoardScreen)
        second = board.rows[1]
        await pilot.click("#board-table", offset=(40, 1))  # first row, second row
        await pilot.pause()
        assert app.screen is board and board.target_id() == second
        await pilot.click("#board-table", offset=(40, 1))
        await pilot.pause()
        assert isinstance(app.screen, IncidentScreen)
        assert app.screen.incident_id == second


def test_assembled_rows_keep_every_column_on_its_grid():
    """Whatever people type (wide CJK, emoji, combining marks, 10,000 characters), each
    column of a board row starts where the header says it does."""
    from hypothesis import given, settings
    from hypothesis import strategies as st
    from rich.cells import cell_len

    from irtui.tui.screens.board import GAP, assemble_row, fit

    widths = {"id": 9, "title": 23, "ic": 12, "upd": 14}
    texts = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=300)

    @settings(max_examples=200, deadline=None)
    @given(st.fixed_dictionaries({k: texts for k in widths}))
    def check(values: dict[str, str]) -> None:
        cells = {k: Text(v, overflow="ellipsis") for k, v in values.items()}
        row = assemble_row(cells, widths)
        assert row.cell_len == sum(widths.values()) + GAP * (len(widths) - 1)
        pieces = [fit(cells[key], width) for key, width in widths.items()]
        assert [cell_len(p.plain) for p in pieces] == list(widths.values())
        assert row.plain == (" " * GAP).join(p.plain for p in pieces)

    check()


async def test_go_to_opens_a_resolved_incident_the_board_does_not_list(
    app: IrtuiApp, demo_ids: dict[str, str]
):
    resolved = demo_ids["resolved"]
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        assert resolved not in app.screen.rows
        await pilot.press("g", *"nope", "enter")  # unknown: said, nothing opened
        await pilot.pause()
        assert not isinstance(app.screen, IncidentScreen)
        await settle(pilot)
        await pilot.press("g", *resolved.lower(), "enter")
        await pilot.pause()
        assert isinstance(app.screen, IncidentScreen)
        assert app.screen.incident_id == resolved
        await settle(pilot)  # an Esc within the type-ahead grace was meant for the dialog
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)


def test_a_row_skipped_by_the_tick_cannot_have_changed():
    """`next_change` lets the tick skip a row: at every instant before it, the row's age and
    countdown must read exactly as they did (hypothesis over due times, ages, windows)."""
    from datetime import UTC, datetime, timedelta

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from irtui.domain.due_next import Obligation
    from irtui.domain.model import Incident, IncidentKind, Status
    from irtui.tui.screens.board import moving_views, next_change

    base = datetime(2026, 3, 28, 12, 0, tzinfo=UTC)

    @settings(max_examples=300, deadline=None)
    @given(
        declared_s=st.floats(min_value=0, max_value=3 * 86400),
        due_s=st.one_of(st.none(), st.floats(min_value=-3 * 86400, max_value=3 * 86400)),
        window=st.sampled_from([None, 60, 180, 900, 3600, 14400]),
        probes=st.lists(st.floats(min_value=0, max_value=1), min_size=1, max_size=5),
    )
    def check(declared_s, due_s, window, probes):
        now = base
        inc = Incident(
            "INC-1",
            1,
            "t",
            1,
            Status.INVESTIGATING,
            IncidentKind.REAL,
            now - timedelta(seconds=declared_s),
            "x",
        )
        ob = None
        if due_s is not None:
            ob = Obligation("ack", "ack", "ack", now + timedelta(seconds=due_s), None, window)
        shown = moving_views(inc, ob, now)
        until = next_change(inc, ob, now)
        assert until >= now
        for p in probes:
            at = now + (until - now) * p
            if at < until:
                assert moving_views(inc, ob, at) == shown, (at, until)

    check()


async def test_h_shows_recently_resolved_below_the_open_ones_and_hides_them(
    app: IrtuiApp, demo_ids: dict[str, str]
):
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        board = app.screen
        assert demo_ids["resolved"] not in board.rows
        await pilot.press("h")
        await pilot.pause()
        assert board.rows[-1] == demo_ids["resolved"]  # after every open incident
        assert cell(board, demo_ids["resolved"], "due") == "✓"
        assert cell(board, demo_ids["resolved"], "what").endswith(" ago")
        assert "+1 resolved" in str(board.query_one("#board-top").render())
        await pilot.press("h")
        await pilot.pause()
        assert demo_ids["resolved"] not in board.rows


async def test_who_is_next_follows_the_room(
    app: IrtuiApp, store: Store, clock: ManualClock, demo_ids: dict[str, str]
):
    """A Comms Lead named elsewhere owns the next update; a task logged from another seat
    with a timer sooner than anything else becomes what is due next, with its owner."""
    from datetime import timedelta

    sev2 = demo_ids["sev2"]
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        board = app.screen
        assert (cell(board, sev2, "what"), cell(board, sev2, "owner")) == ("update exec", "frank")
        store.assign_role(sev2, "comms", "[red]carol")
        app.poll()
        await pilot.pause()
        assert cell(board, sev2, "owner") == "[red]carol"  # literally, never markup
        store.log(
            sev2,
            "Bob: verify the flag, back in 3 min",
            task={
                "text": "verify the flag",
                "owner": "Bob",
                "due": (clock() + timedelta(minutes=3)).isoformat(),
                "timer_s": 180,
            },
        )
        app.poll()
        await pilot.pause()
        assert cell(board, sev2, "what") == "task: verify the flag"
        assert (cell(board, sev2, "owner"), cell(board, sev2, "due")) == ("Bob", "3m00s")
        screen = app.export_screenshot().replace("&#160;", " ")
        assert "task: verify th…" in screen and ">Bob<" in screen


async def test_an_unanswered_page_is_what_is_due_next_with_who_was_paged(
    store: Store, clock: ManualClock
):
    """ "Paged erin, no answer yet, bob is next": the page clock is on the board like an ack
    or an update, owned by the person paged, and turns red when nobody answered."""
    from irtui.domain.paging import PageTarget
    from irtui.sync import paging

    inc = store.declare("Payments DB down", 2, services=["payments-db"], commander="alice")
    store.ack(inc.id)
    erin = PageTarget(
        "erin",
        "Erin Ortiz",
        description="primary on-call of payments",
        level=1,
        levels=2,
        policy="payments",
        ack_within_s=300,
        next={"level": 2, "person": "bob", "display": "Bob Stone", "description": "secondary"},
    )
    app = make_app(store, clock)
    async with app.run_test(size=(160, 40)) as pilot:
        await pilot.pause()
        board = app.screen
        assert cell(board, inc.id, "what").startswith("update")
        paging.page(store, inc.id, erin, reason="replica lag")
        app.poll()
        await pilot.pause()
        assert cell(board, inc.id, "what") == "page → Bob Stone"
        assert (cell(board, inc.id, "owner"), cell(board, inc.id, "due")) == ("Erin Ortiz", "5m00s")
        clock.advance(minutes=5, seconds=1)
        app.tick()
        assert cell(board, inc.id, "due").startswith("-") and "b00020" in str(
            board.cell(inc.id, "due").style
        )
        await pilot.pause()
        # the bell rang for the page from the board (the panel says it on its own screen)
        assert any("page #1 (unanswered) is OVERDUE" in n.message for n in app._notifications)


def test_cells_built_without_rich_render_as_fit_renders_them():
    """The board builds its rows' segments directly (`cell_segments`); whatever people type,
    they read exactly as `fit()` renders through Rich, padded to the column."""
    from hypothesis import given, settings
    from hypothesis import strategies as st
    from rich.console import Console

    from irtui.tui.screens.board import cell_segments, fit

    console = Console(width=300)
    texts = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=80)

    @settings(max_examples=300, deadline=None)
    @given(
        texts,
        st.integers(min_value=1, max_value=40),
        st.sampled_from(["", "bold #ffb000", "dim"]),
        st.sampled_from([None, "ellipsis", "crop"]),
    )
    def check(value: str, width: int, style: str, overflow: str | None) -> None:
        cell = Text(value, style=style, overflow=overflow)  # type: ignore[arg-type]
        fast = cell_segments(cell, width, "title", console)
        slow = list(fit(cell, width, "title").render(console, end=""))
        assert "".join(s.text for s in fast) == "".join(s.text for s in slow)
        assert sum(s.cell_length for s in fast) == width

    check()
