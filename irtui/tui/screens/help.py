"""`?`: every key from the action registry, the entry-line grammar and the colour legend."""

from __future__ import annotations

import io

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from irtui.tui.actions import display_key, for_scope

SCOPE_TITLES = {
    "app": "Everywhere",
    "board": "Board",
    "incident": "Incident screen",
    "runbook": "Reading a runbook",
    "drill_facilitator": "Drill facilitator's seat",
    "drill_debrief": "Drill debrief",
}
GRAMMAR = (
    ("-5m text / 14:02 text", "backdate the entry"),
    ("* text", "star it (starred entries lead the postmortem)"),
    ("d: a: n: c: e: r: det:", "decision, action, note, comms, escalation, resolution, detection"),
    ("TODO: text", "a task"),
    ("Bob: check lag, back in 3 min", "a task for Bob with a 3-minute timer that nags"),
    ("Enter", "commit (saved to disk before the line clears)"),
)


def help_text(width: int = 160) -> str:
    """The help as plain text (tests, and `irtui --help`-style dumps)."""
    from rich.console import Console

    console = Console(width=width, record=True, file=io.StringIO())
    console.print(help_table())
    return console.export_text()


def _grid() -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    return table


def help_table() -> Group:
    keys = _grid()
    for scope, title in SCOPE_TITLES.items():
        keys.add_row(Text(title, style="bold underline"), "")
        for action in for_scope(scope):
            keys.add_row(Text(display_key(action)), Text(f"{action.title} — {action.help}"))
        keys.add_row("", "")
    keys.add_row(Text("ctrl+p"), Text("Command palette: every action by name"))
    grammar = _grid()
    grammar.add_row(Text("Entry line", style="bold underline"), "")
    for syntax, meaning in GRAMMAR:
        grammar.add_row(Text(syntax), Text(meaning))
    grammar.add_row("", "")
    grammar.add_row(Text("Colours", style="bold underline"), "")
    grammar.add_row(Text("12m05s", style="bold #ffb000"), Text("amber: close to due"))
    grammar.add_row(
        Text("-1m OVERDUE", style="bold white on #b00020"),
        Text("red: overdue (the terminal bell rings once)"),
    )
    grammar.add_row(Text("✓"), Text("met (acknowledged)"))
    return Group(keys, Text(""), grammar)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark", "close", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="help-box"):
            yield Label("irtui — keys", classes="dialog-title")
            yield Static(help_table(), id="help-table")

    def action_close(self) -> None:
        self.dismiss(None)
