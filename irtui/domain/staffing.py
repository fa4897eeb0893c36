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

from irtui.domain.model import DomainError, Event, Incident, normalise_role, role_label


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
