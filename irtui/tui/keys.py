"""The keyboard model's small rules, in one place (no widgets here, no store).

irtui separates *typing* from *commanding* the way vim's insert-mode `Ctrl-O` and kakoune's
`<a-;>` do: on a screen whose job is writing (the incident screen, every dialog) printable
keys are text, and a command is one-shot behind `Esc` — `Esc s` opens the severity dialog and
typing resumes. A fast `Esc s` reaches the app as the single key `alt+s` (the terminal's meta
prefix, and tmux's escape-time), so `alt+<key>` is that same command. Screens with nothing to
type (the board, the postmortem viewer) keep single-letter commands, as lazygit's panels do;
their filter inputs are text.

Keys typed *while a dialog closes* were aimed at the dialog: for `TYPEAHEAD_GRACE_S` after a
dialog closes, letter commands are ignored (and said to be) and Enter does not commit the entry
line — the letters still land in the line as text, nothing typed is lost.
"""

from __future__ import annotations

from textual import events
from textual.widget import Widget

TYPEAHEAD_GRACE_S = 0.35
"""How long after a dialog closes (or a confirmation opens) keys count as typed ahead: about
a reaction time, shorter than a deliberate look-then-press."""

_SHIFTED = {"question_mark", "exclamation_mark"}


def is_text_widget(widget: Widget | None) -> bool:
    """Does this widget take printable keys as text (an editable input or text area)?"""
    from textual.widgets import Input, TextArea

    if isinstance(widget, Input):
        return not widget.disabled
    if isinstance(widget, TextArea):
        return not widget.read_only and not widget.disabled
    return False


def meta_command(key: str) -> str | None:
    """`alt+s` → `s`, `alt+shift+r` → `R`, `alt+slash` → `slash`: the command key a fast
    `Esc <key>` or Alt+key stands for (None for anything else)."""
    if not key.startswith("alt+"):
        return None
    rest = key[4:]
    if rest.startswith("shift+") and len(rest) == 7:
        return rest[6:].upper()
    if rest.startswith(("ctrl+", "alt+", "shift+")) or rest in ("escape", "enter", "tab"):
        return None
    return rest


def printable(event: events.Key) -> bool:
    """A key that types a character (letters, digits, punctuation, space, shifted keys)."""
    return event.is_printable and not event.key.startswith(("ctrl+", "alt+"))


def key_label(event: events.Key) -> str:
    """How a key is named in a notice: the character it types, else its name."""
    if event.character and event.character.isprintable() and event.character != " ":
        return event.character
    return event.key
