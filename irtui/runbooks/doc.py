"""Markdown to a flat list of display blocks, without Textual.

Why not Textual's `Markdown` widget: it mounts a widget per paragraph, list item and bullet.
A 60 KB runbook becomes ~3,000 widgets and takes seconds to lay out here, far from the 150 ms
an engineer in an incident should wait. We parse with markdown-it (already a Textual dependency)
into plain blocks; the viewer wraps them into lines and paints only the visible ones.

Being pure, this module is also the fast "render everything" check run over whole corpora.
Raw HTML is disabled in the parser, so anything that looks like a tag is shown as text (after
`render.display_markdown` has turned the formatting tags into Markdown): `<namespace>` cannot
vanish.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from irtui.runbooks.mdscan import slugify
from irtui.runbooks.render import display_markdown

_TASK = re.compile(r"^\[([ xX])\]\s+")
_EMPHASIS = {"strong_open": "strong", "em_open": "em", "s_open": "strike"}


@dataclass(frozen=True, slots=True)
class InlineSpan:
    """A styled range of a block's text: kind is strong, em, code, strike or link."""

    start: int
    end: int
    kind: str
    href: str = ""


@dataclass(frozen=True, slots=True)
class Block:
    """One displayable unit. `indent` is in cells; `prefix` is drawn before the first line."""

    kind: str  # heading, paragraph, code, table, rule
    text: str
    spans: tuple[InlineSpan, ...] = ()
    level: int = 0
    indent: int = 0
    prefix: str = ""
    quote: int = 0
    lang: str = ""
    anchor: str = ""
    code_index: int = -1


@dataclass(slots=True)
class Document:
    blocks: list[Block] = field(default_factory=list)
    headings: list[tuple[int, str, int, str]] = field(default_factory=list)
    """`(level, text, block index, anchor)` in document order: the table of contents."""
    code_blocks: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)

    def plain_text(self) -> str:
        """Everything a reader would see, as plain text (tests and search snippets use it)."""
        return "\n".join(block.prefix + block.text for block in self.blocks)


@lru_cache(maxsize=1)
def _parser() -> Any:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


def _inline(token: Any, links: list[str]) -> tuple[str, tuple[InlineSpan, ...]]:
    parts: list[str] = []
    spans: list[InlineSpan] = []
    stack: list[tuple[str, int, str]] = []
    position = 0

    def add(text: str) -> None:
        nonlocal position
        parts.append(text)
        position += len(text)

    for child in token.children or ():
        kind = child.type
        if kind == "text":
            add(child.content)
        elif kind == "softbreak":
            add(" ")
        elif kind == "hardbreak":
            add("\n")
        elif kind == "code_inline":
            start = position
            add(child.content)
            spans.append(InlineSpan(start, position, "code"))
        elif kind in _EMPHASIS:
            stack.append((_EMPHASIS[kind], position, ""))
        elif kind == "link_open":
            href = str(child.attrs.get("href", ""))
            links.append(href)
            stack.append(("link", position, href))
        elif kind == "image":
            alt = child.content or str(child.attrs.get("alt", ""))
            add(f"[image: {alt}]" if alt else "[image]")
        elif kind == "html_inline":  # only reachable if a caller enables HTML
            add(child.content)
        elif kind.endswith("_close") and stack:
            name, start, href = stack.pop()
            if position > start:
                spans.append(InlineSpan(start, position, name, href))
    return "".join(parts), tuple(spans)


def build_document(markdown: str, *, prepared: bool = False) -> Document:
    """Parse Markdown into display blocks. `prepared=True` skips `display_markdown`."""
    source = markdown if prepared else display_markdown(markdown)
    tokens = _parser().parse(source)
    doc = Document()
    lists: list[dict[str, Any]] = []
    quote = 0
    pending_prefix = ""
    table_rows: list[list[str]] | None = None
    row: list[str] = []
    slugs: dict[str, int] = {}

    def indent() -> int:
        return sum(item["width"] for item in lists)

    def take_prefix() -> str:
        nonlocal pending_prefix
        prefix, pending_prefix = pending_prefix, ""
        return prefix

    index = 0
    while index < len(tokens):
        token = tokens[index]
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            start = int(token.attrs.get("start", 1) or 1) if kind == "ordered_list_open" else 0
            lists.append({"ordered": kind == "ordered_list_open", "n": start, "width": 0})
        elif kind in ("bullet_list_close", "ordered_list_close"):
            if lists:
                lists.pop()
        elif kind == "list_item_open" and lists:
            current = lists[-1]
            marker = f"{current['n']}. " if current["ordered"] else "• "
            current["n"] += 1
            current["width"] = 0
            pending_prefix = marker
        elif kind == "list_item_close" and lists:
            lists[-1]["width"] = 0
        elif kind == "blockquote_open":
            quote += 1
        elif kind == "blockquote_close":
            quote = max(0, quote - 1)
        elif kind == "heading_open":
            level = int(token.tag[1:]) if token.tag[1:].isdigit() else 1
            text, spans = _inline(tokens[index + 1], doc.links)
            base = slugify(text)
            count = slugs.get(base, 0)
            slugs[base] = count + 1
            anchor = f"{base}-{count}" if count else base
            doc.headings.append((level, text, len(doc.blocks), anchor))
            doc.blocks.append(Block("heading", text, spans, level=level, quote=quote,
                                    anchor=anchor))  # fmt: skip
            index += 3
            continue
        elif kind == "inline" and table_rows is not None:
            row.append(_inline(token, doc.links)[0])
        elif kind == "inline":
            text, spans = _inline(token, doc.links)
            prefix = take_prefix()
            base_indent = indent()
            if prefix and lists:
                task = _TASK.match(text)
                if task:
                    mark = "☑ " if task.group(1) in "xX" else "☐ "
                    cut = task.end()
                    text = text[cut:]
                    spans = tuple(
                        InlineSpan(max(0, s.start - cut), max(0, s.end - cut), s.kind, s.href)
                        for s in spans
                        if s.end > cut
                    )
                    prefix = prefix + mark if prefix.strip()[:-1].isdigit() else mark
                lists[-1]["width"] = len(prefix)
            doc.blocks.append(Block("paragraph", text, spans, indent=base_indent,
                                    prefix=prefix, quote=quote))  # fmt: skip
        elif kind in ("fence", "code_block"):
            take_prefix()
            doc.code_blocks.append(token.content)
            doc.blocks.append(
                Block("code", token.content.rstrip("\n"), indent=indent(), quote=quote,
                      lang=(token.info or "").strip().split(" ")[0],
                      code_index=len(doc.code_blocks) - 1)
            )  # fmt: skip
        elif kind == "hr":
            doc.blocks.append(Block("rule", "", indent=indent(), quote=quote))
        elif kind == "table_open":
            table_rows = []
        elif kind == "tr_open":
            row = []
        elif kind == "tr_close" and table_rows is not None:
            table_rows.append(row)
        elif kind == "table_close" and table_rows is not None:
            doc.blocks.append(Block("table", _table_text(table_rows), indent=indent(),
                                    quote=quote))  # fmt: skip
            table_rows = None
        index += 1
    return doc


def _table_text(rows: list[list[str]]) -> str:
    """A plain, aligned text table (cells padded; very wide cells are left to wrap)."""
    if not rows:
        return ""
    columns = max(len(r) for r in rows)
    widths = [min(40, max((len(r[c]) if c < len(r) else 0) for r in rows)) for c in range(columns)]
    lines = []
    for number, cells in enumerate(rows):
        padded = [(cells[c] if c < len(cells) else "").ljust(widths[c]) for c in range(columns)]
        lines.append(" │ ".join(padded).rstrip())
        if number == 0:
            lines.append("─┼─".join("─" * w for w in widths))
    return "\n".join(lines)
