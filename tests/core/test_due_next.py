"""What is due next and who owns it (the board's answer), and the bounded "recently resolved"
query behind the board's toggle, on both engines."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest

from irtui.domain.clocks import ClockState
from irtui.domain.due_next import due_next, obligations
from irtui.domain.timeutil import ManualClock
from irtui.store.repo import Store


@dataclass(frozen=True)
class Task:
    entry_id: int
    owner: str | None
    text: str
    due: datetime
    window_s: int | None = None


def test_ack_is_owed_by_the_ic_and_by_nobody_before_one_is_named(store: Store, clock):
    inc = store.declare("Checkout 502s", 1)
    ob = due_next(inc)
    assert (ob.kind, ob.what, ob.owner) == ("ack", "ack", None)
    assert ob.due == clock() + timedelta(minutes=15)
    inc = store.assign_role(inc.id, "ic", "alice")
    assert due_next(inc).owner == "alice"


def test_updates_are_the_comms_leads_else_the_ics(store: Store, clock):
    inc = store.declare("Checkout 502s", 1, commander="alice")
    inc = store.ack(inc.id)
    ob = due_next(inc)
    assert ob.kind == "update" and ob.owner == "alice"
    inc = store.assign_role(inc.id, "comms", "carol")
    assert {o.owner for o in obligations(inc)} == {"carol"}


def test_a_task_timer_sooner_than_the_update_is_next_with_its_owner(store: Store, clock):
    inc = store.ack(store.declare("Checkout 502s", 1, commander="alice").id)
    bob = Task(41, "Bob", "check replica lag", clock() + timedelta(minutes=3), 180)
    ob = due_next(inc, [bob])
    assert (ob.key, ob.what, ob.owner) == ("task:41", "task: check replica lag", "Bob")
    view = ob.clock(clock() + timedelta(minutes=2, seconds=30))
    assert view.state is ClockState.WARNING  # a quarter of 3 min, at least a minute
    assert ob.clock(clock() + timedelta(minutes=3)).state is ClockState.OVERDUE
    later = Task(42, None, "later", clock() + timedelta(hours=5))
    assert obligations(inc, [later, bob])[0].key == "task:41"


def test_ties_put_the_acknowledgement_first_and_resolved_incidents_owe_nothing(store: Store):
    inc = store.declare("x", 1)
    same = Task(7, "erin", "y", inc.ack_due)
    assert [o.kind for o in obligations(inc, [same])][:2] == ["ack", "task"]
    inc = store.resolve(inc.id, checked="all", early_reason="a test")  # SEV1: hold not met
    assert obligations(inc, [same]) == [] and due_next(inc) is None


def test_recently_resolved_is_bounded_and_newest_first(any_store: Store, clock: ManualClock):
    store = any_store
    old = store.declare("long ago", 3)
    store.resolve(old.id, checked="all")
    clock.advance(days=10)
    ids = []
    for n in range(5):
        inc = store.declare(f"recent {n}", 3)
        clock.advance(minutes=1)
        store.resolve(inc.id, checked="all")
        ids.append(inc.id)
    still_open = store.declare("open", 2)
    since = clock() - timedelta(days=7)
    got = store.recently_resolved(since, limit=3)
    assert [i.id for i in got] == ids[::-1][:3]
    assert old.id not in [i.id for i in store.recently_resolved(since, limit=50)]
    assert still_open.id not in [i.id for i in store.recently_resolved(since, limit=50)]


def test_staffing_names_several_empty_roles_at_once_and_never_hands_off(any_store: Store):
    from irtui.domain.model import CustomRole, DomainError

    store = any_store
    inc = store.declare("Checkout 502s", 1, commander="alice")
    inc = store.staff(inc.id, [("tech", "bob"), ("comms", "carol"), ("scribe", "dana")])
    assert {r: h.name for r, h in inc.roles.items()} == {
        "commander": "alice",
        "tech_lead": "bob",
        "comms_lead": "carol",
        "scribe": "dana",
    }
    before = store.events(inc.id)
    for batch in (
        [("deputy", "erin"), ("ic", "frank")],  # IC is held: no hand-off, nothing written
        [("deputy", "erin"), ("Deputy", "gus")],
        [("deputy", "   ")],
    ):
        with pytest.raises(DomainError):
            store.staff(inc.id, batch)
    assert store.events(inc.id) == before
    inc = store.staff(inc.id, [(CustomRole("customer liaison"), "heidi"), ("deputy", "")])
    assert inc.roles["customer_liaison"].name == "heidi" and "deputy" not in inc.roles
    assert not any(e.kind == "role_handed_off" for e in store.events(inc.id))
    assert store.verify_projection(inc.id)
