""" "Pick from on call": the people on call for the incident's services, as a picker that fills
a name field — the roles dialog mounts it beside "to whom", so assigning Tech Lead at 3 a.m. is
one key, not a lookup in another tool. Gathered in a worker thread; empty (hidden) without a
catalog or when nobody is on call.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import work
from textual.widgets import Input, Select

from irtui.tui import text as tx
from irtui.tui.widgets.oncall_panel import OnCallData


def oncall_people(view: Any) -> list[tuple[Text, str]]:
    """(prompt, name to fill in) for everyone on call for the incident's services."""
    seen: set[str] = set()
    out: list[tuple[Text, str]] = []
    for svc in view.services:
        for role in svc.roles:
            for person in role.people:
                if person.key in seen:
                    continue
                seen.add(person.key)
                prompt = Text.assemble(
                    tx.literal(person.display, "bold", limit=30),
                    (
                        f" — {role.role} on-call of {tx.clean(svc.owner or svc.name, limit=30)}",
                        "dim",
                    ),
                )
                out.append((prompt, person.display))
    return out


class OnCallPicker(Select[str]):
    DEFAULT_CSS = "OnCallPicker { width: 1fr; }"

    def __init__(self, incident_id: str, target: str, **kwargs: Any) -> None:
        super().__init__([], prompt="pick from on call", allow_blank=True, **kwargs)
        self.incident_id = incident_id
        self.target = target
        self.people: list[tuple[Text, str]] = []
        self.display = False

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, group="oncall-picker")
    def load(self) -> None:
        from irtui.tui.oncall_view import gather

        app: Any = self.app
        try:
            self.post_message(OnCallData(gather(app.store, self.incident_id, app.now())))
        except Exception as exc:
            self.post_message(OnCallData(None, str(exc)))

    def on_on_call_data(self, message: OnCallData) -> None:
        message.stop()
        people = oncall_people(message.view) if message.view is not None else []
        self.people = people
        self.set_options(people)
        self.display = bool(people)

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select is self and isinstance(event.value, str):
            self.screen.query_one(self.target, Input).value = event.value
