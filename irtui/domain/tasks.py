"""The war room's tasks, folded from events: captured on the timeline, owned, timed, done,
reopened. One fold for every reader (the CLI's `irtui task`, the TUI's tasks panel, the task
timers that nag) so they never disagree about what is open.

A task is a timeline entry carrying a `task` (`TODO: check lag`, `Bob: check lag, back in 3
min`, `irtui task add`). After that, events refer to it (`refers_to`: the entry's id):
- `task_done` closes it, `task_reopened` opens it again (a task done by mistake);
- `task_updated` sets its owner and/or due time (only the fields it holds);
- `entry_retracted` withdraws it with its entry.
Later events win, in the order they were written. Pure: no SQL, no Textual.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from irtui.boundary.text_in import one_line
from irtui.domain.model import DomainError, Event, EventKind
from irtui.domain.timeutil import iso, parse_iso

TASK_EVENT_KINDS: tuple[str, ...] = (
    EventKind.ENTRY,
    EventKind.TASK_DONE,
    EventKind.TASK_REOPENED,
    EventKind.TASK_UPDATED,
    EventKind.ENTRY_RETRACTED,
)
"""The events a fold needs (the store reads only these)."""


@dataclass(frozen=True, slots=True)
class Task:
    entry_id: int
    incident_id: str
    text: str
    owner: str | None
    due: datetime | None
    timer_s: int | None
    created: datetime
    author: str
    done: bool = False
    done_by: str | None = None
    retracted: bool = False

    @property
    def is_open(self) -> bool:
        return not self.done and not self.retracted

    @property
    def window_s(self) -> int | None:
        """The timer's length (its amber zone is a quarter of it)."""
        return self.timer_s

    def remaining_s(self, now: datetime) -> float | None:
        return None if self.due is None else (self.due - now).total_seconds()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.entry_id,
            "incident_id": self.incident_id,
            "text": self.text,
            "owner": self.owner,
            "due": iso(self.due),
            "timer_s": self.timer_s,
            "created": iso(self.created),
            "author": self.author,
            "done": self.done,
            "done_by": self.done_by,
            "retracted": self.retracted,
        }


def fold_tasks(events: Iterable[Event]) -> dict[int, Task]:
    """Every task in `events` (of one or several incidents), by entry id."""
    tasks: dict[int, Task] = {}
    for event in sorted(events, key=lambda e: e.id or 0):
        if event.kind == EventKind.ENTRY:
            task = event.payload.get("task")
            if not task or event.id is None:
                continue
            tasks[event.id] = Task(
                entry_id=event.id,
                incident_id=event.incident_id,
                text=str(task.get("text") or event.payload.get("text") or ""),
                owner=task.get("owner") or None,
                due=parse_iso(task.get("due")),
                timer_s=task.get("timer_s"),
                created=event.at,
                author=event.author,
            )
            continue
        current = tasks.get(event.refers_to) if event.refers_to is not None else None
        if current is None:
            continue
        if event.kind == EventKind.TASK_DONE:
            current = replace(current, done=True, done_by=event.author)
        elif event.kind == EventKind.TASK_REOPENED:
            current = replace(current, done=False, done_by=None)
        elif event.kind == EventKind.TASK_UPDATED:
            p = event.payload
            if "owner" in p:
                current = replace(current, owner=p["owner"] or None)
            if "due" in p:
                current = replace(current, due=parse_iso(p["due"]), timer_s=p.get("timer_s"))
        elif event.kind == EventKind.ENTRY_RETRACTED:
            current = replace(current, retracted=True)
        tasks[current.entry_id] = current
    return tasks


def open_tasks(events: Iterable[Event]) -> list[Task]:
    """The open tasks, soonest due first (tasks without a due time last, oldest first)."""
    found = [t for t in fold_tasks(events).values() if t.is_open]
    return sorted(found, key=lambda t: (t.due is None, t.due or t.created, t.entry_id))


def _task(tasks: dict[int, Task], entry_id: int, incident_id: str) -> Task:
    task = tasks.get(int(entry_id))
    if task is None:
        raise DomainError(f"{incident_id} has no task {entry_id} (irtui task list {incident_id})")
    if task.retracted:
        raise DomainError(f"task {entry_id} was retracted with its entry")
    return task


def cmd_task_done(
    tasks: dict[int, Task], entry_id: int, *, incident_id: str, now: datetime, author: str
) -> list[Event]:
    task = _task(tasks, entry_id, incident_id)
    if task.done:
        raise DomainError(f"task {entry_id} is already done (by {task.done_by})")
    payload = {"text": task.text, "owner": task.owner}
    return [Event(incident_id, EventKind.TASK_DONE, now, author, payload, refers_to=task.entry_id)]


def cmd_task_reopen(
    tasks: dict[int, Task], entry_id: int, *, incident_id: str, now: datetime, author: str
) -> list[Event]:
    task = _task(tasks, entry_id, incident_id)
    if not task.done:
        raise DomainError(f"task {entry_id} is open; only a done task can be reopened")
    payload = {"text": task.text, "owner": task.owner}
    return [
        Event(incident_id, EventKind.TASK_REOPENED, now, author, payload, refers_to=task.entry_id)
    ]


KEEP: Any = object()
"""`cmd_task_update(owner=KEEP)`: leave the owner as it is (None clears it)."""


def cmd_task_update(
    tasks: dict[int, Task],
    entry_id: int,
    *,
    incident_id: str,
    now: datetime,
    author: str,
    owner: str | None = KEEP,
    due: datetime | None = KEEP,
) -> list[Event]:
    """Give a task an owner and/or a due time (None removes it), after it was captured."""
    task = _task(tasks, entry_id, incident_id)
    if not task.is_open:
        raise DomainError(f"task {entry_id} is done; reopen it first to change it")
    payload: dict[str, Any] = {"text": task.text}
    if owner is not KEEP:
        name = one_line(owner or "", "owner", field="name")
        payload["owner"] = name or None
    if due is not KEEP:
        payload["due"] = iso(due)
        payload["timer_s"] = None if due is None else max(int((due - now).total_seconds()), 1)
    if len(payload) == 1:
        raise DomainError("nothing to change: give an owner or a due time")
    return [
        Event(incident_id, EventKind.TASK_UPDATED, now, author, payload, refers_to=task.entry_id)
    ]


def describe_update(payload: dict[str, Any]) -> str:
    """How a `task_updated` reads on the timeline."""
    parts = []
    if "owner" in payload:
        parts.append(f"owner {payload['owner']}" if payload["owner"] else "no owner")
    if "due" in payload:
        due = payload["due"]
        parts.append(f"due {due[11:16]}Z" if due else "no due time")
    return f"Task {payload.get('text', '')}: " + ", ".join(parts)
