"""Staffing in one pass: name several empty roles in one dialog (`r` on the board, `Esc r` on
the incident screen, while a role the policy requires is empty).

Why its own dialog: filling Tech Lead, Comms Lead and Scribe one role at a time took 24 keys,
and a dialog that opened on IC turned `r bob Enter` into an IC hand-off offer. Here only the
empty roles have fields (the required ones first, the first of them focused); Enter moves to
the next field and submits from the last, Ctrl+S submits from anywhere, an empty field is left
alone. A name completes from the people already in the incident (→ accepts the suggestion).
All of it is one transaction (`Store.staff`): an empty role is assigned, never offered, and a
role someone took meanwhile refuses the batch with nothing written. Held roles are handed off
in the roles dialog (Ctrl+R from here), with its protocol.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, Static

from irtui.domain.model import Incident, Role, role_label
from irtui.domain.staffing import people_in
from irtui.tui import text as tx
from irtui.tui.screens.dialogs import DIALOG_BINDINGS, Dialog

ROLE_ORDER = (Role.COMMANDER, Role.TECH_LEAD, Role.COMMS_LEAD, Role.SCRIBE, Role.DEPUTY)


def empty_roles(incident: Incident, required: tuple[str, ...]) -> list[str]:
    """The standard roles nobody holds, the required ones first (in the policy's order)."""
    empty = [r for r in ROLE_ORDER if r not in incident.roles]
    first = [r for r in required if r in empty]
    return first + [r for r in empty if r not in first]


def required_roles(app: Any, incident: Incident) -> tuple[str, ...]:
    try:
        return tuple(app.store.policy.level(incident.severity).required_roles)
    except Exception:
        return ()


class StaffDialog(Dialog):
    WHAT = "the staffing dialog"
    BINDINGS = [*DIALOG_BINDINGS, Binding("ctrl+r", "handoff", "Hand off a held role")]

    def __init__(self, incident_id: str) -> None:
        super().__init__(classes="details")
        self.incident_id = incident_id
        self.roles: list[str] = []

    def compose(self) -> ComposeResult:
        inc = self.irtui.incident(self.incident_id)
        required = required_roles(self.app, inc)
        self.roles = empty_roles(inc, required)
        events = self.irtui.store.events(self.incident_id)
        others = list(getattr(self.app, "who_else", lambda _i: [])(self.incident_id))
        people = people_in(inc, events, others)
        suggester = SuggestFromList(people, case_sensitive=False) if people else None
        with Vertical(classes="dialog", id="staff-box"):
            yield Label(Text.assemble("Staff ", (inc.id, "bold")), classes="dialog-title")
            held = [
                Text.assemble((f"{role_label(r)} ", "dim"), tx.literal(h.name, "bold", limit=30))
                for r, h in sorted(inc.roles.items(), key=lambda kv: str(kv[0]))
            ]
            yield Static(
                Text.assemble(("held: ", "dim"), *_joined(held) if held else ("nobody yet",)),
                classes="help-line",
            )
            for role in self.roles:
                label = role_label(role) + (" *" if role in required else "")
                yield Horizontal(
                    Label(Text(label), classes="field-label"),
                    Input(
                        placeholder="a name (empty: leave it empty)",
                        id=f"staff-{role}",
                        suggester=suggester,
                        compact=True,
                    ),
                    classes="field-row",
                )
            yield Static(
                Text.assemble(
                    ("* required for this severity · ", "dim"),
                    ("in this incident: ", "dim"),
                    tx.literal(", ".join(people) or "nobody yet", limit=200),
                    (
                        "\nEnter: next, the last one saves · → takes the suggested name · "
                        "ctrl+r: hand off a held role",
                        "dim",
                    ),
                ),
                classes="help-line",
            )
            yield self.buttons("Assign (ctrl+s)")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Enter: the next role; on an empty field (nothing more to name) or the last one,
        save what was typed."""
        event.stop()
        if not event.value.strip():
            self.submit()
            return
        self.submit_or_next(event)

    def on_mount(self) -> None:
        super().on_mount()
        fields = list(self.query(Input))
        if fields:
            fields[0].focus()

    def assignments(self) -> list[tuple[str, str]]:
        return [
            (role, self.query_one(f"#staff-{role}", Input).value.strip())
            for role in self.roles
            if self.query_one(f"#staff-{role}", Input).value.strip()
        ]

    def action_submit(self) -> None:
        chosen = self.assignments()
        if not chosen:
            self.dismiss(False)
            return
        iid = self.incident_id
        said = ", ".join(f"{role_label(r)} {tx.clean(n, limit=30)}" for r, n in chosen)
        self.save(
            lambda store: store.staff(iid, chosen),
            f"{iid}: {said}",
            lambda _result: self.dismiss(True),
        )

    def action_handoff(self) -> None:
        from irtui.tui.screens.handoff import RolesScreen

        iid = self.incident_id
        self.dismiss(False)
        self.app.push_screen(RolesScreen(iid))


def _joined(parts: list[Text]) -> list[Any]:
    out: list[Any] = []
    for part in parts:
        if out:
            out.append(("  ", "dim"))
        out.append(part)
    return out
