"""Pure domain units: scribe capture grammar, time parsing, metrics, templates."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from irtui.domain.capture import parse_capture
from irtui.domain.metrics import aggregate, durations, summarise
from irtui.domain.model import DomainError, EntryKind
from irtui.domain.templates import prefill, render
from irtui.domain.timeparse import parse_when
from irtui.domain.timeutil import fmt_duration, iso, parse_iso

NOW = datetime(2026, 11, 22, 14, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("line", "kind", "minutes_back", "starred", "text"),
    [
        ("restarted the pod", EntryKind.NOTE, None, False, "restarted the pod"),
        ("d: roll back v42", EntryKind.DECISION, None, False, "roll back v42"),
        ("-5m * a: failed over to replica", EntryKind.ACTION, 5, True, "failed over to replica"),
        ("*det: alert PagerDuty #123", EntryKind.DETECTION, None, True, "alert PagerDuty #123"),
        ("c: posted to #incidents", EntryKind.COMMUNICATION, None, False, "posted to #incidents"),
        ("http://x: not a kind", EntryKind.NOTE, None, False, "http://x: not a kind"),
    ],
)
def test_capture_grammar(line, kind, minutes_back, starred, text) -> None:
    got = parse_capture(line, NOW)
    assert got.kind is kind and got.starred is starred and got.text == text
    if minutes_back is None:
        assert got.at is None
    else:
        assert got.at == NOW - timedelta(minutes=minutes_back)


def test_capture_task_with_timer_and_todo() -> None:
    got = parse_capture("Bob: check replica lag, back in 3 min", NOW)
    assert got.task is not None and got.task["owner"] == "Bob"
    assert got.task["text"] == "check replica lag"
    assert parse_iso(got.task["due"]) == NOW + timedelta(minutes=3)
    todo = parse_capture("TODO: rotate the leaked key", NOW)
    assert todo.task == {
        "text": "rotate the leaked key",
        "owner": None,
        "due": None,
        "timer_s": None,
    }


@time_machine.travel(NOW, tick=False)
def test_parse_when_forms() -> None:
    assert parse_when("-5m", NOW) == NOW - timedelta(minutes=5)
    assert parse_when("-1h30m", NOW) == NOW - timedelta(minutes=90)
    assert parse_when("2026-11-22T13:02:00Z", NOW) == datetime(2026, 11, 22, 13, 2, tzinfo=UTC)
    local = NOW.astimezone()
    hhmm = (local - timedelta(minutes=58)).strftime("%H:%M")
    assert parse_when(hhmm, NOW) == (NOW - timedelta(minutes=58)).replace(second=0)
    with pytest.raises(DomainError, match="cannot read time"):
        parse_when("yesterday-ish", NOW)


def test_iso_is_fixed_width_and_sortable() -> None:
    a = iso(datetime(2026, 1, 1, tzinfo=UTC))
    b = iso(datetime(2026, 1, 1, 0, 0, 0, 1, tzinfo=UTC))
    assert a is not None and b is not None and len(a) == len(b) and a < b
    assert fmt_duration(timedelta(seconds=3725)) == "1h02m"
    assert fmt_duration(timedelta(seconds=-65)) == "-1m05s"


def test_summarise_by_hand() -> None:
    s = summarise([60, 120, 180, 240, 600])
    assert s.count == 5 and s.median == 180 and s.mean == 240
    # inclusive p90 of 5 values: position 0.9*4 = 3.6 → 240 + 0.6*(600-240) = 456
    assert s.p90 == pytest.approx(456)
    assert summarise([]).median is None


def test_aggregate_excludes_drills_and_checks_ack_sla(store, clock) -> None:
    a = store.declare("a", 1)
    clock.advance(minutes=10)
    store.ack(a.id)  # TTA 10 min, within 15
    b = store.declare("b", 1)
    clock.advance(minutes=20)
    store.ack(b.id)  # TTA 20 min, late
    store.declare("drill", 1, drill=True)
    incidents = store.list_incidents(include_closed=True)
    stats, drills = aggregate(incidents, store.update_times(), clock())
    assert drills == 1
    sev1 = stats[1]
    assert sev1.count == 2 and sev1.metrics["tta"].median == 15 * 60
    assert sev1.ack_decided == 2 and sev1.ack_compliance == 0.5
    assert durations(store.get(a.id))["tta"] == 600


def test_templates_render_user_text_verbatim(store, clock) -> None:
    inc = store.declare("[b]Login[/b] down", 1, services=["login"], impact="EU users")
    fields = prefill(inc, "statuspage", clock())
    assert fields.next_update == clock() + timedelta(minutes=30)
    fields.known = "Caused by a bad config push"
    text = render(inc, "statuspage", fields)
    assert "Impact: EU users" in text and "Caused by a bad config push" in text
    internal = render(inc, "internal", fields)
    assert "[b]Login[/b] down" in internal
    assert "SEV1" in render(inc, "exec", fields)


def test_timeline_digest_prefills_internal_and_exec_updates_but_not_customers(store, clock) -> None:
    inc = store.declare("Checkout 502s", 1)
    for audience in ("internal", "exec"):
        fields = prefill(inc, audience, clock(), known="pool saturated", doing="bob: failover")
        assert (fields.known, fields.doing) == ("pool saturated", "bob: failover")
    fields = prefill(inc, "statuspage", clock(), known="pool saturated", doing="bob: failover")
    assert (fields.known, fields.doing) == ("", "")


def test_next_update_time_is_said_once_on_a_utc_machine_and_twice_elsewhere(
    store, clock, monkeypatch
) -> None:
    import time

    inc = store.declare("x", 1)
    fields = prefill(inc, "internal", clock())
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    try:
        assert "Next update: 14:30 UTC" in render(inc, "internal", fields)
        assert "(14:30 UTC)" not in render(inc, "internal", fields)
        monkeypatch.setenv("TZ", "Europe/Berlin")
        time.tzset()
        assert "15:30 CET (14:30 UTC)" in render(inc, "internal", fields)
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
