"""The status-update composer: the standard five-question template, per audience.

Fields are prefilled by `templates.prefill` and rendered by `templates.render`, so the CLI and
the TUI word updates identically. Sending records the update (which resets that audience's
clock). For the status page, "Publish…" hands the text to the status-page helper's
`PublishScreen` when it is installed — the seam for the later sync issue.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Footer, Input, Label, RadioButton, RadioSet, Static

from irtui.domain.model import Audience, DomainError
from irtui.domain.policy import parse_duration
from irtui.domain.templates import UpdateFields, prefill, render
from irtui.domain.timeparse import parse_when
from irtui.tui import text as tx
from irtui.tui.screens.modal import GuardedModal

if TYPE_CHECKING:
    from irtui.tui.protocols import WarRoom

AUDIENCES = (Audience.INTERNAL, Audience.EXEC, Audience.STATUSPAGE)
AUDIENCE_LABELS = {
    Audience.INTERNAL: "Internal",
    Audience.EXEC: "Exec",
    Audience.STATUSPAGE: "Customers (status page)",
}


def publish_screen_class() -> Any:
    try:
        from irtui.tui.screens.publish import PublishScreen  # type: ignore[import-not-found]
    except ImportError:
        return None
    return PublishScreen


def parse_next(value: str, now: datetime) -> datetime | None:
    """`30m`, `1h` (from now), `14:30` (local) or empty (when there is news)."""
    raw = value.strip()
    if not raw:
        return None
    if ":" in raw:
        at = parse_when(raw, now)
        return at if at > now else at + timedelta(days=1)
    try:
        seconds = parse_duration(raw.lstrip("+"))
    except ValueError as exc:
        raise DomainError(f"next update: {exc}") from None
    return None if seconds is None else now + timedelta(seconds=seconds)


class ComposerScreen(GuardedModal[bool]):
    CANCEL_RESULT = False
    WHAT = "the update composer"

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "send", "Send", priority=True),
        Binding("ctrl+y", "copy", "Copy", priority=True),
        Binding("ctrl+g", "publish", "Publish…", priority=True, show=False),
    ]

    def __init__(self, incident_id: str) -> None:
        super().__init__(id="composer")
        self.incident_id = incident_id
        self.audience: Audience = Audience.INTERNAL

    @property
    def irtui(self) -> WarRoom:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="composer-box"):
            yield Label(f"Status update — {self.incident_id}", classes="dialog-title")
            with RadioSet(id="audience"):
                for i, audience in enumerate(AUDIENCES):
                    yield RadioButton(AUDIENCE_LABELS[audience], value=i == 0, id=f"aud-{audience}")
            with Horizontal(id="composer-cols"):
                with Vertical(id="composer-fields"):
                    yield Label("Current status", classes="field-label")
                    yield Input(compact=True, id="f-status")
                    yield Label("Impact", classes="field-label")
                    yield Input(compact=True, id="f-impact")
                    yield Label("What we know", classes="field-label")
                    yield Input(
                        compact=True,
                        id="f-known",
                        placeholder="e.g. errors began after the 13:05 deploy",
                    )
                    yield Label("What we're doing", classes="field-label")
                    yield Input(
                        compact=True, id="f-doing", placeholder="e.g. rolling back the deploy"
                    )
                    yield Label(
                        "Next update in (30m, 1h, 14:30; empty: when there is news)",
                        classes="field-label",
                    )
                    yield Input(compact=True, id="f-next")
                with Vertical(id="composer-preview-box"):
                    yield Label("Preview", id="preview-title")
                    with VerticalScroll():
                        yield Static(id="preview")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Send (ctrl+s)", id="send", variant="primary")
                yield Button("Copy (ctrl+y)", id="copy")
                yield Button("Publish… (ctrl+g)", id="publish", classes="hidden")
                yield Button("Cancel", id="cancel")
        yield Footer()

    def on_mount(self) -> None:
        for inp in self.query(Input):
            inp.cursor_blink = False
        from irtui.domain.timeline import build_timeline
        from irtui.tui.brief import update_digest

        events = self.irtui.store.events(self.incident_id)
        self._digest = update_digest(build_timeline(events), events)
        self._seeded = {"known": "", "doing": ""}
        self.prefill()
        self.query_one("#f-known", Input).focus()

    # --- fields ------------------------------------------------------------------------
    def prefill(self, *, keep_text: bool = False) -> None:
        now = self.irtui.now()
        known, doing = self._digest
        fields = prefill(
            self.irtui.incident(self.incident_id), self.audience, now, known=known, doing=doing
        )
        self.query_one("#f-status", Input).value = fields.status
        if not keep_text:
            self.query_one("#f-impact", Input).value = fields.impact
        # The timeline digest follows the audience until someone edits the field: switching
        # to customers empties an untouched digest, and what was typed is never replaced.
        for key in ("known", "doing"):
            field = self.query_one(f"#f-{key}", Input)
            if not keep_text or field.value == self._seeded[key]:
                field.value = self._seeded[key] = getattr(fields, key)
        self.query_one("#f-next", Input).value = (
            ""
            if fields.next_update is None
            else f"{round((fields.next_update - now).total_seconds() / 60)}m"
        )
        self.query_one("#publish").set_class(
            not (self.audience is Audience.STATUSPAGE and publish_screen_class()), "hidden"
        )
        self.update_preview()

    def fields(self) -> UpdateFields:
        value = {
            k: self.query_one(f"#f-{k}", Input).value
            for k in ("status", "impact", "known", "doing")
        }
        return UpdateFields(
            next_update=parse_next(self.query_one("#f-next", Input).value, self.irtui.now()),
            **value,
        )

    def body(self) -> str:
        return render(self.irtui.incident(self.incident_id), self.audience, self.fields())

    def update_preview(self) -> None:
        preview = self.query_one("#preview", Static)
        try:
            preview.update(tx.literal(self.body(), single_line=False))
        except Exception as exc:
            preview.update(Text(str(exc), style="bold #ff6b6b"))

    def on_input_changed(self, event: Input.Changed) -> None:
        self.update_preview()

    def on_radio_set_changed(self, event: RadioSet.Changed) -> None:
        self.audience = AUDIENCES[event.index]
        self.prefill(keep_text=True)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.submit_or_next(event)

    def submit(self) -> None:
        self.action_send()

    # --- actions -----------------------------------------------------------------------
    def on_button_pressed(self, event: Button.Pressed) -> None:
        action = {
            "send": self.action_send,
            "copy": self.action_copy,
            "publish": self.action_publish,
            "cancel": self.action_cancel,
        }
        action[str(event.button.id)]()

    def action_send(self) -> None:
        try:
            text = self.body()
        except Exception as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        store, iid, audience = self.irtui.store, self.incident_id, str(self.audience)
        if self.irtui.attempt(
            lambda: store.record_update(iid, text, audience=audience),
            f"Update to {audience} recorded; its clock restarts",
        ):
            self.dismiss(True)

    def action_copy(self) -> None:
        try:
            self.app.copy_to_clipboard(self.body())
        except Exception as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.notify("Copied to the clipboard (OSC 52).")

    def action_publish(self) -> None:
        screen_class = publish_screen_class()
        if self.audience is not Audience.STATUSPAGE or screen_class is None:
            self.notify(
                "Publishing is for the status-page audience (and needs the sync module).",
                severity="warning",
            )
            return
        fields = self.fields()

        def done(published: bool | None) -> None:
            if published:
                self.dismiss(True)

        self.app.push_screen(
            screen_class(self.irtui.store, self.incident_id, self.body(), fields.status), done
        )
