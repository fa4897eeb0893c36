"""Paging as events: the page clock, one page per level, escalation, acknowledgement, folding
back from the store, and the guarantee that two seats paging at once cannot double a page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from irtui.domain.clocks import ClockState
from irtui.domain.model import DomainError, EventKind
from irtui.domain.paging import (
    PageTarget,
    fold_pages,
    page_clock,
    page_line,
    paging_summary,
)
from irtui.domain.timeutil import ManualClock
from irtui.oncall.resolve import OnCall
from irtui.oncall.targets import next_level, resolve_who
from irtui.store.repo import Store
from irtui.sync import paging
from tests.oncall.conftest import utc

ERIN = PageTarget(
    "erin",
    "Erin Ortiz",
    description="primary on-call of payments",
    service="payments-db",
    team="payments",
    policy="payments",
    level=1,
    levels=3,
    ack_within_s=300,
    next={"level": 2, "person": "bob", "display": "Bob Stone", "description": "secondary"},
)


def test_the_page_clock_is_amber_then_red_and_the_board_line_says_what_to_do(
    store: Store, clock: ManualClock
) -> None:
    inc = store.declare("Payments DB down", 1, services=["payments-db"])
    rec = paging.page(store, inc.id, ERIN, reason="replica lag 40s")
    page = rec.page
    assert page.due == store.now() + timedelta(minutes=5)
    assert page_clock(page, store.now()).state is ClockState.OK
    clock.advance(minutes=3, seconds=45)  # 75 s left: a quarter of 5 min
    assert page_clock(page, store.now()).state is ClockState.WARNING
    clock.advance(minutes=2, seconds=15)
    view = page_clock(page, store.now())
    assert view.state is ClockState.OVERDUE and view.name == "page:1"
    assert (
        page_line(page, store.now())
        == "paged Erin Ortiz 6m ago, no answer -> escalate to Bob Stone"
    )
    # The deadline is a stored fact: a fresh fold from the store gives the same clock.
    (again,) = paging.pages_of(store, inc.id)
    assert again.due == page.due and page_clock(again, store.now()).state is ClockState.OVERDUE


def test_one_page_per_level_never_doubled(store: Store, clock: ManualClock) -> None:
    inc = store.declare("Payments DB down", 1, services=["payments-db"])
    paging.page(store, inc.id, ERIN)
    with pytest.raises(DomainError, match="has not answered yet"):
        paging.page(store, inc.id, ERIN)
    other = PageTarget(
        "bob", "Bob Stone", service="payments-db", policy="payments", level=2, levels=3
    )
    with pytest.raises(DomainError, match="one page per level"):
        paging.page(store, inc.id, other)
    direct = PageTarget("carol", "Carol Diaz", description="named directly")
    assert paging.page(store, inc.id, direct).page.number == 2  # a person by name is fine
    assert len(paging.pages_of(store, inc.id)) == 2


def test_escalate_ack_and_resolve_are_events_in_order(store: Store, clock: ManualClock) -> None:
    inc = store.declare("Payments DB down", 1, services=["payments-db"])
    paging.page(store, inc.id, ERIN)
    clock.advance(minutes=6)
    bob = PageTarget(
        "bob", "Bob Stone", service="payments-db", policy="payments", level=2, levels=3
    )
    rec = paging.escalate(store, inc.id, 1, bob)
    first, second = rec.pages
    assert first.state == "escalated" and first.escalated_to == 2
    assert second.escalated_from == 1 and second.waiting
    assert "no answer from Erin Ortiz in 6m" in second.reason
    store.author = "bob"
    rec = paging.acknowledge(store, inc.id)  # bob's own page, found by his name
    assert rec.page.number == 2 and rec.page.acked_by == "bob"
    with pytest.raises(DomainError, match="already acknowledged"):
        paging.acknowledge(store, inc.id, 2)
    with pytest.raises(DomainError, match="is escalated; nothing to escalate"):
        paging.escalate(store, inc.id, 1, bob)
    rec = paging.resolve_pages(store, inc.id)
    assert {p.state for p in rec.pages} == {"resolved"}
    kinds = [e.kind for e in store.events(inc.id)]
    assert kinds[1:] == [
        EventKind.PAGED,
        EventKind.PAGE_ESCALATED,
        EventKind.PAGED,
        EventKind.PAGE_ACKNOWLEDGED,
        EventKind.PAGE_RESOLVED,
    ]
    lines = [t.text for t in store.timeline(inc.id)]
    assert "Paged Erin Ortiz (primary on-call of payments), level 1 of 3 (page #1)" in lines
    assert "bob acknowledged page #2" in lines
    assert store.verify_projection(inc.id)  # pages never touch the incident projection


def test_a_resolved_incident_is_not_paged(store: Store) -> None:
    inc = store.declare("Blip", 3)
    store.resolve(inc.id, checked="all")
    with pytest.raises(DomainError, match="nobody is paged for it"):
        paging.page(store, inc.id, ERIN)


def test_two_seats_paging_at_once_page_once(db_path, clock: ManualClock) -> None:
    """Each seat validates against the pages read inside its own write transaction."""
    import threading

    with Store.open(db_path, clock=clock, author="ic") as s:
        iid = s.declare("Payments DB down", 1).id
    results: list[str] = []
    barrier = threading.Barrier(4)

    def seat(name: str) -> None:
        with Store.open(db_path, clock=clock, author=name) as s:
            barrier.wait()
            try:
                paging.page(s, iid, ERIN)
                results.append("paged")
            except DomainError:
                results.append("refused")

    threads = [threading.Thread(target=seat, args=(f"seat{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["paged", "refused", "refused", "refused"]


def test_service_pages_through_its_policy_and_escalation_skips_who_did_not_answer(
    store: Store, clock: ManualClock, oncall: OnCall
) -> None:
    clock.set(utc(2026, 4, 1, 10, 30))  # bob covers erin (override); secondary is erin
    inc = store.declare("Payments DB down", 1, services=["payments-db"])
    resolved = resolve_who(oncall, "payments-db", store.now())
    assert (resolved.target.person, resolved.target.level) == ("bob", 1)
    assert resolved.target.routing == "payments" and resolved.target.ack_within_s == 300
    assert resolved.target.next == {
        "level": 2,
        "person": "erin",
        "display": "Erin Ortiz",
        "description": "secondary on-call of payments",
    }
    rec = paging.page(store, inc.id, resolved.target, links=resolved.links)
    clock.advance(minutes=6)
    nxt = next_level(oncall, rec.page, store.now())
    assert (nxt.target.person, nxt.target.level, nxt.target.ack_within_s) == ("erin", 2, 600)
    rec = paging.escalate(store, inc.id, 1, nxt.target)
    clock.advance(minutes=11)
    last = next_level(oncall, rec.page, store.now(), {"bob"})
    assert (last.target.person, last.target.level) == ("dana", 3)
    assert (
        summary_of(store, inc.id) == "paged Erin Ortiz 11m ago, no answer -> escalate to Dana Lee"
    )


def summary_of(store: Store, iid: str) -> str | None:
    return paging_summary(paging.pages_of(store, iid), store.now())


def test_a_gap_at_level_one_is_skipped_loudly(
    store: Store, clock: ManualClock, oncall: OnCall
) -> None:
    clock.set(utc(2026, 4, 14, 12))  # EXDATE week: nobody on payments-primary
    resolved = resolve_who(oncall, "payments", store.now())
    assert resolved.target.person == "bob" and resolved.target.level == 2  # secondary
    assert resolved.notes[0].startswith("level 1 (primary on-call of payments): a gap")
    assert resolved.target.skipped == ({"level": 1, "why": "a gap in the schedule"},)


@pytest.mark.parametrize(
    "who, fragment",
    [
        ("zed", "nobody and nothing called 'zed'"),
        ("payments:tertiary", "has no 'tertiary' on-call"),
        ("service:nope", "nobody and nothing called 'service:nope'"),
        ("", "page whom?"),
    ],
)
def test_unknown_targets_are_refused(oncall: OnCall, who: str, fragment: str) -> None:
    with pytest.raises(DomainError, match=fragment):
        resolve_who(oncall, who, utc(2026, 4, 1))


def test_team_roles_schedules_and_people_resolve(oncall: OnCall) -> None:
    at = utc(2026, 4, 2, 12)
    assert resolve_who(oncall, "payments:secondary", at).target.person == "erin"
    assert resolve_who(oncall, "team:payments:secondary", at).target.level == 2
    assert resolve_who(oncall, "schedule:dba-pagerduty", at).target.person == "gita"
    named = resolve_who(oncall, "Dana Lee", at).target
    assert (named.person, named.description, named.policy) == ("dana", "named directly", None)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["page", "escalate", "ack", "resolve", "wait"]), st.integers(0, 3)
        ),
        max_size=14,
    )
)
def test_whatever_happens_nobody_has_two_pages_waiting(ops: list[tuple[str, int]]) -> None:
    """Pure domain, any sequence of commands: never two unanswered pages to one person or to
    one policy level; every page that is waiting has a future-or-past stored deadline."""
    from datetime import UTC, datetime

    from irtui.domain.model import Event, Incident, IncidentKind, Status
    from irtui.domain.paging import (
        cmd_escalate,
        cmd_page,
        cmd_page_ack,
        cmd_page_resolve,
        to_escalate,
    )

    now = datetime(2026, 4, 1, tzinfo=UTC)
    inc = Incident("INC-1", 1, "t", 1, Status.INVESTIGATING, IncidentKind.REAL, now, "ic")
    events: list[Event] = []
    people = ["erin", "bob", "dana", "carol"]
    for op, n in ops:
        pages = fold_pages(events)
        target = PageTarget(
            people[n], policy="p" if n < 3 else None, service="s", level=n + 1, levels=3
        )
        try:
            if op == "page":
                new = cmd_page(
                    inc, pages, target, now=now, author="ic", dedup_key=f"k{len(events)}"
                )
            elif op == "escalate":
                new = cmd_escalate(
                    inc, pages, to_escalate(pages), target, now=now, author="ic", dedup_key="e"
                )
            elif op == "ack":
                new = cmd_page_ack(inc, pages, None, now=now, author=people[n])
            elif op == "resolve":
                new = cmd_page_resolve(inc, pages, None, now=now, author="ic")
            else:
                now += timedelta(minutes=7)
                continue
        except DomainError:
            continue
        events += [
            Event(e.incident_id, e.kind, e.at, e.author, e.payload, id=len(events) + i + 1)
            for i, e in enumerate(new)
        ]
        waiting = [p for p in fold_pages(events) if p.waiting]
        assert len({p.person for p in waiting}) == len(waiting)
        levels = [(p.policy, p.service) for p in waiting if p.policy]
        assert len(set(levels)) == len(levels)
