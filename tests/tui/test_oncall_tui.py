"""The TUI's on-call parts, driven by keys: the panel on the incident screen, the bell for an
unanswered page, the page dialog (ctrl+g), the hand-off screen (F9), the blast-radius offer
after declaring, picking a role holder from the people on call, and hostile text everywhere."""

from __future__ import annotations

from pathlib import Path

import pytest

from irtui.domain.paging import PageTarget
from irtui.domain.timeutil import ManualClock
from irtui.oncall.demo import seed_pages, write_catalog
from irtui.store.repo import Store
from irtui.sync import paging
from irtui.sync.pagerduty_keys import RoutingKeys
from irtui.tui.app import IrtuiApp
from irtui.tui.screens.blast_dialog import BlastRadiusDialog
from irtui.tui.screens.incident import IncidentScreen
from irtui.tui.screens.oncall_handoff import OnCallHandoffScreen
from irtui.tui.screens.page_dialog import PageDialog
from irtui.tui.widgets.oncall_panel import OnCallPanel
from tests.tui.conftest import make_app

NO_KEYS = RoutingKeys(env={}, use_keyring=False)


@pytest.fixture
def catalog_file(tmp_path: Path, clock: ManualClock, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = write_catalog(tmp_path, clock())
    monkeypatch.setenv("IRTUI_CATALOG", str(path))
    for var in ("IRTUI_PAGERDUTY_ROUTING_KEY", "IRTUI_PAGERDUTY_URL"):
        monkeypatch.delenv(var, raising=False)
    return path


@pytest.fixture
def oncall_app(
    store: Store, clock: ManualClock, demo_ids: dict[str, str], catalog_file: Path
) -> IrtuiApp:
    seed_pages(store, demo_ids["sev1"], catalog_file)
    return make_app(store, clock)


async def open_sev1(app: IrtuiApp, pilot) -> tuple[IncidentScreen, OnCallPanel]:
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, IncidentScreen)
    await app.workers.wait_for_complete()
    await pilot.pause()
    return screen, screen.query_one(OnCallPanel)


async def test_the_panel_shows_owner_oncall_chain_and_pages(oncall_app: IrtuiApp) -> None:
    async with oncall_app.run_test(size=(160, 48)) as pilot:
        _, panel = await open_sev1(oncall_app, pilot)
        text = panel_text(panel)
        assert "checkout, payments-api, api-gateway  Payments  #payments" in text
        assert "primary   Erin Ortiz" in text and "secondary Bob Stone" in text
        assert "chain 1 Erin 15m › 2 Bob 15m › 3 Dana 15m" in text
        assert "Erin Ortiz acknowledged 16m ago" in text
        assert "paged Gita Rao 6m ago, no answer -> escalate to Dana Lee" in text
        assert "not sent to PagerDuty: call them" in text


def panel_text(panel: OnCallPanel) -> str:
    from irtui.tui.widgets.oncall_panel import render

    return render(panel.view, panel.now(), error=panel.error).plain


async def test_an_unknown_service_is_flagged_and_no_catalog_is_said(
    store: Store,
    clock: ManualClock,
    demo_ids: dict[str, str],
    catalog_file: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    store.change_details(demo_ids["sev1"], services=["checkout", "mystery-svc"])
    app = make_app(store, clock)
    async with app.run_test(size=(160, 48)) as pilot:
        _, panel = await open_sev1(app, pilot)
        assert "mystery-svc  not in the catalog" in panel_text(panel)
    monkeypatch.delenv("IRTUI_CATALOG")
    app = make_app(store, clock)
    async with app.run_test(size=(160, 48)) as pilot:
        _, panel = await open_sev1(app, pilot)
        assert "no service catalog (docs/oncall.md)" in panel_text(panel)


async def test_the_bell_rings_once_when_a_page_goes_unanswered(
    store: Store, clock: ManualClock, demo_ids: dict[str, str], catalog_file: Path
) -> None:
    app = make_app(store, clock)
    rings: list[int] = []
    app.ring = lambda: rings.append(1)  # type: ignore[method-assign]
    async with app.run_test(size=(160, 48)) as pilot:
        _, panel = await open_sev1(app, pilot)
        paging.page(
            store, demo_ids["sev1"], PageTarget("dana", "Dana Lee", ack_within_s=300), keys=NO_KEYS
        )
        app.refresh_now()
        panel.tick(app.now())
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "paged Dana Lee 0s ago, 5m00s left to answer" in panel_text(panel)
        clock.advance(minutes=4)
        panel.tick(app.now())
        assert rings == []
        clock.advance(minutes=1, seconds=1)
        panel.tick(app.now())
        panel.tick(app.now())
        assert rings == [1], "once, not every second"
        assert "no answer -> page someone else (last level)" in panel_text(panel)


async def test_ctrl_g_escalates_with_two_enters_and_acknowledges(
    oncall_app: IrtuiApp, store: Store, demo_ids: dict[str, str]
) -> None:
    iid = demo_ids["sev1"]
    async with oncall_app.run_test(size=(160, 48)) as pilot:
        await open_sev1(oncall_app, pilot)
        await pilot.press("ctrl+g")
        await oncall_app.workers.wait_for_complete()
        await pilot.pause()
        dialog = oncall_app.screen
        assert isinstance(dialog, PageDialog)
        await pilot.press("enter")  # the first line: escalate Gita's page (armed only)
        await pilot.pause()
        assert [p.state for p in paging.pages_of(store, iid)] == ["acknowledged", "open"]
        await pilot.press("enter")
        await pilot.pause()
        pages = paging.pages_of(store, iid)
        assert [p.state for p in pages] == ["acknowledged", "escalated", "open"]
        assert pages[-1].person == "dana" and pages[-1].level == 2
        await pilot.press("ctrl+g")
        await oncall_app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")  # the first line now: "Acknowledged by Dana Lee"
        await pilot.pause()
        assert paging.pages_of(store, iid)[-1].state == "acknowledged"


async def test_page_by_typing_who_and_why(
    store: Store, clock: ManualClock, demo_ids: dict[str, str], catalog_file: Path
) -> None:
    app = make_app(store, clock)
    iid = demo_ids["sev1"]
    async with app.run_test(size=(160, 48)) as pilot:
        await open_sev1(app, pilot)
        await pilot.press("ctrl+g")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("tab", *"dba", "tab", *"pool [/] at 100%")
        from textual.widgets import Input

        reason = app.screen.query_one("#page-reason", Input)
        reason.value += " \x1b[31mred\x1b[0m"  # as a paste of coloured log output lands
        await pilot.press("ctrl+s")
        await pilot.pause()
        (page,) = paging.pages_of(store, iid)
        assert page.person == "gita" and page.team == "dba" and page.level == 1
        assert page.reason == "pool [/] at 100% red"  # the escape sequences were removed


async def test_keys_typed_on_the_entry_line_stay_text(
    oncall_app: IrtuiApp, store: Store, demo_ids: dict[str, str]
) -> None:
    iid = demo_ids["sev1"]
    async with oncall_app.run_test(size=(160, 48)) as pilot:
        await open_sev1(oncall_app, pilot)
        # the entry line has the focus when an incident opens: every letter is text
        await pilot.press(*"page gita again, escalate if no ack", "enter")
        await oncall_app.workers.wait_for_complete()
        await pilot.pause()
        assert not isinstance(oncall_app.screen, PageDialog)
        texts = [e.text for e in store.timeline(iid, include_system=False)]
        assert texts[-1] == "page gita again, escalate if no ack"


async def test_f9_opens_the_handoff_brief(oncall_app: IrtuiApp) -> None:
    async with oncall_app.run_test(size=(160, 48)) as pilot:
        await open_sev1(oncall_app, pilot)
        await pilot.press("f9")
        await oncall_app.workers.wait_for_complete()
        await pilot.pause()
        screen = oncall_app.screen
        assert isinstance(screen, OnCallHandoffScreen)
        from textual.widgets import Static

        text = str(screen.query_one("#handoff-brief", Static).content)
        assert "On-call hand-off — dba" in text or "On-call hand-off — payments" in text
        assert "Open incidents" in text and "Overrides coming up" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(oncall_app.screen, IncidentScreen)


async def test_the_roles_dialog_picks_from_the_people_on_call(oncall_app: IrtuiApp) -> None:
    from textual.widgets import Input

    from irtui.tui.screens.handoff import RolesScreen
    from irtui.tui.widgets.oncall_picker import OnCallPicker

    async with oncall_app.run_test(size=(160, 48)) as pilot:
        await open_sev1(oncall_app, pilot)
        await pilot.press("escape", "r")  # Esc arms one command: r is roles
        await oncall_app.workers.wait_for_complete()
        await pilot.pause()
        if type(oncall_app.screen).__name__ == "StaffDialog":  # a required role is empty
            await pilot.press("ctrl+r")
            await oncall_app.workers.wait_for_complete()
        await pilot.pause()
        screen = oncall_app.screen
        assert isinstance(screen, RolesScreen)
        picker = screen.query_one(OnCallPicker)
        assert picker.display and [name for _, name in picker.people][:2] == [
            "Erin Ortiz",
            "Bob Stone",
        ]
        picker.value = "Bob Stone"
        await pilot.pause()
        assert screen.query_one("#to", Input).value == "Bob Stone"


async def test_declaring_on_a_service_offers_its_blast_radius(
    store: Store, clock: ManualClock, demo_ids: dict[str, str], catalog_file: Path
) -> None:
    app = make_app(store, clock)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        await pilot.press("n", *"Payments API timeouts")
        await pilot.pause()
        from textual.widgets import Input

        app.screen.query_one("#services", Input).value = "payments-api, nope-svc"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, BlastRadiusDialog)
        assert [a.service for a in dialog.radius] == ["checkout", "api-gateway"]
        assert dialog.unknown == ["nope-svc"]
        await pilot.press("ctrl+s")  # checkout (direct) is ticked; api-gateway is not
        await pilot.pause()
        newest = max(store.list_incidents(), key=lambda i: i.number)
        assert newest.services == ["payments-api", "nope-svc", "checkout"]


async def test_resolving_offers_to_resolve_the_pages(
    oncall_app: IrtuiApp, store: Store, demo_ids: dict[str, str]
) -> None:
    from irtui.tui.screens.page_dialog import ResolvePagesDialog

    iid = demo_ids["sev1"]
    async with oncall_app.run_test(size=(160, 48)) as pilot:
        await open_sev1(oncall_app, pilot)
        await pilot.press("escape", "R")  # Esc arms one command: R is resolve
        await pilot.pause()
        for _item in store.policy.checklist:  # the resolve dialog asks its checklist
            await pilot.press("enter", "tab")  # Enter ticks (a typed space does nothing)
        await pilot.press(*"test", "ctrl+s")  # early: the monitoring hold
        await oncall_app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(oncall_app.screen, ResolvePagesDialog)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert {p.state for p in paging.pages_of(store, iid)} == {"resolved"}


async def test_an_undelivered_page_is_the_loudest_line(
    store: Store, clock: ManualClock, demo_ids: dict[str, str], catalog_file: Path
) -> None:
    from irtui.store.outbox_repo import OutboxRepo
    from irtui.sync.outbox import Deliverer
    from irtui.sync.pagerduty import PagerDutyEventsV2

    iid = demo_ids["sev1"]
    target = PageTarget("erin", "Erin Ortiz", routing="payments", ack_within_s=300)
    paging.page(store, iid, target, keys=NO_KEYS)
    Deliverer(OutboxRepo(store.db), PagerDutyEventsV2(NO_KEYS), store.now).deliver_due()
    app = make_app(store, clock)
    async with app.run_test(size=(160, 48)) as pilot:
        _, panel = await open_sev1(app, pilot)
        text = panel_text(panel)
        assert "!! PAGE NOT DELIVERED — fix it, then irtui sync --retry 1" in text
        assert "no PagerDuty routing key for 'payments'" in text


async def test_hostile_text_in_the_catalog_and_pages_is_shown_literally(
    store: Store,
    clock: ManualClock,
    demo_ids: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    evil = "[/] x [/ y [red] [/foo] \x1b]52;c;aGk=\x07 \x00"
    path = tmp_path / "catalog.yaml"
    path.write_text(
        "people:\n  evil:\n    name: "
        + '"'
        + evil.replace("\x1b", "\\e").replace("\x07", "\\a").replace("\x00", "\\0")
        + '"\n'
        'teams:\n  t: {name: "[bold]team[/]", chat: "[/]", oncall: {primary: s}}\n'
        "services:\n  checkout: {owner: t}\n"
        "schedules:\n  s:\n    rotation:\n"
        '      {people: [evil], every: day, start: 2026-01-01, handover: "09:00"}\n'
    )
    monkeypatch.setenv("IRTUI_CATALOG", str(path))
    iid = demo_ids["sev1"]
    paging.page(store, iid, PageTarget("evil", evil), reason="y" * 1900 + "[/]", keys=NO_KEYS)
    app = make_app(store, clock)
    async with app.run_test(size=(160, 48)) as pilot:
        _, panel = await open_sev1(app, pilot)
        text = panel_text(panel)
        assert "[/] x [/ y [red]" in text and "\x1b" not in text and "\x00" not in text
        await pilot.press("ctrl+g")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, PageDialog)
        await pilot.press("escape", "f9")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, OnCallHandoffScreen)


async def test_declaring_on_a_catalogued_service_adopts_its_links(
    store: Store, clock: ManualClock, demo_ids: dict[str, str], catalog_file: Path
) -> None:
    """The catalog's dashboard of the service is the new incident's dashboard link."""
    app = make_app(store, clock)
    async with app.run_test(size=(160, 48)) as pilot:
        await pilot.pause()
        await pilot.press("n", *"Checkout errors")
        await pilot.pause()
        from textual.widgets import Input

        app.screen.query_one("#services", Input).value = "checkout"
        await pilot.press("ctrl+s")
        for _ in range(20):
            await app.workers.wait_for_complete()
            await pilot.pause(0.05)
            newest = max(store.list_incidents(), key=lambda i: i.number)
            if newest.links:
                break
        assert newest.title == "Checkout errors"
        assert newest.links == {"dashboard": "https://grafana.example.com/d/checkout"}
