"""TUI fixtures: a demo-seeded store, an app with its background timers slowed down (the
tests drive ticks and polls by hand), and a local timezone pinned to UTC so times render the
same on every machine."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from irtui.demo import seed
from irtui.domain.timeutil import ManualClock
from irtui.store.repo import Store
from irtui.tui.app import IrtuiApp


@pytest.fixture(autouse=True)
def _utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def demo_ids(store: Store) -> dict[str, str]:
    return seed(store)


def make_app(store: Store, clock: ManualClock, **kwargs: object) -> IrtuiApp:
    """Timers far apart: tests call `app.tick()` / `app.poll()` themselves."""
    options: dict[str, object] = {
        "clock": clock,
        "seat_name": "alice",
        "tick_s": 3600,
        "poll_s": 3600,
        "heartbeat": False,
        "background_sync": False,
    }
    options.update(kwargs)
    return IrtuiApp(store, **options)  # type: ignore[arg-type]


@pytest.fixture
def app(store: Store, clock: ManualClock, demo_ids: dict[str, str]) -> IrtuiApp:
    return make_app(store, clock)


async def settle(pilot: object) -> None:
    """Wait out the type-ahead grace after a screen change (keys typed within it are not
    commands), as a person does who looks at the new screen before pressing a key."""
    grace = getattr(pilot.app, "typeahead_grace_s", 0.35)  # type: ignore[attr-defined]
    await pilot.pause(grace + 0.1)  # type: ignore[attr-defined]
