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
        cells = [timeline.row_plain(key) for key in screen.row_ids]
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
        if type(app.screen).__name__ == "StaffDialog":  # a required role is empty
            _assert_clean(app, "staffing dialog")
            await pilot.press("ctrl+r")
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


HOSTILE = [
    "\x1b]0;pwned-title\x07retitle",  # OSC 0: the terminal's title
    "\x1b]8;;https://evil.example\x07a link\x1b]8;;\x07",  # OSC 8: a hyperlink
    "\x1b]52;c;cm0gLXJmIH4=\x07clipboard",  # OSC 52: writes the clipboard
    "\x1b[2Jwiped",  # CSI 2J: clears the screen (and its clocks)
    "\x9b31m8-bit CSI \x07bell",
]


def _terminal_bytes(app) -> str:
    """What the terminal would be sent for the current screen (Textual's own cursor moves
    and colours included)."""
    import io

    from rich.console import Console

    console = Console(file=io.StringIO(), force_terminal=True, color_system="truecolor")
    console.print(app.screen._compositor.render_update(full=True), end="")
    return console.file.getvalue()  # type: ignore[attr-defined]


def _assert_clean(app, where: str) -> None:
    svg = app.export_screenshot()
    for bad in ("\x1b", "\x07", "\x9b"):
        assert bad not in svg, (where, repr(bad))
    sent = _terminal_bytes(app)
    for bad in ("\x1b]", "\x1b[2J", "\x07", "\x9b", "\x1bP"):
        assert bad not in sent, (where, repr(bad))


async def test_markup_and_escapes_in_shared_data_never_reach_the_terminal(
    db_path, clock: ManualClock, monkeypatch, tmp_path
):
    """A store written before the text boundary existed (or by another tool): role names
    `[/]` and `x [/ y`, policy severity names with markup and OSC, titles and entries with
    OSC 0/8/52, CSI 2J and 8-bit CSI. Select prompts, option lists, panels, the timeline,
    dialogs: nothing crashes and no control byte is sent to the terminal."""
    import irtui.store.repo as repo
    from irtui.domain.policy import parse_policy
    from irtui.paths import default_policy_file

    text = default_policy_file().read_text()
    text = text.replace("name: Critical", 'name: "[/foo] \\e]0;sev\\a x [/ y"')
    text = text.replace("name: Major", 'name: "[/]"')
    policy = parse_policy(text)
    monkeypatch.setattr(repo, "clean_payload", lambda value, **_: value)  # an old store
    store = Store.open(db_path, clock=clock, author="alice", policy=policy)
    inc = store.declare(HOSTILE[0], 1, services=[HOSTILE[3]], impact=HOSTILE[1])
    store.assign_role(inc.id, "[/]", "mallory " + HOSTILE[2])
    store.assign_role(inc.id, "x [/ y", "[/foo]")
    store.assign_role(inc.id, "tech_lead", HOSTILE[4])
    for line in HOSTILE + NASTY[:7]:
        store.log(inc.id, line)
    store.log(inc.id, "see [the doc](https://evil.example/steal) now")
    monkeypatch.undo()
    folder = tmp_path / "runbooks"
    folder.mkdir()
    (folder / "evil.md").write_text(
        '---\ntitle: "\\e]0;rb\\a [/] runbook"\nservices: [checkout]\n---\n'
        "# Steps\n\n1. \x1b]52;c;eA==\x07copy this\n2. [/foo] restart\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("IRTUI_RUNBOOKS", str(folder))
    app = make_app(store, clock)
    opened: list[str] = []
    app.open_url = lambda url, **_: opened.append(url)  # type: ignore[method-assign]
    app.copy_to_clipboard = lambda text: None  # type: ignore[method-assign]
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        _assert_clean(app, "board")
        await pilot.press("n")  # declare: the severity picker lists the policy's names
        await pilot.pause()
        app.screen.query_one("#sev").focus()
        await pilot.press("enter")  # open the picker (an option list of prompts)
        await pilot.pause()
        _assert_clean(app, "declare, severity picker open")
        await pilot.press("escape", "escape")
        await pilot.pause()
        await settle(pilot)
        app.open(inc.id)
        await pilot.pause()
        _assert_clean(app, "incident")
        for key in ("down", "up", "up"):
            await pilot.press(key)
        await pilot.pause()
        _assert_clean(app, "incident, detail pane")
        await pilot.press("escape", "r")  # roles: custom role labels in a Select
        await pilot.pause()
        if type(app.screen).__name__ == "StaffDialog":
            await pilot.press("ctrl+r")
            await pilot.pause()
        picker = app.screen.query_one("#role")
        picker.focus()
        await pilot.press("enter")
        await pilot.pause()
        _assert_clean(app, "roles, picker open")
        await pilot.press("escape", "escape")
        await settle(pilot)
        await pilot.press("escape", "s")
        await pilot.pause()
        app.screen.query_one("#sev").focus()
        await pilot.press("enter")
        await pilot.pause()
        _assert_clean(app, "severity picker open")
        await pilot.press("escape", "escape")
        await settle(pilot)
        await pilot.press("escape", "p")  # the runbook pane: suggestions and steps
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        _assert_clean(app, "runbook pane")
        await pilot.press("escape", "b")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        _assert_clean(app, "runbook browser")
        await pilot.press("escape")
        await pilot.pause()
        await settle(pilot)
        await pilot.press("escape", "m")  # postmortem: Markdown of incident text
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        _assert_clean(app, "postmortem")
        from textual.widgets import Markdown

        markdown = app.screen.query_one(Markdown)
        markdown.post_message(Markdown.LinkClicked(markdown, "https://evil.example/steal"))
        await pilot.pause()
        assert opened == []  # never opened in the system browser
        assert any("copied (not opened)" in n.message for n in app._notifications)
    assert app.return_code in (0, None)
    store.close()
