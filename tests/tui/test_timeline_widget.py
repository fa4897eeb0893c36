"""The timeline widget: every entry readable in full at 80, 160 and 200 columns (wrapped with a
hanging indent), decision records as call / proposal / objections, a compact one-line mode,
measured heights that match what is drawn, and hostile text shown literally."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from rich.console import Console
from textual.app import App, ComposeResult

from irtui.domain.model import TimelineEntry
from irtui.tui.widgets.timeline import Timeline, entry_height, layout

T0 = datetime(2026, 11, 22, 14, 0, tzinfo=UTC)
WORDS = "roll back the deploy pool saturated replica lag eu-west checkout 502 tenant".split()


def entry(n: int, text: str, **kw: object) -> TimelineEntry:
    at = kw.pop("at", T0 + timedelta(minutes=n))
    return TimelineEntry(
        event_id=n,
        incident_id="INC-1",
        at=at,  # type: ignore[arg-type]
        recorded_at=at,  # type: ignore[arg-type]
        author=str(kw.pop("author", "carol")),
        kind=str(kw.pop("kind", "note")),
        text=text,
        **kw,  # type: ignore[arg-type]
    )


LONG = (
    "Error rate down to 31% after the rollback but not zero: the payments-api connection pool "
    "is saturated at 500/500 and the replica in eu-west lags by 40 s; bob is checking whether "
    "the pool limit change from last week is the cause, erin recycles the pods one by one"
)
DECISION = entry(
    2,
    "Roll back — proposal: x; objections: y",
    kind="decision",
    starred=True,
    decision={
        "proposal": "roll back deploy #4821 and keep the feature flag off until the pool "
        "limit is understood; bob owns the rollback, erin watches the error rate",
        "objections": "dana: the rollback also reverts the EU tax fix; accepted for an hour",
        "call": "Roll back #4821 now, tax fix re-applied after",
    },
)


class TimelineApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Timeline(id="timeline")


def screen_text(app: App[None]) -> str:
    return "\n".join(line.text for line in app.screen._compositor.render_strips())


@pytest.mark.parametrize("size", [(80, 24), (160, 48), (200, 60)])
async def test_every_entry_is_readable_in_full_at_any_width(size: tuple[int, int]) -> None:
    app = TimelineApp()
    async with app.run_test(size=size) as pilot:
        timeline = app.query_one(Timeline)
        timeline.show([entry(1, LONG), DECISION, entry(3, "short one")])
        await pilot.pause()
        shown = " ".join(screen_text(app).split())
        for word in LONG.split():
            assert word in shown, word
        for part in ("Roll back #4821 now, tax fix re-applied after", "proposal:", "objections:"):
            assert part in " ".join(shown.split())
        assert "reverts the EU tax fix" in shown and "short one" in shown
        assert timeline.row_count == 4  # the day line and three entries
        # heights measured without rendering equal the rows drawn
        for key in timeline.keys:
            data = timeline.data(key)
            if isinstance(data, TimelineEntry):
                rendered = timeline._render_row(data, timeline.size.width)
                assert len(rendered) == entry_height(data, timeline.size.width, compact=False)


async def test_compact_mode_is_one_line_an_entry_and_keeps_the_cursor() -> None:
    app = TimelineApp()
    async with app.run_test(size=(80, 24)) as pilot:
        timeline = app.query_one(Timeline)
        timeline.show([entry(1, LONG), DECISION, entry(3, "short one")])
        timeline.move_cursor(key="e:2")
        await pilot.pause()
        tall = timeline.virtual_size.height
        timeline.set_compact(True)
        await pilot.pause()
        assert timeline.virtual_size.height == 4 < tall
        assert timeline.cursor_key == "e:2" and timeline.selected_entry is DECISION
        assert "…" in screen_text(app)
        timeline.set_compact(False)
        await pilot.pause()
        assert timeline.virtual_size.height == tall


async def test_hostile_text_is_literal_and_huge_entries_are_bounded() -> None:
    app = TimelineApp()
    hostile = "[bold]x[/bold] [/] x [/ y [red] \x1b]8;;https://evil.example\x07click\x1b]8;;\x07"
    async with app.run_test(size=(80, 24)) as pilot:
        timeline = app.query_one(Timeline)
        timeline.show([entry(1, hostile), entry(2, "line one\nline two"), entry(3, "y " * 50_000)])
        timeline.move_cursor(key="e:1")
        await pilot.pause()
        svg = app.export_screenshot()
        assert "\x1b" not in svg
        assert "[bold]x[/bold]" in screen_text(app) and "␛]8;;https://evil.example" in screen_text(
            app
        )
        assert "line one" in screen_text(app) and "line two" in screen_text(app)
        assert entry_height(timeline.data("e:3"), 78, compact=False) == 60
        timeline.move_cursor(key="e:3")
        await pilot.pause()
        timeline.scroll_end(animate=False, immediate=True)
        await pilot.pause()
        assert "more lines: the detail pane" in screen_text(app)


def test_measured_heights_match_rich_wrapping_on_random_text() -> None:
    console = Console(width=300)
    rng = random.Random(3)
    words = [*WORDS, "x" * 40, "🔥", "日本語のテキスト", "a-b/c_d", "—"]
    mismatches = 0
    for n in range(300):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 60)))
        width = rng.choice([80, 120, 160, 200])
        item = entry(n, text, starred=bool(n % 3))
        measured = entry_height(item, width, compact=False)
        from irtui.tui.widgets.timeline import entry_texts

        drawn = sum(
            len(p.wrap(console, layout(width).text, overflow="fold")) for p in entry_texts(item)
        )
        mismatches += measured != drawn
    assert mismatches <= 6, f"{mismatches} of 300 rows measured wrong (the render corrects them)"


async def test_rows_prepared_off_the_event_loop_show_as_measured_here() -> None:
    from irtui.tui.widgets.timeline import prepare

    entries = [entry(1, LONG), DECISION, entry(3, "short one")]
    app = TimelineApp()
    async with app.run_test(size=(120, 30)) as pilot:
        timeline = app.query_one(Timeline)
        await pilot.pause()
        width = timeline.content_width
        timeline.show_prepared(prepare(entries, width))
        await pilot.pause()
        prepared_height = timeline.virtual_size.height
        timeline.show(entries)
        await pilot.pause()
        assert timeline.virtual_size.height == prepared_height
        timeline.show_prepared(prepare(entries, width + 40))  # stale width: measured again
        await pilot.pause()
        assert timeline.virtual_size.height == prepared_height
        timeline.add([entry(4, "next day", at=T0 + timedelta(days=1))])
        assert timeline.keys[-2].startswith("day:") and timeline.keys[-1] == "e:4"
