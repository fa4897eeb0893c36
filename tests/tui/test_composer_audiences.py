"""One update, every audience: the composer addresses internal, exec and customers in one
pass (issue 14), by keys — each audience in its own wording, one store transaction, each
addressed clock restarted and no other."""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.widgets import Checkbox, Input

from irtui.domain.model import Audience, DomainError, EventKind
from irtui.domain.timeutil import ManualClock
from irtui.store.repo import Store
from irtui.tui.app import IrtuiApp
from irtui.tui.screens.composer import ComposerScreen, PostedByHandDialog
from irtui.tui.screens.incident import IncidentScreen

HOSTILE = "[/] [/foo] x [/ y [red] \x1b[2J\x1b]52;c;aGk=\x07 \x00 nul"


def updates(store: Store, iid: str) -> list:
    return [e for e in store.events(iid) if e.kind == EventKind.UPDATE_SENT]


async def composer_on(app: IrtuiApp, pilot, iid: str) -> ComposerScreen:  # type: ignore[no-untyped-def]
    await pilot.pause()
    app.open(iid)
    await pilot.pause()
    assert isinstance(app.screen, IncidentScreen)
    await pilot.press("escape", "u")
    await pilot.pause()
    assert isinstance(app.screen, ComposerScreen)
    return app.screen


async def test_one_pass_sends_internal_and_exec_and_restarts_both_clocks(
    app: IrtuiApp, store: Store, clock: ManualClock, demo_ids: dict[str, str]
) -> None:
    iid = demo_ids["sev1"]
    before = store.get(iid)
    sent = len(updates(store, iid))
    async with app.run_test(size=(120, 40)) as pilot:
        composer = await composer_on(app, pilot, iid)
        assert composer.audiences == ["internal"]
        assert not composer.query_one("#aud-statuspage", Checkbox).value  # never by default
        await pilot.press("alt+e")
        await pilot.pause()
        assert composer.audiences == ["internal", "exec"]
        assert "To: Internal + Exec" in str(composer.query_one("#addressed").render())
        assert "Sets the Internal + Exec clocks" in str(composer.query_one("#f-clock").render())
        composer.query_one("#f-next", Input).value = "15m"
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not isinstance(app.screen, ComposerScreen)
    new = updates(store, iid)[sent:]
    assert [e.payload["audience"] for e in new] == ["internal", "exec"]
    assert new[0].payload["text"].startswith(f"[{iid}] SEV1")  # each in its own wording
    assert "Business impact:" in new[1].payload["text"]
    inc = store.get(iid)
    for audience in ("internal", "exec"):
        assert inc.last_update[audience] == clock()
        assert inc.update_due[audience] == clock() + timedelta(minutes=15)
    assert inc.update_due["statuspage"] == before.update_due["statuspage"]  # not addressed
    assert inc.last_update.get("statuspage") == before.last_update.get("statuspage")
    said = [n.message for n in app._notifications]
    assert any("Update sent to Internal + Exec" in m and "for each" in m for m in said)


async def test_customers_are_ticked_only_when_asked_for(
    app: IrtuiApp, store: Store, demo_ids: dict[str, str]
) -> None:
    iid = demo_ids["sev1"]
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        app.push_screen(ComposerScreen(iid, audience=Audience.STATUSPAGE))
        await pilot.pause()
        composer = app.screen
        assert isinstance(composer, ComposerScreen)
        assert composer.audiences == ["statuspage"]
        await pilot.press("alt+i")  # internal too: the preview stays the customers' version
        await pilot.pause()
        assert composer.audiences == ["internal", "statuspage"]
        assert composer.audience == "statuspage"
        preview = str(composer.query_one("#preview").render())
        assert "Incident commander" not in preview and "Next update:" in preview
        await pilot.press("alt+c", "alt+i")  # nobody addressed: Send refuses
        await pilot.pause()
        assert composer.audiences == []
        sent = len(updates(store, iid))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is composer and len(updates(store, iid)) == sent


async def test_every_audience_without_a_status_page_is_posted_by_hand_or_nothing_is_sent(
    app: IrtuiApp, store: Store, clock: ManualClock, demo_ids: dict[str, str]
) -> None:
    iid = demo_ids["sev1"]
    before = store.get(iid)
    sent = len(updates(store, iid))
    async with app.run_test(size=(120, 40)) as pilot:
        composer = await composer_on(app, pilot, iid)
        await pilot.press("alt+e", "alt+c")
        await pilot.pause()
        assert composer.audiences == ["internal", "exec", "statuspage"]
        assert composer.audience == "statuspage"  # the preview is what customers read
        composer.query_one("#f-known", Input).value = HOSTILE
        await pilot.pause()
        assert "posted it by hand" in str(composer.query_one("#f-clock").render())
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PostedByHandDialog)
        said = " ".join(str(w.render()) for w in app.screen.query(".help-line"))
        assert "Internal + Exec are sent with it" in said.replace("\n", " ")
        await pilot.press("escape")  # not yet: nothing at all is sent, not half of it
        await pilot.pause()
        assert app.screen is composer and len(updates(store, iid)) == sent
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("ctrl+s")  # posted by hand
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert not isinstance(app.screen, ComposerScreen | PostedByHandDialog)
    new = updates(store, iid)[sent:]
    assert [e.payload["audience"] for e in new] == ["internal", "exec", "statuspage"]
    assert new[2].payload["delivery"] == "by_hand"
    assert "\x1b" not in new[2].payload["text"] and "\x00" not in new[2].payload["text"]
    inc = store.get(iid)
    for audience in ("internal", "exec", "statuspage"):
        assert inc.last_update[audience] == clock()
    assert inc.update_due["statuspage"] != before.update_due["statuspage"]


def test_a_multi_audience_update_is_one_transaction(store: Store, demo_ids: dict[str, str]) -> None:
    """A status-page update that neither was published nor posted by hand is refused — and
    with it the internal update in the same call: nothing is half recorded."""
    iid = demo_ids["sev1"]
    sent = len(updates(store, iid))
    with pytest.raises(DomainError, match="status page"):
        store.record_updates(iid, [("internal", "all hands"), ("statuspage", "we are on it")])
    assert len(updates(store, iid)) == sent
    with pytest.raises(DomainError, match="at least one audience"):
        store.record_updates(iid, [])
