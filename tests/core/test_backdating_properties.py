"""Property tests: for any sequence of backdated entries (detections too), milestone moves,
mitigations, status changes and resolutions, every duration stays non-negative, every fact
stays after `started`, and reopening the store shows the same incident and clocks
(projection == replay)."""

from __future__ import annotations

import contextlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from irtui.domain import lifecycle
from irtui.domain.clocks import clocks_dict
from irtui.domain.metrics import durations
from irtui.domain.model import MILESTONES, DomainError
from irtui.domain.policy import load_policy
from irtui.domain.timeutil import ManualClock
from irtui.store.repo import Store

POLICY = load_policy(None)
T0 = datetime(2026, 11, 22, 14, 0, tzinfo=UTC)
BACK = st.integers(0, 6 * 3600)

step = st.one_of(
    st.tuples(st.just("wait"), st.integers(0, 2 * 3600)),
    st.tuples(st.just("entry"), BACK, st.sampled_from(["note", "detection", "action"])),
    st.tuples(
        st.just("move"),
        st.sampled_from(["started", "detected", "acknowledged", "mitigated", "resolved"]),
        BACK,
    ),
    st.tuples(st.just("mitigated"), BACK),
    st.tuples(
        st.just("status"),
        st.sampled_from(
            ["identified", "mitigating", "monitoring", "resolved", "investigating", "closed"]
        ),
        st.integers(0, 1800),
    ),
    st.tuples(st.just("ack"), BACK),
    st.tuples(
        st.just("reopen"),
    ),
)


def _apply(store: Store, iid: str, s: tuple) -> None:
    now = store.now()
    kind = s[0]
    if kind == "entry":
        store.log(iid, "x", kind=s[2], at=now - timedelta(seconds=s[1]))
    elif kind == "move":
        store.set_milestone(iid, s[1], now - timedelta(seconds=s[2]))
    elif kind == "mitigated":
        store.mitigated(iid, at=now - timedelta(seconds=s[1]))
    elif kind == "status":
        store.set_status(
            iid, s[1], at=now - timedelta(seconds=s[2]), checked="all", early_reason="p"
        )
    elif kind == "ack":
        store.ack(iid, at=now - timedelta(seconds=s[1]))
    elif kind == "reopen":
        store.reopen(iid, "property test")


def _invariants(store: Store, iid: str) -> None:
    inc = store.get(iid)
    lifecycle.check_milestones(inc.milestones)
    started = inc.milestones["started"]
    for name in MILESTONES:
        assert inc.milestones[name] is None or inc.milestones[name] >= started, name
    for name, secs in durations(inc).items():
        assert secs is None or secs >= 0, (name, secs)
    assert all(e.at >= started for e in store.events(iid) if e.kind in ("entry", "status_changed"))


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sev=st.integers(1, 4), steps=st.lists(step, max_size=18))
def test_backdating_never_breaks_the_clocks(tmp_path_factory, sev: int, steps: list[tuple]):
    path: Path = tmp_path_factory.mktemp("prop") / "s.db"
    clock = ManualClock(T0)
    with Store.open(path, clock=clock, author="a") as store:
        iid = store.declare("t", sev).id
        for s in steps:
            if s[0] == "wait":
                clock.advance(seconds=s[1])
                continue
            with contextlib.suppress(DomainError):
                _apply(store, iid, s)
            _invariants(store, iid)
        assert store.verify_projection(iid)
        before = (store.get(iid).to_dict(), clocks_dict(store.get(iid), clock()))
    with Store.open(path, clock=clock, author="b") as again:
        inc = again.get(iid)
        assert (inc.to_dict(), clocks_dict(inc, clock())) == before
