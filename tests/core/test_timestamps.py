"""One formatter and one parser for every stored instant, proven over the whole datetime range;
how messages speak of times; and the range every typed time must fall in."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from irtui.domain.model import DomainError
from irtui.domain.order import FLOOR, LOOKBACK, check_time
from irtui.domain.timeutil import ISO_WIDTH, fmt_when, iso, parse_iso

EVERY_UTC = st.datetimes(min_value=datetime.min, max_value=datetime.max, timezones=st.just(UTC))
OFFSETS = st.integers(-23 * 60 - 59, 23 * 60 + 59).map(lambda m: timezone(timedelta(minutes=m)))
# Instants whose reading in UTC stays inside the datetime range, in any fixed offset.
ANY_ZONE = st.datetimes(
    min_value=datetime.min + timedelta(days=1),
    max_value=datetime.max - timedelta(days=1),
    timezones=OFFSETS,
)


@settings(max_examples=2000, deadline=None)
@given(EVERY_UTC)
def test_round_trip_over_the_whole_range(value: datetime) -> None:
    text = iso(value)
    assert text is not None and len(text) == ISO_WIDTH
    assert parse_iso(text) == value
    assert iso(parse_iso(text)) == text


@settings(max_examples=1000, deadline=None)
@given(ANY_ZONE)
def test_any_offset_is_stored_as_the_same_instant_in_utc(value: datetime) -> None:
    text = iso(value)
    assert text is not None and text.endswith("+00:00") and len(text) == ISO_WIDTH
    assert parse_iso(text) == value  # aware comparison: the same instant


@settings(max_examples=1000, deadline=None)
@given(EVERY_UTC, EVERY_UTC)
def test_text_order_is_time_order(a: datetime, b: datetime) -> None:
    """Both engines compare and sort the text columns: text order must be time order."""
    assert (iso(a) < iso(b)) == (a < b)  # type: ignore[operator]
    assert (iso(a) == iso(b)) == (a == b)


def test_years_below_1000_are_four_digits_and_old_stores_still_read() -> None:
    year_999 = datetime(999, 6, 1, tzinfo=UTC)
    assert iso(year_999) == "0999-06-01T00:00:00.000000+00:00"
    # what irtui wrote before (strftime's unpadded %Y) is read back as the same instant
    assert parse_iso("999-06-01T00:00:00.000000+00:00") == year_999
    assert parse_iso("1-01-01T00:00:00+00:00") == datetime(1, 1, 1, tzinfo=UTC)
    assert parse_iso(None) is None and parse_iso("") is None


@pytest.mark.parametrize("junk", ["yesterday", "2026-13-01T00:00:00+00:00", "99999-01-01", "12:"])
def test_unreadable_text_is_a_value_error_naming_it(junk: str) -> None:
    with pytest.raises(ValueError, match="not an ISO-8601 instant"):
        parse_iso(junk)


def test_messages_speak_local_hhmm_and_utc(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    monkeypatch.setenv("TZ", "Europe/Berlin")
    time.tzset()
    try:
        now = datetime(2026, 11, 22, 19, 53, 12, 345678, tzinfo=UTC)
        assert fmt_when(now + timedelta(minutes=17), now) == "21:10 (20:10 UTC)"
        other_day = fmt_when(now - timedelta(days=1), now)
        assert other_day == "Sat 21 Nov 20:53 (19:53 UTC)"
        ancient = fmt_when(datetime(999, 6, 1, tzinfo=UTC), now)
        assert "Jun 0999" in ancient and ancient.endswith("(00:00 UTC)")
        for text in (fmt_when(now, now), other_day):
            assert not re.search(r"\d{2}T\d{2}|\.\d{6}|:\d{2}:\d{2}", text)  # no ISO, no µs
    finally:
        monkeypatch.undo()
        time.tzset()


def test_every_typed_time_has_a_sane_range() -> None:
    now = datetime(2026, 11, 22, 20, 53, tzinfo=UTC)
    assert check_time(now - timedelta(days=30), now, "entry") == now - timedelta(days=30)
    with pytest.raises(DomainError, match="is in the future"):
        check_time(now + timedelta(minutes=17), now, "entry time")
    with pytest.raises(DomainError, match="before 1970"):
        check_time(datetime(999, 6, 1, tzinfo=UTC), now, "status change")
    with pytest.raises(DomainError, match="more than 3 years before now"):
        check_time(now - LOOKBACK - timedelta(days=1), now, "impact started")
    assert FLOOR.year == 1970
