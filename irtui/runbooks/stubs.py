"""Stub pages: "moved to ...", "deprecated, see ..." — kept so old links work, never the answer.

A renamed runbook often leaves a short page behind pointing at the new one. Its title still
matches the query word for word, so plain ranking puts it above its own target. Marked here
(at index time), the search ranks it below real runbooks and says where it points.
"""

from __future__ import annotations

import re

from irtui.runbooks.model import Runbook

MAX_STUB_CHARS = 600
"""A page with more prose than this is a runbook that mentions a move, not a stub."""

_STUB_WORDS = re.compile(
    r"\b(?:(?:has |have been |was |been |is )?moved (?:to|into|over to)|"
    r"(?:this (?:page|runbook|document) )?(?:is |has been )?(?:deprecated|superseded|obsolete|"
    r"replaced by|retired)|no longer (?:maintained|used|valid|applies)|see instead|"
    r"now lives (?:at|in)|redirect(?:s|ed)? to)\b",
    re.IGNORECASE,
)
_STUB_KEYS = ("deprecated", "moved_to", "redirect", "superseded_by", "replaced_by")
_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t].*$|^ {0,3}(?:=+|-+)[ \t]*$", re.MULTILINE)
_SPACE = re.compile(r"\s+")


def stub_note(runbook: Runbook) -> str:
    """'' for a real runbook; else a short reason ("moved to ./new.md", "deprecated")."""
    data = runbook.front_matter
    for key in _STUB_KEYS:
        value = data.get(key)
        if value:
            target = value if isinstance(value, str) else ""
            if key == "deprecated" and isinstance(value, bool):
                target = ""
            return f"{key.replace('_', ' ')} {target}".strip()
    prose = _SPACE.sub(" ", _HEADING.sub(" ", runbook.body)).strip()
    if runbook.is_section_index and len(prose) < 80:
        return "section index page"  # Hugo's `_index.md`: a folder's metadata, no steps
    if not prose or len(prose) > MAX_STUB_CHARS:
        return ""
    match = _STUB_WORDS.search(prose)
    if match is None:
        return ""
    target = next((link.href for link in runbook.links if link.href.strip()), "")
    phrase = " ".join(match.group(0).lower().split())
    return f"{phrase} {target}".strip() if target else phrase
