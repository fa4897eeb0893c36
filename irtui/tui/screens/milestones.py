"""When things happened: the incident's *impact started* and *detected* times, and marking
the impact *mitigated*.

Incidents are declared after they start — the alert fired five minutes ago, the dashboards
say impact began twenty minutes ago — so these times are corrected as the room learns. Each
change is a `milestone_set` event on the timeline (never silent), checked like every time
(not in the future, milestones in order; `irtui.domain.order`). Mitigation is its own fact,
never inferred from the status: time to mitigate is measured to it.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Static

from irtui.domain.model import DomainError
from irtui.domain.timeparse import parse_when
from irtui.domain.timeutil import fmt_when
from irtui.tui import text as tx
from irtui.tui.screens.modal import GuardedModal

if TYPE_CHECKING:
    from irtui.tui.protocols import WarRoom

TIME_FORMATS = "-20m, -1h30m, 14:02 (local) or ISO"
TIME_HELP = f"{TIME_FORMATS}; empty keeps it"


def read_time(value: str, now: datetime) -> datetime | None:
    """A typed time (`-5m`, `14:02`, ISO), or None for an empty field."""
    return parse_when(value, now) if value.strip() else None


class _TimeDialog(GuardedModal[bool]):
    """Keys as in every dialog (`GuardedModal`): Enter moves to the next field and saves from
    the last, Ctrl+S saves, Esc cancels (asking when something was typed). Saving runs on the
    store writer: the dialog stays open until the change is durable."""

    CANCEL_RESULT = False
    DEFAULT_CSS = """
    _TimeDialog .time-box { width: 84; max-width: 98%; height: auto; }
    _TimeDialog .field-label { color: $text-muted; margin-top: 1; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "submit", "Save", priority=True),
    ]

    def __init__(self, incident_id: str) -> None:
        super().__init__()
        self.incident_id = incident_id

    @property
    def irtui(self) -> WarRoom:
        return self.app  # type: ignore[return-value]

    def on_mount(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = False
        first = self.query(Input).first()
        first.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.submit_or_next(event)

    def submit(self) -> None:
        self.action_submit()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "ok":
            self.action_submit()
        else:
            self.action_cancel()

    def action_submit(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def buttons(self, ok: str) -> Horizontal:
        return Horizontal(
            Button(ok, id="ok", variant="primary"),
            Button("Cancel", id="cancel"),
            classes="dialog-buttons",
        )


class TimesDialog(_TimeDialog):
    """Impact started and detected: typed like the entry line's times."""

    WHAT = "the times dialog"

    def compose(self) -> ComposeResult:
        incident = self.irtui.incident(self.incident_id)
        now = self.irtui.now()
        with Vertical(classes="dialog time-box"):
            yield Label(f"When did it happen? — {self.incident_id}", classes="dialog-title")
            for name, label in (("started", "Impact started"), ("detected", "Detected")):
                value = incident.milestones.get(name)
                yield Label(f"{label} (currently {fmt_when(value, now)})", classes="field-label")
                yield Input(placeholder=TIME_HELP, id=f"t-{name}")
            yield Static(
                Text(
                    "Each change is recorded on the timeline. Entries backdated before the "
                    "start move it too, on their own.",
                    style="dim",
                ),
                classes="help-line",
            )
            yield self.buttons("Save (ctrl+s)")

    def action_submit(self) -> None:
        now = self.irtui.now()
        try:
            wanted = {
                name: read_time(self.query_one(f"#t-{name}", Input).value, now)
                for name in ("started", "detected")
            }
        except DomainError as exc:
            self.notify(str(exc), title="Not saved", severity="error", markup=False)
            return
        changes = {name: at for name, at in wanted.items() if at is not None}
        if not changes:
            self.dismiss(False)
            return
        iid = self.incident_id
        said = ", ".join(f"{name} {fmt_when(at, now)}" for name, at in changes.items())
        self.save(
            lambda store: store.set_milestones(iid, changes, reason="set on the incident screen"),
            f"{iid}: {said}",
            lambda _inc: self.dismiss(True),
        )


class MitigatedDialog(_TimeDialog):
    """Mark the impact mitigated (default: now)."""

    WHAT = "the mitigated dialog"

    def compose(self) -> ComposeResult:
        incident = self.irtui.incident(self.incident_id)
        now = self.irtui.now()
        with Vertical(classes="dialog time-box"):
            yield Label(f"Impact mitigated — {self.incident_id}", classes="dialog-title")
            previous = incident.milestones.get("mitigated")
            yield Static(
                Text(
                    f"Already marked at {fmt_when(previous, now)}: correcting it is a "
                    "milestone change (irtui milestone ... mitigated WHEN)."
                    if previous
                    else "The bleeding has stopped (a fix may still be to come): time to "
                    "mitigate is measured to this moment.",
                    style="dim",
                ),
                classes="help-line",
            )
            yield Label(f"When ({TIME_FORMATS}; empty: now)", classes="field-label")
            yield Input(placeholder="now", id="m-at")
            yield Label("What mitigated it (optional)", classes="field-label")
            yield Input(placeholder="e.g. traffic drained to eu-west", id="m-note")
            yield self.buttons("Mark mitigated (ctrl+s)")

    def action_submit(self) -> None:
        now = self.irtui.now()
        try:
            at = read_time(self.query_one("#m-at", Input).value, now)
        except DomainError as exc:
            self.notify(str(exc), title="Not saved", severity="error", markup=False)
            return
        note = self.query_one("#m-note", Input).value
        iid = self.incident_id
        self.save(
            lambda store: store.mitigated(iid, at=at, note=note),
            tx.clean(f"{iid} mitigated at {fmt_when(at or now, now)}"),
            lambda _inc: self.dismiss(True),
        )
