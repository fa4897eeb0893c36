"""Per-incident runbook checklists: pinning and ticking, recorded as incident events.

Nothing is stored outside the incident's event log: pinning appends `RUNBOOK_PINNED`, each tick
or untick appends `RUNBOOK_STEP` (which the timeline shows as "step 3 of 12 done"), and the
current state is folded from those events. So every seat sees the same ticks, the postmortem
shows when each step was done and by whom, and there is no second source of truth to sync.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from irtui.domain.model import Event, EventKind
from irtui.runbooks.model import Runbook, Step


class _EventStore(Protocol):  # the slice of `irtui.store.repo.Store` used here
    def append(
        self, ref: str | int, kind: str, payload: dict[str, Any], *,
        at: datetime | None = None, refers_to: int | None = None,
    ) -> Event: ...  # fmt: skip

    def events(self, ref: str | int, *, after_id: int = 0) -> list[Event]: ...


@dataclass(slots=True)
class StepState:
    done: bool
    by: str
    at: datetime
    text: str


@dataclass(slots=True)
class RunbookProgress:
    """One pinned runbook's ticks for one incident, folded from events."""

    runbook: str
    title: str
    pinned_by: str
    pinned_at: datetime
    steps: dict[int, StepState] = field(default_factory=dict)

    def is_done(self, number: int) -> bool:
        state = self.steps.get(number)
        return bool(state and state.done)

    @property
    def done_count(self) -> int:
        return sum(1 for state in self.steps.values() if state.done)


def fold_progress(events: Iterable[Event]) -> dict[str, RunbookProgress]:
    """Pinned runbooks (in pin order) with their current tick state; the last tick wins.

    A tick for a runbook that was never pinned still counts (pins implicitly): the scribe may
    have ticked from the CLI or an older build, and the tick is a fact either way. Unpinning
    takes a runbook off the list; its ticks stay on the timeline and come back if it is
    pinned again.
    """
    result: dict[str, RunbookProgress] = {}
    unpinned: dict[str, RunbookProgress] = {}
    for event in events:
        payload = event.payload
        rid = str(payload.get("runbook", ""))
        if not rid:
            continue
        if event.kind == EventKind.RUNBOOK_PINNED:
            if rid not in result:
                earlier = unpinned.pop(rid, None)
                result[rid] = RunbookProgress(
                    rid,
                    str(payload.get("title") or rid),
                    event.author,
                    event.at,
                    earlier.steps if earlier else {},
                )
        elif event.kind == EventKind.RUNBOOK_UNPINNED:
            if rid in result:
                unpinned[rid] = result.pop(rid)
        elif event.kind == EventKind.RUNBOOK_STEP:
            if rid not in result:  # a tick re-pins, with whatever was ticked before
                result[rid] = unpinned.pop(rid, None) or RunbookProgress(
                    rid, str(payload.get("title") or rid), event.author, event.at
                )
            progress = result[rid]
            number = payload.get("step", payload.get("number"))
            if not isinstance(number, int):
                continue
            done = bool(payload.get("done", payload.get("checked", True)))
            progress.steps[number] = StepState(
                done, event.author, event.at, str(payload.get("text", ""))
            )
    return result


def pinned_payload(runbook: Runbook) -> dict[str, Any]:
    return {
        "runbook": runbook.id,
        "title": runbook.title,
        "path": str(runbook.path),
        "steps": len(runbook.steps),
    }


def pin_runbook(store: _EventStore, ref: str | int, runbook: Runbook) -> Event | None:
    """Pin `runbook` to the incident; pinning twice records nothing new (returns None)."""
    if runbook.id in fold_progress(store.events(ref)):
        return None
    return store.append(ref, EventKind.RUNBOOK_PINNED, pinned_payload(runbook))


def unpin_runbook(store: _EventStore, ref: str | int, runbook_id: str) -> Event | None:
    """Take a runbook off the incident's list (its ticks stay on the timeline); unpinning
    one that is not pinned records nothing (returns None)."""
    progress = fold_progress(store.events(ref)).get(runbook_id)
    if progress is None:
        return None
    return store.append(
        ref, EventKind.RUNBOOK_UNPINNED, {"runbook": runbook_id, "title": progress.title}
    )


def step_payload(runbook: Runbook, step: Step, done: bool) -> dict[str, Any]:
    """Both naming schemes: `step`/`done` (ours) and `number`/`checked`/`total`, which
    `irtui.domain.timeline.describe` reads to print "step 3 of 12 done — <text>"."""
    return {
        "runbook": runbook.id,
        "title": runbook.title,
        "step": step.number,
        "number": step.number,
        "total": len(runbook.steps),
        "text": step.text,
        "section": step.section,
        "done": done,
        "checked": done,
    }


def tick_step(
    store: _EventStore, ref: str | int, runbook: Runbook, number: int, done: bool = True
) -> Event:
    """Record that step `number` (1-based) was done (or undone) for this incident."""
    if not 1 <= number <= len(runbook.steps):
        raise ValueError(f"{runbook.id} has {len(runbook.steps)} steps; no step {number}")
    step = runbook.steps[number - 1]
    return store.append(ref, EventKind.RUNBOOK_STEP, step_payload(runbook, step, done))


def toggle_step(store: _EventStore, ref: str | int, runbook: Runbook, number: int) -> Event:
    """Flip a step's state as currently folded from the incident's events."""
    progress = fold_progress(store.events(ref)).get(runbook.id)
    done = not (progress is not None and progress.is_done(number))
    return tick_step(store, ref, runbook, number, done)
