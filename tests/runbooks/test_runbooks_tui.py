"""Pilot tests for the runbook browser, viewer and the incident pane."""

from __future__ import annotations

import contextlib
from datetime import date
from pathlib import Path
from typing import Any

from textual.app import App, ComposeResult
from textual.widgets import Input, OptionList, Static
from textual.worker import WorkerCancelled

from irtui.domain.model import EventKind
from irtui.runbooks.library import RunbookLibrary
from irtui.tui.screens.runbooks import RunbookBrowserScreen
from irtui.tui.widgets.runbook_pane import RunbookPane
from irtui.tui.widgets.runbook_viewer import RunbookViewer

TODAY = date(2026, 11, 22)


class BrowserApp(App[None]):
    def __init__(self, screen: RunbookBrowserScreen) -> None:
        super().__init__()
        self._browser = screen
        self.copied: list[str] = []

    def on_mount(self) -> None:
        self.push_screen(self._browser)

    def copy_to_clipboard(self, text: str) -> None:
        self.copied.append(text)
        super().copy_to_clipboard(text)


class PaneApp(App[None]):
    def __init__(self, pane: RunbookPane) -> None:
        super().__init__()
        self.pane = pane

    def compose(self) -> ComposeResult:
        yield self.pane


def rendered_text(viewer: RunbookViewer) -> str:
    """What is painted: every wrapped line of the document view."""
    return "\n".join(line.plain for line in viewer.doc_view._lines)


def library_for(tmp_path: Path, *dirs: Path) -> RunbookLibrary:
    return RunbookLibrary(list(dirs), tmp_path / "index.sqlite")


async def settle(app: App[Any], pilot: Any) -> None:
    """Let the app's workers finish. A pane's poll is an exclusive worker: a newer poll
    cancels the one still running, which is how it is meant to end, not a failure (waiting
    on all of them at once raised `WorkerCancelled` now and then)."""
    for _ in range(3):
        await pilot.pause()
        for worker in list(app.workers):
            with contextlib.suppress(WorkerCancelled):
                await worker.wait()
    await pilot.pause()


async def test_browser_search_as_you_type_open_copy_and_follow_link(
    tmp_path: Path, bundled_dir: Path
) -> None:
    library = library_for(tmp_path, bundled_dir)
    screen = RunbookBrowserScreen(library=library, today=TODAY)
    app = BrowserApp(screen)
    async with app.run_test(size=(140, 45)) as pilot:
        await settle(app, pilot)
        results = screen.query_one("#rb-results", OptionList)
        assert results.option_count >= 10  # empty query lists everything
        await pilot.click("#rb-search")
        await pilot.press(*"pool")
        await settle(app, pilot)
        assert screen.hits and screen.hits[0].id == "database-connection-exhaustion"
        await pilot.press("enter")  # into the results
        await pilot.press("enter")  # open the highlighted one
        await settle(app, pilot)
        viewer = screen.query_one(RunbookViewer)
        assert viewer.runbook is not None
        assert viewer.runbook.id == "database-connection-exhaustion"
        text = rendered_text(viewer)
        assert "<namespace>" in text  # the placeholder did not vanish
        # table of contents
        toc = viewer.query_one("#rb-toc", OptionList)
        assert toc.option_count >= 6
        # one-key copy of a code block
        assert app.focused is viewer.doc_view  # Enter on a result moved focus to the text
        await pilot.press("c")
        await pilot.pause()
        assert app.copied and "max_connections" in app.copied[-1]
        await pilot.press("n")
        await pilot.press("c")
        await pilot.pause()
        assert "application_name" in app.copied[-1]
        assert len(viewer.code_blocks()) >= 5
        # follow a relative link inside the app, then come back
        opened = await viewer.follow("./deploy-rollback.md")
        await settle(app, pilot)
        assert opened == "deploy-rollback" and viewer.runbook.id == "deploy-rollback"
        assert viewer.history == ["database-connection-exhaustion"]
        await viewer.action_back()
        assert viewer.runbook.id == "database-connection-exhaustion"
        # an external link is never opened, only copied
        assert await viewer.follow("https://example.com/x") is None
        assert app.copied[-1] == "https://example.com/x"
        assert await viewer.follow("./no-such.md") is None


async def test_browser_cjk_short_query_and_stale_list(
    tmp_path: Path, kubesphere_sample: Path, nasty_dir: Path
) -> None:
    library = library_for(tmp_path, kubesphere_sample, nasty_dir)
    screen = RunbookBrowserScreen(library=library, today=TODAY, query="内存")
    app = BrowserApp(screen)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert screen.hits, "a two-character CJK query must still find runbooks"
        assert all("内存" in hit.snippet for hit in screen.hits)
        await pilot.press("escape")  # leave the input? no: escape closes the screen
        await settle(app, pilot)
    async with BrowserApp(RunbookBrowserScreen(library=library, today=TODAY)).run_test() as p2:
        app2 = p2.app
        await settle(app2, p2)
        screen2 = app2.screen
        assert isinstance(screen2, RunbookBrowserScreen)
        screen2.query_one(Input).blur()
        screen2.action_show_stale()
        await p2.pause()
        status = str(screen2.query_one("#rb-status", Static).render())
        assert "1 stale runbook" in status  # placeholders.md, reviewed 2026-01-02


async def test_viewer_renders_real_runbooks_and_nasty_files(
    tmp_path: Path, real_runbooks: tuple[str, list[Path]], nasty_dir: Path
) -> None:
    which, corpora = real_runbooks
    library = library_for(tmp_path, *corpora, nasty_dir)
    summaries = library.summaries()
    step = 1 if which == "sample" else 12  # every sample file; every 12th of the corpora
    sample = summaries[::step] + [s for s in summaries if s.path.parent.name in ("nasty", "a")]
    screen = RunbookBrowserScreen(library=library, today=TODAY)
    app = BrowserApp(screen)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        viewer = screen.query_one(RunbookViewer)
        for summary in sample:
            await screen.open_runbook(summary.id)
            await pilot.pause()
            assert viewer.runbook is not None and viewer.runbook.id == summary.id
        # every file of both libraries through the viewer's own wrapping (no paint per file)
        from irtui.tui.widgets.runbook_viewer import cached_document

        for summary in summaries:
            body = library.get(summary.id).body
            viewer.doc_view.set_document(cached_document(body))
            viewer.doc_view.ensure_wrapped()
            assert viewer.doc_view._complete
            if body.strip():
                assert viewer.doc_view._lines, summary.id
        await screen.open_runbook("broken-yaml")
        viewer.action_show_problems()  # flagged, never fatal
        await pilot.pause()
        assert "problem(s): press !" in str(viewer.query_one("#rb-header", Static).render())
        await screen.open_runbook("a/placeholders")
        text = rendered_text(viewer)
        assert text.count("<namespace>") >= 3 and "<pod-name>" in text
        assert "kubectl -n <namespace> logs <pod-name>" in viewer.code_blocks()[0]
        header = str(viewer.query_one("#rb-header", Static).render())
        assert "STALE" in header


async def test_pane_pin_tick_untick_lands_on_timeline(
    store: Any, tmp_path: Path, bundled_dir: Path
) -> None:
    incident = store.declare("Postgres connection pool exhausted", 2, services=["postgres"])
    library = library_for(tmp_path, bundled_dir)
    pane = RunbookPane(store, incident.id, library=library, today=TODAY, poll_seconds=0.2)
    app = PaneApp(pane)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        lst = pane.query_one("#rbp-list", OptionList)
        ids = [lst.get_option_at_index(i).id for i in range(lst.option_count)]
        assert ids[0] == "database-connection-exhaustion"  # best suggestion first
        lst.focus()
        lst.highlighted = 0
        await pilot.press("p")
        await settle(app, pilot)
        assert pane.data is not None and pane.data.pinned
        steps = pane.query_one("#rbp-steps", OptionList)
        steps.focus()
        steps.highlighted = steps.get_option_index("step-3")
        sections = [steps.get_option_at_index(i) for i in range(steps.option_count)]
        assert [o.prompt.plain for o in sections if o.disabled][:2] == [
            "Investigation", "Mitigation",
        ]  # fmt: skip
        await pilot.press("space")
        await settle(app, pilot)
        kinds = [e.kind for e in store.events(incident.id)]
        assert kinds.count(EventKind.RUNBOOK_PINNED) == 1
        assert kinds.count(EventKind.RUNBOOK_STEP) == 1
        texts = [entry.text for entry in store.timeline(incident.id)]
        assert any(
            "step 3 of 15 done" in t and "Database connection exhaustion" in t for t in texts
        ), texts
        assert pane.progress_of("database-connection-exhaustion").is_done(3)
        await pilot.press("space")  # untick
        await settle(app, pilot)
        assert not pane.progress_of("database-connection-exhaustion").is_done(3)
        # a tick by another seat shows up through polling
        from irtui.runbooks.progress import tick_step

        tick_step(store, incident.id, library.get("database-connection-exhaustion"), 1)
        await pilot.pause(0.5)
        await settle(app, pilot)
        assert pane.progress_of("database-connection-exhaustion").is_done(1)
        await pilot.press("v")
        await settle(app, pilot)
        viewer = pane.query_one("#rbp-viewer", RunbookViewer)
        assert viewer.runbook is not None
        lst.focus()  # `p` on a pinned runbook unpins it: an event, ticks kept
        lst.highlighted = [lst.get_option_at_index(i).id for i in range(lst.option_count)].index(
            "database-connection-exhaustion"
        )
        await pilot.press("p")
        await settle(app, pilot)
        assert pane.data is not None and not pane.data.pinned
        kinds = [e.kind for e in store.events(incident.id)]
        assert kinds.count(EventKind.RUNBOOK_UNPINNED) == 1


HOSTILE = ["[/foo]", "x [/ y", "[red]", "[$accent]", "\x1b[31mansi\x1b[0m"]


async def test_user_text_is_never_markup(tmp_path: Path, store: Any) -> None:
    root = tmp_path / "hostile"
    root.mkdir()
    for number, text in enumerate(HOSTILE):
        (root / f"h{number}.md").write_text(
            f"---\ntitle: 'T {text}'\nservices: [svc]\nowner: '{text}'\nlast_reviewed: "
            f"2020-01-01\ntags: ['{text}']\n---\n\n# {text}\n\n- [ ] step {text}\n\n"
            f"[link {text}](./h0.md) `{text}`\n\n```\n{text}\n```\n",
            encoding="utf-8",
        )
    library = library_for(tmp_path, root)
    screen = RunbookBrowserScreen(library=library, today=TODAY, query="step")
    app = BrowserApp(screen)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert len(screen.hits) == len(HOSTILE)
        for hit in screen.hits:
            await screen.open_runbook(hit.id)
            await pilot.pause()
        screen.query_one(Input).blur()
        screen.action_show_stale()
        await pilot.pause()
        viewer = screen.query_one(RunbookViewer)
        await viewer.follow("[/foo]")  # a dead link with markup-like text: a plain notice
        await screen.open_runbook("h0")
        await pilot.pause()
        assert rendered_text(viewer).count("[/foo]") >= 4  # heading, step, link, code
        header = str(viewer.query_one("#rb-header", Static).render())
        assert "T [/foo]" in header and "STALE" in header
    incident = store.declare("svc [/foo] broke", 2, services=["svc"])
    pane = RunbookPane(store, incident.id, library=library, today=TODAY, poll_seconds=0)
    async with PaneApp(pane).run_test(size=(120, 40)) as pilot:
        await settle(pane.app, pilot)
        # the ANSI one breaks its own YAML header (control characters), so it has no services
        assert pane.data is not None and len(pane.data.suggestions) == len(HOSTILE) - 1
        lst = pane.query_one("#rbp-list", OptionList)
        lst.highlighted = 0
        await pilot.press("p")
        await settle(pane.app, pilot)
        steps = pane.query_one("#rbp-steps", OptionList)
        assert pane.data.pinned and steps.option_count == 2  # section "[/foo]" + its step
        assert steps.get_option_at_index(0).prompt.plain == "[/foo]"


async def test_headings_navigation_toc_and_clicked_links(tmp_path: Path, bundled_dir: Path) -> None:
    library = library_for(tmp_path, bundled_dir)
    screen = RunbookBrowserScreen(library=library, today=TODAY, open_id="disk-full")
    app = BrowserApp(screen)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        viewer = screen.query_one(RunbookViewer)
        assert viewer.runbook is not None and viewer.runbook.id == "disk-full"
        viewer.focus_body()
        view = viewer.doc_view
        assert view.scroll_y == 0
        await pilot.press("right_square_bracket")
        await pilot.pause()
        first = view.scroll_y
        assert first > 0
        await pilot.press("right_square_bracket")
        await pilot.pause()
        assert view.scroll_y > first
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert view.scroll_y == first
        # the contents list jumps to a heading
        toc = viewer.query_one("#rb-toc", OptionList)
        assert toc.option_count == len(viewer.document.headings)
        toc.focus()
        toc.highlighted = toc.option_count - 1
        await pilot.press("enter")
        await pilot.pause()
        assert view.scroll_y > first
        await pilot.press("t")  # TOC off
        await pilot.pause()
        assert not viewer.show_toc and not toc.display
        # anchors and a link activated the way a mouse click would (the @click action)
        assert viewer.goto_anchor("mitigation")
        view.action_follow_link("./database-failover.md#mitigation")
        await settle(app, pilot)
        assert viewer.runbook.id == "database-failover"
        assert view.scroll_y > 0  # landed on the Mitigation heading


async def test_huge_runbook_is_cut_in_the_viewer_with_a_note(
    tmp_path: Path, nasty_dir: Path
) -> None:
    library = library_for(tmp_path, nasty_dir)
    screen = RunbookBrowserScreen(library=library, today=TODAY, open_id="huge")
    app = BrowserApp(screen)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        text = screen.query_one(RunbookViewer).document.plain_text()
        assert "the viewer shows the first 256 KB" in text
        assert len(text) < 300 * 1024


async def test_broken_config_is_reported_not_fatal(tmp_path: Path) -> None:
    from irtui import paths

    config = paths.config_dir() / "config.yaml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("runbooks: {not: [a list\n", encoding="utf-8")
    screen = RunbookBrowserScreen(today=TODAY)  # no library: built from the broken config
    app = BrowserApp(screen)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(app, pilot)
        status = str(screen.query_one("#rb-status", Static).render())
        assert "Runbooks unavailable" in status and "config.yaml" in status
        assert app.is_running
