"""`RowList`: a keyed list of rows drawn with Textual's Line API, for the board and the timeline.

Why not `DataTable`: a war room's lists change a cell a second (countdowns) and grow a row at a
time (entries), and `DataTable` re-renders every visible cell on any change unless its private
caches are patched (the old `FastTable` did, against one Textual version). Here each row is
rendered by the screen's own function into pre-styled `Strip`s at the current width and cached
under its key; a change re-renders that row alone, an appended row costs one row, and
`render_line` only ever touches the lines on screen. A row may be several lines tall (a wrapped
timeline entry): heights come from a cheap `measure` callback, so a 5,000-entry timeline lays out
without rendering rows nobody sees.

Attributes down, messages up: the screen sets rows; the widget posts `Highlighted` when the cursor
moves and `Selected` on Enter or a click.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size, Spacing
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

_NO_SPACING = Spacing(0, 0, 0, 0)

RenderRow = Callable[[Any, int], list[Strip]]
"""`render(data, width)` -> the row's lines, each a `Strip` (cropped/padded here)."""
MeasureRow = Callable[[Any, int], int]
"""`measure(data, width)` -> how many lines `render` will return, without rendering."""
RenderStyledRow = Callable[[Any, int, Style], list[Strip]]
"""`render(data, width, style)` -> the row's lines with `style` (the list's background and
the zebra shade of the row) already applied to every segment: a row re-rendered every second
then costs no whole-line `apply_style` passes (~0.1 ms a board row)."""


@dataclass(slots=True)
class _Row:
    key: str
    data: Any
    height: int = 1
    lines: list[Strip] | None = None  # rendered at `RowList._width`, dropped when it changes


class RowList(ScrollView, can_focus=True):
    """Rows keyed by id; one cursor row; only visible lines are rendered."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cursor_up", "Up", show=False),
        Binding("down", "cursor_down", "Down", show=False),
        Binding("pageup", "page_up", "Page up", show=False),
        Binding("pagedown", "page_down", "Page down", show=False),
        Binding("home", "first", "First", show=False),
        Binding("end", "last", "Last", show=False),
        Binding("enter", "select", "Select", show=False),
    ]
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "row-list--cursor",
        "row-list--cursor-blurred",
        "row-list--odd",
    }
    DEFAULT_CSS = """
    RowList {
        background: $surface;
        overflow-x: hidden;
    }
    RowList > .row-list--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: $block-cursor-text-style;
    }
    RowList > .row-list--cursor-blurred {
        background: $block-cursor-blurred-background;
        color: $block-cursor-blurred-foreground;
        text-style: $block-cursor-blurred-text-style;
    }
    RowList > .row-list--odd {
        background: $surface-lighten-1 50%;
    }
    """

    class Highlighted(Message):
        """The cursor moved to another row (or the row under it changed identity)."""

        def __init__(self, row_list: RowList, key: str | None, index: int) -> None:
            super().__init__()
            self.row_list = row_list
            self.key = key
            self.index = index

        @property
        def control(self) -> RowList:
            return self.row_list

    class Selected(Highlighted):
        """Enter pressed or a row clicked."""

    def __init__(
        self,
        render: RenderRow | RenderStyledRow,
        *,
        measure: MeasureRow | None = None,
        follow: bool = False,
        zebra: bool = False,
        styled: bool = False,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._render_row = render
        self._measure_row = measure
        self.follow = follow
        """Keep the cursor on the last row when rows are appended while it was there."""
        self.zebra = zebra
        """Every other row a shade lighter (a wide board row is easier to follow)."""
        self.styled = styled
        """`render` takes the row's style and applies it itself (`RenderStyledRow`)."""
        self._base_style: Any = None
        self._row_styles: dict[tuple[bool, str], Style] = {}
        """`row_style` by (odd row, cursor look): a component style is a CSS lookup, and
        Textual forgets its own cache of them at every refresh (each countdown second)."""
        """`rich_style` walks every ancestor's CSS: computed once, dropped on a style change."""
        self._rows: list[_Row] = []
        self._index: dict[str, int] = {}
        self._starts: list[int] = [0]
        """_starts[i] is the first line of row i, known for a prefix of the rows and extended
        on demand; an edit that changes a row's height truncates it below that row."""
        self._width = 0
        self._blank_line: tuple[tuple[int, Style], Strip] | None = None
        self.cursor = -1
        self._leader: RowList | None = None
        self._followers: list[RowList] = []

    # --- what the screen calls ---------------------------------------------------------
    @property
    def row_count(self) -> int:
        return len(self._rows)

    @property
    def keys(self) -> list[str]:
        return [row.key for row in self._rows]

    @property
    def content_width(self) -> int:
        """The width rows are rendered and measured at (0 before the first layout)."""
        return self._width

    @property
    def cursor_key(self) -> str | None:
        return self._rows[self.cursor].key if 0 <= self.cursor < len(self._rows) else None

    def __contains__(self, key: object) -> bool:
        return key in self._index

    def data(self, key: str) -> Any:
        return self._rows[self._index[key]].data

    def set_rows(
        self,
        rows: Iterable[tuple[str, Any]],
        *,
        cursor_key: str | None = None,
        heights: list[int] | None = None,
        measured_at: int | None = None,
    ) -> None:
        """Replace every row; the cursor stays on `cursor_key` (or its old key) if present,
        else goes to the end when following, else to the first row. `heights` measured at
        width `measured_at` (e.g. by a worker thread, off the event loop) are taken as they
        are when the list is still that wide; otherwise every row is measured here."""
        keep = cursor_key if cursor_key is not None else self.cursor_key
        was_last = self.cursor == len(self._rows) - 1
        self._rows = [_Row(key, data) for key, data in rows]
        self._index = {row.key: i for i, row in enumerate(self._rows)}
        self._starts = [0]
        if heights is not None and measured_at == self._width and len(heights) == len(self._rows):
            for row, height in zip(self._rows, heights, strict=True):
                row.height = max(1, height)
            self._invalidate(0)
        else:
            self._invalidate(0, remeasure=True)
        if self.follow and was_last and cursor_key is None:
            index = len(self._rows) - 1
        elif keep in self._index:
            index = self._index[keep]
        else:
            index = len(self._rows) - 1 if self.follow else 0
        self._place_cursor(index, announce=True)
        self.refresh()

    def append(self, key: str, data: Any) -> None:
        """Add a row at the end: costs one row's measure; nothing above is touched."""
        if key in self._index:
            self.update(key, data)
            return
        at_end = self.cursor == len(self._rows) - 1
        first_line = self._line_of(len(self._rows))
        row = _Row(key, data, self._measure(data))
        self._index[key] = len(self._rows)
        self._rows.append(row)
        self._starts.append(first_line + row.height)
        self._resize_virtual()
        if (self.follow and at_end) or self.cursor < 0:
            self._place_cursor(len(self._rows) - 1, announce=True)
        self.refresh_lines(first_line, row.height)

    def update(self, key: str, data: Any, *, span: tuple[int, int] | None = None) -> None:
        """Change one row's data: that row alone is re-rendered (and, if its height changed,
        the rows below move). `span` (first column, end column) says only those cells of the
        row look different: the screen then repaints just them (a board countdown is 9 of
        160 cells; the compositor's and the terminal's work follow the dirty area)."""
        index = self._index[key]
        if self._replace_data(index, data):
            self.refresh()
            return
        height = self._rows[index].height
        if span is None:
            self.refresh_lines(self._line_of(index), height)
            return
        top = self._line_of(index) - self.scroll_offset.y
        if top + height > 0 and top < self.size.height:
            self.refresh(Region(span[0], top, span[1] - span[0], height))

    def _replace_data(self, index: int, data: Any) -> bool:
        """Row `index` shows `data` from its next render; True if its height changed (the
        rows below it moved and the list's size is updated: the caller refreshes it all)."""
        row = self._rows[index]
        row.data = data
        row.lines = None
        height = self._measure(data)
        if height == row.height:
            return False
        row.height = height
        self._invalidate(index)
        return True

    def update_rows(self, changes: Iterable[tuple[str, Any]]) -> None:
        """Several rows' new data at once, with one refresh for all the visible ones: the
        board's countdowns change every second, and a refresh costs ~0.1 ms however small
        its region (50 separate ones were half of the board's work each second)."""
        regions: list[Region] = []
        moved = False
        top_line = self.scroll_offset.y
        height = self.size.height
        width = max(self.virtual_size.width, self.size.width)
        for key, data in changes:
            index = self._index[key]
            if self._replace_data(index, data):
                moved = True
                continue
            lines = self._rows[index].height
            top = self._line_of(index) - top_line
            if top + lines > 0 and top < height:
                regions.append(Region(0, top, width, lines))
        if moved:
            self.refresh()
        elif regions:
            self.refresh(*_coalesced(regions))

    def clear(self) -> None:
        self.set_rows([])

    def mirror(self, leader: RowList) -> None:
        """Draw `leader`'s rows' cursor and scroll position: a column of the same rows kept in
        its own narrow widget, so a cell that changes every second (a countdown) repaints
        a few cells of a few segments instead of whole 160-cell rows. The leader keeps the
        focus and the keys; a click here moves the leader's cursor."""
        self._leader = leader
        leader._followers.append(self)
        self.can_focus = False

    @property
    def _looks_focused(self) -> bool:
        return self.has_focus or (self._leader is not None and self._leader.has_focus)

    def move_cursor(self, index: int | None = None, *, key: str | None = None) -> None:
        if key is not None:
            if key not in self._index:
                return
            index = self._index[key]
        if index is None:
            return
        self._place_cursor(index, announce=True)

    def row_region(self, index: int) -> Region:
        """The row's lines in content coordinates (for scrolling into view)."""
        return Region(0, self._line_of(index), self.size.width, self._rows[index].height)

    # --- layout ------------------------------------------------------------------------
    def _measure(self, data: Any) -> int:
        width = self._width
        if not width:
            return 1  # not laid out yet: every row is measured at the first resize
        if self._measure_row is not None:
            return max(1, self._measure_row(data, width))
        return max(1, len(self._render(data, width, 0)))

    def row_style(self, index: int) -> Style:
        """The list's own style for row `index`: background, the zebra shade, the cursor."""
        odd = bool(self.zebra and index % 2)
        cursor = ""
        if index == self.cursor:
            cursor = "row-list--cursor" if self._looks_focused else "row-list--cursor-blurred"
        key = (odd, cursor)
        style = self._row_styles.get(key)
        if style is None:
            style = self._base_style
            if style is None:
                style = self._base_style = self.rich_style
            if odd:
                style = style + self.get_component_rich_style("row-list--odd", partial=True)
            if cursor:
                style = style + self.get_component_rich_style(cursor, partial=True)
            self._row_styles[key] = style
        return style

    def _render(self, data: Any, width: int, index: int) -> list[Strip]:
        if self.styled:
            return self._render_row(data, width, self.row_style(index))  # type: ignore[call-arg]
        return self._render_row(data, width)  # type: ignore[call-arg]

    def _invalidate(self, index: int, *, remeasure: bool = False) -> None:
        """Row `index` and those below may have moved (or, with `remeasure`, every row's
        height must be measured again at a new width)."""
        if remeasure:
            for row in self._rows:
                row.lines = None
                row.height = self._measure(row.data)
        del self._starts[index + 1 :]
        self._resize_virtual()

    def _ensure_starts(self, upto_row: int) -> None:
        starts = self._starts
        rows = self._rows
        while len(starts) <= min(upto_row, len(rows)):
            i = len(starts) - 1
            starts.append(starts[i] + rows[i].height)

    def _line_of(self, index: int) -> int:
        self._ensure_starts(index)
        return self._starts[index]

    def _total_lines(self) -> int:
        self._ensure_starts(len(self._rows))
        return self._starts[len(self._rows)]

    def _row_at_line(self, line: int) -> int:
        self._ensure_starts(len(self._rows))
        return bisect_right(self._starts, line) - 1

    def _resize_virtual(self) -> None:
        self.virtual_size = Size(self.size.width, self._total_lines())

    def _row_width(self) -> int:
        """The width rows are drawn at: the content less a shown vertical scrollbar (which
        Textual draws over the content's last columns)."""
        return self.scrollable_content_region.width

    def on_resize(self, event: events.Resize) -> None:
        width = self._row_width()
        if width != self._width:
            self._width = width
            self._invalidate(0, remeasure=True)
            self._scroll_to_cursor()
        else:
            self._resize_virtual()

    # --- rendering ---------------------------------------------------------------------
    def notify_style_update(self) -> None:
        self._base_style = None
        self._row_styles.clear()
        if self.styled:  # theme or CSS changed: the styles rendered into the rows are stale
            for row in self._rows:
                row.lines = None
        super().notify_style_update()

    def render_lines(self, crop: Region) -> list[Strip]:
        """The lines in `crop`, straight from the rows' own strips when the list has no box
        styles (border, padding, outline, tint, opacity, hatch): Textual's general path adds
        nothing to such a line yet builds two more `Strip`s for it and reads a dozen style
        properties, and the board's countdowns change 45 lines a second. The app's line
        filters (`irtui.tui.safety`) still see every line; with box styles, Textual draws."""
        if not self._plain_box():
            return super().render_lines(crop)
        filters = self.get_line_filters()
        background = self.background_colors[1]
        render_line = self.render_line
        width = self.size.width
        # rows stop short of the scrollbar's gutter: a shown scrollbar covers it, else fill it
        fill = None if self.show_vertical_scrollbar else self._base_style or self.rich_style
        strips: list[Strip] = []
        for y in crop.line_range:
            strip = render_line(y)
            if fill is not None:
                strip = strip.adjust_cell_length(width, fill)
            for line_filter in filters:
                strip = strip.apply_filter(line_filter, background)
            strips.append(strip)
        x1, x2 = crop.column_span
        if (x1, x2) != (0, width):
            strips = [strip.crop(x1, x2) for strip in strips]
        return strips

    def _plain_box(self) -> bool:
        """No style that `StylesCache` would draw around or over the rows' own lines."""
        styles = self.styles
        if self.BLANK or styles.padding != _NO_SPACING or styles.tint.a or self.opacity != 1:
            return False
        if styles.text_opacity != 1 or (styles.has_rule("hatch") and styles.hatch != "none"):
            return False
        if any(edge for edge, _color in styles.border) or any(e for e, _ in styles.outline):
            return False
        # a link under the mouse is restyled by Textual's path (rows carry no links today)
        return not (self.auto_links and self.hover_style.link_id)

    def _blank(self, width: int, style: Style) -> Strip:
        """The line below the last row, one `Strip` kept: a list drawn again (a sibling
        changed) then hands the filters and the compositor the strip they have cached."""
        key = (width, style)
        if self._blank_line is None or self._blank_line[0] != key:
            self._blank_line = (key, Strip.blank(width, style))
        return self._blank_line[1]

    def render_line(self, y: int) -> Strip:
        width = self._width or self._row_width()
        line = self.scroll_offset.y + y
        base = self._base_style
        if base is None:
            base = self._base_style = self.rich_style
        if line >= self._total_lines() or not self._rows:
            return self._blank(width, base)
        index = self._row_at_line(line)
        row = self._rows[index]
        if row.lines is None:
            row.lines = self._render(row.data, width, index)
            if len(row.lines) != row.height:  # measure was wrong: the render wins
                row.height = max(1, len(row.lines))
                self._invalidate(index)
                self.call_after_refresh(self.refresh)
        offset = line - self._starts[index]
        if self.styled:  # the row's style is in its segments already (cursor included)
            style = self.row_style(index)
            strip = row.lines[offset] if offset < len(row.lines) else Strip.blank(width, style)
            return strip if strip.cell_length == width else strip.crop_extend(0, width, style)
        strip = row.lines[offset] if offset < len(row.lines) else Strip.blank(width)
        if strip.cell_length != width:
            strip = strip.crop_extend(0, width, None)
        if index == self.cursor:
            name = "row-list--cursor" if self._looks_focused else "row-list--cursor-blurred"
            strip = strip.apply_style(self.get_component_rich_style(name, partial=True))
        if self.zebra and index % 2:
            strip = strip.apply_style(self.get_component_rich_style("row-list--odd", partial=True))
        return strip.apply_style(base)

    # --- cursor ------------------------------------------------------------------------
    def _place_cursor(self, index: int, *, announce: bool) -> None:
        old = self.cursor
        index = max(-1, min(index, len(self._rows) - 1)) if self._rows else -1
        if index < 0 and self._rows:
            index = 0
        self.cursor = index
        if self.styled and old != index:  # the cursor's style is rendered into the row
            for changed in (old, index):
                if 0 <= changed < len(self._rows):
                    self._rows[changed].lines = None
        if old != index and 0 <= old < len(self._rows):
            self.refresh_lines(self._line_of(old), self._rows[old].height)
        if index >= 0:
            self.refresh_lines(self._line_of(index), self._rows[index].height)
            self._scroll_to_cursor()
        for follower in self._followers:
            if follower.cursor != index:
                follower._place_cursor(index, announce=False)
        if announce and (old != index or index >= 0):
            self.post_message(self.Highlighted(self, self.cursor_key, index))

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        for other in [*self._followers, *([self._leader] if self._leader else [])]:
            if other.scroll_y != new_value:
                other.scroll_to(y=new_value, animate=False, immediate=True)

    def _scroll_to_cursor(self) -> None:
        """Bring the cursor row into view now, and again once a pending change of the
        virtual size has been laid out (scrolling is clamped to the old size until then)."""
        if self.cursor < 0:
            return
        self.scroll_to_region(
            self.row_region(self.cursor), animate=False, immediate=True, force=True
        )
        self.call_after_refresh(self._scroll_to_cursor_later)

    def _scroll_to_cursor_later(self) -> None:
        if 0 <= self.cursor < len(self._rows):
            self.scroll_to_region(
                self.row_region(self.cursor), animate=False, immediate=True, force=True
            )

    def action_cursor_up(self) -> None:
        self._place_cursor(self.cursor - 1, announce=True)

    def action_cursor_down(self) -> None:
        self._place_cursor(self.cursor + 1, announce=True)

    def action_page_up(self) -> None:
        line = max(0, self._line_of(max(self.cursor, 0)) - self.size.height)
        self._place_cursor(self._row_at_line(line), announce=True)

    def action_page_down(self) -> None:
        line = min(self._total_lines() - 1, self._line_of(max(self.cursor, 0)) + self.size.height)
        self._place_cursor(self._row_at_line(max(line, 0)), announce=True)

    def action_first(self) -> None:
        self._place_cursor(0, announce=True)

    def action_last(self) -> None:
        self._place_cursor(len(self._rows) - 1, announce=True)

    def action_select(self) -> None:
        if self.cursor >= 0:
            self.post_message(self.Selected(self, self.cursor_key, self.cursor))

    def on_click(self, event: events.Click) -> None:
        line = self.scroll_offset.y + event.y
        if self._leader is not None:  # a click on the mirrored column is one on the row
            event.stop()
            self._leader.focus()
            self._leader.click_line(line, event.chain)
            return
        self.click_line(line, event.chain)

    def click_line(self, line: int, chain: int = 1) -> None:
        """A click on content line `line`: the cursor goes there; a second click (or a
        double click) on the cursor row selects it."""
        if 0 <= line < self._total_lines():
            index = self._row_at_line(line)
            already = index == self.cursor
            self._place_cursor(index, announce=True)
            if already or chain >= 2:  # as DataTable: a click on the cursor row opens
                self.action_select()

    def on_focus(self) -> None:
        for widget in (self, *self._followers):
            widget._refresh_cursor_row()

    def _refresh_cursor_row(self) -> None:
        if 0 <= self.cursor < len(self._rows):
            if self.styled:
                self._rows[self.cursor].lines = None
            self.refresh_lines(self._line_of(self.cursor), self._rows[self.cursor].height)

    on_blur = on_focus


def _coalesced(regions: list[Region]) -> list[Region]:
    """Full-width line regions with touching ones joined: the compositor's cost follows the
    number of regions as well as their area (45 countdown rows are one region, not 45)."""
    regions.sort(key=lambda region: region.y)
    out = [regions[0]]
    for region in regions[1:]:
        last = out[-1]
        if region.y <= last.bottom and region.x == last.x and region.width == last.width:
            out[-1] = Region(last.x, last.y, last.width, max(last.bottom, region.bottom) - last.y)
        else:
            out.append(region)
    return out


def text_lines(text: Any, width: int, console: Any) -> list[Strip]:
    """A Rich `Text` wrapped to `width` as `Strip`s (for renderers with wrapped text)."""
    lines = text.wrap(console, width)
    return [Strip(list(line.render(console)) or [Segment("")], line.cell_len) for line in lines]


def wrapped_height(text: str, width: int) -> int:
    """How many lines `text` takes when word-wrapped to `width` cells (greedy, long words
    folded), without building any Rich object: a measure for `RowList` that costs ~1 µs for
    a line that fits and a few µs for a long one. It matches Rich's wrap on ordinary text;
    where it does not, the row's render corrects it."""
    if width <= 0:
        return 1
    if len(text) <= width and text.isascii() and "\n" not in text:
        return 1
    total = 0
    for paragraph in text.split("\n"):
        ascii_only = paragraph.isascii()  # then a character is a cell: len() is enough
        if (len(paragraph) if ascii_only else cell_len(paragraph)) <= width:
            total += 1
            continue
        lines, column = 1, 0
        for word in paragraph.split(" "):
            size = len(word) if ascii_only else cell_len(word)
            needed = size if column == 0 else column + 1 + size
            if needed <= width:
                column = needed
                continue
            if column:
                lines += 1
            while size > width:
                lines += 1
                size -= width
            column = size
        total += lines
    return total
