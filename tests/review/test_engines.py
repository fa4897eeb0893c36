"""The review SQL on both engines: action items, review events, import, report."""

from __future__ import annotations

from datetime import date

from irtui.importers import backfill, postmortems, statuspage
from irtui.review import workflow
from irtui.review.report import build_report, render_report
from irtui.store.actions_repo import ActionsRepo


def test_review_paths_on_both_engines(any_store, clock, tmp_path) -> None:
    store = any_store
    inc = store.declare("Payments DB failover", 1, services=["payments-db"])
    store.resolve(inc.id, checked="all", early_reason="test")
    repo = ActionsRepo(store.db)
    first = repo.add(
        inc.id, "alert on lag", type="detect", now=store.now(), due=date(2026, 11, 30), owner="bob"
    )
    second = repo.add(inc.id, "document failover", type="document", now=store.now())
    assert second.id == first.id + 1
    repo.done(first.id, store.now())
    assert [i.id for i in repo.list(open_only=True)] == [second.id]
    workflow.tag(store, inc.id, ["db"])
    workflow.save_section(store, inc.id, "summary", "Failover took 20 minutes.")
    workflow.complete_review(store, inc.id, force=True)
    doc = statuspage.parse_incident(
        {
            "id": "pg1",
            "name": "API errors",
            "status": "resolved",
            "impact": "minor",
            "created_at": "2026-10-01T10:05:00Z",
            "resolved_at": "2026-10-01T11:00:00Z",
            "incident_updates": [
                {
                    "status": "investigating",
                    "body": "Looking.",
                    "created_at": "2026-10-01T10:05:00Z",
                }
            ],
        }
    )
    assert len(backfill.import_incidents(store, [doc]).imported) == 1
    assert backfill.import_incidents(store, [doc]).skipped == ["statuspage:pg1"]
    raw = dict(doc.raw)
    raw["incident_updates"] = [
        *raw["incident_updates"],
        {"id": "u2", "status": "resolved", "body": "Fixed.", "created_at": "2026-10-01T11:00:00Z"},
    ]
    grown = backfill.import_incidents(store, [statuspage.parse_incident(raw)])
    assert [n for _r, _i, n in grown.updated] == [1]
    pm = tmp_path / "pm.md"
    pm.write_text(
        "# Queue stuck\n\n## Timeline\n\n- **10:00** alert fired on 2026-09-01\n"
        "- **10:30** resolved\n\n## Action items\n\n- [x] add a canary\n",
        encoding="utf-8",
    )
    read = postmortems.read([pm])
    assert len(backfill.import_incidents(store, read.incidents).imported) == 1
    report = build_report(store, None, None, store.now())
    assert (report.real, report.backfilled) == (1, 2)
    assert report.quality == {"zone_assumed": 1}
    assert report.postmortem.met == 1 and report.actions.met == 1
    assert "Failover took 20 minutes." in workflow.build_draft(store, inc.id).markdown
    assert render_report(report, "csv").startswith("section,group,key,value")
