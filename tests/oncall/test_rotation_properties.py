"""Properties of YAML rotations and of the resolver, for any zone, period and instant."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from irtui.oncall.rotation import rotation_shifts
from irtui.oncall.shifts import Shift, answer_at, span_at
from irtui.oncall.spec import RotationSpec

ZONES = ["Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kolkata", "UTC"]
PEOPLE = ("a", "b", "c", "d")


@st.composite
def rotations(draw: st.DrawFn) -> RotationSpec:
    return RotationSpec(
        people=PEOPLE[: draw(st.integers(1, 4))],
        every_days=draw(st.sampled_from([1, 2, 7, 14])),
        handover=time(draw(st.integers(4, 22)), draw(st.sampled_from([0, 15, 30]))),
        time_zone=draw(st.sampled_from(ZONES)),
        start=date(2026, 1, 1) + timedelta(days=draw(st.integers(0, 400))),
        offset=draw(st.integers(0, 3)),
    )


@settings(max_examples=150, deadline=None)
@given(rotations(), st.integers(0, 500 * 24))
def test_rotation_shifts_tile_time_and_hand_over_at_local_time(
    spec: RotationSpec, hours: int
) -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(hours=hours)
    end = start + timedelta(days=30)
    shifts = rotation_shifts(spec, start, end)
    zone = ZoneInfo(spec.time_zone)
    for a, b in pairwise(shifts):
        assert a.end == b.start, "no gap, no overlap between consecutive shifts"
        assert a.person != b.person or len(spec.people) == 1
    for shift in shifts:
        local = shift.start.astimezone(zone)
        # The hand-over is at the local time asked for (the hours chosen are never inside a
        # DST gap in these zones), whatever the UTC offset that day.
        assert (local.hour, local.minute) == (spec.handover.hour, spec.handover.minute)
        assert shift.end > shift.start
        days = (local.date() - spec.start).days
        assert days % spec.every_days == 0
        k = days // spec.every_days
        assert shift.person == spec.people[(k + spec.offset) % len(spec.people)]


@settings(max_examples=150, deadline=None)
@given(rotations(), st.integers(0, 400 * 24 * 60))
def test_span_at_is_consistent_with_answer_at(spec: RotationSpec, minutes: int) -> None:
    at = datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=minutes)
    layers = [rotation_shifts(spec, at - timedelta(days=40), at + timedelta(days=40))]
    span = span_at(at, layers, [])
    assert span.answer == answer_at(at, layers, [])
    if span.until is not None:
        assert span.until > at
        assert answer_at(span.until - timedelta(microseconds=1), layers, []) == span.answer
        assert answer_at(span.until, layers, []) == span.next
    if span.since is not None:
        assert span.since <= at
        assert answer_at(span.since, layers, []) == span.answer


def test_an_override_wins_and_two_overrides_at_once_are_both_shown() -> None:
    t0 = datetime(2026, 5, 1, tzinfo=UTC)
    layer = [Shift("a", t0, t0 + timedelta(days=7))]
    one = Shift("o1", t0 + timedelta(hours=1), t0 + timedelta(hours=5), reason="swap")
    two = Shift("o2", t0 + timedelta(hours=2), t0 + timedelta(hours=3), reason="cover")
    assert answer_at(t0 + timedelta(minutes=30), [layer], [one, two]).people == ("a",)
    both = answer_at(t0 + timedelta(hours=2, minutes=30), [layer], [one, two])
    assert both.kind == "override" and both.people == ("o2", "o1") and both.overlap
    assert span_at(t0 + timedelta(hours=1), [layer], [one, two]).until == t0 + timedelta(hours=2)
