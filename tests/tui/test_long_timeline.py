"""A long timeline opens with its newest entries and gets the rest from a worker: every entry
ends up in the timeline, in order, the cursor still on the newest one, and tasks from the
whole record in the tasks panel."""

from __future__ import annotations

import pytest

from irtui.domain.timeutil import ManualClock
from irtui.store.repo import Store
from irtui.tui.screens import incident as incident_screen
from irtui.tui.screens.incident import IncidentScreen
from irtui.tui.widgets.timeline import Timeline
from tests.tui.conftest import make_app


@pytest.fixture
def long_incident(store: Store, clock: ManualClock) -> str:
    inc = store.declare("Long one", severity=2, services=["api"])
    store.log(
        inc.id,
        "check the very first thing",
        kind="action",
        task={"text": "check the very first thing", "owner": "bob"},
    )
    for n in range(150):
        clock.advance(seconds=20)
        store.log(inc.id, f"entry number {n} " + "words " * (n % 7))
    return inc.id


async def test_newest_first_then_every_entry(
    store: Store, clock: ManualClock, long_incident: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(incident_screen, "FIRST_EVENTS", 40)
    monkeypatch.setattr(incident_screen, "FIRST_ROWS", 25)
    shown: list[tuple[int, int]] = []
    original = Timeline.show

    def show(self, entries, **kwargs):  # type: ignore[no-untyped-def]
        entries = list(entries)
        shown.append((len(entries), kwargs.get("earlier", 0)))
        return original(self, entries, **kwargs)

    monkeypatch.setattr(Timeline, "show", show)
    app = make_app(store, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        app.open(long_incident)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, IncidentScreen)
        assert shown[0] == (25, -1)  # the newest first, "earlier entries: loading…" above
        for _ in range(40):
            await app.workers.wait_for_complete()
            await pilot.pause(0.05)
            if "earlier" not in screen.row_ids:
                break
        keys = [k for k in screen.row_ids if k.startswith("e:")]
        expected = [f"e:{e.event_id}" for e in store.timeline(long_incident)]
        assert keys == expected
        assert screen.timeline.cursor_key == expected[-1]
        assert any(t.text == "check the very first thing" for t in screen.tasks)
        await pilot.press(*"one more line", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.timeline.row_plain(screen.row_ids[-1]) == "one more line"
