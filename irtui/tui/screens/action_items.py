"""Action items of one incident, added and closed from the TUI (the incident screen's `Esc A`,
the postmortem screen's `a`).

One dialog: the incident's items in a list, and a short form below that adds one (what, owner,
due, type, priority; Enter in the last field or Ctrl+S adds, and the form is ready for the next
one). On the list, `d` marks the highlighted item done, `x` closes it as won't do (asking why:
a decision worth recording), `o` reopens it. Writes go through the app's store writer when it
has one (irtui's app), else run in place (a host app in tests).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from irtui.domain.actions import PRIORITIES, ActionItem, ActionStatus, ActionType
from irtui.tui import text as tx
from irtui.tui.screens.modal import GuardedModal

TYPES = tuple(str(t) for t in ActionType)


def read_type(value: str) -> str:
    """`p`, `prev`, `Prevent` -> `prevent`; unknown text is refused by the repo's check."""
    text = value.strip().lower() or "prevent"
    found = [t for t in TYPES if t.startswith(text)]
    return found[0] if len(found) == 1 else text


def item_text(item: ActionItem, now: Any) -> Text:
    status = str(item.status)
    style = {"open": "bold", "done": "green", "wontdo": "dim"}.get(status, "")
    overdue = item.is_overdue(now)
    return Text.assemble(
        (f"#{item.id:<4} ", "dim"),
        (f"{item.priority} ", "bold" if item.priority == "P1" else ""),
        (f"{item.type:<9}", "dim"),
        (f"{'won’t do' if status == 'wontdo' else status:<9}", style),
        (
            f"due {item.due.isoformat() if item.due else '—':<11}",
            "bold #ff6b6b" if overdue else "dim",
        ),
        tx.literal(item.owner or "—", "#82aaff", limit=14),
        "  ",
        tx.literal(item.title, "strike dim" if status == "wontdo" else "", limit=200),
        no_wrap=True,
        overflow="ellipsis",
    )


class ActionItemsDialog(GuardedModal[None]):
    WHAT = "the action items dialog"
    HINT = "On the list: d done · x won't do · o reopen · Tab to the form · Esc closes"
    BINDINGS = [
        Binding("escape", "cancel", "Close"),
        Binding("ctrl+s", "add", "Add", priority=True),
    ]

    def __init__(self, store: Any, incident_id: str) -> None:
        super().__init__(classes="details")
        self.store = store
        self.incident_id = incident_id
        self.items: list[ActionItem] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="ai-box"):
            yield Label(
                Text.assemble("Action items of ", (self.incident_id, "bold")),
                classes="dialog-title",
            )
            yield OptionList(id="ai-list")
            yield Static(
                Text("on the list: d done · x won't do (asks why) · o reopen", style="dim"),
                classes="help-line",
            )
            yield Label(Text("Add one", style="bold"))
            for label, field_id, value, hint in (
                ("What", "ai-title", "", "what to change, so it does not happen again"),
                ("Owner", "ai-owner", "", "a name (empty: nobody yet)"),
                ("Due", "ai-due", "", "+7d, +5bd or YYYY-MM-DD (empty: no date)"),
                ("Type", "ai-type", "prevent", " / ".join(TYPES)),
                ("Priority", "ai-priority", "P2", " / ".join(PRIORITIES)),
            ):
                yield Horizontal(
                    Label(Text(label), classes="field-label"),
                    Input(value=value, placeholder=hint, id=field_id, compact=True),
                    classes="field-row",
                )
            yield Horizontal(
                Button("Add (ctrl+s)", id="ok", variant="primary"),
                Button("Close", id="cancel"),
                classes="dialog-buttons",
            )

    def on_mount(self) -> None:
        super().on_mount()
        self.reload()
        self.query_one("#ai-title", Input).focus()

    # --- the list ----------------------------------------------------------------------
    def reload(self) -> None:
        from irtui.store.actions_repo import ActionsRepo

        self.items = ActionsRepo(self.store.db).list(incident_id=self.incident_id)
        listing = self.query_one("#ai-list", OptionList)
        keep = listing.highlighted
        listing.clear_options()
        now = self.store.now()
        if not self.items:
            listing.add_option(Option(Text("no action items yet", style="dim"), disabled=True))
        for item in self.items:
            listing.add_option(Option(item_text(item, now), id=str(item.id)))
        if self.items:
            listing.highlighted = min(keep or 0, len(self.items) - 1)

    def highlighted(self) -> ActionItem | None:
        listing = self.query_one("#ai-list", OptionList)
        if not self.items or listing.highlighted is None:
            return None
        return self.items[min(listing.highlighted, len(self.items) - 1)]

    def on_key(self, event: events.Key) -> None:
        if self.focused is self.query_one("#ai-list") and event.key in ("d", "x", "o"):
            event.stop()
            event.prevent_default()
            item = self.highlighted()
            if item is None:
                return
            {"d": self.mark_done, "x": self.wont_do, "o": self.reopen}[event.key](item)
            return
        super().on_key(event)

    def _write(
        self, fn: Callable[[Any], Any], done: str, then: Callable[[], None] | None = None
    ) -> None:
        """On the app's store writer when there is one; once it is saved the list reloads
        and `then` runs (a refusal is said, and nothing typed is cleared)."""
        from irtui.store.actions_repo import ActionsRepo

        def run(store: Any) -> Any:
            return fn(ActionsRepo(store.db))

        def saved(_result: Any = None) -> None:
            if self.is_mounted:
                self.reload()
                if then is not None:
                    then()

        write = getattr(self.app, "write", None)
        if write is not None and hasattr(self.app, "writer"):
            write(run, done, then=saved)
            return
        try:
            run(self.store)
        except Exception as exc:
            self.notify(str(exc), title="Not done", severity="error", markup=False)
            return
        self.notify(done, markup=False)
        saved()

    def mark_done(self, item: ActionItem) -> None:
        now = self.store.now()
        self._write(lambda repo: repo.done(item.id, now), f"Action #{item.id} done")

    def reopen(self, item: ActionItem) -> None:
        now = self.store.now()
        self._write(lambda repo: repo.reopen(item.id, now), f"Action #{item.id} reopened")

    def wont_do(self, item: ActionItem) -> None:
        from irtui.tui.screens.dialogs import PromptDialog

        if item.status != ActionStatus.OPEN:
            self.notify(f"Action #{item.id} is already {item.status}.", markup=False)
            return

        def answered(reason: str | None) -> None:
            if reason:
                now = self.store.now()
                self._write(
                    lambda repo: repo.wontdo(item.id, reason, now),
                    f"Action #{item.id} closed as won't do",
                )

        self.app.push_screen(
            PromptDialog(
                f"Won't do #{item.id}",
                "Why not? (kept with the item: a decision worth recording)",
                placeholder="reason",
            ),
            answered,
        )

    # --- the form ----------------------------------------------------------------------
    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.submit_or_next(event)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "ok":
            self.submit()
        else:
            self.action_cancel()

    def action_add(self) -> None:
        self.submit()

    def submit(self) -> None:
        from irtui.domain.actions import check_priority, check_type
        from irtui.domain.model import DomainError
        from irtui.review.actions import parse_due_date

        value = {str(w.id): w.value for w in self.query(Input)}
        title = value["ai-title"].strip()
        if not title:
            self.notify("An action item needs a title (What).", severity="warning")
            self.query_one("#ai-title", Input).focus()
            return
        now = self.store.now()
        try:
            due = parse_due_date(value["ai-due"], now.date())
            kind = check_type(read_type(value["ai-type"]))
            priority = check_priority(value["ai-priority"].strip().upper() or "P2")
        except (DomainError, ValueError) as exc:
            self.notify(str(exc), title="Not added", severity="error", markup=False)
            return
        owner = value["ai-owner"].strip() or None
        iid = self.incident_id

        def added() -> None:
            for field_id in ("ai-title", "ai-owner", "ai-due"):
                self.query_one(f"#{field_id}", Input).value = ""
            self.remember_text()
            self.query_one("#ai-title", Input).focus()

        self._write(
            lambda repo: repo.add(
                iid, title, type=kind, now=now, owner=owner, due=due, priority=priority
            ),
            f"Action item added to {iid}",
            added,
        )
