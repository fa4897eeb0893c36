"""Pilot tests for the dialogs that keep the record true: the composer's promise and the
customers' clock, resolve (checklist, hold clock, final updates), Times and Mitigated, the
declare dialog's times, the hand-off seen from the incoming seat — and hostile text through
each of them.

Dialogs are opened through the screens' action methods (the keyboard model is being
redesigned; the behaviour under test is what the dialogs do)."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import Button, Checkbox, Input, TextArea

from irtui.demo import _as
from irtui.domain.model import EventKind
from irtui.domain.timeutil import ManualClock
from irtui.store.repo import Store
from irtui.tui.app import IrtuiApp
from irtui.tui.screens.composer import ComposerScreen, PostedByHandDialog
from irtui.tui.screens.dialogs import DeclareDialog
from irtui.tui.screens.handoff import RolesScreen
from irtui.tui.screens.incident import IncidentScreen
from irtui.tui.screens.milestones import MitigatedDialog, TimesDialog
from irtui.tui.screens.resolve import FinalUpdatesDialog, ResolveDialog
from tests.tui.conftest import make_app

HOSTILE = "[/] [/foo] x [/ y [red] \x1b[2J\x1b]52;c;aGk=\x07 \x00 nul"


async def _incident(app: IrtuiApp, pilot, iid: str) -> IncidentScreen:  # type: ignore[no-untyped-def]
    await pilot.pause()
    app.open(iid)
    await pilot.pause()
    assert isinstance(app.screen, IncidentScreen)
    return app.screen


async def test_composer_promise_sets_the_clock_it_names(
    app: IrtuiApp, store: Store, clock: ManualClock, demo_ids: dict[str, str]
):
    iid = demo_ids["sev1"]
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _incident(app, pilot, iid)
        screen.action_compose()
        await pilot.pause()
        composer = app.screen
        assert isinstance(composer, ComposerScreen)
        composer.query_one("#f-next", Input).value = "10m"
        await pilot.pause()
        said = str(composer.query_one("#f-clock").render())
        assert "Sets the Internal clock: next update due 14:10 UTC" in said
        assert "Next update: 14:10 UTC" in str(composer.query_one("#preview").render())
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert store.get(iid).update_due["internal"] == clock() + timedelta(minutes=10)
        # "with the next status change": no time, and the text says so
        screen.action_compose()
        await pilot.pause()
        composer = app.screen
        composer.query_one("#aud-exec").value = True
        composer.query_one("#f-next-status", Checkbox).value = True
        await pilot.pause()
        assert "with the next status change" in str(composer.query_one("#f-clock").render())
        assert composer.query_one("#f-next", Input).disabled
        await pilot.press("ctrl+s")
        await pilot.pause()
        inc = store.get(iid)
        assert "exec" not in inc.update_due and inc.promises["exec"] == "status_change"


async def test_customers_without_a_status_page_are_posted_by_hand_or_not_at_all(
    app: IrtuiApp, store: Store, clock: ManualClock, demo_ids: dict[str, str]
):
    iid = demo_ids["sev1"]
    before = store.get(iid).update_due["statuspage"]
    sent = len([e for e in store.events(iid) if e.kind == EventKind.UPDATE_SENT])
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _incident(app, pilot, iid)
        screen.action_compose()
        await pilot.pause()
        composer = app.screen
        composer.query_one("#aud-statuspage").value = True
        await pilot.pause()
        composer.query_one("#f-known", Input).value = "A database is overloaded."
        assert "Send asks whether you posted it by hand" in str(
            composer.query_one("#f-clock").render()
        )
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PostedByHandDialog)
        app.screen.query_one("#not-yet", Button).press()
        await pilot.pause()
        assert app.screen is composer  # nothing recorded, the customers' clock runs on
        assert store.get(iid).update_due["statuspage"] == before
        assert len([e for e in store.events(iid) if e.kind == EventKind.UPDATE_SENT]) == sent
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("ctrl+s")  # "Posted by hand"
        await pilot.pause()
        last = store.events(iid)[-1]
        assert last.kind == EventKind.UPDATE_SENT and last.payload["delivery"] == "by_hand"
        assert store.get(iid).update_due["statuspage"] == clock() + timedelta(minutes=30)
        assert "Update sent to statuspage" not in store.timeline(iid)[-1].text


async def test_resolve_asks_the_checklist_shows_the_hold_and_offers_final_updates(
    app: IrtuiApp, store: Store, clock: ManualClock, demo_ids: dict[str, str]
):
    iid = demo_ids["sev1"]
    store.set_status(iid, "monitoring")
    clock.advance(minutes=4)
    async with app.run_test(size=(120, 44)) as pilot:
        screen = await _incident(app, pilot, iid)
        screen.action_resolve()
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ResolveDialog)
        assert "11m00s left of 15m" in str(dialog.query_one("#hold").render())
        clock.advance(seconds=30)
        app.tick()
        assert "10m30s left of 15m" in str(dialog.query_one("#hold").render())
        assert "2 task(s) still open" in str(dialog.query_one("#tasks-open").render())
        assert "never marked" in str(dialog.query_one("#mitigation").render())
        await pilot.press("ctrl+s")  # nothing checked: refused
        await pilot.pause()
        assert isinstance(app.screen, ResolveDialog) and store.get(iid).is_open
        for box in dialog.query(Checkbox):
            box.value = True
        reason = dialog.query_one("#early-reason", Input)
        assert not reason.has_class("hidden")
        await pilot.press("ctrl+s")  # early without a reason: refused by the domain
        await pilot.pause()
        assert store.get(iid).is_open
        reason.value = "checkout error rate flat at 0 for 4 minutes"
        await pilot.press("ctrl+s")
        await pilot.pause()
        inc = store.get(iid)
        assert str(inc.status) == "resolved"
        assert store.events(iid)[-1].payload["early"]["reason"].startswith("checkout error")
        final = app.screen
        assert isinstance(final, FinalUpdatesDialog)
        assert {str(a) for a in final.audiences} == {"internal", "exec", "statuspage"}
        final.query_one("#final-internal", Button).press()
        await pilot.pause()
        composer = app.screen
        assert isinstance(composer, ComposerScreen) and composer.audience == "internal"
        assert composer.query_one("#f-next", Input).disabled  # nothing is promised after it
        assert "Next update" not in str(composer.query_one("#preview").render())
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is final and "✓" in str(final.query_one("#final-internal").label)


async def test_times_and_mitigated_dialogs(
    app: IrtuiApp, store: Store, clock: ManualClock, demo_ids: dict[str, str]
):
    iid = demo_ids["sev2"]
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _incident(app, pilot, iid)
        screen.action_times()
        await pilot.pause()
        assert isinstance(app.screen, TimesDialog)
        await pilot.press(*"-70m", "tab", *"-60m", "ctrl+s")
        await pilot.pause()
        inc = store.get(iid)
        assert inc.milestones["started"] == clock() - timedelta(minutes=70)
        assert inc.milestones["detected"] == clock() - timedelta(minutes=60)
        moves = [t.text for t in store.timeline(iid) if t.source == EventKind.MILESTONE_SET]
        assert len(moves) == 2 and all("set on the incident screen" in m for m in moves)
        screen.action_times()
        await pilot.pause()
        await pilot.press(*"21:00", "ctrl+s")  # at 14:00, 21:00 is in the future
        await pilot.pause()
        assert isinstance(app.screen, TimesDialog)
        assert any("is in the future" in n.message for n in app._notifications)
        await pilot.press("escape")
        screen.action_mitigated()
        await pilot.pause()
        assert isinstance(app.screen, MitigatedDialog)
        await pilot.press(*"-2m", "tab", *"noisy tenant rate-limited", "ctrl+s")
        await pilot.pause()
        assert store.get(iid).milestones["mitigated"] == clock() - timedelta(minutes=2)


async def test_declare_dialog_takes_impact_started_and_detected(store: Store, clock: ManualClock):
    app = make_app(store, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.action_declare()
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, DeclareDialog)
        dialog.query_one("#title", Input).value = "Login down"
        dialog.query_one("#started", Input).value = "-25m"
        dialog.query_one("#detected", Input).value = "-5m"
        await pilot.press("ctrl+s")
        await pilot.pause()
        inc = store.list_incidents()[0]
        assert inc.milestones["started"] == clock() - timedelta(minutes=25)
        assert inc.milestones["detected"] == clock() - timedelta(minutes=5)


async def test_the_incoming_seat_sees_the_brief_and_accepts_with_a_read_back(
    store: Store, clock: ManualClock, demo_ids: dict[str, str]
):
    iid = demo_ids["sev1"]
    store.handoff(iid, "ic", "erin", brief=f"Take it from here.\n{HOSTILE}")  # as alice
    with _as(store, "erin"):
        app = make_app(store, clock, seat_name="erin")
        async with app.run_test(size=(120, 44)) as pilot:
            screen = await _incident(app, pilot, iid)
            screen.action_roles()
            await pilot.pause()
            roles = app.screen
            assert isinstance(roles, RolesScreen)
            shown = str(roles.query_one("#offer-brief-text").render())
            assert "Take it from here." in shown and "[/] [/foo] x [/ y [red]" in shown
            assert "\x1b" not in app.export_screenshot()
            readback = roles.query_one("#readback", Input)
            assert readback.value.startswith("I'm taking IC. Current status is investigating")
            readback.focus()
            await pilot.press("end", *" Pool saturated, failover next.")  # typed: appended
            assert readback.value.startswith("I'm taking IC. Current status is investigating")
            assert readback.value.endswith(". Pool saturated, failover next.")
            readback.value += f" {HOSTILE}"
            await pilot.press("ctrl+a")
            await pilot.pause()
            offer = store.get(iid).handoffs["commander"]
            assert (
                offer.accepted and "[/foo]" in offer.readback and "failover next" in offer.readback
            )
            assert "\x1b" not in offer.readback and "\x00" not in offer.readback
            assert any(n.title == "Saved without control characters" for n in app._notifications)
    store.confirm_handoff(iid, "ic")
    assert store.get(iid).commander == "erin"


async def test_hostile_text_through_the_new_dialogs(
    app: IrtuiApp, store: Store, clock: ManualClock, demo_ids: dict[str, str]
):
    iid = demo_ids["sev3"]
    long_line = "y" * 100_000
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _incident(app, pilot, iid)
        for open_dialog, field in (
            (screen.action_times, "#t-started"),
            (screen.action_mitigated, "#m-note"),
            (screen.action_resolve, "#note"),
        ):
            for text in (long_line, HOSTILE):
                if isinstance(app.screen, IncidentScreen):
                    open_dialog()
                    await pilot.pause()
                app.screen.query_one(field, Input).value = text
                await pilot.press("ctrl+s")  # refused (too long, unreadable) or saved clean
                await app.workers.wait_for_complete()  # written on the store writer
                await pilot.pause()
            while not isinstance(app.screen, IncidentScreen):
                app.pop_screen()  # (Esc would ask whether to discard the typed text)
                await pilot.pause()
        assert not any(
            "\x1b" in str(e.payload) or "\x00" in str(e.payload) for e in store.events(iid)
        )
        screen.action_roles()
        await pilot.pause()
        roles = app.screen
        roles.query_one("#to", Input).value = HOSTILE
        roles.query_one("#brief", TextArea).text = HOSTILE
        await pilot.press("ctrl+s")  # sev3 has no IC: assigning, the name cleaned
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "\x1b" not in app.export_screenshot()
    assert app.return_code in (None, 0)


async def test_policy_and_role_names_are_text_in_the_dialogs(
    store: Store, clock: ManualClock, tmp_path
):
    """A checklist question or a custom role named like markup is shown as written."""
    from pathlib import Path

    from irtui.domain.policy import parse_policy

    base = (Path(__file__).parents[2] / "irtui" / "data" / "policy.yaml").read_text()
    text = base.split("resolution:")[0] + (
        'resolution:\n  checklist:\n    odd: "[/] x [/ y [red] restored"\n'
    )
    store._policy = parse_policy(text, "team.yaml")
    inc = store.declare("x", 3, commander="alice")
    store.assign_role(inc.id, "[/foo]", "x [/ y")
    app = make_app(store, clock)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _incident(app, pilot, inc.id)
        screen.action_resolve()
        await pilot.pause()
        box = app.screen.query_one("#chk-odd", Checkbox)
        assert "[/] x [/ y [red] restored" in str(box.label)
        box.value = True
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert str(store.get(inc.id).status) == "resolved"
        screen.action_roles()
        await pilot.pause()
        assert isinstance(app.screen, RolesScreen)
        app.screen.query_one("#role").value = "[/foo]"
        await pilot.pause()
        assert "x [/ y" in str(app.screen.query_one("#holder").render())
