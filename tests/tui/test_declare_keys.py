"""The declare dialog by keys: labelled fields, Enter moves on and submits from the last one,
the drill box reads off or on, Esc with typed text asks first."""

from __future__ import annotations

from textual.widgets import Checkbox, Label

from irtui.domain.timeutil import ManualClock
from irtui.store.repo import Store
from irtui.tui.screens.dialogs import DeclareDialog
from irtui.tui.screens.incident import IncidentScreen
from irtui.tui.screens.modal import ConfirmDialog
from tests.tui.conftest import make_app, settle


async def test_enter_walks_the_fields_and_the_last_one_declares(
    store: Store, clock: ManualClock
) -> None:
    app = make_app(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, DeclareDialog)
        labels = [str(w.render()) for w in dialog.query(".field-label").results(Label)]
        assert labels[:2] == ["Title", "Services"] and "Commander" in labels
        assert labels[-2:] == ["Impact started", "Detected"]
        drill = dialog.query_one("#drill", Checkbox)
        assert not drill.value and not drill.has_class("-on")
        await pilot.press(*"Search latency [/] x", "enter", *"search", "enter", "enter")
        assert app.focused is dialog.query_one("#ic")
        await pilot.press("enter", "enter")  # impact started, detected (defaults)
        assert app.focused is dialog.query_one("#detected")
        await pilot.press("enter")  # the last field: declared
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, IncidentScreen)
        new = max(store.list_incidents(), key=lambda i: i.number)
        assert new.title == "Search latency [/] x" and new.services == ["search"]


async def test_escape_with_text_asks_before_discarding(store: Store, clock: ManualClock) -> None:
    app = make_app(store, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"half a title", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await settle(pilot)
        await pilot.press("n")  # keep editing
        await pilot.pause()
        assert isinstance(app.screen, DeclareDialog)
        assert app.screen.query_one("#title").value == "half a title"
        app.screen.query_one("#drill", Checkbox).value = True
        await pilot.pause()
        assert app.screen.query_one("#drill").has_class("-on")
