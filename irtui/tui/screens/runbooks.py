"""`RunbookBrowserScreen`: search the runbook library as you type and read the result.

Opened with `b` from the app (the TUI helper binds it). Layout: a search box over a result list
on the left, the `RunbookViewer` on the right. `s` lists stale runbooks with their owners;
`p` pins the open runbook to the incident the screen was opened for (if any).

Index refresh and every search run in thread workers; only message handlers touch widgets, so
typing never waits on the disk.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from irtui.boundary.text_out import for_terminal
from irtui.runbooks.model import Runbook, SearchHit
from irtui.tui.css import RUNBOOKS_CSS, SCREENS_CSS
from irtui.tui.keys import printable
from irtui.tui.widgets.runbook_viewer import RunbookViewer


def make_library(app: Any) -> Any:
    """The app's shared library if it has one (`app.runbook_library`), else one from config."""
    library = getattr(app, "runbook_library", None)
    if library is not None:
        return library
    from irtui.runbooks.library import RunbookLibrary

    dirs = getattr(app, "runbook_dirs", None)
    library = RunbookLibrary.from_config(dirs)
    with contextlib.suppress(AttributeError):  # an app with __slots__ just does not share
        app.runbook_library = library
    return library


def hit_prompt(hit: SearchHit) -> Content:
    """Title in bold, then the snippet with matches highlighted; user text is never markup."""
    prompt = Content.assemble(
        (for_terminal(hit.title, single_line=True), "bold"),
        ("  " + for_terminal(hit.id, single_line=True), "dim"),
    )
    if hit.summary.stub:
        prompt = prompt + Content.assemble(
            ("  (" + for_terminal(hit.summary.stub) + ")", "italic dim")
        )
    if hit.snippet:
        snippet = Content(hit.snippet)
        for start, end in hit.highlights:
            snippet = snippet.stylize("reverse", start, end)
        prompt = prompt + Content("\n") + snippet
    return prompt


@dataclass
class _Results(Message):
    query: str
    hits: list[SearchHit]
    note: str = ""
    error: str = ""


@dataclass
class _Loaded(Message):
    runbook: Runbook | None
    error: str = ""
    anchor: str = ""
    focus: bool = False


class RunbookBrowserScreen(Screen[None]):
    """The standalone runbook browser. `store`/`incident_id` enable pinning."""

    CSS_PATH = [SCREENS_CSS, RUNBOOKS_CSS]
    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("slash", "focus_search", "Search"),
        Binding("down", "focus_results", "Results", show=False),
        Binding("s", "show_stale", "Stale"),
        Binding("p", "pin", "Pin to incident"),
        Binding("r", "refresh", "Re-index", show=False),
    ]

    def __init__(
        self,
        store: Any = None,
        incident_id: str | None = None,
        *,
        library: Any = None,
        today: date | None = None,
        query: str = "",
        open_id: str | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        self.incident_id = incident_id
        self.library = library
        self.today = today
        self.initial_query = query
        self.open_id = open_id
        self.hits: list[SearchHit] = []
        self.ready = False

    def _today(self) -> date:
        if self.today is not None:
            return self.today
        if self.store is not None:
            return self.store.now().date()
        return datetime.now(UTC).date()

    def compose(self) -> ComposeResult:
        with Horizontal(id="rb-browser"):
            with Vertical(id="rb-left"):
                yield Input(
                    value=self.initial_query, placeholder="Search runbooks (service:, alert:, "
                    "tag:, title:)", id="rb-search",
                )  # fmt: skip
                yield Static(Content("Indexing runbooks…"), id="rb-status")
                yield OptionList(id="rb-results")
            yield RunbookViewer(
                self.library,
                today=self._today(),
                id="rb-viewer",
                empty_hint="No runbook open. Type to search, Enter to reach "
                "the results, Enter again to open one.",
            )
        yield Footer()

    def on_mount(self) -> None:
        search = self.query_one("#rb-search", Input)
        search.cursor_blink = False
        search.focus()
        self._load_library()

    @work(thread=True, exclusive=True, group="rb-index")
    def _load_library(self) -> None:
        try:
            library = self.library or make_library(self.app)
            stats = library.refresh()
            hits = library.search(self.initial_query, limit=50)
        except Exception as exc:  # a bad config or cache must not kill the app
            self.post_message(_Results("", [], error=f"Runbooks unavailable: {exc}"))
            return
        self.library = library
        note = f"{stats.total} runbooks"
        self.post_message(_Results(self.initial_query, hits, note))
        if self.open_id:
            self._open(self.open_id)

    # --- search ---------------------------------------------------------------------------
    def on_key(self, event: events.Key) -> None:
        """Type to search: a printable key typed on the result list goes to the search box
        (the list has no letter keys of its own); the viewer keeps its reading keys."""
        results = self.query_one("#rb-results", OptionList)
        if printable(event) and self.focused is results:
            event.stop()
            event.prevent_default()
            search = self.query_one("#rb-search", Input)
            search.focus()
            search.post_message(events.Key(event.key, event.character))

    @on(Input.Changed, "#rb-search")
    def _query_changed(self, event: Input.Changed) -> None:
        if self.library is not None and self.ready:
            self._search(event.value)

    @on(Input.Submitted, "#rb-search")
    def _query_submitted(self, event: Input.Submitted) -> None:
        results = self.query_one("#rb-results", OptionList)
        if results.option_count:
            results.highlighted = 0
            results.focus()

    @work(thread=True, exclusive=True, group="rb-search")
    def _search(self, query: str) -> None:
        assert self.library is not None
        try:
            hits = self.library.search(query, limit=50)
        except Exception as exc:  # e.g. the cache locked by another process for too long
            self.post_message(_Results(query, [], error=f"Search failed: {exc}"))
            return
        self.post_message(_Results(query, hits))

    @on(_Results)
    def _show_results(self, message: _Results) -> None:
        if message.error:  # say why, keep the screen usable
            self.query_one("#rb-status", Static).update(Content(message.error))
            return
        self.ready = True
        viewer = self.query_one(RunbookViewer)
        viewer.library = self.library
        current = self.query_one("#rb-search", Input).value
        if message.query != current and not message.note:
            return  # an older search finished after a newer one started
        if message.note and message.query != current:
            self._search(current)
        self.hits = message.hits
        results = self.query_one("#rb-results", OptionList)
        results.clear_options()
        results.add_options([Option(hit_prompt(hit), id=hit.id) for hit in message.hits])
        status = f"{len(message.hits)} match(es)" if message.query.strip() else ""
        if message.note:
            status = f"{message.note} · {status}" if status else message.note
        self.query_one("#rb-status", Static).update(Content(status))

    # --- opening ------------------------------------------------------------------------------
    @on(OptionList.OptionSelected, "#rb-results")
    def _result_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id:
            self._open(event.option.id, focus=True)

    @work(thread=True, exclusive=True, group="rb-open")
    def _open(self, rid: str, focus: bool = False) -> None:
        assert self.library is not None
        from irtui.tui.widgets.runbook_viewer import cached_document

        try:
            runbook = self.library.get(rid)
            cached_document(runbook.body)  # parse here, off the UI thread
            self.post_message(_Loaded(runbook, focus=focus))
        except Exception as exc:  # shown to the user, never fatal
            self.post_message(_Loaded(None, str(exc)))

    @on(_Loaded)
    async def _show_loaded(self, message: _Loaded) -> None:
        if message.runbook is None:
            self.notify(f"Cannot open runbook: {message.error}", severity="error", markup=False)
            return
        viewer = self.query_one(RunbookViewer)
        await viewer.show(message.runbook, message.anchor)
        if message.focus:
            viewer.focus_body()

    async def open_runbook(self, rid: str) -> None:
        """Open a runbook by id right away (used by tests and by callers that know the id)."""
        assert self.library is not None
        await self.query_one(RunbookViewer).show(self.library.get(rid))

    # --- actions --------------------------------------------------------------------------------
    def action_close(self) -> None:
        self.dismiss(None)

    def action_focus_search(self) -> None:
        self.query_one("#rb-search", Input).focus()

    def action_focus_results(self) -> None:
        """`Down` in the search box moves into the results (the list handles it after)."""
        results = self.query_one("#rb-results", OptionList)
        if results.option_count:
            if results.highlighted is None:
                results.highlighted = 0
            results.focus()

    def action_refresh(self) -> None:
        self._load_library()

    def action_show_stale(self) -> None:
        if self.library is None:
            return
        results = self.query_one("#rb-results", OptionList)
        results.clear_options()
        stale = self.library.stale(self._today())
        options = []
        for summary, days in stale:
            prompt = Content.assemble(
                (for_terminal(summary.title, single_line=True), "bold"),
                ("  " + for_terminal(summary.id, single_line=True), "dim"), "\n",
                for_terminal(f"owner: {summary.owner or 'unknown'} · reviewed "
                             f"{summary.last_reviewed} ({days} days ago)", single_line=True),
            )  # fmt: skip
            options.append(Option(prompt, id=summary.id))
        results.add_options(options)
        self.query_one("#rb-status", Static).update(
            Content(f"{len(stale)} stale runbook(s) (not reviewed for 90+ days)")
        )

    def action_pin(self) -> None:
        viewer = self.query_one(RunbookViewer)
        if self.store is None or self.incident_id is None:
            self.notify("Open the browser from an incident to pin runbooks", severity="warning")
            return
        if viewer.runbook is None:
            self.notify("Open a runbook first", severity="warning")
            return
        self._pin(viewer.runbook)

    @work(thread=True, group="rb-pin")
    def _pin(self, runbook: Runbook) -> None:
        from irtui.runbooks.progress import pin_runbook

        try:
            event = pin_runbook(self.store, self.incident_id, runbook)
        except Exception as exc:  # shown to the user
            self.app.call_from_thread(
                self.notify, f"Pin failed: {exc}", severity="error", markup=False
            )
            return
        text = "already pinned" if event is None else f"pinned to {self.incident_id}"
        self.app.call_from_thread(self.notify, f"{runbook.title}: {text}", markup=False)
