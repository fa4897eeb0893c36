"""The drill clock is stored facts and the injects play on it: at `--speed 60` every inject
comes at the right drill time, triggers fire exactly once, pause/resume loses nothing, and a
fresh process (a new Store on the same file) resumes where the drill was."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from irtui.domain.clocks import all_clocks, incident_now, mapped_time
from irtui.domain.model import DomainError, EventKind
from irtui.domain.timeutil import ManualClock, iso
from irtui.drills import runner
from irtui.drills.clock import drill_now, first_segment, next_segment, started_at
from irtui.drills.engine import MOOT, NOT_REACHED, ON_ASK, WAITING, next_up
from irtui.store.repo import Store
from tests.conftest import T0
from tests.drills.conftest import fired, offsets, run_for


def test_speed_60_plays_every_inject_at_its_drill_time(store, clock, start, small) -> None:
    inc = start(small, speed=60)
    run_for(store, clock, inc.id, 3)  # real 3 s = drill 3 min
    store.ack(inc.id)  # at drill +3m
    run_for(store, clock, inc.id, 4)  # drill +7m
    store.set_status(inc.id, "identified")  # drill +7m
    run_for(store, clock, inc.id, 8)  # drill +15m
    assert offsets(store, inc.id, T0) == {
        "a": 0,
        "b": 4,
        "c": 4,  # ack at +3m, delay 1m
        "d": 4,  # right after b (chained in the same tick)
        "f": 7,
        "e": 10,  # nobody updated by +10m
        "g": 12,
    }
    assert store.get(inc.id).milestones["acknowledged"] == T0 + timedelta(minutes=3)
    assert store.verify_projection(inc.id)


def test_a_coarse_runner_still_stamps_injects_at_their_due_time(store, clock, start, small):
    inc = start(small, speed=60)
    clock.advance(seconds=11)  # nobody ticked for 11 drill minutes (the runner was down)
    runner.tick(store, inc.id)
    assert offsets(store, inc.id, T0) == {"a": 0, "b": 4, "d": 4, "e": 10}
    events = fired(store, inc.id)
    assert all(e.recorded_at == T0 + timedelta(seconds=11) for e in events.values())


def test_triggers_fire_exactly_once_however_often_ticked(store, clock, start, small) -> None:
    inc = start(small)
    for _ in range(5):
        runner.tick(store, inc.id)
    store.ack(inc.id)
    clock.advance(minutes=2)
    for _ in range(5):
        assert len(runner.tick(store, inc.id)) <= 1
    assert sorted(fired(store, inc.id)) == ["a", "c"]
    marker = store.change_marker()
    runner.tick(store, inc.id)
    assert store.change_marker() == marker  # nothing due: nothing written


def test_two_seats_ticking_at_once_never_fire_twice(db_path, clock, start, small) -> None:
    seats = [Store.open(db_path, clock=clock, author=f"seat{n}") for n in range(3)]
    try:
        inc = start(small, speed=60, on=seats[0])
        errors: list[BaseException] = []

        def spin(seat: Store) -> None:
            try:
                for _ in range(60):
                    runner.tick(seat, inc.id)
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        for _ in range(15):
            threads = [threading.Thread(target=spin, args=(s,)) for s in seats]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            clock.advance(seconds=1)
        assert errors == []
        assert sorted(fired(seats[1], inc.id)) == ["a", "b", "d", "e", "g"]
    finally:
        for s in seats:
            s.close()


def test_exactly_once_on_postgresql_too(any_store, clock, start, small, store_url) -> None:
    other = Store.open(store_url, clock=clock, author="other")
    try:
        inc = start(small, speed=60, on=any_store)
        for _ in range(13):
            runner.tick(any_store, inc.id)
            runner.tick(other, inc.id)
            clock.advance(seconds=1)
        assert sorted(fired(other, inc.id)) == ["a", "b", "d", "e", "g"]
        assert other.verify_projection(inc.id)
    finally:
        other.close()


def test_pause_and_resume_lose_nothing(store, clock, start, small) -> None:
    inc = start(small, speed=60)
    run_for(store, clock, inc.id, 2)  # drill +2m
    runner.pause(store, inc.id)
    clock.advance(minutes=30)  # half an hour of real time, paused
    assert runner.tick(store, inc.id) == []
    assert incident_now(store.get(inc.id), clock()) == T0 + timedelta(minutes=2)
    views = {c.name: c for c in all_clocks(store.get(inc.id), clock())}
    assert views["ack"].remaining == timedelta(minutes=58)  # SEV2: 1 h from +0m, frozen at +2m
    with pytest.raises(DomainError, match="already paused"):
        runner.pause(store, inc.id)
    runner.resume(store, inc.id)
    run_for(store, clock, inc.id, 2)  # drill +4m
    assert offsets(store, inc.id, T0) == {"a": 0, "b": 4, "d": 4}
    runner.set_speed(store, inc.id, 1)
    clock.advance(minutes=6)  # drill +10m at speed 1
    runner.tick(store, inc.id)
    assert offsets(store, inc.id, T0)["e"] == 10
    with pytest.raises(DomainError, match="not paused"):
        runner.resume(store, inc.id)


def test_a_restarted_process_resumes_where_the_drill_was(db_path, clock, start, small):
    first = Store.open(db_path, clock=clock, author="facilitator")
    inc = start(small, speed=60, on=first)
    run_for(first, clock, inc.id, 4)
    runner.pause(first, inc.id)
    first.close()  # the facilitator's laptop dies
    clock.advance(hours=2)
    again = Store.open(db_path, clock=clock, author="facilitator")
    try:
        assert runner.view(again, inc.id).now == T0 + timedelta(minutes=4)
        runner.resume(again, inc.id)
        run_for(again, clock, inc.id, 8)
        assert offsets(again, inc.id, T0) == {"a": 0, "b": 4, "d": 4, "e": 10, "g": 12}
        assert drill_now(again.events(inc.id), clock()) == T0 + timedelta(minutes=12)
    finally:
        again.close()


def test_the_plan_says_what_comes_next(store, clock, start, small) -> None:
    inc = start(small)
    runner.tick(store, inc.id)
    v = runner.view(store, inc.id)
    states = {r.inject.id: r.state for r in v.rows}
    assert states == {
        "a": "fired",
        "b": "scheduled",
        "c": WAITING,
        "d": WAITING,
        "e": "scheduled",
        "f": WAITING,
        "g": "scheduled",
        "clue": ON_ASK,
    }
    up = next_up(v.rows)
    assert up is not None and (up.inject.id, up.due) == ("b", T0 + timedelta(minutes=4))
    store.record_update(inc.id, "we are on it")
    v = runner.view(store, inc.id)
    assert {r.inject.id: r.state for r in v.rows}["e"] == MOOT
    store.resolve(inc.id, checked="all", early_reason="test")
    v = runner.view(store, inc.id)
    assert {r.inject.id: r.state for r in v.rows}["g"] == NOT_REACHED
    clock.advance(minutes=20)
    assert runner.tick(store, inc.id) == []


def test_facilitator_fire_skip_improvise(store, clock, start, small) -> None:
    inc = start(small)
    clock.advance(minutes=1)
    event = runner.fire(store, inc.id, "clue")
    assert (event.at, event.payload["how"], event.payload["ask"]) == (
        T0 + timedelta(minutes=1),
        "facilitator",
        "What changed?",
    )
    with pytest.raises(DomainError, match="already been played"):
        runner.fire(store, inc.id, "clue")
    runner.skip(store, inc.id, "g", "running late")
    with pytest.raises(DomainError, match="was skipped"):
        runner.fire(store, inc.id, "g")
    with pytest.raises(DomainError, match="no inject 'zz'"):
        runner.skip(store, inc.id, "zz")
    runner.improvise(store, inc.id, "The CEO walks in", "exec_message")
    clock.advance(minutes=20)
    runner.tick(store, inc.id)
    assert "g" not in fired(store, inc.id)
    timeline = [e.text for e in store.timeline(inc.id)]
    assert "[drill clue] a deploy" in timeline
    assert "[drill exec message, improvised] The CEO walks in" in timeline


def test_player_events_are_stamped_on_the_drill_clock(store, clock, start, small) -> None:
    inc = start(small, speed=10)
    clock.advance(seconds=30)  # drill +5m
    store.ack(inc.id)
    event = store.log(inc.id, "looking at dashboards")
    assert event.at == T0 + timedelta(minutes=5) and event.recorded_at == T0 + timedelta(seconds=30)
    backdated = store.log(inc.id, "earlier", at=T0 + timedelta(minutes=4))
    assert backdated.at == T0 + timedelta(minutes=4)
    state = store.get(inc.id)
    assert state.milestones["acknowledged"] == T0 + timedelta(minutes=5)
    assert state.time_map == {
        "real": iso(T0),
        "drill": iso(T0),
        "speed": 10.0,
        "running": True,
    }
    assert store.verify_projection(inc.id)


def test_a_plain_incident_is_untouched(store, clock) -> None:
    inc = store.declare("Real one", 2)
    assert "time_map" not in inc.to_dict() and "deleted_at" not in inc.to_dict()
    assert incident_now(inc, clock()) == clock()


def test_runner_refuses_what_is_not_a_drill(store, start, small) -> None:
    real = store.declare("Real one", 2)
    assert runner.tick(store, real.id) == []
    with pytest.raises(DomainError, match="not a drill"):
        runner.view(store, real.id)
    with pytest.raises(DomainError, match="no drill clock"):
        runner.pause(store, store.declare("Game day", 2, drill=True).id)
    with pytest.raises(DomainError, match="speed must be between"):
        runner.set_speed(store, start(small).id, 0)


ops = st.lists(
    st.tuples(
        st.sampled_from(["pause", "resume", "speed"]),
        st.floats(min_value=0.1, max_value=600, allow_nan=False),
        st.integers(min_value=0, max_value=3600),
    ),
    max_size=12,
)


@settings(max_examples=200, deadline=None)
@given(ops)
def test_drill_time_is_continuous_monotone_and_frozen_when_paused(steps) -> None:
    """Any sequence of pauses, resumes and speed changes: drill time never jumps or runs
    backwards, stands still while paused, and equals the sum of running time × speed."""
    real = T0
    segment = first_segment(real, 1.0)
    expected = T0
    for op, speed, gap in steps:
        before = mapped_time(segment, real)
        later = real + timedelta(seconds=gap)
        after = mapped_time(segment, later)
        assert after >= before
        if segment["running"]:
            expected += timedelta(seconds=gap) * segment["speed"]
        else:
            assert after == before
        real = later
        if op == "pause":
            segment = next_segment(segment, real, running=False)
        elif op == "resume":
            segment = next_segment(segment, real, running=True)
        else:
            segment = next_segment(segment, real, speed=speed)
        assert mapped_time(segment, real) == after  # continuous across the change
        assert abs((after - expected).total_seconds()) < 1e-3 * (1 + len(steps))


def test_drill_now_folds_the_events(store, clock, start, small) -> None:
    inc = start(small, speed=2)
    clock.advance(minutes=1)
    runner.pause(store, inc.id)
    events = store.events(inc.id)
    assert started_at(events) == T0
    assert drill_now(events, clock() + timedelta(hours=5)) == T0 + timedelta(minutes=2)
    assert [e.kind for e in events if e.kind.startswith("drill_")] == [
        EventKind.DRILL_STARTED,
        EventKind.DRILL_PAUSED,
    ]


def test_a_manual_clock_is_all_it_takes(tmp_path) -> None:
    """Nothing in a drill reads the system clock: a store on a clock years away works."""
    far = ManualClock(T0 + timedelta(days=3650))
    with Store.open(tmp_path / "far.db", clock=far) as s:
        from irtui.drills.library import find

        inc = runner.start(s, find("certificate-expiry"), speed=60)
        far.advance(seconds=7)
        runner.tick(s, inc.id)
        assert sorted(fired(s, inc.id)) == ["customer-first", "mobile", "probe"]
