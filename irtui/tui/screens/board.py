"""The board: every open incident, soonest deadline first, with live countdowns.

Rows are keyed by incident id in one `DataTable`. Each row is ONE cell holding the whole line
(`assemble_row`: every column cut to its width and padded, two spaces apart, as `DataTable`
would lay out separate cells): Textual renders a cell through Rich's full pipeline, ~0.1 ms
each, and eight cells a row made the first frame of a 50-incident board ~30 ms slower. The
board keeps the logical cells (`cell()`); the 1 Hz tick rewrites only rows whose age or clock
text or colour changed; rows are rebuilt only when the store says an incident changed (or
the terminal width changes the title column).
"""

from __future__ import annotations

import functools
from datetime import datetime

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import DataTable, Input, Static

from irtui.domain.clocks import ack_clock, incident_now, next_update_clock, soonest_due
from irtui.domain.model import Incident, IncidentKind
from irtui.tui import text as tx
from irtui.tui.actions import bindings
from irtui.tui.screens.common import IncidentActions
from irtui.tui.widgets.fast_table import FastTable
from irtui.tui.widgets.key_bar import KeyBar

WIDE = {"id": 7, "sev": 6, "status": 13, "ic": 12, "age": 7, "ack": 9, "upd": 14}
NARROW = {"id": 7, "sev": 6, "status": 7, "ic": 8, "ack": 9, "upd": 13}
LABELS = {
    "id": "ID",
    "sev": "Sev",
    "status": "Status",
    "title": "Title",
    "ic": "IC",
    "age": "Age",
    "ack": "Ack",
    "upd": "Next update",
}
ORDER = ("id", "sev", "status", "title", "ic", "age", "ack", "upd")
NARROW_BELOW = 110
AUDIENCE_SHORT = {"internal": "int", "statuspage": "page", "exec": "exec"}
"""Which audience the next-update clock is for, in a word that fits the column."""
SHORT_STATUS = {
    "investigating": "invest.",
    "identified": "ident.",
    "mitigating": "mitig.",
    "monitoring": "monit.",
    "resolved": "resolv.",
    "closed": "closed",
}


def sort_key(incident: Incident, now: datetime) -> tuple:
    due = soonest_due(incident, now)
    return (due is None, due.timestamp() if due else 0.0, incident.severity, incident.number)


def clock_views(incident: Incident, now: datetime) -> dict[str, tuple[object, ...]]:
    """What the moving cells will show, as cheap comparable tuples (built every second for
    every row; the `Text` is only made for the cells that changed)."""
    ack = ack_clock(incident, now)
    upd = next_update_clock(incident, now)
    return {
        "age": ("age", tx.age(incident_now(incident, now) - incident.declared_at)),
        "ack": ("clock", tx.clock_text(ack, compact=True), ack.state),
        "upd": ("upd", tx.clock_text(upd, compact=True), upd.state, upd.name, upd.due is not None),
    }


GAP = 2
"""Columns are two spaces apart: the cell padding `DataTable` puts on either side of a cell."""


@functools.cache
def _column_meta(key: str) -> Style:
    return Style.from_meta({"board_column": key})


def fit(cell: Text, width: int, key: str = "") -> Text:
    """`cell` cut to `width` (with its own overflow: `…` for titles and names) and padded with
    unstyled spaces, so a coloured cell does not bleed its background into the gap.

    The column's key rides along as style meta: it keeps each column its own run of
    segments, so an SVG screenshot places every column on the grid (a renderer that ignores
    `textLength` drifts along a long merged run)."""
    if cell.cell_len > width:
        cell = cell.copy()
        cell.truncate(width, overflow=cell.overflow or "crop")
    out = Text.assemble(cell, " " * (width - cell.cell_len), no_wrap=True)
    if key:
        out.stylize(_column_meta(key))
    return out


def assemble_row(cells: dict[str, Text], widths: dict[str, int]) -> Text:
    parts: list[Text | str] = []
    for key, width in widths.items():
        if parts:
            parts.append(" " * GAP)
        parts.append(fit(cells[key], width, key))
    return Text.assemble(*parts, no_wrap=True, overflow="crop")


def cell_from_view(view: tuple[object, ...]) -> Text:
    kind = view[0]
    if kind == "age":
        return Text(str(view[1]), no_wrap=True)
    text = Text(str(view[1]), style=tx.CLOCK_STYLES[view[2]], no_wrap=True)  # type: ignore[index]
    if kind == "upd" and view[4]:
        audience = AUDIENCE_SHORT.get(str(view[3]).split(":", 1)[-1], "")
        text = Text.assemble(text, (f" {audience}", "dim"), no_wrap=True)
    return text


class BoardScreen(IncidentActions):
    SCOPE = "board"
    AUTO_FOCUS = "#board-table"
    BINDINGS = bindings("board")

    def __init__(self) -> None:
        super().__init__(id="board")
        self.rows: list[str] = []
        self.column_keys: list[str] = []
        self.shown: dict[tuple[str, str], tuple[object, ...]] = {}
        self.cells: dict[str, dict[str, Text]] = {}
        self.filter = ""
        self._stale = False
        self._columns: dict[str, int] = {}

    def compose(self) -> ComposeResult:
        yield Static(id="board-top")
        with Vertical(id="board-body"):
            yield FastTable(id="board-table", cursor_type="row", zebra_stripes=True)
            yield Static(
                Text.assemble(
                    ("No open incidents.\n\n", "bold"),
                    "Press ",
                    ("n", "bold reverse"),
                    " to declare one, or run ",
                    ('irtui declare "title" --sev 2', "bold"),
                    " in a terminal.\n",
                    "Press ",
                    ("?", "bold reverse"),
                    " for help.",
                ),
                id="board-empty",
            )
        yield KeyBar("board")

    def on_mount(self) -> None:
        self.populate()

    # --- data --------------------------------------------------------------------------
    def visible(self, now: datetime) -> list[Incident]:
        items = [i for i in self.irtui.incidents.values() if i.is_open]
        if self.filter:
            needle = self.filter.lower()
            items = [
                i
                for i in items
                if needle
                in " ".join(
                    [
                        i.id,
                        i.title,
                        i.commander or "",
                        str(i.status),
                        *i.services,
                        f"sev{i.severity}",
                        str(i.kind),
                    ]
                ).lower()
            ]
        return sorted(items, key=lambda i: sort_key(i, now))

    def columns(self) -> dict[str, int]:
        """Column widths for the current terminal width (title takes what is left)."""
        width = self.app.size.width
        fixed = dict(NARROW if width < NARROW_BELOW else WIDE)
        # `INC-10000` must not be cut to `INC-1000`: the ID column fits the longest open ID.
        fixed["id"] = max(
            [fixed["id"], *(len(i.id) for i in self.irtui.incidents.values() if i.is_open)]
        )
        title = max(10, width - sum(fixed.values()) - 2 * (len(fixed) + 1) - 2)
        return {
            k: (title if k == "title" else fixed[k]) for k in ORDER if k == "title" or k in fixed
        }

    def populate(self) -> None:
        """Rebuild all rows (data or width changed); keeps the highlighted incident."""
        now = self.irtui.now()
        table = self.query_one("#board-table", DataTable)
        selected = self.target_id()
        incidents = self.visible(now)
        self._columns = self.columns()
        with self.app.batch_update():
            table.clear(columns=True)
            columns = self._columns
            self.column_keys = list(columns)
            table.add_column(
                assemble_row({k: Text(LABELS[k]) for k in columns}, columns),
                key="row",
                width=sum(columns.values()) + GAP * (len(columns) - 1),
            )
            self.shown.clear()
            self.cells.clear()
            narrow = "age" not in columns
            for inc in incidents:
                cells = self.static_cells(inc, narrow=narrow)
                views = clock_views(inc, now)
                for k, v in views.items():
                    self.shown[(inc.id, k)] = v
                cells.update({k: cell_from_view(v) for k, v in views.items()})
                self.cells[inc.id] = cells
                table.add_row(assemble_row(cells, columns), key=inc.id)
            self.rows = [i.id for i in incidents]
            if selected in self.rows:
                table.move_cursor(row=self.rows.index(selected), animate=False)
        self.query_one("#board-empty").display = not incidents
        table.display = bool(incidents)
        self.update_top(len(incidents))

    def static_cells(self, inc: Incident, *, narrow: bool = False) -> dict[str, Text]:
        title = tx.literal(inc.title)
        if inc.kind is IncidentKind.DRILL:
            title = Text.assemble(
                ("DRILL ", "bold black on #c792ea"), title, no_wrap=True, overflow="ellipsis"
            )
        ic = tx.literal(inc.commander or "— none —", "" if inc.commander else "bold #ffb000")
        return {
            "id": Text(inc.id, style="bold"),
            "sev": tx.severity(inc.severity),
            "status": tx.status(str(inc.status), SHORT_STATUS if narrow else None),
            "title": title,
            "ic": ic,
        }

    def update_top(self, shown: int | None = None) -> None:
        total = sum(1 for i in self.irtui.incidents.values() if i.is_open)
        shown = total if shown is None else shown
        parts = [("irtui", "bold"), " war room  ", (f"{total} open", "bold")]
        if self.filter:
            parts += [
                "  ·  filter: ",
                (tx.clean(self.filter, limit=30), "italic"),
                f" ({shown} shown)",
            ]
        parts.append(f"  ·  you: {tx.clean(self.irtui.seat_name, limit=20)}")
        if self.irtui.outbox_summary:
            parts.append(f"  ·  {self.irtui.outbox_summary}")
        self.query_one("#board-top", Static).update(
            Text.assemble(*parts, no_wrap=True, overflow="ellipsis")
        )

    def tick(self, now: datetime) -> None:
        """Update only the rows whose age or clock text or colour changed."""
        if not self.is_mounted:
            return
        incidents = self.irtui.incidents
        changed = []
        for iid in self.rows:
            inc = incidents.get(iid)
            if inc is None:
                continue
            for k, v in clock_views(inc, now).items():
                if self.shown.get((iid, k)) != v and k in self.column_keys:
                    self.shown[(iid, k)] = v
                    changed.append((iid, k, cell_from_view(v)))
        self.set_cells(changed)

    def set_cells(self, changes: list[tuple[str, str, Text]]) -> None:
        """Change logical cells; each touched row is re-assembled and redrawn once."""
        rows: dict[str, None] = {}
        for iid, key, value in changes:
            self.cells[iid][key] = value
            rows[iid] = None
        self.query_one("#board-table", FastTable).set_cells(
            [(iid, "row", assemble_row(self.cells[iid], self._columns)) for iid in rows]
        )

    def cell(self, iid: str, column: str) -> Text:
        """What the board shows in one column of an incident's row."""
        return self.cells[iid][column]

    def on_store_changed(self, ids: list[str]) -> None:
        """Rebuild now if visible; otherwise once we are shown again (cheap commits on the
        incident screen)."""
        if not self.is_mounted:
            return
        if self.app.screen is self or self in self.irtui.visible_screens():
            self.populate()
        else:
            self._stale = True

    def on_screen_resume(self) -> None:
        if self._stale and self.is_mounted:
            self._stale = False
            self.populate()

    def on_resize(self) -> None:
        if self.is_mounted and self.columns() != self._columns:
            self.populate()

    # --- actions -----------------------------------------------------------------------
    def target_id(self) -> str | None:
        if not self.is_mounted:
            return None
        table = self.query_one("#board-table", DataTable)
        if not self.rows or not table.display:
            return None
        row = min(max(table.cursor_row, 0), len(self.rows) - 1)
        return self.rows[row]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.irtui.open(str(event.row_key.value))

    def action_open(self) -> None:
        iid = self._target()
        if iid:
            self.irtui.open(iid)

    def _search_input(self) -> Input | None:
        found = self.query("#board-search")
        return found.first(Input) if found else None

    def action_search(self) -> None:
        """The filter line is mounted the first time it is asked for: an `Input` nobody has
        opened yet cost ~8 ms of the board's first paint."""
        search = self._search_input()
        if search is None:
            search = Input(
                placeholder="Filter: id, title, IC, service, status (Esc clears)", id="board-search"
            )
            search.cursor_blink = False
            self.mount(search, after="#board-top")
        search.remove_class("hidden")
        search.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "board-search":
            self.filter = event.value.strip()
            self.populate()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "board-search":
            self.query_one("#board-table").focus()

    def key_escape(self) -> None:
        search = self._search_input()
        if search is not None and (self.filter or search.has_focus):
            search.value = ""
            self.filter = ""
            search.add_class("hidden")
            self.query_one("#board-table").focus()
            self.populate()
