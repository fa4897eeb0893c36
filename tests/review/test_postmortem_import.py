"""`irtui import postmortem`: hand-made documents for each timeline shape and zone rule, and
the whole dfds corpus (every timeline row placed or reported with file and line)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest

from irtui.domain.metrics import durations
from irtui.domain.model import IncidentKind, Status
from irtui.importers import backfill, postmortems
from irtui.importers.postmortems.timestamps import read_stamp
from irtui.importers.zones import find_zone
from irtui.review import workflow
from irtui.review.events import learning_facts
from irtui.store.actions_repo import ActionsRepo
from tests.shared_material import shared_path


def _utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def _read(tmp_path: Path, name: str, text: str) -> tuple[backfill.BackfillIncident, object]:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    result = postmortems.read([path])
    assert not result.refused, result.refused
    assert len(result.incidents) == 1
    return result.incidents[0], result


def _times(bf: backfill.BackfillIncident) -> list[str]:
    return [e.at.strftime("%Y-%m-%d %H:%M") for e in bf.entries]


TABLE_CET = """# Payments API outage

**Severity:** SEV2

## Summary

Card payments failed for EU customers.

## Timeline

All times in CET.

| Time             | Event                          |
| :--------------- | ------------------------------ |
| 2021-01-12 09:58 | Deploy of v42 started          |
| 2021-01-12 10:05 | Alert fired: 5xx on payments   |
| 2021-01-12 10:09 | Investigation started          |
| 2021-01-12 10:20 | Rolled back to v41             |
| 2021-01-12 10:41 | Error rates back to normal, resolved |
| 2021-01-12 HH:mm | Customers informed             |

## Lessons learnt

- Canary deploys catch this.

## Action Items

- [x] Add a canary stage
- [ ] Alert on card failure ratio
| Action | Owner | Due | Status |
|---|---|---|---|
| Write the rollback runbook | dana | 2021-02-01 | Done |
"""


def test_table_in_cet_with_sections_and_actions(store, tmp_path: Path) -> None:
    bf, _read_result = _read(tmp_path, "pm-table.md", TABLE_CET)
    # January: CET is UTC+1
    assert _times(bf)[:5] == [
        "2021-01-12 08:58",
        "2021-01-12 09:05",
        "2021-01-12 09:09",
        "2021-01-12 09:20",
        "2021-01-12 09:41",
    ]
    m = bf.milestones()
    assert m["started"] == _utc("2021-01-12T08:58")
    assert m["detected"] == _utc("2021-01-12T09:05")
    assert m["acknowledged"] == _utc("2021-01-12T09:09")
    assert m["mitigated"] == _utc("2021-01-12T09:20")
    assert m["resolved"] == _utc("2021-01-12T09:41")
    untimed = [e for e in bf.entries if e.untimed]
    assert [(e.untimed, e.line) for e in untimed] == [("HH:mm", 20)]
    assert untimed[0].text.startswith("[time unknown: HH:mm] Customers informed")
    assert bf.severity == 2
    assert set(bf.sections) == {"summary", "lessons"}
    assert [(a.title, a.done, a.type) for a in bf.actions] == [
        ("Add a canary stage", True, "prevent"),
        ("Alert on card failure ratio", False, "detect"),
        ("Write the rollback runbook", True, "document"),
    ]
    assert bf.actions[2].owner == "dana" and str(bf.actions[2].due) == "2021-02-01"
    result = backfill.import_incidents(store, [bf])
    assert result.imported == ["INC-1"] and not result.failed
    inc = store.get("INC-1")
    assert inc.kind is IncidentKind.BACKFILLED and inc.status is Status.RESOLVED
    assert inc.severity == 2 and inc.title == "Payments API outage"
    assert durations(inc)["ttr"] == 43 * 60 and durations(inc)["ttd"] == 7 * 60
    events = store.events(inc.id)
    assert {e.author for e in events if e.kind != "imported"} == {"postmortem:pm-table"}
    imported = next(e for e in events if e.kind == "imported")
    assert imported.author == "alice" and imported.payload["imported_by"] == "alice"
    assert imported.payload["raw"]["text"].startswith("# Payments API outage")
    items = ActionsRepo(store.db).list(incident_id=inc.id)
    assert sorted((i.title, i.status) for i in items) == [
        ("Add a canary stage", "done"),
        ("Alert on card failure ratio", "open"),
        ("Write the rollback runbook", "done"),
    ]
    facts = learning_facts(store.db)[inc.id]
    assert facts.sections["lessons"][0].strip() == "- Canary deploys catch this."
    assert facts.sections["lessons"][1] == "postmortem:pm-table"
    draft = workflow.build_draft(store, inc.id)
    assert "Canary deploys catch this." in draft.markdown
    assert "[time unknown: HH:mm] Customers informed" in draft.markdown
    assert store.verify_projection(inc.id)
    # idempotent: the same file again changes nothing
    marker = store.change_marker()
    again = backfill.import_incidents(store, postmortems.read([tmp_path / "pm-table.md"]).incidents)
    assert again.imported == [] and again.skipped == ["postmortem:pm-table"]
    assert store.change_marker() == marker and len(ActionsRepo(store.db).list()) == 3
    # a changed file is reported, not silently re-imported
    (tmp_path / "pm-table.md").write_text(TABLE_CET.replace("v41", "v40"), encoding="utf-8")
    changed = backfill.import_incidents(
        store, postmortems.read([tmp_path / "pm-table.md"]).incidents
    )
    assert changed.imported == [] and store.change_marker() == marker
    assert any("document changed" in d for _r, _i, d in changed.differences)


HEADINGS_ROLLOVER = """# Queue backlog overnight

All times are CEST (UTC+2).

## Timeline

### 2019-07-03 23:40
Consumers stopped acknowledging messages.

### 23:52
On-call paged by the queue depth alert.

### 00:15
Investigating the consumer pool.

### 00:50
Consumers restarted, backlog draining; resolved.

## What went well

Paging worked.
"""


def test_heading_shape_with_date_on_first_only_and_rollover(tmp_path: Path) -> None:
    bf, read = _read(tmp_path, "headings.md", HEADINGS_ROLLOVER)
    assert _times(bf) == [
        "2019-07-03 21:40",
        "2019-07-03 21:52",
        "2019-07-03 22:15",
        "2019-07-03 22:50",
    ]
    assert bf.entries[0].text == "Consumers stopped acknowledging messages."
    notes = [n for _w, n in read.notes]
    assert any("past midnight: read as 2019-07-04 00:15" in n for n in notes)
    assert bf.milestones()["resolved"] == _utc("2019-07-03T22:50")
    assert bf.milestones()["detected"] == _utc("2019-07-03T21:52")
    assert set(bf.sections) == {"summary", "went_well"}  # the preamble became the summary


BULLETS = """# Login failures

## Summary
On 2022-03-08 logins failed.

## Timeline
Times in PST.

* [09:02] Error rate on /login rose
* [09:10] Support reported failed logins
* [???] Someone restarted the auth cache
* [09:30] Fix deployed, logins working again
"""


def test_bracket_bullets_untimed_kept_and_pst_resolved_by_date(tmp_path: Path) -> None:
    bf, _read_result = _read(tmp_path, "bullets.md", BULLETS)
    # 2022-03-08 is before the US switch (2022-03-13): PST is UTC-8
    assert [e.at.strftime("%H:%M") for e in bf.entries if not e.untimed] == [
        "17:02",
        "17:10",
        "17:30",
    ]
    untimed = [e for e in bf.entries if e.untimed]
    assert len(untimed) == 1 and untimed[0].untimed == "???"
    assert untimed[0].text == "[time unknown: ???] Someone restarted the auth cache"
    assert untimed[0].at == _utc("2022-03-08T17:10")  # placed after the row above it
    assert "untimed_entries" in bf.quality


def test_pst_written_in_summer_is_read_as_pdt(tmp_path: Path) -> None:
    bf, read = _read(tmp_path, "summer.md", BULLETS.replace("2022-03-08", "2022-07-08"))
    assert bf.entries[0].at == _utc("2022-07-08T16:02")  # PDT, UTC-7
    assert any("PST claims UTC-08:00" in n for _w, n in read.notes)


BOLD_UTC = """# Webhook delays

## Timeline

**2023-10-29**

- **00:55 UTC** Webhook queue latency alert
- **01:20 UTC** Incident declared, investigating
- **02:10 UTC** Throttling disabled, mitigated
- **03:05 UTC** Delivery latency normal again, resolved
"""


def test_bold_utc_bullets_under_a_date_line(store, tmp_path: Path) -> None:
    bf, _read_result = _read(tmp_path, "bold.md", BOLD_UTC)
    assert _times(bf) == [
        "2023-10-29 00:55",
        "2023-10-29 01:20",
        "2023-10-29 02:10",
        "2023-10-29 03:05",
    ]
    assert "zone_assumed" not in bf.quality
    m = bf.milestones()
    assert (m["detected"], m["acknowledged"], m["mitigated"], m["resolved"]) == (
        _utc("2023-10-29T00:55"),
        _utc("2023-10-29T01:20"),
        _utc("2023-10-29T02:10"),
        _utc("2023-10-29T03:05"),
    )
    inc = store.get(backfill.import_incidents(store, [bf]).imported[0])
    assert durations(inc)["ttm"] == 75 * 60 and durations(inc)["ttr"] == 130 * 60


DST_FALL_BACK = """# Replication lag over the clock change

## Timeline

All times in Europe/Berlin local time.

| time | what |
|---|---|
| 2023-10-29 01:50 | Replica lag alert |
| 2023-10-29 02:40 | Investigating |
| 2023-10-29 02:10 | Failover started |
| 2023-10-29 03:20 | Replication healthy again, resolved |
"""


def test_dst_fall_back_keeps_the_order_and_the_real_duration(tmp_path: Path) -> None:
    """02:40 then 02:10 on the night clocks go back: the second 02:10 is CET (after 02:40
    CEST); the incident lasted 2h30m of real time, not 1h30m."""
    bf, read = _read(tmp_path, "dst.md", DST_FALL_BACK)
    assert [e.at.strftime("%H:%M") for e in bf.entries] == ["23:50", "00:40", "01:10", "02:20"]
    m = bf.milestones()
    assert (m["resolved"] - m["started"]).total_seconds() == 2.5 * 3600
    assert any("happened twice" in n for _w, n in read.notes)


SPRING_GAP = """# Batch jobs over the clock change

## Timeline

All times in Europe/Berlin local time.

| time | what |
|---|---|
| 2023-03-26 01:50 | Batch job alert |
| 2023-03-26 02:30 | Investigating |
| 2023-03-26 03:40 | Jobs caught up, resolved |
"""


def test_dst_spring_forward_gap_and_fixed_offsets(tmp_path: Path) -> None:
    """02:30 does not exist on 2023-03-26 in Berlin: read with the offset in force before
    the change (CET, a clock not yet moved) and noted; 01:50 CET -> 03:40 CEST is 50 min."""
    bf, read = _read(tmp_path, "gap.md", SPRING_GAP)
    assert [e.at.strftime("%H:%M") for e in bf.entries] == ["00:50", "01:30", "01:40"]
    assert any("02:30 does not exist" in n and "03:30 CEST" in n for _w, n in read.notes)
    m = bf.milestones()
    assert (m["resolved"] - m["started"]).total_seconds() == 50 * 60
    # fixed offsets, written the human way (GMT+2 is two hours *ahead* of UTC)
    assert find_zone("All times GMT+2").tz.utcoffset(None).total_seconds() == 7200
    assert find_zone("times in UTC-05:30").tz.utcoffset(None).total_seconds() == -19800


ZURICH = """# Search index rebuild

## Timeline

All times UTC+1 (Zurich time).

| when | event |
|---|---|
| 2020-08-04 10:00 | Index rebuild started, search degraded |
| 2020-08-04 11:30 | Search results complete again, resolved |
"""


def test_a_named_place_wins_over_its_winter_offset(tmp_path: Path) -> None:
    bf, read = _read(tmp_path, "zurich.md", ZURICH)
    assert bf.entries[0].at == _utc("2020-08-04T08:00")  # Zurich is at UTC+2 in August
    assert any("UTC+01:00" in n and "Europe/Zurich" in n for _w, n in read.notes)
    winter, _ = _read(tmp_path, "zurich-winter.md", ZURICH.replace("2020-08-04", "2020-01-14"))
    assert winter.entries[0].at == _utc("2020-01-14T09:00")


def test_no_zone_is_read_as_utc_and_flagged(tmp_path: Path) -> None:
    bf, read = _read(tmp_path, "nozone.md", BOLD_UTC.replace(" UTC**", "**"))
    assert bf.entries[0].at == _utc("2023-10-29T00:55")
    assert bf.quality.get("zone_assumed")
    assert any("no time zone stated" in n for _w, n in read.notes)


def test_stamps_the_way_people_write_them() -> None:
    cases = {
        "2019-11-29 12:00": (2019, 11, 29, 12, 0, ""),
        "8:40": (None, None, None, 8, 40, ""),
        "**14:02 UTC** text": (None, None, None, 14, 2, ""),
        "2:05 pm the fix": (None, None, None, 14, 5, ""),
        "June 12, 2018 14:02 x": (2018, 6, 12, 14, 2, ""),
        "2024-03-13 14:??": (2024, 3, 13, None, None, "14:??"),
        "2019-12-03 --:--": (2019, 12, 3, None, None, "--:--"),
        "20202-01-16 12:00": (None, None, None, 12, 0, "20202-01-16"),
    }
    for text, (y, mo, d, h, mi, unknown) in cases.items():
        s = read_stamp(text)
        assert s is not None, text
        assert (s.day.year if s.day else None, s.day.month if s.day else None) == (y, mo), text
        assert (s.day.day if s.day else None) == d, text
        assert (s.clock.hour if s.clock else None, s.clock.minute if s.clock else None) == (
            h,
            mi,
        ), text
        assert s.unknown == unknown, text
    assert read_stamp("Something happened at 14:02") is None


def test_dry_run_lists_unplaced_lines_and_sections_with_file_and_line(cli, tmp_path: Path) -> None:
    doc = TABLE_CET + "\n## Background\n\nWhy this mattered.\n"
    doc = doc.replace("| 2021-01-12 10:09 |", "| soon after |")
    path = tmp_path / "pm.md"
    path.write_text(doc, encoding="utf-8")
    out = cli.ok("import", "postmortem", str(path), "--dry-run")
    assert "postmortem:pm: Payments API outage" in out
    assert f"not placed: {path}:17: no time in the table's time column" in out
    assert re.search(rf"not placed: {re.escape(str(path))}:\d+: section “Background”", out)
    assert "nothing written" in out
    assert "No open incidents" in cli.ok("list")
    data = json.loads(cli.ok("import", "postmortem", str(path), "--dry-run", "--json"))
    assert data["would_create"][0]["action_items"] == 3
    assert any(u["where"] == f"{path}:17" for u in data["unplaced"])


def test_a_document_without_a_readable_time_is_refused_with_its_rows(cli, tmp_path: Path) -> None:
    path = tmp_path / "typo.md"
    path.write_text(
        "# Typo\n\n## Timeline\n\n| Time | Event |\n|---|---|\n| 20202-01-16 12:00 | x |\n",
        encoding="utf-8",
    )
    code, out, err = cli("import", "postmortem", str(path))
    assert code == 2 and "Traceback" not in err
    assert f"{path}: no timeline line has a time" in err
    assert f"not placed: {path}:7: no usable time" in out


@pytest.fixture
def dfds() -> Path:
    return shared_path("corpora", "dfds-postmortems")


def test_every_dfds_timeline_row_is_placed_or_reported(dfds: Path) -> None:
    result = postmortems.read([dfds])
    assert len(result.incidents) + len(result.refused) == 39
    placed = {(bf.raw["file"], e.line) for bf in result.incidents for e in bf.entries if e.line}
    reported = {
        (Path(w.rsplit(":", 1)[0]).name, int(w.rsplit(":", 1)[1]))
        for w, _why in result.unplaced
        if w.rsplit(":", 1)[-1].isdigit()
    }
    missing = []
    for file in sorted(dfds.iterdir()):
        if file.name.startswith("LICENSE"):
            continue
        lines = file.read_text(encoding="utf-8").splitlines()
        inside = False
        for number, line in enumerate(lines, start=1):
            if line.startswith("#"):
                inside = "timeline" in line.lower()
                continue
            row = line.strip()
            if not inside or not row.startswith("|") or set(row) <= set("|-: "):
                continue
            if re.match(r"^\|\s*(?:Time|Date)", row, re.I):
                continue  # a header row
            key = (file.name, number)
            if key not in placed and key not in reported:
                missing.append(f"{file.name}:{number}")
    assert missing == []


def test_dfds_corpus_imports_and_reimports_idempotently(store, dfds: Path) -> None:
    read = postmortems.read([dfds])
    result = backfill.import_incidents(store, read.incidents)
    assert len(result.imported) == len(read.incidents) == 38 and not result.failed
    inc = store.get(result.imported[0])
    assert all(store.verify_projection(i) for i in result.imported[:5])
    assert inc.kind is IncidentKind.BACKFILLED
    marker = store.change_marker()
    again = backfill.import_incidents(store, postmortems.read([dfds]).incidents)
    assert again.imported == [] and len(again.skipped) == 38
    assert store.change_marker() == marker


def test_hostile_markdown_never_reaches_the_store(cli, store, tmp_path: Path) -> None:
    hostile = "\x1b]52;c;cm0gLXJmIC8=\x07[red]x[/] \u202eevil\u202c \x1b[2J"
    path = tmp_path / "evil.md"
    path.write_text(
        f"# Title {hostile}\n\n## Summary\n\n[/foo] x [/ y {hostile}\n\n## Timeline\n\n"
        f"- **10:00 UTC** on 2024-05-01 alert {hostile}\n- **10:20 UTC** resolved\n\n"
        f"## Action items\n\n- [ ] fix {hostile}\n",
        encoding="utf-8",
    )
    code, out, err = cli("import", "postmortem", str(path))
    assert code == 0, err
    assert "terminal control sequence(s) removed" in err and "\x1b" not in out + err
    dumped = json.dumps([e.to_dict() for e in store.events("INC-1")])
    for bad in ("\\u001b", "\\u0007", "\\u202e"):
        assert bad not in dumped
    assert store.get("INC-1").title == "Title [red]x[/] evil"
    assert ActionsRepo(store.db).list()[0].title == "fix [red]x[/] evil"
    shown = cli.ok("postmortem", "INC-1")
    assert "[/foo] x [/ y" in shown and "\x1b" not in shown


@pytest.mark.parametrize(
    ("statement", "day", "expected_utc", "noted"),
    [
        ("All times in CET.", "2020-06-09", "10:00", True),  # CET written in summer: CEST
        ("All times in CEST.", "2020-01-14", "11:00", True),  # CEST written in winter: CET
        ("All times in CET.", "2020-01-14", "11:00", False),
        ("Times are GMT+2.", "2020-01-14", "10:00", False),  # a fixed offset, all year
        ("Times are GMT+2.", "2020-06-09", "10:00", False),
        ("All times UTC.", "2020-06-09", "12:00", False),
    ],
)
def test_document_zone_rules(
    tmp_path: Path, statement: str, day: str, expected_utc: str, noted: bool
) -> None:
    doc = (
        f"# Disk full\n\n## Timeline\n\n{statement}\n\n| Time | Event |\n|---|---|\n"
        f"| {day} 12:00 | Disk full alert |\n| {day} 12:30 | Cleaned up, resolved |\n"
    )
    bf, read = _read(tmp_path, "zone.md", doc)
    assert bf.entries[0].at.strftime("%H:%M") == expected_utc
    assert any("claims UTC" in n for _w, n in read.notes) is noted
