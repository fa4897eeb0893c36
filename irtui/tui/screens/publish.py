"""The publish step: preview exactly what customers will see, then confirm.

Opened from the composer (status-page audience) and after resolving an incident that is on the
status page. Nothing is sent from here: confirming records the update and queues its outbox
message in one transaction; the background worker delivers it. The preview is rendered from
the very payload that will be stored, and user text is shown as plain `Text` (never markup).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Checkbox, Label, Select, Static

from irtui.domain.model import DomainError
from irtui.sync.config import IMPACTS, INCIDENT_STATUSES, SyncConfig, SyncConfigError
from irtui.tui.screens.modal import GuardedModal

PUBLISH_CSS = """
PublishScreen { align: center middle; }
PublishScreen #publish { width: 100; max-width: 95%; height: auto; max-height: 90%;
                         border: thick $warning; background: $surface; padding: 1 2; }
PublishScreen #publish-preview { border: round $primary; padding: 0 1; height: auto; }
PublishScreen #publish-problem { color: $error; height: auto; }
PublishScreen .row { height: auto; }
PublishScreen .row Select { width: 1fr; }
PublishScreen .buttons { height: auto; margin-top: 1; }
PublishScreen .buttons Button { margin-right: 2; }
"""


def _clean(value: str) -> str:
    """Control characters (ANSI escapes) made visible: a paste cannot repaint the screen."""
    return "".join(
        c if c == "\n" or c.isprintable() else "\N{REPLACEMENT CHARACTER}" for c in value
    )


class PublishScreen(GuardedModal[bool]):
    """`PublishScreen(store, incident_id, body, status)`; dismisses True once queued."""

    DEFAULT_CSS = PUBLISH_CSS
    CANCEL_RESULT = False
    WHAT = "the publish preview"
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "confirm", "Publish", priority=True),
    ]

    def __init__(
        self,
        store: Any,
        incident_id: str,
        body: str,
        status: str | None,
        *,
        config: SyncConfig | None = None,
        next_update: Any = None,
        also: Sequence[tuple[str, str]] = (),
    ) -> None:
        super().__init__()
        self.next_update = next_update  # the composer's promise: sets the customers' clock
        self.also = tuple(also)  # internal/exec texts recorded in the same transaction
        self.store = store
        self.incident_id = incident_id
        self.body = body
        self.problem: str | None = None
        if config is None:
            from irtui.sync.config import load_config

            try:
                config = load_config()
            except SyncConfigError as exc:
                self.problem = str(exc)
                config = SyncConfig()
        self.config = config
        incident = store.get(incident_id)
        self.drill = str(incident.kind) == "drill"  # the drill sink: recorded, never sent
        if self.problem is None and not config.configured and not self.drill:
            self.problem = (
                "The status page is not configured: set page_id in "
                "statuspage.yaml (or IRTUI_STATUSPAGE_PAGE_ID)."
            )
        from irtui.sync.messages import page_status

        try:
            self.page_status = page_status(status, incident)
        except ValueError:  # free text in the composer's status field: use the incident's
            self.page_status = page_status(None, incident)
        self.impact = config.impact_for(incident.severity)
        self.notify_subscribers = config.notify

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="publish"):
            yield Label("Publish to the public status page", classes="dialog-title")
            yield Static(
                Text(
                    "DRILL: nothing is sent; this is recorded as what customers would see:"
                    if self.drill
                    else "This is exactly what customers will see:"
                ),
                classes="help-line",
            )
            yield Static(Text(""), id="publish-preview")
            with Horizontal(classes="row"):
                yield Select(
                    [(s, s) for s in INCIDENT_STATUSES],
                    value=self.page_status,
                    allow_blank=False,
                    id="publish-status",
                )
                yield Select(
                    [(i, i) for i in IMPACTS],
                    value=self.impact,
                    allow_blank=False,
                    id="publish-impact",
                )
            yield Checkbox(
                "Notify subscribers (email/SMS)", value=self.notify_subscribers, id="publish-notify"
            )
            yield Static(Text(self.problem or ""), id="publish-problem")
            with Horizontal(classes="buttons"):
                yield Button(
                    "Publish (ctrl+s)",
                    id="publish-ok",
                    variant="warning",
                    disabled=self.problem is not None,
                )
                yield Button("Cancel", id="publish-cancel")

    def on_mount(self) -> None:
        self.refresh_preview()

    def refresh_preview(self) -> None:
        from irtui.sync.publish import plan

        preview = self.query_one("#publish-preview", Static)
        try:
            _, _, shown = plan(
                self.store,
                self.incident_id,
                self.body,
                self.config,
                status=self.page_status,
                notify=self.notify_subscribers,
                impact=self.impact,
            )
        except DomainError as exc:
            preview.update(Text(_clean(str(exc)), style="bold red"))
            self.query_one("#publish-ok", Button).disabled = True
            return
        preview.update(Text(_clean("\n".join(shown.lines()))))
        self.preview_lines = shown.lines()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.value is Select.BLANK:
            return
        if event.select.id == "publish-status":
            self.page_status = str(event.value)
        elif event.select.id == "publish-impact":
            self.impact = str(event.value)
        self.refresh_preview()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        self.notify_subscribers = bool(event.value)
        self.refresh_preview()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "publish-ok":
            self.action_confirm()
        elif event.button.id == "publish-cancel":
            self.action_cancel()

    def action_confirm(self) -> None:
        if self.problem is not None or self.query_one("#publish-ok", Button).disabled:
            return
        from irtui.sync.publish import publish

        iid, body, config = self.incident_id, self.body, self.config
        status, notify, impact = self.page_status, self.notify_subscribers, self.impact
        next_update, also = self.next_update, self.also

        def run(store: Any) -> Any:
            return publish(
                store,
                iid,
                body,
                config,
                status=status,
                notify=notify,
                impact=impact,
                next_update=next_update,
                also=also,
            )

        def queued(done: Any) -> None:
            self.app.notify(
                f"DRILL: update #{done.message_id} kept in the drill sink (not sent)"
                if done.drill
                else f"Queued status-page update #{done.message_id}",
                markup=False,
            )
            self.dismiss(True)

        if callable(getattr(self.app, "write", None)):  # the war room: on its store writer
            self.save(run, None, queued)
            return
        try:  # a bare host (tests, tools): the store it was given, here
            result = run(self.store)
        except DomainError as exc:
            self.app.notify(str(exc), severity="error", markup=False)
            return
        queued(result)
