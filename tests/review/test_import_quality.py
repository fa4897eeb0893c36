"""Status-page history you can believe: bodies as text, timelines from bodies, the earliest
start, quality flags, authorship, hostile and malformed records, re-imports, the import config,
and the report's data-quality section checked by hand."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from irtui.domain.metrics import durations
from irtui.domain.quality import badge, flags_from_events
from irtui.importers import backfill, statuspage
from irtui.importers.config import load_config, parse_config
from irtui.importers.htmltext import html_to_text
from irtui.review import workflow
from irtui.review.report import build_report, render_report

PAGE = {"id": "pg1", "name": "Example", "time_zone": "Etc/UTC"}


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _post(ident: str, status: str, at: str, body: str) -> dict:
    return {"id": ident, "status": status, "body": body, "created_at": at, "display_at": at}


def migrated() -> dict:
    """One 'resolved' post whose HTML body is the whole timeline; created == resolved."""
    body = (
        "<ul><li><strong>2016-01-20 22:47:07</strong> - We&#39;re investigating elevated "
        "<a href='https://x.example'>API errors</a>.</li>"
        "<li><strong>2016-01-20 23:05:00</strong> - Identified - a bad cache node.</li>"
        "<li><strong>2016-01-20 23:40:00</strong> - Resolved - errors are back to normal."
        "</li></ul>"
    )
    return {
        "id": "mig1",
        "name": "API errors",
        "status": "resolved",
        "impact": "major",
        "created_at": "2016-01-21T00:00:00Z",
        "resolved_at": "2016-01-21T00:00:00Z",
        "updated_at": "2016-01-21T00:00:00Z",
        "components": [{"name": "API"}, {"name": "Visit www.example.com for more information"}],
        "incident_updates": [_post("m1", "resolved", "2016-01-21T00:00:00Z", body)],
    }


def zero_length() -> dict:
    return {
        "id": "zero1",
        "name": "Blip",
        "status": "resolved",
        "impact": "minor",
        "created_at": "2017-03-01T10:00:00Z",
        "resolved_at": "2017-03-01T10:00:00Z",
        "components": [{"name": "API"}],
        "incident_updates": [_post("z1", "resolved", "2017-03-01T10:00:00Z", "Resolved.")],
    }


def started_after_resolved() -> dict:
    return {
        "id": "late1",
        "name": "Edited start",
        "status": "resolved",
        "impact": "minor",
        "created_at": "2017-04-01T10:00:00Z",
        "started_at": "2017-04-01T15:00:00Z",
        "resolved_at": "2017-04-01T11:00:00Z",
        "incident_updates": [
            _post("l2", "resolved", "2017-04-01T11:00:00Z", "Fixed."),
            _post("l1", "investigating", "2017-04-01T10:00:00Z", "Looking."),
        ],
    }


def posts_before_start() -> dict:
    """started_at edited to later than the first posts: they no longer land before Declared."""
    return {
        "id": "early1",
        "name": "Slow dashboards",
        "status": "resolved",
        "impact": "minor",
        "created_at": "2017-05-01T10:00:00Z",
        "started_at": "2017-05-01T10:30:00Z",
        "resolved_at": "2017-05-01T12:00:00Z",
        "updated_at": "2017-05-01T12:00:00Z",
        "incident_updates": [
            _post("e3", "resolved", "2017-05-01T12:00:00Z", "Resolved."),
            _post("e2", "identified", "2017-05-01T10:10:00Z", "Found it."),
            _post("e1", "investigating", "2017-05-01T10:00:00Z", "Looking."),
        ],
    }


def skewed() -> dict:
    """A post quoting a time two hours after its own publication (a local-time body)."""
    return {
        "id": "skew1",
        "name": "Webhooks delayed",
        "status": "resolved",
        "impact": "minor",
        "created_at": "2017-06-01T10:00:00Z",
        "resolved_at": "2017-06-01T11:00:00Z",
        "incident_updates": [
            _post("s2", "resolved", "2017-06-01T11:00:00Z", "Resolved."),
            _post(
                "s1",
                "investigating",
                "2017-06-01T10:00:00Z",
                "2017-06-01 12:00:00 - Webhooks are delayed",
            ),
        ],
    }


def _write(tmp_path: Path, *incidents: dict, name: str = "incidents.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps({"page": PAGE, "incidents": list(incidents)}), encoding="utf-8")
    return path


def test_html_to_text_uses_a_parser_not_regexes() -> None:
    html = (
        "<p>Line one &amp; more<br/>line two</p><script>alert(1)</script>"
        "<ul><li>a <b>b</b></li><li>c</li></ul><!-- hidden --><table><tr><td>x</td>"
        "<td>y</td></tr></table>"
    )
    assert html_to_text(html) == "Line one & more\nline two\n- a b\n- c\nx | y"
    assert html_to_text("a < b and c > d") == "a < b and c > d"
    assert html_to_text("plain text") == "plain text"


def test_migrated_record_timeline_comes_from_its_body(store, tmp_path: Path) -> None:
    read = statuspage.read(_write(tmp_path, migrated()))
    bf = read.incidents[0]
    assert [(u.at, u.source_status, u.from_body) for u in bf.updates] == [
        (_utc("2016-01-20T22:47:07"), "resolved", True),
        (_utc("2016-01-20T23:05:00"), "identified", True),
        (_utc("2016-01-20T23:40:00"), "resolved", True),
    ]
    assert bf.updates[0].text == "We're investigating elevated API errors (https://x.example)."
    assert bf.started == _utc("2016-01-20T22:47:07")
    assert bf.resolved == _utc("2016-01-20T23:40:00")
    assert set(bf.quality) == {"timeline_from_body", "posts_outside_window"}
    inc = store.get(backfill.import_incidents(store, [bf]).imported[0])
    assert durations(inc)["ttr"] == 52 * 60 + 53
    assert inc.status.value == "resolved"
    shown = "\n".join(e.text for e in store.timeline(inc.id))
    assert "<" not in shown and "&#39;" not in shown
    events = store.events(inc.id)
    assert {e.author for e in events if e.kind != "imported"} == {"statuspage:pg1"}
    imported = [e for e in events if e.kind == "imported"]
    assert len(imported) == 1 and imported[0].author == "alice"
    assert imported[0].payload["imported_by"] == "alice"
    assert imported[0].payload["raw"]["incident_updates"][0]["body"].startswith("<ul><li>")
    assert flags_from_events(events) == bf.quality
    assert badge(bf.quality) == "⚠ posts outside window"


def test_earliest_start_and_flags_of_each_shape(store, tmp_path: Path) -> None:
    read = statuspage.read(
        _write(tmp_path, zero_length(), started_after_resolved(), posts_before_start(), skewed())
    )
    assert not read.refused
    by = {bf.source_ref.split(":")[1]: bf for bf in read.incidents}
    assert set(by["zero1"].quality) == {"zero_length", "one_post"}
    assert set(by["late1"].quality) == {"started_after_resolved"}
    assert by["late1"].started == _utc("2017-04-01T10:00")  # created_at, not the edited start
    assert set(by["early1"].quality) == {"posts_outside_window"}
    assert "2 before its start" in by["early1"].quality["posts_outside_window"]
    assert by["early1"].started == _utc("2017-05-01T10:00")
    assert set(by["skew1"].quality) == {"clock_skew", "timeline_from_body", "posts_outside_window"}
    result = backfill.import_incidents(store, read.incidents)
    assert len(result.imported) == 4 and not result.failed
    early = store.get(result.imported[2])
    assert durations(early)["ttr"] == 2 * 3600  # not 1.5 h: the posts were there at 10:00
    first_posts = [e for e in store.events(early.id) if e.kind == "update_sent"]
    assert all(e.at >= early.milestones["started"] for e in first_posts)
    assert badge(by["zero1"].quality) == "⚠ zero length · one post · not in medians"


def _report_store(store, tmp_path: Path) -> list[str]:
    read = statuspage.read(
        _write(
            tmp_path,
            migrated(),
            zero_length(),
            started_after_resolved(),
            posts_before_start(),
            skewed(),
        )
    )
    return backfill.import_incidents(store, read.incidents).imported


def test_report_quality_section_by_hand(store, tmp_path: Path) -> None:
    """TTRs: migrated 3173 s (SEV2), zero 0 s, late 3600 s, early 7200 s, skew 3600 s
    (SEV3 for the three minor ones: the policy's wide x low). Zero-length and impossible
    (late1) are left out: SEV3 TTR values {7200, 3600} -> median 5400; with
    --include-flagged {0, 3600, 7200, 3600} -> median 3600."""
    ids = _report_store(store, tmp_path)
    now = store.now()
    report = build_report(store, None, None, now)
    assert report.quality == {
        "timeline_from_body": 2,
        "posts_outside_window": 3,
        "zero_length": 1,
        "one_post": 1,
        "started_after_resolved": 1,
        "clock_skew": 1,
    }
    assert report.flagged == 5 and report.excluded == [ids[1], ids[2]]
    sev3 = report.metrics["SEV3"]["ttr"]
    assert (sev3.count, sev3.median) == (2, 5400)
    assert report.metrics["all"]["ttr"].count == 3
    assert report.by_severity == {2: 1, 3: 4}  # counts keep every incident
    full = build_report(store, None, None, now, include_flagged=True)
    assert (full.metrics["SEV3"]["ttr"].count, full.metrics["SEV3"]["ttr"].median) == (4, 3600)
    md = render_report(report, "md")
    assert "## Data quality" in md
    assert "2 incident(s) flagged as not believable (1 started after resolved, 1 zero length)" in md
    assert "| zero length | 1 |" in md and "| **no** |" in md
    data = json.loads(render_report(report, "json"))
    assert data["data_quality"]["excluded_from_response_times"] == 2
    assert data["data_quality"]["excluded_incidents"] == [ids[1], ids[2]]
    assert data["data_quality"]["flags"]["clock_skew"] == 1
    rows = list(csv.reader(io.StringIO(render_report(report, "csv"))))
    assert ["data_quality", "", "excluded_from_response_times", "2"] in rows
    assert ["data_quality", "flag", "zero_length", "1"] in rows
    full_md = render_report(full, "md")
    assert "because --include-flagged was given" in full_md


def test_report_cli_include_flagged(cli, tmp_path: Path) -> None:
    path = _write(tmp_path, zero_length(), posts_before_start())
    cli.ok("import", "statuspage", str(path))
    out = cli.ok("report")
    assert "1 incident(s) flagged as not believable (1 zero length)" in out
    data = json.loads(cli.ok("report", "--format", "json", "--include-flagged"))
    assert data["data_quality"]["include_flagged"] is True
    assert data["metrics_seconds"]["all"]["ttr"]["count"] == 2


HOSTILE = "Outage \x1b[2J\x1b]52;c;cm0gLXJmIC8=\x07[red]x[/] \u202eevil\u202c \x00done"


def test_hostile_text_never_reaches_the_store(cli, store, tmp_path: Path) -> None:
    raw = migrated()
    raw["name"] = HOSTILE
    raw["incident_updates"][0]["body"] = (
        "<p>\x1b]0;pwned\x07Looking \u2066into\u2069 it [/foo] x [/ y</p>"
    )
    raw["created_at"] = raw["resolved_at"] = "2016-01-21T01:00:00Z"
    path = _write(tmp_path, raw)
    code, _out, err = cli("import", "statuspage", str(path))
    assert code == 0, err
    assert "terminal control sequence(s) removed" in err
    assert "bidi override character(s) removed" in err
    store_text = json.dumps([e.to_dict() for e in store.events("INC-1")])
    for bad in ("\\u001b", "\\u0007", "\\u202e", "\\u2066", "\\u0000"):
        assert bad not in store_text
    assert store.get("INC-1").title == "Outage [red]x[/] evil done"
    shown = cli.ok("show", "INC-1")
    assert "\x1b" not in shown and "[/foo] x [/ y" in shown
    exported = json.loads(cli.ok("export", "INC-1", "--format", "json"))
    imported = next(e for e in exported["events"] if e["kind"] == "imported")
    assert imported["payload"]["raw"]["name"] == "Outage [red]x[/] evil done"
    long = migrated()
    long["id"] = "long1"
    long["name"] = "x" * 100_000
    code, _out, err = cli("import", "statuspage", str(_write(tmp_path, long, name="long.json")))
    assert code == 2 and "long.json: incidents[0] (id long1)" in err
    assert "limit is 300" in err and "Traceback" not in err


def test_ancient_huge_and_malformed_records_are_refused_one_by_one(cli, tmp_path: Path) -> None:
    ancient = zero_length() | {"id": "old1", "created_at": "0001-01-01T00:00:00Z"}
    huge = zero_length() | {"id": "big1", "resolved_at": "275760-09-13T00:00:00Z"}
    future = zero_length() | {"id": "fut1", "created_at": "9999-12-31T23:59:59-05:00"}
    wrong = zero_length() | {"id": "int1", "incident_updates": [1, 2]}
    typed = zero_length() | {"id": "typ1", "created_at": 12345}
    good = posts_before_start()
    path = _write(tmp_path, ancient, huge, future, wrong, typed, good)
    code, out, err = cli("import", "statuspage", str(path))
    assert code == 2 and "Traceback" not in err and "object has no attribute" not in err
    assert "imported 1, already present 0, failed 5" in out
    assert f"{path}: incidents[0] (id old1): incidents[0].created_at is 0001-01-01" in err
    assert "before 1970-01-01" in err
    assert "incidents[1] (id big1)" in err and "not an ISO-8601 time" in err
    assert "incidents[2] (id fut1)" in err
    assert "incidents[3] (id int1): incidents[3].incident_updates[0] is a number" in err
    assert "incidents[4] (id typ1): incidents[4].created_at is a number" in err
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 200_000 + "]" * 200_000)
    code, _out, err = cli("import", "statuspage", str(deep))
    assert code == 2 and "nested too deeply" in err and "Traceback" not in err
    lines = tmp_path / "bad.jsonl"
    lines.write_text('{"id": 1, "updates": 5, "downtime_start": "2022-01-01T00:00:00Z"}\n')
    code, _out, err = cli("import", "github-statuses", str(lines))
    assert code == 2 and f"{lines}:1: updates is a number, expected a list" in err


def test_reimport_brings_new_upstream_posts_and_reports_differences(store, tmp_path: Path) -> None:
    first = posts_before_start()
    first.update(status="identified", resolved_at=None)
    first["incident_updates"] = first["incident_updates"][1:]
    ids = backfill.import_incidents(store, statuspage.read(_write(tmp_path, first)).incidents)
    inc = store.get(ids.imported[0])
    assert inc.is_open
    later = posts_before_start()
    later["incident_updates"][1]["body"] = "Found it: a full disk."  # edited upstream
    result = backfill.import_incidents(store, statuspage.read(_write(tmp_path, later)).incidents)
    assert result.updated == [("statuspage:early1", inc.id, 1)]
    assert any("post e2 was edited upstream" in d for _r, _i, d in result.differences)
    inc = store.get(inc.id)
    assert inc.status.value == "resolved" and inc.milestones["resolved"] == _utc("2017-05-01T12:00")
    posts = [e for e in store.events(inc.id) if e.kind == "update_sent"]
    assert [p.payload.get("source_id") for p in posts] == ["e1", "e2", "e3"]
    revisions = [e for e in store.events(inc.id) if e.kind == "imported"]
    assert revisions[-1].payload["revision"] == 2 and revisions[-1].payload["added"] == 1
    assert store.verify_projection(inc.id)
    marker = store.change_marker()
    again = backfill.import_incidents(store, statuspage.read(_write(tmp_path, later)).incidents)
    assert again.updated == [] and store.change_marker() == marker


def test_import_config_ignores_and_maps_components(cli, tmp_path: Path, monkeypatch) -> None:
    config = tmp_path / "import.yaml"
    config.write_text(
        "components:\n  ignore:\n    - 'Visit www.* for more information'\n"
        "  map:\n    API: public-api\n",
        encoding="utf-8",
    )
    loaded = load_config(config)
    assert loaded.services(["API", "Visit www.example.com for more information", "api"]) == [
        "public-api"
    ]
    cli.ok("import", "statuspage", str(_write(tmp_path, migrated())), "--config", str(config))
    shown = cli.ok("show", "INC-1")
    assert "public-api" in shown and "Visit www" not in shown
    bad = tmp_path / "bad.yaml"
    bad.write_text("components:\n  ignore: 3\n", encoding="utf-8")
    code, _out, err = cli(
        "import", "statuspage", str(tmp_path / "incidents.json"), "--config", str(bad)
    )
    assert code == 2 and f"{bad}:2: ignore must be a list of names" in err
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("a: &a [1]\ncomponents: *a\n", encoding="utf-8")
    code, _out, err = cli(
        "import", "statuspage", str(tmp_path / "incidents.json"), "--config", str(bomb)
    )
    assert code == 2 and "aliases" in err
    with pytest.raises(ValueError, match="unknown key"):
        parse_config({"component": {}}, "x.yaml")


def test_recurring_header_shows_top_three_and_a_count(store, clock) -> None:
    services = ["a", "b", "c", "d", "e"]
    for n in range(3):
        store.declare(f"incident {n}", 2, services=services[: 5 - n])
    last = store.declare("the latest", 2, services=services)
    draft = workflow.build_draft(store, last.id)
    lines = [ln for ln in draft.markdown.splitlines() if ln.startswith("- **Recurring:**")]
    assert len(lines) == 4
    assert "4th incident this quarter" in lines[0]
    assert lines[3] == "- **Recurring:** … and 2 more (`irtui recurring` lists them all)"


def test_a_foreign_file_in_a_folder_is_refused_alone(cli, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    _write(folder, posts_before_start())
    (folder / "page.json").write_text(json.dumps({"page": PAGE}), encoding="utf-8")
    (folder / "broken.json").write_text("{nope", encoding="utf-8")
    code, out, err = cli("import", "statuspage", str(folder))
    assert code == 2 and "imported 1" in out
    assert f"{folder / 'page.json'}: expected" in err
    assert f"{folder / 'broken.json'}:1: not JSON" in err
