"""End to end in the real app: the publish modal queues, the app's background OutboxWorker
delivers to a Statuspage on 127.0.0.1, and the app stays usable meanwhile."""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path

import pytest

from irtui.store.outbox_repo import OutboxRepo
from irtui.store.repo import Store
from irtui.tui.screens.publish import PublishScreen
from tests.sync.conftest import TOKEN
from tests.sync.fake_statuspage import FakeStatuspage, serve


async def test_publish_from_the_app_is_delivered_in_the_background(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from irtui.tui.app import IrtuiApp

    config_dir = Path(os.environ["IRTUI_CONFIG_DIR"])
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "statuspage.yaml").write_text(
        "page_id: page1\ncomponents: {checkout: cmpcheckout1}\nmin_interval: 0\n"
    )
    inc = store.declare("Checkout down", 1, services=["checkout"])
    fake = FakeStatuspage(page_id="page1", token=TOKEN)
    monkeypatch.setenv("IRTUI_STATUSPAGE_TOKEN", TOKEN)
    monkeypatch.setattr("irtui.sync.background.POLL_S", 0.1)
    with serve(fake) as url:
        monkeypatch.setenv("IRTUI_STATUSPAGE_URL", url)
        app = IrtuiApp(store, heartbeat=False, background_sync=True, bell=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            results: list[bool | None] = []
            app.push_screen(
                PublishScreen(store, inc.id, "We are investigating.", None), results.append
            )
            await pilot.pause()
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert results == [True]
            deadline = time.monotonic() + 10
            while not fake.incidents and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
            await pilot.pause()
    assert fake.bodies(inc.id) == ["We are investigating."]
    assert OutboxRepo(store.db).summary()["sent"] == 1
    assert all(TOKEN not in str(v) for v in vars(app).values())


async def test_resolving_a_published_incident_offers_to_resolve_the_status_page(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    from irtui.sync.config import load_config
    from irtui.sync.publish import publish
    from irtui.tui.app import IrtuiApp
    from irtui.tui.screens.resolve import ResolveDialog

    config_dir = Path(os.environ["IRTUI_CONFIG_DIR"])
    config_dir.mkdir(parents=True, exist_ok=True)
    (config_dir / "statuspage.yaml").write_text(
        "page_id: page1\ncomponents: {checkout: cmpcheckout1}\nmin_interval: 0\n"
    )
    published = store.declare("Checkout down", 1, services=["checkout"])
    quiet = store.declare("Internal only", 2)
    publish(store, published.id, "We are investigating.", load_config())
    app = IrtuiApp(store, heartbeat=False, background_sync=False, bell=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        for inc, offered in ((quiet, False), (published, True)):
            app.push_screen(ResolveDialog(inc.id))
            await pilot.pause()
            for _item in store.policy.checklist:
                await pilot.press("enter", "tab")
            await pilot.press(*"a test", "ctrl+s")  # early: the monitoring hold
            await pilot.pause()
            assert store.get(inc.id).status == "resolved"
            assert isinstance(app.screen, PublishScreen) is offered
        screen = app.screen
        assert isinstance(screen, PublishScreen) and screen.page_status == "resolved"
