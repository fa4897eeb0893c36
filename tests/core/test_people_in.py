"""Who the staffing dialog offers to name for a role (`irtui.domain.staffing.people_in`):
the people in the incident, never the sources that wrote on the room's behalf."""

from __future__ import annotations

from irtui.domain.staffing import people_in
from irtui.store.repo import Store


def test_an_alert_declared_by_an_integration_does_not_make_it_a_person(store: Store) -> None:
    store.author = "pagerduty"
    inc = store.declare("Checkout 502s", 1, services=["checkout"], source_ref="pd:Q1X2")
    store.author = "alice"
    store.log(inc.id, "looking at the gateway")
    store.log(inc.id, "TODO: Bob: roll back the canary")
    store.author = "statuspage:acme"  # an imported fact's author
    store.log(inc.id, "Investigating elevated errors")
    store.author = "carol"
    store.assign_role(inc.id, "comms", "carol")
    inc = store.get(inc.id)
    people = people_in(inc, store.events(inc.id), ["Dana", "alice"])
    assert "pagerduty" not in people and "statuspage:acme" not in people
    assert people[0] == "carol"  # role holders first
    assert {"alice", "Dana"} <= set(people)
    assert len(people) == len({p.lower() for p in people})  # each once, case aside


def test_a_person_who_declared_is_a_person(store: Store) -> None:
    inc = store.declare("Search is slow", 2, services=["search"])  # no source: alice typed it
    assert people_in(inc, store.events(inc.id)) == ["alice"]


def test_a_role_holder_is_offered_whatever_the_name(store: Store) -> None:
    inc = store.declare("Queue backlog", 3, services=["queue"])
    store.assign_role(inc.id, "tech", "ops:night")  # a name with a colon, given by a person
    inc = store.get(inc.id)
    assert "ops:night" in people_in(inc, store.events(inc.id))
