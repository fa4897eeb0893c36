"""Staffing an incident in one pass: several empty roles named at once (the roles dialog's
"Tech Lead bob, Comms carol, Scribe dana, Enter").

Assigning an empty role never turns into a hand-off: a role that someone holds — or that
another seat filled a moment ago — is refused by name, with nothing of the batch written, and
the hand-off protocol stays where it belongs (the roles screen). All names are assigned in
one transaction: the room sees the roles appear together.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from irtui.domain.model import (
    DomainError,
    Event,
    EventKind,
    Incident,
    normalise_role,
    role_label,
)


def people_in(incident: Incident, events: Iterable[Any], others: Iterable[str] = ()) -> list[str]:
    """Who is in this incident, to name for a role: role holders, task owners, the authors of
    its events, other seats looking at it; each once (case aside), in that order.

    Not the sources that wrote on the room's behalf: the author of an incident's declaration
    when the incident came from an integration or an import (it has a `source_ref`: an alert
    declared as "pagerduty"), and the authors of imported facts, named `kind:where`
    (`statuspage:acme`, `postmortem:2024-03.md`). Nobody hands the Comms Lead to PagerDuty."""
    events = list(events)
    sources: set[str] = set()
    if incident.source_ref:
        sources = {str(e.author).strip().lower() for e in events if e.kind == EventKind.DECLARED}
    people: list[str] = [holder.name for holder in incident.roles.values()]
    authors: list[str] = []
    for event in events:
        payload = event.payload if isinstance(event.payload, dict) else {}
        task = payload.get("task")
        if isinstance(task, dict) and task.get("owner"):
            people.append(str(task["owner"]))
        author = str(event.author).strip()
        if author.lower() not in sources and ":" not in author:
            authors.append(author)
    seen: dict[str, str] = {}
    for name in [*people, *authors, *others]:
        key = name.strip().lower()
        if key and key not in seen:
            seen[key] = name.strip()
    return list(seen.values())


def cmd_staff(
    incident: Incident,
    assignments: Iterable[tuple[str, str]],
    *,
    now: datetime,
    author: str,
) -> list[Event]:
    """`role_assigned` events for every (role, name) whose role is empty; refuse the whole
    batch if one of the roles is held (or named twice)."""
    from irtui.domain.lifecycle import apply, cmd_role

    events: list[Event] = []
    state = incident
    seen: set[str] = set()
    for role, name in assignments:
        if not str(name).strip():
            continue
        key = normalise_role(role)
        if key in seen:
            raise DomainError(f"{role_label(key)} is named twice; give it one person")
        seen.add(key)
        holder = state.roles.get(key)
        if holder is not None:
            raise DomainError(
                f"{role_label(key)} is already held by {holder.name}; nothing was changed "
                "(hand it off from the roles screen)"
            )
        batch = cmd_role(state, key, name, now=now, author=author)
        for event in batch:
            state = apply(state, event)
        events += batch
    if not events:
        raise DomainError("name at least one person")
    return events
