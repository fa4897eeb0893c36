"""Preparing a runbook for display on stdout (`irtui runbooks show`) and the viewer header.

Runbooks are written for GitHub or Hugo, not for a terminal. What `show` prints is the body
as written (placeholders such as `<namespace>` and every command byte for byte, ready to
copy) with only Hugo shortcodes removed; the CLI's `TerminalWriter` makes any escape
sequence in it visible instead of letting it drive the terminal. The viewer's rendering
rules (comments, `<br>`, images, `<details>`) live in `doc`.

Nothing here runs or evaluates anything from the runbook: it is text in, text out.
"""

from __future__ import annotations

from irtui.runbooks.mdscan import strip_shortcodes
from irtui.runbooks.model import Runbook


def display_markdown(body: str) -> str:
    """The Markdown the viewer parses: the source itself, with Hugo `ref` link targets
    unwrapped (see `doc.prepare_source`). Nothing is escaped: code stays byte for byte."""
    from irtui.runbooks.doc import prepare_source

    return prepare_source(body)


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
