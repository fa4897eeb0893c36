"""Replay (a past incident as a scenario) and the scored debrief, checked against
hand-computed figures."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from irtui.demo import _as, seed
from irtui.drills import runner
from irtui.drills.debrief import MTTA_MEDIAN_S, MTTA_TOP_QUARTILE_S, render_json, render_markdown
from irtui.drills.library import known_runbooks
from irtui.drills.record import file_action, file_all, score
from irtui.drills.replay import scenario_from_incident
from irtui.drills.scenario import load_scenario
from irtui.importers import backfill, statuspage
from irtui.review.report import INDUSTRY
from irtui.runbooks.library import RunbookLibrary
from irtui.runbooks.progress import pin_runbook, tick_step
from irtui.store.actions_repo import ActionsRepo
from tests.cli_runner import Cli
from tests.conftest import T0

POSTS = {
    "incident": {
        "id": "p31zjtct2jer",
        "name": "Elevated API errors",
        "status": "resolved",
        "created_at": "2026-10-01T10:05:00.000Z",
        "monitoring_at": "2026-10-01T10:50:00.000Z",
        "resolved_at": "2026-10-01T11:20:00.000Z",
        "started_at": "2026-10-01T09:58:00.000Z",
        "impact": "major",
        "components": [{"id": "c1", "name": "API", "status": "operational"}],
        "incident_updates": [
            {
                "id": "u3",
                "status": "resolved",
                "body": "Resolved.",
                "created_at": "2026-10-01T11:20:00.000Z",
            },
            {
                "id": "u2",
                "status": "monitoring",
                "body": "A fix is out.",
                "created_at": "2026-10-01T10:50:00.000Z",
            },
            {
                "id": "u1",
                "status": "investigating",
                "body": "We are investigating.",
                "created_at": "2026-10-01T10:05:00.000Z",
            },
        ],
    }
}


def test_benchmarks_are_the_seeds() -> None:
    mtta = next(q for q in INDUSTRY if q.metric == "mtta")
    assert (MTTA_TOP_QUARTILE_S, MTTA_MEDIAN_S) == (mtta.top_quartile, mtta.median) == (180, 600)


def test_replay_of_a_resolved_incident(store) -> None:
    ids = seed(store)
    inc = store.get(ids["resolved"])
    s = scenario_from_incident(inc, store.events(inc.id), known_runbooks=known_runbooks())
    assert s.title == f"Replay of {inc.id}: Search results stale in EU"
    assert [(i.id.split("-")[0], i.kind, i.at_s) for i in s.injects] == [
        ("declared", "alert", 0),
        ("alert", "alert", 5 * 60),  # "Indexer consumer lag at 40k messages", 5 min in
    ]
    key = s.answer_key
    assert [a.text for a in key.actions] == ["Restarted indexer consumers, lag draining"]
    assert "restarted" in key.actions[0].keywords
    assert key.mitigate_by_s == 20 * 60  # the demo marks mitigation (restart, 20 min in)
    assert [(e.fact, e.by_s) for e in key.expect] == [("ack", 4 * 60), ("role commander", 0)]
    assert s.severity == s.expected_severity == 3


def test_replay_of_an_imported_incident_turns_its_posts_into_injects(store, tmp_path) -> None:
    path = tmp_path / "sp.json"
    path.write_text(json.dumps(POSTS), encoding="utf-8")
    backfill.import_incidents(store, statuspage.read(path).incidents)
    inc = store.get("INC-1")
    s = scenario_from_incident(inc, store.events(inc.id))
    assert [(i.kind, i.at_s, i.text) for i in s.injects] == [
        ("alert", 7 * 60, "Elevated API errors — first public post: We are investigating."),
        ("news", 52 * 60, "Status post (monitoring): A fix is out."),
        ("news", 82 * 60, "Status post (resolved): Resolved."),
    ]
    assert s.answer_key.mitigate_by_s == 52 * 60
    assert [(e.fact, e.by_s) for e in s.answer_key.expect] == [("update statuspage", 7 * 60)]


def test_drill_from_cli_writes_a_scenario_that_runs(store, clock, db_path, tmp_path) -> None:
    ids = seed(store)
    cli = Cli(db_path, clock)
    out = tmp_path / "replay.yaml"
    text = cli.ok("drill", "from", ids["resolved"], "--out", str(out))
    assert "wrote" in text and out.read_text().startswith("# Replay of")
    assert load_scenario(out).injects
    code, _, err = cli("drill", "from", ids["resolved"], "--out", str(out))
    assert code == 2 and "--force" in err
    code, _, err = cli("drill", "from", ids["sev1"])
    assert code == 2 and "still investigating" in err
    code, _, err = cli("drill", "from", ids["drill"])
    assert code == 2 and "is a drill" in err
    iid = cli.ok("drill", "run", str(out), "--detach").strip()
    assert store.get(iid).kind == "drill"
    assert "injects:" in cli.ok("drill", "from", ids["resolved"])


def _as_bob(store, act):
    with _as(store, "bob"):
        return act()


def _play_hand_computed(store, clock, start, small):
    """SEV2 `small`, speed 1. Drill offsets (minutes):
    +2 ack · +3 IC alice · +4 internal update · +5 runbook pinned, step 1 ticked ·
    +6 IC offered to bob with a brief · +7 bob accepts (alice confirms) · +8 tech lead carol,
    then offered to dave and never accepted · +9 decision "roll back the deploy" · +11 status
    identified · +14 monitoring, mitigated · +16 resolved (early: the hold)."""
    inc = start(small)
    library = RunbookLibrary.from_config()
    rb = library.get("database-connection-exhaustion")
    steps = [
        (2, lambda: store.ack(inc.id)),
        (1, lambda: store.assign_role(inc.id, "ic", "alice")),
        (1, lambda: store.record_update(inc.id, "first", audience="internal")),
        (1, lambda: (pin_runbook(store, inc.id, rb), tick_step(store, inc.id, rb, 1))),
        (1, lambda: store.handoff(inc.id, "ic", "bob", brief="status: investigating")),
        (
            1,
            lambda: (
                _as_bob(store, lambda: store.accept_handoff(inc.id, "ic")),
                store.confirm_handoff(inc.id, "ic"),
            ),
        ),
        (
            1,
            lambda: (
                store.assign_role(inc.id, "tech", "carol"),
                _as_bob(store, lambda: store.assign_role(inc.id, "tech", "dave")),  # the IC
            ),
        ),
        (1, lambda: store.log(inc.id, "Roll back the deploy", kind="decision")),
        (2, lambda: store.set_status(inc.id, "identified")),
        (3, lambda: (store.set_status(inc.id, "monitoring"), store.mitigated(inc.id))),
        (2, lambda: store.resolve(inc.id, checked="all", early_reason="drill")),
    ]
    for minutes, act in steps:
        for _ in range(minutes):
            clock.advance(minutes=1)
            runner.tick(store, inc.id)
        act()
    library.close()
    return inc, len(rb.steps)


def test_debrief_figures_equal_hand_computed_ones(store, clock, start, small) -> None:
    inc, total_steps = _play_hand_computed(store, clock, start, small)
    d = score(store, inc.id)
    fig = {f.key: f for f in d.figures}
    assert fig["tta"].value_s == 120 and fig["tta"].verdict == "top quartile"
    assert fig["ic"].value_s == 180
    assert fig["roles"].value_s == 180  # SEV2 requires only the IC
    assert fig["ttm"].value_s == 14 * 60 and fig["ttm"].verdict == "within the answer key"
    assert fig["severity"].value_s == 0
    internal = next(u for u in d.updates if u["audience"] == "internal")
    # SEV2 cadence 2 h: gaps +0→+4 and +4→+16, both within
    assert (internal["sent"], internal["first_at"], internal["on_cadence"], internal["gaps"]) == (
        1,
        "+4m",
        2,
        2,
    )
    exec_ = next(u for u in d.updates if u["audience"] == "exec")
    assert (exec_["sent"], exec_["on_cadence"], exec_["gaps"], exec_["worst_gap_s"]) == (
        0,
        1,
        1,
        16 * 60,
    )
    assert [(h["role"], h["followed"], h["accepted_at"], h["brief"]) for h in d.handoffs] == [
        ("commander", True, "+7m", True),
        ("tech_lead", False, None, True),  # offered (a generated brief), never accepted
    ]
    assert d.runbooks == [
        {
            "runbook": "database-connection-exhaustion",
            "expected": True,
            "opened_at": "+5m",
            "steps_ticked": 1,
            "steps_total": total_steps,
        }
    ]
    assert [(e["fact"], e["met"], e["at"]) for e in d.expectations] == [
        ("ack", True, "+2m"),
        ("update", True, "+4m"),
    ]
    assert [(k["kind"], k["found"], k["at"]) for k in d.answer_key] == [("decision", True, "+9m")]
    states = {i["id"]: (i["state"], i["at"]) for i in d.injects}
    assert states == {
        "a": ("fired", "+0m"),
        "b": ("fired", "+4m"),
        "c": ("fired", "+3m"),
        "d": ("fired", "+4m"),
        "e": ("moot", None),
        "f": ("fired", "+11m"),
        "g": ("fired", "+12m"),
        "clue": ("on_ask", None),
    }
    assert d.clues == (0, 1)
    assert [f.key for f in d.findings] == ["handoff:tech_lead:+8m"]
    assert "offered but never accepted" in d.findings[0].text
    md = render_markdown(d)
    assert (
        "| Time to acknowledge | 2m00s | top quartile 3m00s, median 10m00s | top quartile |" in md
    )
    assert (
        "Incident Commander: alice → bob at +6m, brief yes, accepted +7m — protocol followed" in md
    )
    data = json.loads(render_json(d))
    assert data["figures"][0] == {
        "key": "tta",
        "label": "Time to acknowledge",
        "seconds": 120,
        "target": "top quartile 3m00s, median 10m00s",
        "verdict": "top quartile",
    }


def test_findings_become_action_items_once(store, clock, start, small) -> None:
    inc = start(small)
    clock.advance(minutes=30)
    runner.tick(store, inc.id)
    d = score(store, inc.id)
    keys = [f.key for f in d.findings]
    assert "fact:ack" in keys and "fact:role commander" in keys and "ttm" in keys
    assert any(k.startswith("key:decision") for k in keys)
    lacks = next(f for f in d.findings if f.key.startswith("key:decision"))
    assert lacks.action == "Runbook database-connection-exhaustion lacks the step: Roll back"
    item = file_action(store, inc.id, lacks)
    assert (item.incident_id, item.type, item.status) == (inc.id, "document", "open")
    from irtui.domain.model import DomainError

    with pytest.raises(DomainError, match="already an action item"):
        file_action(store, inc.id, lacks)
    filed = file_all(store, d)
    assert len(filed) == len(d.findings) - 1
    assert file_all(store, d) == []
    assert len(ActionsRepo(store.db).list(incident_id=inc.id)) == len(d.findings)


def test_report_cli(store, clock, start, small, db_path) -> None:
    inc = start(small)
    clock.advance(minutes=3)
    runner.tick(store, inc.id)
    cli = Cli(db_path, clock)
    md = cli.ok("drill", "report", inc.id)
    assert md.startswith(f"# Drill debrief: {inc.id}") and "## What the team missed" in md
    data = json.loads(cli.ok("drill", "report", inc.id, "--format", "json"))
    assert data["incident_id"] == inc.id and data["benchmarks"]["mtta_median_s"] == 600
    code, _, err = cli("drill", "report", inc.id, "--file-actions")
    assert code == 0 and err.count("filed action item") == len(data["findings"])
    code, _, err = cli("drill", "report", store.declare("Real", 2).id)
    assert code == 2 and "not a drill" in err


def test_a_drill_without_script_gets_a_debrief_too(store, clock) -> None:
    inc = store.declare("Game day", 2, drill=True)
    clock.advance(minutes=4)
    store.ack(inc.id)
    d = score(store, inc.id)
    assert d.scenario_id is None and d.figure("tta").value_s == 240  # type: ignore[union-attr]
    assert "no script" in render_markdown(d)


def test_a_drill_runs_beside_the_demo_without_touching_it(store, clock, start) -> None:
    ids = seed(store)
    before = {i: store.get(i).to_dict() for i in ids.values()}
    inc = start("third-party-api-outage", speed=60)
    for _ in range(15):
        clock.advance(seconds=1)
        runner.tick(store, inc.id)
    assert {i: store.get(i).to_dict() for i in ids.values()} == before
    assert store.get(inc.id).severity == 3
    d = score(store, inc.id)
    assert any(f.key == "fact:severity 1" for f in d.findings)
    assert d.started >= T0
    assert d.drill_now - d.started == timedelta(minutes=0) or d.started < d.drill_now
