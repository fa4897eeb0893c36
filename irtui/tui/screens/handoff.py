"""Roles and hand-off: assign an empty role, offer a role with a brief, accept a pending one.

"Hand IC to X" produces the brief an incoming IC needs (status, what is known, what is ruled
out, open tasks and timers, last update per audience, next due — `irtui.tui.brief`); the
offer and the acceptance are both events on the timeline.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from irtui.domain.model import CustomRole, Role, normalise_role, role_label
from irtui.tui import text as tx
from irtui.tui.brief import build_brief
from irtui.tui.screens.modal import GuardedModal
from irtui.tui.widgets.oncall_picker import OnCallPicker

if TYPE_CHECKING:
    from irtui.tui.protocols import WarRoom

ROLES = (Role.COMMANDER, Role.TECH_LEAD, Role.COMMS_LEAD, Role.SCRIBE, Role.DEPUTY)
OTHER = "__other__"
"""The role picker's last option: a role this incident does not have yet (`liaison`,
`customer_liaison`, ...), named in a field that appears beside it."""


class RolesScreen(GuardedModal[bool]):
    CANCEL_RESULT = False
    WHAT = "the roles dialog"

    BINDINGS = [
        Binding("escape", "cancel", "Close"),
        Binding("ctrl+s", "handoff", "Assign / hand off", priority=True),
        Binding("ctrl+a", "accept", "Accept hand-off", priority=True),
    ]

    def __init__(self, incident_id: str, role: str = Role.COMMANDER) -> None:
        super().__init__(id="roles-screen")
        self.incident_id = incident_id
        self.role = role
        self._generated = ""

    @property
    def irtui(self) -> WarRoom:
        return self.app  # type: ignore[return-value]

    def role_options(self) -> list[tuple[Text, str]]:
        """The standard roles, the custom roles this incident already has, then "other".
        Prompts are `Text`: a role named `[/]` is a name, never markup for the picker."""
        custom = [r for r in self.irtui.incident(self.incident_id).roles if r not in ROLES]
        return [
            (tx.literal(role_label(r), limit=60), str(r)) for r in (*ROLES, *sorted(custom))
        ] + [(Text("Other role…"), OTHER)]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="roles-box"):
            yield Label(f"Roles and hand-off — {self.incident_id}", classes="dialog-title")
            with Horizontal(classes="row"):
                yield Select(
                    self.role_options(), id="role", allow_blank=False, value=str(self.role)
                )
                yield Input(
                    placeholder="role name, e.g. customer liaison",
                    id="custom-role",
                    classes="hidden",
                )
                yield Input(placeholder="to whom (name)", id="to")
            yield OnCallPicker(self.incident_id, target="#to", id="oncall-pick")
            yield Static(id="holder", classes="help-line")
            yield Label("Hand-off brief (edit freely; it is stored with the hand-off)")
            yield TextArea(id="brief", soft_wrap=True)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Assign / hand off (ctrl+s)", id="handoff", variant="primary")
                yield Button("Accept pending (ctrl+a)", id="accept")
                yield Button("Close", id="cancel")

    def on_mount(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = False
        self.query_one("#to", Input).focus()
        self.refresh_brief()

    def chosen_role(self) -> str | None:
        """The role key to act on; None while "other" is picked and not named yet. A name
        typed under *Other role…*, or a custom role the incident has, is custom on purpose
        (`CustomRole`): never refused as a typo of a standard role."""
        if self.role != OTHER:
            return self.role if self.role in ROLES else CustomRole(self.role)
        try:
            return normalise_role(CustomRole(self.query_one("#custom-role", Input).value))
        except ValueError:
            return None

    def refresh_brief(self) -> None:
        role = self.chosen_role()
        if role is None:
            self.query_one("#holder", Static).update(
                Text("Name the role in the field beside the picker.", style="italic")
            )
            self.query_one("#accept", Button).disabled = True
            return
        inc = self.irtui.incident(self.incident_id)
        holder = inc.roles.get(role)
        line = Text.assemble(
            (f"{role_label(role)}: ", "bold"), tx.literal(holder.name if holder else "— empty —")
        )
        if holder and holder.pending_handoff_to:
            line.append_text(
                Text.assemble(
                    ("  → offered to ", "#ffb000"),
                    tx.literal(holder.pending_handoff_to, "#ffb000"),
                    (" (waiting for accept)", "#ffb000"),
                )
            )
        self.query_one("#holder", Static).update(line)
        self.query_one("#accept", Button).disabled = not (holder and holder.pending_handoff_to)
        events = self.irtui.store.events(self.incident_id)
        from irtui.domain.timeline import build_timeline

        brief = tx.clean(
            build_brief(
                inc,
                build_timeline(events),
                events,
                self.irtui.now(),
                role=role,
                to=self.query_one("#to", Input).value.strip(),
            ),
            single_line=False,
        )
        area = self.query_one("#brief", TextArea)
        if area.text in ("", self._generated):  # never overwrite what the IC typed
            area.text = brief
        self._generated = brief

    def on_select_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self.role = event.value
            custom = self.query_one("#custom-role", Input)
            custom.set_class(self.role != OTHER, "hidden")
            if self.role == OTHER:
                custom.focus()
            self.refresh_brief()

    def on_input_changed(self, event: Input.Changed) -> None:
        self.refresh_brief()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "custom-role":
            self.query_one("#to", Input).focus()
        else:
            self.action_handoff()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        {
            "handoff": self.action_handoff,
            "accept": self.action_accept,
            "cancel": self.action_cancel,
        }[str(event.button.id)]()

    def submit(self) -> None:
        self.action_handoff()

    def action_handoff(self) -> None:
        role = self.chosen_role()  # asked in the order the fields stand: role, then person
        if role is None:
            self.notify("Which role? Type its name.", severity="error")
            self.query_one("#custom-role", Input).focus()
            return
        to = self.query_one("#to", Input).value.strip()
        if not to:
            self.notify("To whom? Type a name.", severity="error")
            self.query_one("#to", Input).focus()
            return
        store, iid = self.irtui.store, self.incident_id
        holder = self.irtui.incident(iid).roles.get(role)
        if holder is None:
            ok = self.irtui.attempt(
                lambda: store.assign_role(iid, role, to), f"{role_label(role)}: {to}"
            )
        else:
            brief = self.query_one("#brief", TextArea).text
            ok = self.irtui.attempt(
                lambda: store.handoff(iid, role, to, brief=brief),
                f"{role_label(role)} offered to {to}: they accept with ctrl+a here",
            )
        if ok:
            self.dismiss(True)

    def action_accept(self) -> None:
        store, iid, role = self.irtui.store, self.incident_id, self.chosen_role()
        if role is None:
            return
        if self.irtui.attempt(
            lambda: store.accept_handoff(iid, role), f"Hand-off of {role_label(role)} accepted"
        ):
            self.dismiss(True)
