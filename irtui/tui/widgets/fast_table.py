"""A `DataTable` whose small changes re-render only what changed.

`DataTable` bumps an update counter that is part of every render-cache key on each change, so
changing one countdown, appending one timeline entry or a height-only resize re-renders every
visible cell (50 rows x 8 cells a second on the board). Here `set_cells` drops only the caches
of the changed cells and repaints their rows, `append_row` carries the other rows' rendered
cells over to the new counter, and a resize that keeps the width (all columns here have fixed
widths) keeps the caches. It relies on DataTable internals of the pinned Textual (8.2.8): the
screen-content assertions and snapshot tests catch a change there when Textual is bumped.
"""

from __future__ import annotations

from rich.style import Style
from textual import events
from textual.coordinate import Coordinate
from textual.widgets import DataTable
from textual.widgets._data_table import CellType, ColumnKey, RowKey, SegmentLines

_NOWHERE = Coordinate(-2, -2)
"""A cursor position no row (nor the header, row -1) has."""


class FastTable(DataTable[CellType]):
    def set_cell(self, row_key: RowKey | str, column_key: ColumnKey | str, value: CellType) -> None:
        self.set_cells([(row_key, column_key, value)])

    def set_cells(self, changes: list[tuple[RowKey | str, ColumnKey | str, CellType]]) -> None:
        """Change several cells; caches are swept once for all of them."""
        if not changes:
            return
        cells_changed: set[tuple[RowKey, ColumnKey]] = set()
        rows_changed: set[RowKey] = set()
        for raw_row, raw_column, value in changes:
            row_key = RowKey(raw_row) if isinstance(raw_row, str) else raw_row
            column_key = ColumnKey(raw_column) if isinstance(raw_column, str) else raw_column
            if row_key not in self._row_locations or column_key not in self._column_locations:
                self.update_cell(row_key, column_key, value)  # raises the usual error
                return
            self._data[row_key][column_key] = value
            cells_changed.add((row_key, column_key))
            rows_changed.add(row_key)
        cells = self._cell_render_cache  # an LRUCache: keys() but no __iter__ (hence noqa)
        for key in [k for k in cells.keys() if (k[0], k[1]) in cells_changed]:  # noqa: SIM118
            cells.discard(key)
        rows = self._row_render_cache
        for key in [k for k in rows.keys() if k[0] in rows_changed]:  # noqa: SIM118
            rows.discard(key)
        count = self._update_count
        changed_lines: set[int] = set()
        for row_key in rows_changed:
            row_index = self._row_locations.get(row_key)
            if row_index is not None:
                self._row_renderable_cache.discard((count, row_index))
                region = self._get_row_region(row_index)
                changed_lines.update(range(region.y, region.bottom))
                self.refresh_row(row_index)
        # Only the changed rows' lines: the compositor repaints the box spanning every dirty
        # row, and clearing the whole line cache made it rebuild each line in between.
        lines = self._line_cache  # keys start with the line's y
        for key in [k for k in lines.keys() if k[0] in changed_lines]:  # noqa: SIM118
            lines.discard(key)

    def append_row(self, *cells: CellType, key: str) -> RowKey:
        """`add_row` at the end, keeping the rendered cells of every other row: appending a
        timeline entry then costs one row's rendering instead of the whole visible table."""
        old = self._update_count
        row_key = self.add_row(*cells, key=key)
        new = self._update_count
        # Carry every cache keyed by the update counter over to the new counter: rows above
        # the new one are unchanged (same index, same cells).
        cells = self._cell_render_cache  # (row, column, style, cursor, hover, shown, COUNT, ..)
        for key in list(cells.keys()):
            if key[6] == old:
                cells[(*key[:6], new, *key[7:])] = cells[key]
        rows = self._row_render_cache  # (row, line, style, cursor, hover, type, show, hover,
        for key in list(rows.keys()):  #  COUNT, pseudo)
            if key[8] == old:
                rows[(*key[:8], new, *key[9:])] = rows[key]
        renderables = self._row_renderable_cache  # (COUNT, row index)
        for key in list(renderables.keys()):
            if key[0] == old:
                renderables[(new, key[1])] = renderables[key]
        return row_key

    _rendered_width: int = -1

    def _on_resize(self, event: events.Resize) -> None:
        """Every column here has a fixed width, so a height-only resize (the layout settling
        at start-up, a panel appearing below) leaves every rendered cell valid."""
        if event.size.width != self._rendered_width:
            self._rendered_width = event.size.width
            super()._on_resize(event)

    def _render_line_in_row(
        self,
        row_key: RowKey,
        line_no: int,
        base_style: Style,
        cursor_location: Coordinate,
        hover_location: Coordinate,
    ) -> tuple[SegmentLines, SegmentLines]:
        """DataTable caches each rendered row under the *global* cursor position, so moving
        the cursor one row (following a new timeline entry) re-renders every visible row.
        With a row or cell cursor only the rows holding the cursor or the mouse look
        different; the others are rendered (and cached) as if both were elsewhere."""
        if self.cursor_type in ("row", "cell"):
            row_index = -1 if row_key == self._header_row_key else self._row_locations.get(row_key)
            if cursor_location.row != row_index:
                cursor_location = _NOWHERE
            if hover_location.row != row_index:
                hover_location = _NOWHERE
        return super()._render_line_in_row(
            row_key, line_no, base_style, cursor_location, hover_location
        )
