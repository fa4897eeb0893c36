"""The baseline for bench_tui.py: a bare Textual app doing the least the war room does —
a header line, a DataTable with a few rows, an Input whose Enter appends a row.

    python bench/bare_app.py            # the baseline every target is measured against
    python bench/bare_app.py --rows 50  # the same, with a board-sized 50 x 8 table

Whatever irtui costs above the first is irtui's own cost (store, domain, layout, timers);
the second shows how much of that is Textual drawing a table the board's size.
"""

from __future__ import annotations

import sys

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Input, Static

BOARD_COLUMNS = (
    ("ID", 9),
    ("Sev", 6),
    ("Status", 13),
    ("Title", 60),
    ("IC", 12),
    ("Age", 7),
    ("Ack", 9),
    ("Next update", 14),
)


class BareApp(App[None]):
    def __init__(self, rows: int = 5) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield Static("bare war room")
        yield DataTable(id="rows", cursor_type="row")
        yield Input(id="line")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        if self.rows <= 5:
            table.add_columns("ID", "Title")
            for n in range(1, self.rows + 1):
                table.add_row(f"INC-{n}", f"incident {n}")
        else:
            for label, width in BOARD_COLUMNS:
                table.add_column(label, width=width)
            for n in range(1, self.rows + 1):
                table.add_row(
                    f"INC-{n}",
                    "SEV2",
                    "investigating",
                    f"incident {n}",
                    "alice",
                    "1h04m",
                    "✓",
                    "23m exec",
                )
        self.query_one(Input).cursor_blink = False

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one(DataTable).add_row("entry", event.value)
        event.input.value = ""


if __name__ == "__main__":
    BareApp(int(sys.argv[sys.argv.index("--rows") + 1]) if "--rows" in sys.argv else 5).run()
