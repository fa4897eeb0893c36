"""User text is never markup: titles, entries, names and reasons render literally everywhere
(board, incident header, timeline, detail, roles, tasks, composer preview, hand-off brief,
dialogs, notifications) and never crash the app."""

from __future__ import annotations

from irtui.domain.timeutil import ManualClock
from irtui.store.repo import Store
from irtui.tui import text as tx
from tests.tui.conftest import make_app, settle

NASTY = [
    "[bold]not bold[/bold]",
    "[/]",
    "[/foo]",
    "x [/ y",
    "[link=https://evil.example]click[/link]",
    "[red]",
    "[$accent]",
    "\x1b[31mred via ANSI\x1b[0m \x1b]52;c;aGk=\x07",
    "🔥 emoji 👩‍🚒 ok",
    "שלום עולם — مرحبا RTL",
    "long " + "x" * 10_000,
]


def test_clean_makes_controls_visible_and_keeps_markup_text():
    assert tx.clean("\x1b[31mred") == "␛[31mred"
    assert tx.literal("[bold]x[/bold]").plain == "[bold]x[/bold]"
    assert tx.literal("a\nb").plain == "a ⏎ b"
    assert len(tx.clean("y" * 50, limit=10)) == 10


async def test_nasty_text_renders_literally_everywhere(store: Store, clock: ManualClock):
    inc = store.declare(
        NASTY[0], 1, services=[NASTY[1], NASTY[4]], impact=NASTY[3], commander=NASTY[5]
    )
    store.assign_role(inc.id, "tech_lead", NASTY[6])
    for text in NASTY:
        store.log(inc.id, text)
    bad = store.log(inc.id, "to retract")
    store.retract(inc.id, bad.id, NASTY[2])
    store.log(
        inc.id, "task", task={"text": NASTY[7], "owner": NASTY[1], "due": None, "timer_s": None}
    )
    for title in NASTY[1:]:
        title = title[:300]  # the longest title the boundary accepts
        store.declare(title, 3, commander=title[:120])
    app = make_app(store, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        board = app.screen
        assert board.cell(inc.id, "title").plain == NASTY[0]
        assert board.cell(inc.id, "ic").plain == NASTY[5]
        svg = app.export_screenshot()
        assert "[bold]not bold[/bold]" in svg.replace("&#160;", " ")
        assert "\x1b" not in svg
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        timeline = screen.query_one("#timeline")
        cells = [timeline.get_cell(key, "text").plain for key in screen.row_ids]
        for text in NASTY[:7]:
            assert any(text in c for c in cells), text
        # stored without the escape sequences: the words stay, the terminal control does not
        assert any(c.startswith("red via ANSI ") and "\x1b" not in c for c in cells)
        assert "RETRACTED: [/foo]" in "".join(cells)
        for key in ("down", "up", "up", "up"):  # detail pane shows full text literally
            await pilot.press(key)
            await pilot.pause()
        for size in ((80, 24), (200, 60)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
        await pilot.press("escape", "u")
        await pilot.pause()
        assert NASTY[0] in str(app.screen.query_one("#preview").render())
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("escape", "r")
        await pilot.pause()
        brief = app.screen.query_one("#brief").text
        assert NASTY[0] in brief and "red via ANSI" in brief and "\x1b" not in brief
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press(*"[b]x[/", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert store.timeline(inc.id)[-1].text == "[b]x[/"
        await pilot.press("escape", "e")
        await pilot.pause()
        await pilot.press("enter")  # prompt prefilled with markup-looking text
        await app.workers.wait_for_complete()
        await pilot.pause()
        app.notify(NASTY[3], markup=False)
        await pilot.pause()
    assert app.return_code in (0, None)


def test_compact_overdue_clock_drops_seconds_after_five_minutes():
    from datetime import UTC, datetime, timedelta

    from irtui.domain.clocks import ClockState, ClockView

    due = datetime(2026, 11, 22, 14, 0, tzinfo=UTC)

    def view(late_s: int) -> ClockView:
        return ClockView("ack", "Ack", due, timedelta(seconds=-late_s), ClockState.OVERDUE)

    assert tx.clock(view(125), compact=True).plain == "-2m05s!"
    assert tx.clock(view(725), compact=True).plain == "-12m!"
    assert tx.clock(view(3725), compact=True).plain == "-1h02m!"
    assert tx.clock(view(725)).plain == "-12m05s OVERDUE"


def test_compact_countdown_shows_seconds_in_its_last_fifteen_minutes():
    from datetime import UTC, datetime, timedelta

    from irtui.domain.clocks import ClockState, ClockView

    due = datetime(2026, 11, 22, 14, 0, tzinfo=UTC)

    def view(left_s: float, state: ClockState = ClockState.OK) -> ClockView:
        return ClockView("update:internal", "Update", due, timedelta(seconds=left_s), state)

    assert tx.clock(view(23 * 60 + 14), compact=True).plain == "23m"
    assert tx.clock(view(15 * 60), compact=True).plain == "15m"
    assert tx.clock(view(15 * 60 - 0.5), compact=True).plain == "14m59s"
    assert tx.clock(view(4 * 60, ClockState.WARNING), compact=True).plain == "4m00s"
    assert tx.clock(view(2 * 3600 + 61), compact=True).plain == "2h01m"
    assert tx.clock(view(23 * 60 + 14)).plain == "23m14s"  # the incident screen: seconds
