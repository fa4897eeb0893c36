"""Replay a past incident as a drill: its timeline becomes a scenario.

`irtui drill from INC-42` reads a resolved (or imported, backfilled) incident and writes a
scenario file:
- what reached the team becomes **injects at their original offsets** from when impact
  started: the declaration (the first alert), detection entries (alerts), communication
  entries (what customers, support or executives said); for an imported incident, whose
  only record is its public posts, each post after the first as `news`;
- what the team did becomes the hidden **answer key**: decisions and actions (typed entries
  of kind decision, action, escalation, resolution) with keywords to recognise them, the
  original times to acknowledge, name an IC and send each audience's first update as
  `expect:` facts, the original time to mitigate as `mitigate_by`, the severity it ended at;
- runbooks pinned during the incident (that the library still has) become the scenario's.
Retracted entries are left out; amended ones read as amended. The result is validated like
any scenario before it is returned, so `drill from` never writes a file `drill run` refuses.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from datetime import datetime
from typing import Any

from irtui.domain.model import EntryKind, Event, EventKind, Incident, IncidentKind, Role
from irtui.domain.timeline import build_timeline
from irtui.drills.offsets import format_offset
from irtui.drills.scenario import Scenario, parse_scenario

_WORD = re.compile(r"[a-z][a-z0-9'-]{3,}")
_STOP = frozenset(
    "that this with from have will were been they them then than into onto over under about "
    "after before because while which what when where there their should would could still "
    "also just only more most some such very back down make made take took done does doing "
    "start started check checked team call called proposal objections none".split()
)
ANSWER_KINDS = (EntryKind.DECISION, EntryKind.ACTION, EntryKind.ESCALATION, EntryKind.RESOLUTION)
MAX_INJECT_TEXT = 1_000


def keywords(text: str, limit: int = 4) -> list[str]:
    """A few distinctive words of a sentence, to recognise the same decision in a drill."""
    seen: dict[str, None] = {}
    for word in _WORD.findall(text.lower()):
        if word not in _STOP and not word.isdigit():
            seen.setdefault(word.strip("'-"))
        if len(seen) >= limit:
            break
    return list(seen)


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:40].strip("-")
    return slug or "replay"


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= MAX_INJECT_TEXT else text[: MAX_INJECT_TEXT - 1] + "…"


def scenario_data(incident: Incident, events: list[Event]) -> dict[str, Any]:
    """The scenario as YAML-able data (see the module docstring)."""
    base: datetime = incident.milestones.get("started") or incident.declared_at

    def off(at: datetime) -> str:
        return format_offset(max((at - base).total_seconds(), 0))

    declared = next((e for e in events if e.kind == EventKind.DECLARED), None)
    first_severity = int(declared.payload["severity"]) if declared else incident.severity
    posts = [e for e in events if e.kind == EventKind.UPDATE_SENT]
    imported = incident.kind is IncidentKind.BACKFILLED
    if imported and posts:  # what the world saw first was the first public post
        opening = f"{incident.title} — first public post: {posts[0].payload.get('text', '')}"
    else:
        opening = incident.title + (f" — {incident.impact}" if incident.impact else "")
    injects: list[dict[str, Any]] = [
        {
            "id": "declared",
            "at": off(incident.milestones.get("detected") or incident.declared_at),
            "kind": "alert",
            "text": _short(opening),
        }
    ]
    decisions: list[dict[str, Any]] = []
    actions: list[dict[str, Any]] = []
    for entry in build_timeline(events, include_system=False):
        if entry.retracted is not None:
            continue
        if entry.kind in (EntryKind.DETECTION, EntryKind.COMMUNICATION):
            alert = entry.kind == EntryKind.DETECTION
            injects.append(
                {
                    "id": f"{'alert' if alert else 'comms'}-{entry.event_id}",
                    "at": off(entry.at),
                    "kind": "alert" if alert else "customer_report",
                    "text": _short(entry.text),
                }
            )
        elif entry.kind in ANSWER_KINDS:
            said = (entry.decision or {}).get("call") or entry.text
            item = {"text": _short(said), "keywords": keywords(said)}
            (decisions if entry.kind == EntryKind.DECISION else actions).append(item)
    if imported:
        for n, post in enumerate(posts[1:], 2):
            status = post.payload.get("source_status") or post.payload.get("status") or ""
            label = f"Status post ({status}): " if status else "Status post: "
            injects.append(
                {
                    "id": f"post-{n}",
                    "at": off(post.at),
                    "kind": "news",
                    "text": _short(label + str(post.payload.get("text", ""))),
                }
            )
    injects.sort(key=lambda i: (_seconds(i["at"]), i["id"] != "declared"))
    expect = _expectations(incident, events, base)
    key: dict[str, Any] = {"severity": incident.severity}
    mitigated = incident.milestones.get("mitigated") or incident.milestones.get("resolved")
    if mitigated is not None:
        key["mitigate_by"] = off(mitigated)
    if expect:
        key["expect"] = expect
    if decisions:
        key["decisions"] = decisions
    if actions:
        key["actions"] = actions
    runbooks = list(
        dict.fromkeys(
            str(e.payload["runbook"])
            for e in events
            if e.kind in (EventKind.RUNBOOK_PINNED, EventKind.RUNBOOK_STEP)
            and e.payload.get("runbook")
        )
    )
    data: dict[str, Any] = {
        "id": _slug(f"replay-{incident.id}-{incident.title}"),
        "title": f"Replay of {incident.id}: {incident.title}",
        "tests": ["replay"],
        "briefing": (
            f"A replay of {incident.id} ({incident.kind}, SEV{incident.severity}). What reached "
            "the team back then reaches you at the same moments; what they decided is the "
            "answer key. Work it in irtui as you would for real."
        ),
        "severity": {"start": first_severity, "expected": incident.severity, "hint": "hidden"},
        "services": list(incident.services),
    }
    if runbooks:
        data["runbooks"] = runbooks
    data["injects"] = _unique_ids(injects)
    data["answer_key"] = key
    return data


def _seconds(offset: str) -> int:
    from irtui.drills.offsets import parse_offset

    return parse_offset(offset)


def _unique_ids(injects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: set[str] = set()
    for inject in injects:
        base, n = inject["id"], 2
        while inject["id"] in seen:
            inject["id"] = f"{base}-{n}"
            n += 1
        seen.add(inject["id"])
    return injects


def _expectations(incident: Incident, events: list[Event], base: datetime) -> list[dict[str, Any]]:
    """The original team's pace, as facts the replaying team should match."""
    out: list[dict[str, Any]] = []

    def by(at: datetime | None) -> str | None:
        return None if at is None else format_offset(max((at - base).total_seconds(), 0))

    acked = incident.milestones.get("acknowledged")
    if acked is not None and incident.kind is not IncidentKind.BACKFILLED:
        out.append({"fact": "ack", "by": by(acked)})
    ic = next(
        (
            e.at
            for e in events
            if e.kind == EventKind.ROLE_ASSIGNED and e.payload.get("role") == Role.COMMANDER
        ),
        None,
    )
    if ic is not None:
        out.append({"fact": "ic", "by": by(ic)})
    firsts: dict[str, datetime] = {}
    for e in events:
        if e.kind == EventKind.UPDATE_SENT:
            firsts.setdefault(str(e.payload.get("audience", "internal")), e.at)
    for audience, at in sorted(firsts.items()):
        out.append({"fact": f"update {audience}", "by": by(at)})
    return [{k: v for k, v in item.items() if v is not None} for item in out]


def scenario_from_incident(
    incident: Incident, events: list[Event], *, known_runbooks: Collection[str] | None = None
) -> Scenario:
    """The validated scenario (runbooks the library no longer has are dropped)."""
    data = scenario_data(incident, events)
    if known_runbooks is not None and "runbooks" in data:
        short = {k.rsplit("/", 1)[-1] for k in known_runbooks} | set(known_runbooks)
        data["runbooks"] = [r for r in data["runbooks"] if r in short]
        if not data["runbooks"]:
            del data["runbooks"]
    return parse_scenario(data, f"<replay of {incident.id}>", known_runbooks=known_runbooks)


def to_yaml(scenario: Scenario, *, header: str = "") -> str:
    """The scenario as a YAML file a person can read and edit."""
    import yaml

    body = yaml.safe_dump(scenario.to_dict(), sort_keys=False, allow_unicode=True, width=96)
    lines = [f"# {line}" if line else "#" for line in header.splitlines()]
    return ("\n".join(lines) + "\n" if lines else "") + body
