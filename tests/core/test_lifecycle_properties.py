"""Property tests: no sequence of commands yields milestones out of order, a negative
duration, or clocks that change when the store is reopened."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from irtui.domain import lifecycle
from irtui.domain.clocks import clocks_dict
from irtui.domain.metrics import durations
from irtui.domain.model import MILESTONES, DomainError, Event
from irtui.domain.policy import load_policy
from irtui.domain.timeutil import ManualClock
from irtui.store.repo import Store

POLICY = load_policy(None)
T0 = datetime(2026, 11, 22, 14, 0, tzinfo=UTC)
STATUSES = ["investigating", "identified", "mitigating", "monitoring", "resolved", "closed"]

command = st.one_of(
    st.tuples(st.just("wait"), st.integers(0, 3 * 3600)),
    st.tuples(st.just("ack"), st.integers(0, 7200)),
    st.tuples(st.just("status"), st.sampled_from(STATUSES), st.integers(0, 7200)),
    st.tuples(st.just("sev"), st.integers(1, 4)),
    st.tuples(st.just("log"), st.integers(-7200, 0)),
    st.tuples(
        st.just("update"), st.sampled_from(["internal", "statuspage", "exec"]), st.integers(0, 3600)
    ),
    st.tuples(st.just("milestone"), st.sampled_from(MILESTONES), st.integers(-7200, 0)),
    st.tuples(st.just("snooze"), st.integers(60, 3600)),
)


def _run(cmd: tuple, inc, now: datetime) -> list[Event]:
    name = cmd[0]
    if name == "ack":
        return lifecycle.cmd_ack(inc, now=now, author="a", at=now - timedelta(seconds=cmd[1]))
    if name == "status":
        return lifecycle.cmd_status(
            inc,
            cmd[1],
            now=now,
            author="a",
            at=now - timedelta(seconds=cmd[2]),
            checklist=POLICY.checklist,
            checked={"all"},
            early_reason="property test",
        )
    if name == "sev":
        return lifecycle.cmd_severity(inc, cmd[1], policy=POLICY, now=now, author="a")
    if name == "log":
        return lifecycle.cmd_log(inc, "x", now=now, author="a", at=now + timedelta(seconds=cmd[1]))
    if name == "update":
        return lifecycle.cmd_update(
            inc,
            "u",
            now=now,
            author="a",
            audience=cmd[1],
            at=now - timedelta(seconds=cmd[2]),
            posted_by_hand=cmd[1] == "statuspage",
        )
    if name == "milestone":
        return lifecycle.cmd_milestone(
            inc, cmd[1], now + timedelta(seconds=cmd[2]), now=now, author="a"
        )
    if name == "snooze":
        return lifecycle.cmd_snooze(
            inc, "ack", now + timedelta(seconds=cmd[1]), "busy", now=now, author="a"
        )
    raise AssertionError(name)


def _check_invariants(inc) -> None:
    lifecycle.check_milestones(inc.milestones)  # raises if out of order
    started = inc.milestones["started"]
    for name in MILESTONES:
        value = inc.milestones[name]
        assert value is None or value >= started, (name, value, started)
    for name, secs in durations(inc).items():
        assert secs is None or secs >= 0, (name, secs)


@settings(max_examples=300, deadline=None)
@given(sev=st.integers(1, 4), commands=st.lists(command, max_size=25))
def test_no_command_sequence_breaks_milestone_order(sev: int, commands: list[tuple]) -> None:
    now = T0
    events = lifecycle.cmd_declare(
        incident_id="INC-1", number=1, title="t", severity=sev, policy=POLICY, now=now, author="a"
    )
    inc = None
    for i, e in enumerate(events):
        inc = lifecycle.apply(inc, Event(**{**_fields(e), "id": i + 1}))
    assert inc is not None
    eid = len(events)
    for cmd in commands:
        if cmd[0] == "wait":
            now += timedelta(seconds=cmd[1])
            continue
        try:
            new = _run(cmd, inc, now)
        except DomainError:
            continue  # refused: nothing written
        for e in new:
            eid += 1
            inc = lifecycle.apply(inc, Event(**{**_fields(e), "id": eid}))
        _check_invariants(inc)


def _fields(e: Event) -> dict:
    return {
        "incident_id": e.incident_id,
        "kind": e.kind,
        "at": e.at,
        "author": e.author,
        "payload": e.payload,
        "recorded_at": e.at,
        "refers_to": e.refers_to,
    }


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(sev=st.integers(1, 4), commands=st.lists(command, max_size=12))
def test_store_clocks_survive_reopen(tmp_path_factory, sev: int, commands: list[tuple]) -> None:
    path: Path = tmp_path_factory.mktemp("prop") / "s.db"
    clock = ManualClock(T0)
    with Store.open(path, clock=clock, author="a") as store:
        inc = store.declare("t", sev)
        for cmd in commands:
            if cmd[0] == "wait":
                clock.advance(seconds=cmd[1])
                continue
            with contextlib.suppress(DomainError):
                store.transact(inc.id, lambda cur, now, cmd=cmd: _run(cmd, cur, now))
        state = store.get(inc.id)
        _check_invariants(state)
        before = clocks_dict(state, clock())
        assert store.verify_projection(inc.id)
    with Store.open(path, clock=clock, author="b") as again:
        assert clocks_dict(again.get(inc.id), clock()) == before
