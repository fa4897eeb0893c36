"""RowList draws its lines itself when it has no box styles (`RowList.render_lines`): the
board's countdowns change 45 lines a second, and Textual's general path built two extra
strips per line for nothing. What it draws must be what Textual's path draws, cell for cell;
with padding, a border or a tint Textual's path is taken; the line filters (no control
character reaches the terminal) still see every line; a board tick repaints the changed
rows as one region."""

from __future__ import annotations

from datetime import timedelta

from rich.text import Text
from textual.app import App, ComposeResult
from textual.filter import LineFilter
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from irtui.domain.timeutil import ManualClock
from irtui.store.repo import Store
from irtui.tui.app import IrtuiApp
from irtui.tui.safety import NoControlCharacters
from irtui.tui.widgets.row_list import RowList, _coalesced, text_lines
from tests.tui.conftest import make_app


def cells(strips: list[Strip]) -> list[list[tuple[str, object, object]]]:
    """Each line as (character, background, foreground) per cell: equal drawings compare
    equal whatever runs of segments they are cut into (a space has no visible foreground)."""
    out = []
    for strip in strips:
        line = []
        for text, style, _control in strip:
            for char in text:
                color = style.color if style and char != " " else None
                line.append((char, style.bgcolor if style else None, color))
        out.append(line)
    return out


async def test_the_board_lines_are_the_ones_textual_draws(app: IrtuiApp) -> None:
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        for selector in ("#board-table", "#board-clock"):
            rows = app.screen.query_one(selector, RowList)
            assert rows._plain_box()
            whole = Region(0, 0, *rows.size)
            fast = rows.render_lines(whole)
            rows._styles_cache.clear()
            textual = Widget.render_lines(rows, whole)
            assert len(fast) == rows.size.height
            assert cells(fast) == cells(textual), selector
            part = Region(2, 1, 5, 3)
            assert cells(rows.render_lines(part)) == cells(Widget.render_lines(rows, part))


class PaddedApp(App[None]):
    CSS = "#padded { padding: 0 2; } #tinted { tint: red 30%; }"
    NAMES = ("plain", "padded", "tinted")

    def get_line_filters(self) -> list[LineFilter]:
        return [NoControlCharacters(super().get_line_filters())]

    def compose(self) -> ComposeResult:
        def render(data: str, width: int) -> list[Strip]:
            return text_lines(Text(data), width, self.console)

        for name in self.NAMES:
            yield RowList(render, id=name)


async def test_box_styles_take_textuals_path_and_filters_see_every_line() -> None:
    app = PaddedApp()
    async with app.run_test(size=(30, 12)) as pilot:
        for rows in app.query(RowList):
            rows.set_rows([("a", "first \x1b]0;owned\x07row"), ("b", "second")])
        await pilot.pause()
        plain, padded, tinted = (app.query_one(f"#{n}", RowList) for n in PaddedApp.NAMES)
        assert plain._plain_box() and not padded._plain_box() and not tinted._plain_box()
        assert padded.render_lines(Region(0, 0, *padded.size))[0].text.startswith("  first")
        line = plain.render_lines(Region(0, 0, *plain.size))[0].text
        assert line.startswith("first ]0;ownedrow")  # the escape never goes out


def test_touching_line_regions_are_joined() -> None:
    regions = [Region(0, 5, 13, 1), Region(0, 3, 13, 1), Region(0, 4, 13, 1), Region(0, 9, 13, 2)]
    assert _coalesced(regions) == [Region(0, 3, 13, 3), Region(0, 9, 13, 2)]
    assert _coalesced([Region(0, 1, 13, 1), Region(2, 2, 5, 1)]) == [
        Region(0, 1, 13, 1),
        Region(2, 2, 5, 1),
    ]


async def test_a_tick_repaints_the_countdowns_as_one_region(tmp_path) -> None:
    store = Store.open(tmp_path / "s.db", author="alice")
    now = store.now()
    clock = ManualClock(now)
    for n in range(6):  # SEV1s: their ack clocks count seconds
        store.declare(f"checkout errors {n}", 1, services=["checkout"], detected_at=now)
    app = make_app(store, clock)
    refreshed: list[tuple[Region, ...]] = []
    async with app.run_test(size=(160, 30)) as pilot:
        await pilot.pause()
        clocks = app.screen.query_one("#board-clock", RowList)
        original = clocks.refresh

        def spy(*regions: Region, **kwargs: object) -> Widget:
            refreshed.append(regions)
            return original(*regions, **kwargs)

        clocks.refresh = spy  # type: ignore[method-assign]
        clock.advance(timedelta(seconds=1))
        app.tick()
        await pilot.pause()
        assert refreshed == [(Region(0, 0, clocks.size.width, 6),)]
        assert "14m59s" in clocks.render_lines(Region(0, 0, *clocks.size))[0].text
    store.close()
