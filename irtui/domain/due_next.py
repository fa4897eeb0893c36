"""What is due next on an incident, and who owns it: the board's answer to "who is on the hook?".

An open incident owes several things at once, each with a stored deadline and an owner:
- the acknowledgement (owed by the IC; by nobody yet when no IC is named — which is itself
  what the board must say);
- an update per audience (owed by the Comms Lead, else the IC);
- each task with a timer ("Bob: check replica lag, back in 3 min" is owed by Bob);
- each unanswered page (owed by the person paged; the next step is escalating) — pages come
  in through the same `Pending` shape as tasks.

`obligations()` lists them, soonest first; `due_next()` is the head of that list. Pure: the
deadlines are facts from the projection and the open task timers, `now` only colours them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from irtui.domain.clocks import ClockState, ClockView, warning_window
from irtui.domain.model import Incident, Role

KIND_ORDER = {"ack": 0, "page": 1, "update": 2, "task": 3}
"""Ties at the same second: the acknowledgement first, then pages, updates, tasks."""


class Pending(Protocol):
    """An open task timer (or an unanswered page): who owes what, by when."""

    @property
    def entry_id(self) -> int: ...
    @property
    def owner(self) -> str | None: ...
    @property
    def text(self) -> str: ...
    @property
    def due(self) -> datetime: ...


@dataclass(frozen=True, slots=True)
class Obligation:
    """One thing an incident owes: `what` in a few words, `owner` (None: nobody named)."""

    key: str  # "ack", "update:exec", "task:42", "page:7"
    kind: str  # "ack" | "update" | "task" | "page"
    what: str  # "ack", "update exec", "task: check replica lag"
    due: datetime
    owner: str | None
    window_s: int | None = None
    """How long the whole window was (the amber zone is a quarter of it, at most 5 min)."""

    def clock(self, now: datetime) -> ClockView:
        remaining = self.due - now
        if remaining.total_seconds() <= 0:
            state = ClockState.OVERDUE
        elif remaining <= warning_window(self.window_s):
            state = ClockState.WARNING
        else:
            state = ClockState.OK
        return ClockView(self.key, self.what, self.due, remaining, state)


def update_owner(incident: Incident) -> str | None:
    """Updates are the Comms Lead's; without one, the IC's."""
    holder = incident.roles.get(Role.COMMS_LEAD)
    return holder.name if holder else incident.commander


def obligations(
    incident: Incident,
    tasks: Iterable[Pending] = (),
    pages: Iterable[Pending] = (),
) -> list[Obligation]:
    """Everything this incident still owes, soonest first (none once it is resolved)."""
    if not incident.is_open:
        return []
    out: list[Obligation] = []
    if incident.ack_due is not None and not incident.milestones.get("acknowledged"):
        out.append(
            Obligation(
                "ack", "ack", "ack", incident.ack_due, incident.commander, incident.ack_within_s
            )
        )
    comms = update_owner(incident)
    for audience, due in incident.update_due.items():
        if due is None:
            continue
        out.append(
            Obligation(
                f"update:{audience}",
                "update",
                f"update {audience}",
                due,
                comms,
                incident.cadence_s.get(audience),
            )
        )
    for task in tasks:
        out.append(
            Obligation(
                f"task:{task.entry_id}",
                "task",
                f"task: {task.text}",
                task.due,
                task.owner,
                getattr(task, "window_s", None),
            )
        )
    for page in pages:
        out.append(
            Obligation(
                f"page:{page.entry_id}",
                "page",
                page.text,
                page.due,
                page.owner,
                getattr(page, "window_s", None),
            )
        )
    out.sort(key=lambda o: (o.due, KIND_ORDER.get(o.kind, 9), o.key))
    return out


def due_next(
    incident: Incident,
    tasks: Iterable[Pending] = (),
    pages: Iterable[Pending] = (),
) -> Obligation | None:
    """The soonest thing this incident owes, with its owner; None when it owes nothing."""
    found = obligations(incident, tasks, pages)
    return found[0] if found else None
