"""Reading the times people type: `HH:MM` is today's unless it is the scribe catching up just
after midnight (yesterday's, at most six hours back) or the next one is less than an hour away
(then it is in the future, never "yesterday" or "this morning"). Due times (`10m`, `21:05`)
look ahead. Pinned to a zone with DST."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from irtui.domain.model import DomainError
from irtui.domain.timeparse import CATCH_UP, NEAR, parse_due, parse_when
from irtui.domain.timeutil import ManualClock
from irtui.store.repo import Store

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture(autouse=True)
def _berlin(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def local(y: int, mo: int, d: int, h: int, mi: int, s: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, s, tzinfo=BERLIN).astimezone(UTC)


@pytest.mark.parametrize(
    ("now", "typed", "expected"),
    [
        # an evening: earlier today is today
        (local(2026, 11, 22, 20, 53), "14:02", local(2026, 11, 22, 14, 2)),
        # a time a little ahead (clock skew between laptops) is now-ish, still today
        (local(2026, 11, 22, 20, 53, 30), "20:54", local(2026, 11, 22, 20, 54)),
        # 21:10 typed at 20:53 is today's 21:10, in the future — never yesterday's
        (local(2026, 11, 22, 20, 53), "21:10", local(2026, 11, 22, 21, 10)),
        # just after midnight, late evening means yesterday (catching up)
        (local(2026, 11, 23, 0, 10), "23:55", local(2026, 11, 22, 23, 55)),
        (local(2026, 11, 23, 5, 59), "23:59", local(2026, 11, 22, 23, 59)),
        (local(2027, 1, 1, 0, 2), "23:58", local(2026, 12, 31, 23, 58)),  # New Year's Eve
        # more than six hours back is not catching up: today's, in the future
        (local(2026, 11, 23, 6, 30), "23:00", local(2026, 11, 23, 23, 0)),
        (local(2026, 11, 23, 12, 0), "13:00", local(2026, 11, 23, 13, 0)),
        # just before midnight, a time just after it is the coming one (in the future)...
        (local(2026, 11, 22, 23, 44), "00:01", local(2026, 11, 23, 0, 1)),
        (local(2026, 11, 22, 23, 44), "00:30", local(2026, 11, 23, 0, 30)),
        # ... while further away it is this morning's
        (local(2026, 11, 22, 23, 44), "05:00", local(2026, 11, 22, 5, 0)),
        (local(2026, 11, 22, 20, 53), "08:00", local(2026, 11, 22, 8, 0)),
        # the night the clocks go forward (02:00 -> 03:00): 01:30 is CET, 03:30 CEST
        (local(2027, 3, 28, 3, 45), "01:30", local(2027, 3, 28, 1, 30)),
        (local(2027, 3, 28, 3, 45), "03:30", local(2027, 3, 28, 3, 30)),
    ],
)
def test_hhmm_is_today_unless_catching_up_after_midnight(
    now: datetime, typed: str, expected: datetime
) -> None:
    assert parse_when(typed, now) == expected


def test_the_windows() -> None:
    assert timedelta(hours=6) == CATCH_UP
    assert timedelta(hours=1) == NEAR


def test_relative_and_iso_forms_and_absurd_numbers() -> None:
    now = local(2026, 11, 22, 20, 53)
    assert parse_when("-5m", now) == now - timedelta(minutes=5)
    assert parse_when("-1h30m", now) == now - timedelta(minutes=90)
    assert parse_when("2026-11-22T19:02:00Z", now) == datetime(2026, 11, 22, 19, 2, tzinfo=UTC)
    assert parse_when("0999-06-01T00:00:00+00:00", now).year == 999  # read; refused later
    for absurd in ("-99999999999h", "-999999999999999999999m"):
        with pytest.raises(DomainError):
            parse_when(absurd, now)
    with pytest.raises(DomainError, match="cannot read time"):
        parse_when("soonish", now)


def test_due_times_look_ahead() -> None:
    now = local(2026, 11, 22, 20, 53)
    assert parse_due("10m", now) == now + timedelta(minutes=10)
    assert parse_due("+1h30m", now) == now + timedelta(minutes=90)
    assert parse_due("21:05", now) == local(2026, 11, 22, 21, 5)
    assert parse_due("20:00", now) == local(2026, 11, 23, 20, 0)  # tomorrow's
    assert parse_due("00:15", local(2026, 11, 22, 23, 50)) == local(2026, 11, 23, 0, 15)
    with pytest.raises(DomainError, match="in the past"):
        parse_due("-5m", now)
    with pytest.raises(DomainError, match="cannot read time"):
        parse_due("later", now)


def test_the_store_refuses_a_future_hhmm_and_accepts_midnight_catch_up(tmp_path) -> None:
    clock = ManualClock(local(2026, 11, 22, 20, 53))
    with Store.open(tmp_path / "s.db", clock=clock, author="carol") as store:
        inc = store.declare("Checkout 500s", 1, started_at=local(2026, 11, 22, 20, 0))
        with pytest.raises(DomainError) as info:
            store.log(inc.id, "rolled back", at=parse_when("21:10", clock()))
        message = str(info.value)
        assert "is in the future" in message and "21:10 (20:10 UTC)" in message
        assert "yesterday" not in message and "000000" not in message
        clock.set(local(2026, 11, 23, 0, 10))
        entry = store.log(inc.id, "pool recycled", at=parse_when("23:55", clock()))
        assert entry.at == local(2026, 11, 22, 23, 55)
