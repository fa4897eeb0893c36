"""The postmortem draft: everything the store knows, laid out for the review meeting.

Facts (times, durations, severity history, roles, timeline, decisions, action items,
recurrence) are generated. Judgement (summary, impact in numbers, root cause, contributing
factors, five whys, what went well / could improve, lessons) is written by people: such a
section shows the saved text, or a `<!-- TODO(human): ... -->` marker and nothing else. The
draft never invents prose.

Editing round-trips: write the draft to a file, edit the human sections, read it back with
`parse_sections`; only changed sections become `postmortem_section` events.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from irtui.domain.actions import ActionItem
from irtui.domain.handoff import handoffs_markdown
from irtui.domain.metrics import durations, obligation_severity
from irtui.domain.model import (
    MILESTONES,
    EntryKind,
    Event,
    EventKind,
    Incident,
    IncidentKind,
    TimelineEntry,
    role_label,
)
from irtui.domain.timeline import build_timeline
from irtui.domain.timeutil import fmt_duration, iso
from irtui.review.blameless import Finding, check
from irtui.review.business_days import REVIEW_MAX_SEVERITY, review_due
from irtui.review.events import CAUSE_CATEGORIES, Learning
from irtui.review.headings import classify
from irtui.review.mdtext import cell, printable

TODO_PREFIX = "<!-- TODO(human):"


@dataclass(frozen=True, slots=True)
class HumanSection:
    key: str
    heading: str
    prompt: str


HUMAN_SECTIONS: tuple[HumanSection, ...] = (
    HumanSection("authors", "Authors", "who wrote this review (names), and who reviewed it"),
    HumanSection(
        "summary",
        "Summary",
        "two or three sentences: what happened, who was affected, how it ended",
    ),
    HumanSection(
        "impact",
        "Impact",
        "who and what was affected, for how long, how badly — in numbers "
        "(requests, customers, orders, money)",
    ),
    HumanSection(
        "root_cause",
        "Root cause",
        "the conditions in the system that made this possible (not a person); "
        "categorise with `irtui cause ID CATEGORY`",
    ),
    HumanSection(
        "contributing_factors",
        "Contributing factors",
        "what made it worse, slower to detect or harder to fix",
    ),
    HumanSection(
        "five_whys",
        "Five whys",
        "start from the impact and ask 'why?' five times; each answer is about the "
        "system, tooling or process",
    ),
    HumanSection("went_well", "What went well", "what helped and should be kept"),
    HumanSection(
        "could_improve", "What could be improved", "where we were lucky, slow or confused"
    ),
    HumanSection("lessons", "Lessons learned", "what the organisation now knows"),
)
SECTION_KEYS = {s.key for s in HUMAN_SECTIONS}
_BY_HEADING = {s.heading.lower(): s.key for s in HUMAN_SECTIONS}
TIMELINE_LIMIT_NOTE = "entries not shown here"
RECURRING_SHOWN = 3
"""Recurrence lines in the header: the few that matter (most frequent first), then a count."""


@dataclass(slots=True)
class Draft:
    incident_id: str
    markdown: str
    findings: list[Finding] = field(default_factory=list)
    todo: list[str] = field(default_factory=list)  # human section keys still unwritten
    review_due: datetime | None = None
    review_state: str = ""


def _t(value: datetime | None) -> str:
    return "—" if value is None else value.strftime("%Y-%m-%d %H:%M:%SZ")


def _entry_text(e: TimelineEntry) -> str:
    text = cell(e.text)
    if e.amendments:
        at, who, _ = e.amendments[-1]
        text += (
            f" *(amended {len(e.amendments)}× — last by {cell(who)} at {_t(at)}; "
            f"originally: “{cell(e.original_text)}”)*"
        )
    if e.retracted:
        at, who, reason = e.retracted
        text = f"~~{text}~~ **retracted** by {cell(who)} at {_t(at)}: {cell(reason)}"
    return text


def _decision_row(e: TimelineEntry) -> str:
    """A decision record's parts in columns; a plain `d:` entry (or one corrected since) is
    its own call, with nothing invented for the parts nobody recorded."""
    record = e.decision or {}
    structured = bool(record) and not e.amendments and not e.retracted
    call = cell(record["call"]) if structured else _entry_text(e)
    proposal = cell(record.get("proposal", "")) if record else ""
    objections = cell(record.get("objections") or "none raised") if record else ""
    return f"| {_t(e.at)} | {call} | {proposal or '—'} | {objections or '—'} | {cell(e.author)} |"


def review_state(
    incident: Incident, learning: Learning | None, now: datetime
) -> tuple[datetime | None, str]:
    """(due, one-line state) of the incident's review."""
    if incident.kind is not IncidentKind.REAL:
        return None, f"not tracked for {incident.kind} incidents"
    resolved = incident.milestones.get("resolved")
    if resolved is None:
        return None, "due 5 business days after resolution (not resolved yet)"
    due = review_due(resolved)
    done = learning.review_completed_at if learning else None
    if done is not None:
        verdict = "on time" if done <= due else f"late by {fmt_duration(done - due)}"
        return due, (
            f"completed {_t(done)} by {learning.review_completed_by} "  # type: ignore[union-attr]
            f"({verdict}; was due {_t(due)})"
        )
    if obligation_severity(incident) > REVIEW_MAX_SEVERITY:
        return due, (
            f"optional for SEV{obligation_severity(incident)} (would be due {_t(due)}; "
            f"SEV1–SEV{REVIEW_MAX_SEVERITY} owe one)"
        )
    if now >= due:
        return due, f"OVERDUE by {fmt_duration(now - due)} (was due {_t(due)})"
    return due, f"due {_t(due)} (in {fmt_duration(due - now)})"


def _roles(incident: Incident, events: list[Event]) -> list[str]:
    held: dict[str, list[str]] = {}
    for e in events:
        p = e.payload
        name = None
        if e.kind == EventKind.ROLE_ASSIGNED:
            name = p.get("name")
        elif (e.kind == EventKind.ROLE_HANDED_OFF and not p.get("pending")) or (
            e.kind == EventKind.HANDOFF_ACCEPTED
        ):
            name = p.get("to")
        if name:
            names = held.setdefault(p["role"], [])
            if name not in names:
                names.append(name)
    for role, holder in incident.roles.items():
        held.setdefault(role, [holder.name])
    return [f"{role_label(r)}: {' → '.join(cell(n) for n in names)}" for r, names in held.items()]


def _severity_history(incident: Incident, events: list[Event]) -> str:
    changes = [e for e in events if e.kind == EventKind.SEVERITY_CHANGED]
    if not changes:
        return f"SEV{incident.severity}"
    first = changes[0].payload.get("from", incident.severity)
    steps = [f"SEV{first}"] + [f"SEV{e.payload['severity']} ({_t(e.at)})" for e in changes]
    return f"SEV{incident.severity} (history: {' → '.join(steps)})"


def render_draft(
    incident: Incident,
    events: list[Event],
    learning: Learning | None,
    actions: Iterable[ActionItem],
    now: datetime,
    *,
    recurrence: Iterable[str] = (),
    timeline_limit: int | None = None,
    more_hint: str | None = None,
) -> Draft:
    """The draft as Markdown, plus blameless findings over what people wrote.

    `timeline_limit` caps the full-timeline table (the TUI passes one and shows every entry in
    a table of its own, `more_hint` says where; files get them all)."""
    learning = learning or Learning()
    timeline = build_timeline(events)
    started = incident.milestones.get("started")
    due, state = review_state(incident, learning, now)
    dur = durations(incident)
    out: list[str] = [
        f"# Postmortem: {incident.id} — {cell(incident.title)}",
        "",
        f"<!-- Draft generated by irtui at {iso(now)}. Facts come from the incident record; "
        "sections marked TODO(human) must be written by people and are never filled in "
        "automatically. -->",
        "",
        f"- **Date:** {started.strftime('%Y-%m-%d') if started else '—'} (UTC)",
        f"- **Duration:** {fmt_duration(dur['ttr']) if dur['ttr'] is not None else 'ongoing'}"
        " (impact start → resolution)",
        f"- **Severity:** {_severity_history(incident, events)}",
        f"- **Status:** {incident.status} · kind: {incident.kind}",
        f"- **Services:** {', '.join(cell(s) for s in incident.services) or '—'}",
        f"- **Roles:** {'; '.join(_roles(incident, events)) or '—'}",
        f"- **Contributors to the record:** "
        f"{', '.join(sorted({cell(e.author) for e in events})) or '—'}",
        f"- **Review:** {cell(state)}",
    ]
    if learning.tags:
        out.append(f"- **Tags:** {cell(', '.join(learning.tags))}")
    if learning.causes:
        out.append(f"- **Root-cause categories:** {cell(', '.join(learning.causes))}")
    if incident.source_ref:
        out.append(f"- **Imported from:** {cell(incident.source_ref)}")
    notes = list(recurrence)
    for line in notes[:RECURRING_SHOWN]:
        out.append(f"- **Recurring:** {cell(line)}")
    if len(notes) > RECURRING_SHOWN:
        out.append(
            f"- **Recurring:** … and {len(notes) - RECURRING_SHOWN} more "
            f"(`irtui recurring` lists them all)"
        )
    out.append("")

    findings: list[Finding] = []
    todo: list[str] = []

    def human(key: str, *, level: int = 2, preface: list[str] | None = None) -> None:
        section = next(s for s in HUMAN_SECTIONS if s.key == key)
        out.append(f"{'#' * level} {section.heading}")
        out.append("")
        if preface:
            out.extend(preface)
            out.append("")
        saved = learning.sections.get(key)
        text = saved[0].strip() if saved else ""
        if text:
            out.append(f"<!-- written by {cell(saved[1])} at {iso(saved[2])} -->")  # type: ignore[index]
            out.append(printable(text))
            findings.extend(check(text, section.heading))
        else:
            todo.append(key)
            out.append(f"{TODO_PREFIX} {section.prompt} -->")
        out.append("")

    human("authors")
    human("summary")
    impact_preface = (
        [f"> Recorded at declaration: {cell(incident.impact)}"] if incident.impact else None
    )
    human("impact", preface=impact_preface)

    out += ["## Key durations", "", "| milestone | at (UTC) |", "|---|---|"]
    out += [f"| {m} | {_t(incident.milestones.get(m))} |" for m in MILESTONES]
    out += [
        "",
        "| measure | definition | value |",
        "|---|---|---|",
        f"| TTD | detected − started | {fmt_duration(dur['ttd'])} |",
        f"| TTA | acknowledged − detected | {fmt_duration(dur['tta'])} |",
        f"| TTM | mitigated − started | {fmt_duration(dur['ttm'])} |",
        f"| TTR | resolved − started | {fmt_duration(dur['ttr'])} |",
        "",
    ]

    entries = [e for e in timeline if e.source == "entry"]
    starred = [e for e in timeline if e.starred]
    out += ["## Timeline", "", "### Key moments (starred)", ""]
    if starred:
        out += [f"- **{_t(e.at)}** {cell(e.author)} ({e.kind}): {_entry_text(e)}" for e in starred]
    else:
        out.append(
            "_No entry was starred during the incident; star key moments with `*` in "
            "the scribe line or pick them from the full timeline below._"
        )
    out += [
        "",
        f"### Full timeline ({len(timeline)} entries, {len(entries)} written by people; "
        "amended and retracted entries are shown as such)",
        "",
    ]
    if timeline:
        shown = timeline if timeline_limit is None else timeline[:timeline_limit]
        out += ["| at (UTC) | ★ | kind | author | entry |", "|---|---|---|---|---|"]
        out += [
            f"| {_t(e.at)} | {'★' if e.starred else ''} | {e.kind} | {cell(e.author)} | "
            f"{_entry_text(e)} |"
            for e in shown
        ]
        if len(shown) < len(timeline):
            out.append("")
            hint = more_hint or f"`irtui postmortem {incident.id} --out FILE` has them all"
            out.append(f"_{len(timeline) - len(shown)} more {TIMELINE_LIMIT_NOTE}: {hint}._")
    else:
        out.append("_The timeline is empty._")
    out.append("")

    decisions = [e for e in entries if e.kind == EntryKind.DECISION]
    out += ["## Decisions", ""]
    if decisions:
        out += [
            "| at (UTC) | the call | proposal | objections raised | recorded by |",
            "|---|---|---|---|---|",
        ]
        out += [_decision_row(e) for e in decisions]
    else:
        out.append("_No entry was logged as a decision._")
    out.append("")
    out += handoffs_markdown(events)  # every brief verbatim, read-backs, confirmations

    cause_lines = (
        [
            "> Categories: "
            + ", ".join(
                f"**{c}**"
                + (
                    f" — {cell(t)}"
                    if t
                    else f" ({CAUSE_CATEGORIES[c]})"
                    if c in CAUSE_CATEGORIES
                    else ""
                )
                for c, t in learning.causes.items()
            )
        ]
        if learning.causes
        else None
    )
    human("root_cause", preface=cause_lines)
    human("contributing_factors")
    human("five_whys")
    human("went_well")
    human("could_improve")

    out += ["## Action items", ""]
    items = list(actions)
    if items:
        out += [
            "| id | type | action | owner | due | priority | status |",
            "|---:|---|---|---|---|---|---|",
        ]
        for a in items:
            status = a.status + (f" ({cell(a.reason)})" if a.reason else "")
            if a.is_overdue(now):
                status += " — **overdue**"
            out.append(
                f"| {a.id} | {a.type} | {cell(a.title)} | {cell(a.owner or '—')} | "
                f"{a.due.isoformat() if a.due else '—'} | {a.priority} | {status} |"
            )
    else:
        out.append(
            f'_No action items yet: `irtui action add {incident.id} "TITLE" --type '
            "prevent|detect|mitigate|document`._"
        )
    out.append("")
    human("lessons")

    for e in entries:
        if not e.retracted:
            findings.extend(check(e.text, f"timeline {_t(e.at)}"))
    out += ["## Blameless check", ""]
    if findings:
        out += [
            f"- {cell(f.section)}, line {f.line}: “{cell(f.text)}” — {f.suggestion}"
            for f in findings
        ]
    else:
        out.append("No blaming phrasing found.")
    out.append("")
    return Draft(incident.id, "\n".join(out), findings, todo, due, state)


_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def heading_key(heading: str) -> str | None:
    """The human section a heading names: ours exactly, or a document's own spelling
    ("Lessons learnt", "Attendees", "Root Cause Analysis": `importers.postmortems.sections`)."""
    exact = _BY_HEADING.get(heading.strip().lower())
    if exact is not None:
        return exact
    key = classify(heading)
    return key if key in SECTION_KEYS else None


def parse_sections(markdown: str) -> dict[str, str]:
    """The human sections of an edited draft: heading -> text without our comments.
    Sections that are missing from the file are not returned (left untouched)."""
    found: dict[str, list[str]] = {}
    current: str | None = None
    for line in markdown.splitlines():
        if line.startswith("## "):
            current = heading_key(line[3:])
            if current is not None:
                found[current] = []
            continue
        if line.startswith("# "):
            current = None
            continue
        if current is not None:
            found[current].append(line)
    out: dict[str, str] = {}
    for key, lines in found.items():
        text = _COMMENT.sub("", "\n".join(lines))
        text = "\n".join(ln.rstrip() for ln in text.splitlines())
        # Drop the generated preface lines (recorded impact, cause categories).
        kept = [
            ln
            for ln in text.splitlines()
            if not ln.startswith(("> Recorded at declaration: ", "> Categories: "))
        ]
        out[key] = "\n".join(kept).strip()
    return out
