"""`irtui postmortem ID --from FILE`: read an edited draft back, and say what was not read.

The human sections (summary, impact, root cause, …, lessons learned/learnt) are saved as
before (`workflow.save_sections_from_markdown`). Everything else in the file is compared with
the draft irtui would write now:
- lines that are in the current draft (the generated header, durations, timeline, decisions,
  action-item rows, blameless check) are irtui's own and need nothing;
- new task-list or bullet items under "Action items" become tracked action items (`- [x]`
  ones done);
- every other line is *reported* with its line number: a new timeline row (the timeline is
  the incident's record: `irtui log ID --at WHEN`), an edited action-item row (`irtui action
  done N`), a section irtui's postmortem does not have. Nothing is dropped silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from irtui.review.headings import classify, normalise

_GENERATED = ("key durations", "decisions", "blameless check", "key moments starred")
_ACTION_ROW = re.compile(r"^\s*\|\s*(\d+)\s*\|")
_TASK_OR_BULLET = re.compile(r"^\s*(?:[-*+]|\d{1,3}[.)])\s+\S")


@dataclass(slots=True)
class ReadBack:
    changed: list[str] = field(default_factory=list)
    unplaced: list[tuple[int, str]] = field(default_factory=list)  # (line, why)
    actions_added: list[int] = field(default_factory=list)


def _part(heading: str) -> str:
    """human | timeline | actions | generated | unknown, for a level-2 heading."""
    from irtui.review.postmortem import heading_key

    if heading_key(heading) is not None:
        return "human"
    kind = classify(heading)
    if kind in ("timeline", "actions"):
        return kind
    name = normalise(heading)
    if name in _GENERATED or name.startswith("full timeline"):
        return "generated"
    return "unknown"


def read_back(store: Any, ref: str | int, markdown: str) -> ReadBack:
    from irtui.importers.postmortems import action_items
    from irtui.importers.postmortems.document import split
    from irtui.review import workflow
    from irtui.store.actions_repo import ActionsRepo

    result = ReadBack()
    incident = store.get(ref)
    result.changed = workflow.save_sections_from_markdown(store, incident.id, markdown)
    draft = workflow.build_draft(store, incident.id).markdown
    ours = {line.strip() for line in draft.splitlines() if line.strip()}
    doc = split(markdown)
    title_line = doc.title_line
    if title_line is not None and markdown.splitlines()[title_line - 1].strip() not in ours:
        result.unplaced.append(
            (title_line, "the title is the incident's (change it with the TUI or `irtui`)")
        )
    in_comment = False

    def foreign(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
        nonlocal in_comment
        out = []
        for number, text in lines:
            stripped = text.strip()
            if "<!--" in stripped:
                in_comment = "-->" not in stripped.split("<!--")[-1]
                continue
            if in_comment:
                in_comment = "-->" not in stripped
                continue
            if stripped and stripped not in ours:
                out.append((number, text))
        return out

    for number, _text in foreign(doc.preamble.lines):
        result.unplaced.append((number, "the header is generated from the record; not read"))
    part = "unknown"
    new_actions: list[tuple[int, str]] = []
    for section in doc.sections:
        if section.level <= 2:
            part = _part(section.heading)
            if part == "unknown" and f"{'#' * section.level} {section.heading}" not in ours:
                last = section.lines[-1][0] if section.lines else section.line
                result.unplaced.append(
                    (
                        section.line,
                        f"section “{section.heading}” (lines {section.line}-{last}) is not "
                        "a part of the postmortem; its text was not saved",
                    )
                )
                continue
        if part == "human" or part == "unknown":
            continue
        for number, text in foreign(section.lines):
            if part == "actions" and _ACTION_ROW.match(text):
                result.unplaced.append(
                    (
                        number,
                        "an edited action-item row is not read back: use `irtui action "
                        "done|wontdo|reopen N`",
                    )
                )
            elif part == "actions" and _TASK_OR_BULLET.match(text):
                new_actions.append((number, text))
            elif part == "timeline":
                result.unplaced.append(
                    (
                        number,
                        f"a timeline line not in the record: add it with `irtui log "
                        f"{incident.id} TEXT --at WHEN`",
                    )
                )
            elif part == "actions":
                result.unplaced.append(
                    (
                        number,
                        f"not an action item irtui can read: add it with `irtui action add "
                        f"{incident.id} TITLE --type ...`",
                    )
                )
            else:
                result.unplaced.append((number, "a generated line that was edited; not read"))
    if new_actions:
        items, bad = action_items.parse(new_actions)
        result.unplaced += bad
        repo = ActionsRepo(store.db)
        now = store.now()
        for item in items:
            added = repo.add(
                incident.id,
                item.title,
                type=item.type,
                now=now,
                owner=item.owner,
                due=item.due,
                priority=item.priority,
            )
            if item.done:
                repo.done(added.id, now)
            result.actions_added.append(added.id)
    result.unplaced.sort()
    return result
