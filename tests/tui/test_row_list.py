"""RowList, the Line-API list under the board and the timeline: rows keyed by id, wrapped rows,
one-row updates, a cursor driven by keys, and only visible rows rendered."""

from __future__ import annotations

import random

from rich.console import Console
from rich.text import Text
from textual.app import App, ComposeResult
from textual.strip import Strip

from irtui.tui.widgets.row_list import RowList, text_lines, wrapped_height


class ListApp(App[None]):
    def __init__(self, **kwargs: object) -> None:
        super().__init__()
        self.rendered: list[str] = []
        self.highlighted: list[str | None] = []
        self.selected: list[str | None] = []
        self.kwargs = kwargs

    def compose(self) -> ComposeResult:
        def render(data: str, width: int) -> list[Strip]:
            self.rendered.append(data)
            return text_lines(Text(data), width, self.console)

        yield RowList(render, measure=lambda d, w: wrapped_height(d, w), **self.kwargs)

    def on_row_list_highlighted(self, event: RowList.Highlighted) -> None:
        self.highlighted.append(event.key)

    def on_row_list_selected(self, event: RowList.Selected) -> None:
        self.selected.append(event.key)


def screen_text(app: App[None]) -> str:
    return app.export_screenshot().replace("&#160;", " ")


async def test_wrapped_rows_keys_and_only_visible_rows_rendered() -> None:
    app = ListApp(follow=True)
    async with app.run_test(size=(40, 10)) as pilot:
        rows = app.query_one(RowList)
        rows.set_rows([(f"e{i}", f"entry {i}") for i in range(2000)])
        rows.append("long", "a decision that is far too long to fit in one line of forty")
        await pilot.pause()
        assert rows.cursor_key == "long"  # following the end
        assert rows.virtual_size.height == 2002  # 2,000 one-liners and one two-line row
        assert len(set(app.rendered)) <= 2 * 10, "only rows on screen are rendered, not 2,001"
        shown = screen_text(app)
        assert "a decision that is far too long" in shown and "in one line of forty" in shown
        await pilot.press("up", "up")
        assert rows.cursor_key == "e1998" and app.highlighted[-1] == "e1998"
        await pilot.press("home")
        assert rows.cursor_key == "e0" and rows.scroll_offset.y == 0
        await pilot.press("enter")
        assert app.selected == ["e0"]


async def test_update_rerenders_one_row_and_heights_follow() -> None:
    app = ListApp()
    async with app.run_test(size=(30, 8)) as pilot:
        rows = app.query_one(RowList)
        rows.set_rows([("a", "alpha"), ("b", "beta"), ("c", "gamma")])
        await pilot.pause()
        app.rendered.clear()
        rows.update("b", "beta is now long enough to need two lines")
        await pilot.pause()
        assert app.rendered == ["beta is now long enough to need two lines"]
        assert rows.virtual_size.height == 4
        assert "gamma" in screen_text(app)
        rows.move_cursor(key="c")
        assert rows.cursor == 2


async def test_resize_rewraps_and_keeps_the_cursor_row() -> None:
    app = ListApp()
    async with app.run_test(size=(60, 8)) as pilot:
        rows = app.query_one(RowList)
        rows.set_rows([(f"r{i}", "word " * 20) for i in range(30)])
        rows.move_cursor(key="r20")
        await pilot.pause()
        tall = rows.virtual_size.height
        await pilot.resize_terminal(30, 8)
        await pilot.pause()
        assert rows.virtual_size.height > tall
        assert rows.cursor_key == "r20"
        region = rows.row_region(rows.cursor)
        assert rows.scroll_offset.y <= region.y < rows.scroll_offset.y + rows.size.height


def test_wrapped_height_matches_rich_on_ordinary_text() -> None:
    console = Console(width=200)
    rng = random.Random(7)
    words = ["a", "to", "the", "pods", "replica", "rollback", "eu-west-1", "INC-1042"]
    for _ in range(500):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 60)))
        width = rng.randint(12, 120)
        assert wrapped_height(text, width) == len(Text(text).wrap(console, width)), (text, width)
