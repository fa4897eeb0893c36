"""The status-update composer: the standard five-question template, per audience.

Fields are prefilled by `templates.prefill` and rendered by `templates.render`, so the CLI and
the TUI word updates identically.

One pass, every audience: a toggle per audience (`alt+i` internal, `alt+e` exec, `alt+c`
customers) says who this update is for, and Send records it for each in one transaction —
each audience in its own wording (`templates.render`), all from the same typed fields. The
composer opens with the audience asked for ticked; customers are never ticked for you unless
they were the audience asked for, so what they read is always addressed on purpose, and when
they are ticked the preview shows their version.

The next update promised in the text *is* the clock: `10m`, `21:05`, or "with the next
status change" sets that audience's next-update deadline when the update is sent (a stored
fact in the `update_sent` event), and the line under the field says which clock it sets. An
audience's clock restarts only when the update reached it: internal and exec updates are
posted by whoever sends them; the customers' status page is reached by publishing it (the
outbox delivers it — `PublishScreen`) or, with no status page configured, by posting it by
hand and saying so here.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import (
    Button,
    Checkbox,
    Footer,
    Input,
    Label,
    Static,
)

from irtui.domain.model import STATUS_CHANGE, Audience, DomainError, IncidentKind
from irtui.domain.reducer import STATUS_CHANGE_GRACE
from irtui.domain.templates import UpdateFields, prefill, render
from irtui.domain.timeparse import parse_due
from irtui.domain.timeutil import fmt_span, fmt_when
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
TOGGLE_LABELS = {**AUDIENCE_LABELS, Audience.STATUSPAGE: "Customers"}  # fits 80 columns
TOGGLE_KEYS = {Audience.INTERNAL: "i", Audience.EXEC: "e", Audience.STATUSPAGE: "c"}
"""`alt+<key>` ticks or unticks an audience. Alt+letter, because a terminal sends `alt+1`
and `ctrl+1` as other characters or not at all (checked in tmux); a fast `Esc i` is the
same key, as everywhere in irtui."""


def names(audiences: list[Audience]) -> str:
    return " + ".join(AUDIENCE_LABELS[a] for a in audiences)


def publish_screen_class() -> Any:
    try:
        from irtui.tui.screens.publish import PublishScreen  # type: ignore[import-not-found]
    except ImportError:
        return None
    return PublishScreen


def parse_next(value: str, now: datetime) -> datetime | None:
    """`30m`, `1h` (from now), `21:05` (the next 21:05 to come), ISO-8601; empty: None."""
    raw = value.strip()
    if not raw:
        return None
    try:
        return parse_due(raw, now)
    except DomainError as exc:
        raise DomainError(f"next update: {exc}") from None


def status_page_ready(drill: bool = False) -> tuple[bool, str]:
    """Whether *Send* can reach customers by publishing (the sync module is installed and a
    status page configured — or the incident is a drill, whose publishing goes to the drill
    sink), and if not, why not."""
    if publish_screen_class() is None:
        return False, "the status-page sync is not installed"
    if drill:
        return True, ""
    try:
        from irtui.sync.config import load_config

        config = load_config()
    except Exception as exc:  # a malformed statuspage.yaml: say so, do not publish
        return False, str(exc)
    if not config.configured:
        return False, "no status page is configured (statuspage.yaml page_id)"
    return True, ""


class PostedByHandDialog(GuardedModal[bool]):
    """No status page to publish to: did someone post this update by hand? Only a yes
    restarts the customers' clock (an `update_sent` that says "posted by hand")."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "confirm", "Posted by hand", priority=True),
    ]

    def __init__(self, why: str, others: str = "") -> None:
        super().__init__(id="posted-by-hand")
        self.why = why
        self.others = others  # the other audiences addressed: sent with it, or not at all

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="posted-by-hand-box"):
            yield Label("Customers (status page)", classes="dialog-title")
            yield Static(
                tx.literal(
                    f"irtui cannot publish this: {self.why}. Nobody outside has seen it yet, "
                    "so the customers' clock keeps running.\n\nPost it yourself (ctrl+y in "
                    "the composer copies it), then mark it posted by hand: that is recorded "
                    "as an event and restarts their clock."
                    + (
                        f"\n\n{self.others} are sent with it; Not yet sends nothing."
                        if self.others
                        else ""
                    ),
                    single_line=False,
                ),
                classes="help-line",
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Posted by hand (ctrl+s)", id="by-hand", variant="warning")
                yield Button("Not yet", id="not-yet")

    def on_mount(self) -> None:
        self.query_one("#by-hand", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "by-hand")

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)

    def submit(self) -> None:
        self.action_confirm()


class ComposerScreen(GuardedModal[bool]):
    CANCEL_RESULT = False
    WHAT = "the update composer"
    DEFAULT_CSS = """
    ComposerScreen #f-next-row { height: auto; }
    ComposerScreen #f-next { width: 14; }
    ComposerScreen #f-next-status { width: 1fr; margin-left: 2; }
    ComposerScreen #f-clock { height: auto; color: $text-muted; }
    ComposerScreen #audience { height: auto; }
    ComposerScreen #audience Checkbox { width: auto; margin-right: 2; color: $text-muted; }
    ComposerScreen #audience Checkbox.-on { color: $text; text-style: bold; }
    ComposerScreen #addressed { height: auto; color: $text-muted; }
    """

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "send", "Send", priority=True),
        Binding("ctrl+y", "copy", "Copy", priority=True),
        Binding("ctrl+g", "publish", "Publish…", priority=True, show=False),
        *(
            Binding(
                f"alt+{key}", f"toggle('{aud}')", AUDIENCE_LABELS[aud], priority=True, show=False
            )
            for aud, key in TOGGLE_KEYS.items()
        ),
    ]

    def __init__(self, incident_id: str, *, audience: Audience = Audience.INTERNAL) -> None:
        super().__init__(id="composer")
        self.incident_id = incident_id
        self.asked: Audience = Audience(audience)
        self.addressed: set[Audience] = {self.asked}

    @property
    def audiences(self) -> list[Audience]:
        """The audiences addressed, in the composer's order."""
        return [a for a in AUDIENCES if a in self.addressed]

    @property
    def audience(self) -> Audience:
        """The audience the preview (and the field prefill) follows: the customers when they
        are addressed (what they read is checked on purpose), else the first addressed."""
        if Audience.STATUSPAGE in self.addressed:
            return Audience.STATUSPAGE
        return (self.audiences or [self.asked])[0]

    @property
    def irtui(self) -> WarRoom:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog", id="composer-box"):
            yield Label(f"Status update — {self.incident_id}", classes="dialog-title")
            with Horizontal(id="audience"):
                for audience in AUDIENCES:
                    yield Checkbox(
                        f"{TOGGLE_LABELS[audience]} (alt+{TOGGLE_KEYS[audience]})",
                        value=audience in self.addressed,
                        id=f"aud-{audience}",
                        compact=True,
                    )
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
                    yield Label("Next update (10m, 1h, 21:05)", classes="field-label")
                    with Horizontal(id="f-next-row"):
                        yield Input(compact=True, id="f-next")
                        yield Checkbox(
                            "or with the next status change", id="f-next-status", compact=True
                        )
                    yield Static(id="f-clock", classes="help-line")
                with Vertical(id="composer-preview-box"):
                    yield Label("Preview", id="preview-title")
                    yield Static(id="addressed", classes="help-line")
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
        if not keep_text:
            next_in = self.query_one("#f-next", Input)
            next_in.value = (
                ""
                if not isinstance(fields.next_update, datetime)
                else f"{round((fields.next_update - now).total_seconds() / 60)}m"
            )
            final = not self.irtui.incident(self.incident_id).is_open
            next_in.disabled = final
            self.query_one("#f-next-status", Checkbox).disabled = final
        self.query_one("#publish").set_class(
            not (Audience.STATUSPAGE in self.addressed and publish_screen_class()), "hidden"
        )
        self.update_preview()

    def next_update(self) -> datetime | str | None:
        """The promise: an instant, STATUS_CHANGE, or None (resolved: the final update)."""
        if not self.irtui.incident(self.incident_id).is_open:
            return None
        if self.query_one("#f-next-status", Checkbox).value:
            return STATUS_CHANGE
        when = parse_next(self.query_one("#f-next", Input).value, self.irtui.now())
        if when is None:
            raise DomainError(
                "next update: say when (10m, 21:05) or tick 'with the next status change'"
            )
        return when

    def fields(self) -> UpdateFields:
        value = {
            k: self.query_one(f"#f-{k}", Input).value
            for k in ("status", "impact", "known", "doing")
        }
        return UpdateFields(next_update=self.next_update(), **value)

    def clock_line(self) -> Text:
        """Which clock Send sets, and how it reaches the audience."""
        inc = self.irtui.incident(self.incident_id)
        audiences = self.audiences
        if not audiences:
            return Text("No audience addressed: tick one (alt+i, alt+e, alt+c).", "bold #ff6b6b")
        name = names(audiences)
        clocks = "clock" if len(audiences) == 1 else "clocks"
        try:
            promise = self.next_update()
        except DomainError as exc:
            return Text(str(exc), style="bold #ff6b6b")
        now = self.irtui.now()
        if promise is None:
            line = f"Final update: nothing further is promised to {name} after this one."
        elif promise == STATUS_CHANGE:
            line = (
                f"Sets the {name} {clocks}: next update with the next status change "
                f"(due {fmt_span(STATUS_CHANGE_GRACE)} after it)."
            )
        else:
            assert isinstance(promise, datetime)
            line = (
                f"Sets the {name} {clocks}: next update due {fmt_when(promise, now)} "
                f"(in {fmt_span(round((promise - now).total_seconds()))})."
            )
            for aud in audiences:
                cadence = inc.cadence_s.get(aud)
                if cadence and (promise - now).total_seconds() > cadence + 59:
                    line += (
                        f" Longer than SEV{inc.severity}'s {fmt_span(cadence)} "
                        f"{AUDIENCE_LABELS[aud]} cadence."
                    )
        if Audience.STATUSPAGE in self.addressed:
            ready, why = status_page_ready(inc.kind is IncidentKind.DRILL)
            line += (
                " It restarts when the update is published (Send opens Publish…)."
                if ready
                else f" Not publishable here ({why}): Send asks whether you posted it "
                "by hand; only then does it restart."
            )
        return tx.literal(line, "italic", single_line=False)

    def body(self) -> str:
        return render(self.irtui.incident(self.incident_id), self.audience, self.fields())

    def texts(self) -> list[tuple[str, str]]:
        """`(audience, text)` for every audience addressed, each in its own wording."""
        inc, fields = self.irtui.incident(self.incident_id), self.fields()
        return [(str(a), render(inc, a, fields)) for a in self.audiences]

    def addressed_line(self) -> Text:
        audiences = self.audiences
        if not audiences:
            return Text("To: nobody yet — tick an audience", "bold #ff6b6b")
        line = f"To: {names(audiences)}"
        if len(audiences) > 1:  # each gets its own wording; the customers' is the one shown
            line += f" · preview: {AUDIENCE_LABELS[self.audience]}"
        return tx.literal(line, "bold", single_line=False)

    def update_preview(self) -> None:
        preview = self.query_one("#preview", Static)
        try:
            preview.update(tx.literal(self.body(), single_line=False))
        except Exception as exc:
            preview.update(tx.literal(str(exc), "bold #ff6b6b", single_line=False))
        self.query_one("#f-clock", Static).update(self.clock_line())
        self.query_one("#addressed", Static).update(self.addressed_line())

    def on_input_changed(self, event: Input.Changed) -> None:
        self.update_preview()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        if event.checkbox.id == "f-next-status":
            self.query_one("#f-next", Input).disabled = bool(event.value)
            self.update_preview()
        elif event.checkbox.id and event.checkbox.id.startswith("aud-"):
            audience = Audience(event.checkbox.id.removeprefix("aud-"))
            (self.addressed.add if event.value else self.addressed.discard)(audience)
            self.prefill(keep_text=True)

    def action_toggle(self, audience: str) -> None:
        box = self.query_one(f"#aud-{audience}", Checkbox)
        box.value = not box.value  # Checkbox.Changed does the rest

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
        if not self.addressed:
            self.notify("Tick an audience first (alt+i, alt+e, alt+c).", severity="error")
            return
        try:
            texts = self.texts()
            promise = self.next_update()
        except Exception as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        if Audience.STATUSPAGE in self.addressed:
            drill = self.irtui.incident(self.incident_id).kind is IncidentKind.DRILL
            ready, why = status_page_ready(drill)
            if ready:
                self.action_publish()
                return
            self.app.push_screen(
                PostedByHandDialog(
                    why, names([Audience(a) for a, _ in texts if a != Audience.STATUSPAGE])
                ),
                lambda by_hand: (
                    self._record(texts, promise, posted_by_hand=True)
                    if by_hand
                    else self.notify(
                        "Not recorded: the customers' clock keeps running"
                        + (
                            " — nothing was sent (untick Customers to send the rest)."
                            if len(texts) > 1
                            else "."
                        ),
                        severity="warning",
                    )
                ),
            )
            return
        self._record(texts, promise)

    def _record(
        self,
        texts: list[tuple[str, str]],
        promise: datetime | str | None,
        *,
        posted_by_hand: bool = False,
    ) -> None:
        """Every addressed audience in one store write (one transaction: never half sent)."""
        iid = self.incident_id
        sent = [Audience(a) for a, _ in texts]
        how = " (customers: posted by hand)" if posted_by_hand else ""
        self.save(
            lambda store: store.record_updates(
                iid, texts, posted_by_hand=posted_by_hand, next_update=promise
            ),
            f"Update sent to {names(sent)}{how}; {self._next_said(promise, len(sent))}",
            lambda _events: self.dismiss(True),
        )

    def _next_said(self, promise: datetime | str | None, count: int = 1) -> str:
        each = " for each" if count > 1 else ""
        if promise is None:
            return "no further update is due"
        if promise == STATUS_CHANGE:
            return f"next one with the next status change{each}"
        assert isinstance(promise, datetime)
        return f"next one due {fmt_when(promise, self.irtui.now())}{each}"

    def action_copy(self) -> None:
        try:
            self.app.copy_to_clipboard(self.body())
        except Exception as exc:
            self.notify(str(exc), severity="error", markup=False)
            return
        self.notify("Copied to the clipboard (OSC 52).")

    def action_publish(self) -> None:
        screen_class = publish_screen_class()
        if Audience.STATUSPAGE not in self.addressed or screen_class is None:
            self.notify(
                "Publishing is for the status-page audience (and needs the sync module).",
                severity="warning",
            )
            return
        try:
            fields = self.fields()
            body = self.body()
            also = [(a, t) for a, t in self.texts() if a != str(Audience.STATUSPAGE)]
        except Exception as exc:
            self.notify(str(exc), severity="error", markup=False)
            return

        def done(published: bool | None) -> None:
            if published:
                if also:
                    others = [Audience(a) for a, _ in also]
                    self.app.notify(
                        f"Update sent to {names(others)} with the status page; "
                        f"{self._next_said(fields.next_update, len(also) + 1)}",
                        markup=False,
                    )
                self.dismiss(True)

        self.app.push_screen(
            screen_class(
                self.irtui.store,
                self.incident_id,
                body,
                fields.status,
                next_update=fields.next_update,
                also=also,
            ),
            done,
        )
