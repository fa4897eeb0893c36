"""The postmortem screen in a real (headless) Textual app: draft, sections, findings, edit."""

from __future__ import annotations

from datetime import timedelta

from textual.app import App
from textual.widgets import DataTable, Markdown, OptionList, TextArea

from irtui.review.workflow import learning_of
from irtui.tui.screens.postmortem import PostmortemScreen, SectionEditor, for_screen

HOSTILE = "[/foo] x [/ y [red] [$accent] \x1b[31m"


class Host(App[None]):
    def __init__(self, screen) -> None:
        super().__init__()
        self._pm = screen

    def on_mount(self) -> None:
        self.push_screen(self._pm)


async def test_screen_shows_draft_findings_and_saves_a_section(store, clock) -> None:
    inc = store.declare(
        f"DB down {HOSTILE}",
        1,
        services=["payments-db"],
        commander="alice",
        started_at=clock() - timedelta(minutes=10),
    )
    clock.advance(minutes=5)
    store.log(inc.id, f"Bob should have known {HOSTILE}", kind="decision", starred=True)
    clock.advance(minutes=5)
    store.resolve(inc.id, checked="all", early_reason="test")
    screen = PostmortemScreen(store, inc.id)
    app = Host(screen)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.draft is not None
        assert "Bob should have" in screen.draft.markdown
        shown = for_screen(screen.draft.markdown)  # TODO markers are visible on screen
        assert "<!-- TODO" not in shown and "> ✎ *To be written by people:* two or" in shown
        sections = screen.query_one("#pm-sections", OptionList)
        assert sections.option_count == 9
        findings = screen.query_one("#pm-findings", OptionList)
        assert findings.option_count == 1  # the should-have in the timeline
        assert screen.query_one("#pm-markdown", Markdown) is not None
        await pilot.press("t")  # the full timeline, as a table
        await pilot.pause()
        table = screen.query_one("#pm-timeline", DataTable)
        assert screen.has_class("-timeline") and table.row_count == 4
        await pilot.press("t")
        sections.focus()
        sections.highlighted = 1  # Summary
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, SectionEditor)
        app.screen.query_one(TextArea).text = "The payments DB failed over slowly."
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert learning_of(store, inc.id).sections["summary"][0] == (
            "The payments DB failed over slowly."
        )
        assert "summary" not in screen.draft.todo
        await pilot.press("c")  # refused: sections still to write
        await pilot.pause()
        assert learning_of(store, inc.id).review_completed_at is None


async def test_big_timeline_is_capped_in_the_draft_and_complete_in_the_table(store) -> None:
    inc = store.declare("Long night", 2)
    store.db.write(lambda _db: [store.log(inc.id, f"step {n}", kind="action") for n in range(400)])
    gone = store.log(inc.id, "wrong incident", kind="note")
    store.retract(inc.id, gone.id, "typo")
    screen = PostmortemScreen(store, inc.id)
    app = Host(screen)
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.draft is not None
        assert "press `t` for the full timeline" in screen.draft.markdown
        assert "step 399" not in screen.draft.markdown
        await pilot.press("t")
        await pilot.pause()
        table = screen.query_one("#pm-timeline", DataTable)
        assert table.row_count == 402  # declared + 400 steps + the retracted entry
        last = table.get_row_at(401)
        assert "retracted by alice: typo" in last[4].plain and "strike" in str(last[4].style)
