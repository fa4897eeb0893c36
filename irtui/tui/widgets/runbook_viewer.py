"""`RunbookViewer`: read one runbook in the terminal, with contents, code copy and links.

Keys: `t` contents on/off, `]`/`[` next/previous heading, `n`/`N` next/previous code block,
`c` copy the selected code block to the clipboard, `backspace` back to the previous runbook,
`!` list the problems found in the file (bad front matter, encoding).

Why not Textual's `Markdown`/`MarkdownViewer`: the widget mounts one widget per paragraph,
list item and bullet, so a 60 KB runbook took ~7 s to open here (measured); and its link
handling loads files relative to the working directory and opens URLs. `RunbookDocument`
instead paints pre-wrapped lines with the Line API (only the visible rows are rendered), from
blocks parsed by `irtui.runbooks.doc`. A link to another runbook opens it *from the library*
(ids, not paths); an external URL is only copied, never opened: a runbook is text to read, and
nothing in it runs. Raw HTML is never interpreted, so `<namespace>` placeholders stay visible.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

from rich.segment import Segment
from rich.style import Style as RichStyle
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content, Span
from textual.events import Resize
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.style import Style
from textual.widget import Widget
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from irtui.boundary.text_out import for_terminal
from irtui.runbooks.doc import Block, Document, build_document
from irtui.runbooks.links import is_external, split_href
from irtui.runbooks.model import Runbook
from irtui.tui.actions import bindings

_QUOTE_BAR = "▌ "


class RunbookDocument(ScrollView, can_focus=True):
    """A read-only document view: blocks are wrapped to the width, rows painted on demand."""

    COMPONENT_CLASSES = {
        "doc--h1", "doc--h2", "doc--h3", "doc--code", "doc--code-selected", "doc--link",
        "doc--inline-code", "doc--quote", "doc--rule", "doc--bullet", "doc--image",
        "doc--summary",
    }  # fmt: skip
    DEFAULT_CSS = """
    RunbookDocument { height: 1fr; padding: 0 1; background: $surface; }
    RunbookDocument > .doc--h1 { text-style: bold underline; color: $accent; }
    RunbookDocument > .doc--h2 { text-style: bold; color: $accent; }
    RunbookDocument > .doc--h3 { text-style: bold; }
    RunbookDocument > .doc--code { background: $boost; color: $text; }
    RunbookDocument > .doc--code-selected { background: $accent 25%; color: $text; }
    RunbookDocument > .doc--link { text-style: underline; color: $primary; }
    RunbookDocument > .doc--inline-code { background: $boost; color: $warning; }
    RunbookDocument > .doc--quote { color: $text-muted; }
    RunbookDocument > .doc--rule { color: $foreground 30%; }
    RunbookDocument > .doc--bullet { color: $accent; }
    RunbookDocument > .doc--image { color: $secondary; text-style: italic; }
    RunbookDocument > .doc--summary { text-style: bold; color: $accent; }
    """

    class LinkClicked(Message):
        def __init__(self, href: str) -> None:
            super().__init__()
            self.href = href

    def __init__(self, *, name: str | None = None, id: str | None = None) -> None:
        super().__init__(name=name, id=id)
        self.document = Document()
        self.selected_code = -1
        self._lines: list[Content] = []
        self._block_rows: list[int] = []
        self._wrapped_width = -1
        self._complete = True
        self._generation = 0
        self.collapsed: set[int] = set()
        """`<details>` groups folded (all of them when a runbook opens, as on GitHub)."""
        self.selected_target = -1
        """Index into `targets()`: the link or fold the keyboard is on (-1: none)."""

    def set_document(self, document: Document) -> None:
        """Show `document`: wrap the first screenful now, the rest right after it is painted.

        Wrapping a 60 KB runbook takes tens of milliseconds; the reader needs the top first.
        Anything that needs exact rows of later blocks (anchors, headings, code selection)
        finishes the wrap on demand.
        """
        self.document = document
        self.selected_code = -1
        self.selected_target = -1
        self.collapsed = set(range(document.details))
        self._generation += 1
        self._wrap(limit_rows=max(60, 3 * (self.size.height or 40)))
        self.scroll_to(0, 0, animate=False, force=True)
        if not self._complete:
            generation = self._generation
            self.call_after_refresh(self._finish_wrap, generation)

    def _finish_wrap(self, generation: int) -> None:
        if generation == self._generation and not self._complete:
            self._wrap()

    def ensure_wrapped(self) -> None:
        """Wrap every block now (cheap if already done)."""
        if not self._complete or self._wrapped_width != self._width():
            self._wrap()

    def select_code(self, index: int) -> None:
        self.selected_code = index
        block = next((i for i, b in enumerate(self.document.blocks) if b.code_index == index), None)
        if block is not None:
            self.collapsed -= set(self.document.blocks[block].groups)  # unfold to show it
        self._wrap()
        if block is not None:
            self.scroll_to_block(block, top=False)

    # --- links and folds, by keyboard ------------------------------------------------------
    def hidden(self, block: Block) -> bool:
        return any(group in self.collapsed for group in block.groups)

    def targets(self) -> list[tuple[int, int]]:
        """`(block index, span index)` of every link and `<details>` fold on screen, in
        order; span index -1 is a fold's summary line."""
        found: list[tuple[int, int]] = []
        for number, block in enumerate(self.document.blocks):
            if self.hidden(block):
                continue
            if block.kind == "summary":
                found.append((number, -1))
            for span_index, span in enumerate(block.spans):
                if span.kind == "link":
                    found.append((number, span_index))
        return found

    def select_target(self, step: int) -> tuple[int, int] | None:
        """Move to the next (`step=1`) or previous (`-1`) link or fold; returns it."""
        targets = self.targets()
        if not targets:
            return None
        current = self.selected_target
        self.selected_target = (
            (current + step) % len(targets)
            if current >= 0
            else (0 if step > 0 else len(targets) - 1)
        )
        self._wrap()
        block, _span = targets[self.selected_target]
        self.scroll_to_block(block, top=False)
        return targets[self.selected_target]

    def current_target(self) -> tuple[int, int] | None:
        targets = self.targets()
        if 0 <= self.selected_target < len(targets):
            return targets[self.selected_target]
        return None

    def toggle_group(self, group: int) -> None:
        if group in self.collapsed:
            self.collapsed.discard(group)
        else:
            self.collapsed.add(group)
        self._wrap()

    def row_of_block(self, block_index: int) -> int:
        self.ensure_wrapped()
        if 0 <= block_index < len(self._block_rows):
            return self._block_rows[block_index]
        return 0

    def scroll_to_block(self, block_index: int, *, top: bool = True) -> None:
        row = self.row_of_block(block_index)
        if top:
            self.scroll_to(0, row, animate=False, force=True)
        else:
            height = self.scrollable_content_region.height or 1
            if not self.scroll_y <= row < self.scroll_y + height:
                self.scroll_to(0, max(0, row - 2), animate=False, force=True)

    # --- layout -------------------------------------------------------------------------
    def on_resize(self, event: Resize) -> None:
        if self._wrapped_width != self._width():
            self._wrap()

    def _width(self) -> int:
        return max(20, self.scrollable_content_region.width or self.size.width or 80)

    def _style(self, name: str) -> Style:
        return Style.from_rich_style(self.get_component_rich_style(name, partial=True))

    def _wrap(self, limit_rows: int | None = None) -> None:
        """Wrap blocks into rows at the current width (all of them, or about `limit_rows`).

        Tables are never wrapped or cut: the view becomes as wide as the widest table and
        scrolls sideways (`left`/`right`), so every cell stays readable."""
        width = self._width()
        self._wrapped_width = width
        lines: list[Content] = []
        rows: list[int] = []
        previous: Block | None = None
        blocks = self.document.blocks
        done = 0
        widest = width
        targets = self.targets()
        selected = (
            targets[self.selected_target] if 0 <= self.selected_target < len(targets) else None
        )
        for number, block in enumerate(blocks):
            if limit_rows is not None and len(lines) >= limit_rows:
                break
            rows.append(len(lines))
            done += 1
            if self.hidden(block):
                continue
            if previous is not None and _gap_before(previous, block):
                lines.append(Content(""))
                rows[-1] = len(lines)
            mark = selected[1] if selected is not None and selected[0] == number else None
            block_lines = self._block_lines(block, width, mark)
            if block.kind == "table":
                widest = max(widest, *(line.cell_length for line in block_lines))
            lines.extend(block_lines)
            previous = block
        self._complete = done == len(blocks)
        estimate = len(lines)
        if not self._complete:  # a scrollbar of about the right size until the rest is wrapped
            rest = blocks[done:]
            estimate += sum(2 + len(b.text) // max(20, width - 4) for b in rest)
        self._lines = lines
        self._block_rows = rows
        self.virtual_size = Size(widest, estimate)
        self.refresh()

    def _inline(self, block: Block, mark: int | None = None) -> Content:
        spans: list[Span] = []
        for number, span in enumerate(block.spans):
            if span.kind == "strong":
                style: Style | str = "bold"
            elif span.kind == "em":
                style = "italic"
            elif span.kind == "strike":
                style = "strike"
            elif span.kind == "code":
                style = self._style("doc--inline-code")
            elif span.kind == "image":
                style = self._style("doc--image")
            else:
                style = self._style("doc--link") + Style.from_meta(
                    {"@click": f"follow_link({span.href!r})"}
                )
                if number == mark:
                    style = style + Style(reverse=True)
            spans.append(Span(span.start, span.end, style))
        return Content(block.text, spans)

    def _block_lines(self, block: Block, width: int, mark: int | None = None) -> list[Content]:
        lead = (_QUOTE_BAR * block.quote) + " " * block.indent
        if block.kind == "summary":
            folded = block.group in self.collapsed
            arrow = "▸ " if folded else "▾ "
            hint = "  (Enter: open)" if folded else ""
            style = self._style("doc--summary")
            if mark == -1:
                style = style + Style(reverse=True)
            text = Content(arrow) + Content(block.text).stylize(style)
            return _wrap(Content(lead) + text + Content(hint).stylize("dim"), width)
        if block.kind == "heading":
            name = f"doc--h{min(block.level, 3)}"
            text = self._inline(block, mark).stylize(self._style(name))
            marker = "#" * block.level + " " if block.level > 2 else ""
            return _wrap(Content(lead + marker) + text, width)
        if block.kind == "code":
            name = "doc--code-selected" if block.code_index == self.selected_code else "doc--code"
            style = self._style(name)
            inner = max(10, width - len(lead) - 2)
            label = f" {block.lang} " if block.lang else ""
            out = [Content(lead) + Content(("┌" + label).ljust(inner + 2, "─")).stylize(style)]
            for raw in block.text.split("\n") or [""]:
                for piece in Content(raw.expandtabs(4)).fold(inner) or [Content("")]:
                    line = Content("│ ") + piece + Content(" " * (inner - piece.cell_length))
                    out.append(Content(lead) + line.stylize(style))
            copy_hint = f" c: copy #{block.code_index + 1} "
            out.append(Content(lead) + Content(("└" + copy_hint).ljust(inner + 2, "─"))
                       .stylize(style))  # fmt: skip
            return out
        if block.kind == "rule":
            return [Content(lead) + Content("─" * max(1, width - len(lead))).stylize(
                self._style("doc--rule"))]  # fmt: skip
        if block.kind == "table":
            return [Content(lead) + Content(row) for row in block.text.split("\n")]
        body = self._inline(block, mark)
        if block.quote:
            body = body.stylize(self._style("doc--quote"))
        first = Content(lead) + Content(block.prefix).stylize(self._style("doc--bullet"))
        hang = " " * (len(lead) + len(block.prefix))
        wrapped = body.wrap(max(10, width - len(hang))) if body.plain else [Content("")]
        out = [first + wrapped[0]]
        out.extend(Content(hang) + line for line in wrapped[1:])
        return out

    # --- painting -----------------------------------------------------------------------
    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width or self.size.width
        base: RichStyle = self.rich_style
        if index >= len(self._lines):
            return Strip.blank(width, base)
        segments = self._lines[index].render_segments()
        strip = Strip(Segment.apply_style(segments, base))
        return strip.crop_extend(scroll_x, scroll_x + width, base)

    def action_follow_link(self, href: str) -> None:
        self.post_message(self.LinkClicked(href))


@lru_cache(maxsize=32)
def cached_document(body: str) -> Document:
    """The parsed document for a runbook body; reopening a runbook skips the parse.

    Keyed by the text itself, so an edited file is parsed again. Thread-safe enough to be
    warmed from a worker thread (the browser parses while the UI keeps painting).
    """
    return build_document(_viewable_body(body))


MAX_VIEW_CHARS = 256 * 1024
"""Longer bodies are cut in the viewer (with a note); `irtui runbooks show` prints them whole."""


def _viewable_body(body: str) -> str:
    if len(body) <= MAX_VIEW_CHARS:
        return body
    cut = body.rfind("\n", 0, MAX_VIEW_CHARS)
    shown = body[: cut if cut > 0 else MAX_VIEW_CHARS]
    return (
        shown + f"\n\n---\n\n*This runbook is {len(body) // 1024} KB; the viewer shows the first "
        f"{MAX_VIEW_CHARS // 1024} KB. `irtui runbooks show` prints all of it.*\n"
    )


_CLIPBOARD_UNSAFE = None


def clipboard_text(code: str) -> tuple[str, int]:
    """The code block for the clipboard: exactly the runbook's text, except terminal escape
    sequences and control characters (tabs and newlines stay). Pasted into a shell, an ESC
    can end bracketed paste and run what follows; nothing a runbook says should do that."""
    import re

    from irtui.boundary.text_in import TERMINAL_SEQUENCE

    global _CLIPBOARD_UNSAFE
    if _CLIPBOARD_UNSAFE is None:
        _CLIPBOARD_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
    text, sequences = TERMINAL_SEQUENCE.subn("", code)
    text, controls = _CLIPBOARD_UNSAFE.subn("", text.replace("\r\n", "\n"))
    return text, sequences + controls


def _gap_before(previous: Block, block: Block) -> bool:
    """A blank row between blocks, except between items of one tight list."""
    if block.kind == "heading" or previous.kind in ("heading", "code", "table"):
        return True
    if block.kind == "paragraph" and previous.kind == "paragraph":
        return not (block.prefix and previous.prefix) and not (block.indent and previous.indent)
    return True


def _wrap(content: Content, width: int) -> list[Content]:
    return content.wrap(width) or [Content("")]


EMPTY_HINT = "No runbook open."
"""Until a runbook is shown the viewer is this line only (the owner may say how to open
one): empty contents and page panels read as a broken screen."""


class RunbookViewer(Widget, can_focus=False, can_focus_children=True):
    """Shows one runbook; follows links through a `RunbookLibrary` (optional).

    The viewer never touches files itself: `library.get(id)` and `library.resolve_link()` do,
    so a link cannot escape the configured runbook folders.
    """

    DEFAULT_CSS = """
    RunbookViewer { height: 1fr; layout: vertical; }
    RunbookViewer > #rb-header { height: auto; padding: 0 1; background: $boost; }
    RunbookViewer > #rb-header.-stale { border-left: thick $warning; }
    RunbookViewer > #rb-body { height: 1fr; }
    RunbookViewer #rb-toc { width: 32; max-width: 40%; height: 1fr; display: block; }
    RunbookViewer.-no-toc #rb-toc { display: none; }
    RunbookViewer.-narrow #rb-toc { display: none; }
    RunbookViewer.-empty #rb-body { display: none; }
    RunbookViewer.-empty > #rb-header { background: transparent; color: $text-muted; }
    RunbookViewer #rb-doc { width: 1fr; height: 1fr; }
    """

    BINDINGS = bindings("runbook")
    """From the action registry (scope "runbook"): the palette and help list the same keys.
    They live on the viewer, so they act only while focus is in a runbook, never while
    typing in a search box."""

    show_toc: reactive[bool] = reactive(True)

    class Opened(Message):
        """A runbook is now on screen (first open, link followed, or back)."""

        def __init__(self, viewer: RunbookViewer, runbook: Runbook) -> None:
            super().__init__()
            self.viewer = viewer
            self.runbook = runbook

        @property
        def control(self) -> RunbookViewer:
            return self.viewer

    def __init__(
        self,
        library: Any = None,
        *,
        today: date | None = None,
        show_toc: bool = True,
        empty_hint: str = EMPTY_HINT,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.library = library
        self.today = today
        self.runbook: Runbook | None = None
        self.empty_hint = empty_hint
        self.history: list[str] = []
        self.last_copied: str | None = None
        self.set_reactive(RunbookViewer.show_toc, show_toc)

    def compose(self) -> ComposeResult:
        yield Static(Content(self.empty_hint), id="rb-header")
        with Horizontal(id="rb-body"):
            yield OptionList(id="rb-toc")
            yield RunbookDocument(id="rb-doc")

    def on_mount(self) -> None:
        self.set_class(not self.show_toc, "-no-toc")
        self.set_class(self.runbook is None, "-empty")

    def watch_show_toc(self, value: bool) -> None:
        self.set_class(not value, "-no-toc")
        if value and self.has_class("-narrow"):
            self.remove_class("-narrow")  # asked for: shown even when narrow

    NARROW = 72
    """Below this many columns the contents list gives its room to the text (`t` brings
    it back): a 20-column runbook is no runbook."""

    def on_resize(self, event: Resize) -> None:
        self.set_class(event.size.width < self.NARROW and self.show_toc, "-narrow")

    @property
    def doc_view(self) -> RunbookDocument:
        return self.query_one("#rb-doc", RunbookDocument)

    @property
    def document(self) -> Document:
        """The parsed document on screen (blocks, headings, code blocks, links)."""
        return self.doc_view.document

    def focus_body(self) -> None:
        """Put the keyboard in the document, where `c`, `n`, `[`/`]` and `t` apply."""
        self.doc_view.focus()

    # --- opening ------------------------------------------------------------------------
    async def show(self, runbook: Runbook, anchor: str = "", *, remember: bool = True) -> None:
        """Render `runbook` (and scroll to `anchor`, a heading slug, if given)."""
        if remember and self.runbook is not None and self.runbook.id != runbook.id:
            self.history.append(self.runbook.id)
        self.runbook = runbook
        self.remove_class("-empty")
        self._update_header(runbook)
        document = cached_document(runbook.body)
        self.doc_view.set_document(document)
        # The contents list is built after the first paint: the text is what the reader needs
        # first, and a long contents list costs more to lay out than the page itself.
        self.call_after_refresh(self._rebuild_toc, document)
        if anchor:
            self.goto_anchor(anchor)
        self.post_message(self.Opened(self, runbook))

    def goto_anchor(self, anchor: str) -> bool:
        wanted = anchor.strip().lower()
        for _level, text, block_index, slug in self.document.headings:
            if slug == wanted or text.lower() == wanted:
                self.doc_view.scroll_to_block(block_index)
                return True
        return False

    def _update_header(self, runbook: Runbook) -> None:
        from irtui.runbooks.library import stale_days
        from irtui.runbooks.render import header_lines

        age = stale_days(runbook, self.today) if self.today is not None else None
        lines = header_lines(runbook, age)
        header = Content.assemble((for_terminal(lines[0], single_line=True), "bold"))
        if age is not None:
            header = header + Content.assemble(
                "  ", (f" STALE · reviewed {age} days ago ", "reverse")
            )
        if runbook.problems:
            header = header + Content.assemble(
                "  ", (f" {len(runbook.problems)} problem(s): press ! ", "italic")
            )
        if len(lines) > 1:
            header = header + Content("\n") + Content(for_terminal(lines[1]))
        header = (
            header + Content("\n") + Content.assemble((for_terminal(self._where(runbook)), "dim"))
        )
        widget = self.query_one("#rb-header", Static)
        widget.update(header)
        widget.set_class(age is not None, "-stale")

    @staticmethod
    def _where(runbook: Runbook) -> str:
        """The file, relative to its library folder (two READMEs titled "Troubleshooting"
        must not look the same once open)."""
        try:
            rel = runbook.path.relative_to(runbook.root).as_posix()
            return f"{runbook.root.name}/{rel}" if runbook.root.name else rel
        except ValueError:
            return str(runbook.path)

    def _rebuild_toc(self, document: Document) -> None:
        toc = self.query_one("#rb-toc", OptionList)
        toc.clear_options()
        toc.add_options(
            [
                Option(
                    Content("  " * (level - 1) + for_terminal(text, single_line=True)),
                    id=f"block-{block_index}",
                )
                for level, text, block_index, _slug in document.headings
            ]
        )

    def action_show_problems(self) -> None:
        """List what is wrong with this file (bad front matter, encoding, ...)."""
        if self.runbook is None or not self.runbook.problems:
            self.notify("No problems found in this runbook")
            return
        lines = [f"line {max(p.line, 1)}: {p.message}" for p in self.runbook.problems[:8]]
        self.notify("\n".join(lines), title=str(self.runbook.path), severity="warning",
                    markup=False, timeout=10)  # fmt: skip

    # --- headings -------------------------------------------------------------------------
    @on(OptionList.OptionSelected, "#rb-toc")
    def _toc_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self.doc_view.scroll_to_block(int(event.option.id.removeprefix("block-")))

    def _heading_blocks(self) -> list[int]:
        return [block_index for _l, _t, block_index, _s in self.document.headings]

    def action_next_heading(self) -> None:
        view = self.doc_view
        current = view.scroll_y
        for block_index in self._heading_blocks():
            if view.row_of_block(block_index) > current:
                view.scroll_to_block(block_index)
                return

    def action_previous_heading(self) -> None:
        view = self.doc_view
        current = view.scroll_y
        for block_index in reversed(self._heading_blocks()):
            if view.row_of_block(block_index) < current:
                view.scroll_to_block(block_index)
                return

    def action_toggle_toc(self) -> None:
        self.show_toc = not self.show_toc

    # --- code blocks ------------------------------------------------------------------------
    def code_blocks(self) -> list[str]:
        return list(self.document.code_blocks)

    @property
    def code_index(self) -> int:
        return self.doc_view.selected_code

    def _select_code(self, index: int) -> bool:
        blocks = self.document.code_blocks
        if not blocks:
            self.notify("This runbook has no code blocks", severity="warning")
            return False
        self.doc_view.select_code(index % len(blocks))
        return True

    def action_next_code(self) -> None:
        self._select_code(self.code_index + 1)

    def action_previous_code(self) -> None:
        self._select_code(self.code_index - 1 if self.code_index >= 0 else -1)

    def action_copy_code(self) -> None:
        """Copy the selected code block (the first one if none is selected yet)."""
        blocks = self.document.code_blocks
        if not 0 <= self.code_index < len(blocks) and not self._select_code(0):
            return
        code, removed = clipboard_text(blocks[self.code_index].rstrip("\n"))
        self.app.copy_to_clipboard(code)
        self.last_copied = code
        lines = code.count("\n") + 1
        note = f"; {removed} terminal control character(s) left out" if removed else ""
        self.notify(
            f"Copied code block {self.code_index + 1} of {len(blocks)} ({lines} line(s)){note}",
            markup=False, severity="warning" if removed else "information",
        )  # fmt: skip

    # --- links and folds ---------------------------------------------------------------------
    def action_next_link(self) -> None:
        if self.doc_view.select_target(1) is None:
            self.notify("No links or folds in this runbook", markup=False)

    def action_previous_link(self) -> None:
        if self.doc_view.select_target(-1) is None:
            self.notify("No links or folds in this runbook", markup=False)

    async def action_activate(self) -> None:
        """Enter: follow the selected link, or open/close the selected `<details>` fold."""
        view = self.doc_view
        target = view.current_target()
        if target is None:
            return
        block = view.document.blocks[target[0]]
        if target[1] < 0:
            view.toggle_group(block.group)
            return
        await self.follow(block.spans[target[1]].href)

    # --- links ------------------------------------------------------------------------------
    @on(RunbookDocument.LinkClicked)
    async def _link_clicked(self, event: RunbookDocument.LinkClicked) -> None:
        event.stop()
        await self.follow(event.href)

    async def follow(self, href: str) -> str | None:
        """Follow a link from the current runbook; returns the runbook id opened, if any."""
        href = href.strip()
        if href.startswith("#"):
            self.goto_anchor(href[1:])
            return None
        if is_external(href):
            self.app.copy_to_clipboard(href)
            self.notify(f"External link copied (not opened): {href}", markup=False)
            return None
        if self.runbook is None or self.library is None:
            self.notify(f"Cannot follow {href}: no runbook library", severity="warning",
                        markup=False)  # fmt: skip
            return None
        target = self.library.resolve_link(self.runbook.id, href)
        if target is None:
            hint = ""
            closest = getattr(self.library, "closest_link", None)
            guess = closest(self.runbook.id, href) if closest is not None else None
            if guess:  # a suggestion to check, never opened on a guess
                hint = f" (did you mean {guess}? search for it to open it)"
            self.notify(f"Dead link: {href}{hint}", severity="warning", markup=False)
            return None
        _path, anchor = split_href(href)
        await self.show(self.library.get(target), anchor)
        return target

    async def action_back(self) -> None:
        if not self.history or self.library is None:
            return
        previous = self.history.pop()
        await self.show(self.library.get(previous), remember=False)
