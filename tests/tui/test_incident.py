"""Incident screen flows, driven by keys: entry line, edit/retract, decisions, tasks with
timers, roles and hand-off, quick actions, live refresh from another process."""

from __future__ import annotations

import os
import subprocess
import sys

from irtui.demo import _as
from irtui.domain.model import EventKind, Role
from irtui.domain.timeutil import ManualClock, clock_env
from irtui.store.repo import Store
from irtui.tui.app import IrtuiApp
from irtui.tui.screens.board import BoardScreen
from irtui.tui.screens.dialogs import PromptDialog
from irtui.tui.screens.handoff import RolesScreen
from irtui.tui.screens.incident import IncidentScreen, role_warnings
from irtui.tui.screens.resolve import ResolveDialog
from irtui.tui.screens.staff import StaffDialog
from tests.tui.conftest import settle


async def written(app: IrtuiApp, pilot) -> None:
    """Wait until the store writer has committed what was submitted (it runs off the UI
    thread), and the screen has shown it."""
    await app.workers.wait_for_complete()
    await pilot.pause()


async def open_sev1(app: IrtuiApp, pilot) -> IncidentScreen:
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, IncidentScreen)
    return screen


def entry_texts(store: Store, iid: str) -> list[str]:
    return [e.text for e in store.timeline(iid, include_system=False)]


async def test_entry_line_commits_then_clears_and_parses_prefixes(
    app: IrtuiApp, store: Store, clock: ManualClock, demo_ids: dict[str, str]
):
    iid = demo_ids["sev1"]
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_sev1(app, pilot)
        entry = screen.query_one("#entry")
        assert entry.has_focus  # the screen opens ready to type
        await pilot.press(*"-2m * d: fail over to replica", "enter")
        await written(app, pilot)
        last = store.timeline(iid, include_system=False)[-1]
        assert (last.text, last.kind, last.starred) == ("fail over to replica", "decision", True)
        assert last.at == clock() - __import__("datetime").timedelta(minutes=2)
        assert entry.value == ""
        # keys typed into the line are text, not commands ("q" must not quit)
        await pilot.press(*"quiet please", "enter")
        await written(app, pilot)
        assert entry_texts(store, iid)[-1] == "quiet please"
        assert "quiet please" in app.export_screenshot().replace("&#160;", " ")
        assert screen.row_ids[-1] == f"e:{store.timeline(iid)[-1].event_id}"
        # ctrl+o cycles the default kind
        await pilot.press("ctrl+o", *"paged dba", "enter")
        await written(app, pilot)
        assert store.timeline(iid, include_system=False)[-1].kind == "detection"


async def test_refused_entry_keeps_the_line(app: IrtuiApp, store: Store, demo_ids: dict[str, str]):
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_sev1(app, pilot)
        before = len(store.events(demo_ids["sev1"]))
        await pilot.press(*"14:30 not yet", "enter")  # it is 14:00: in the future
        await written(app, pilot)
        assert screen.query_one("#entry").value == "14:30 not yet"
        assert len(store.events(demo_ids["sev1"])) == before


async def test_edit_and_retract_selected_entry_are_shown_honestly(
    app: IrtuiApp, store: Store, demo_ids: dict[str, str]
):
    iid = demo_ids["sev1"]
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_sev1(app, pilot)
        await pilot.press(*"replica lag 40s", "enter")
        await written(app, pilot)
        assert screen.selected_entry().text == "replica lag 40s"
        await pilot.press("escape", "e")
        await pilot.pause()
        assert isinstance(app.screen, PromptDialog)
        await pilot.press("ctrl+u", *"replica lag 4s", "enter")
        await written(app, pilot)
        entry = screen.selected_entry()
        assert entry.text == "replica lag 4s" and entry.original_text == "replica lag 40s"
        cell = screen.timeline.row_plain(f"e:{entry.event_id}")
        assert "(amended ×1)" in cell
        await settle(pilot)
        await pilot.press("escape", "x", *"wrong incident", "enter")
        await written(app, pilot)
        entry = screen.selected_entry()
        assert entry.retracted is not None and entry.retracted[2] == "wrong incident"
        cell = screen.timeline.row_plain(f"e:{entry.event_id}")
        assert "RETRACTED: wrong incident" in cell and "replica lag 4s" in cell
        assert "was (before" in str(screen.query_one("#entry-detail").render())
        kinds = [e.kind for e in store.events(iid)][-2:]
        assert kinds == [EventKind.ENTRY_AMENDED, EventKind.ENTRY_RETRACTED]


async def test_decision_record(app: IrtuiApp, store: Store, demo_ids: dict[str, str]):
    async with app.run_test(size=(120, 36)) as pilot:
        await open_sev1(app, pilot)
        await pilot.press(
            "escape",
            "d",
            *"drain eu-west",
            "enter",
            *"comms worried",
            "enter",
            *"drain eu-west at 14:10",
            "enter",
        )
        await written(app, pilot)
        last = store.timeline(demo_ids["sev1"], include_system=False)[-1]
        assert last.kind == "decision" and last.starred
        assert last.text == (
            "drain eu-west at 14:10 — proposal: drain eu-west; objections: comms worried"
        )
        assert last.decision == {
            "proposal": "drain eu-west",
            "objections": "comms worried",
            "call": "drain eu-west at 14:10",
        }


async def test_task_timer_nags_and_is_done_by_key(
    app: IrtuiApp, store: Store, clock: ManualClock, demo_ids: dict[str, str]
):
    iid = demo_ids["sev1"]
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_sev1(app, pilot)
        rings: list[int] = []
        app.bell = lambda: rings.append(1)  # type: ignore[method-assign]
        await pilot.press(*"Dave: check replica lag, back in 1 min", "enter")
        await written(app, pilot)
        task = next(t for t in screen.tasks if t.owner == "Dave")
        assert task.text == "check replica lag"
        timer = screen.query_one("#tasks").get_cell(str(task.entry_id), "timer")
        assert timer.plain == "1m00s"
        clock.advance(seconds=61)
        app.tick()
        await pilot.pause()
        assert (
            screen.query_one("#tasks").get_cell(str(task.entry_id), "timer").plain.startswith("-")
        )
        assert rings  # the expired demo task or Dave's: the room is told
        assert any("check replica lag" in n.message for n in app._notifications)
        # `k` acts on the task highlighted in the tasks panel (never the timeline's row)
        row = next(i for i, t in enumerate(screen.tasks) if t.entry_id == task.entry_id)
        screen.query_one("#tasks").move_cursor(row=row)
        await pilot.press("escape", "k")
        await written(app, pilot)
        done = [e for e in store.events(iid) if e.kind == EventKind.TASK_DONE]
        assert done and done[-1].refers_to == task.entry_id
        assert all(t.entry_id != task.entry_id for t in screen.tasks)


async def test_roles_handoff_brief_then_accept(
    app: IrtuiApp, store: Store, demo_ids: dict[str, str]
):
    iid = demo_ids["sev1"]
    async with app.run_test(size=(120, 36)) as pilot:
        await open_sev1(app, pilot)
        await pilot.press("escape", "r")  # Comms is empty: the staffing dialog first
        await pilot.pause()
        assert isinstance(app.screen, StaffDialog)
        await pilot.press("ctrl+r")  # a held role: the roles dialog and its hand-off
        await pilot.pause()
        assert isinstance(app.screen, RolesScreen)
        brief = app.screen.query_one("#brief").text
        for part in (
            "What we know:",
            "Ruled out:",
            "CDN ruled out",
            "Open tasks and timers:",
            "erin: recycle payments-api pods",
            "Last update per audience:",
            "Next due:",
        ):
            assert part in brief
        await pilot.press(*"zoe", "ctrl+s")
        await written(app, pilot)
        holder = store.get(iid).roles[Role.COMMANDER]
        assert holder.name == "alice" and holder.pending_handoff_to == "zoe"
        handoff = [e for e in store.events(iid) if e.kind == EventKind.ROLE_HANDED_OFF][-1]
        assert "Ruled out:" in handoff.payload["brief"]
        await settle(pilot)
        await pilot.press("escape", "r", "ctrl+r")
        await pilot.pause()
        await pilot.press("ctrl+a")  # alice is handing IC off: only zoe accepts
        await written(app, pilot)
        assert store.get(iid).roles[Role.COMMANDER].name == "alice"
        await pilot.press("escape")
        # zoe accepts on her seat, alice confirms: only then does the role move
        with _as(store, "zoe"):
            store.accept_handoff(iid, "ic")
        store.confirm_handoff(iid, "ic")
        app.poll()
        await pilot.pause()
        assert store.get(iid).roles[Role.COMMANDER].name == "zoe"
        roles_text = str(app.screen.query_one("#roles").render())
        assert "zoe" in roles_text


def test_role_warnings_for_required_roles_and_ic_as_tech_lead(store: Store):
    inc = store.declare("x", 1, commander="alice")
    store.assign_role(inc.id, "tech_lead", "Alice")
    warnings = role_warnings(store.get(inc.id), store.policy.level(1).required_roles)
    assert any("Communications Lead is required for SEV1" in w for w in warnings)
    assert any("both IC and Tech Lead" in w for w in warnings)
    assert not any("Tech (Ops) Lead is required" in w for w in warnings)


async def test_quick_actions_from_the_board(app: IrtuiApp, store: Store, demo_ids: dict[str, str]):
    iid = demo_ids["sev3"]
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        board = app.screen
        await pilot.press(*["down"] * board.rows.index(iid))
        assert board.target_id() == iid
        await pilot.press("a")
        await written(app, pilot)
        assert store.get(iid).milestones["acknowledged"] is not None
        await pilot.press("s")
        await pilot.pause()
        app.screen.query_one("#sev").value = 2
        await pilot.press("tab", *"more tenants affected", "enter")
        await written(app, pilot)
        assert store.get(iid).severity == 2
        await settle(pilot)
        await pilot.press("t")
        await pilot.pause()
        app.screen.query_one("#status").value = "mitigating"
        await pilot.press("ctrl+s")
        await written(app, pilot)
        assert str(store.get(iid).status) == "mitigating"
        assert isinstance(app.screen, BoardScreen)
        await settle(pilot)
        await pilot.press("R")
        await pilot.pause()
        assert isinstance(app.screen, ResolveDialog)
        for _item in store.policy.checklist:  # each is ticked by a person
            await pilot.press("enter", "tab")  # Enter ticks (a typed space does nothing)
        await pilot.press(*"job re-run ok", "ctrl+s")  # early: SEV2's hold has not begun
        await written(app, pilot)
        assert str(store.get(iid).status) == "resolved"
        assert store.events(iid)[-1].payload["early"]["reason"] == "job re-run ok"
        assert iid not in app.screen.rows  # resolved leaves the board


async def test_refused_action_is_a_notification_not_a_crash(
    app: IrtuiApp, demo_ids: dict[str, str]
):
    async with app.run_test(size=(120, 36)) as pilot:
        await open_sev1(app, pilot)
        await pilot.press("escape", "a")  # already acknowledged
        await written(app, pilot)
        assert any("already acknowledged" in n.message for n in app._notifications)


async def test_live_refresh_from_another_process(
    app: IrtuiApp, store: Store, db_path, demo_ids: dict[str, str]
):
    iid = demo_ids["sev1"]
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_sev1(app, pilot)
        rows_before = len(screen.row_ids)
        # The child process shares the app's clock (IRTUI_CLOCK), so the entry it stamps is
        # "now" for both sides whatever today's date is (no date-separator row appears).
        proc = subprocess.run(
            [
                sys.executable,
                "-m",
                "irtui.cli.main",
                "--db",
                str(db_path),
                "--as",
                "erin",
                "log",
                iid,
                "pods recycled [ok]",
            ],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, **clock_env(app.clock)},
        )
        assert proc.returncode == 0, proc.stderr
        assert store.timeline(iid)[-1].at == app.now()
        other = Store.open(db_path, author="frank")
        other.declare("Declared in another terminal", 2)
        other.close()
        changed = app.poll()
        await pilot.pause()
        assert iid in changed and len(changed) == 2, app.sub_title
        assert len(screen.row_ids) == rows_before + 1
        last = screen.timeline.row_plain(screen.row_ids[-1])
        assert last == "pods recycled [ok]"
        assert app.poll() == []  # nothing new: nothing re-read
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert len(app.screen.rows) == 5


async def test_presence_shows_other_seats(
    store: Store, clock: ManualClock, demo_ids: dict[str, str]
):
    from irtui.store.presence_repo import PresenceRepo
    from tests.tui.conftest import make_app

    app = make_app(store, clock, heartbeat=True)
    PresenceRepo(store.db).heartbeat("seat-b", "bob", demo_ids["sev1"], clock())
    async with app.run_test(size=(120, 36)) as pilot:
        await open_sev1(app, pilot)
        app.beat()
        await pilot.pause()
        assert "also here: bob" in str(app.screen.query_one("#presence").render())


async def test_timeline_search_filters_and_escape_clears(app: IrtuiApp, demo_ids: dict[str, str]):
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_sev1(app, pilot)
        everything = len(screen.row_ids)
        await pilot.press("escape", "slash", *"ruled", "enter")
        await pilot.pause()
        texts = [screen.timeline.row_plain(k) for k in screen.row_ids if k.startswith("e:")]
        assert texts == ["CDN ruled out: origin returns 502 directly"]
        await pilot.press("escape")
        await pilot.pause()
        assert len(screen.row_ids) == everything
        assert isinstance(app.screen, IncidentScreen)


async def test_a_custom_role_is_named_and_assigned_from_the_roles_dialog(
    app: IrtuiApp, store: Store, demo_ids: dict[str, str]
):
    from textual.widgets import Select

    iid = demo_ids["sev1"]
    async with app.run_test(size=(120, 36)) as pilot:
        await open_sev1(app, pilot)
        await pilot.press("escape", "r", "ctrl+r")  # past the staffing dialog
        await pilot.pause()
        picker = app.screen.query_one("#role", Select)
        custom = app.screen.query_one("#custom-role")
        assert not custom.display
        await pilot.press("shift+tab", "enter")  # open the picker from the name field
        await pilot.pause()
        await pilot.press("end", "enter")  # its last option: "Other role…"
        await pilot.pause()
        assert picker.value == "__other__" and custom.display and custom.has_focus
        await pilot.press("ctrl+s")  # no name yet: refused, nothing written
        await written(app, pilot)
        assert isinstance(app.screen, RolesScreen)
        await pilot.press(*"Customer", "space", *"liaison", "enter", *"dana", "ctrl+s")
        await written(app, pilot)
        holder = store.get(iid).roles["customer_liaison"]
        assert holder.name == "dana"
        roles_text = str(app.screen.query_one("#roles").render())
        assert "Customer Liaison" in roles_text and "dana" in roles_text
        await settle(pilot)
        await pilot.press("escape", "r", "ctrl+r")  # now one of the incident's roles
        await pilot.pause()
        options = [value for _label, value in app.screen.role_options()]
        assert "customer_liaison" in options and options[-1] == "__other__"


async def test_runbook_pane_keeps_the_timeline_and_tasks_readable(app: IrtuiApp):
    """At 160 columns the pane takes half the main area: stamps go short and the side panel
    narrows, so entries keep room for text and task timers stay in view."""
    async with app.run_test(size=(160, 48)) as pilot:
        await open_sev1(app, pilot)
        screen = app.screen
        wide = screen.widths()
        await pilot.press("escape", "p")
        await pilot.pause()
        with_pane = screen.widths()
        assert with_pane["narrow"] and with_pane["text"] >= 30 > 13
        side = screen.query_one("#inc-side")
        tasks = screen.query_one("#tasks")
        assert side.size.width <= 31
        assert tasks.columns[next(iter(tasks.columns))].width == with_pane["task"]
        assert sum(c.get_render_width(tasks) for c in tasks.columns.values()) <= side.size.width
        await pilot.press("escape", "p")
        await pilot.pause()
        assert screen.widths() == wide
        assert tasks.columns[next(iter(tasks.columns))].width == wide["task"]


async def test_on_a_narrow_terminal_the_runbook_pane_takes_the_side_panels_place(app: IrtuiApp):
    async with app.run_test(size=(80, 24)) as pilot:
        await open_sev1(app, pilot)
        screen = app.screen
        side = screen.query_one("#inc-side")
        assert side.display
        await pilot.press("escape", "p")
        await pilot.pause()
        assert not side.display
        timeline = screen.query_one("#timeline")
        assert timeline.size.width >= 36  # stamps, author and some text, not stamps alone
        from irtui.tui.widgets.timeline import layout

        assert layout(timeline.size.width).text >= 12  # some text beside stamp and author
        await pilot.press("escape", "p")
        await pilot.pause()
        assert side.display


async def test_role_ages_are_whole_minutes_and_move_on(
    app: IrtuiApp, clock: ManualClock, demo_ids: dict[str, str]
):
    """The roles panel never shows seconds that stand still: ages in minutes, redrawn as the
    minute turns."""
    from textual.widgets import Static

    async with app.run_test(size=(160, 48)) as pilot:
        screen = await open_sev1(app, pilot)

        def ic_line() -> str:
            text = str(screen.query_one("#roles", Static).render())
            return next(line for line in text.splitlines() if line.startswith("IC"))

        before = ic_line()
        assert before.rstrip().endswith("m") and "s" not in before.split()[-1]
        clock.advance(seconds=61)
        app.tick()
        await pilot.pause()
        assert ic_line() != before
