"""`irtui report` numbers checked against a hand-computed fixture."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta

import pytest

from irtui.review import workflow
from irtui.review.report import build_report, render_report
from irtui.store.actions_repo import ActionsRepo


@pytest.fixture
def scenario(store, clock):
    """T0 = Sun 2026-11-22 14:00Z. Hand-computed expectations are in the test below."""
    t0 = clock()
    a = store.declare(
        "Payments DB failover",
        1,
        services=["payments-db", "checkout"],
        started_at=t0 - timedelta(minutes=10),
    )
    clock.advance(minutes=2)
    store.ack(a.id)  # TTA 120 s (deadline 15 m: met)
    clock.advance(minutes=18)
    store.record_update(a.id, "internal 1", audience="internal")  # T0+20
    clock.advance(minutes=20)
    store.resolve(a.id, checked="all", early_reason="test")  # T0+40: TTR = TTM = 3000 s
    clock.advance(minutes=20)
    b = store.declare("Payments DB slow again", 1, services=["payments-db"])  # T0+60
    clock.advance(minutes=20)
    store.ack(b.id)  # TTA 1200 s: missed the 15 m
    clock.advance(minutes=10)
    for audience in ("internal", "statuspage", "exec"):
        by_hand = audience == "statuspage"  # the status page: posted by hand
        store.record_update(b.id, "update", audience=audience, posted_by_hand=by_hand)  # T0+90
    clock.advance(minutes=90)
    store.resolve(b.id, checked="all", early_reason="test")  # T0+180: TTR 7200 s
    c = store.declare("Search slow", 3, services=["search"])  # T0+180
    clock.advance(minutes=60)
    store.ack(c.id)  # TTA 3600 s (deadline 4 h: met)
    d = store.declare("Game day", 1, services=["payments-db"], drill=True)
    store.ack(d.id)
    store.declare("Typo on the status page", 4)  # SEV4: no ack clock, no cadence
    clock.advance(minutes=60)  # now = T0+300
    workflow.tag(store, a.id, ["db"])
    workflow.tag(store, c.id, ["DB"])
    workflow.complete_review(store, a.id, force=True)  # on time (due Sat 28 00:00Z)
    repo = ActionsRepo(store.db)
    now = store.now()
    repo.add(a.id, "alert on lag", type="detect", now=now, due=date(2026, 11, 21))  # overdue
    done = repo.add(a.id, "runbook", type="document", now=now, due=date(2026, 11, 30))
    repo.done(done.id, now)  # on time
    nope = repo.add(a.id, "rewrite", type="prevent", now=now, due=date(2026, 11, 21))
    repo.wontdo(nope.id, "replaced by managed DB", now)  # excluded
    repo.add(a.id, "someday", type="mitigate", now=now)  # no due date
    repo.add(d.id, "drill item", type="detect", now=now, due=date(2026, 11, 1))  # drill
    return a, b, c, d


def test_report_numbers_match_hand_computation(store, clock, scenario) -> None:
    report = build_report(store, None, None, store.now())
    assert (report.total, report.real, report.backfilled, report.drills) == (4, 4, 0, 1)
    assert report.by_severity == {1: 2, 3: 1, 4: 1}
    assert report.by_service == {"payments-db": 2, "checkout": 1, "search": 1}
    assert report.metrics["SEV4"]["tta"].count == 0
    sev1 = report.metrics["SEV1"]
    assert (sev1["tta"].median, sev1["tta"].mean, sev1["tta"].p90) == (660, 660, 1092)
    assert (sev1["ttr"].median, sev1["ttr"].mean, sev1["ttr"].p90) == (5100, 5100, 6780)
    assert sev1["ttm"].median == 5100
    assert report.metrics["SEV3"]["ttr"].count == 0
    overall = report.metrics["all"]
    assert overall["tta"].count == 3 and overall["tta"].mean == pytest.approx(1640)
    assert (report.ack.met, report.ack.missed, report.ack.pending) == (2, 1, 0)
    # A: internal 1200+1200 ok, statuspage 2400 and exec 2400 missed; B: 1800 ok and 5400
    # missed for each of three audiences; C (open): its running 7200 s gap is pending.
    assert (report.updates.met, report.updates.missed, report.updates.pending) == (5, 5, 1)
    assert (report.postmortem.met, report.postmortem.missed, report.postmortem.pending) == (1, 0, 1)
    assert report.postmortem_completion == 1.0
    assert (report.actions.met, report.actions.missed, report.actions.pending) == (1, 1, 0)
    assert (report.actions_open, report.actions_overdue) == (2, 1)
    verdicts = {b.quartiles.metric: (b.ours, b.verdict) for b in report.benchmarks}
    assert verdicts["mtta"] == (pytest.approx(1640), "worse than median")
    assert verdicts["mttr"] == (5100, "better than median")
    assert verdicts["postmortem_completion"] == (1.0, "top quartile")
    recurring = {(r.dimension, r.value): r.incidents for r in report.recurring}
    assert recurring == {
        ("service", "payments-db"): ("INC-1", "INC-2"),
        ("tag", "db"): ("INC-1", "INC-3"),
    }


def test_period_filter_and_drills(store, clock, scenario) -> None:
    t0 = clock() - timedelta(minutes=300)
    report = build_report(
        store, t0 + timedelta(minutes=30), t0 + timedelta(minutes=200), store.now()
    )
    assert report.total == 2 and report.by_severity == {1: 1, 3: 1}  # B and C
    assert report.drills == 0


def test_renderings_agree(store, clock, scenario) -> None:
    report = build_report(store, None, None, store.now())
    md = render_report(report, "md")
    assert "| SEV1 | TTA | 2 | 11m00s | 18m12s | 11m00s |" in md
    assert "Drills (excluded from every figure): 1" in md
    assert "| Postmortem completion | 100% | 100% | 60% | top quartile |" in md
    assert "2 incidents in 2026-Q4 involving service payments-db (INC-1, INC-2)" in md
    data = json.loads(render_report(report, "json"))
    assert data["incidents"] == {"total": 4, "real": 4, "backfilled": 0, "drills_excluded": 1}
    assert data["metrics_seconds"]["SEV1"]["ttr"]["p90"] == 6780
    assert data["sla"]["update_gaps_within_cadence"]["rate"] == pytest.approx(5 / 10)
    rows = list(csv.reader(io.StringIO(render_report(report, "csv"))))
    assert rows[0] == ["section", "group", "key", "value"]
    assert ["metrics_seconds", "SEV1", "tta_median", "660"] in rows
    assert ["sla", "ack_within_deadline", "missed", "1"] in rows
    with pytest.raises(ValueError):
        render_report(report, "xml")  # type: ignore[arg-type]


def test_empty_store_report(store) -> None:
    report = build_report(store, None, None, store.now())
    md = render_report(report, "md")
    assert report.total == 0 and "no data" in md and "Nothing recurred" in md
    assert json.loads(render_report(report, "json"))["industry"][0]["ours"] is None


def test_report_cli_wiring(cli, store, clock, scenario) -> None:
    out = cli.ok("report", "--format", "json")
    assert json.loads(out)["incidents"]["total"] == 4
