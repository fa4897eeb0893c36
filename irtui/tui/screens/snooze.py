"""Snoozing a reminder from the TUI (`Esc S`): the ack clock or one audience's update clock
moves to a later time, with a reason, as a `reminder_snoozed` event (as `irtui snooze` does).

The clock field is prefilled with the soonest running one; `ack`, an audience (`exec`) or its
full name (`update:exec`) are understood. The time is read as the update promises read theirs
(`domain.timeparse.parse_due`: `15m`, `+1h`, `14:30`), in the incident's own time (a drill's).
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Static

from irtui.domain.clocks import ClockState, ack_clock, incident_now, update_clocks
from irtui.domain.model import DomainError, Incident
from irtui.tui import text as tx
from irtui.tui.screens.dialogs import Dialog


def clock_targets(incident: Incident, now: object) -> list[str]:
    """The clocks that can be snoozed now, the soonest first."""
    views = [v for v in [ack_clock(incident, now), *update_clocks(incident, now)]]  # type: ignore[arg-type]
    running = [v for v in views if v.state not in (ClockState.DONE, ClockState.NONE) and v.due]
    return [v.name for v in sorted(running, key=lambda v: v.due)]  # type: ignore[arg-type,return-value]


def read_target(value: str, incident: Incident) -> str:
    text = value.strip().lower()
    if text in ("ack", "acknowledge", "acknowledgement"):
        return "ack"
    audience = text.split(":", 1)[1] if text.startswith("update:") else text
    if audience in incident.update_due:
        return f"update:{audience}"
    known = ", ".join(["ack", *sorted(incident.update_due)])
    raise DomainError(f"which clock? {value!r} is not one of {known}")


class SnoozeDialog(Dialog):
    WHAT = "the snooze dialog"

    def __init__(self, incident_id: str) -> None:
        super().__init__(classes="details")
        self.incident_id = incident_id

    def compose(self) -> ComposeResult:
        inc = self.irtui.incident(self.incident_id)
        targets = clock_targets(inc, self.irtui.now())
        first = targets[0] if targets else ""
        with Vertical(classes="dialog", id="details-box"):
            yield Label(
                Text.assemble("Snooze a reminder of ", (inc.id, "bold")), classes="dialog-title"
            )
            yield Static(
                Text.assemble(
                    ("running: ", "dim"),
                    tx.literal(", ".join(targets) or "none (nothing to snooze)"),
                ),
                classes="help-line",
            )
            for label, field_id, value, hint in (
                ("Clock", "snooze-target", first.removeprefix("update:"), "ack, exec, internal…"),
                ("Until", "snooze-until", "", "15m, +1h, 14:30"),
                ("Why", "snooze-reason", "", "exec on a call until 15:00"),
            ):
                yield Horizontal(
                    Label(Text(label), classes="field-label"),
                    Input(value=value, placeholder=hint, id=field_id, compact=True),
                    classes="field-row",
                )
            yield self.buttons("Snooze (ctrl+s)")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#snooze-until", Input).focus()

    def action_submit(self) -> None:
        from irtui.domain.timeparse import parse_due

        inc = self.irtui.incident(self.incident_id)
        value = {str(w.id): w.value for w in self.query(Input)}
        try:
            target = read_target(value["snooze-target"], inc)
            if not value["snooze-until"].strip():
                raise DomainError("until when? (15m, +1h, 14:30)")
            until = parse_due(value["snooze-until"], incident_now(inc, self.irtui.now()))
            reason = value["snooze-reason"].strip()
            if not reason:
                raise DomainError("a snooze needs a reason (it is on the record)")
        except DomainError as exc:
            self.notify(str(exc), title="Not snoozed", severity="error", markup=False)
            return
        iid = self.incident_id
        self.save(
            lambda store: store.snooze(iid, target, until, reason),
            f"{iid}: {target} snoozed until {tx.local_utc(until, short=True)}",
            lambda _result: self.dismiss(True),
        )
