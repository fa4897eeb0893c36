"""`Timeline`: the incident's entries on a `RowList`, readable in full at any width.

Each entry is one row: the stamp, kind icon and author in a fixed left column, then the text
word-wrapped in the rest of the width with a hanging indent, so a decision read back at 80
columns is as whole as at 200. A decision record shows its three parts — the call, the
proposal, the objections — each on its own lines. `compact` turns every entry into one line
(cut with `…`) for scanning a long timeline; the detail pane below still shows the selected
entry in full.

Heights come from `wrapped_height` on the plain text (no Rich objects for the 5,000 entries
nobody is looking at); rows are rendered only when they are on screen. User text is always
literal (`irtui.tui.text`): markup, escapes and controls are shown, never obeyed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.message import Message
from textual.strip import Strip

from irtui.domain.model import TimelineEntry
from irtui.tui import text as tx
from irtui.tui.widgets.row_list import RowList, wrapped_height

SHORT_BELOW = 100
"""A timeline narrower than this shows short stamps (`14:02 13:02Z`) and shorter names."""
MAX_LINES = 60
"""An entry taller than this (a pasted log) is cut with a note: the detail pane has it all."""
GAP = 2
PAD = Style(blink=False)
"""The indent and the padding after the author: blank on screen (a `False` attribute sends
no code), but a style no text has, so a run of its own: an exported SVG (the snapshots, the
README's screenshots) does not merge it into the text after it and then drop it as leading
spaces (which drew wrapped lines at column 0 and "alicerecycle")."""


@dataclass(frozen=True, slots=True)
class Layout:
    """Where things go on a row at one width."""

    short: bool
    when: int
    who: int
    text: int

    @property
    def meta(self) -> int:
        return 1 + self.when + 3 + self.who + GAP


def layout(width: int) -> Layout:
    short = width < SHORT_BELOW
    when = 12 if short else 17
    who = 8 if short else 10
    return Layout(short, when, who, max(12, width - (1 + when + 3 + who + GAP) - 1))


@dataclass(frozen=True, slots=True)
class DayRow:
    day: str


def entry_paragraphs(entry: TimelineEntry) -> list[str]:
    """The plain text of an entry's paragraphs, as they will be wrapped (cheap: measured
    for every row)."""
    star = ("⚠ time flagged " if entry.flag else "") + ("★ " if entry.starred else "")
    record = entry.decision if entry.decision and not entry.amendments else None
    main = tx.clean(record["call"] if record else entry.text, single_line=False)
    marks = ""
    if entry.task:
        owner = entry.task.get("owner")
        marks += f"  ◷ task{' for ' + tx.clean(owner) if owner else ''}"
    if entry.amendments:
        marks += f"  (amended ×{len(entry.amendments)})"
    if entry.retracted is not None:
        marks += f"  RETRACTED: {tx.clean(entry.retracted[2], single_line=False)}"
    out = [star + main + marks]
    if record:
        out.append("proposal: " + tx.clean(record.get("proposal") or "", single_line=False))
        objections = record.get("objections") or "none raised"
        out.append("objections: " + tx.clean(objections, single_line=False))
    return out


def entry_texts(entry: TimelineEntry, *, single_line: bool = False) -> list[Text]:
    """The entry's paragraphs as styled `Text` (the same characters as `entry_paragraphs`;
    `single_line` folds line breaks to ` ⏎ ` for the compact one-line rows)."""
    one = single_line
    style = "dim italic" if entry.source != "entry" else ""
    if entry.retracted is not None:
        style = "strike dim"
    record = entry.decision if entry.decision and not entry.amendments else None
    parts: list[Any] = []
    if entry.flag:  # a time the store could not read (irtui.domain)
        parts.append(("⚠ time flagged ", "bold #ff6b6b"))
    if entry.starred:
        parts.append(("★ ", "bold #ffd000"))
    main = record["call"] if record else entry.text
    main_style = "bold" if record else style
    parts.append(tx.literal(main, main_style, single_line=one))
    # separators end the segment before them (an exported SVG drops a segment's leading
    # spaces, which squeezed "pods◷ task" together in the screenshots)
    if entry.task:
        owner = entry.task.get("owner")
        parts += [
            ("  ", main_style),
            (f"◷ task{' for ' + tx.clean(owner) if owner else ''}", "#4fc3f7"),
        ]
    if entry.amendments:
        parts += [("  ", main_style), (f"(amended ×{len(entry.amendments)})", "italic #ffb000")]
    if entry.retracted is not None:
        parts += [("  ", main_style), ("RETRACTED: ", "bold #ff6b6b")]
        parts.append(tx.literal(entry.retracted[2], "#ff6b6b", single_line=one))
    out = [Text.assemble(*parts)]
    if record:
        out.append(
            Text.assemble(
                ("proposal: ", "dim"),
                tx.literal(record.get("proposal") or "", single_line=one),
            )
        )
        objections = record.get("objections") or ""
        out.append(
            Text.assemble(
                ("objections: ", "dim"),
                tx.literal(objections, single_line=one)
                if objections
                else Text("none raised", style="dim"),
            )
        )
    return out


def entry_height(entry: TimelineEntry, width: int, *, compact: bool) -> int:
    if compact:
        return 1
    text_width = layout(width).text
    lines = sum(wrapped_height(p, text_width) for p in entry_paragraphs(entry))
    return min(lines, MAX_LINES)


@dataclass(frozen=True, slots=True)
class Prepared:
    """Timeline rows with their heights at one width, made off the event loop
    (`prepare`) and shown at once (`Timeline.show_prepared`)."""

    rows: list[tuple[str, Any]]
    heights: list[int]
    width: int
    compact: bool


def timeline_rows(entries: Iterable[TimelineEntry]) -> list[tuple[str, Any]]:
    """The rows for `entries`: each entry, and a date line whenever the day changes."""
    rows: list[tuple[str, Any]] = []
    last_day: str | None = None
    for entry in entries:
        day = tx.local_date(entry.at)
        if day != last_day:
            last_day = day
            rows.append((f"day:{day}:{len(rows)}", DayRow(day)))
        rows.append((f"e:{entry.event_id}", entry))
    return rows


def prepare(entries: Iterable[TimelineEntry], width: int, *, compact: bool = False) -> Prepared:
    """Rows and heights for `entries` at `width` (pure: safe in a worker thread)."""
    rows = timeline_rows(entries)
    heights = [
        1 if isinstance(data, DayRow) else entry_height(data, width, compact=compact)
        for _key, data in rows
    ]
    return Prepared(rows, heights, width, compact)


class Timeline(RowList):
    """The timeline rows (entries and the date lines between days), newest at the bottom."""

    DEFAULT_CSS = """
    Timeline { height: 1fr; }
    """

    class WidthKnown(Message):
        """The timeline was laid out at a new width (rows can be measured for it)."""

    def __init__(self, *, compact: bool = False, **kwargs: Any) -> None:
        super().__init__(self._render_row, measure=self._measure_row, follow=True, **kwargs)
        self.compact = compact
        self._last_day: str | None = None
        self.added_since_show: list[TimelineEntry] = []
        """Entries `add`ed since the last `show` (the screen re-adds them after swapping in
        rows a worker measured)."""

    # --- what the screen calls -----------------------------------------------------------
    def show(
        self,
        entries: Iterable[TimelineEntry],
        *,
        cursor_key: str | None = None,
        earlier: int = 0,
    ) -> None:
        """Every row again (an entry amended, retracted or backdated into the middle, the
        filter changed); the cursor stays on its entry, else follows the end. `earlier`:
        that many older entries (-1: some) are not among these yet (a line at the top says
        so)."""
        rows = timeline_rows(entries)
        if earlier:
            count = f"{earlier:,} earlier entries" if earlier > 0 else "earlier entries"
            rows.insert(0, ("earlier", DayRow(f"{count}: loading…")))
        self.added_since_show = []
        last = next((d for _k, d in reversed(rows) if isinstance(d, DayRow)), None)
        self._last_day = last.day if last else None
        self.set_rows(rows, cursor_key=cursor_key)

    def show_prepared(self, prepared: Prepared, *, cursor_key: str | None = None) -> None:
        """`show` with the rows and heights a worker made: nothing is measured here unless
        the width or the mode changed meanwhile."""
        last = next((d for _k, d in reversed(prepared.rows) if isinstance(d, DayRow)), None)
        self._last_day = last.day if last else None
        same = prepared.compact == self.compact
        self.added_since_show = []
        self.set_rows(
            prepared.rows,
            cursor_key=cursor_key,
            heights=prepared.heights if same else None,
            measured_at=prepared.width,
        )

    def add(self, entries: Iterable[TimelineEntry]) -> None:
        """Entries that sort after everything shown: appended, nothing above re-rendered."""
        for entry in entries:
            self.added_since_show.append(entry)
            for key, data in self._rows_for(entry, self.row_count):
                self.append(key, data)

    def on_resize(self, event: events.Resize) -> None:
        width = self.content_width
        super().on_resize(event)
        if self.content_width != width:
            self.post_message(self.WidthKnown())

    def set_compact(self, compact: bool) -> None:
        """One line an entry, or every entry in full; the cursor stays on its entry."""
        if compact == self.compact:
            return
        self.compact = compact
        self.set_rows([(key, self.data(key)) for key in self.keys], cursor_key=self.cursor_key)

    def row_plain(self, key: str) -> str:
        """What row `key` says, as plain text (its paragraphs joined by line breaks)."""
        data = self.data(key)
        if isinstance(data, DayRow):
            return f"── {data.day} ──"
        return "\n".join(entry_paragraphs(data))

    @property
    def selected_entry(self) -> TimelineEntry | None:
        key = self.cursor_key
        if key is None or not key.startswith("e:"):
            return None
        data = self.data(key)
        return data if isinstance(data, TimelineEntry) else None

    def _rows_for(self, entry: TimelineEntry, count: int) -> list[tuple[str, Any]]:
        out: list[tuple[str, Any]] = []
        day = tx.local_date(entry.at)
        if day != self._last_day:
            self._last_day = day
            out.append((f"day:{day}:{count}", DayRow(day)))
        out.append((f"e:{entry.event_id}", entry))
        return out

    # --- rows ----------------------------------------------------------------------------
    def _measure_row(self, data: Any, width: int) -> int:
        if isinstance(data, DayRow):
            return 1
        return entry_height(data, width, compact=self.compact)

    def _render_row(self, data: Any, width: int) -> list[Strip]:
        console = self.app.console
        if isinstance(data, DayRow):
            line = Text.assemble(" ", (f"── {data.day} ──", "bold dim"))
            return [Strip(list(line.render(console, end="")), line.cell_len)]
        entry: TimelineEntry = data
        at = layout(width)
        meta = Text.assemble(
            " ",
            (tx.local_utc(entry.at, short=at.short) + " ", "dim"),
            (tx.kind_icon(entry.kind) + " ", tx.KIND_STYLES.get(entry.kind, "")),
            tx.literal(entry.author, "#82aaff", limit=at.who),
            no_wrap=True,
            overflow="ellipsis",
        )
        meta.truncate(at.meta)
        if meta.cell_len < at.meta:  # padding in a style of its own: see PAD
            meta.append(" " * (at.meta - meta.cell_len), PAD)
        head = list(meta.render(console, end=""))
        indent = [Segment(" " * at.meta, PAD)]
        texts = entry_texts(entry, single_line=self.compact)
        if self.compact:
            body = Text("  ").join(texts)
            body.no_wrap = True
            body.overflow = "ellipsis"
            body.truncate(at.text, overflow="ellipsis")
            return [Strip(head + list(body.render(console, end="")))]
        lines: list[Strip] = []
        for paragraph in texts:
            for line in paragraph.wrap(console, at.text, overflow="fold"):
                segments = head if not lines else indent
                lines.append(Strip(segments + list(line.render(console, end=""))))
        if len(lines) > MAX_LINES:
            more = len(lines) - MAX_LINES + 1
            note = Text(f"… {more} more lines: the detail pane below shows it all", "italic dim")
            lines = [*lines[: MAX_LINES - 1], Strip(indent + list(note.render(console, end="")))]
        return lines
