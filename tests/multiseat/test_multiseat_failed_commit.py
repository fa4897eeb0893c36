"""Issue 7: a seat whose COMMIT fails must not hold the write lock against the whole room.

SQLite leaves the transaction open when COMMIT itself fails (SQLITE_BUSY, SQLITE_FULL, a
deferred constraint). Before `Database._transaction` rolled back on a failed COMMIT, that seat
could never write again ("cannot start a transaction within a transaction") and every other
seat got "database is locked". A deferred foreign key is the deterministic way to make COMMIT
fail; it behaves the same on PostgreSQL, which is checked too."""

from __future__ import annotations

import pytest

from irtui.store.db import Database
from irtui.store.repo import Store


def _scratch_tables(db: Database) -> None:
    db.execute("CREATE TABLE scratch_parent (id INTEGER PRIMARY KEY)")
    db.execute(
        "CREATE TABLE scratch_child (pid INTEGER REFERENCES scratch_parent (id) "
        "DEFERRABLE INITIALLY DEFERRED)"
    )


def test_failed_commit_releases_the_write_lock(store_url: str) -> None:
    with (
        Store.open(store_url, author="ic") as seat,
        Store.open(store_url, author="scribe") as other,
    ):
        seat.declare("failed commit", 2)
        seat.db.write(_scratch_tables)
        with pytest.raises(Exception, match=r"(?i)foreign key"):
            seat.db.write(lambda db: db.execute("INSERT INTO scratch_child VALUES (42)"))
        other.log("INC-1", "the room is not locked out")  # would wait 60 s, then fail
        seat.log("INC-1", "and the seat itself writes again")
        assert [t.text for t in other.timeline("INC-1")][-2:] == [
            "the room is not locked out",
            "and the seat itself writes again",
        ]
        assert seat.db.scalar("SELECT COUNT(*) FROM scratch_child") == 0
        assert seat.verify_projection("INC-1")
