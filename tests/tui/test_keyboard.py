"""The keyboard model, driven by keys as a scribe and an IC would under stress.

Text is text: on the incident screen the entry line has focus, printable keys typed anywhere
on the screen land in it, and commands are one-shot behind `Esc` (or the same key with Alt).
Navigation never stacks two incident screens, dialogs give focus back where it was, keys
typed while a dialog closes are neither commands nor a surprise commit, and nothing typed is
dropped by quitting or leaving.
"""

from __future__ import annotations

from textual.widgets import DataTable, Input, TextArea

from irtui.domain.model import EventKind
from irtui.store.repo import Store
from irtui.tui.app import IrtuiApp
from irtui.tui.screens.board import BoardScreen
from irtui.tui.screens.dialogs import DeclareDialog, PromptDialog, SeverityDialog
from irtui.tui.screens.incident import IncidentScreen
from tests.tui.conftest import make_app, settle


async def open_sev1(app: IrtuiApp, pilot) -> IncidentScreen:
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, IncidentScreen)
    return screen


def incident_screens(app: IrtuiApp) -> list[IncidentScreen]:
    """Every incident screen the app holds, in every navigation stack."""
    return [s for s in app.children if isinstance(s, IncidentScreen)]


def human_entries(store: Store, iid: str) -> list[str]:
    return [e.text for e in store.timeline(iid, include_system=False)]


def kinds(store: Store, iid: str) -> list[str]:
    return [str(e.kind) for e in store.events(iid)]


# --- 1. navigation never stacks two incident screens ------------------------------------
async def _goto(pilot, ref: str, *, palette: bool = False) -> None:
    """`Esc g` (or the command palette's "Go to", which runs the same action)."""
    await settle(pilot)  # a person looks at the screen first (an Esc typed ahead is ignored)
    if palette:
        await pilot.app.run_action("goto")
    else:
        await pilot.press("escape", "g")
    await pilot.pause()
    await pilot.press(*ref, "enter")
    await pilot.pause()


async def test_goto_from_an_open_incident_switches_instead_of_crashing(
    app: IrtuiApp, demo_ids: dict[str, str]
):
    async with app.run_test(size=(120, 36)) as pilot:
        await open_sev1(app, pilot)
        await _goto(pilot, demo_ids["sev2"], palette=True)
        assert isinstance(app.screen, IncidentScreen)
        assert app.screen.incident_id == demo_ids["sev2"]
        assert [s.incident_id for s in incident_screens(app)] == [demo_ids["sev2"]]
        await _goto(pilot, demo_ids["resolved"])  # a resolved one, then back to open ones
        assert app.screen.incident_id == demo_ids["resolved"]
        await _goto(pilot, demo_ids["sev1"])
        await _goto(pilot, demo_ids["sev1"])  # the one already open: stays, nothing stacked
        assert [s.incident_id for s in incident_screens(app)] == [demo_ids["sev1"]]
        await settle(pilot)
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)


async def test_declare_from_an_open_incident_opens_the_new_one(
    app: IrtuiApp, store: Store, demo_ids: dict[str, str]
):
    async with app.run_test(size=(120, 36)) as pilot:
        await open_sev1(app, pilot)
        await app.run_action("declare")  # the palette's "Declare"; `Esc n` is the same action
        await pilot.pause()
        assert isinstance(app.screen, DeclareDialog)
        await pilot.press(*"Search latency", "ctrl+s")
        await pilot.pause()
        new = max(store.list_incidents(), key=lambda i: i.number)
        assert new.title == "Search latency"
        assert app.screen.incident_id == new.id
        assert [s.incident_id for s in incident_screens(app)] == [new.id]


async def test_goto_from_the_postmortem_screen_and_from_a_real_store_id(
    app: IrtuiApp, demo_ids: dict[str, str]
):
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        app.open(demo_ids["resolved"])
        await pilot.pause()
        await pilot.press("escape", "m")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert type(app.screen).__name__ == "PostmortemScreen"
        await pilot.press("g")
        await pilot.pause()
        number = demo_ids["sev3"].split("-")[1]
        await pilot.press(*number, "enter")  # `7` works as well as `INC-7`
        await pilot.pause()
        assert app.screen.incident_id == demo_ids["sev3"]
        assert [s.incident_id for s in incident_screens(app)] == [demo_ids["sev3"]]


async def test_leaving_keeps_unsaved_text_where_it_was_typed(
    app: IrtuiApp, demo_ids: dict[str, str]
):
    """A half-typed line survives going to another incident and back; a postmortem section
    being written survives a `Go to` from the command palette."""
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_sev1(app, pilot)
        await pilot.press(*"half a sentence")
        await _goto(pilot, demo_ids["sev2"])
        assert app.screen.incident_id == demo_ids["sev2"]
        await settle(pilot)  # an Esc within the type-ahead grace was meant for the dialog
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
        app.open(demo_ids["sev1"])
        await pilot.pause()
        assert app.screen is screen
        assert screen.query_one("#entry", Input).value == "half a sentence"


# --- 2. text is text ----------------------------------------------------------------------
async def test_the_incident_opens_with_the_entry_line_focused(
    app: IrtuiApp, demo_ids: dict[str, str]
):
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_sev1(app, pilot)
        assert app.focused is screen.query_one("#entry")


async def test_typing_with_the_timeline_focused_goes_to_the_entry_line(
    app: IrtuiApp, store: Store, demo_ids: dict[str, str]
):
    iid = demo_ids["sev1"]
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_sev1(app, pilot)
        screen.query_one("#timeline").focus()
        tasks_before = len(screen.tasks)
        events_before = len(store.events(iid))
        await pilot.press(*"kill switch enabled, severity stays; quit asking", "enter")
        await pilot.pause()
        assert human_entries(store, iid)[-1] == "kill switch enabled, severity stays; quit asking"
        assert len(store.events(iid)) == events_before + 1  # the entry, nothing else
        assert len(screen.tasks) == tasks_before
        assert isinstance(app.screen, IncidentScreen) and app.is_running
        screen.query_one("#tasks").focus()
        await pilot.press(*"quick update: ack", "enter")
        await pilot.pause()
        assert human_entries(store, iid)[-1] == "quick update: ack"


async def test_escape_arms_one_command_then_typing_resumes(
    app: IrtuiApp, store: Store, demo_ids: dict[str, str]
):
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_sev1(app, pilot)
        await pilot.press("escape")
        assert screen.command_armed
        bar = screen.query_one("#entry-bar")
        assert bar.has_class("-command")
        assert "COMMAND" in str(screen.query_one("#command-hint").render())
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SeverityDialog)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and not screen.command_armed
        assert app.focused is screen.query_one("#entry")


async def test_unknown_command_key_does_nothing_but_says_so(
    app: IrtuiApp, store: Store, demo_ids: dict[str, str]
):
    iid = demo_ids["sev1"]
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_sev1(app, pilot)
        before = len(store.events(iid))
        await pilot.press("escape", "j")
        await pilot.pause()
        assert not screen.command_armed and app.screen is screen
        assert any("no command" in n.message for n in app._notifications)
        assert len(store.events(iid)) == before
        await pilot.press(*"jitter", "enter")  # typing resumed: j was not swallowed later
        await pilot.pause()
        assert human_entries(store, iid)[-1] == "jitter"


async def test_alt_key_is_the_same_command_as_escape_then_key(
    app: IrtuiApp, demo_ids: dict[str, str]
):
    """A fast `Esc s` reaches the app as one `alt+s` (the terminal's meta prefix): it must be
    the command, never the letter."""
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_sev1(app, pilot)
        await pilot.press("alt+s")
        await pilot.pause()
        assert isinstance(app.screen, SeverityDialog)
        assert screen.query_one("#entry", Input).value == ""


async def test_quit_asks_and_never_drops_the_typed_line(
    app: IrtuiApp, store: Store, demo_ids: dict[str, str]
):
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_sev1(app, pilot)
        await pilot.press(*"database failover started")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert app.is_running
        dialog = app.screen
        assert "database failover started" in str(dialog.query_one("#confirm-body").render())
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is screen
        assert screen.query_one("#entry", Input).value == "database failover started"
        await pilot.press("escape", "q")
        await pilot.pause()
        await settle(pilot)
        await pilot.press("y")
        await pilot.pause()
    assert not app.is_running


async def test_typing_qu_on_the_board_neither_quits_nor_crashes(
    app: IrtuiApp, demo_ids: dict[str, str]
):
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press(*"query")
        await pilot.pause()
        assert app.is_running
        await settle(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BoardScreen)
    assert app.return_code in (0, None)


async def test_focus_returns_where_it_was_after_a_dialog(app: IrtuiApp, demo_ids: dict[str, str]):
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_sev1(app, pilot)
        timeline = screen.query_one("#timeline")
        timeline.focus()
        await pilot.press("escape", "s")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.focused is timeline
        screen.query_one("#entry").focus()
        await settle(pilot)
        await pilot.press(*"draft", "escape", "t")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.focused is screen.query_one("#entry")
        assert screen.query_one("#entry", Input).value == "draft"


async def test_keys_typed_while_a_dialog_closes_are_not_commands_nor_a_commit(
    app: IrtuiApp, store: Store, demo_ids: dict[str, str]
):
    iid = demo_ids["sev1"]
    app.typeahead_grace_s = 2.0  # a slow, shared CI machine must not outrun the burst
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_sev1(app, pilot)
        await pilot.press("escape", "s")
        await pilot.pause()
        app.screen.query_one("#sev").value = 2
        app.screen.query_one("#reason").focus()
        before = human_entries(store, iid)
        # Enter closes the dialog (once the write is durable); the fingers are already
        # typing "ack" and Enter again
        await pilot.press(*"wider impact", "enter")
        await app.workers.wait_for_complete()
        await pilot.press(*"ack", "enter")
        await pilot.pause()
        assert store.get(iid).severity == 2
        assert human_entries(store, iid) == before  # "ack" was not committed by surprise
        assert screen.query_one("#entry", Input).value == "ack"  # ...nor lost
        await settle(pilot)
        await pilot.press("enter")  # now it is a deliberate commit
        await pilot.pause()
        assert human_entries(store, iid)[-1] == "ack"


async def test_board_ignores_command_keys_typed_while_a_dialog_closes(
    app: IrtuiApp, store: Store, demo_ids: dict[str, str]
):
    iid = demo_ids["sev3"]
    app.typeahead_grace_s = 2.0
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        board = app.screen
        await pilot.press(*["down"] * board.rows.index(iid))
        await pilot.press("t")
        await pilot.pause()
        app.screen.query_one("#status").value = "identified"
        app.screen.query_one("#note").focus()
        await pilot.press(*"checking", "enter")
        await app.workers.wait_for_complete()
        written = len(store.events(iid))
        await pilot.press("a", "R")
        await pilot.pause()
        await app.workers.wait_for_complete()
        assert app.screen is board  # `R` opened no resolve dialog
        assert len(store.events(iid)) == written  # `a` acknowledged nothing
        assert any("typed while" in n.message for n in app._notifications)


async def test_tab_never_lands_on_something_invisible(
    store: Store, clock, demo_ids: dict[str, str]
):
    for size, pane in (((120, 36), False), ((80, 24), True), ((160, 48), True)):
        app = make_app(store, clock)
        async with app.run_test(size=size) as pilot:
            screen = await open_sev1(app, pilot)
            if pane:
                await pilot.press("escape", "p")
                await pilot.pause()
            seen = []
            for _ in range(12):
                await pilot.press("tab")
                await pilot.pause()
                widget = app.focused
                assert widget is not None
                seen.append(widget.id)
                assert widget.display and widget.visible, widget
                region = widget.region
                assert region.width > 0 and region.height > 0, widget
                assert screen.region.contains_region(region) or screen.region.overlaps(region)
                for ancestor in widget.ancestors:
                    assert getattr(ancestor, "display", True), (widget, ancestor)
            assert "entry" in seen and "timeline" in seen


async def test_task_done_acts_on_the_highlighted_task_and_undoes_in_one_key(
    app: IrtuiApp, store: Store, demo_ids: dict[str, str]
):
    iid = demo_ids["sev1"]
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_sev1(app, pilot)
        await pilot.press(*"Dave: check replica lag, back in 5 min", "enter")
        await pilot.pause()
        dave = next(t for t in screen.tasks if t.owner == "Dave")
        # the timeline's selected row is Dave's task entry; the tasks panel highlights another
        assert screen.selected_entry().event_id == dave.entry_id
        tasks = screen.query_one("#tasks", DataTable)
        other_row = next(i for i, t in enumerate(screen.tasks) if t.entry_id != dave.entry_id)
        tasks.move_cursor(row=other_row)
        other = screen.tasks[other_row]
        await pilot.press("escape", "k")
        await pilot.pause()
        done = [e for e in store.events(iid) if e.kind == EventKind.TASK_DONE]
        assert done[-1].refers_to == other.entry_id  # never Dave's by accident
        assert any(t.entry_id == dave.entry_id for t in screen.tasks)
        assert all(t.entry_id != other.entry_id for t in screen.tasks)
        await pilot.press("escape", "z")
        await pilot.pause()
        reopened = [e for e in store.events(iid) if e.kind == EventKind.TASK_REOPENED]
        assert reopened and reopened[-1].refers_to == other.entry_id
        assert any(t.entry_id == other.entry_id for t in screen.tasks)
        assert store.verify_projection(iid)


async def test_escape_in_a_dialog_with_typed_text_asks_before_discarding(
    app: IrtuiApp, store: Store, demo_ids: dict[str, str]
):
    async with app.run_test(size=(120, 36)) as pilot:
        await open_sev1(app, pilot)
        await pilot.press("escape", "d")
        await pilot.pause()
        decision = app.screen
        await pilot.press(*"drain eu-west", "escape")
        await pilot.pause()
        assert app.screen is not decision  # the question
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is decision
        assert decision.query_one("#proposal", Input).value == "drain eu-west"
        await pilot.press("escape")
        await pilot.pause()
        await settle(pilot)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, IncidentScreen)


async def test_enter_in_the_last_field_submits_a_dialog(
    app: IrtuiApp, store: Store, demo_ids: dict[str, str]
):
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"Cache stampede", "tab")  # title, then walk to the last text field
        dialog = app.screen
        fields = [w for w in dialog.query(Input) if w.display]
        fields[-1].focus()
        await pilot.press("enter")
        await pilot.pause()
        assert any(i.title == "Cache stampede" for i in store.list_incidents())


async def test_amend_prompt_is_text_and_retract_asks_for_a_reason(
    app: IrtuiApp, store: Store, demo_ids: dict[str, str]
):
    iid = demo_ids["sev1"]
    async with app.run_test(size=(120, 36)) as pilot:
        await open_sev1(app, pilot)
        await pilot.press(*"replica lag 40s", "enter")
        await pilot.pause()
        await settle(pilot)
        await pilot.press("escape", "e")
        await pilot.pause()
        assert isinstance(app.screen, PromptDialog)
        await pilot.press("ctrl+u", *"replica lag 4s; quick ack", "enter")
        await pilot.pause()
        assert human_entries(store, iid)[-1] == "replica lag 4s; quick ack"


async def test_section_editor_text_survives_quit_question(
    app: IrtuiApp, store: Store, demo_ids: dict[str, str]
):
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        app.open(demo_ids["resolved"])
        await pilot.pause()
        await pilot.press("escape", "m")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        area = app.screen.query_one(TextArea)
        await pilot.press(*"The pool was too small")
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert "postmortem" in str(app.screen.query_one("#confirm-body").render()).lower()
        await settle(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert area.text.endswith("The pool was too small")
