"""Schedules against hand-computed fixtures (tests/oncall/fixtures/schedules/*.ics, catalog.yaml).

Every expected instant below was worked out by hand from the fixture files:
- Europe/Berlin switches to summer time on Sunday 2026-03-29 (UTC+1 -> UTC+2), America/New_York
  on Sunday 2026-03-08 (UTC-5 -> UTC-4). A Monday 09:00 hand-over is therefore 08:00Z / 07:00Z in
  Berlin and 14:00Z / 13:00Z in New York before / after the change.
- Shifts are [start, end): at the hand-over second the incoming person is on call.
"""

from __future__ import annotations

import pytest

from irtui.oncall.resolve import OnCall
from tests.oncall.conftest import utc


def on(oncall: OnCall, schedule: str, *at: int) -> tuple[str, ...]:
    return tuple(p.key for p in oncall.schedule(schedule, "primary", utc(*at)).people)


# --- RRULE weekly rotations across a DST change, in two zones ---------------------------


def test_berlin_rrule_rotation_keeps_local_0900_across_the_dst_change(oncall: OnCall) -> None:
    # Before the change: Monday 2026-03-23 09:00 CET = 08:00Z.
    assert on(oncall, "payments-primary", 2026, 3, 23, 7, 59, 59) == ("erin",)
    assert on(oncall, "payments-primary", 2026, 3, 23, 8, 0, 0) == ("bob",)
    # After it: Monday 2026-03-30 09:00 CEST = 07:00Z (a UTC-based engine would say 08:00Z).
    assert on(oncall, "payments-primary", 2026, 3, 30, 6, 59, 59) == ("bob",)
    assert on(oncall, "payments-primary", 2026, 3, 30, 7, 0, 0) == ("erin",)
    assert on(oncall, "payments-primary", 2026, 3, 30, 7, 30) == ("erin",)
    bob = oncall.schedule("payments-primary", "primary", utc(2026, 3, 30, 6, 59, 59))
    assert bob.since == utc(2026, 3, 23, 8) and bob.until == utc(2026, 3, 30, 7)
    assert (bob.until - bob.since).total_seconds() == 167 * 3600  # the short week
    assert [p.key for p in bob.next] == ["erin"]


def test_new_york_rrule_rotation_across_its_own_dst_change(oncall: OnCall) -> None:
    assert on(oncall, "platform-ny", 2026, 3, 2, 13, 59, 59) == ()  # before the first shift
    assert on(oncall, "platform-ny", 2026, 3, 2, 14, 0, 0) == ("ana",)  # 09:00 EST
    assert on(oncall, "platform-ny", 2026, 3, 9, 12, 59, 59) == ("ana",)
    assert on(oncall, "platform-ny", 2026, 3, 9, 13, 0, 0) == ("cy",)  # 09:00 EDT
    ana = oncall.schedule("platform-ny", "primary", utc(2026, 3, 5))
    assert (ana.since, ana.until) == (utc(2026, 3, 2, 14), utc(2026, 3, 9, 13))


def test_yaml_rotation_hands_over_at_local_time_across_dst(oncall: OnCall) -> None:
    # [bob, erin, carol] weekly from Monday 2026-03-02 09:00 Europe/Berlin.
    assert on(oncall, "payments-secondary", 2026, 3, 23, 7, 59, 59) == ("carol",)
    assert on(oncall, "payments-secondary", 2026, 3, 23, 8, 0, 0) == ("bob",)
    assert on(oncall, "payments-secondary", 2026, 3, 30, 6, 59, 59) == ("bob",)
    assert on(oncall, "payments-secondary", 2026, 3, 30, 7, 0, 0) == ("erin",)
    assert on(oncall, "payments-secondary", 2026, 4, 13, 7, 0, 0) == ("bob",)
    erin = oncall.schedule("payments-secondary", "secondary", utc(2026, 4, 1))
    assert (erin.since, erin.until) == (utc(2026, 3, 30, 7), utc(2026, 4, 6, 7))
    assert [p.key for p in erin.next] == ["carol"]


# --- overrides, EXDATE, overlapping layers -------------------------------------------------


def test_an_override_inside_a_shift(oncall: OnCall) -> None:
    # Bob covers Erin on 2026-04-01 12:00-18:00 Berlin (CEST) = 10:00Z-16:00Z.
    assert on(oncall, "payments-primary", 2026, 4, 1, 9, 59, 59) == ("erin",)
    cover = oncall.schedule("payments-primary", "primary", utc(2026, 4, 1, 10))
    assert [p.key for p in cover.people] == ["bob"]
    assert cover.override == "Erin at the dentist"
    assert (cover.since, cover.until) == (utc(2026, 4, 1, 10), utc(2026, 4, 1, 16))
    assert [p.key for p in cover.next] == ["erin"]
    assert on(oncall, "payments-primary", 2026, 4, 1, 15, 59, 59) == ("bob",)
    back = oncall.schedule("payments-primary", "primary", utc(2026, 4, 1, 16))
    assert [p.key for p in back.people] == ["erin"] and back.override == ""
    assert back.until == utc(2026, 4, 6, 7)
    erin = oncall.schedule("payments-primary", "primary", utc(2026, 3, 31))
    assert erin.until == utc(2026, 4, 1, 10) and [p.key for p in erin.next] == ["bob"]


def test_an_exdate_skips_a_shift_and_leaves_a_gap(oncall: OnCall) -> None:
    bob = oncall.schedule("payments-primary", "primary", utc(2026, 4, 13, 6, 59, 59))
    assert [p.key for p in bob.people] == ["bob"] and bob.until == utc(2026, 4, 13, 7)
    assert bob.next == ()  # Erin's 2026-04-13 week is an EXDATE: nobody
    gap = oncall.schedule("payments-primary", "primary", utc(2026, 4, 13, 7))
    assert gap.gap and gap.missing
    assert (gap.since, gap.until) == (utc(2026, 4, 13, 7), utc(2026, 4, 20, 7))
    assert [p.key for p in gap.next] == ["bob"]


def test_overlapping_layers_the_later_wins_where_it_has_someone(oncall: OnCall) -> None:
    # platform-sun: Berlin rota 24/7, then a New York rotation 08:00-20:00 NY on top.
    # 2026-04-01 NY 08:00 EDT = 12:00Z; NY 20:00 EDT = 00:00Z the next day.
    assert on(oncall, "platform-sun", 2026, 4, 1, 11, 59, 59) == ("erin",)
    assert on(oncall, "platform-sun", 2026, 4, 1, 12, 0, 0) == ("ana",)
    assert on(oncall, "platform-sun", 2026, 4, 1, 23, 59, 59) == ("ana",)
    assert on(oncall, "platform-sun", 2026, 4, 2, 0, 0, 0) == ("erin",)
    erin = oncall.schedule("platform-sun", "primary", utc(2026, 4, 1, 11))
    assert erin.until == utc(2026, 4, 1, 12) and [p.key for p in erin.next] == ["ana"]
    # Monday 2026-03-30: the window opens at 08:00 NY (12:00Z) on Cy's last hour; the NY
    # hand-over to Ana is at 09:00 NY (13:00Z).
    assert on(oncall, "platform-sun", 2026, 3, 30, 11, 59, 59) == ("erin",)
    assert on(oncall, "platform-sun", 2026, 3, 30, 12, 30) == ("cy",)
    assert on(oncall, "platform-sun", 2026, 3, 30, 13, 0) == ("ana",)


def test_grafana_levels_double_cover_and_the_overrides_calendar(oncall: OnCall) -> None:
    assert on(oncall, "grafana", 2026, 4, 2, 8, 59, 59) == ("erin",)
    assert on(oncall, "grafana", 2026, 4, 2, 9, 0, 0) == ("bob",)  # [L1] beats level 0
    assert on(oncall, "grafana", 2026, 4, 2, 17, 0, 0) == ("erin",)
    assert on(oncall, "grafana", 2026, 4, 3, 11, 59, 59) == ("erin",)
    assert on(oncall, "grafana", 2026, 4, 3, 12, 0, 0) == ("frank",)  # override, by e-mail
    both = oncall.schedule("grafana", "primary", utc(2026, 4, 4, 10))
    assert both.overlap and [p.key for p in both.people] == ["dana", "erin"]  # said, not hidden


# --- the shapes real feeds take -------------------------------------------------------------


def test_a_pagerduty_feed_folded_summaries_attendees_and_a_placeholder(oncall: OnCall) -> None:
    frank = oncall.schedule("dba-pagerduty", "primary", utc(2026, 3, 30, 6, 59, 59))
    assert [(p.key, p.known) for p in frank.people] == [("frank", True)]
    gita = oncall.schedule("dba-pagerduty", "primary", utc(2026, 3, 30, 7))
    assert [(p.key, p.email) for p in gita.people] == [("gita", "gita@example.com")]
    nobody = oncall.schedule("dba-pagerduty", "primary", utc(2026, 4, 6, 7))
    assert nobody.gap  # "On Call - Next Week": nobody assigned yet, shown as a gap


def test_an_outlook_export_windows_zone_moved_cancelled_free_allday_floating(
    oncall: OnCall,
) -> None:
    # "W. Europe Standard Time" is Europe/Berlin: 18:00 CEST = 16:00Z.
    assert on(oncall, "outlook", 2026, 4, 6, 15, 59, 59) == ()
    assert on(oncall, "outlook", 2026, 4, 6, 16, 0, 0) == ("dana",)
    assert on(oncall, "outlook", 2026, 4, 7, 12) == ()  # the offsite is TRANSP:TRANSPARENT
    assert on(oncall, "outlook", 2026, 4, 8, 17, 59, 59) == ()  # moved to 20:00 local
    assert on(oncall, "outlook", 2026, 4, 8, 18, 0, 0) == ("dana",)
    assert on(oncall, "outlook", 2026, 4, 9, 17) == ()  # cancelled occurrence
    assert on(oncall, "outlook", 2026, 4, 11, 12) == ("bob",)  # all day, local midnight
    assert on(oncall, "outlook", 2026, 4, 11, 21, 59, 59) == ("bob",)
    assert on(oncall, "outlook", 2026, 4, 11, 22, 0, 0) == ()
    assert on(oncall, "outlook", 2026, 4, 12, 7, 59, 59) == ()  # floating 10:00 Berlin
    assert on(oncall, "outlook", 2026, 4, 12, 8, 0, 0) == ("erin",)


@pytest.mark.parametrize(
    "at, primary",
    [((2026, 3, 30, 6, 59, 59), "bob"), ((2026, 3, 30, 7, 0, 0), "erin")],
)
def test_the_cache_gives_the_same_answer_as_the_parse(
    oncall: OnCall, catalog, at: tuple[int, ...], primary: str
) -> None:
    first = on(oncall, "payments-primary", *at)
    again = on(OnCall(catalog), "payments-primary", *at)  # a new process would read the cache
    assert first == again == (primary,)
