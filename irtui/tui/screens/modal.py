"""Every dialog's keyboard rules, in one base class, and the one confirmation dialog.

- Every field is text: printable keys land in the focused input; on a button, checkbox or
  picker they do nothing (a space must never press *Publish* or tick *drill* while someone
  is typing) and a hint says how to move and confirm.
- Enter in a text field moves to the next one; in the last one it submits (`submit()`), as
  Ctrl+S does from anywhere.
- Esc closes, but a dialog holding text someone typed asks first ("Discard what you typed?").
- Focus goes back where it was when the dialog closes (Textual keeps each screen's focus);
  keys typed while it closes are handled by the screen below as typed-ahead (`irtui.tui.keys`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, ClassVar, TypeVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static, TextArea

from irtui.tui import text as tx
from irtui.tui.css import SCREENS_CSS
from irtui.tui.keys import TYPEAHEAD_GRACE_S, is_text_widget, key_label, printable
from irtui.tui.writer import BUSY_AFTER_S

T = TypeVar("T")
HINT_EVERY_S = 3.0


def text_fields(screen: ModalScreen[Any]) -> list[Input | TextArea]:
    """The dialog's text fields that are shown, in focus order."""
    return [
        w
        for w in screen.query("Input, TextArea")
        if isinstance(w, Input | TextArea) and w.display and w.visible
    ]


def field_value(widget: Input | TextArea) -> str:
    return widget.value if isinstance(widget, Input) else widget.text


class GuardedModal(ModalScreen[T]):
    """Base of every irtui dialog. Subclasses implement `submit()` (Enter in the last text
    field, Ctrl+S) and may set `CANCEL_RESULT` (what Esc dismisses with) and `WHAT` (how the
    dialog is named when quitting would discard its text)."""

    CSS_PATH = [SCREENS_CSS]

    CANCEL_RESULT: ClassVar[Any] = None
    WHAT: ClassVar[str] = "a dialog"
    HINT: ClassVar[str] = "Type in a text field · Tab moves · Enter/ctrl+s confirms · Esc cancels"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._initial: dict[int, str] | None = None
        self._hinted_at = 0.0
        self.opened_at = time.monotonic()
        self.saving = False

    def on_mount(self) -> None:
        # Textual calls this as well as a subclass's own on_mount (which may call it again)
        if getattr(self, "_guard_mounted", False):
            return
        self._guard_mounted = True
        for field in self.query(Input):
            field.cursor_blink = False
        # after the subclass's own on_mount has prefilled the fields
        self.call_after_refresh(self.remember_text)

    def remember_text(self) -> None:
        """What the fields hold before anyone types: only changes from this are 'unsaved'."""
        self._initial = {id(w): field_value(w) for w in self.query("Input, TextArea")}  # type: ignore[arg-type]

    def prefilled(self, widget: Input | TextArea) -> None:
        """`widget` was just filled by the dialog itself (a generated text): what it holds now
        is not something a person typed."""
        if self._initial is not None:
            self._initial[id(widget)] = field_value(widget)

    def unsaved_text(self) -> list[str]:
        """Text typed into this dialog and not saved (empty when nothing was typed)."""
        if self._initial is None:
            return []
        out = []
        for widget in self.query("Input, TextArea"):
            value = field_value(widget)  # type: ignore[arg-type]
            if value.strip() and value != self._initial.get(id(widget), ""):
                out.append(value)
        return out

    # --- keys ----------------------------------------------------------------------------
    def on_key(self, event: events.Key) -> None:
        if printable(event) and not is_text_widget(self.focused):
            event.stop()
            event.prevent_default()
            self.hint(f"'{key_label(event)}' is not a command here: {self.HINT}")

    def hint(self, message: str) -> None:
        now = time.monotonic()
        if now - self._hinted_at >= HINT_EVERY_S:
            self._hinted_at = now
            self.notify(message, timeout=3, markup=False)

    def submit_or_next(self, event: Input.Submitted) -> None:
        """Enter: the next text field, or submit from the last one."""
        event.stop()
        fields = text_fields(self)
        if fields and event.input is fields[-1]:
            self.submit()
        elif event.input in fields:  # the next *text* field: a picker between is skipped
            self.set_focus(fields[fields.index(event.input) + 1])  # at once: for type-ahead
        else:
            self.focus_next()

    def submit(self) -> None:  # pragma: no cover - each dialog says what submitting is
        raise NotImplementedError

    # --- saving --------------------------------------------------------------------------
    def save(
        self,
        fn: Callable[[Any], Any],
        done: str | None,
        then: Callable[[Any], None],
        *,
        failed: Callable[[Exception], None] | None = None,
    ) -> None:
        """Run `fn(store)` on the app's store writer (off the UI thread); `then(result)` once
        it is durable. The dialog stays open meanwhile (nothing typed is lost); a store held
        busy by another process is said after `BUSY_AFTER_S`, and a second Ctrl+S while the
        first still waits does nothing."""
        if self.saving:
            self.notify("Still saving (the store is busy)…", markup=False)
            return
        self.saving = True

        def finished(result: Any) -> None:
            self.saving = False
            then(result)

        def refused(exc: Exception) -> None:
            self.saving = False
            if failed is not None:
                failed(exc)

        def still_waiting() -> None:
            if self.saving:
                self.notify(
                    "Store busy, retrying… (another process holds it); this stays open and "
                    "saves as soon as it is free",
                    timeout=4,
                    markup=False,
                )

        self.app.write(fn, done, then=finished, failed=refused)  # type: ignore[attr-defined]
        self.set_timer(BUSY_AFTER_S + 0.05, still_waiting)

    # --- closing -------------------------------------------------------------------------
    def action_cancel(self) -> None:
        typed = self.unsaved_text()
        if not typed:
            self.dismiss(self.CANCEL_RESULT)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(self.CANCEL_RESULT)

        self.app.push_screen(
            ConfirmDialog(
                "Discard what you typed?",
                Text.assemble(
                    "This dialog holds text that is not saved:\n",
                    tx.literal(typed[0], "italic", limit=200),
                ),
                yes="Discard",
                no="Keep editing",
            ),
            answered,
        )


class ConfirmDialog(ModalScreen[bool]):
    """A yes/no question. `y` answers yes, `n` or Esc no, Enter presses the focused button
    (No, unless `default_yes`).

    Typing must not answer it: "query" typed on the board opens the quit question with `q`,
    and its `y` must not quit. So `y`/`n` count only as the first key pressed on the question
    (and not within `TYPEAHEAD_GRACE_S` of it appearing); once any other letter was typed,
    only Esc, or Tab to a button and Enter, answer."""

    CSS_PATH = [SCREENS_CSS]

    BINDINGS: ClassVar[list[Binding]] = [Binding("escape", "answer(False)", "No", show=False)]

    def __init__(
        self,
        title: str,
        body: Text | str,
        *,
        yes: str = "Yes",
        no: str = "No",
        default_yes: bool = False,
    ) -> None:
        super().__init__(classes="confirm")
        self.title_text = title
        self.body = body if isinstance(body, Text) else Text(body)
        self.yes = yes
        self.no = no
        self.default_yes = default_yes
        self.opened_at = time.monotonic()
        self.typed_over = False
        self._hinted = False

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="confirm-box"):
            yield Label(Text(self.title_text), classes="dialog-title")
            yield Static(self.body, id="confirm-body", classes="help-line")
            with Horizontal(classes="dialog-buttons"):
                yield Button(f"{self.yes} (y)", id="yes", variant="error")
                yield Button(f"{self.no} (n)", id="no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#yes" if self.default_yes else "#no", Button).focus()

    def typed_ahead(self) -> bool:
        grace = getattr(self.app, "typeahead_grace_s", TYPEAHEAD_GRACE_S)
        return time.monotonic() - self.opened_at < grace

    def on_key(self, event: events.Key) -> None:
        if event.key not in ("y", "n", "enter", "space") and not printable(event):
            return  # Tab, arrows, Esc: their usual meaning
        event.stop()
        event.prevent_default()
        if self.typed_ahead():
            if event.key not in ("y", "n", "enter"):
                self.typed_over = True
            return
        if event.key == "enter":
            self.dismiss(self.focused is not None and self.focused.id == "yes")
        elif event.key in ("y", "n") and not self.typed_over:
            self.dismiss(event.key == "y")
        else:
            self.typed_over = True
            if not self._hinted:
                self._hinted = True
                self.notify(
                    f"{self.title_text} You were typing, so keys do not answer: Esc — "
                    f"{self.no}; Tab to '{self.yes}' and Enter — {self.yes}.",
                    markup=False,
                    timeout=6,
                )

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "yes")

    def action_answer(self, value: bool) -> None:
        self.dismiss(value)
