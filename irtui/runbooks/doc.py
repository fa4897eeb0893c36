"""Markdown to a flat list of display blocks, without Textual.

Why not Textual's `Markdown` widget: it mounts a widget per paragraph, list item and bullet.
A 60 KB runbook becomes ~3,000 widgets and takes seconds to lay out here, far from the 150 ms
an engineer in an incident should wait. We parse with markdown-it (already a Textual dependency)
into plain blocks; the viewer wraps them into lines and paints only the visible ones.

**Fidelity first.** The source is parsed as written (no pre-escaping), so a code block's text
is exactly the runbook's, byte for byte, wherever it sits (fenced, indented, nested in a list):
that is what the copy key copies. Raw HTML is *recognised* but never interpreted:

- comments (`<!-- -->`) are hidden;
- formatting tags (`<b>`, `<code>`, `<p>`, `<div>`, ...) are dropped, their text kept;
  `<br>` is a line break (inside table cells too);
- `<img>` and `![alt](src)` become a visible marker with the alt text and the target;
- `<details>`/`<summary>` become a collapsible group (the viewer folds it);
- anything else that looks like a tag (`<namespace>`, `<pod-name>`) is a placeholder and is
  shown literally.

Text shown on screen goes through `boundary.text_out.for_terminal` (escape sequences made
visible, one character for one so styled spans stay put); code kept for copying is the
source's own (the viewer's copy path removes terminal controls before the clipboard).

Being pure, this module is also the fast "render everything" check run over whole corpora.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from irtui.boundary.text_out import for_terminal
from irtui.runbooks.mdscan import slugify

_TASK = re.compile(r"^\[([ xX])\]\s+")
_EMPHASIS = {"strong_open": "strong", "em_open": "em", "s_open": "strike"}
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9:_.\-]*)((?:\s[^<>]*)?)/?>")
_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
_ATTR = re.compile(r"""\b([a-zA-Z-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))""")
_SHORTCODE_LINK = re.compile(r"\]\(\s*\{\{[<%]\s*(?:rel)?ref\s+\"([^\"]*)\"\s*[>%]\}\}\s*\)")
_SHORTCODE_ANY = re.compile(r"\{\{[<%]\s*/?[^{}]*?[>%]\}\}")
FORMATTING_TAGS = frozenset(
    "details summary br p div span b strong i em u s del ins mark code kbd pre sub sup small "
    "hr center font blockquote ul ol li table thead tbody tr td th img a h1 h2 h3 h4 h5 h6 "
    "section article nav header footer figure figcaption tt var samp abbr cite q dl dt dd "
    "picture source caption colgroup col".split()
)
"""Tags treated as HTML. Any other `<word>` is a placeholder and stays visible."""
BREAK_TAGS = frozenset({"br", "p", "div", "li", "tr", "hr", "h1", "h2", "h3", "h4", "h5", "h6"})
MAX_CELL = 60
"""Table cells wider than this wrap inside their column (tables scroll sideways anyway)."""


@dataclass(frozen=True, slots=True)
class InlineSpan:
    """A styled range of a block's text: kind is strong, em, code, strike, link or image."""

    start: int
    end: int
    kind: str
    href: str = ""


@dataclass(frozen=True, slots=True)
class Block:
    """One displayable unit. `indent` is in cells; `prefix` is drawn before the first line.

    `groups` are the `<details>` groups the block sits in (outermost first); a `summary`
    block opens group `group`. The viewer hides a block while any of its groups is folded.
    """

    kind: str  # heading, paragraph, code, table, rule, summary
    text: str
    spans: tuple[InlineSpan, ...] = ()
    level: int = 0
    indent: int = 0
    prefix: str = ""
    quote: int = 0
    lang: str = ""
    anchor: str = ""
    code_index: int = -1
    groups: tuple[int, ...] = ()
    group: int = -1


@dataclass(slots=True)
class Document:
    blocks: list[Block] = field(default_factory=list)
    headings: list[tuple[int, str, int, str]] = field(default_factory=list)
    """`(level, text, block index, anchor)` in document order: the table of contents."""
    code_blocks: list[str] = field(default_factory=list)
    """Each code block exactly as the source has it (what the copy key copies)."""
    links: list[str] = field(default_factory=list)
    images: list[tuple[str, str]] = field(default_factory=list)
    """`(alt text, target)` of every image, in order."""
    details: int = 0
    """How many `<details>` groups the document has (ids 0..details-1)."""

    def plain_text(self) -> str:
        """Everything a reader would see, as plain text (tests and search snippets use it)."""
        return "\n".join(block.prefix + block.text for block in self.blocks)


@lru_cache(maxsize=1)
def _parser() -> Any:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


def prepare_source(markdown: str) -> str:
    """The one change made to the source before parsing: Hugo `]({{< ref "x.md" >}})` link
    targets become `](x.md)` (markdown-it cannot parse a shortcode as a link target). Code is
    never touched: the pattern only occurs as a link target."""
    if "{{" not in markdown:
        return markdown
    return _SHORTCODE_LINK.sub(lambda m: f"]({m.group(1)})", markdown)


def _attrs(tag: str) -> dict[str, str]:
    return {
        m.group(1).lower(): next(g for g in m.groups()[1:] if g is not None)
        for m in _ATTR.finditer(tag)
    }


def image_marker(alt: str, src: str) -> str:
    """How an image shows in a terminal: its alt text and where it points."""
    alt = " ".join(alt.split())
    if alt and src:
        return f"[image: {alt} → {src}]"
    return f"[image: {alt or src or '?'}]"


class _Builder:
    def __init__(self) -> None:
        self.doc = Document()
        self.lists: list[dict[str, Any]] = []
        self.quote = 0
        self.pending_prefix = ""
        self.table_rows: list[list[str]] | None = None
        self.row: list[str] = []
        self.slugs: dict[str, int] = {}
        self.open_groups: list[int] = []

    # --- helpers --------------------------------------------------------------------------
    def indent(self) -> int:
        return sum(item["width"] for item in self.lists)

    def take_prefix(self) -> str:
        prefix, self.pending_prefix = self.pending_prefix, ""
        return prefix

    def add(self, block: Block) -> None:
        self.doc.blocks.append(block)

    def block(self, kind: str, text: str, **kwargs: Any) -> Block:
        kwargs.setdefault("quote", self.quote)
        kwargs.setdefault("groups", tuple(self.open_groups))
        return Block(kind, text, **kwargs)

    # --- inline ---------------------------------------------------------------------------
    def inline(self, token: Any) -> tuple[str, tuple[InlineSpan, ...]]:
        parts: list[str] = []
        spans: list[InlineSpan] = []
        stack: list[tuple[str, int, str]] = []
        position = 0

        def add(text: str) -> None:
            nonlocal position
            text = for_terminal(text)
            parts.append(text)
            position += len(text)

        for child in token.children or ():
            kind = child.type
            if kind == "text":
                content = child.content
                if "{{" in content:
                    content = _SHORTCODE_ANY.sub("", content)
                add(content)
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
                self.doc.links.append(href)
                stack.append(("link", position, href))
            elif kind == "image":
                alt = child.content or str(child.attrs.get("alt", ""))
                src = str(child.attrs.get("src", ""))
                self.doc.images.append((alt, src))
                start = position
                add(image_marker(alt, src))
                spans.append(InlineSpan(start, position, "image", src))
            elif kind == "html_inline":
                self.inline_html(child.content, add, spans, lambda: position)
            elif kind.endswith("_close") and stack:
                name, start, href = stack.pop()
                if position > start:
                    spans.append(InlineSpan(start, position, name, href))
        return "".join(parts), tuple(spans)

    def inline_html(self, raw: str, add: Any, spans: list[InlineSpan], where: Any) -> None:
        if raw.startswith("<!--"):
            return  # a comment: hidden, as on every Markdown host
        match = _TAG.fullmatch(raw.strip())
        if match is None:
            add(raw)
            return
        closing, name = match.group(1), match.group(2).lower()
        if name not in FORMATTING_TAGS:
            add(raw)  # `<namespace>`: a placeholder, shown as written
        elif name == "br":
            add("\n")
        elif name == "img" and not closing:
            attrs = _attrs(raw)
            alt, src = attrs.get("alt", ""), attrs.get("src", "")
            self.doc.images.append((alt, src))
            start = where()
            add(image_marker(alt, src))
            spans.append(InlineSpan(start, where(), "image", src))

    # --- blocks ---------------------------------------------------------------------------
    def html_block(self, raw: str) -> None:
        """A block of raw HTML: comments hidden, `<details>`/`<summary>` as a group, images
        as markers, formatting tags dropped, placeholders and text kept."""
        text = _COMMENT.sub("", raw)
        if not text.strip():
            return
        pieces: list[str] = []
        last = 0

        def flush() -> None:
            chunk = " ".join("".join(pieces).split())
            pieces.clear()
            if chunk:
                self.add(self.block("paragraph", for_terminal(chunk), indent=self.indent()))

        for match in _TAG.finditer(text):
            pieces.append(text[last : match.start()])
            last = match.end()
            closing, name = match.group(1), match.group(2).lower()
            if name not in FORMATTING_TAGS:
                pieces.append(match.group(0))
                continue
            if name == "details":
                flush()
                if closing:
                    if self.open_groups:
                        self.open_groups.pop()
                else:
                    self.open_groups.append(self.doc.details)
                    self.doc.details += 1
            elif name == "summary":
                if closing:
                    title = " ".join("".join(pieces).split()) or "Details"
                    pieces.clear()
                    group = self.open_groups[-1] if self.open_groups else -1
                    outer = tuple(self.open_groups[:-1]) if self.open_groups else ()
                    self.add(self.block("summary", for_terminal(title), group=group,
                                        groups=outer, indent=self.indent()))  # fmt: skip
                else:
                    flush()
            elif name == "img" and not closing:
                flush()
                attrs = _attrs(match.group(0))
                alt, src = attrs.get("alt", ""), attrs.get("src", "")
                self.doc.images.append((alt, src))
                marker = image_marker(alt, src)
                self.add(self.block("paragraph", for_terminal(marker), indent=self.indent(),
                                    spans=(InlineSpan(0, len(marker), "image", src),)))  # fmt: skip
            elif name in BREAK_TAGS:
                flush()
        pieces.append(text[last:])
        flush()

    def heading(self, token: Any, inline: Any) -> None:
        level = int(token.tag[1:]) if token.tag[1:].isdigit() else 1
        text, spans = self.inline(inline)
        base = slugify(text)
        count = self.slugs.get(base, 0)
        self.slugs[base] = count + 1
        anchor = f"{base}-{count}" if count else base
        self.doc.headings.append((level, text, len(self.doc.blocks), anchor))
        self.add(self.block("heading", text, spans=spans, level=level, anchor=anchor))

    def paragraph(self, token: Any) -> None:
        text, spans = self.inline(token)
        prefix = self.take_prefix()
        base_indent = self.indent()
        if prefix and self.lists:
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
            self.lists[-1]["width"] = len(prefix)
        if not text.strip() and not prefix:
            return  # a paragraph of nothing but a comment or a shortcode
        self.add(self.block("paragraph", text, spans=spans, indent=base_indent, prefix=prefix))

    def code(self, token: Any) -> None:
        self.take_prefix()
        self.doc.code_blocks.append(token.content)
        self.add(
            self.block("code", for_terminal(token.content.rstrip("\n")), indent=self.indent(),
                       lang=for_terminal((token.info or "").strip().split(" ")[0]),
                       code_index=len(self.doc.code_blocks) - 1)
        )  # fmt: skip

    def build(self, tokens: list[Any]) -> Document:
        index = 0
        while index < len(tokens):
            token = tokens[index]
            kind = token.type
            if kind in ("bullet_list_open", "ordered_list_open"):
                start = int(token.attrs.get("start", 1) or 1) if kind == "ordered_list_open" else 0
                self.lists.append({"ordered": kind == "ordered_list_open", "n": start, "width": 0})
            elif kind in ("bullet_list_close", "ordered_list_close"):
                if self.lists:
                    self.lists.pop()
            elif kind == "list_item_open" and self.lists:
                current = self.lists[-1]
                marker = f"{current['n']}. " if current["ordered"] else "• "
                current["n"] += 1
                current["width"] = 0
                self.pending_prefix = marker
            elif kind == "list_item_close" and self.lists:
                self.lists[-1]["width"] = 0
            elif kind == "blockquote_open":
                self.quote += 1
            elif kind == "blockquote_close":
                self.quote = max(0, self.quote - 1)
            elif kind == "heading_open":
                self.heading(token, tokens[index + 1])
                index += 3
                continue
            elif kind == "inline" and self.table_rows is not None:
                self.row.append(self.inline(token)[0])
            elif kind == "inline":
                self.paragraph(token)
            elif kind in ("fence", "code_block"):
                self.code(token)
            elif kind == "html_block":
                self.html_block(token.content)
            elif kind == "hr":
                self.add(self.block("rule", "", indent=self.indent()))
            elif kind == "table_open":
                self.table_rows = []
            elif kind == "tr_open":
                self.row = []
            elif kind == "tr_close" and self.table_rows is not None:
                self.table_rows.append(self.row)
            elif kind == "table_close" and self.table_rows is not None:
                self.add(self.block("table", table_text(self.table_rows), indent=self.indent()))
                self.table_rows = None
            index += 1
        return self.doc


def build_document(markdown: str, *, prepared: bool = False) -> Document:
    """Parse Markdown into display blocks (`prepared=True`: `prepare_source` already ran)."""
    source = markdown if prepared else prepare_source(markdown)
    return _Builder().build(_parser().parse(source))


def _wrap_cell(text: str, width: int) -> list[str]:
    import textwrap

    lines: list[str] = []
    for part in text.split("\n") or [""]:
        lines.extend(textwrap.wrap(part, width, break_long_words=True) or [""])
    return lines


def table_text(rows: list[list[str]]) -> str:
    """A plain, aligned text table. `<br>` in a cell and cells wider than `MAX_CELL` become
    several lines inside their column; the viewer scrolls wide tables sideways, so nothing
    is ever cut off."""
    if not rows:
        return ""
    columns = max(len(r) for r in rows)
    cells = [[_wrap_cell(r[c] if c < len(r) else "", MAX_CELL) for c in range(columns)]
             for r in rows]  # fmt: skip
    widths = [max(len(line) for row in cells for line in row[c]) for c in range(columns)]
    lines = []
    for number, row in enumerate(cells):
        height = max(len(cell) for cell in row)
        for sub in range(height):
            padded = [
                (row[c][sub] if sub < len(row[c]) else "").ljust(widths[c]) for c in range(columns)
            ]
            lines.append(" │ ".join(padded).rstrip())
        if number == 0:
            lines.append("─┼─".join("─" * w for w in widths))
    return "\n".join(lines)
