"""The entry line sits whole above the key bar: its input's bottom border was drawn under the
docked footer (both were docked to the bottom edge, and docked widgets overlap)."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from irtui.tui.app import IrtuiApp
from irtui.tui.screens.incident import IncidentScreen
from irtui.tui.widgets.key_bar import KeyBar


@pytest.mark.parametrize("size", [(80, 24), (120, 36), (200, 60)])
async def test_the_entry_line_is_fully_visible_above_the_key_bar(
    app: IrtuiApp, size: tuple[int, int]
) -> None:
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, IncidentScreen)
        bar = screen.query_one("#entry-bar").region
        entry = screen.query_one("#entry", Input).region
        keys = screen.query_one(KeyBar).region
        body = screen.query_one("#inc-body").region
        assert entry.height == 3 and bar.y <= entry.y and entry.bottom <= bar.bottom
        assert bar.bottom <= keys.y, (bar, keys)  # nothing of the entry line under the keys
        assert keys.bottom == size[1]
        assert body.bottom <= bar.y  # and the timeline does not run under it either
