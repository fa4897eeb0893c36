"""Building the human timeline from raw events: amendments and retractions are shown
honestly (the original text is kept, the retraction is visible), never silently applied."""

from __future__ import annotations

from irtui.domain.model import EntryKind, Event, EventKind, TimelineEntry, role_label
from irtui.domain.timeutil import fmt_when, parse_iso

# Events that are not typed entries but belong on the timeline, and how they read.
_SYSTEM_KIND: dict[str, str] = {
    EventKind.DECLARED: EntryKind.DETECTION,
    EventKind.ACKNOWLEDGED: EntryKind.ACTION,
    EventKind.SEVERITY_CHANGED: EntryKind.ESCALATION,
    EventKind.STATUS_CHANGED: EntryKind.ACTION,
    EventKind.ROLE_ASSIGNED: EntryKind.NOTE,
    EventKind.ROLE_HANDED_OFF: EntryKind.NOTE,
    EventKind.HANDOFF_ACCEPTED: EntryKind.NOTE,
    EventKind.HANDOFF_CONFIRMED: EntryKind.NOTE,
    EventKind.HANDOFF_WITHDRAWN: EntryKind.NOTE,
    EventKind.MITIGATED: EntryKind.ACTION,
    EventKind.REOPENED: EntryKind.NOTE,
    EventKind.UPDATE_SENT: EntryKind.COMMUNICATION,
    EventKind.REMINDER_SNOOZED: EntryKind.NOTE,
    EventKind.MILESTONE_SET: EntryKind.NOTE,
    EventKind.DETAILS_CHANGED: EntryKind.NOTE,
    EventKind.TASK_DONE: EntryKind.ACTION,
    EventKind.TASK_REOPENED: EntryKind.ACTION,
    EventKind.TASK_UPDATED: EntryKind.NOTE,
    EventKind.LINK_SET: EntryKind.NOTE,
    EventKind.RUNBOOK_PINNED: EntryKind.NOTE,
    EventKind.RUNBOOK_STEP: EntryKind.ACTION,
    EventKind.RUNBOOK_UNPINNED: EntryKind.NOTE,
    # A drill's injects are what the players are told; its clock changes are announced.
    EventKind.DRILL_STARTED: EntryKind.NOTE,
    EventKind.DRILL_PAUSED: EntryKind.NOTE,
    EventKind.DRILL_RESUMED: EntryKind.NOTE,
    EventKind.DRILL_SPEED_CHANGED: EntryKind.NOTE,
    EventKind.DRILL_INJECT_FIRED: EntryKind.DETECTION,
    EventKind.DRILL_IMPROVISED: EntryKind.NOTE,
    EventKind.PAGED: EntryKind.ESCALATION,
    EventKind.PAGE_ACKNOWLEDGED: EntryKind.ACTION,
    EventKind.PAGE_ESCALATED: EntryKind.ESCALATION,
    EventKind.PAGE_RESOLVED: EntryKind.ACTION,
}
_DRILL_INJECTS = (EventKind.DRILL_INJECT_FIRED, EventKind.DRILL_IMPROVISED)


def _system_kind(event: Event) -> str:
    """How a system event reads on the timeline; a drill inject says itself (an alert is a
    detection, an exec's message a communication: `irtui/drills/scenario.py`)."""
    if event.kind in _DRILL_INJECTS:
        kind = event.payload.get("entry_kind")
        if kind in {k.value for k in EntryKind}:
            return str(kind)
    return _SYSTEM_KIND[event.kind]


def describe(event: Event) -> str:
    """One plain-text line for a system event (user text is embedded verbatim)."""
    p = event.payload
    k = event.kind
    if k == EventKind.DECLARED:
        return f"Declared SEV{p['severity']}: {p['title']}"
    if k == EventKind.ACKNOWLEDGED:
        return "Acknowledged"
    if k == EventKind.SEVERITY_CHANGED:
        reason = f" — {p['reason']}" if p.get("reason") else ""
        return f"Severity SEV{p.get('from')} → SEV{p['severity']}{reason}"
    if k == EventKind.STATUS_CHANGED:
        note = f" — {p['note']}" if p.get("note") else ""
        text = f"Status {p.get('from')} → {p['to']}{note}"
        if p.get("checklist"):
            text += f" (checklist: {len(p['checklist'])} of {len(p['checklist'])} checked)"
        if p.get("mitigated") == "at_resolution":
            text += "; mitigation was never marked: taken as this time"
        early = p.get("early")
        if early:
            text += (
                f"; resolved {_dur(early.get('held_s', 0))} into a "
                f"{_dur(early.get('hold_s', 0))} monitoring hold — why early: {early['reason']}"
            )
        return text
    if k == EventKind.MITIGATED:
        note = f" — {p['note']}" if p.get("note") else ""
        return f"Mitigated{note}"
    if k == EventKind.REOPENED:
        return f"Reopened (was closed) — {p.get('reason', '')}"
    if k == EventKind.ROLE_ASSIGNED:
        return f"{role_label(p['role'])}: {p['name']}"
    if k == EventKind.ROLE_HANDED_OFF:
        if p.get("pending"):
            brief = " (with a brief)" if p.get("brief") else " (no brief)"
            return f"{p['from']} offers {role_label(p['role'])} to {p['to']}{brief}"
        return f"{role_label(p['role'])} handed from {p['from']} to {p['to']}"
    if k == EventKind.HANDOFF_ACCEPTED:
        if "readback" in p:
            return f"{p['to']} accepts {role_label(p['role'])}: “{p['readback']}”"
        return f"{p['to']} accepted {role_label(p['role'])} from {p['from']}"
    if k == EventKind.HANDOFF_CONFIRMED:
        return f"{p['from']}: “{p.get('text', '')}” — {role_label(p['role'])} is {p['to']}"
    if k == EventKind.HANDOFF_WITHDRAWN:
        verb = "declined" if p.get("declined") else "withdrawn"
        reason = f" — {p['reason']}" if p.get("reason") else ""
        return f"Hand-off of {role_label(p['role'])} to {p['to']} {verb}{reason}"
    if k == EventKind.UPDATE_SENT:
        how = {
            "statuspage": "Update published to the status page",
            "by_hand": f"Update posted by hand to {p['audience']}",
        }.get(p.get("delivery", ""), f"Update sent to {p['audience']}")
        if p.get("publish") and "delivery" not in p:
            how += " (publishing to status page)"
        text = f"{how}: {p['text']}"
        if p.get("next_with_status_change"):
            text += " · next update: with the next status change"
        elif p.get("next_update_at"):
            due = parse_iso(p["next_update_at"])
            text += f" · next update due {fmt_when(due, due)}"
        return text
    if k == EventKind.REMINDER_SNOOZED:
        return f"Snoozed {p['target']} until {p['until'][11:16]}Z — {p['reason']}"
    if k == EventKind.MILESTONE_SET:
        value = parse_iso(p["value"])
        previous = parse_iso(p.get("previous"))
        text = f"Milestone {p['milestone']} set to {fmt_when(value, value)}"
        if previous is not None:
            verb = "moved earlier" if value and value < previous else "moved"
            text = (
                f"Milestone {p['milestone']} {verb}: {fmt_when(previous, value)} → "
                f"{fmt_when(value, value)}"
            )
        if p.get("reason"):
            text += f" ({p['reason']})"
        return text
    if k == EventKind.DETAILS_CHANGED:
        from irtui.domain.details import describe as describe_details

        return describe_details(p)
    if k == EventKind.TASK_DONE:
        return f"Task done: {p.get('text', '')}"
    if k == EventKind.TASK_REOPENED:
        return f"Task reopened: {p.get('text', '')}"
    if k == EventKind.TASK_UPDATED:
        from irtui.domain.tasks import describe_update

        return describe_update(p)
    if k == EventKind.LINK_SET:
        url = p.get("url") or ""
        return f"Link {p.get('name', '')}: {url}" if url else f"Link {p.get('name', '')} removed"
    if k == EventKind.DRILL_STARTED:
        speed = p.get("clock", {}).get("speed", 1)
        return f"DRILL started: {p.get('title', '')} (speed ×{speed:g})"
    if k == EventKind.DRILL_PAUSED:
        return "DRILL paused by the facilitator (the drill clock stands still)"
    if k == EventKind.DRILL_RESUMED:
        return "DRILL resumed"
    if k == EventKind.DRILL_SPEED_CHANGED:
        return f"DRILL clock speed ×{p.get('clock', {}).get('speed', 1):g}"
    if k in _DRILL_INJECTS:
        return f"[drill {p.get('label') or p.get('kind', 'inject')}] {p.get('text', '')}"
    if k == EventKind.RUNBOOK_PINNED:
        return f"Runbook pinned: {p.get('title') or p.get('runbook')}"
    if k == EventKind.RUNBOOK_UNPINNED:
        return f"Runbook unpinned: {p.get('title') or p.get('runbook')}"
    if k == EventKind.RUNBOOK_STEP:
        state = "done" if p.get("done", p.get("checked", True)) else "un-ticked"
        name = p.get("title") or p.get("runbook")
        return (
            f"Runbook {name}: step {p.get('number', p.get('step', '?'))} of "
            f"{p.get('total', '?')} {state} — {p.get('text', '')}"
        )
    if k in (
        EventKind.PAGED,
        EventKind.PAGE_ACKNOWLEDGED,
        EventKind.PAGE_ESCALATED,
        EventKind.PAGE_RESOLVED,
    ):
        return describe_page(event)
    return k


def _dur(seconds: float) -> str:
    from irtui.domain.timeutil import fmt_duration

    return fmt_duration(seconds)


def detail(event: Event) -> str | None:
    """Multi-line text that belongs with a system line, verbatim: the hand-off brief."""
    if event.kind == EventKind.ROLE_HANDED_OFF and event.payload.get("brief"):
        return str(event.payload["brief"])
    return None


def describe_page(event: Event) -> str:
    p = event.payload
    k = event.kind
    if k == EventKind.PAGED:
        who = p.get("display") or p.get("person")
        why = f" ({p['why']})" if p.get("why") and p.get("why") != who else ""
        level = f", level {p['level']} of {p['levels']}" if p.get("level") else ""
        reason = f" — {p['reason']}" if p.get("reason") else ""
        return f"Paged {who}{why}{level} (page #{p['page']}){reason}"
    if k == EventKind.PAGE_ACKNOWLEDGED:
        note = f" — {p['note']}" if p.get("note") else ""
        return f"{event.author} acknowledged page #{p['page']}{note}"
    if k == EventKind.PAGE_ESCALATED:
        return f"Page #{p['page']} escalated to page #{p.get('to_page')}: {p.get('reason', '')}"
    pages = ", ".join(f"#{n}" for n in p.get("pages", []))
    reason = f" — {p['reason']}" if p.get("reason") else ""
    return f"Pages {pages} resolved{reason}"


def build_timeline(events: list[Event], *, include_system: bool = True) -> list[TimelineEntry]:
    """Entries ordered by when they happened (backdated ones slot into place)."""
    entries: dict[int, TimelineEntry] = {}
    for event in events:
        assert event.id is not None and event.recorded_at is not None
        if event.kind == EventKind.ENTRY:
            p = event.payload
            entries[event.id] = TimelineEntry(
                event_id=event.id,
                incident_id=event.incident_id,
                at=event.at,
                recorded_at=event.recorded_at,
                author=event.author,
                kind=p["kind"],
                text=p["text"],
                starred=p.get("starred", False),
                task=p.get("task"),
                decision=p.get("decision"),
                flag=event.flag,
            )
        elif event.kind == EventKind.ENTRY_AMENDED and event.refers_to in entries:
            entry = entries[event.refers_to]
            entry.amendments.append((event.at, event.author, entry.text))
            entry.text = event.payload["text"]
        elif event.kind == EventKind.ENTRY_RETRACTED and event.refers_to in entries:
            entries[event.refers_to].retracted = (
                event.at,
                event.author,
                event.payload.get("reason", ""),
            )
        elif include_system and event.kind in _SYSTEM_KIND:
            entries[event.id] = TimelineEntry(
                event_id=event.id,
                incident_id=event.incident_id,
                at=event.at,
                recorded_at=event.recorded_at,
                author=event.author,
                kind=_system_kind(event),
                text=describe(event),
                source=event.kind,
                flag=event.flag,
                detail=detail(event),
            )
    return sorted(entries.values(), key=lambda e: (e.at, e.event_id))
