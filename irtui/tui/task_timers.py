"""Task timers across every open incident, so an expired "back in 3 min" nags the room even
when nobody has that incident's screen open.

One query per refresh reads the task events of the given incidents (indexed by incident and
kind) and folds them with `irtui.domain.tasks`; tasks done or retracted drop out. No Textual
here: the app polls `due()` from its 1 Hz tick.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from irtui.domain.clocks import incident_now
from irtui.domain.model import Event, EventKind, Incident


@dataclass(frozen=True, slots=True)
class TaskTimer:
    entry_id: int
    incident_id: str
    owner: str | None
    text: str
    due: datetime
    window_s: int | None = None
    """The timer's length ("back in 3 min": 180): its amber zone is a quarter of it."""


def load_timers(db: Any, incident_ids: list[str]) -> dict[int, TaskTimer]:
    """Open tasks with a due time in these incidents, by entry id: the one task fold
    (`domain.tasks`), so a task reopened or given a due time later nags like any other."""
    if not incident_ids:
        return {}
    # here, not at the top: the app builds a TaskWatch before its first frame, and loads
    # timers only after it
    from irtui.domain.tasks import TASK_EVENT_KINDS, fold_tasks
    from irtui.domain.timeutil import parse_iso
    from irtui.store.queries import task_events

    rows = task_events(db, TASK_EVENT_KINDS, incident_ids)
    events = []
    for event_id, incident_id, kind, at, author, payload, refers_to in rows:
        if kind == EventKind.ENTRY and '"task"' not in payload:
            continue  # most entries are not tasks: no JSON to read
        events.append(
            Event(
                incident_id,
                kind,
                parse_iso(at),  # type: ignore[arg-type]
                author,
                json.loads(payload),
                id=int(event_id),
                refers_to=refers_to,
            )
        )
    return {
        task.entry_id: TaskTimer(
            task.entry_id, task.incident_id, task.owner, task.text, task.due, task.timer_s
        )
        for task in fold_tasks(events).values()
        if task.is_open and task.due is not None
    }


class TaskWatch:
    """The open task timers of the open incidents; `expired(now)` yields each one once."""

    def __init__(self) -> None:
        self.timers: dict[int, TaskTimer] = {}
        self.nagged: set[int] = set()

    def reload(
        self,
        db: Any,
        incident_ids: list[str],
        now: datetime,
        *,
        initial: bool = False,
        incidents: Mapping[str, Incident] | None = None,
    ) -> None:
        fresh = load_timers(db, incident_ids)
        wanted = set(incident_ids)
        self.timers = {k: v for k, v in self.timers.items() if v.incident_id not in wanted}
        self.timers.update(fresh)
        if initial:  # already expired before we started: no burst of old nags
            self.nagged |= {k for k, t in fresh.items() if t.due <= _now(t, now, incidents)}

    def expired(
        self, now: datetime, incidents: Mapping[str, Incident] | None = None
    ) -> list[TaskTimer]:
        """Timers past due, once each. `incidents` (the app's projections) lets a drill's
        timers expire on the drill clock (`clocks.incident_now`)."""
        out = [
            t
            for k, t in sorted(self.timers.items())
            if t.due <= _now(t, now, incidents) and k not in self.nagged and _running(t, incidents)
        ]
        self.nagged.update(t.entry_id for t in out)
        return out


def _running(timer: TaskTimer, incidents: Mapping[str, Incident] | None) -> bool:
    """A resolved incident's task timers have stopped: they never nag."""
    incident = incidents.get(timer.incident_id) if incidents else None
    return incident is None or incident.is_open


def _now(timer: TaskTimer, now: datetime, incidents: Mapping[str, Incident] | None) -> datetime:
    incident = incidents.get(timer.incident_id) if incidents else None
    return incident_now(incident, now) if incident is not None else now
