"""Preparing a runbook body for display, on screen and on stdout.

Runbooks are written for GitHub or Hugo, not for a terminal. Three things need care:

* Angle-bracket placeholders (`kubectl -n <namespace> get pods`) look like HTML tags to a
  CommonMark parser, and a terminal renderer drops HTML, so the placeholder would vanish from a
  command someone is about to type. We escape every `<word>` that is not a known formatting
  tag, outside code, so it shows literally.
* Formatting HTML (`<details>`, `<summary>`, `<br>`) is turned into plain Markdown.
* Hugo shortcodes are removed, keeping the text between them.

Nothing here runs or evaluates anything from the runbook: it is text in, text out.
"""

from __future__ import annotations

import re

from irtui.runbooks.mdscan import strip_shortcodes
from irtui.runbooks.model import Runbook

_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:_.\-]*)((?:\s[^<>]*)?)(/?)>")
_AUTOLINK = re.compile(r"<(?:[A-Za-z][A-Za-z0-9+.\-]{1,31}:[^\s<>]*|[^\s<>@]+@[^\s<>@]+)>")
_FORMATTING_TAGS = frozenset(
    "details summary br p div span b strong i em u s del ins mark code kbd pre sub sup small "
    "hr center font blockquote ul ol li table thead tbody tr td th img a h1 h2 h3 h4 h5 h6 "
    "section article nav header footer figure figcaption".split()
)
"""Tags treated as HTML. Any other `<word>` is a placeholder and must stay visible."""
_LOOSE_LT = re.compile(r"(?<!\\)<(?=[A-Za-z/!?])")
_INLINE_MARK = {"b": "**", "strong": "**", "i": "*", "em": "*", "code": "`", "kbd": "`"}


def _replace_tag(match: re.Match[str]) -> str:
    closing, name, attrs, _self_closing = match.groups()
    lower = name.lower()
    if lower not in _FORMATTING_TAGS:
        return "\\<" + match.group(0)[1:-1] + "\\>"
    if lower == "summary":
        return "" if closing else "**▸ "
    if lower == "br" or lower == "hr":
        return "  \n" if lower == "br" else "\n\n---\n\n"
    if lower in _INLINE_MARK:
        return _INLINE_MARK[lower]
    del attrs
    return ""


def _fix_summary_close(line: str) -> str:
    # `<summary>Title</summary>` became `**▸ Title`: close the bold.
    if "**▸ " in line and line.count("**") % 2 == 1:
        return line.rstrip() + "**"
    return line


def _escape_prose(line: str) -> str:
    if "<" not in line:
        return line
    pieces: list[str] = []
    last = 0
    for code in _INLINE_CODE.finditer(line):
        pieces.append(_escape_segment(line[last : code.start()]))
        pieces.append(code.group(0))
        last = code.end()
    pieces.append(_escape_segment(line[last:]))
    return _fix_summary_close("".join(pieces))


def _escape_segment(segment: str) -> str:
    if "<" not in segment:
        return segment
    parts: list[str] = []
    last = 0
    for auto in _AUTOLINK.finditer(segment):
        parts.append(_escape_tags(segment[last : auto.start()]))
        parts.append(auto.group(0))
        last = auto.end()
    parts.append(_escape_tags(segment[last:]))
    return "".join(parts)


def _escape_tags(text: str) -> str:
    text = _TAG.sub(_replace_tag, text)
    # A lone `<` (`a < b`, `<-`) is fine in Markdown; a `<` followed by a letter that did not
    # form a whole tag (`<namespace` split over lines) is escaped so it cannot open HTML.
    return _LOOSE_LT.sub(r"\\<", text)


def display_markdown(body: str) -> str:
    """The Markdown the viewer renders: shortcodes removed, HTML tamed, placeholders kept."""
    body = strip_shortcodes(body)
    out: list[str] = []
    fence: str | None = None
    for line in body.split("\n"):
        match = _FENCE.match(line)
        if fence is None:
            if match:
                fence = match.group(1)
                out.append(line)
                continue
            out.append(_escape_prose(line))
        else:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None
            out.append(line)
    return "\n".join(out)


def header_lines(runbook: Runbook, stale_days: int | None = None) -> list[str]:
    """`title`, then one line of who/when/what metadata for `show` and the viewer header."""
    lines = [runbook.title]
    facts: list[str] = []
    if runbook.severity:
        facts.append(f"severity: {runbook.severity}")
    if runbook.owner:
        facts.append(f"owner: {runbook.owner}")
    if runbook.last_reviewed:
        stale = f" (STALE: {stale_days} days)" if stale_days is not None else ""
        facts.append(f"last reviewed: {runbook.last_reviewed.isoformat()}{stale}")
    if runbook.services:
        facts.append("services: " + ", ".join(runbook.services))
    if runbook.alerts:
        facts.append("alerts: " + ", ".join(runbook.alerts))
    if runbook.tags:
        facts.append("tags: " + ", ".join(runbook.tags))
    if facts:
        lines.append(" · ".join(facts))
    return lines


def plain_text(runbook: Runbook, stale_days: int | None = None) -> str:
    """What `irtui runbooks show` prints: a short header, then the Markdown body as written.

    Only shortcodes are stripped; placeholders and commands are printed exactly, ready to copy.
    """
    head = header_lines(runbook, stale_days)
    rule = "=" * min(max(len(head[0]), 8), 78)
    parts = [head[0], rule, *head[1:], f"source: {runbook.path}", ""]
    body = strip_shortcodes(runbook.body).strip("\n")
    return "\n".join(parts) + "\n" + body + "\n"
