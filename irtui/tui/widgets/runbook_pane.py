"""`RunbookPane`: the incident screen's inline runbook split.

Shows the runbooks pinned to the incident (with ticks so far) and suggestions for it, the
checklist of the selected runbook, and (with `v`) the runbook itself. Ticking a step appends a
`RUNBOOK_STEP` event, so it lands on the incident timeline; the pane re-reads the events when
`store.change_marker()` moves, so ticks by other seats appear within a couple of seconds.

Keys: `space`/`x` tick or untick the highlighted step, `p` pin the highlighted runbook,
`v` switch between checklist and runbook text. Store and disk work runs in thread workers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import ContentSwitcher, OptionList, Static
from textual.widgets.option_list import Option

from irtui.boundary.text_out import for_terminal
from irtui.runbooks.model import Runbook
from irtui.runbooks.progress import RunbookProgress
from irtui.runbooks.suggest import Suggestion
from irtui.tui.widgets.runbook_viewer import RunbookViewer


@dataclass
class PaneData(Message):
    """Everything the pane shows, gathered off the UI thread."""

    incident_title: str
    pinned: list[tuple[Runbook, RunbookProgress]] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    marker: int = 0
    error: str = ""


class RunbookPane(Widget, can_focus=False, can_focus_children=True):
    """Pinned runbooks + suggestions + a tickable checklist for one incident."""

    DEFAULT_CSS = """
    RunbookPane { height: 1fr; layout: vertical; }
    RunbookPane > #rbp-header { height: 1; padding: 0 1; background: $boost; }
    RunbookPane > #rbp-list { height: auto; max-height: 10; border: none; }
    RunbookPane > ContentSwitcher { height: 1fr; }
    RunbookPane #rbp-steps { height: 1fr; border: none; }
    """

    BINDINGS = [
        Binding("space", "toggle_step", "Tick step"),
        Binding("x", "toggle_step", "Tick step", show=False),
        Binding("p", "pin", "Pin/unpin runbook"),
        Binding("v", "toggle_view", "Checklist/text"),
    ]

    def __init__(
        self,
        store: Any,
        incident_id: str,
        *,
        library: Any = None,
        today: date | None = None,
        poll_seconds: float = 2.0,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.store = store
        self.incident_id = incident_id
        self.library = library
        self.today = today
        self.poll_seconds = poll_seconds
        self.data: PaneData | None = None
        self.selected: str | None = None  # runbook id whose checklist is shown
        self._runbooks: dict[str, Runbook | None] = {}
        self._marker = -1

    def _today(self) -> date:
        if self.today is not None:
            return self.today
        try:
            return self.store.now().date()
        except Exception:  # a store without a clock
            return datetime.now(UTC).date()

    def compose(self) -> ComposeResult:
        yield Static(Content(f"Runbooks · {self.incident_id}"), id="rbp-header")
        yield OptionList(id="rbp-list")
        with ContentSwitcher(initial="rbp-steps"):
            yield OptionList(id="rbp-steps")
            yield RunbookViewer(self.library, today=self._today(), show_toc=False,
                                id="rbp-viewer")  # fmt: skip

    def on_mount(self) -> None:
        self.reload()

    # --- data -------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="rbp-load")
    def reload(self) -> None:
        """Gather pinned runbooks, ticks and suggestions (thread), then post them."""
        try:
            if self.library is None:
                from irtui.tui.screens.runbooks import make_library

                self.library = make_library(self.app)
            library = self.library
            marker = self.store.change_marker()
            incident = self.store.get(self.incident_id)
            from irtui.runbooks.progress import fold_progress

            progress = fold_progress(self.store.events(self.incident_id))
            pinned: list[tuple[Runbook, RunbookProgress]] = []
            for rid, state in progress.items():
                try:
                    pinned.append((library.get(rid), state))
                except LookupError:
                    continue  # pinned from a folder this seat does not have
            pinned_ids = {rid for rid, _ in progress.items()}
            suggestions = [
                s for s in library.suggest(incident.title, incident.services, limit=8)
                if s.id not in pinned_ids
            ]  # fmt: skip
            self.post_message(PaneData(incident.title, pinned, suggestions, marker))
        except Exception as exc:  # shown in the pane, never fatal
            self.post_message(PaneData("", error=str(exc)))

    @on(PaneData)
    async def _apply(self, message: PaneData) -> None:
        message.stop()
        self.data = message
        self._marker = message.marker
        header = self.query_one("#rbp-header", Static)
        if message.error:
            header.update(Content(f"Runbooks unavailable: {message.error}"))
            self._arm_poll()
            return
        self.query_one("#rbp-viewer", RunbookViewer).library = self.library
        self._runbooks = {rb.id: rb for rb, _ in message.pinned}
        for suggestion in message.suggestions:
            self._runbooks.setdefault(suggestion.id, None)  # loaded when first selected
        lst = self.query_one("#rbp-list", OptionList)
        lst.clear_options()
        options: list[Option] = []
        for runbook, state in message.pinned:
            total = len(runbook.steps)
            prompt = Content.assemble(
                "● ",
                (for_terminal(runbook.title, single_line=True), "bold"),
                f"  {state.done_count}/{total} done",
            )
            options.append(Option(prompt, id=runbook.id))
        if message.suggestions:
            for suggestion in message.suggestions:
                prompt = Content.assemble(
                    ("? ", "dim"), for_terminal(suggestion.summary.title, single_line=True),
                    ("  " + for_terminal("; ".join(suggestion.reasons), single_line=True), "dim"),
                )  # fmt: skip
                options.append(Option(prompt, id=suggestion.id))
        lst.add_options(options)
        if self.selected is None and message.pinned:
            self.selected = message.pinned[0][0].id
        ids = [option.id for option in options]
        if ids:  # keep the same runbook highlighted across reloads (by id, not position)
            lst.highlighted = ids.index(self.selected) if self.selected in ids else 0
        pinned_count = len(message.pinned)
        header.update(
            Content(
                f"Runbooks · {self.incident_id} · {pinned_count} pinned, "
                f"{len(message.suggestions)} suggested"
            )
        )
        await self._show_selected()
        self._arm_poll()

    def progress_of(self, rid: str) -> RunbookProgress | None:
        if self.data is None:
            return None
        for runbook, state in self.data.pinned:
            if runbook.id == rid:
                return state
        return None

    async def _show_selected(self) -> None:
        steps = self.query_one("#rbp-steps", OptionList)
        keep = steps.highlighted
        steps.clear_options()
        runbook = self._runbooks.get(self.selected or "")
        if runbook is None and self.selected and self.library is not None:
            runbook = self.library.get(self.selected)
            self._runbooks[self.selected] = runbook
        if runbook is None:
            return
        state = self.progress_of(runbook.id)
        options = []
        section = None
        for step in runbook.steps:
            if step.section and step.section != section:
                section = step.section
                options.append(Option(Content.assemble((section, "bold underline")),
                                      disabled=True))  # fmt: skip
            done = state is not None and state.is_done(step.number)
            mark = "☑" if done else "☐"
            line = Content.assemble(
                (f"{mark} {step.number:>2}. ", "bold" if done else ""),
                (step.text, "strike dim" if done else ""),
            )
            if done and state is not None:
                who = state.steps[step.number]
                line = line + Content.assemble((f"  — {who.by} {who.at.strftime('%H:%MZ')}", "dim"))
            options.append(Option(line, id=f"step-{step.number}"))
        if not options:
            options.append(Option(Content("(no task-list or numbered steps)"), disabled=True))
        steps.add_options(options)
        if keep is not None and keep < steps.option_count:
            steps.highlighted = keep
        viewer = self.query_one("#rbp-viewer", RunbookViewer)
        showing_text = self.query_one(ContentSwitcher).current == "rbp-viewer"
        if showing_text and (viewer.runbook is None or viewer.runbook.id != runbook.id):
            await viewer.show(runbook)

    # --- polling ----------------------------------------------------------------------------
    def _arm_poll(self) -> None:
        if self.poll_seconds > 0:
            self.set_timer(self.poll_seconds, self._poll)

    @work(thread=True, exclusive=True, group="rbp-poll")
    def _poll(self) -> None:
        try:
            marker = self.store.change_marker()
        except Exception:  # try again on the next tick
            marker = self._marker
        if marker != self._marker:
            self.app.call_from_thread(self.reload)
        else:
            self.app.call_from_thread(self._arm_poll)

    # --- actions ------------------------------------------------------------------------------
    @on(OptionList.OptionHighlighted, "#rbp-list")
    async def _runbook_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        if event.option.id and event.option.id != self.selected:
            self.selected = event.option.id
            await self._show_selected()

    @on(OptionList.OptionSelected, "#rbp-steps")
    def _step_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_toggle_step()

    def action_toggle_step(self) -> None:
        steps = self.query_one("#rbp-steps", OptionList)
        if steps.highlighted is None or self.selected is None:
            return
        option = steps.get_option_at_index(steps.highlighted)
        if not option.id or not option.id.startswith("step-"):
            return
        runbook = self._runbooks.get(self.selected)
        if runbook is None:
            return
        self._toggle(runbook, int(option.id.removeprefix("step-")))

    @work(thread=True, group="rbp-write")
    def _toggle(self, runbook: Runbook, number: int) -> None:
        from irtui.runbooks.progress import pin_runbook, tick_step

        state = self.progress_of(runbook.id)
        done = not (state is not None and state.is_done(number))
        try:
            pin_runbook(self.store, self.incident_id, runbook)
            tick_step(self.store, self.incident_id, runbook, number, done)
        except Exception as exc:  # shown to the user
            self.app.call_from_thread(
                self.notify, f"Could not record step: {exc}", severity="error", markup=False
            )
            return
        self.app.call_from_thread(self.reload)

    def action_pin(self) -> None:
        lst = self.query_one("#rbp-list", OptionList)
        if lst.highlighted is None:
            return
        rid = lst.get_option_at_index(lst.highlighted).id
        if rid:
            self._pin(rid)

    @work(thread=True, group="rbp-write")
    def _pin(self, rid: str) -> None:
        """Pin the highlighted runbook, or unpin it if it is pinned (both are events)."""
        from irtui.runbooks.progress import fold_progress, pin_runbook, unpin_runbook

        try:
            if rid in fold_progress(self.store.events(self.incident_id)):
                unpin_runbook(self.store, self.incident_id, rid)
                self.app.call_from_thread(self.notify, f"Unpinned {rid}", markup=False)
            else:
                pin_runbook(self.store, self.incident_id, self.library.get(rid))
        except Exception as exc:  # shown to the user
            self.app.call_from_thread(
                self.notify, f"Could not pin or unpin: {exc}", severity="error", markup=False
            )
            return
        self.selected = rid
        self.app.call_from_thread(self.reload)

    async def action_toggle_view(self) -> None:
        switcher = self.query_one(ContentSwitcher)
        if switcher.current == "rbp-steps":
            switcher.current = "rbp-viewer"
            viewer = self.query_one("#rbp-viewer", RunbookViewer)
            runbook = self._runbooks.get(self.selected or "")
            if runbook is not None and (viewer.runbook is None or viewer.runbook.id != runbook.id):
                await viewer.show(runbook)
        else:
            switcher.current = "rbp-steps"
