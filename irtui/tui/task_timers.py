"""Task timers across every open incident, so an expired "back in 3 min" nags the room even
when nobody has that incident's screen open.

One query per refresh reads the timeline entries, task completions and retractions of the
given incidents (indexed by incident and kind); tasks done or retracted drop out. No Textual
here: the app polls `due()` from its 1 Hz tick.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from irtui.domain.clocks import incident_now
from irtui.domain.model import EventKind, Incident
from irtui.domain.timeutil import parse_iso
from irtui.store.queries import events_of_kinds


@dataclass(frozen=True, slots=True)
class TaskTimer:
    entry_id: int
    incident_id: str
    owner: str | None
    text: str
    due: datetime


def load_timers(db: Any, incident_ids: list[str]) -> dict[int, TaskTimer]:
    """Open tasks with a due time in these incidents, by entry id."""
    if not incident_ids:
        return {}
    kinds = (EventKind.ENTRY, EventKind.TASK_DONE, EventKind.ENTRY_RETRACTED)
    rows = events_of_kinds(db, kinds, incident_ids=incident_ids)
    timers: dict[int, TaskTimer] = {}
    closed: set[int] = set()
    for event_id, incident_id, kind, _at, _author, payload, refers_to in rows:
        if kind != EventKind.ENTRY:
            if refers_to is not None:
                closed.add(int(refers_to))
            continue
        task = json.loads(payload).get("task") or {}
        due = parse_iso(task.get("due"))
        if due is not None:
            timers[int(event_id)] = TaskTimer(
                int(event_id), incident_id, task.get("owner"), str(task.get("text") or ""), due
            )
    return {k: v for k, v in timers.items() if k not in closed}


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
            if t.due <= _now(t, now, incidents) and k not in self.nagged
        ]
        self.nagged.update(t.entry_id for t in out)
        return out


def _now(timer: TaskTimer, now: datetime, incidents: Mapping[str, Incident] | None) -> datetime:
    incident = incidents.get(timer.incident_id) if incidents else None
    return incident_now(incident, now) if incident is not None else now
