"""The drill in the TUI: a scripted player runs a shipped scenario end to end through the
ordinary war room by keys (dialogs driven through their own actions where the keyboard model
may move), and the debrief's figures equal hand-computed ones; the facilitator's seat plays,
skips, improvises, pauses and speeds up by keys; user and scenario text stays literal."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
from textual.widgets import Input, OptionList, Select

from irtui.drills import runner
from irtui.drills.library import find
from irtui.drills.record import score
from irtui.drills.scenario import scenario_from_text
from irtui.store.actions_repo import ActionsRepo
from irtui.store.repo import Store
from irtui.tui.app import IrtuiApp
from irtui.tui.facilitator_app import FacilitatorApp
from irtui.tui.screens.composer import ComposerScreen
from irtui.tui.screens.dialogs import StatusDialog
from irtui.tui.screens.drill_debrief import DrillDebriefScreen
from irtui.tui.screens.drill_facilitator import (
    DrillFacilitatorScreen,
    EndDrillDialog,
    ImproviseDialog,
)
from irtui.tui.screens.handoff import RolesScreen
from irtui.tui.screens.incident import IncidentScreen
from irtui.tui.screens.staff import StaffDialog
from tests.conftest import T0
from tests.drills.conftest import fired

HOSTILE = ["[/]", "[/foo]", "x [/ y", "[red]", "\x1b[31mred\x1b[0m", "nul\x00here"]
QUIET = {"tick_s": 3600, "poll_s": 3600, "heartbeat": False, "background_sync": False}


@pytest.fixture(autouse=True)
def _utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


async def _settle(app: IrtuiApp, pilot) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_a_player_runs_a_shipped_scenario_end_to_end(store, clock, db_path) -> None:
    """db-connection-exhaustion at speed 60 (a real second is a drill minute). The facilitator
    is another seat on the same file. Hand-computed (drill minutes from the start):
    ack +2 (TTA 2m: top quartile) · IC alice +3 · tech bob, comms carol, scribe dave +4
    (required roles filled at +4) · action entry +5 · runbook pinned and step 1 ticked +6 ·
    internal update +7 · exec update +8 · the clue "what changed" asked +9 · decision
    "roll back release 5120" +10 · status-page update +12 · monitoring +18 (TTM 18m, key
    +25m) · resolved +22. Missed: the two answer-key actions (terminate idle sessions, pause
    batch jobs)."""
    facilitator = Store.open(db_path, clock=clock, author="facilitator")
    inc = runner.start(facilitator, find("db-connection-exhaustion"), speed=60)
    iid = inc.id
    app = IrtuiApp(store, clock=clock, seat_name="alice", **QUIET)
    # Keys follow the war room's keyboard model (commands are `Esc` then a key on the incident
    # screen); this test is about the drill, so keys right after a dialog closes count as
    # deliberate here (tests/tui/test_keyboard.py tests the type-ahead guard itself).
    app.typeahead_grace_s = 0.0

    async def at(minute: int, pilot) -> None:
        while clock() < T0 + timedelta(seconds=minute):
            clock.advance(seconds=1)
            runner.tick(facilitator, iid)
        app.poll()
        app.tick()
        await _settle(app, pilot)

    async with app.run_test(size=(140, 40)) as pilot:
        await at(0, pilot)
        await pilot.press("enter")  # the board's only incident: the drill
        await _settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, IncidentScreen) and screen.incident_id == iid
        await at(2, pilot)
        await pilot.press("escape", "a")
        await at(3, pilot)
        await pilot.press("escape", "r")  # roles the drill requires are empty: staffing
        await _settle(app, pilot)
        assert isinstance(app.screen, StaffDialog)
        app.screen.query_one("#staff-commander").value = "alice"
        await pilot.press("ctrl+s")
        await at(4, pilot)
        for role, name in (("tech_lead", "bob"), ("comms_lead", "carol"), ("scribe", "dave")):
            app.push_screen(RolesScreen(iid, role=role))
            await _settle(app, pilot)
            await pilot.press(*name, "enter")
            await _settle(app, pilot)
        await at(5, pilot)
        await pilot.press(*"a: restarted the checkout pods", "enter")
        await at(6, pilot)
        await pilot.press("escape", "p")
        await _settle(app, pilot)
        pane = screen.query_one("#runbook-pane")
        listing = pane.query_one("#rbp-list", OptionList)
        ids = [listing.get_option_at_index(n).id for n in range(listing.option_count)]
        listing.highlighted = ids.index("database-connection-exhaustion")
        pane.action_pin()
        await _settle(app, pilot)
        steps = pane.query_one("#rbp-steps", OptionList)
        numbered = [steps.get_option_at_index(n).id for n in range(steps.option_count)]
        steps.highlighted = numbered.index("step-1")
        pane.action_toggle_step()
        await _settle(app, pilot)
        await at(7, pilot)
        await pilot.press("escape", "u")
        await _settle(app, pilot)
        assert isinstance(app.screen, ComposerScreen)
        await pilot.press("ctrl+s")  # internal, from the template
        await at(8, pilot)
        for audience, minute in (("exec", 8), ("statuspage", 12)):
            await at(minute, pilot)
            await pilot.press("escape", "u")
            await _settle(app, pilot)
            app.screen.query_one(f"#aud-{audience}").value = True
            app.screen.query_one("#aud-internal").value = False  # this audience alone
            await _settle(app, pilot)
            app.screen.query_one("#f-known", Input).value = "The orders database is saturated."
            await pilot.press("ctrl+s")
            await _settle(app, pilot)
            if audience == "statuspage":  # customers are reached by publishing (the drill sink)
                await pilot.press("ctrl+s")
                await _settle(app, pilot)
            if minute == 8:
                await at(9, pilot)
                runner.fire(facilitator, iid, "what-changed")  # the players asked
                await at(10, pilot)
                await pilot.press("escape", "d")
                await _settle(app, pilot)
                await pilot.press(*"Roll back release 5120", "enter", "enter", "enter")
                await _settle(app, pilot)
        await at(18, pilot)
        await pilot.press("escape", "t")
        await _settle(app, pilot)
        dialog = app.screen
        assert isinstance(dialog, StatusDialog)
        dialog.query_one("#status", Select).value = "monitoring"
        await pilot.press("ctrl+s")
        await _settle(app, pilot)
        screen.action_mitigated()  # mitigation is its own mark, not the status
        await _settle(app, pilot)
        await pilot.press("ctrl+s")
        await at(22, pilot)
        await pilot.press("escape", "R")  # Esc arms one command: R is resolve
        await _settle(app, pilot)
        for _item in app.store.policy.checklist:
            await pilot.press("enter", "tab")  # Enter ticks (a typed space does nothing)
        await pilot.press(*"drill: error rate flat", "ctrl+s")  # early: the monitoring hold
        await app.workers.wait_for_complete()
        await at(23, pilot)

        d = score(facilitator, iid)
        fig = {f.key: f for f in d.figures}
        assert (fig["tta"].value_s, fig["tta"].verdict) == (120, "top quartile")
        assert fig["ic"].value_s == 180
        assert (fig["roles"].value_s, fig["roles"].verdict) == (240, "all filled")
        assert (fig["ttm"].value_s, fig["ttm"].verdict) == (18 * 60, "within the answer key")
        assert {u["audience"]: (u["first_at"], u["on_cadence"], u["gaps"]) for u in d.updates} == {
            "internal": ("+7m", 2, 2),
            "exec": ("+8m", 2, 2),
            "statuspage": ("+12m", 2, 2),
        }
        assert [(r["runbook"], r["opened_at"], r["steps_ticked"]) for r in d.runbooks] == [
            ("database-connection-exhaustion", "+6m", 1)
        ]
        assert all(e["met"] for e in d.expectations), d.expectations
        assert [(k["kind"], k["found"], k["at"]) for k in d.answer_key] == [
            ("decision", True, "+10m"),
            ("action", False, None),
            ("action", False, None),
        ]
        assert d.clues == (1, 2)
        states = {i["id"]: i["state"] for i in d.injects}
        assert states["exec-asks"] == states["status-page-silent"] == "moot"
        assert states["restart-did-not-help"] == "fired"  # +5 action, +3m delay
        assert states["cadence-nudge"] == "not_reached"
        assert [f.key for f in d.findings] == [
            "key:action:Terminate the sessions idle in transaction",
            "key:action:Pause batch jobs and consumers to free connections",
        ]
        # the debrief screen: one key files the selected finding as an action item
        app.push_screen(DrillDebriefScreen(iid))
        await _settle(app, pilot)
        await pilot.press("a")
        await _settle(app, pilot)
        items = ActionsRepo(store.db).list(incident_id=iid)
        assert [i.title for i in items] == [
            "Runbook database-connection-exhaustion lacks the step: Terminate the sessions "
            "idle in transaction"
        ]
        assert "✓ filed" in app.screen.query_one("#debrief-findings").get_row_at(0)[0].plain
    fired_at = {k: (e.at - T0).total_seconds() / 60 for k, e in fired(facilitator, iid).items()}
    assert fired_at["pool-wait"] == 3 and fired_at["restart-did-not-help"] == 8
    assert facilitator.verify_projection(iid)
    facilitator.close()


async def test_the_facilitator_seat_by_keys(store, clock) -> None:
    inc = runner.start(store, find("db-connection-exhaustion"), speed=1)
    app = FacilitatorApp(store, inc.id, clock=clock, seat_name="fac", **QUIET)
    async with app.run_test(size=(160, 44)) as pilot:
        await _settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, DrillFacilitatorScreen)
        app.tick()  # the seat drives the drill: +0m page fires
        await _settle(app, pilot)
        assert sorted(fired(store, inc.id)) == ["page"]
        header = screen.query_one("#drill-header").render().plain  # type: ignore[attr-defined]
        assert "drill clock T+00:00" in header and "next: checkout-5xx at T+02:00" in header
        table = screen.query_one("#drill-script")
        keys = [r.inject.id for r in screen.view.rows]  # type: ignore[union-attr]
        table.move_cursor(row=keys.index("what-changed"))
        await pilot.press("f")
        await _settle(app, pilot)
        assert "what-changed" in fired(store, inc.id)
        table.move_cursor(row=keys.index("cadence-nudge"))
        await pilot.press("s")
        await _settle(app, pilot)
        assert {r.inject.id: r.state for r in screen.view.rows}["cadence-nudge"] == "skipped"  # type: ignore[union-attr]
        await pilot.press("i")
        await _settle(app, pilot)
        assert isinstance(app.screen, ImproviseDialog)
        await pilot.press(*"fs +- D E i space")  # typed text never fires a command
        app.screen.query_one("#improvise-text", Input).value = " ".join(HOSTILE)
        await pilot.press("enter")
        await _settle(app, pilot)
        assert isinstance(app.screen, DrillFacilitatorScreen)
        improvised = [e for e in store.events(inc.id) if e.kind == "drill_improvised"]
        assert len(improvised) == 1 and "[/foo] x [/ y [red]" in improvised[0].payload["text"]
        assert "\x1b" not in improvised[0].payload["text"]
        assert sorted(fired(store, inc.id)) == ["page", "what-changed"]
        await pilot.press("space")
        await _settle(app, pilot)
        assert store.get(inc.id).time_map["running"] is False
        assert "PAUSED" in screen.query_one("#drill-header").render().plain  # type: ignore[attr-defined]
        clock.advance(minutes=10)
        app.tick()
        assert sorted(fired(store, inc.id)) == ["page", "what-changed"]  # paused: nothing due
        await pilot.press("space", "plus", "plus")
        await _settle(app, pilot)
        assert store.get(inc.id).time_map["speed"] == 5.0  # 1 → 2 → 5
        await pilot.press("minus")
        await _settle(app, pilot)
        assert store.get(inc.id).time_map["speed"] == 2.0
        clock.advance(minutes=1)  # drill +2m at ×2
        app.tick()
        await _settle(app, pilot)
        assert "checkout-5xx" in fired(store, inc.id)
        await pilot.press("o")
        await _settle(app, pilot)
        assert isinstance(app.screen, IncidentScreen)
        clock.advance(minutes=2)  # drill +6m: the seat drives the drill from any screen
        app.tick()
        assert "support-tickets" in fired(store, inc.id)
        await pilot.press("escape", "escape")  # Esc arms a command; Esc Esc: back
        await _settle(app, pilot)
        await pilot.press("D")
        await _settle(app, pilot)
        assert isinstance(app.screen, DrillDebriefScreen)
        await pilot.press("escape", "E")
        await _settle(app, pilot)
        assert isinstance(app.screen, EndDrillDialog)
        await pilot.press("escape")
        await _settle(app, pilot)
        assert store.get(inc.id).is_open
        await pilot.press("E", "enter")
        await _settle(app, pilot)
        assert str(store.get(inc.id).status) == "resolved"
        assert "over: resolved" in screen.query_one("#drill-header").render().plain  # type: ignore[attr-defined]


HOSTILE_SCENARIO = """\
id: hostile
title: "[/] [/foo] x [/ y [red] \\e[2J title"
briefing: "{briefing}"
severity: 2
injects:
  - {{id: a, at: +0m, kind: alert, text: "[/] [/foo] x [/ y [red] \\e]52;c;AAAA\\a\\e[31m alert"}}
  - {{id: q, kind: clue, ask: "[red]why?[/]", text: "x [/ y"}}
answer_key:
  decisions:
    - {{text: "[/foo] decide", keywords: ["[/"]}}
"""


async def test_scenario_and_user_text_stay_literal_on_every_drill_screen(store, clock) -> None:
    text = HOSTILE_SCENARIO.format(briefing="L" * 99_000 + " [/] end")
    scenario = scenario_from_text(text, "hostile.yaml")
    inc = runner.start(store, scenario)
    store.log(inc.id, "\n".join(HOSTILE), kind="decision")
    app = FacilitatorApp(store, inc.id, clock=clock, seat_name="[/]", **QUIET)
    async with app.run_test(size=(120, 36)) as pilot:
        app.tick()
        await _settle(app, pilot)
        shot = app.export_screenshot().replace("&#160;", " ")
        assert "[/foo] x [/ y [red]" in shot and "\x1b" not in shot
        await pilot.press("D")
        await _settle(app, pilot)
        shot = app.export_screenshot().replace("&#160;", " ")
        assert "[/foo] decide" in shot
        await pilot.press("escape", "o")
        await _settle(app, pilot)
        assert "[drill alert] [/] [/foo] x [/ y [red]" in app.export_screenshot().replace(
            "&#160;", " "
        )
    # the 80x24 seat renders too
    app = FacilitatorApp(store, inc.id, clock=clock, seat_name="fac", **QUIET)
    async with app.run_test(size=(80, 24)) as pilot:
        await _settle(app, pilot)
        assert "DRILL" in app.export_screenshot()
