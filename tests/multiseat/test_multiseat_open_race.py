"""Issue 7: seats opening a brand-new store at the same moment all succeed.

Two bugs were found here and fixed in the store layer:
- SQLite answers `PRAGMA journal_mode = WAL` on a brand-new file with SQLITE_BUSY at once (no
  busy handler) while another seat is switching it or writing to it: `Database` retries it.
- Python's sqlite3 commits every CREATE TABLE of the alembic migration on its own, so a seat
  opening mid-migration saw a half-built schema and refused it as "not an irtui store": the
  SQLite migration now runs in one transaction.
"""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from multiseat_support import OPENER, assert_clean, run_seats, write_script

from irtui.store.db import Database, parse_target
from irtui.store.repo import Store
from irtui.store.schema import HEAD, current_revision

SEATS = 4


@pytest.mark.slow
def test_seats_opening_a_brand_new_store_at_once_all_succeed(
    store_url: str, tmp_path: Path
) -> None:
    script = write_script(tmp_path, "opener", OPENER)
    names = [f"seat{n}" for n in range(SEATS)]
    results = run_seats(script, [(store_url, n) for n in names], names)
    assert_clean(results)
    with Store.open(store_url, author="checker") as s:
        assert current_revision(s.db) == HEAD
        incidents = s.list_incidents(include_closed=True)
        assert sorted(i.number for i in incidents) == list(range(1, SEATS + 1))
        assert sorted(i.title for i in incidents) == [f"opened by {n}" for n in names]
        assert s.db.integrity_check() == "ok"


def test_wal_switch_waits_for_a_seat_holding_the_new_file(tmp_path: Path) -> None:
    """Deterministic form of the first race: another connection holds a write lock on the new
    (still rollback-journal) file; opening must wait for it, not report a damaged store."""
    path = tmp_path / "new.db"
    path.touch()
    other = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
    other.execute("BEGIN IMMEDIATE")
    other.execute("CREATE TABLE scratch (a)")
    release = threading.Timer(0.3, lambda: other.execute("ROLLBACK"))
    release.start()
    started = time.monotonic()
    try:
        db = Database.open(parse_target(path))
    finally:
        release.join()
        other.close()
    waited = time.monotonic() - started
    try:
        assert db.scalar("PRAGMA journal_mode") == "wal"
        assert waited >= 0.25
    finally:
        db.close()


PROBE_OPEN = "import sys; from irtui.store.repo import Store; Store.open(sys.argv[1]).close()"


def test_other_seats_never_see_a_half_migrated_sqlite_store(tmp_path: Path) -> None:
    """Deterministic form of the second race: while one seat migrates a new file, a reader
    polling the schema sees either no tables or all of them, never a part."""
    path = tmp_path / "fresh.db"
    Database.open(parse_target(path)).close()  # an empty WAL file, as before migrating
    proc = subprocess.Popen([sys.executable, "-c", PROBE_OPEN, str(path)])
    seen: set[frozenset[str]] = set()
    reader = sqlite3.connect(str(path), timeout=5)
    try:
        while proc.poll() is None:
            seen.add(
                frozenset(
                    r[0]
                    for r in reader.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
                )
            )
        seen.add(
            frozenset(
                r[0] for r in reader.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
            )
        )
    finally:
        reader.close()
    assert proc.returncode == 0
    full = max(seen, key=len)
    assert {"events", "incidents", "counters", "irtui_meta", "alembic_version"} <= full
    assert seen <= {frozenset(), full}, sorted(map(sorted, seen - {frozenset(), full}))


def _tables(path: Path) -> set[str]:
    conn = sqlite3.connect(str(path), timeout=5)
    try:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        conn.close()


@pytest.mark.slow
def test_seat_killed_while_creating_a_store_leaves_it_openable(tmp_path: Path) -> None:
    """kill -9 of the first seat the instant its migration shows anything to other seats: the
    next seat opens the store normally. (Before the migration ran in one transaction, this kill
    landed between two CREATE TABLEs and left a half-built file that every later open refused
    as "not an irtui store".) Then the same at random moments."""
    rng = random.Random(3)
    for n in range(6):
        path = tmp_path / f"killed{n}.db"
        Database.open(parse_target(path)).close()  # the file exists, empty, so we can watch it
        proc = subprocess.Popen([sys.executable, "-c", PROBE_OPEN, str(path)])
        if n < 3:  # the instant the first table is visible
            while proc.poll() is None and not _tables(path):
                time.sleep(0.001)
        else:  # anywhere in the seat's life
            time.sleep(rng.uniform(0.05, 0.8))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        with Store.open(path, author="next seat") as s:  # must not raise NotAStoreError
            assert current_revision(s.db) == HEAD
            assert s.declare("after the crash", 2).id == "INC-1"
            assert s.db.integrity_check() == "ok"
