"""Details and links from the TUI: the header fits at 80x24 with a long title, links are OSC 8
hyperlinks only for http(s) addresses, the details dialog saves title/impact/services/links as
events in one transaction, and a link can be copied."""

from __future__ import annotations

import pytest
from rich.console import Console

from irtui.boundary.text_out import hyperlink_target
from irtui.domain.model import EventKind
from irtui.domain.timeutil import ManualClock
from irtui.store.repo import Store
from irtui.tui.app import IrtuiApp
from irtui.tui.incident_header import header_lines
from irtui.tui.screens.details import CopyLinkDialog, DetailsDialog
from irtui.tui.screens.incident import IncidentScreen
from tests.tui.conftest import settle

LONG_TITLE = (
    "Checkout failing with 502s for most customers in every region after the payments "
    "gateway certificate rotation and the CDN purge that followed it"
)


def test_hyperlink_targets_are_http_only_and_printable_ascii() -> None:
    assert hyperlink_target("https://grafana.example.com/d/x?a=1") is not None
    assert hyperlink_target("HTTP://example.com") is not None
    for bad in (
        "javascript:alert(1)",
        "file:///etc/passwd",
        "https://exa mple.com",
        "https://example.com/\x1b]8;;x\x1b\\",
        "https://example.com/\x07",
        "https://example.com/\u202e",
        "https://",
        "#inc-checkout",
        "OPS-1234",
        "https://" + "a" * 3000,
    ):
        assert hyperlink_target(bad) is None, bad


def test_the_header_keeps_status_services_and_impact_at_80_columns(
    store: Store, clock: ManualClock
) -> None:
    inc = store.declare(
        LONG_TITLE,
        severity=1,
        services=["checkout", "payments-api"],
        impact="most checkout attempts fail in EU and US",
    )
    store.set_link(inc.id, "dashboard", "https://grafana.example.com/d/checkout")
    store.set_link(inc.id, "channel", "#inc-checkout")
    inc = store.get(inc.id)
    for width in (78, 158, 198):
        lines = header_lines(inc, clock(), width)
        assert len(lines) <= 5
        plain = [line.plain for line in lines]
        assert all(len(p) <= width or lines[i].overflow == "ellipsis" for i, p in enumerate(plain))
        text = "\n".join(p[:width] for p in plain)  # what fits on screen
        assert "investigating" in text
        assert "checkout, payments-api" in text
        assert "most checkout attempts fail in EU and US" in text
        assert "Dashboard" in text and "#inc-checkout" in text
    # the dashboard is a hyperlink, the channel name is not
    console = Console(width=200, force_terminal=True, color_system="truecolor")
    links = {
        seg.style.link
        for line in header_lines(inc, clock(), 198)
        for seg in line.render(console)
        if seg.style is not None and seg.style.link
    }
    assert links == {"https://grafana.example.com/d/checkout"}


async def open_first(app: IrtuiApp, pilot) -> IncidentScreen:
    await pilot.pause()
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, IncidentScreen)
    return app.screen


async def test_details_dialog_saves_details_and_links_as_events(
    app: IrtuiApp, store: Store, demo_ids: dict[str, str]
) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_first(app, pilot)
        iid = screen.incident_id
        before = len(store.events(iid))
        await pilot.press("escape", "i")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, DetailsDialog)
        assert app.focused is dialog.query_one("#title")
        await pilot.press("end", *" [/] x [/ y", "tab")
        assert app.focused is dialog.query_one("#services")
        await pilot.press("tab", "tab")  # impact, who
        assert app.focused is dialog.query_one("#who")
        await pilot.press(*"EU shoppers", "tab", *"~70%", "tab", "tab")
        assert app.focused is dialog.query_one("#link-dashboard")
        await pilot.press(*"https://grafana.example.com/d/checkout", "tab")
        await pilot.press("tab", *"#inc-checkout", "ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, IncidentScreen)
        inc = store.get(iid)
        assert inc.title.endswith(" [/] x [/ y")
        assert inc.impact_parts == {"who": "EU shoppers", "how_many": "~70%"}
        assert inc.links == {
            "dashboard": "https://grafana.example.com/d/checkout",
            "channel": "#inc-checkout",
        }
        kinds = [e.kind for e in store.events(iid)[before:]]
        assert kinds.count(EventKind.DETAILS_CHANGED) == 1
        assert kinds.count(EventKind.LINK_SET) == 2
        header = screen.query_one("#inc-header").render()
        assert "[/] x [/ y" in str(header)


async def test_a_refused_link_saves_nothing_and_keeps_the_dialog(
    app: IrtuiApp, store: Store, demo_ids: dict[str, str]
) -> None:
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_first(app, pilot)
        iid = screen.incident_id
        before = len(store.events(iid))
        await pilot.press("escape", "i")
        await pilot.pause()
        dialog = app.screen
        dialog.query_one("#title").value = "A new title"
        dialog.query_one("#link-dashboard").value = "javascript://alert(1)"
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is dialog  # still open, with what was typed
        assert len(store.events(iid)) == before
        assert store.get(iid).title != "A new title"


async def test_copy_link_copies_the_highlighted_link(
    app: IrtuiApp, store: Store, demo_ids: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    copied: list[str] = []
    monkeypatch.setattr(IrtuiApp, "copy_to_clipboard", lambda self, text: copied.append(text))
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await open_first(app, pilot)
        store.set_link(screen.incident_id, "bridge", "https://meet.example.com/abc")
        store.set_link(screen.incident_id, "ticket", "OPS-1234")
        app.refresh_now()
        await pilot.pause()
        await pilot.press("escape", "y")
        await pilot.pause()
        assert isinstance(app.screen, CopyLinkDialog)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert copied == ["OPS-1234"]
        assert isinstance(app.screen, IncidentScreen)
