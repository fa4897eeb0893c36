"""History import: Statuspage v2 JSON and the github-statuses corpus (a sample always, the whole
corpus when ../shared is there)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from irtui.domain.metrics import durations
from irtui.domain.model import DomainError, IncidentKind, Status
from irtui.importers import backfill, github_statuses, statuspage
from irtui.review import workflow
from irtui.review.events import learning_facts
from irtui.review.report import build_report


def _sp_incident(ident: str = "p31zjtct2jer", impact: str = "major") -> dict:
    """Shaped like https://<page>/api/v2/incidents.json (updates newest first)."""
    return {
        "id": ident,
        "name": "Elevated API errors — Zürich 東京",
        "status": "resolved",
        "created_at": "2026-10-01T10:05:00.000Z",
        "updated_at": "2026-10-01T11:30:00.000Z",
        "monitoring_at": "2026-10-01T10:50:00.000Z",
        "resolved_at": "2026-10-01T11:20:00.000Z",
        "started_at": "2026-10-01T09:58:00.000Z",
        "impact": impact,
        "page_id": "y2j98763l56x",
        "shortlink": "https://stspg.io/abc",
        "components": [{"id": "c1", "name": "API", "status": "operational"}],
        "incident_updates": [
            {
                "id": "u4",
                "status": "resolved",
                "body": "This incident has been resolved.",
                "created_at": "2026-10-01T11:20:00.000Z",
                "display_at": "2026-10-01T11:20:00.000Z",
            },
            {
                "id": "u3",
                "status": "monitoring",
                "body": "A fix has been implemented.",
                "created_at": "2026-10-01T10:50:00.000Z",
                "display_at": "2026-10-01T10:50:00.000Z",
            },
            {
                "id": "u2",
                "status": "identified",
                "body": "The issue has been identified.",
                "created_at": "2026-10-01T10:20:00.000Z",
                "display_at": "2026-10-01T10:20:00.000Z",
            },
            {
                "id": "u1",
                "status": "investigating",
                "body": "We are investigating.",
                "created_at": "2026-10-01T10:05:00.000Z",
                "display_at": "2026-10-01T10:05:00.000Z",
            },
        ],
    }


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_single_statuspage_incident(store, tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_text(json.dumps({"incident": _sp_incident()}), encoding="utf-8")
    result = backfill.import_incidents(store, statuspage.read(path).incidents)
    assert result.imported == ["INC-1"] and not result.failed
    inc = store.get("INC-1")
    assert inc.kind is IncidentKind.BACKFILLED and inc.status is Status.RESOLVED
    assert inc.severity == 2  # major -> (wide, medium) in the policy matrix
    assert inc.source_ref == "statuspage:p31zjtct2jer"
    assert inc.services == ["API"] and "東京" in inc.title
    m = inc.milestones
    assert m["started"] == _at("2026-10-01T09:58:00")
    assert m["detected"] == m["acknowledged"] == _at("2026-10-01T10:05:00")
    assert m["mitigated"] == _at("2026-10-01T10:50:00")
    assert m["resolved"] == _at("2026-10-01T11:20:00")
    assert durations(inc)["ttr"] == 82 * 60
    updates = [e for e in store.events(inc.id) if e.kind == "update_sent"]
    assert [(e.at.strftime("%H:%M"), e.payload["source_status"]) for e in updates] == [
        ("10:05", "investigating"),
        ("10:20", "identified"),
        ("10:50", "monitoring"),
        ("11:20", "resolved"),
    ]
    assert all(e.payload["audience"] == "statuspage" for e in updates)
    statuses = [e.payload["to"] for e in store.events(inc.id) if e.kind == "status_changed"]
    assert statuses == ["identified", "monitoring", "resolved"]
    assert store.verify_projection(inc.id)
    draft = workflow.build_draft(store, inc.id)
    assert "not tracked for backfilled incidents" in draft.review_state
    assert "Update sent to statuspage: The issue has been identified." in draft.markdown


def test_list_directory_and_idempotent_reimport(store, tmp_path: Path) -> None:
    (tmp_path / "incidents.json").write_text(
        json.dumps(
            {
                "page": {"id": "y2j98763l56x"},
                "incidents": [_sp_incident("a1", "critical"), _sp_incident("b2", "none")],
            }
        )
    )
    (tmp_path / "b2.json").write_text(json.dumps({"incident": _sp_incident("b2", "none")}))
    (tmp_path / "notes.txt").write_text("not json, ignored")
    first = backfill.import_incidents(store, statuspage.read(tmp_path).incidents)
    assert len(first.imported) == 2 and first.skipped == ["statuspage:b2"]
    sevs = {i.source_ref: i.severity for i in store.list_incidents(include_closed=True)}
    assert sevs == {"statuspage:a1": 1, "statuspage:b2": 4}
    marker = store.change_marker()
    again = backfill.import_incidents(store, statuspage.read(tmp_path).incidents)
    assert again.imported == [] and len(again.skipped) == 3
    assert store.change_marker() == marker  # nothing written at all


def test_unresolved_and_bad_statuspage_input(store, tmp_path: Path) -> None:
    raw = _sp_incident("open1")
    raw.update(status="monitoring", resolved_at=None)
    raw["incident_updates"] = raw["incident_updates"][1:]
    bf = statuspage.parse_incident(raw)
    assert bf.resolved is None
    result = backfill.import_incidents(store, [bf])
    inc = store.get(result.imported[0])
    assert inc.status is Status.MONITORING and inc.is_open
    bad = tmp_path / "bad.json"
    bad.write_text("{nope")
    with pytest.raises(DomainError, match=r"bad\.json:1: not JSON"):
        statuspage.read(bad)
    (tmp_path / "odd.json").write_text(json.dumps({"hello": 1}))
    with pytest.raises(DomainError, match="expected"):
        statuspage.read(tmp_path / "odd.json")
    with pytest.raises(DomainError, match="no such file"):
        statuspage.read(tmp_path / "missing.json")


def _import_and_check_durations(store, path: Path) -> tuple[list[dict], dict]:
    """Import a github-statuses file; every incident's TTR must equal its duration_minutes,
    its facts are authored by the source, one whose impact window ends before its first
    public post must still be valid, and a re-import changes nothing."""
    rows = [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    result = backfill.import_incidents(store, github_statuses.read(path).incidents)
    assert len(result.imported) == len(rows) and not result.failed and not result.skipped
    by_ref = {i.source_ref: i for i in store.list_incidents(include_closed=True)}
    mismatches = [
        row["id"]
        for row in rows
        if durations(by_ref[f"github-statuses:{row['id']}"])["ttr"] != row["duration_minutes"] * 60
    ]
    assert mismatches == []
    assert all(i.kind is IncidentKind.BACKFILLED for i in by_ref.values())
    sample = store.events(by_ref[f"github-statuses:{rows[0]['id']}"].id)
    assert {e.author for e in sample if e.kind != "imported"} == {"github-statuses"}
    # Impact windows from postmortems can end before the first public post; still valid.
    early = next(
        r for r in rows if r["impact_window"] and r["downtime_end"] < r["updates"][0]["at"]
    )
    inc = by_ref[f"github-statuses:{early['id']}"]
    assert inc.milestones["resolved"] == inc.milestones["detected"]
    assert store.verify_projection(inc.id)
    marker = store.change_marker()
    again = backfill.import_incidents(store, github_statuses.read(path).incidents)
    assert again.imported == [] and len(again.skipped) == len(rows)
    assert store.change_marker() == marker
    return rows, by_ref


def test_github_sample_durations_match(store, corpus_sample: Path) -> None:
    """14 real incidents (tests/fixtures), among them two early impact windows and
    maintenance: the same checks as the whole corpus, on every clone."""
    rows, by_ref = _import_and_check_durations(store, corpus_sample)
    assert len(rows) == 14
    maintenance = [i for i in by_ref.values() if "(impact: maintenance)" in i.impact]
    facts = learning_facts(store.db)
    assert maintenance and all(facts[i.id].tags == ["maintenance"] for i in maintenance)
    report = build_report(store, None, None, store.now())
    assert report.metrics["all"]["ttr"].count + len(report.excluded) == 14


@pytest.mark.slow
def test_whole_github_corpus_durations_match(store, corpus: Path) -> None:
    """Every one of the 819 incidents: imported TTR == the corpus' duration_minutes."""
    rows, by_ref = _import_and_check_durations(store, corpus)
    assert len(rows) == 819
    # data quality, by the corpus' own fields: 22 zero-length windows (retroactive posts),
    # 29 single posts, 92 with posts outside the (postmortem) impact window
    report = build_report(store, None, None, store.now())
    assert report.quality == {"zero_length": 22, "one_post": 29, "posts_outside_window": 92}
    assert len(report.excluded) == 22 and report.metrics["all"]["ttr"].count == 819 - 22
    assert report.metrics["all"]["ttr"].median > 0
    maintenance = [i for i in by_ref.values() if "(impact: maintenance)" in i.impact]
    facts = learning_facts(store.db)
    assert len(maintenance) == 18
    assert all(facts[i.id].tags == ["maintenance"] for i in maintenance)


def test_github_cli_import_and_errors(cli, tmp_path: Path, corpus_sample: Path) -> None:
    lines = corpus_sample.read_text(encoding="utf-8").splitlines()[:5]
    small = tmp_path / "incidents.jsonl"
    small.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert "imported 5, already present 0, failed 0" in cli.ok(
        "import", "github-statuses", str(small)
    )
    data = json.loads(cli.ok("import", "github-statuses", str(tmp_path), "--json"))
    assert data["imported"] == 0 and data["skipped"] == 5
    assert "5 incident(s) read" in cli.ok("import", "github-statuses", str(small), "--dry-run")
    broken = tmp_path / "broken.jsonl"
    broken.write_text(lines[0] + "\n{oops\n")
    code, _, err = cli("import", "github-statuses", str(broken))
    assert code == 2 and "broken.jsonl:2" in err and "Traceback" not in err
    code, _, err = cli("import", "statuspage", str(tmp_path / "nothing"))
    assert code == 2 and "no such file" in err
