"""Action items of a postmortem document -> tracked action items (done ones done).

Shapes: task lists (`- [ ] text`, `- [x] text`), plain bullets and numbered items (a
trailing `(done)`, `✅`, `~~struck~~` or `DONE:` marks one done), `- **Title**: details`, and
tables with columns like Action/Item/Task, Owner/Assignee, Due/Deadline, Priority, Status,
Type. Nested bullets under an item belong to it (appended to its title after `: `). The type
(prevent/detect/mitigate/document) is the table's if it has one, else read from the words
(`monitor`, `alert` -> detect; `document`, `wiki`, `runbook` -> document; `rollback`,
`workaround` -> mitigate; otherwise prevent).
"""

from __future__ import annotations

import re
from datetime import date

from irtui.importers.backfill import BackfillAction
from irtui.importers.postmortems.timeline import plain

_TASK = re.compile(
    r"^(?P<indent>\s*)(?:[-*+]|\d{1,3}[.)])\s+\[(?P<mark>[ xX✓✔-])\]\s+(?P<text>.*)$"
)
_BULLET = re.compile(r"^(?P<indent>\s*)(?:[-*+•]|\d{1,3}[.)])\s+(?P<text>.*)$")
_SEPARATOR_ROW = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_DONE = re.compile(
    r"\((?:done|completed|complete|fixed|implemented)\)|✅|✔|^\s*(?:done|completed)\s*[:\-]|~~.+~~",
    re.I,
)
_DONE_STATUS = re.compile(
    r"\b(?:done|closed|completed|complete|fixed|resolved|implemented|finished)\b", re.I
)
_DETECT = re.compile(
    r"\b(?:monitor\w*|alert\w*|alarm\w*|dashboard\w*|detect\w*|observab\w*|metric\w*|probe\w*|smoketest\w*|synthetic)\b",
    re.I,
)
_DOCUMENT = re.compile(
    r"\b(?:document\w*|docs?|wiki|runbook\w*|playbook\w*|write[- ]?up|guideline\w*|article)\b", re.I
)
_MITIGATE = re.compile(
    r"\b(?:rollback|roll back|workaround|mitigat\w*|failover|fail over|fallback)\b", re.I
)
_LINK_REFERENCE = re.compile(r"^\s{0,3}\[[^\]]+\]:\s*\S")
_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


_TYPES = ("prevent", "detect", "mitigate", "document")


def action_type(text: str) -> str:
    if _DETECT.search(text):
        return "detect"
    if _DOCUMENT.search(text):
        return "document"
    if _MITIGATE.search(text):
        return "mitigate"
    return "prevent"


def _due(text: str) -> date | None:
    match = _ISO.search(text)
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def _priority(text: str) -> str:
    match = re.search(r"\b(?:p|prio(?:rity)?\s*)([1-3])\b", text, re.I)
    if match:
        return f"P{match.group(1)}"
    low = text.lower()
    if "high" in low or "critical" in low or "urgent" in low:
        return "P1"
    if "low" in low:
        return "P3"
    return "P2"


def _title(text: str) -> str:
    text = re.sub(r"\((?:done|completed|complete|fixed|implemented)\)", "", text, flags=re.I)
    text = text.replace("✅", "").replace("✔", "").replace("~~", "")
    text = re.sub(r"^\s*(?:done|completed)\s*[:\-]\s*", "", text, flags=re.I)
    return plain(text).strip(" :-")


def _cells(line: str) -> list[str]:
    body = line.strip().strip("|")
    return [c.strip() for c in re.split(r"(?<!\\)\|", body)]


def parse(lines: list[tuple[int, str]]) -> tuple[list[BackfillAction], list[tuple[int, str]]]:
    """(action items, unplaced lines) of an action-items section."""
    items: list[BackfillAction] = []
    unplaced: list[tuple[int, str]] = []
    header: list[str] | None = None
    parent_indent: int | None = None
    for index, (number, line) in enumerate(lines):
        stripped = line.strip()
        if not stripped or stripped.startswith("<!--") or _LINK_REFERENCE.match(line):
            continue
        if stripped.startswith("|"):
            if _SEPARATOR_ROW.match(stripped):
                continue
            cells = _cells(stripped)
            following = lines[index + 1][1].strip() if index + 1 < len(lines) else ""
            if _SEPARATOR_ROW.match(following):
                header = [c.lower() for c in cells]
                continue
            items.append(_from_row(header or [], cells, number))
            continue
        task = _TASK.match(line)
        bullet = task or _BULLET.match(line)
        if bullet:
            indent = len(bullet.group("indent").expandtabs(4))
            text = bullet.group("text")
            if parent_indent is not None and indent > parent_indent and items and not task:
                items[-1].title += ("; " if ": " in items[-1].title else ": ") + _title(text)
                continue
            done = bool(task and task.group("mark").strip() and task.group("mark") != "-")
            done = done or bool(_DONE.search(text))
            title = _title(text)
            if not title:
                unplaced.append((number, "an empty action item"))
                continue
            items.append(
                BackfillAction(
                    title=title,
                    type=action_type(title),
                    due=_due(text),
                    priority=_priority(text) if re.search(r"\bp[1-3]\b", text, re.I) else "P2",
                    done=done,
                    line=number,
                )
            )
            parent_indent = indent
            continue
        if items and line[:1].isspace():
            items[-1].title += " " + plain(stripped)
            continue
        unplaced.append((number, "not an action item (no list item or table row)"))
    return items, unplaced


def _from_row(header: list[str], cells: list[str], number: int) -> BackfillAction:
    def col(*names: str) -> str:
        for n, head in enumerate(header):
            if any(name in head for name in names) and n < len(cells):
                return cells[n]
        return ""

    title = col("action", "item", "task", "what", "description", "title", "remediation")
    if not title:
        title = next((c for c in cells if c and not _ISO.fullmatch(c)), "")
    status = col("status", "state", "done")
    type_ = col("type", "kind", "category").strip().lower()
    owner = col("owner", "assignee", "who", "responsible")
    due = col("due", "deadline", "eta", "by when", "date")
    prio = col("priority", "prio", "severity")
    done = (
        bool(_DONE_STATUS.search(status))
        or bool(_DONE.search(title))
        or status.strip()
        in (
            "[x]",
            "x",
            "✅",
            "yes",
        )
    )
    return BackfillAction(
        title=_title(title),
        type=type_
        if type_ in ("prevent", "detect", "mitigate", "document")
        else action_type(title),
        owner=plain(owner) or None,
        due=_due(due),
        priority=_priority(prio) if prio else "P2",
        done=done,
        line=number,
    )
