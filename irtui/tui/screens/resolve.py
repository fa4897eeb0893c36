"""Resolving: the checklist, the monitoring hold, open tasks, then the final updates.

`ResolveDialog` asks what the policy's resolution checklist asks (every item must be ticked
by a person: there is no "check all"), shows the monitoring hold as a live clock, wants a
reason when resolving before the hold is over (it is stored in the resolve event), lists the
tasks still open and says whether mitigation was ever marked. Once resolved,
`FinalUpdatesDialog` offers the final update for each audience the incident has told
something: the composer for internal and exec (and the status page by hand), the publish
step when the incident is on the status page.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Checkbox, Input, Label, Static

from irtui.domain.model import Audience
from irtui.domain.resolution import final_update_audiences, hold_view
from irtui.domain.timeutil import fmt_when
from irtui.tui import text as tx
from irtui.tui.brief import open_tasks
from irtui.tui.screens.modal import GuardedModal

if TYPE_CHECKING:
    from irtui.tui.protocols import WarRoom

AUDIENCE_NAMES = {
    Audience.INTERNAL: "Internal",
    Audience.EXEC: "Exec",
    Audience.STATUSPAGE: "Customers (status page)",
}


class ResolveDialog(GuardedModal[bool]):
    """Keys as in every dialog (`GuardedModal`): Enter ticks the focused checklist item (a
    space typed there does nothing), moves on from a text field and resolves from the last
    one; Ctrl+S resolves; Esc cancels, asking when something was typed. Resolving runs on the
    store writer: the dialog stays open until it is durable (or refused, e.g. the reason)."""

    CANCEL_RESULT = False
    WHAT = "the resolve dialog"
    HINT = "Enter ticks the highlighted item · Tab moves · ctrl+s resolves · Esc cancels"
    DEFAULT_CSS = """
    ResolveDialog #resolve-box { width: 100; max-width: 98%; height: auto; max-height: 95%; }
    ResolveDialog .resolve-section { color: $text-muted; margin-top: 1; }
    ResolveDialog #hold { height: auto; }
    ResolveDialog #tasks-open { height: auto; max-height: 8; }
    ResolveDialog Checkbox { height: auto; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "submit", "Resolve", priority=True),
    ]

    def __init__(self, incident_id: str, *, note: str = "") -> None:
        super().__init__(id="resolve-dialog")
        self.incident_id = incident_id
        self.note = note

    @property
    def irtui(self) -> WarRoom:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        store = self.irtui.store
        incident = self.irtui.incident(self.incident_id)
        with VerticalScroll(classes="dialog", id="resolve-box"):
            yield Label(
                tx.literal(f"Resolve {incident.id}: {incident.title}", limit=90),
                classes="dialog-title",
            )
            yield Label(
                "Before resolving, check each (the policy's checklist; Enter ticks, Tab moves):"
            )
            for item in store.policy.checklist:
                yield Checkbox(tx.literal(item.text), id=f"chk-{item.id}", compact=True)
            yield Static(id="mitigation", classes="resolve-section")
            yield Static(id="hold", classes="resolve-section")
            yield Input(
                placeholder="why resolve before the monitoring hold is over? (recorded)",
                id="early-reason",
                classes="hidden",
            )
            yield Static(id="tasks-open", classes="resolve-section")
            yield Input(value=self.note, placeholder="note (optional)", id="note")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Resolve (ctrl+s)", id="ok", variant="success")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = False
        self.show_facts()
        self.tick(self.irtui.now())
        boxes = list(self.query(Checkbox))
        (boxes[0] if boxes else self.query_one("#note", Input)).focus()

    def show_facts(self) -> None:
        incident = self.irtui.incident(self.incident_id)
        now = self.irtui.now()
        mitigated = incident.milestones.get("mitigated")
        self.query_one("#mitigation", Static).update(
            Text(f"Mitigated at {fmt_when(mitigated, now)}.")
            if mitigated
            else Text(
                "Mitigation was never marked: it will be recorded as the resolution time "
                "(TTM = TTR). Cancel and mark it (Mitigated…) for a true time to mitigate.",
                style="#ffb000",
            )
        )
        events = self.irtui.store.events(self.incident_id)
        from irtui.domain.timeline import build_timeline

        tasks = open_tasks(build_timeline(events), events)
        lines: list[Text] = []
        if tasks:
            lines.append(Text(f"{len(tasks)} task(s) still open:", style="bold #ffb000"))
            for task in tasks[:8]:
                owner = f"{task.owner}: " if task.owner else ""
                lines.append(tx.literal(f"  • {owner}{task.text}", limit=95))
            if len(tasks) > 8:
                lines.append(Text(f"  … and {len(tasks) - 8} more", style="dim"))
        else:
            lines.append(Text("No open tasks.", style="dim"))
        self.query_one("#tasks-open", Static).update(Text("\n").join(lines))

    def tick(self, now: datetime) -> None:
        """The hold is a clock: it counts down while the dialog is open."""
        if not self.query("#hold"):
            return  # not composed yet, or closing
        incident = self.irtui.incident(self.incident_id)
        hold = hold_view(incident, now)
        reason = self.query_one("#early-reason", Input)
        if hold is None:
            self.query_one("#hold", Static).update(
                Text("No monitoring hold for this severity.", style="dim")
            )
            reason.add_class("hidden")
            return
        if hold.met:
            text = Text(f"Monitoring hold: {hold.text}", style="green")
        elif hold.in_monitoring:
            text = Text(
                f"Monitoring hold: {hold.text} — resolving now is early (say why below)",
                style="bold #ffb000",
            )
        else:
            text = Text(
                f"Monitoring hold: SEV{incident.peak_severity} asks for {hold.text}; it is "
                f"{incident.status}, so resolving now is early (say why below)",
                style="bold #ffb000",
            )
        self.query_one("#hold", Static).update(text)
        reason.set_class(hold.met, "hidden")

    def checked(self) -> set[str]:
        return {str(box.id).removeprefix("chk-") for box in self.query(Checkbox) if box.value}

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

    def action_submit(self) -> None:
        missing = [box for box in self.query(Checkbox) if not box.value]
        if missing:
            self.notify(
                f"{len(missing)} checklist item(s) not checked yet.",
                title="Not resolved",
                severity="error",
            )
            missing[0].focus()
            return
        iid = self.incident_id
        checked = self.checked()
        reason = self.query_one("#early-reason", Input).value
        note = self.query_one("#note", Input).value

        def refused(_exc: Exception) -> None:
            if self.is_mounted and not self.query_one("#early-reason", Input).has_class("hidden"):
                self.query_one("#early-reason", Input).focus()

        self.save(
            lambda store: store.resolve(iid, checked=checked, early_reason=reason, note=note),
            f"{iid} is resolved",
            lambda _inc: self.resolved(iid),
            failed=refused,
        )

    def resolved(self, iid: str) -> None:
        """Durable: close, then offer the final updates, the status page and the pages."""
        self.dismiss(True)
        incident = self.irtui.incident(iid)
        audiences = final_update_audiences(incident)
        if audiences:
            self.app.push_screen(FinalUpdatesDialog(iid, audiences))
        self.irtui.offer_status_page_resolve(iid)
        from irtui.tui.screens.page_dialog import offer_page_resolve

        offer_page_resolve(self.irtui, iid)  # its pages, on PagerDuty too


class FinalUpdatesDialog(GuardedModal[None]):
    """The final update owed to each audience the incident told something."""

    DEFAULT_CSS = """
    FinalUpdatesDialog #final-box { width: 80; max-width: 98%; height: auto; }
    FinalUpdatesDialog #final-buttons { height: auto; }
    FinalUpdatesDialog #final-buttons Button { margin-right: 1; }
    """
    BINDINGS = [Binding("escape", "done", "Later")]

    def __init__(self, incident_id: str, audiences: list[str]) -> None:
        super().__init__(id="final-updates")
        self.incident_id = incident_id
        self.audiences = [Audience(a) for a in audiences if a in set(Audience)]
        self.sent: set[Audience] = set()

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="final-box"):
            yield Label(f"Final updates — {self.incident_id}", classes="dialog-title")
            yield Static(
                Text(
                    "It is resolved. Everyone who was told something is owed the last word:",
                ),
                classes="help-line",
            )
            with Horizontal(id="final-buttons"):
                for audience in self.audiences:
                    yield Button(AUDIENCE_NAMES[audience], id=f"final-{audience}")
                yield Button("Later (esc)", id="final-done")

    def on_mount(self) -> None:
        buttons = list(self.query(Button))
        if buttons:
            buttons[0].focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        name = str(event.button.id).removeprefix("final-")
        if name == "done":
            self.action_done()
            return
        audience = Audience(name)
        from irtui.tui.screens.composer import ComposerScreen

        def done(sent: Any) -> None:
            if sent:
                self.sent.add(audience)
                event.button.label = f"✓ {AUDIENCE_NAMES[audience]}"
                event.button.disabled = True
                if self.sent >= set(self.audiences):
                    self.dismiss(None)

        self.app.push_screen(ComposerScreen(self.incident_id, audience=audience), done)

    def action_done(self) -> None:
        self.dismiss(None)

    def submit(self) -> None:
        self.action_done()
