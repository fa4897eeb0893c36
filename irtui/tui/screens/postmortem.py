"""The postmortem screen: the generated draft (Markdown) beside the sections people must write
and the blameless check's findings.

Keys: `e`/Enter edit the highlighted section (Ctrl+S saves it as a `postmortem_section` event,
Escape cancels), `t` toggles between the draft and the full timeline (a `DataTable`: a Markdown
table costs ~13 ms a row to mount, so the draft shows only the first rows), `w` writes the whole
draft to a Markdown file in the data dir, `c` completes the review (refused while sections are
unwritten), `a` adds and closes action items, `r` reloads, Escape goes back.
The draft is built in a worker thread (it reads the whole incident); only the message handler
touches widgets. User text reaches the screen through the Markdown parser or as `Text`, never
as Textual markup.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Label, Markdown, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from irtui.review.postmortem import HUMAN_SECTIONS, Draft
from irtui.tui.css import SCREENS_CSS
from irtui.tui.keys import is_text_widget, key_label, printable
from irtui.tui.screens.modal import GuardedModal

TUI_TIMELINE_LIMIT = 40
"""Timeline rows rendered inside the Markdown draft; `t` shows all of them in a DataTable."""


def _plain(value: object, limit: int = 200) -> str:
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in str(value)).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


_TODO = re.compile(r"<!-- TODO\(human\): (.*?) -->", re.DOTALL)


def for_screen(markdown: str) -> str:
    """The Markdown widget hides HTML comments, so the TODO markers a file keeps invisible
    become visible notes on screen (the text itself is ours, never the user's)."""
    return _TODO.sub(lambda m: f"> ✎ *To be written by people:* {m.group(1)}", markdown)


def _timeline_row(entry: Any) -> tuple[Text, ...]:
    """One DataTable row; amended and retracted entries say so (never silently replaced)."""
    text = _plain(entry.text, 400)
    style = ""
    if entry.amendments:
        text += f"  (amended; originally: {_plain(entry.original_text, 120)})"
    if entry.retracted:
        text += (
            f"  [retracted by {_plain(entry.retracted[1], 40)}: {_plain(entry.retracted[2], 120)}]"
        )
        style = "strike dim"
    return (
        Text(entry.at.strftime("%Y-%m-%d %H:%M:%SZ")),
        Text("★" if entry.starred else ""),
        Text(str(entry.kind)),
        Text(_plain(entry.author, 40)),
        Text(text, style=style),
    )


class SectionEditor(GuardedModal[str | None]):
    """Edit one human-written section; dismisses with the new text or None."""

    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "save", "Save", priority=True),
    ]
    DEFAULT_CSS = """
    SectionEditor { align: center middle; }
    SectionEditor > Vertical { width: 90%; height: 80%; border: thick $accent;
                               background: $surface; padding: 0 1; }
    SectionEditor TextArea { height: 1fr; }
    SectionEditor .hint { color: $text-muted; }
    """

    WHAT = "a postmortem section"

    def __init__(self, heading: str, prompt: str, text: str) -> None:
        super().__init__()
        self.heading = heading
        self.prompt = prompt
        self.text = text

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self.heading, style="bold"))
            yield Static(Text(self.prompt), classes="hint")
            yield TextArea(self.text, id="section-text", soft_wrap=True)
            yield Static(
                Text("Ctrl+S save · Escape cancel · describe the system, not people"),
                classes="hint",
            )

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.cursor_blink = False
        area.focus()

    def action_save(self) -> None:
        self.dismiss(self.query_one(TextArea).text)

    def submit(self) -> None:
        self.action_save()


class PostmortemScreen(Screen[None]):
    CSS_PATH = [SCREENS_CSS]
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("e", "edit", "Edit section"),
        Binding("t", "toggle_timeline", "Draft/Timeline"),
        Binding("w", "write", "Write file"),
        Binding("c", "complete", "Complete review"),
        Binding("a", "action_items", "Action items"),
        Binding("r", "reload", "Reload"),
    ]
    DEFAULT_CSS = """
    PostmortemScreen #pm-body { height: 1fr; }
    PostmortemScreen #pm-draft { width: 3fr; }
    PostmortemScreen #pm-timeline { width: 3fr; display: none; }
    PostmortemScreen.-timeline #pm-timeline { display: block; }
    PostmortemScreen.-timeline #pm-draft { display: none; }
    PostmortemScreen #pm-side { width: 1fr; min-width: 32; border-left: solid $primary; }
    PostmortemScreen #pm-sections { height: auto; max-height: 50%; }
    PostmortemScreen #pm-findings { height: 1fr; }
    PostmortemScreen .pm-title { text-style: bold; padding: 0 1; }
    """

    def __init__(self, store: Any, incident_id: str) -> None:
        super().__init__()
        self.store = store
        self.incident_id = incident_id
        self.draft: Draft | None = None
        self.saved: dict[str, str] = {}
        self._rows: list[tuple[Text, ...]] = []
        self._table_filled = False

    def compose(self) -> ComposeResult:
        yield Static(
            Text(f"Postmortem {self.incident_id}", style="bold"), id="pm-header", classes="pm-title"
        )
        with Horizontal(id="pm-body"):
            with VerticalScroll(id="pm-draft"):
                # open_links=False: a link in incident text is never opened in the system
                # browser from here; following one copies it (as the runbook viewer does)
                yield Markdown("_Building the draft…_", id="pm-markdown", open_links=False)
            yield DataTable(id="pm-timeline", cursor_type="row", zebra_stripes=True)
            with Vertical(id="pm-side"):
                yield Label("Sections to write", classes="pm-title")
                yield OptionList(id="pm-sections")
                yield Label("Blameless check", classes="pm-title")
                yield OptionList(id="pm-findings")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#pm-timeline", DataTable)
        for label, key in (
            ("at (UTC)", "at"),
            ("★", "star"),
            ("kind", "kind"),
            ("author", "author"),
            ("entry", "text"),
        ):
            table.add_column(label, key=key)
        self.load()

    # --- loading (worker) ------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="postmortem")
    def load(self) -> None:
        from irtui.review import workflow

        try:
            draft = workflow.build_draft(
                self.store,
                self.incident_id,
                timeline_limit=TUI_TIMELINE_LIMIT,
                more_hint="press `t` for the full timeline",
            )
            learning = workflow.learning_of(self.store, self.incident_id)
            rows = [_timeline_row(e) for e in self.store.timeline(self.incident_id)]
        except Exception as exc:  # shown, never a crash
            self.app.call_from_thread(
                self.notify, str(exc), title="Postmortem", severity="error", markup=False
            )
            return
        saved = {k: v[0] for k, v in learning.sections.items()}
        self.app.call_from_thread(self.show, draft, saved, rows)

    async def show(
        self, draft: Draft, saved: dict[str, str], rows: list[tuple[Text, ...]] | None = None
    ) -> None:
        self.draft = draft
        self.saved = saved
        if rows is not None:
            self._rows = rows
            self._table_filled = False
            if self.has_class("-timeline"):
                self._fill_table()
        await self.query_one("#pm-markdown", Markdown).update(for_screen(draft.markdown))
        self.query_one("#pm-header", Static).update(
            Text(
                f"Postmortem {draft.incident_id} · review {_plain(draft.review_state)} · "
                f"{len(draft.todo)} section(s) to write",
                style="bold",
            )
        )
        sections = self.query_one("#pm-sections", OptionList)
        highlighted = sections.highlighted
        sections.clear_options()
        for s in HUMAN_SECTIONS:
            mark = "TODO " if s.key in draft.todo else "done "
            style = "bold yellow" if s.key in draft.todo else "green"
            sections.add_option(Option(Text.assemble((mark, style), s.heading), id=s.key))
        sections.highlighted = highlighted if highlighted is not None else 0
        findings = self.query_one("#pm-findings", OptionList)
        findings.clear_options()
        if not draft.findings:
            findings.add_option(Option(Text("No blaming phrasing found.", style="green")))
        for f in draft.findings:
            findings.add_option(
                Option(
                    Text.assemble(
                        (f"{_plain(f.section, 40)}:{f.line} ", "bold"),
                        (f"“{_plain(f.text, 60)}”", "red"),
                        "\n",
                        _plain(f.suggestion, 300),
                    )
                )
            )

    # --- keys and links --------------------------------------------------------------------
    def on_key(self, event: events.Key) -> None:
        """Single-letter keys are commands on this reading screen, but not the ones typed
        while the section editor was closing (`irtui.tui.keys`)."""
        if is_text_widget(self.focused) or not (printable(event) or event.key == "enter"):
            return
        if getattr(self.app, "typed_ahead", lambda **_: False)(extend=True):
            event.stop()
            event.prevent_default()
            self.notify(
                f"Ignored '{key_label(event)}' typed while the editor was closing.",
                severity="warning",
                timeout=3,
                markup=False,
            )

    def on_markdown_link_clicked(self, event: Markdown.LinkClicked) -> None:
        """Links come from incident text: copied, never opened."""
        event.stop()
        href = _plain(event.href, 500)
        self.app.copy_to_clipboard(href)
        self.notify(f"Link copied (not opened): {href}", markup=False)

    # --- actions -----------------------------------------------------------------------------
    def action_back(self) -> None:
        self.app.pop_screen()

    def unsaved_text(self) -> list[str]:
        return []  # sections are saved from the editor (which asks before discarding)

    def action_reload(self) -> None:
        self.load()

    def _fill_table(self) -> None:
        """Filled on first view only: 5,000 rows cost a second the draft should not wait for."""
        if self._table_filled:
            return
        table = self.query_one("#pm-timeline", DataTable)
        table.clear()
        table.add_rows(self._rows)
        self._table_filled = True

    def action_toggle_timeline(self) -> None:
        self.toggle_class("-timeline")
        if self.has_class("-timeline"):
            self._fill_table()
            self.query_one("#pm-timeline", DataTable).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option_list.id == "pm-sections":
            self.action_edit()

    def action_edit(self) -> None:
        sections = self.query_one("#pm-sections", OptionList)
        if sections.highlighted is None or not sections.option_count:
            return
        key = sections.get_option_at_index(sections.highlighted).id
        section = next((s for s in HUMAN_SECTIONS if s.key == key), None)
        if section is None:
            return

        def saved(text: str | None) -> None:
            if text is None or text.strip() == self.saved.get(section.key, "").strip():
                return
            from irtui.review import workflow

            try:
                workflow.save_section(self.store, self.incident_id, section.key, text)
            except Exception as exc:
                self.notify(str(exc), title="Not saved", severity="error", markup=False)
                return
            self.notify(f"Saved {section.heading}", markup=False)
            self.load()

        self.app.push_screen(
            SectionEditor(section.heading, section.prompt, self.saved.get(section.key, "")), saved
        )

    def action_action_items(self) -> None:
        """Add and close the incident's action items (the draft lists them: reloaded after)."""
        from irtui.tui.screens.action_items import ActionItemsDialog

        self.app.push_screen(
            ActionItemsDialog(self.store, self.incident_id), lambda _r: self.load()
        )

    def action_write(self) -> None:
        from irtui.paths import data_dir, private_dir, write_private
        from irtui.review import workflow

        try:
            draft = workflow.build_draft(self.store, self.incident_id)
            folder = private_dir(Path(data_dir()) / "postmortems")
            path = folder / f"{draft.incident_id}.md"
            write_private(path, draft.markdown + "\n")
        except Exception as exc:
            self.notify(str(exc), title="Not written", severity="error", markup=False)
            return
        self.notify(
            f"Draft written to {path}; read edits back with: irtui postmortem "
            f"{draft.incident_id} --from {path}",
            markup=False,
            timeout=10,
        )

    def action_complete(self) -> None:
        from irtui.review import workflow

        try:
            workflow.complete_review(self.store, self.incident_id)
        except Exception as exc:
            self.notify(str(exc), title="Review not completed", severity="warning", markup=False)
            return
        self.notify("Review completed", markup=False)
        self.load()
