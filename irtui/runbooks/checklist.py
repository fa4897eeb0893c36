"""Turn a runbook's task lists and numbered steps into tickable steps.

An incident commander pins a runbook and the team ticks steps; each tick lands on the timeline.
Steps get ids `step-1`, `step-2`, ... in document order, which is stable for a given file. The
timeline records the step text next to the id so a later edit to the runbook cannot silently
change what an old tick meant.
"""

from __future__ import annotations

import re

from irtui.boundary.text_out import for_terminal
from irtui.runbooks.mdscan import _ATX, iter_prose_lines
from irtui.runbooks.model import Step

_TASK = re.compile(r"^(\s*)(?:[-*+]|\d{1,9}[.)])\s+\[([ xX])\]\s+(.*\S)\s*$")
_NUMBERED = re.compile(r"^(\s*)(\d{1,9})[.)]\s+(.*\S)\s*$")
_ANY_ITEM = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s")
MAX_STEP_TEXT = 300
_MD_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_CODE = re.compile(r"(`+)(.+?)\1")
_MD_EMPHASIS = re.compile(r"(\*\*|\*)(?=\S)(.+?)(?<=\S)\1|(?<!\w)(__|_)(?=\S)(.+?)(?<=\S)\3(?!\w)")


def _unemphasise(text: str) -> str:
    return _MD_EMPHASIS.sub(lambda m: m.group(2) if m.group(1) else m.group(4), text)


def plain_inline(text: str) -> str:
    """Step text as a person reads it: link text without the URL, code without backticks,
    emphasis without asterisks. Placeholders such as `<namespace>` are kept as written."""
    text = _MD_LINK.sub(r"\1", text)
    parts = []
    last = 0
    for match in _MD_CODE.finditer(text):  # no emphasis stripping inside code
        parts.append(_unemphasise(text[last : match.start()]))
        parts.append(match.group(2).strip())
        last = match.end()
    parts.append(_unemphasise(text[last:]))
    return "".join(parts)


def extract_steps(body: str, first_line: int = 1) -> list[Step]:
    """Find `- [ ]` / `- [x]` task items and `1.` numbered items outside code blocks.

    Continuation lines (indented text right under an item) are folded into the item's text so a
    step that wraps in the source still reads as one step.
    """
    steps: list[Step] = []
    section = ""
    current: dict[str, object] | None = None

    def flush() -> None:
        nonlocal current
        if current is None:
            return
        number = len(steps) + 1
        # Shown on every seat and recorded in the incident: escape sequences made visible.
        text = for_terminal(plain_inline(" ".join(str(current["text"]).split())), single_line=True)
        if len(text) > MAX_STEP_TEXT:
            text = text[: MAX_STEP_TEXT - 1] + "…"
        steps.append(
            Step(
                id=f"step-{number}",
                number=number,
                text=text,
                line=int(str(current["line"])),
                section=str(current["section"]),
                kind=str(current["kind"]),
                checked_in_source=bool(current["checked"]),
                depth=int(str(current["depth"])),
            )
        )
        current = None

    previous_index = -2
    for index, line in iter_prose_lines(body):
        if index != previous_index + 1:
            flush()  # a code fence interrupted the item
        previous_index = index
        heading = _ATX.match(line)
        if heading:
            flush()
            section = for_terminal((heading.group(2) or "").strip(), single_line=True)
            continue
        task = _TASK.match(line)
        numbered = None if task else _NUMBERED.match(line)
        if task or numbered:
            flush()
            match = task or numbered
            assert match is not None
            indent = len(match.group(1).expandtabs(4))
            current = {
                "text": match.group(3),
                "line": first_line + index,
                "section": section,
                "kind": "task" if task else "numbered",
                "checked": bool(task and task.group(2) in "xX"),
                "depth": indent // 2,
                "indent": indent,
            }
            continue
        if current is None:
            continue
        stripped = line.strip()
        if not stripped or _ANY_ITEM.match(line):
            flush()
            continue
        if len(line) - len(line.lstrip()) > int(str(current["indent"])):
            current["text"] = f"{current['text']} {stripped}"
        else:
            flush()
    flush()
    return steps
