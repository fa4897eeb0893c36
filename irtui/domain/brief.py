"""The hand-off brief and the open-task list, computed from the timeline (pure: the CLI, the
store and the TUI generate the same brief).

An incoming IC needs five things in one screen: where we are, what we know, what we have ruled
out, what is still running (tasks with timers), and what we owe stakeholders next. This module
derives them from events so the same brief can be tested without a terminal. What we know
keeps every starred fact and the detection, whatever else is trimmed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from irtui.domain.clocks import ack_clock, update_clocks
from irtui.domain.model import Event, EventKind, Incident, TimelineEntry, role_label
from irtui.domain.timeutil import fmt_duration, fmt_local_utc, parse_iso

_RULED_OUT = re.compile(
    r"ruled out|rule out|not the cause|isn't the|is not the|not related|"
    r"no change|didn't help|did not help|red herring",
    re.IGNORECASE,
)
_KNOWN_KINDS = {"detection", "decision", "action", "escalation", "resolution"}


@dataclass(frozen=True, slots=True)
class OpenTask:
    entry_id: int
    text: str
    owner: str | None
    due: datetime | None
    created: datetime

    def remaining_s(self, now: datetime) -> float | None:
        return None if self.due is None else (self.due - now).total_seconds()


def done_task_ids(events: list[Event]) -> set[int]:
    """Tasks whose latest done/reopened event says done (events in the order written)."""
    done: set[int] = set()
    for e in sorted(events, key=lambda e: e.id or 0):
        if e.refers_to is None:
            continue
        if e.kind == EventKind.TASK_DONE:
            done.add(e.refers_to)
        elif e.kind == EventKind.TASK_REOPENED:
            done.discard(e.refers_to)
    return done


def last_done_by(events: list[Event], author: str) -> Event | None:
    """The last `task_done` `author` wrote whose task is still done: what one-key undo
    reopens."""
    still_done = done_task_ids(events)
    for e in sorted(events, key=lambda e: e.id or 0, reverse=True):
        if e.kind == EventKind.TASK_DONE and e.author == author and e.refers_to in still_done:
            return e
    return None


def open_tasks(entries: list[TimelineEntry], events: list[Event]) -> list[OpenTask]:
    """Tasks captured on the timeline that are neither done nor retracted, soonest due first."""
    done = done_task_ids(events)
    tasks = []
    for entry in entries:
        if entry.task and entry.retracted is None and entry.event_id not in done:
            tasks.append(
                OpenTask(
                    entry.event_id,
                    str(entry.task.get("text") or entry.text),
                    entry.task.get("owner"),
                    parse_iso(entry.task.get("due")),
                    entry.at,
                )
            )
    far = datetime.max.replace(tzinfo=None)
    return sorted(tasks, key=lambda t: (t.due.replace(tzinfo=None) if t.due else far, t.entry_id))


def known_and_ruled_out(
    entries: list[TimelineEntry],
) -> tuple[list[TimelineEntry], list[TimelineEntry]]:
    """What the room knows (starred or factual entries) and what it has ruled out, from
    people's entries that still stand."""
    human = [e for e in entries if e.source == "entry" and e.retracted is None]
    ruled_out = [e for e in human if _RULED_OUT.search(e.text)]
    known = [e for e in human if e not in ruled_out and (e.starred or e.kind in _KNOWN_KINDS)]
    return known, ruled_out


def update_digest(entries: list[TimelineEntry], events: list[Event]) -> tuple[str, str]:
    """ "What we know" and "what we're doing" for a stakeholder update: the latest starred
    facts (else the latest facts), and the open tasks (else the latest action)."""
    known, _ = known_and_ruled_out(entries)
    starred = [e for e in known if e.starred]
    facts = [
        f"decided: {e.decision['call']}"
        if e.decision and e.decision.get("call") and not e.amendments
        else e.text
        for e in (starred or known)[-3:]
    ]
    tasks = open_tasks(entries, events)[:3]
    doing = [f"{t.owner}: {t.text}" if t.owner else t.text for t in tasks]
    if not doing:
        actions = [e.text for e in known if e.kind == "action"]
        doing = actions[-1:]
    return "; ".join(facts), "; ".join(doing)


def build_brief(
    incident: Incident,
    entries: list[TimelineEntry],
    events: list[Event],
    now: datetime,
    *,
    role: str = "commander",
    to: str = "",
) -> str:
    """Plain-text hand-off brief (user text embedded verbatim; rendered literally)."""
    known, ruled_out = known_and_ruled_out(entries)
    detection = [e for e in known if e.kind == "detection"][:1]
    recent = [e for e in known if not e.starred and e not in detection][-6:]
    known = [e for e in known if e.starred or e in detection or e in recent]
    detected = incident.milestones.get("detected")
    lines = [
        f"Hand-off of {role_label(role)} for {incident.id} (SEV{incident.severity}): "
        f"{incident.title}",
        f"To: {to or '—'}   Status: {incident.status}   "
        f"Open for {fmt_duration(now - incident.declared_at)}",
        f"Impact: {incident.impact or 'being assessed'}",
        f"Impact started {fmt_local_utc(incident.milestones.get('started'))} · "
        f"detected {fmt_local_utc(detected)}" + (f" — {detection[0].text}" if detection else ""),
        "",
        "What we know:",
        *(
            [f"  - {fmt_local_utc(e.at)} {'★ ' if e.starred else ''}{e.text}" for e in known]
            or ["  - (nothing recorded)"]
        ),
        "Ruled out:",
        *([f"  - {e.text}" for e in ruled_out] or ["  - (nothing ruled out yet)"]),
        "Open tasks and timers:",
    ]
    tasks = open_tasks(entries, events)
    for task in tasks:
        owner = f"{task.owner}: " if task.owner else ""
        left = task.remaining_s(now)
        timer = (
            ""
            if left is None
            else (
                f" (due in {fmt_duration(left)})"
                if left > 0
                else f" (OVERDUE by {fmt_duration(-left)})"
            )
        )
        lines.append(f"  - {owner}{task.text}{timer}")
    if not tasks:
        lines.append("  - (none)")
    lines.append("Last update per audience:")
    audiences = sorted(set(incident.last_update) | set(incident.update_due))
    for audience in audiences:
        last = incident.last_update.get(audience)
        lines.append(f"  - {audience}: " + (fmt_local_utc(last) if last else "never"))
    if not audiences:
        lines.append("  - (no update cadence for this severity)")
    ack = ack_clock(incident, now)
    dues = [f"ack {ack.text}"] if ack.due else []
    dues += [f"{c.name.split(':', 1)[1]} {c.text}" for c in update_clocks(incident, now)]
    lines.append("Next due: " + (", ".join(dues) if dues else "nothing"))
    return "\n".join(lines)
