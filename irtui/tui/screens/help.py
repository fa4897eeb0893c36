"""`?` (`Esc ?` on the incident screen): the keyboard model, every key from the action
registry, the entry-line grammar and the colour legend."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Label, Static

from irtui.tui.actions import display_key, for_scope, is_chord
from irtui.tui.screens.modal import GuardedModal

SCOPE_TITLES = {
    "app": "Everywhere (on the incident screen: Esc then the key)",
    "board": "Board (single keys: it has nothing to type but its / filter)",
    "incident": "Incident screen commands (Esc then the key, or Alt+key)",
    "runbook": "Reading a runbook",
    "drill_facilitator": "Drill facilitator's seat",
    "drill_debrief": "Drill debrief",
}
MODEL = (
    ("Typing", "On the incident screen and in every dialog, what you type is text. The"),
    ("", "incident screen opens with the entry line focused; keys typed while the"),
    ("", "timeline or a panel has focus go to the entry line (type to log)."),
    ("Esc", "Arms ONE command: the entry bar turns into the command bar, the next key"),
    ("", "runs it and typing resumes. Esc Esc: back to the board. A key that is no"),
    ("", "command does nothing but say so. Alt+key is the same as Esc then key."),
    ("ctrl chords", "^o entry kind · ^p palette · ^t theme · ^q quit: work while typing."),
    ("↑↓ PgUp PgDn", "In the entry line: move the timeline selection (then Esc e amends)."),
    ("Tab", "Moves between the visible panes; Enter on a runbook step ticks it."),
    ("Dialogs", "Enter: next field, submits from the last · ctrl+s submits · Esc cancels"),
    ("", "(asks first when you typed something) · focus returns where it was."),
    ("Safety", "Quit asks (and lists unsaved text) · task done: Esc z undoes · keys"),
    ("", "typed while a dialog closes are not commands and Enter then does not commit."),
)
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


def composer_keys() -> list[tuple[str, str]]:
    """The update composer's keys, read from its own bindings (its audience toggles were
    missing here: the help cannot drift from the dialog)."""
    from irtui.tui.screens.composer import AUDIENCE_LABELS, TOGGLE_KEYS, ComposerScreen

    toggles = {f"alt+{key}": aud for aud, key in TOGGLE_KEYS.items()}
    rows: list[tuple[str, str]] = []
    for binding in ComposerScreen.BINDINGS:
        if not isinstance(binding, Binding):
            continue
        audience = toggles.get(binding.key)
        if audience is not None:
            meaning = f"tick or untick {AUDIENCE_LABELS[audience]}; one pass, every audience"
        else:
            meaning = binding.description
        rows.append((binding.key, meaning))
    return rows


def _grid(key_width: int) -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True, width=key_width)
    table.add_column()
    return table


def _joined(rows: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    """A row whose key is empty continues the one above: one meaning, wrapped to the width."""
    out: list[tuple[str, str]] = []
    for key, meaning in rows:
        if not key and out:
            out[-1] = (out[-1][0], f"{out[-1][1]} {meaning}")
        else:
            out.append((key, meaning))
    return out


def _texts(rows: Iterable[tuple[str, str]]) -> list[tuple[Text, Text]]:
    return [(Text(key), Text(meaning)) for key, meaning in rows]


def _title(text: str) -> Text:
    return Text(text, style="bold underline")


def help_table() -> Group:
    """Each section its title on a line of its own, then its keys in one narrow column: a
    section title in the key column made that column 60 cells wide, and the meanings were
    wrapped into a column a word wide at 80x24."""
    sections: list[tuple[str, list[tuple[Text, Text]]]] = [
        ("The keyboard model", _texts(_joined(MODEL)))
    ]
    for scope, title in SCOPE_TITLES.items():
        rows = []
        for action in for_scope(scope):
            key = display_key(action)
            if scope == "incident" and not is_chord(action) and action.key != "escape":
                key = f"esc {key}"
            rows.append((Text(key), Text(f"{action.title} — {action.help}")))
        sections.append((title, rows))
    sections.append(("Update composer (u, Esc u)", _texts(composer_keys())))
    sections.append(
        ("Command palette", [(Text("ctrl+p"), Text("every action by name"))]),
    )
    sections.append(("Entry line", _texts(GRAMMAR)))
    sections.append(
        (
            "Colours",
            [
                (Text("12m05s", style="bold #ffb000"), Text("amber: close to due")),
                (
                    Text("-1m OVERDUE", style="bold white on #b00020"),
                    Text("red: overdue (the terminal bell rings once)"),
                ),
                (Text("✓"), Text("met (acknowledged)")),
            ],
        )
    )
    parts: list[Any] = []
    for title, rows in sections:
        grid = _grid(max((key.cell_len for key, _meaning in rows), default=1))
        for key, meaning in rows:
            grid.add_row(key, meaning)
        parts += [_title(title), grid, Text("")]
    return Group(*parts[:-1])


class HelpScreen(GuardedModal[None]):
    """Esc closes; nothing typed here is a command (not even `q`)."""

    BINDINGS = [Binding("escape,f1", "close", "Close")]
    HINT = "Esc closes the help"

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="help-box"):
            yield Label("irtui — keys", classes="dialog-title")
            yield Static(help_table(), id="help-table")

    def action_close(self) -> None:
        self.dismiss(None)
