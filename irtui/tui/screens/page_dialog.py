"""The page dialog (ctrl+g on the incident screen): page one person, escalate, acknowledge.

The list offers what the catalog knows right now for the incident's services — each
escalation level with the person it would wake — and, for pages already sent, "escalate"
(to the next level's person) and "acknowledge". Anyone else is typed: a person, a team, a
team's role (`payments:secondary`) or a service. What a page does is said before it is sent
(who, why them, within how long, through PagerDuty or not), and the result after: a page is
recorded (with its PagerDuty trigger, one transaction) and then delivered at once in a worker;
if that fails it stays queued and the on-call panel says so in red.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from irtui.domain.paging import short_duration
from irtui.tui import text as tx
from irtui.tui.css import SCREENS_CSS
from irtui.tui.widgets.oncall_panel import OnCallData

if TYPE_CHECKING:
    from irtui.tui.protocols import WarRoom


def page_options(view: Any) -> list[tuple[str, Text]]:
    """(option id, prompt) for the list: first what to do about pages waiting for an answer
    (escalate, acknowledge), then whom to page — each escalation level once per group of
    services sharing owner and policy — then resolving the pages."""
    from irtui.tui.widgets.oncall_panel import _grouped

    out: list[tuple[str, Text]] = []
    for page in view.pages:
        if not page.waiting:
            continue
        nxt = (page.next or {}).get("display") or (page.next or {}).get("description")
        if page.has_next_level:
            out.append(
                (
                    f"escalate:{page.number}",
                    Text.assemble(
                        ("⇧ Escalate ", "bold #ffb000"),
                        (f"page #{page.number} (", ""),
                        tx.literal(page.display, "", limit=30),
                        (")", ""),
                        (f" → {tx.clean(nxt, limit=30)}" if nxt else " → next level", ""),
                    ),
                )
            )
        out.append(
            (
                f"ack:{page.number}",
                Text.assemble(
                    ("✔ Acknowledged by ", "green"),
                    tx.literal(page.display, "", limit=30),
                    (f" (page #{page.number})", "dim"),
                ),
            )
        )
    waiting = {(p.policy, p.service) for p in view.pages if p.waiting and p.policy}
    for group in _grouped(view.services):
        svc = group[0]
        if not svc.known or any((svc.policy, s.name) in waiting for s in group):
            continue  # a level of this policy waits for an answer: escalate, do not add one
        names = ", ".join(s.name for s in group)
        for step in svc.chain:
            if step.person is None:
                continue
            out.append(
                (
                    f"who:{svc.name if step.level == 1 else f'{svc.name}@{step.level}'}",
                    Text.assemble(
                        ("▲ ", "bold #ff6b6b" if step.level == 1 else "dim"),
                        tx.literal(names, "bold", limit=40),
                        (f" · level {step.level}: ", "dim"),
                        tx.literal(step.person.display, "bold", limit=30),
                        (" — ", "dim"),
                        tx.literal(step.description, "", limit=60),
                        (f" ({short_duration(step.timeout_s)})", "dim"),
                    ),
                )
            )
    if any(p.state != "resolved" for p in view.pages):
        out.append(("resolve", Text("✔ Resolve all pages (PagerDuty too)", style="green")))
    return out


class PageDialog(ModalScreen[bool]):
    CSS_PATH = [SCREENS_CSS]
    BINDINGS = [
        Binding("escape", "cancel", "Close"),
        Binding("ctrl+s", "page", "Page", priority=True),
    ]
    DEFAULT_CSS = """
    #page-box { width: 110; }
    #page-options { height: auto; max-height: 12; }
    """

    def __init__(self, incident_id: str) -> None:
        super().__init__(id="page-dialog")
        self.incident_id = incident_id
        self.view: Any = None
        self._armed: str | None = None

    @property
    def irtui(self) -> WarRoom:
        return self.app  # type: ignore[return-value]

    def compose(self) -> ComposeResult:
        inc = self.irtui.incident(self.incident_id)
        with Vertical(classes="dialog", id="page-box"):
            yield Label(
                Text.assemble(
                    (f"Page someone — {inc.id} ", "bold"), tx.literal(inc.title, limit=80)
                ),
                classes="dialog-title",
            )
            yield Static(Text("loading who is on call…", style="dim"), id="page-status")
            yield OptionList(id="page-options")
            with Horizontal(classes="row"):
                yield Input(
                    placeholder="who: person, team, team:secondary or service", id="page-who"
                )
                yield Input(placeholder="why (optional)", id="page-reason")
            yield Static(id="page-help", classes="help-line")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Page (ctrl+s)", id="page-send", variant="error")
                yield Button("On-call hand-off…", id="page-handoff")
                yield Button("Close", id="page-close")

    def on_mount(self) -> None:
        for field in self.query(Input):
            field.cursor_blink = False
        self.query_one("#page-options", OptionList).focus()
        self.load()

    @work(thread=True, group="page-dialog")
    def load(self) -> None:
        from irtui.tui.oncall_view import gather

        try:
            self.post_message(
                OnCallData(gather(self.irtui.store, self.incident_id, self.irtui.now()))
            )
        except Exception as exc:
            self.post_message(OnCallData(None, str(exc)))

    def on_on_call_data(self, message: OnCallData) -> None:
        message.stop()
        self.view = message.view
        status = self.query_one("#page-status", Static)
        options = self.query_one("#page-options", OptionList)
        options.clear_options()
        if message.error or self.view is None:
            status.update(tx.literal(f"on-call unavailable: {message.error}", "#ffb000"))
            return
        listed = page_options(self.view)
        for option_id, prompt in listed:
            options.add_option(Option(prompt, id=option_id))
        if listed:
            options.highlighted = 0
        if self.view.problem:
            status.update(tx.literal(self.view.problem, "#ffb000", limit=300))
        elif self.view.no_catalog:
            status.update(
                Text("No service catalog: type who to page (docs/oncall.md).", style="dim")
            )
        elif not listed:
            status.update(Text("Nobody to suggest: type who to page.", style="dim"))
        else:
            status.update(
                Text("Enter on a line: page that person, escalate, or acknowledge.", style="dim")
            )
        if not listed:
            self.query_one("#page-who", Input).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        option_id = str(event.option.id or "")
        kind, _, arg = option_id.partition(":")
        if kind in ("escalate", "resolve") and self._armed != option_id:
            # Waking the next person (or closing every page) is heavy: Enter twice.
            self._armed = option_id
            what = f"escalate page #{arg}" if kind == "escalate" else "resolve every page"
            self.query_one("#page-help", Static).update(
                Text(f"Press Enter again to {what}.", style="bold #ffb000")
            )
            return
        self._armed = None
        if kind == "who":
            self.query_one("#page-who", Input).value = arg
            self.query_one("#page-reason", Input).focus()
            self.explain()
        elif kind == "escalate":
            self.run(lambda store: self._escalate(store, int(arg)), f"page #{arg} escalated")
        elif kind == "ack":
            from irtui.sync.paging import acknowledge

            self.run(
                lambda store: acknowledge(store, self.incident_id, int(arg)),
                f"page #{arg} acknowledged",
            )
        elif kind == "resolve":
            from irtui.sync.paging import resolve_pages

            self.run(lambda store: resolve_pages(store, self.incident_id), "pages resolved")

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "page-who":
            self.explain()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "page-who":
            self.query_one("#page-reason", Input).focus()
        else:
            self.action_page()

    def explain(self) -> None:
        """Say who a page would wake, before it is sent."""
        help_line = self.query_one("#page-help", Static)
        who = self.query_one("#page-who", Input).value.strip()
        if not who:
            help_line.update("")
            return
        try:
            resolved = self._resolve(who)
        except Exception as exc:
            help_line.update(tx.literal(str(exc), "#ffb000", limit=300))
            return
        t = resolved.target
        via = "PagerDuty" if t.routing else "PagerDuty if a routing key is set, else recorded only"
        level = f" · level {t.level} of {t.levels}" if t.level else ""
        help_line.update(
            Text.assemble(
                ("pages ", "dim"),
                tx.literal(t.display or t.person, "bold", limit=40),
                (" — ", "dim"),
                tx.literal(t.description, "", limit=60),
                (f"{level} · answer within {short_duration(t.ack_within_s)} · {via}", "dim"),
                *[("\n" + n, "#ffb000") for n in resolved.notes],
            )
        )

    def _resolve(self, who: str) -> Any:
        from irtui.oncall.resolve import OnCall
        from irtui.oncall.targets import resolve_who
        from irtui.tui.oncall_view import catalog_now

        return resolve_who(OnCall(catalog_now()), who, self.irtui.now())

    def _escalate(self, store: Any, number: int) -> Any:
        from irtui.domain.paging import to_escalate
        from irtui.oncall.resolve import OnCall
        from irtui.oncall.targets import next_level
        from irtui.sync.paging import escalate, pages_of
        from irtui.tui.oncall_view import catalog_now

        pages = pages_of(store, self.incident_id)
        current = to_escalate(pages, number)
        tried = {p.person for p in pages if p.policy == current.policy and p.state != "resolved"}
        resolved = next_level(OnCall(catalog_now()), current, store.now(), tried)
        return escalate(
            store, self.incident_id, current.number, resolved.target, links=resolved.links
        )

    def action_page(self) -> None:
        from irtui.boundary.text_in import clean_input
        from irtui.sync.paging import page

        who = self.query_one("#page-who", Input).value.strip()
        if not who:
            self.notify("Who? Pick a line above or type a name.", severity="warning")
            self.query_one("#page-who", Input).focus()
            return
        try:
            reason = clean_input(
                self.query_one("#page-reason", Input).value,
                what="reason",
                field="short",
                multiline=False,
            )
        except Exception as exc:
            self.notify(str(exc), title="Not paged", severity="error", markup=False)
            return
        if reason.notice:
            self.notify(reason.notice, markup=False)

        def do(store: Any) -> Any:
            resolved = self._resolve(who)
            return page(
                store, self.incident_id, resolved.target, reason=reason.text, links=resolved.links
            )

        self.run(do, None)

    def run(self, fn: Any, done: str | None) -> None:
        store = self.irtui.store
        result = self.irtui.attempt(lambda: fn(store))
        if not result:
            return
        recorded = result
        if done is None and hasattr(recorded, "page"):
            pg = recorded.page
            within = short_duration(pg.ack_within_s)
            done = f"paged {pg.display} (page #{pg.number}); answer within {within}"
        if done:
            self.notify(done, markup=False)
        if getattr(recorded, "message_ids", None):
            deliver_soon(self.app, store)
        self.dismiss(True)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "page-send":
            self.action_page()
        elif event.button.id == "page-handoff":
            from irtui.tui.screens.oncall_handoff import OnCallHandoffScreen

            self.dismiss(False)
            self.app.push_screen(OnCallHandoffScreen())
        else:
            self.action_cancel()

    def action_cancel(self) -> None:
        self.dismiss(False)


def deliver_soon(app: Any, store: Any) -> None:
    """Deliver what was just queued now, in a worker thread (the app's paging worker would
    within seconds anyway); failures stay queued and show on the panel."""

    def deliver() -> None:
        from irtui.sync.pagerduty import PagerDutyEventsV2
        from irtui.sync.pagerduty_worker import PagingWorker, routing_keys

        worker = PagingWorker(
            store, provider=PagerDutyEventsV2(routing_keys(), attempts=1, timeout_s=5.0)
        )
        try:
            reports = worker.deliver_due(limit=10)
        except Exception as exc:  # the message stays queued; the panel shows its state
            app.call_from_thread(app.notify, f"PagerDuty: {exc}", severity="error", markup=False)
            return
        finally:
            worker.close()
        bad = [r for r in reports if r.state != "sent"]
        for r in bad:
            app.call_from_thread(
                app.notify,
                f"page NOT DELIVERED yet ({r.state}): {r.error}",
                title="PagerDuty",
                severity="error",
                markup=False,
                timeout=20,
            )
        if reports:
            app.call_from_thread(app.refresh_now)

    app.run_worker(deliver, thread=True, group="page-deliver", name="page-deliver")


def offer_page_resolve(app: Any, incident_id: str) -> None:
    """Resolving the incident offers (never forces) resolving its pages, PagerDuty too."""
    try:
        from irtui.sync.paging import resolve_offer

        live = resolve_offer(app.store, incident_id)
    except Exception as exc:  # the resolve succeeded; say why there is no offer
        app.notify(f"pages not checked: {exc}", severity="warning", markup=False)
        return
    if live:
        app.push_screen(ResolvePagesDialog(incident_id, [p.display for p in live]))


class ResolvePagesDialog(ModalScreen[bool]):
    CSS_PATH = [SCREENS_CSS]
    BINDINGS = [
        Binding("escape", "cancel", "Keep them"),
        Binding("ctrl+s", "resolve", "Resolve pages", priority=True),
    ]

    def __init__(self, incident_id: str, people: list[str]) -> None:
        super().__init__(id="resolve-pages")
        self.incident_id = incident_id
        self.people = people

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"{self.incident_id} is resolved", classes="dialog-title")
            yield Static(
                Text.assemble(
                    ("Its pages are still open: ", ""),
                    tx.literal(", ".join(self.people), "bold", limit=300),
                    (". Resolve them (on PagerDuty too)?", ""),
                )
            )
            with Horizontal(classes="dialog-buttons"):
                yield Button("Resolve pages (ctrl+s)", id="rp-yes", variant="primary")
                yield Button("Keep them", id="rp-no")

    def action_resolve(self) -> None:
        from irtui.sync.paging import resolve_pages

        app: Any = self.app
        store, iid = app.store, self.incident_id
        recorded = app.attempt(lambda: resolve_pages(store, iid), f"{iid}: pages resolved")
        if recorded:
            if getattr(recorded, "message_ids", None):
                deliver_soon(app, store)
            self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "rp-yes":
            self.action_resolve()
        else:
            self.action_cancel()
