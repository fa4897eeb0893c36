"""Parity with the CLI from the TUI: action items added and closed from the incident screen
and the postmortem screen; a reminder snoozed with a reason."""

from __future__ import annotations

from textual.widgets import Input, OptionList

from irtui.domain.model import EventKind
from irtui.store.actions_repo import ActionsRepo
from irtui.store.repo import Store
from irtui.tui.app import IrtuiApp
from irtui.tui.screens.action_items import ActionItemsDialog, read_type
from irtui.tui.screens.dialogs import PromptDialog
from irtui.tui.screens.incident import IncidentScreen
from irtui.tui.screens.postmortem import PostmortemScreen
from irtui.tui.screens.snooze import SnoozeDialog
from tests.tui.conftest import settle

HOSTILE = "[/] x [/ y [red] \x1b[31m"


async def open_first(app: IrtuiApp, pilot) -> IncidentScreen:
    await pilot.pause()
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, IncidentScreen)
    return app.screen


async def saved(app: IrtuiApp, pilot) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


def test_types_are_read_by_prefix() -> None:
    assert read_type("p") == "prevent" and read_type("Det") == "detect"
    assert read_type("") == "prevent" and read_type("m") == "mitigate"


async def test_add_and_close_action_items_from_the_incident_screen(
    app: IrtuiApp, store: Store, demo_ids: dict[str, str]
) -> None:
    repo = ActionsRepo(store.db)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_first(app, pilot)
        iid = screen.incident_id
        before = len(repo.list(incident_id=iid))
        await pilot.press("escape", "A")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ActionItemsDialog)
        assert app.focused is dialog.query_one("#ai-title")
        await pilot.press(*"Alert on pool saturation ", *HOSTILE.replace("\x1b", ""), "tab")
        await pilot.press(*"bob", "tab", *"+7d", "tab", *"det", "tab", "enter")
        await saved(app, pilot)
        items = repo.list(incident_id=iid)
        assert len(items) == before + 1
        item = next(i for i in items if i.title.startswith("Alert on pool"))
        assert (item.type, item.owner, item.priority) == ("detect", "bob", "P2")
        assert item.due is not None
        assert dialog.query_one("#ai-title", Input).value == ""  # ready for the next one
        # a bad due date keeps what was typed
        await pilot.press(*"Runbook for failover", "tab", "tab", *"next week", "enter")
        await saved(app, pilot)
        assert dialog.query_one("#ai-title", Input).value == "Runbook for failover"
        assert len(repo.list(incident_id=iid)) == before + 1
        # close one from the list: done, and another as won't do with a reason
        listing = dialog.query_one("#ai-list", OptionList)
        listing.focus()
        listing.highlighted = dialog.items.index(next(i for i in dialog.items if i.id == item.id))
        await pilot.press("d")
        await saved(app, pilot)
        assert repo.get(item.id).status == "done"
        await pilot.press("o")
        await saved(app, pilot)
        assert repo.get(item.id).status == "open"
        await pilot.press("x")
        await pilot.pause()
        assert isinstance(app.screen, PromptDialog)
        await pilot.press(*"covered by the SLO alert", "enter")
        await saved(app, pilot)
        assert repo.get(item.id).status == "wontdo"
        assert repo.get(item.id).reason == "covered by the SLO alert"
        await pilot.press("escape")  # the form holds typed text: it asks
        await settle(pilot)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, IncidentScreen)


async def test_action_items_from_the_postmortem_screen(
    app: IrtuiApp, store: Store, demo_ids: dict[str, str]
) -> None:
    iid = demo_ids["resolved"]
    repo = ActionsRepo(store.db)
    before = len(repo.list(incident_id=iid))
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        app.push_screen(PostmortemScreen(store, iid))
        await saved(app, pilot)
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ActionItemsDialog)
        await pilot.press(*"Add a canary stage", "ctrl+s")
        await saved(app, pilot)
        assert len(repo.list(incident_id=iid)) == before + 1
        await pilot.press("escape")
        await saved(app, pilot)
        assert isinstance(app.screen, PostmortemScreen)
        assert "Add a canary stage" in app.screen.draft.markdown


async def test_snooze_a_reminder_with_a_reason(
    app: IrtuiApp, store: Store, demo_ids: dict[str, str]
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_first(app, pilot)
        iid = screen.incident_id
        await pilot.press("escape", "S")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, SnoozeDialog)
        target = dialog.query_one("#snooze-target", Input).value
        assert target  # the soonest running clock, prefilled
        await pilot.press(*"20m", "enter")  # to the reason
        await pilot.press("enter")  # no reason: refused, nothing written
        await saved(app, pilot)
        assert app.screen is dialog
        await pilot.press(*"exec on a call [/] until 15:00", "enter")
        await saved(app, pilot)
        assert isinstance(app.screen, IncidentScreen)
        last = store.events(iid)[-1]
        assert last.kind == EventKind.REMINDER_SNOOZED
        assert last.payload["reason"] == "exec on a call [/] until 15:00"
