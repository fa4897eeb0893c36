"""Roles and hand-off: assign an empty role; for a held one, the hand-off protocol
(`irtui.domain.handoff`), each seat seeing its own step.

- The outgoing person picks the role and the incoming person and edits the generated brief
  (status, what we know — every starred fact and the detection —, what is ruled out, open tasks
  and timers, last update per audience, what is due next): *Offer* stores it verbatim.
- The incoming person, on their own seat, sees the offer and the brief exactly as written, and
  accepts with a read-back ("I'm taking IC. Current status is …"), prefilled for them to edit.
- The outgoing person sees the read-back and confirms ("Confirmed, erin is now IC"): only then
  does the role move. Either can call it off (withdraw / decline).

Every step is an event; the seat's identity is the store's author (`--as`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from irtui.domain.handoff import default_readback, short_label, step_for
from irtui.domain.model import (
    CustomRole,
    Incident,
    Role,
    normalise_role,
    role_label,
    same_person,
)
from irtui.domain.timeutil import fmt_when
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


def offers_for(incident: Incident, person: str) -> list[str]:
    """Roles of `incident` on which `person` has a hand-off step to take (accept/confirm)."""
    return [
        role
        for role in incident.handoffs
        if step_for(incident, role, person) in ("accept", "confirm")
    ]


def announce_offers(app: Any, incident_ids: list[str]) -> None:
    """Tell this seat, once per step, that a hand-off waits for it (an offer to accept, a
    read-back to confirm) — whichever screen it is on. Called after each poll."""
    seen: set[tuple[int | None, str]] = app.__dict__.setdefault("_handoff_told", set())
    me = app.store.author
    for iid in incident_ids:
        incident = app.incidents.get(iid)
        if incident is None:
            continue
        for role in offers_for(incident, me):
            offer = incident.handoffs[role]
            step = "confirm" if offer.accepted else "accept"
            key = (offer.offer_id, step)
            if key in seen:
                continue
            seen.add(key)
            if step == "accept":
                message = (
                    f"{iid}: {offer.from_} offers you {short_label(role)} — open Roles to read "
                    "the brief and accept with a read-back"
                )
            else:
                message = (
                    f"{iid}: {offer.to} accepted {short_label(role)}: “{offer.readback}” — "
                    "open Roles to confirm"
                )
            app.notify(
                tx.clean(message, limit=300), title="Hand-off", severity="warning", markup=False
            )


class RolesScreen(GuardedModal[bool]):
    CANCEL_RESULT = False
    WHAT = "the roles dialog"
    DEFAULT_CSS = """
    RolesScreen #offer-box { height: auto; border: round $warning; padding: 0 1; }
    RolesScreen #offer-brief { height: auto; max-height: 14; }
    RolesScreen #readback { margin-top: 1; }
    RolesScreen #brief { height: 12; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Close"),
        Binding("ctrl+s", "handoff", "Offer / assign", priority=True),
        Binding("ctrl+a", "step", "Accept / confirm", priority=True),
        Binding("ctrl+x", "withdraw", "Withdraw / decline", priority=True),
    ]

    def __init__(self, incident_id: str, role: str = Role.COMMANDER) -> None:
        super().__init__(id="roles-screen")
        self.incident_id = incident_id
        self.role = role
        self._generated = ""
        self._shown_offer: tuple[Any, ...] | None = None

    @property
    def irtui(self) -> WarRoom:
        return self.app  # type: ignore[return-value]

    @property
    def me(self) -> str:
        return str(self.irtui.store.author)

    def role_options(self) -> list[tuple[Text, str]]:
        """The standard roles, the custom roles this incident already has, then "other".
        Prompts are `Text`: a role named `[/]` is a name, never markup for the picker."""
        incident = self.irtui.incident(self.incident_id)
        custom = [r for r in incident.roles if r not in ROLES]
        options = [(tx.literal(role_label(r), limit=60), str(r)) for r in (*ROLES, *sorted(custom))]
        return [*options, (Text("Other role…"), OTHER)]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="roles-box"):
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
            with Vertical(id="offer-box", classes="hidden"):
                yield Static(id="offer-head")
                with VerticalScroll(id="offer-brief"):
                    yield Static(id="offer-brief-text")
                yield Static(id="offer-step")
                yield Input(id="readback", classes="hidden", select_on_focus=False)
            yield Label(
                "Hand-off brief (edit freely; stored with the offer, verbatim)", id="brief-label"
            )
            yield TextArea(id="brief", soft_wrap=True)
            with Horizontal(classes="dialog-buttons"):
                yield Button("Offer hand-off (ctrl+s)", id="handoff", variant="primary")
                yield Button("Accept (ctrl+a)", id="step", variant="warning")
                yield Button("Withdraw (ctrl+x)", id="withdraw")
                yield Button("Close", id="cancel")

    def on_mount(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = False
        self.refresh_view()
        incident = self.irtui.incident(self.incident_id)
        if self.chosen_role() in offers_for(incident, self.me):
            self.query_one("#readback" if not self._offer_accepted() else "#step").focus()
        else:
            self.query_one("#to", Input).focus()

    def _offer_accepted(self) -> bool:
        role = self.chosen_role()
        offer = self.irtui.incident(self.incident_id).handoffs.get(role or "")
        return bool(offer and offer.accepted)

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

    # --- what this seat sees ------------------------------------------------------------
    def refresh_view(self) -> None:
        role = self.chosen_role()
        buttons = {b: self.query_one(f"#{b}", Button) for b in ("handoff", "step", "withdraw")}
        if role is None:
            self.query_one("#holder", Static).update(
                Text("Name the role in the field beside the picker.", style="italic")
            )
            for button in buttons.values():
                button.disabled = True
            self._show_offer(None, None)
            self._show_brief_editor(False)
            return
        incident = self.irtui.incident(self.incident_id)
        holder = incident.roles.get(role)
        offer = incident.handoffs.get(role)
        line = Text.assemble(
            (f"{role_label(role)}: ", "bold"), tx.literal(holder.name if holder else "— empty —")
        )
        if holder is None:
            line.append("  (assigning an empty role is not a hand-off)", style="dim")
        self.query_one("#holder", Static).update(line)
        self._show_offer(incident, role)
        editing = holder is not None and offer is None
        self._show_brief_editor(editing)
        handoff = buttons["handoff"]
        handoff.label = "Assign (ctrl+s)" if holder is None else "Offer hand-off (ctrl+s)"
        handoff.disabled = offer is not None
        step = step_for(incident, role, self.me)
        buttons["step"].disabled = step not in ("accept", "confirm")
        buttons["step"].label = "Confirm (ctrl+a)" if step == "confirm" else "Accept (ctrl+a)"
        buttons["withdraw"].disabled = offer is None
        buttons["withdraw"].label = (
            "Decline (ctrl+x)"
            if offer is not None and same_person(self.me, offer.to)
            else "Withdraw (ctrl+x)"
        )
        if editing:
            self._refresh_brief(incident, role)

    def _show_brief_editor(self, shown: bool) -> None:
        for selector in ("#brief", "#brief-label"):
            self.query_one(selector).set_class(not shown, "hidden")

    def _show_offer(self, incident: Incident | None, role: str | None) -> None:
        box = self.query_one("#offer-box")
        offer = incident.handoffs.get(role) if incident is not None and role else None
        box.set_class(offer is None, "hidden")
        readback = self.query_one("#readback", Input)
        if offer is None or incident is None or role is None:
            readback.add_class("hidden")
            self._shown_offer = None
            return
        now = self.irtui.now()
        self.query_one("#offer-head", Static).update(
            Text.assemble(
                ("Hand-off offered: ", "bold #ffb000"),
                tx.literal(offer.from_, "bold"),
                " → ",
                tx.literal(offer.to, "bold"),
                (f"  ({fmt_when(offer.offered_at, now)}, by ", "dim"),
                tx.literal(offer.offered_by, "dim"),
                ("). The brief, as written:", "dim"),
            )
        )
        self.query_one("#offer-brief-text", Static).update(
            tx.literal(offer.brief or "(no brief was written)", single_line=False)
        )
        step = step_for(incident, role, self.me)
        if offer.accepted:
            said = Text.assemble(
                tx.literal(offer.to, "bold"),
                " read back: “",
                tx.literal(offer.readback, single_line=False),
                "”",
            )
            if step == "confirm":
                said.append(
                    f"\nConfirm: “Confirmed, {offer.to} is now {short_label(role)}” (ctrl+a)",
                    style="bold #ffb000",
                )
            else:
                said.append(f"\nWaiting for {offer.from_} to confirm.", style="italic")
        elif step == "accept":
            said = Text(
                "Read the brief, then read the situation back and accept (ctrl+a):",
                style="bold #ffb000",
            )
        else:
            said = Text.assemble(
                ("Waiting for ", "italic"),
                tx.literal(offer.to, "bold italic"),
                (
                    " to accept on their seat (only they can: "
                    f"irtui --as {tx.clean(offer.to)} accept {incident.id} {role}).",
                    "italic",
                ),
            )
        self.query_one("#offer-step", Static).update(said)
        key = (offer.offer_id, offer.accepted)
        readback.set_class(step != "accept", "hidden")
        if step == "accept" and self._shown_offer != key:
            readback.value = default_readback(incident, role)
            self.prefilled(readback)
        self._shown_offer = key

    def _refresh_brief(self, incident: Incident, role: str) -> None:
        events = self.irtui.store.events(self.incident_id)
        from irtui.domain.timeline import build_timeline

        brief = tx.clean(
            build_brief(
                incident,
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
            self.prefilled(area)
        self._generated = brief

    def on_store_changed(self, ids: list[str]) -> None:
        """Another seat took its step (accepted, confirmed, withdrew): show it at once."""
        if self.incident_id in ids and self.is_mounted:
            self.refresh_view()

    # --- events -------------------------------------------------------------------------
    def on_select_changed(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            self.role = event.value
            custom = self.query_one("#custom-role", Input)
            custom.set_class(self.role != OTHER, "hidden")
            if self.role == OTHER:
                custom.focus()
            self.refresh_view()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id in ("to", "custom-role"):
            self.refresh_view()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "custom-role":
            self.query_one("#to", Input).focus()
        elif event.input.id == "readback":
            self.action_step()
        else:
            self.action_handoff()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        {
            "handoff": self.action_handoff,
            "step": self.action_step,
            "withdraw": self.action_withdraw,
            "cancel": self.action_cancel,
        }[str(event.button.id)]()

    # --- actions (each a write on the app's store writer, off the UI thread) -----------
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
        iid = self.incident_id
        holder = self.irtui.incident(iid).roles.get(role)
        if holder is None:
            # An empty role is named, never offered: if another seat filled it a moment
            # ago, the staffing command refuses (then it is a hand-off, from this screen).
            self.save(
                lambda store: store.staff(iid, [(role, to)]),
                f"{role_label(role)}: {to}",
                lambda _inc: self.dismiss(True),
            )
            return
        brief = self.query_one("#brief", TextArea).text
        self.save(
            lambda store: store.handoff(iid, role, to, brief=brief),
            f"{short_label(role)} offered to {to} with your brief: they accept on "
            "their seat with a read-back, then you confirm here",
            lambda _inc: self.dismiss(True),
        )

    def action_step(self) -> None:
        """Accept (the incoming person, with the read-back) or confirm (the outgoing one)."""
        role = self.chosen_role()
        if role is None:
            return
        iid = self.incident_id
        step = step_for(self.irtui.incident(iid), role, self.me)
        if step == "accept":
            readback = self.query_one("#readback", Input).value
            self.save(
                lambda store: store.accept_handoff(iid, role, readback=readback),
                f"You accepted {short_label(role)}; waiting for the confirmation",
                lambda _inc: self._after_step(),
            )
        elif step == "confirm":
            self.save(
                lambda store: store.confirm_handoff(iid, role),
                f"Hand-off of {short_label(role)} done",
                lambda _inc: self.dismiss(True),
            )
        else:
            offer = self.irtui.incident(iid).handoffs.get(role)
            self.notify(
                "Nothing to accept or confirm here."
                if offer is None
                else f"Only {offer.to} accepts and only {offer.from_} confirms this hand-off "
                f"(you are {self.me}).",
                severity="warning",
                markup=False,
            )

    def action_withdraw(self) -> None:
        role = self.chosen_role()
        if role is None:
            return
        iid = self.incident_id
        self.save(
            lambda store: store.withdraw_handoff(iid, role),
            f"Hand-off of {short_label(role)} is off",
            lambda _inc: self._after_step(),
        )

    def _after_step(self) -> None:
        """The step is durable: show what this seat sees now (the read-back sent, the offer
        gone), and count what the fields hold now as saved."""
        if self.is_mounted:
            self.refresh_view()
            self.remember_text()
