"""The publish modal: previews the exact payload, needs an explicit confirm, then queues."""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.widgets import Button, Checkbox, Static

from irtui.store.outbox_repo import OutboxRepo
from irtui.store.repo import Store
from irtui.sync.config import SyncConfig
from irtui.tui.screens.publish import PublishScreen

NASTY = "Fix [/foo] x [/ y [red] [$accent] \x1b[31mred\x1b[0m"


class Host(App[None]):
    def __init__(self, screen: PublishScreen) -> None:
        super().__init__()
        self.screen_under_test = screen
        self.result: bool | None = None

    def compose(self) -> ComposeResult:
        yield Static("host")

    def on_mount(self) -> None:
        def done(value: bool | None) -> None:
            self.result = value

        self.push_screen(self.screen_under_test, done)


def _preview(app: Host) -> str:
    widget = app.screen.query_one("#publish-preview", Static)
    return str(widget.render())


async def test_confirm_records_and_queues_what_was_shown(
    store: Store, incident: Any, cfg: SyncConfig
) -> None:
    screen = PublishScreen(store, incident.id, NASTY, "mitigating", config=cfg)
    app = Host(screen)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        text = _preview(app)
        assert "Title:   Checkout errors in EU" in text
        assert "Status:  identified" in text and "Impact:  major" in text
        assert "checkout (cmpcheckout1) -> partial_outage" in text
        assert "[/foo]" in text and "\x1b" not in text
        assert OutboxRepo(store.db).messages() == []  # nothing before the confirm
        app.screen.query_one("#publish-notify", Checkbox).value = False
        await pilot.pause()
        assert "Notify subscribers: no" in _preview(app)
        await pilot.click("#publish-ok")
        await pilot.pause()
    assert app.result is True
    (msg,) = OutboxRepo(store.db).messages()
    # what customers read: markup kept literally, the terminal escape removed
    assert msg.payload["body"] == "Fix [/foo] x [/ y [red] [$accent] red"
    assert msg.payload["notify"] is False
    assert msg.payload["status"] == "identified"


async def test_escape_cancels_and_queues_nothing(
    store: Store, incident: Any, cfg: SyncConfig
) -> None:
    app = Host(PublishScreen(store, incident.id, "text", None, config=cfg))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
    assert app.result is False
    assert OutboxRepo(store.db).messages() == []


async def test_unconfigured_page_cannot_be_published(store: Store, incident: Any) -> None:
    app = Host(PublishScreen(store, incident.id, "text", "resolved"))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.screen.query_one("#publish-ok", Button).disabled
        assert "not configured" in str(app.screen.query_one("#publish-problem", Static).render())
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.result is None
    assert OutboxRepo(store.db).messages() == []


def test_resolving_offers_the_status_page(store: Store, incident: Any, cfg: SyncConfig) -> None:
    from irtui.sync.publish import on_status_page, publish, resolve_offer

    assert resolve_offer(store, incident.id) is None
    publish(store, incident.id, "Investigating.", cfg)
    assert on_status_page(store, incident.id)
    assert "resolved" in (resolve_offer(store, incident.id) or "")
