"""The board: every open incident, what it owes next and who owns it, with live countdowns.

Rows live in a `RowList` keyed by incident id, one line each on a fixed grid of columns,
rendered to segments once per rebuild. The countdown ("Due in") is a column of its own: a
narrow second `RowList` that mirrors the first one's rows, cursor and scroll (`mirror`), so
the 1 Hz tick repaints a few cells of a few segments per changed clock and never the wide
rows beside them (with fifty SEV1 ack clocks counting seconds, the frame cost stays a
fraction of a millisecond a row). Ages change once a minute and re-render their row.

"What is due next" (`irtui.domain.due_next`) is the soonest of the acknowledgement, the
updates per audience, the task timers and the unanswered pages, with its owner: the Comms
Lead for an update, Bob for his task, erin for the page she has not answered (and who is
paged next), nobody (said in amber) for an ack with no IC named.

Rows are rebuilt only when the store says an incident changed, the task timers were reloaded,
the width changes the title column, or the filter or the resolved toggle (`h`) changes.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from rich.cells import set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Container, Horizontal, Vertical
from textual.strip import Strip
from textual.widgets import Input, Static

from irtui.domain.clocks import ClockState, ClockView, incident_now
from irtui.domain.due_next import Obligation, due_next
from irtui.domain.model import Incident, IncidentKind
from irtui.tui import text as tx
from irtui.tui.actions import bindings
from irtui.tui.keys import is_text_widget, key_label, printable
from irtui.tui.screens.common import IncidentActions
from irtui.tui.widgets.key_bar import KeyBar
from irtui.tui.widgets.row_list import RowList

WIDE = {"id": 7, "sev": 6, "status": 13, "ic": 10, "age": 6, "what": 16, "owner": 10}
NARROW = {"id": 7, "sev": 6, "status": 7, "what": 11, "owner": 8}
"""Below `NARROW_BELOW` columns the IC and the age make way for the title: the owner of
what is due next is the name that matters at a glance."""
DUE_WIDTH = 9
"""The countdown column (`-14m59s!` fits), drawn by the mirrored clock list."""
SCROLLBAR = 2
LABELS = {
    "id": "ID",
    "sev": "Sev",
    "status": "Status",
    "title": "Title",
    "ic": "IC",
    "age": "Age",
    "due": "Due in",
    "what": "Next due",
    "owner": "Owner",
}
ORDER = ("id", "sev", "status", "title", "ic", "age", "what", "owner")
"""The wide list's columns; "Due in" follows them in the clock list."""
NARROW_BELOW = 130
AUDIENCE_SHORT = {"internal": "int", "statuspage": "page", "exec": "exec"}
"""Which audience an update is owed to, in a word that fits the column."""
SHORT_STATUS = {
    "investigating": "invest.",
    "identified": "ident.",
    "mitigating": "mitig.",
    "monitoring": "monit.",
    "resolved": "resolv.",
    "closed": "closed",
}
RECENT = timedelta(days=7)
"""How far back the resolved toggle looks (`h`)."""
RECENT_LIMIT = 25
"""At most this many resolved incidents are shown: the query stays bounded whatever the
store's history."""
GAP = 2
"""Columns are two spaces apart."""
MARGIN = 1
"""One space before the first column (and the scrollbar's two cells after the last)."""
NOBODY = "nobody"
NOBODY_STYLE = "bold #ffb000"


def what_label(ob: Obligation | None) -> str:
    """`update exec`, `ack`, `task: check replica lag` (in few words)."""
    if ob is None:
        return "—"
    if ob.kind == "update":
        audience = ob.key.split(":", 1)[-1]
        return f"update {AUDIENCE_SHORT.get(audience, audience)}"
    return ob.what


def sort_key(incident: Incident, ob: Obligation | None) -> tuple:
    if not incident.is_open:  # resolved ones (the toggle) after the open ones, latest first
        resolved = incident.milestones.get("resolved") or incident.declared_at
        return (2, -resolved.timestamp(), 0, incident.number)
    return (
        ob is None,
        ob.due.timestamp() if ob else 0.0,
        incident.severity,
        incident.number,
    )


def moving_views(
    incident: Incident, ob: Obligation | None, now: datetime
) -> tuple[tuple[object, ...], tuple[object, ...]]:
    """What the moving cells (age, countdown) show, as cheap comparable tuples: built every
    second for every row, turned into segments only for the cells that changed. On the
    incident's own clock (a drill's may run faster or be paused: `clocks.incident_now`)."""
    now = incident_now(incident, now)
    age = ("age", tx.age(now - incident.declared_at))
    if ob is None:
        state = ClockState.DONE if not incident.is_open else ClockState.NONE
        view = ClockView("none", "", None, None, state)
    else:
        view = ob.clock(now)
    return age, ("clock", tx.clock_text(view, compact=True), view.state)


_MINUTE = timedelta(minutes=1)
_SECOND_SHOWN_WITHIN = tx.SECONDS_WITHIN.total_seconds() + 1
_SECOND_SHOWN_LATE = 5 * 60 + 1


def next_change(incident: Incident, ob: Obligation | None, now: datetime) -> datetime:
    """The earliest instant the row's age or countdown may show something else, so the
    tick can skip the row until then: `now` while the countdown shows seconds (its last 15
    minutes, its first 5 overdue), else the next minute boundary of the countdown or of the
    age (both change by whole minutes there; state changes all fall in the seconds zone).
    Conservative by a second at each edge: a row checked too often costs a comparison, a
    row checked too late would show a stale clock. A drill's clock may run at another speed:
    its rows are looked at every second."""
    if incident.time_map:
        return now
    elapsed = int((now - incident.declared_at).total_seconds())
    soonest = incident.declared_at + _MINUTE * (max(elapsed, 0) // 60 + 1)
    if ob is None:
        return soonest
    left = (ob.due - now).total_seconds()
    if -_SECOND_SHOWN_LATE <= left < _SECOND_SHOWN_WITHIN:
        return now
    if left > 0:
        boundary = ob.due - _MINUTE * (int(left) // 60)
    else:
        boundary = ob.due + _MINUTE * (int(-left) // 60 + 1)
    return min(soonest, boundary)


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


def cell_segments(cell: Text, width: int, key: str, console: Any) -> list[Segment]:
    """The segments `fit(cell, width, key)` renders to, built directly for a cell of one
    style (most cells): cut like `Text.truncate` (`…` for an ellipsis cell), padded with the
    column's meta. A cell with spans (the drill tag) takes the Rich render."""
    if cell.spans:
        return list(fit(cell, width, key).render(console, end=""))
    meta = _column_meta(key) if key else Style()
    plain = cell.plain
    size = cell.cell_len
    if size > width:
        if cell.overflow == "ellipsis" and width > 0:
            plain = set_cell_size(plain, width - 1) + "…"
        else:
            plain = set_cell_size(plain, width)
        size = width
    style = cell.style
    if style:
        meta = (style if isinstance(style, Style) else Style.parse(style)) + meta
    out = [Segment(plain, meta)]
    if width > size:
        out.append(Segment(" " * (width - size), _column_meta(key) if key else None))
    return out


def cell_from_view(view: tuple[object, ...]) -> Text:
    if view[0] == "age":
        return Text(str(view[1]), no_wrap=True)
    return Text(str(view[1]), style=tx.CLOCK_STYLES[view[2]], no_wrap=True)  # type: ignore[index]


@dataclass(slots=True)
class BoardRow:
    """One incident's line in the wide list: the segments before and after the age (which
    changes once a minute), styled once per row style and reused."""

    head: list[Segment]
    tail: list[Segment]
    age: list[Segment]
    width: int
    styled: dict[Style, tuple[list[Segment], list[Segment]]] = field(default_factory=dict)

    def styled_parts(self, style: Style) -> tuple[list[Segment], list[Segment]]:
        parts = self.styled.get(style)
        if parts is None:
            parts = self.styled[style] = (
                list(Segment.apply_style(self.head, style)),
                list(Segment.apply_style(self.tail, style)),
            )
        return parts


@dataclass(slots=True)
class ClockCell:
    """One incident's countdown in the clock list: a gap and the cell, two or three segments."""

    segments: list[Segment]


def _empty_board_notice() -> Static:
    """What an empty board says, mounted the first time the board is empty (a widget fewer
    to build inside the first frame of a board that has incidents)."""
    return Static(
        Text.assemble(
            ("No open incidents.\n\n", "bold"),
            "Press ",
            ("n", "bold reverse"),
            " to declare one, or run ",
            ('irtui declare "title" --sev 2', "bold"),
            " in a terminal.\n",
            "Press ",
            ("h", "bold reverse"),
            " to show the recently resolved ones, ",
            ("?", "bold reverse"),
            " for help.",
        ),
        id="board-empty",
    )


class _BackdropVertical(Vertical):
    """The board's boxes are covered edge to edge by what they hold (the lists fill their
    boxes, the top lines theirs): each is drawn as Textual's plain blank (`BLANK`) instead of
    through its styles cache, line by line, only to be hidden under its children. Drawing
    the four boxes (the screen included) was ~8 ms of the first paint. They have no border,
    padding or tint to draw (pinned by a test)."""

    BLANK = True


class _BackdropHorizontal(Horizontal):
    """See `_BackdropVertical`."""

    BLANK = True


class _BackdropContainer(Container):
    """See `_BackdropVertical`."""

    BLANK = True


class BoardScreen(IncidentActions):
    BLANK = True  # see `_BackdropVertical`: the screen is covered by its boxes too
    SCOPE = "board"
    AUTO_FOCUS = "#board-table"
    BINDINGS = bindings("board")

    def __init__(self) -> None:
        super().__init__(id="board")
        self.rows: list[str] = []
        self.column_keys: list[str] = []
        self.shown: dict[tuple[str, str], tuple[object, ...]] = {}
        self.cells: dict[str, dict[str, Text]] = {}
        self.next_due: dict[str, Obligation | None] = {}
        self.filter = ""
        self.show_resolved = False
        self._resolved: list[Incident] = []
        self._stale = False
        self._shown_marker = -1
        self._columns: dict[str, int] = {}
        self._board_rows: dict[str, BoardRow] = {}
        self._next_check: dict[str, datetime] = {}
        """Per row: the tick looks at it again at this instant (`next_change`)."""
        self._age_span = (0, 0)
        """Where the age sits on a row (x from, x to): once a minute only that repaints."""

    def compose(self) -> ComposeResult:
        # The top lines in a box of their own and no wrapper around the rows: Textual draws
        # again, each second the countdowns change, every widget whose container overlaps
        # them (a line of the screen's children, ~0.1 ms each, cached or not).
        with _BackdropVertical(id="board-head"):
            yield Static(id="board-top")
            yield Static(id="board-header")
        with _BackdropHorizontal(id="board-rows"):
            with _BackdropContainer(id="board-table-box"):
                yield RowList(
                    self._render_row, measure=_one_line, zebra=True, styled=True, id="board-table"
                )
            yield RowList(
                _render_clock, measure=_one_line, zebra=True, styled=True, id="board-clock"
            )
        yield KeyBar("board")

    def on_mount(self) -> None:
        self.query_one("#board-clock", RowList).mirror(self.query_one("#board-table", RowList))
        self.populate()

    # --- data --------------------------------------------------------------------------
    def visible(self, now: datetime) -> list[Incident]:
        items = [i for i in self.irtui.incidents.values() if i.is_open]
        if self.show_resolved:
            open_ids = {i.id for i in items}
            items += [i for i in self._resolved if i.id not in open_ids]
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
        return items

    def _tasks_by_incident(self) -> dict[str, list[Any]]:
        watch = getattr(self.irtui, "task_watch", None)
        out: dict[str, list[Any]] = {}
        for timer in getattr(watch, "timers", {}).values():
            out.setdefault(timer.incident_id, []).append(timer)
        return out

    def columns(self) -> dict[str, int]:
        """Column widths of the wide list for the current terminal width (the title takes
        what is left after the other columns and the clock list)."""
        width = self.app.size.width - (GAP + DUE_WIDTH + SCROLLBAR)
        fixed = dict(NARROW if self.app.size.width < NARROW_BELOW else WIDE)
        # `INC-10000` must not be cut to `INC-1000`: the ID column fits the longest ID shown.
        fixed["id"] = max([fixed["id"], *(len(iid) for iid in self.rows)])
        title = max(10, width - sum(fixed.values()) - GAP * len(fixed) - MARGIN)
        return {
            k: (title if k == "title" else fixed[k]) for k in ORDER if k == "title" or k in fixed
        }

    def populate(self) -> None:
        """Rebuild all rows (data, width, filter or toggle changed); keeps the highlighted
        incident."""
        now = self.irtui.now()
        table = self.query_one("#board-table", RowList)
        clocks = self.query_one("#board-clock", RowList)
        selected = self.target_id()
        tasks = self._tasks_by_incident()
        pages = getattr(self.irtui, "page_watch", None)
        incidents = self.visible(now)
        self.next_due = {
            i.id: due_next(i, tasks.get(i.id, ()), pages.of(i.id) if pages else ())
            if i.is_open
            else None
            for i in incidents
        }
        incidents.sort(key=lambda i: sort_key(i, self.next_due[i.id]))
        self.rows = [i.id for i in incidents]
        self._columns = columns = self.columns()
        self.column_keys = [*columns, "due"]
        self._age_span = column_spans(columns).get("age", (0, 0))
        self.shown.clear()
        self.cells.clear()
        self._board_rows.clear()
        self._next_check.clear()
        clock_cells: dict[str, ClockCell] = {}
        narrow = "age" not in columns
        for inc in incidents:
            ob = self.next_due[inc.id]
            cells = self.static_cells(inc, ob, narrow=narrow)
            age, due = moving_views(inc, ob, now)
            self.shown[(inc.id, "age")] = age
            self.shown[(inc.id, "due")] = due
            cells["age"] = cell_from_view(age)
            cells["due"] = cell_from_view(due)
            self.cells[inc.id] = cells
            self._board_rows[inc.id] = self._build_row(cells)
            clock_cells[inc.id] = ClockCell(self._clock_segments(cells["due"]))
            self._next_check[inc.id] = next_change(inc, ob, now)
        header = Text.assemble(
            " " * MARGIN,
            assemble_row({k: Text(LABELS[k]) for k in columns}, columns),
            " " * GAP,
            fit(Text(LABELS["due"]), DUE_WIDTH, "due"),
        )
        header.stylize("bold")
        self.query_one("#board-header", Static).update(header)
        table.set_rows(((iid, self._board_rows[iid]) for iid in self.rows), cursor_key=selected)
        clocks.set_rows(((iid, clock_cells[iid]) for iid in self.rows), cursor_key=selected)
        self._shown_marker = self.irtui.marker
        # only what differs: setting a widget's display, even to what it is, restyles it
        # (~8 ms inside the first frame)
        notices = list(self.query("#board-empty"))
        if not incidents and not notices:
            self.mount(_empty_board_notice(), after="#board-rows")  # shown as it is mounted
        wanted = [(notice, not incidents) for notice in notices] + [
            (self.query_one(selector), bool(incidents))
            for selector in ("#board-rows", "#board-header", "#board-table")
        ]
        for widget, shown in wanted:
            if widget.display != shown:
                widget.display = shown
        self.update_top(len(incidents))

    def static_cells(
        self, inc: Incident, ob: Obligation | None, *, narrow: bool = False
    ) -> dict[str, Text]:
        title = tx.literal(inc.title, "dim" if not inc.is_open else "")
        if inc.kind is IncidentKind.DRILL:
            title = Text.assemble(
                ("DRILL ", "bold black on #c792ea"), title, no_wrap=True, overflow="ellipsis"
            )
        ic = tx.literal(inc.commander or "— none —", "" if inc.commander else NOBODY_STYLE)
        if not inc.is_open:
            resolved = inc.milestones.get("resolved")
            what = Text(
                f"{tx.age(self.irtui.now() - resolved)} ago" if resolved else "",
                style="dim",
                no_wrap=True,
            )
            owner = Text("")
        else:
            what = tx.literal(what_label(ob), "" if ob else "dim")
            if ob is None:
                owner = Text("")
            elif ob.owner:
                owner = tx.literal(ob.owner)
            else:
                owner = Text(NOBODY, style=NOBODY_STYLE, no_wrap=True)
        return {
            "id": Text(inc.id, style="bold" if inc.is_open else "dim"),
            "sev": tx.severity(inc.severity),
            "status": tx.status(str(inc.status), SHORT_STATUS if narrow else None),
            "title": title,
            "ic": ic,
            "what": what,
            "owner": owner,
        }

    # --- rendering ---------------------------------------------------------------------
    def _segments(self, text: Text) -> list[Segment]:
        return list(text.render(self.app.console, end=""))

    def _cell_segments(self, cell: Text, width: int, key: str = "") -> list[Segment]:
        return cell_segments(cell, width, key, self.app.console)

    def _clock_segments(self, cell: Text) -> list[Segment]:
        return [Segment(" " * GAP), *self._cell_segments(cell, DUE_WIDTH, "due")]

    def _build_row(self, cells: dict[str, Text]) -> BoardRow:
        """The row's segments straight from its cells (`cell_segments`): no `Text.assemble`
        and no Rich render for the plain cells, ~0.05 ms a row instead of ~0.5 ms — fifty
        rows are built inside the first frame."""
        columns = self._columns
        keys = list(columns)

        def run(part: list[str]) -> list[Segment]:
            out: list[Segment] = []
            for n, key in enumerate(part):
                if n:
                    out.append(Segment(" " * GAP))
                out += self._cell_segments(cells[key], columns[key], key)
            return out

        width = MARGIN + sum(columns.values()) + GAP * (len(columns) - 1)
        if "age" not in columns:
            return BoardRow([Segment(" " * MARGIN), *run(keys)], [], [], width)
        at = keys.index("age")
        head = [Segment(" " * MARGIN), *run(keys[:at]), Segment(" " * GAP)]
        tail = [Segment(" " * GAP), *run(keys[at + 1 :])] if keys[at + 1 :] else []
        age = self._cell_segments(cells["age"], columns["age"], "age")
        return BoardRow(head, tail, age, width)

    def _render_row(self, row: BoardRow, width: int, style: Style) -> list[Strip]:
        head, tail = row.styled_parts(style)
        segments = [*head, *Segment.apply_style(row.age, style), *tail]
        if width > row.width:
            segments.append(Segment(" " * (width - row.width), style))
        return [Strip(segments, max(width, row.width))]

    def update_top(self, shown: int | None = None) -> None:
        total = sum(1 for i in self.irtui.incidents.values() if i.is_open)
        shown = total if shown is None else shown
        # a bold separator ends each bold run: an exported SVG drops a run's leading spaces
        parts: list[Any] = [("irtui ", "bold"), "war room  ", (f"{total} open  ", "bold")]
        if self.show_resolved:
            parts.append(f"·  +{len(self._resolved)} resolved in 7 days (h hides)  ")
        if self.filter:
            parts += [
                "·  filter: ",
                (tx.clean(self.filter, limit=30) + " ", "italic"),
                f"({shown} shown)  ",
            ]
        parts.append(f"·  you: {tx.clean(self.irtui.seat_name, limit=20)}")
        if self.irtui.outbox_summary:
            parts.append(f"  ·  {self.irtui.outbox_summary}")
        self.query_one("#board-top", Static).update(
            Text.assemble(*parts, no_wrap=True, overflow="ellipsis")
        )

    def tick(self, now: datetime) -> None:
        """Update only the countdowns (and, once a minute, the ages) whose text or colour
        changed."""
        if not self.is_mounted:
            return
        incidents = self.irtui.incidents
        table = self.query_one("#board-table", RowList)
        clocks = self.query_one("#board-clock", RowList)
        shown = self.shown
        next_check = self._next_check
        changed: list[tuple[str, ClockCell]] = []
        for iid in self.rows:
            if now < next_check.get(iid, now):
                continue  # nothing on this row can look different yet
            inc = incidents.get(iid)
            if inc is None or not inc.is_open:
                continue
            ob = self.next_due.get(iid)
            next_check[iid] = next_change(inc, ob, now)
            age, due = moving_views(inc, ob, now)
            if shown.get((iid, "due")) != due:
                shown[(iid, "due")] = due
                cell = self.cells[iid]["due"] = cell_from_view(due)
                changed.append((iid, ClockCell(self._clock_segments(cell))))
            row = self._board_rows.get(iid)
            if row is not None and row.age and shown.get((iid, "age")) != age:
                shown[(iid, "age")] = age
                cell = self.cells[iid]["age"] = cell_from_view(age)
                row.age = self._cell_segments(cell, self._columns["age"], "age")
                table.update(iid, row, span=self._age_span)
        if changed:
            clocks.update_rows(changed)

    def cell(self, iid: str, column: str) -> Text:
        """What the board shows in one column of an incident's row."""
        return self.cells[iid][column]

    def on_store_changed(self, ids: list[str]) -> None:
        """Rebuild now if visible; otherwise once we are shown again (cheap commits on the
        incident screen)."""
        if not self.is_mounted:
            return
        if self.app.screen is self or self in self.irtui.visible_screens():
            if self.show_resolved:
                self._load_resolved()
            self.populate()
        else:
            self._stale = True

    def on_tasks_changed(self) -> None:
        """The task timers were (re)loaded: what is due next may have moved."""
        self.on_store_changed([])

    def on_screen_resume(self) -> None:
        """Back from an incident (another mode: the app's polls did not reach us there):
        rebuild if anything changed meanwhile."""
        if self.is_mounted and (self._stale or self._shown_marker != self.irtui.marker):
            self._stale = False
            if self.show_resolved:
                self._load_resolved()
            self.populate()

    def on_resize(self) -> None:
        if self.is_mounted and self.columns() != self._columns:
            self.populate()

    def _load_resolved(self) -> None:
        try:
            self._resolved = self.irtui.store.recently_resolved(
                self.irtui.now() - RECENT, limit=RECENT_LIMIT
            )
        except Exception as exc:  # a busy store must not take the board down
            self.notify(f"resolved incidents not read: {exc}", severity="warning", markup=False)
            self._resolved = []

    # --- actions -----------------------------------------------------------------------
    def target_id(self) -> str | None:
        if not self.is_mounted:
            return None
        table = self.query_one("#board-table", RowList)
        if not self.rows or not self.query_one("#board-rows").display:
            return None
        return table.cursor_key

    def on_row_list_selected(self, event: RowList.Selected) -> None:
        event.stop()
        if event.key:
            self.irtui.open(event.key)

    def action_open(self) -> None:
        iid = self._target()
        if iid:
            self.irtui.open(iid)

    def action_toggle_resolved(self) -> None:
        """Show or hide the incidents resolved in the last week (below the open ones)."""
        self.show_resolved = not self.show_resolved
        if self.show_resolved:
            self._load_resolved()
        else:
            self._resolved = []
        self.populate()

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
            self.query_one("#board-head").mount(search, after="#board-top")
        search.remove_class("hidden")
        search.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "board-search":
            self.filter = event.value.strip()
            self.populate()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "board-search":
            self.query_one("#board-table").focus()

    def on_key(self, event: events.Key) -> None:
        """Letters are commands here, but not the ones typed while a dialog was closing:
        those were aimed at the dialog (`irtui.tui.keys`)."""
        if is_text_widget(self.focused) or not (printable(event) or event.key == "enter"):
            return
        if self.irtui.typed_ahead(extend=True):
            event.stop()
            event.prevent_default()
            self.notify(
                f"Ignored '{key_label(event)}' typed while the dialog was closing: "
                "look, then press it again.",
                severity="warning",
                timeout=3,
                markup=False,
            )

    def key_escape(self) -> None:
        search = self._search_input()
        if search is not None and (self.filter or search.has_focus):
            search.value = ""
            self.filter = ""
            search.add_class("hidden")
            self.query_one("#board-table").focus()
            self.populate()


def column_spans(columns: dict[str, int]) -> dict[str, tuple[int, int]]:
    """Each column's cells on a row: (first x, end x), after the margin and the gaps."""
    spans: dict[str, tuple[int, int]] = {}
    x = MARGIN
    for key, width in columns.items():
        spans[key] = (x, x + width)
        x += width + GAP
    return spans


def _one_line(_data: object, _width: int) -> int:
    return 1


def _render_clock(cell: ClockCell, width: int, style: Style) -> list[Strip]:
    segments = list(Segment.apply_style(cell.segments, style))
    used = GAP + DUE_WIDTH
    if width > used:
        segments.append(Segment(" " * (width - used), style))
    return [Strip(segments, max(width, used))]
