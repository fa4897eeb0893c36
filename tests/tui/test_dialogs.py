"""Composer, declare dialog, help, command palette, theme toggle, seams to other helpers."""

from __future__ import annotations

from irtui.domain.model import EventKind
from irtui.domain.timeutil import ManualClock
from irtui.store.repo import Store
from irtui.tui.actions import ACTIONS
from irtui.tui.app import IrtuiApp
from irtui.tui.screens.composer import ComposerScreen
from irtui.tui.screens.dialogs import DeclareDialog
from irtui.tui.screens.help import HelpScreen, help_text
from irtui.tui.screens.incident import IncidentScreen
from tests.tui.conftest import make_app, settle


async def test_composer_prefills_previews_sends_and_copies(
    app: IrtuiApp, store: Store, clock: ManualClock, demo_ids: dict[str, str]
):
    iid = demo_ids["sev1"]
    copied: list[str] = []
    app.copy_to_clipboard = copied.append  # type: ignore[method-assign]
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("u")
        await pilot.pause()
        composer = app.screen
        assert isinstance(composer, ComposerScreen)
        assert composer.query_one("#f-status").value == "investigating"
        assert composer.query_one("#f-next").value == "30m"
        await pilot.press(*"pool exhausted")
        await pilot.pause()
        preview = str(composer.query_one("#preview").render())
        assert "What we know: pool exhausted" in preview
        assert "Incident commander: alice" in preview
        await pilot.press("ctrl+y")
        assert copied and copied[-1].startswith(f"[{iid}] SEV1")
        # per-audience variant: exec reads differently (alt+e ticks exec, alt+i unticks internal)
        await pilot.press("alt+e", "alt+i")
        await pilot.pause()
        assert composer.audiences == ["exec"]
        assert composer.audience == "exec"
        assert "Business impact:" in str(composer.query_one("#preview").render())
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, ComposerScreen)
        sent = [e for e in store.events(iid) if e.kind == EventKind.UPDATE_SENT][-1]
        assert sent.payload["audience"] == "exec" and "Business impact" in sent.payload["text"]
        inc = store.get(iid)
        assert inc.last_update["exec"] == clock()  # that audience's clock restarted


async def test_composer_bad_next_update_is_refused(
    app: IrtuiApp, store: Store, demo_ids: dict[str, str]
):
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("u")
        await pilot.pause()
        before = len(store.events(demo_ids["sev1"]))
        app.screen.query_one("#f-next").value = "soonish"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ComposerScreen)
        assert len(store.events(demo_ids["sev1"])) == before


async def test_declare_with_scope_impact_helper(store: Store, clock: ManualClock):
    app = make_app(store, clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("n")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, DeclareDialog)
        await pilot.press(*"Login down")
        dialog.query_one("#scope").value = "wide"
        dialog.query_one("#impact-level").value = "high"
        await pilot.pause()
        assert dialog.query_one("#sev").value == 1
        assert "wide × impact high → SEV1" in str(dialog.query_one("#sev-help").render())
        dialog.query_one("#services").value = "login, sso"
        dialog.query_one("#drill").value = True
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, IncidentScreen)
        inc = store.get(app.screen.incident_id)
        assert (inc.title, inc.severity, inc.services, str(inc.kind), inc.commander) == (
            "Login down",
            1,
            ["login", "sso"],
            "drill",
            "alice",
        )


async def test_declare_needs_a_title(store: Store, clock: ManualClock):
    app = make_app(store, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("n", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, DeclareDialog)
        assert store.list_incidents() == []
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, DeclareDialog)


def test_help_lists_the_update_composers_keys():
    """Its audience toggles (alt+i, alt+e, alt+c) were missing from the help."""
    from irtui.tui.screens.composer import ComposerScreen

    text = help_text(120)
    for binding in ComposerScreen.BINDINGS:
        assert binding.key in text  # type: ignore[union-attr]
    assert "tick or untick Exec" in text


def test_help_is_readable_at_80_columns():
    """Section titles sat in the key column and made it 60 cells wide: at 80x24 every
    meaning was wrapped a word a line."""
    text = help_text(74)  # the help box inside an 80-column terminal
    typing = next(line for line in text.splitlines() if line.startswith("Typing"))
    assert typing.index("On the incident screen") <= 16
    assert "the next key runs it and typing resumes. Esc Esc: back to the board" in " ".join(
        text.split()
    )  # one meaning, wrapped to the width, not fragments cut for a wider screen


async def test_help_palette_and_theme(app: IrtuiApp):
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert app.screen.query_one("#help-table")
        text = help_text()
        for action in ACTIONS:
            assert action.help in text
        await pilot.press("escape")
        await pilot.pause()
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert {a.title for a in ACTIONS if a.scope in ("app", "board")} <= titles
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        titles = {c.title for c in app.get_system_commands(app.screen)}
        assert {
            a.title
            for a in ACTIONS
            if a.scope in ("app", "incident") and a.action != "command_mode"
        } <= titles
        dark = app.current_theme.dark
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert app.current_theme.dark is not dark


async def test_default_keys_are_the_contract():
    keys = {(a.scope, a.key): a.action for a in ACTIONS}
    assert keys[("app", "n")] == "declare"
    assert keys[("board", "enter")] == "open"
    assert keys[("incident", "escape")] == "back"  # Esc Esc (one Esc arms a command)
    assert keys[("incident", "l")] == "entry_line"
    assert keys[("incident", "u")] == "compose"
    assert keys[("incident", "a")] == "ack"
    assert keys[("incident", "s")] == "severity"
    assert keys[("incident", "t")] == "status"
    assert keys[("incident", "r")] == "roles"
    assert keys[("app", "b")] == "runbooks"
    assert keys[("board", "slash")] == "search"
    assert keys[("app", "question_mark")] == "help"
    assert keys[("app", "q")] == "quit"


async def test_seams_runbooks_pane_postmortem_do_not_crash(app: IrtuiApp):
    """`b`, `p`, `m` push the other helpers' screens when installed, else say so."""
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        incident = app.screen
        for key in ("b", "m"):
            await pilot.press("escape", key)
            await pilot.pause()
            if app.screen is not incident:
                await pilot.press("escape")
                await pilot.pause()
            else:
                assert app._notifications
        await pilot.press("escape", "p")
        await pilot.pause()
        assert app.screen is incident
        assert bool(incident.query("#runbook-pane")) or app._notifications
        await pilot.press("escape", "q")
        await pilot.pause()
        await settle(pilot)
        await pilot.press("y")
        await pilot.pause()
    assert app.return_code == 0 or app.return_code is None


async def test_composer_offers_publish_for_the_status_page(app: IrtuiApp):
    """The seam to the status-page sync: Publish… only for the customer audience."""
    from irtui.tui.screens.composer import publish_screen_class

    screen_class = publish_screen_class()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("u")
        await pilot.pause()
        composer = app.screen
        assert composer.query_one("#publish").has_class("hidden")
        composer.query_one("#aud-statuspage").value = True
        await pilot.pause()
        assert composer.query_one("#publish").has_class("hidden") is (screen_class is None)
        await pilot.press("ctrl+g")
        await pilot.pause()
        if screen_class is None:
            assert app.screen is composer
        else:
            assert isinstance(app.screen, screen_class)
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is composer


async def test_composer_prefills_what_we_know_and_do_but_never_for_customers(
    app: IrtuiApp, demo_ids: dict[str, str]
):
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        await pilot.press("u")
        await pilot.pause()
        composer = app.screen
        assert isinstance(composer, ComposerScreen)
        known = composer.query_one("#f-known")
        doing = composer.query_one("#f-doing")
        # the latest starred facts, and the open tasks with their owners
        assert "DB connection pool on payments-api saturated (500/500)" in known.value
        assert "decided: Roll back deploy #4821" in known.value  # the call, not the prose
        assert doing.value.startswith("erin: recycle payments-api pods; bob: check replica lag")
        composer.query_one("#aud-statuspage").value = True
        await pilot.pause()
        assert known.value == "" and doing.value == ""  # customers: written on purpose
        assert "payments-api saturated" not in str(composer.query_one("#preview").render())
        composer.query_one("#aud-statuspage").value = False
        await pilot.pause()
        assert "payments-api saturated" in known.value
        doing.value = "failing over the payments DB"  # typed: kept across audiences
        composer.query_one("#aud-exec").value = True
        await pilot.pause()
        assert doing.value == "failing over the payments DB"
        assert "payments-api saturated" in known.value
