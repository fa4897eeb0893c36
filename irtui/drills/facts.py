"""The facts a drill listens for, and when each one happened.

One small vocabulary serves three purposes, so a facilitator learns it once:
- a trigger `after: FACT` fires an inject once the fact is true (`after: ack`);
- a condition `if: no FACT by +20m` fires one when the team has *not* done it in time;
- the answer key's `expect:` lists the facts the team should reach (and by when).

    ack                    the incident was acknowledged
    ic | role ROLE         an IC (or any role: tech, comms, scribe, a custom one) was named
    status STATUS          the status reached STATUS or a later one (identified, mitigating…)
    update [AUDIENCE]      a stakeholder update was sent (to internal, exec or statuspage;
                           `exec update` reads as well as `update exec`)
    severity N             the severity was set to SEV N or a more severe level
    handoff [ROLE]         a role changed hands (offer accepted, or handed straight over)
    runbook [ID]           a runbook was opened on the incident (pinned, or a step ticked)
    entry KIND             a timeline entry of that kind (escalation, decision, action…)
    inject ID              that inject was played
    mitigated | resolved   the milestone was reached

Times are the drill incident's own (drill-clock) times, taken from its events; a retracted
entry does not count.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from irtui.domain.model import (
    Audience,
    EntryKind,
    Event,
    EventKind,
    Incident,
    Status,
    normalise_role,
)

STATUS_ORDER: tuple[str, ...] = tuple(s.value for s in Status)
VOCABULARY = (
    "ack",
    "ic",
    "role ROLE",
    "status STATUS",
    "update [AUDIENCE]",
    "severity N",
    "handoff [ROLE]",
    "runbook [ID]",
    "entry KIND",
    "inject ID",
    "mitigated",
    "resolved",
)


class FactError(ValueError):
    """A fact the vocabulary does not know (the message lists what it knows)."""


def _expected() -> str:
    return ", ".join(VOCABULARY)


def parse_fact(text: object) -> str:
    """The canonical key of a fact (`IC` -> `role commander`, `update Exec` -> `update exec`).
    Raises FactError for anything else."""
    if not isinstance(text, str) or not text.strip():
        raise FactError(f"{text!r} is not a fact (expected one of: {_expected()})")
    words = text.strip().lower().split()
    audiences = {a.value for a in Audience}
    if len(words) == 2 and words[1] == "update" and words[0] in audiences:
        words.reverse()  # "no exec update by +15m" reads better than "no update exec by"
    head, rest = words[0], words[1:]
    arg = " ".join(rest)
    if head in ("ack", "acknowledged", "mitigated", "resolved") and not rest:
        return "ack" if head.startswith("ack") else head
    if head == "ic" and not rest:
        return "role commander"
    if head == "role" and rest:
        return f"role {normalise_role(arg)}"
    if head == "status" and len(rest) == 1:
        if rest[0] not in STATUS_ORDER:
            raise FactError(f"unknown status {rest[0]!r} (one of {', '.join(STATUS_ORDER)})")
        return f"status {rest[0]}"
    if head == "update":
        if not rest:
            return "update"
        if len(rest) == 1 and rest[0] in {a.value for a in Audience}:
            return f"update {rest[0]}"
        raise FactError(f"unknown audience {arg!r} (one of {', '.join(a.value for a in Audience)})")
    if head == "severity" and len(rest) == 1:
        level = rest[0].removeprefix("sev")
        if level.isdigit() and 1 <= int(level) <= 9:
            return f"severity {int(level)}"
        raise FactError(f"severity needs a level 1..9, not {rest[0]!r}")
    if head in ("handoff", "hand-off"):
        return f"handoff {normalise_role(arg)}" if rest else "handoff"
    if head == "runbook":
        return f"runbook {rest[0]}" if len(rest) == 1 else "runbook"
    if head == "entry" and len(rest) == 1:
        if rest[0] not in {k.value for k in EntryKind}:
            raise FactError(
                f"unknown entry kind {rest[0]!r} (one of {', '.join(k.value for k in EntryKind)})"
            )
        return f"entry {rest[0]}"
    if head == "inject" and len(rest) == 1:
        return f"inject {rest[0]}"
    raise FactError(f"unknown fact {text.strip()!r} (expected one of: {_expected()})")


def fact_text(key: str) -> str:
    """A fact key as written in a scenario, in its most readable form (`exec update`)."""
    head, _, arg = key.partition(" ")
    if head == "update" and arg:
        return f"{arg} update"
    if key == "role commander":
        return "ic"
    return key


def describe_fact(key: str) -> str:
    """A fact key as a noun phrase a facilitator reads ("an exec update", "an IC named")."""
    head, _, arg = key.partition(" ")
    role = arg.replace("_", " ")
    words = {
        "ack": "acknowledgement",
        "mitigated": "mitigation",
        "resolved": "resolution",
        "update": f"{'an' if arg in ('', 'internal', 'exec') else 'a'} {arg + ' ' if arg else ''}"
        "update",
        "role": "an IC named" if arg == "commander" else f"a {role} named",
        "status": f"status {arg}",
        "severity": f"SEV{arg} (or worse) declared",
        "handoff": "an IC hand-off"
        if arg == "commander"
        else (f"a {role} hand-off" if arg else "a hand-off"),
        "runbook": f"runbook {arg} opened" if arg else "a runbook opened",
        "entry": f"{'an' if arg[:1] in 'aeiou' else 'a'} {arg} entry",
        "inject": f"inject {arg} played",
    }
    return words.get(head, key)


def fact_times(incident: Incident, events: Iterable[Event]) -> dict[str, datetime]:
    """When each fact first became true (drill-clock times), keyed as `parse_fact` keys."""
    events = list(events)
    retracted = {e.refers_to for e in events if e.kind == EventKind.ENTRY_RETRACTED}
    times: dict[str, datetime] = {}

    def seen(key: str, at: datetime | None) -> None:
        if at is not None and (key not in times or at < times[key]):
            times[key] = at

    for name in ("acknowledged", "mitigated", "resolved"):
        seen("ack" if name == "acknowledged" else name, incident.milestones.get(name))
    for event in events:
        p, at, kind = event.payload, event.at, event.kind
        if kind == EventKind.DECLARED:
            seen("status investigating", at)
            for level in range(int(p["severity"]), 10):
                seen(f"severity {level}", at)
        elif kind == EventKind.SEVERITY_CHANGED:
            for level in range(int(p["severity"]), 10):
                seen(f"severity {level}", at)
        elif kind == EventKind.STATUS_CHANGED and p.get("to") in STATUS_ORDER:
            for status in STATUS_ORDER[1 : STATUS_ORDER.index(p["to"]) + 1]:
                seen(f"status {status}", at)
        elif kind == EventKind.ROLE_ASSIGNED:
            seen(f"role {p['role']}", at)
        elif kind == EventKind.ROLE_HANDED_OFF and not p.get("pending"):
            seen(f"role {p['role']}", at)
            seen(f"handoff {p['role']}", at)
            seen("handoff", at)
        elif kind == EventKind.HANDOFF_ACCEPTED:
            seen(f"handoff {p['role']}", at)
            seen("handoff", at)
        elif kind == EventKind.UPDATE_SENT:
            seen("update", at)
            seen(f"update {p.get('audience', 'internal')}", at)
        elif kind in (EventKind.RUNBOOK_PINNED, EventKind.RUNBOOK_STEP) and p.get("runbook"):
            seen("runbook", at)
            seen(f"runbook {p['runbook']}", at)
        elif kind == EventKind.ENTRY and event.id not in retracted:
            seen(f"entry {p.get('kind', 'note')}", at)
        elif kind == EventKind.DRILL_INJECT_FIRED:
            seen(f"inject {p.get('inject')}", at)
    return times


def runbook_of(key: str) -> str | None:
    """The runbook id a fact names (`runbook disk-full` -> `disk-full`), else None."""
    head, _, arg = key.partition(" ")
    return (arg or None) if head == "runbook" else None


def inject_of(key: str) -> str | None:
    head, _, arg = key.partition(" ")
    return (arg or None) if head == "inject" else None
