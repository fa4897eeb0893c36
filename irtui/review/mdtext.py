"""User text inside generated Markdown (postmortem drafts, reports).

Titles, entries and names are embedded verbatim but made safe for the two places a draft ends
up: a Markdown table (one line, pipes escaped) and a terminal (control characters, ANSI escapes
above all, replaced so a pasted escape sequence cannot repaint the reader's screen).
"""

from __future__ import annotations


def printable(text: object) -> str:
    """Keep newlines; every other control character becomes U+FFFD."""
    return "".join(ch if ch.isprintable() or ch == "\n" else "\ufffd" for ch in str(text))


def cell(text: object) -> str:
    """One Markdown table cell or list item: one line, pipes escaped, no control characters."""
    return " ".join(printable(str(text).replace("\t", " ")).split()).replace("|", "\\|")
