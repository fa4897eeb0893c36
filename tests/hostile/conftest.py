"""Fixtures of the hostile-input corpus: one seeded store (copied for every probe), the
hostile files, and the world of valid values a probe's other arguments take."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from irtui.domain.timeutil import ManualClock
from irtui.store.repo import Store
from tests.conftest import T0
from tests.hostile.corpus import make_files


@pytest.fixture(scope="session")
def hostile_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return make_files(tmp_path_factory.mktemp("hostile-files"))


@pytest.fixture(scope="session")
def world(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A store with an open SEV1 (roles, entries, an update, a pending hand-off), a resolved
    SEV2 with a postmortem draft, an action item and a failed outbox message."""
    from irtui.store.outbox_repo import OutboxRepo

    tmp = tmp_path_factory.mktemp("hostile-world")
    clock = ManualClock(T0)
    template = tmp / "template.db"
    with Store.open(template, clock=clock, author="alice") as s:
        one = s.declare("Checkout 500s", 1, services=["checkout"], commander="alice")
        s.assign_role(one.id, "tech", "bob")
        entry = s.log(one.id, "rolled back v42", kind="action")
        s.record_update(one.id, "Investigating", audience="internal")
        s.handoff(one.id, "comms", "carol", brief="over to you")
        clock.advance(minutes=5)
        two = s.declare("Search slow", 2, services=["search"])
        s.log(two.id, "index rebuilt", kind="resolution")
        clock.advance(minutes=20)
        s.resolve(two.id, checked="all", early_reason="hostile corpus fixture")
        repo = OutboxRepo(s.db)
        msg_id = repo.enqueue(
            one.id,
            {
                "name": "x",
                "status": "investigating",
                "body": "b",
                "impact": "major",
                "components": {},
                "notify": True,
                "incident_id": one.id,
            },
            now=s.now(),
        )
        msg = repo.claim_next(s.now())
        assert msg is not None and msg.id == msg_id
        repo.mark_failed(msg, "401 refused", s.now())
        s.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    from irtui.store.actions_repo import ActionsRepo

    with Store.open(template, clock=clock, author="alice") as s:
        ActionsRepo(s.db).add(two.id, "add an alert", type="detect", now=s.now())
    draft = tmp / "draft.md"
    from irtui.cli.context import CliContext
    from irtui.cli.main import main

    ctx = CliContext(None, clock=clock)  # type: ignore[arg-type]
    assert main(["--db", str(template), "postmortem", two.id, "--out", str(draft)], ctx=ctx) == 0
    runbooks = tmp / "runbooks"
    runbooks.mkdir()
    (runbooks / "db-restart.md").write_text(
        "---\ntitle: Restart the database\nservices: [checkout]\n---\n# Steps\n\n"
        "1. Check replication lag\n2. Restart the primary\n"
    )
    import_file = tmp / "import.json"
    import_file.write_text(
        json.dumps(
            {
                "incident": {
                    "id": "abc123",
                    "name": "API errors",
                    "status": "resolved",
                    "created_at": "2026-10-01T10:05:00.000Z",
                    "resolved_at": "2026-10-01T11:20:00.000Z",
                    "impact": "minor",
                    "incident_updates": [],
                }
            }
        )
    )
    jsonl = tmp / "incidents.jsonl"
    jsonl.write_text(
        json.dumps(
            {
                "id": "gh1",
                "title": "Git operations degraded",
                "downtime_start": "2026-10-01T10:00:00Z",
                "downtime_end": "2026-10-01T11:00:00Z",
                "updates": [],
            }
        )
        + "\n"
    )
    return {
        "tmp": tmp,
        "jsonl": jsonl,
        "template": template,
        "entry_id": entry.id,
        "draft": draft,
        "runbooks": runbooks,
        "runbook": "database-failover",
        "import_file": import_file,
        "clock_at": T0,
    }


@pytest.fixture(autouse=True)
def _dev_null_survives() -> Any:
    """A probe must never replace /dev/null (a runbook index once deleted and recreated it as a
    SQLite file: as root that breaks the whole machine). Restored if it happens, and failed."""
    import os
    import stat

    yield
    if not stat.S_ISCHR(os.stat("/dev/null").st_mode):
        if os.geteuid() == 0:
            os.unlink("/dev/null")
            os.mknod("/dev/null", 0o666 | stat.S_IFCHR, os.makedev(1, 3))
            os.chmod("/dev/null", 0o666)
        pytest.fail("a probe replaced /dev/null with a regular file")


@pytest.fixture(autouse=True)
def _nothing_lands_in_the_checkout() -> Any:
    """A probe with a relative path (`--out 1e308`) must write into its scratch folder, never
    into the working directory the suite runs from."""
    import os

    root = Path(__file__).resolve().parents[2]
    before = set(os.listdir(root))
    yield
    stray = set(os.listdir(root)) - before
    assert not stray, f"files written into {root}: {sorted(map(repr, stray))[:10]}"
