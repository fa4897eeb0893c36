"""A Markdown postmortem split into its title and sections, every line with its number.

Headings come from `markdown-it-py` (the CommonMark parser the project already ships), so
`#` lines inside fenced code, setext headings and HTML blocks are understood the way any
Markdown viewer would; the lines *between* headings are kept verbatim with their 1-based line
numbers, because every line must end up placed or reported with `file:line`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markdown_it import MarkdownIt


@dataclass(slots=True)
class Section:
    heading: str
    level: int
    line: int  # 1-based line of the heading
    lines: list[tuple[int, str]] = field(default_factory=list)  # (line number, text)

    def text(self) -> str:
        """The section's body as written (trailing blank lines dropped)."""
        body = [t for _n, t in self.lines]
        while body and not body[-1].strip():
            body.pop()
        while body and not body[0].strip():
            body.pop(0)
        return "\n".join(body)


@dataclass(slots=True)
class Document:
    title: str
    title_line: int | None
    preamble: Section  # lines before the first section heading (after the title)
    sections: list[Section]


_PARSER = MarkdownIt("commonmark")


def split(text: str) -> Document:
    lines = text.splitlines()
    tokens = _PARSER.parse(text)
    headings: list[tuple[int, int, int, str]] = []  # (start, end, level, text)
    for n, tok in enumerate(tokens):
        if tok.type == "heading_open" and tok.map:
            inline = tokens[n + 1].content if n + 1 < len(tokens) else ""
            headings.append((tok.map[0], tok.map[1], int(tok.tag[1:]), inline.strip()))
    title = ""
    title_line: int | None = None
    body_headings = headings
    if headings and headings[0][2] == 1:
        title, title_line = headings[0][3], headings[0][0] + 1
        body_headings = headings[1:]
    elif headings:
        # no H1: the first heading of the highest level is the title
        top = min(h[2] for h in headings)
        first = next(h for h in headings if h[2] == top)
        title, title_line = first[3], first[0] + 1
        body_headings = [h for h in headings if h is not first]
    start_of_body = (title_line or 0) if title_line else 0
    preamble = Section("", 0, start_of_body)
    sections: list[Section] = []
    heading_rows = {h[0]: h for h in body_headings}
    skip: set[int] = set()
    for h in headings:
        skip.update(range(h[0], h[1]))
    current = preamble
    for index, line in enumerate(lines):
        if index in heading_rows:
            _s, _e, level, head = heading_rows[index]
            current = Section(head, level, index + 1)
            sections.append(current)
            continue
        if index in skip:
            continue
        if title_line is not None and index < title_line - 1 and current is preamble:
            current.lines.append((index + 1, line))
            continue
        current.lines.append((index + 1, line))
    return Document(title, title_line, preamble, sections)
