"""A store an older irtui damaged opens and stays usable: `tests/fixtures/store-year999.db`
(made by `make_damaged_store.py`) holds a status change written as `999-06-01T...` — which
the old code could not read back — and an entry whose time was cut short. `show`, `export`,
`postmortem`, `report` and the TUI work, the events are flagged, new entries are seen."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from irtui.domain.timeutil import ManualClock
from irtui.store.repo import Store
from tests.cli_runner import Cli

FIXTURE = Path(__file__).parent.parent / "fixtures" / "store-year999.db"


@pytest.fixture
def damaged(tmp_path: Path) -> Path:
    path = tmp_path / "damaged.db"
    shutil.copy(FIXTURE, path)
    return path


@pytest.fixture(autouse=True)
def _utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_the_fixture_holds_what_the_old_code_wrote(damaged: Path) -> None:
    import sqlite3

    db = sqlite3.connect(damaged)
    times = {r[0] for r in db.execute("SELECT at FROM events WHERE incident_id = 'INC-1'")}
    assert "999-06-01T00:00:00.000000+00:00" in times and "2026-11-22T14:0" in times
    state = json.loads(db.execute("SELECT state FROM incidents WHERE id = 'INC-1'").fetchone()[0])
    assert state["milestones"]["acknowledged"].startswith("999-") and "projection" not in state


def test_show_export_and_report_work_and_flag_the_events(damaged: Path, clock) -> None:
    cli = Cli(damaged, clock)
    shown = cli.ok("show", "INC-1")
    assert shown.count("[FLAGGED:") == 2
    assert "stored time 0999-06-01T00:00:00.000000+00:00 is out of range" in shown
    assert "unreadable time '2026-11-22T14:0'" in shown
    assert "Status investigating → identified" in shown and "rolled back v42" in shown
    data = json.loads(cli.ok("show", "INC-1", "--json"))
    flagged = [t for t in data["timeline"] if t["flag"]]
    assert len(flagged) == 2
    assert data["milestones"]["acknowledged"].startswith("2026-")  # rebuilt from events
    exported = json.loads(cli.ok("export", "INC-1", "--format", "json"))
    assert sum(1 for e in exported["events"] if e.get("flag")) == 2
    assert cli.ok("export", "INC-1").count("⚠ FLAGGED") == 2
    assert "INC-1" in cli.ok("list")
    assert "SEV2" in cli.ok("report")


def test_postmortem_works_on_the_damaged_incident(damaged: Path, clock) -> None:
    out = Cli(damaged, clock).ok("postmortem", "INC-1")
    assert "Postmortem: INC-1" in out and "rolled back v42" in out


def test_new_entries_are_saved_and_seen(damaged: Path, clock) -> None:
    cli = Cli(damaged, clock)
    entry = cli.ok("log", "INC-1", "paged the payments team").strip()
    shown = cli.ok("show", "INC-1")
    assert f"#{entry}" in shown and "paged the payments team" in shown
    with Store.open(damaged, clock=clock) as store:
        assert store.verify_projection("INC-1") and store.verify_projection("INC-2")
        assert store.get("INC-1").milestones["acknowledged"].year == 2026


def test_opening_rebuilds_old_projections_once(damaged: Path, clock) -> None:
    with Store.open(damaged, clock=clock) as store:
        assert store.db.scalar("SELECT value FROM irtui_meta WHERE key = 'projection'") == "2"
        state = json.loads(store.db.scalar("SELECT state FROM incidents WHERE id = 'INC-1'"))
        assert state["projection"] == 2 and state["peak_severity"] == 2
        assert store.upgrade_projections() == 0  # once


def test_a_projection_that_cannot_be_rewritten_is_rebuilt_when_read(damaged: Path, clock) -> None:
    """A seat that cannot write (read-only store, busy past the retry budget) still reads a
    true incident: the old projection is rebuilt from the events in memory."""
    import sqlite3

    with Store.open(damaged, clock=clock) as store:
        pass
    db = sqlite3.connect(damaged)
    with db:
        state = json.loads(
            db.execute("SELECT state FROM incidents WHERE id = 'INC-1'").fetchone()[0]
        )
        state.pop("projection")
        state["milestones"]["acknowledged"] = "999-06-01T00:00:00.000000+00:00"
        db.execute("UPDATE incidents SET state = ? WHERE id = 'INC-1'", (json.dumps(state),))
    db.close()
    with Store.open(damaged, clock=clock) as store:  # marker says current: no rewrite
        inc = store.get("INC-1")
        assert inc.milestones["acknowledged"].year == 2026
        assert {i.id for i in store.list_incidents()} == {"INC-1", "INC-2"}


async def test_the_tui_opens_the_damaged_incident_and_shows_new_entries(damaged: Path) -> None:
    from datetime import timedelta

    from tests.conftest import T0
    from tests.tui.conftest import make_app

    clock = ManualClock(T0 + timedelta(hours=1))  # the store was damaged an hour ago
    with Store.open(damaged, clock=clock, author="alice") as store:
        app = make_app(store, clock)
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.pause()
            app.open("INC-1")
            await pilot.pause()
            screen = app.screen
            assert getattr(screen, "incident_id", None) == "INC-1"
            flagged = [e for e in screen.entries if e.flag]
            assert len(flagged) == 2
            assert "time flagged" in app.export_screenshot().replace("&#160;", " ")
            store.log("INC-1", "a new entry after the damage")
            app.poll()
            await pilot.pause()
            assert screen.entries[-1].text == "a new entry after the damage"


def test_a_time_far_after_its_recording_is_flagged_but_a_drills_is_not(tmp_path) -> None:
    """A drill at x60 stamps events hours ahead of real time: they are true, not flagged; a
    time years after its recording is."""
    from datetime import timedelta

    from irtui.domain.timeutil import iso
    from irtui.store.repo import read_time

    recorded = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    drill_time = recorded + timedelta(hours=2)
    assert read_time(iso(drill_time), recorded) == (drill_time, None)
    late, flag = read_time(iso(recorded + timedelta(days=800)), recorded)
    assert late == recorded and flag is not None and "out of range" in flag
