"""The command palette finds every action by its title and by the words people use for it,
and lists each once (Textual's own Quit is not listed beside irtui's)."""

from __future__ import annotations

import pytest
from textual.command import CommandList, CommandPalette

from irtui.tui.actions import ACTIONS
from irtui.tui.app import IrtuiApp
from irtui.tui.palette import entries, ranked
from irtui.tui.screens.board import BoardScreen
from irtui.tui.screens.handoff import RolesScreen
from irtui.tui.screens.incident import IncidentScreen
from irtui.tui.screens.staff import StaffDialog
from tests.tui.conftest import settle

INCIDENT_QUERIES = {
    "hand off": "Roles",
    "handoff": "Roles",
    "assign": "Roles",
    "page": "Page",
    "pager": "Page",
    "mitigat": None,  # Mitigated where it exists, else Status (mitigating)
    "mitigated": None,
    "post update": "Update",
    "status page": "Update",
    "amend": "Edit",
    "action item": "Action items",
    "snooze": "Snooze",
    "links": "Details",
    "copy": "Copy link",
    "wrap": "Compact",
    "quit": "Quit",
    "declare": "Declare",
}


async def _screen_entries(app: IrtuiApp, pilot, incident: bool):
    await pilot.pause()
    if incident:
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, IncidentScreen)
    else:
        assert isinstance(app.screen, BoardScreen)
    return entries(app, app.screen)


async def test_every_action_is_listed_once_and_found_by_its_synonyms(app: IrtuiApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        found = await _screen_entries(app, pilot, incident=True)
        titles = [e.title for e in found]
        assert titles.count("Quit") == 1
        assert len(titles) == len(set(titles))
        registry = {a.title for a in ACTIONS if a.scope in ("app", "incident")} - {"Command"}
        assert registry <= set(titles)
        for query, expected in INCIDENT_QUERIES.items():
            top = ranked(query, found)
            assert top, query
            if expected is None:
                assert top[0].title in ("Mitigated", "Status"), (query, top[0].title)
            else:
                assert top[0].title == expected, (query, [e.title for e in top[:3]])


async def test_board_palette_finds_page_and_hand_off(app: IrtuiApp) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        found = await _screen_entries(app, pilot, incident=False)
        assert [e.title for e in found].count("Quit") == 1
        assert ranked("page", found)[0].title == "Page"
        assert ranked("hand off", found)[0].title == "Roles"
        assert ranked("recently resolved", found)[0].title == "Resolved"


@pytest.mark.parametrize("query", ["hand off", "handoff"])
async def test_typing_hand_off_in_the_palette_opens_the_roles(app: IrtuiApp, query: str) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)
        await pilot.press(*query)
        await pilot.pause(0.6)  # the palette searches in the background
        listing = app.screen.query_one(CommandList)
        shown = [str(listing.get_option_at_index(i).prompt) for i in range(listing.option_count)]
        assert shown[0].startswith("Roles") and listing.highlighted == 0
        assert not any(s.startswith("Quit") for s in shown)
        await pilot.press("enter")
        await pilot.pause(0.3)
        # Comms is empty on the demo's SEV1: staffing first (ctrl+r goes on to hand-offs)
        assert isinstance(app.screen, RolesScreen | StaffDialog)
