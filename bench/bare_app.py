"""The baseline for bench_tui.py: a bare Textual app doing the least the war room does —
a header line, a DataTable with a few rows, an Input whose Enter appends a row.

    python bench/bare_app.py

Whatever irtui costs above this is irtui's own cost (store, domain, layout, timers).
"""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Input, Static


class BareApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Static("bare war room")
        yield DataTable(id="rows", cursor_type="row")
        yield Input(id="line")

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("ID", "Title")
        for n in range(1, 6):
            table.add_row(f"INC-{n}", f"incident {n}")
        self.query_one(Input).cursor_blink = False

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.query_one(DataTable).add_row("entry", event.value)
        event.input.value = ""


if __name__ == "__main__":
    BareApp().run()
