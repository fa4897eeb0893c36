"""*Other role…* in the roles dialog means a custom role on purpose: a name that looks like a
typo of a standard role (which the command line refuses without `--custom`) is taken as
written here, and a custom role the incident already has can be handed on."""

from __future__ import annotations

from textual.widgets import Input, Select

from irtui.store.repo import Store
from irtui.tui.app import IrtuiApp
from irtui.tui.screens.handoff import OTHER, RolesScreen


async def test_other_role_takes_a_near_miss_name_as_a_custom_role(
    app: IrtuiApp, store: Store, demo_ids: dict[str, str]
) -> None:
    iid = demo_ids["sev1"]
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        app.push_screen(RolesScreen(iid))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RolesScreen)
        screen.query_one("#role", Select).value = OTHER
        await pilot.pause()
        screen.query_one("#custom-role", Input).focus()
        await pilot.press(*"comander")
        screen.query_one("#to", Input).focus()
        await pilot.press(*"zoe", "ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, RolesScreen), "the dialog closed: it was written"
        assert store.get(iid).roles["comander"].name == "zoe"
        assert store.get(iid).roles["commander"].name == "alice"  # the real IC is untouched

        app.push_screen(RolesScreen(iid, role="comander"))  # now one of the incident's roles
        await pilot.pause()
        screen = app.screen
        assert "comander" in [value for _label, value in screen.role_options()]
        screen.query_one("#to", Input).focus()
        await pilot.press(*"yan", "ctrl+s")  # held: offered as a hand-off, not refused
        await pilot.pause()
        assert store.get(iid).roles["comander"].pending_handoff_to == "yan"
