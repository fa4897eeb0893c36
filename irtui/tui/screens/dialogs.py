"""Modal dialogs: declare (with the scope × impact helper), severity, status/resolve, a one-line
prompt (amend/retract) and the decision record.

Keys (`GuardedModal`): every field is text; Enter moves to the next text field and submits
from the last one; Ctrl+S submits from anywhere; Esc cancels, asking first when something was
typed. Saving runs on the app's store writer (off the UI thread): the dialog stays open, says
"saving…" while the store is busy, and closes once the write is durable.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Checkbox, Input, Label, Select, Static, TextArea

from irtui.domain.model import Status
from irtui.domain.policy import IMPACTS, SCOPES
from irtui.tui import text as tx
from irtui.tui.keys import printable
from irtui.tui.screens.modal import GuardedModal

if TYPE_CHECKING:
    from irtui.tui.protocols import WarRoom

DIALOG_BINDINGS = [
    Binding("escape", "cancel", "Cancel"),
    Binding("ctrl+s", "submit", "Save", priority=True),
]


class Dialog(GuardedModal[Any]):
    """Base: Escape cancels (asking when text was typed), Ctrl+S or the primary button
    submits, Enter in the last text field submits too."""

    BINDINGS = DIALOG_BINDINGS

    @property
    def irtui(self) -> WarRoom:
        return self.app  # type: ignore[return-value]

    def sev_options(self) -> list[tuple[Text, int]]:
        """Severity names come from the policy file: a `Text` prompt, never markup."""
        levels = self.irtui.store.policy.levels
        return [
            (tx.literal(f"SEV{n} {lvl.name}", limit=60), n) for n, lvl in sorted(levels.items())
        ]

    def submit(self) -> None:
        self.action_submit()

    def on_key(self, event: events.Key) -> None:
        """On a closed picker a letter or digit picks the first option starting with it (again:
        the next one) and moves on when only one starts so (else Enter moves on): `1` is SEV1,
        `m` mitigating then monitoring, so `Esc s 1 reason Enter` changes severity. Other
        printable keys keep GuardedModal's rule."""
        select = self.focused
        if not isinstance(select, Select) or select.expanded:
            return
        if event.key == "enter" and getattr(self, "_picked", None) is select:
            event.stop()
            event.prevent_default()  # picked by a letter: Enter goes on, not into the list
            self._picked = None
            self.focus_next()
            return
        if not printable(event):
            return  # GuardedModal.on_key (the base class's handler runs after this one)
        key = (event.character or "").lower()
        options = [(str(value).lower(), value) for label, value in select._options if label != ""]
        matches = [value for text, value in options if key and text.startswith(key)]
        if not matches:
            return
        event.stop()
        event.prevent_default()  # GuardedModal's hint does not apply: the key was used
        current = matches.index(select.value) if select.value in matches else -1
        select.value = matches[(current + 1) % len(matches)]
        self._picked = select
        if len(matches) == 1:
            self.focus_next()

    def action_submit(self) -> None:  # pragma: no cover - overridden
        raise NotImplementedError

    def on_input_submitted(self, event: Input.Submitted) -> None:
        # Textual calls this *and* a subclass's own handler: a dialog that handles Enter
        # itself (the drill's improvise dialog) must not submit twice
        if type(self).on_input_submitted is not Dialog.on_input_submitted:
            return
        self.submit_or_next(event)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self.action_submit()
        elif event.button.id == "cancel":
            self.action_cancel()

    def buttons(self, ok: str) -> Horizontal:
        return Horizontal(
            Button(ok, id="ok", variant="primary"),
            Button("Cancel", id="cancel"),
            classes="dialog-buttons",
        )


def labelled(label: str, field: Input) -> Horizontal:
    """A one-line field with its label beside it (a placeholder vanishes once typed into)."""
    field.compact = True
    return Horizontal(Label(Text(label), classes="field-label"), field, classes="field-row")


class DeclareDialog(Dialog):
    """Title, severity from scope × impact (overridable), services, impact, IC, drill."""

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="declare"):
            yield Label("Declare an incident", classes="dialog-title")
            yield labelled("Title", Input(placeholder="what is broken, in a few words", id="title"))
            with Horizontal(classes="row"):
                yield Select([(s, s) for s in SCOPES], prompt="scope", id="scope", allow_blank=True)
                yield Select(
                    [(i, i) for i in IMPACTS], prompt="impact", id="impact-level", allow_blank=True
                )
                yield Select(self.sev_options(), prompt="severity", id="sev", allow_blank=False)
            yield Static(id="sev-help", classes="help-line")
            yield labelled("Services", Input(placeholder="comma separated", id="services"))
            yield labelled(
                "Impact", Input(placeholder="for customers, in one sentence", id="impact")
            )
            yield labelled("Commander", Input(placeholder="who runs it (IC)", id="ic"))
            yield labelled(
                "Impact started", Input(placeholder="-20m, 14:02 (default: detected)", id="started")
            )
            yield labelled(
                "Detected", Input(placeholder="e.g. the alert: -5m (default: now)", id="detected")
            )
            yield Checkbox("This is a drill", id="drill")
            yield self.buttons("Declare (ctrl+s)")

    WHAT = "the declare dialog"

    def on_mount(self) -> None:
        super().on_mount()
        policy = self.irtui.store.policy
        sev = self.query_one("#sev", Select)
        sev.value = 2 if 2 in policy.levels else min(policy.levels)
        self.query_one("#ic", Input).value = self.irtui.seat_name
        self.query_one("#title", Input).focus()
        self.explain()

    def on_select_changed(self, event: Select.Changed) -> None:
        scope = self.query_one("#scope", Select).value
        impact = self.query_one("#impact-level", Select).value
        if (
            event.select.id in ("scope", "impact-level")
            and isinstance(scope, str)
            and isinstance(impact, str)
        ):
            self.query_one("#sev", Select).value = self.irtui.store.policy.classify(scope, impact)
        self.explain()

    def explain(self) -> None:
        value = self.query_one("#sev", Select).value
        policy = self.irtui.store.policy
        if not isinstance(value, int) or value not in policy.levels:
            return
        level = policy.level(value)
        scope = self.query_one("#scope", Select).value
        impact = self.query_one("#impact-level", Select).value
        why = (
            f"scope {scope} × impact {impact} → "
            if isinstance(scope, str) and isinstance(impact, str)
            else "pick scope and impact for a suggestion · "
        )
        ack = f"ack within {level.ack_within_s // 60} min" if level.ack_within_s else "no clock"
        self.query_one("#sev-help", Static).update(
            Text(f"{why}SEV{value} {level.name}: {level.description} ({ack})")
        )

    def action_submit(self) -> None:
        title = self.query_one("#title", Input).value.strip()
        if not title:
            self.notify("A title is needed.", severity="error")
            self.query_one("#title", Input).focus()
            return
        sev = self.query_one("#sev", Select).value
        services = [
            s.strip() for s in self.query_one("#services", Input).value.split(",") if s.strip()
        ]
        impact = self.query_one("#impact", Input).value.strip()
        commander = self.query_one("#ic", Input).value.strip() or None
        drill = self.query_one("#drill", Checkbox).value
        from irtui.tui.screens.milestones import read_time

        try:
            now = self.irtui.now()
            started = read_time(self.query_one("#started", Input).value, now)
            detected = read_time(self.query_one("#detected", Input).value, now)
        except Exception as exc:
            self.notify(str(exc), title="Not declared", severity="error", markup=False)
            return

        def declared(incident: Any) -> None:
            self.dismiss(incident.id)
            self.irtui.open(incident.id)
            from irtui.tui.screens.blast_dialog import offer_blast_radius

            offer_blast_radius(self.irtui, incident.id)  # what depends on its services

        self.save(
            lambda store: store.declare(
                title,
                int(sev),  # type: ignore[arg-type]
                services=services,
                impact=impact,
                commander=commander,
                drill=drill,
                started_at=started,
                detected_at=detected,
            ),
            None,
            declared,
        )


class SeverityDialog(Dialog):
    def __init__(self, incident_id: str) -> None:
        super().__init__()
        self.incident_id = incident_id

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"Change severity of {self.incident_id}", classes="dialog-title")
            yield Select(self.sev_options(), id="sev", allow_blank=False)
            yield Input(placeholder="reason (required: it goes on the timeline)", id="reason")
            yield self.buttons("Change (ctrl+s)")

    WHAT = "the severity dialog"

    def on_mount(self) -> None:
        super().on_mount()
        current = self.irtui.incident(self.incident_id).severity
        sev = self.query_one("#sev", Select)
        sev.value = current
        sev.focus()

    def action_submit(self) -> None:
        reason = self.query_one("#reason", Input).value.strip()
        if not reason:
            self.notify("Say why the severity changes.", severity="error")
            self.query_one("#reason", Input).focus()
            return
        sev = int(self.query_one("#sev", Select).value)  # type: ignore[arg-type]
        iid = self.incident_id
        self.save(
            lambda store: store.set_severity(iid, sev, reason=reason),
            f"{iid} is now SEV{sev}",
            lambda _result: self.dismiss(sev),
        )


class StatusDialog(Dialog):
    def __init__(self, incident_id: str, preset: str | None = None) -> None:
        super().__init__()
        self.incident_id = incident_id
        self.preset = preset

    def compose(self) -> ComposeResult:
        verb = "Resolve" if self.preset == "resolved" else "Change status of"
        with Vertical(classes="dialog"):
            yield Label(f"{verb} {self.incident_id}", classes="dialog-title")
            yield Select([(s.value, s.value) for s in Status], id="status", allow_blank=False)
            yield Input(placeholder="note (optional)", id="note")
            yield self.buttons("Save (ctrl+s)")

    WHAT = "the status dialog"

    def on_mount(self) -> None:
        super().on_mount()
        select = self.query_one("#status", Select)
        select.value = self.preset or str(self.irtui.incident(self.incident_id).status)
        (self.query_one("#note") if self.preset else select).focus()

    def action_submit(self) -> None:
        status = str(self.query_one("#status", Select).value)
        note = self.query_one("#note", Input).value
        iid = self.incident_id
        if status == "resolved":  # resolving asks its checklist and minds the hold
            from irtui.tui.screens.resolve import ResolveDialog

            self.dismiss(None)
            self.app.push_screen(ResolveDialog(iid, note=note))
            return

        def saved(_result: Any) -> None:
            self.dismiss(status)

        self.save(
            lambda store: store.set_status(iid, status, note=note), f"{iid} is now {status}", saved
        )


class PromptDialog(Dialog):
    """One line of text (amend an entry, give a retraction reason)."""

    def __init__(
        self, title: str, help_text: str = "", *, value: str = "", placeholder: str = ""
    ) -> None:
        super().__init__()
        self.title_text = title
        self.help_text = help_text
        self.value = value
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(tx.literal(self.title_text), classes="dialog-title")
            if self.help_text:
                yield Static(tx.literal(self.help_text, single_line=False), classes="help-line")
            yield Input(value=self.value, placeholder=self.placeholder, id="value")
            yield self.buttons("OK (enter)")

    WHAT = "a prompt"

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#value", Input).focus()

    def action_submit(self) -> None:
        value = self.query_one("#value", Input).value
        if not value.strip():
            self.notify("Type something first (Escape cancels).", severity="error")
            return
        self.dismiss(value)


class DecisionDialog(Dialog):
    """The decision record: proposal → "any strong objections?" → the call (a `decision`
    entry, starred, with the objections kept beside it)."""

    def __init__(self, incident_id: str) -> None:
        super().__init__()
        self.incident_id = incident_id

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label("Decision", classes="dialog-title")
            yield Input(placeholder="Proposal: what do we do?", id="proposal")
            yield Static(
                Text('Ask the room: "Any strong objections?"', style="bold #ffb000"),
                classes="help-line",
            )
            yield Input(placeholder="objections raised (empty: none)", id="objections")
            yield Input(placeholder="The call (empty: go with the proposal)", id="call")
            yield self.buttons("Record decision (ctrl+s)")

    WHAT = "the decision record"

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#proposal", Input).focus()

    def action_submit(self) -> None:
        proposal = self.query_one("#proposal", Input).value.strip()
        objections = self.query_one("#objections", Input).value.strip()
        call = self.query_one("#call", Input).value.strip() or proposal
        if not call:
            self.notify("A decision needs a proposal or a call.", severity="error")
            return
        text = f"{call} — proposal: {proposal or call}; objections: {objections or 'none'}"
        iid = self.incident_id
        record = {"proposal": proposal or call, "objections": objections, "call": call}
        self.save(
            lambda store: store.log(iid, text, kind="decision", starred=True, decision=record),
            "Decision recorded",
            lambda _result: self.dismiss(text),
        )


class MultilineEntryDialog(Dialog):
    """A pasted block (a log excerpt, a chat thread) as one timeline entry, line breaks
    kept: the entry-line grammar applies to its start (`-5m`, `*`, `d:`). Ctrl+S logs it;
    Esc asks before dropping it (a paste not yet saved counts as typed)."""

    WHAT = "a pasted multi-line entry"

    def __init__(self, incident_id: str, text: str, kind: Any) -> None:
        super().__init__()
        self.incident_id = incident_id
        self.text = text
        self.kind = kind

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="multiline"):
            yield Label(f"Multi-line entry — {self.incident_id}", classes="dialog-title")
            yield Static(
                Text("Pasted text keeps its lines. Ctrl+S logs it as one entry; Esc asks."),
                classes="help-line",
            )
            yield TextArea(self.text, id="multiline-text", soft_wrap=True)
            yield self.buttons("Log entry (ctrl+s)")

    def on_mount(self) -> None:
        super().on_mount()
        area = self.query_one(TextArea)
        area.cursor_blink = False
        area.focus()

    def remember_text(self) -> None:
        super().remember_text()
        self._initial = {}  # the paste itself is not saved yet

    def action_submit(self) -> None:
        from irtui.domain.capture import parse_capture

        body = self.query_one(TextArea).text
        if not body.strip():
            self.notify("Nothing to log (Escape cancels).", severity="error")
            return
        try:
            captured = parse_capture(body, self.irtui.now(), self.kind)
        except Exception as exc:
            self.notify(str(exc), title="Entry not saved", severity="error", markup=False)
            return
        iid = self.incident_id
        self.save(
            lambda store: store.log(
                iid,
                captured.text,
                kind=str(captured.kind),
                at=captured.at,
                starred=captured.starred,
                task=captured.task,
            ),
            "Multi-line entry logged",
            lambda _result: self.dismiss(True),
        )
