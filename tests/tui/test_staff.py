"""Staffing in one pass: the empty roles in one dialog, the first required one focused, names
completed from the people in the incident, one transaction; never a hand-off."""

from __future__ import annotations

from textual.widgets import Input

from irtui.domain.model import EventKind, Role
from irtui.domain.timeutil import ManualClock
from irtui.store.repo import Store
from irtui.tui.screens.incident import IncidentScreen
from irtui.tui.screens.staff import StaffDialog, empty_roles
from tests.tui.conftest import make_app, settle


def fresh_sev1(store: Store) -> str:
    inc = store.declare("Search down", severity=1, services=["search"], commander="alice")
    store.log(inc.id, "check the index", task={"text": "check the index", "owner": "bob"})
    return inc.id


def test_required_roles_come_first() -> None:
    from irtui.domain.model import Incident

    inc = Incident.__new__(Incident)
    inc.roles = {}
    order = empty_roles(inc, (Role.SCRIBE, Role.COMMANDER))
    assert order[:2] == [Role.SCRIBE, Role.COMMANDER] and Role.DEPUTY in order


async def test_three_roles_in_one_pass_by_keys(store: Store, clock: ManualClock) -> None:
    iid = fresh_sev1(store)
    app = make_app(store, clock, open_incident=iid)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, IncidentScreen)
        before = len(store.events(iid))
        keys = ["escape", "r"]
        await pilot.press(*keys)
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, StaffDialog)
        first = dialog.roles[0]
        assert app.focused is dialog.query_one(f"#staff-{first}")
        assert Role.COMMANDER not in dialog.roles  # held: no field, never a hand-off
        names = {Role.TECH_LEAD: "bob", Role.COMMS_LEAD: "[/] carol", Role.SCRIBE: "dave"}
        for role in dialog.roles[:3]:
            await pilot.press(*names[role])
            keys.append("enter")
            await pilot.press("enter")
        if len(dialog.roles) > 3:  # Deputy's field is next: Enter on it (empty) saves
            keys.append("enter")
            await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, IncidentScreen)
        assert len(keys) <= 8  # issue 14: three roles in <= 8 keys plus the names
        roles = store.get(iid).roles
        assert {r: roles[r].name for r in names} == names
        kinds = [e.kind for e in store.events(iid)[before:]]
        assert EventKind.ROLE_HANDED_OFF not in kinds


async def test_a_name_completes_from_the_people_in_the_incident(
    store: Store, clock: ManualClock
) -> None:
    iid = fresh_sev1(store)
    app = make_app(store, clock, open_incident=iid)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("escape", "r")
        await pilot.pause()
        dialog = app.screen
        field = app.focused
        assert isinstance(field, Input)
        await pilot.press("b")
        await pilot.pause(0.2)
        await pilot.press("right")  # takes the suggestion: bob owns a task here
        assert field.value == "bob"
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert dialog.roles[0] in store.get(iid).roles


async def test_a_role_taken_meanwhile_refuses_the_batch(store: Store, clock: ManualClock) -> None:
    iid = fresh_sev1(store)
    app = make_app(store, clock, open_incident=iid)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await pilot.press("escape", "r")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, StaffDialog)
        for role in dialog.roles[:2]:
            dialog.query_one(f"#staff-{role}", Input).value = f"p-{role}"
        taken = dialog.roles[1]
        store.assign_role(iid, taken, "zoe")  # another seat, a moment before Ctrl+S
        before = len(store.events(iid))
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is dialog  # still open with what was typed
        assert len(store.events(iid)) == before
        assert store.get(iid).roles[taken].name == "zoe"
