"""The event store on a real SQLite file and a real PostgreSQL server (`any_store`)."""

from __future__ import annotations

import os
import sqlite3
import stat
from pathlib import Path

import pytest

from irtui.domain.model import DomainError, EventKind
from irtui.store.errors import CorruptStoreError, NewerStoreError, NotAStoreError, NotFound
from irtui.store.repo import Store, incident_id


def test_declare_log_amend_retract_keeps_history(any_store: Store, clock) -> None:
    inc = any_store.declare("Checkout errors", 1, services=["checkout"], commander="alice")
    assert inc.id == "INC-1"
    clock.advance(minutes=1)
    entry = any_store.log(inc.id, "restarted pod", kind="action", starred=True)
    clock.advance(minutes=1)
    any_store.amend(inc.id, entry.id, "restarted pod checkout-7")
    other = any_store.log(inc.id, "wrong incident")
    any_store.retract(inc.id, other.id, "logged on the wrong incident")
    kinds = [e.kind for e in any_store.events(inc.id)]
    assert kinds == [
        "declared",
        "role_assigned",
        "entry",
        "entry_amended",
        "entry",
        "entry_retracted",
    ]
    timeline = {t.event_id: t for t in any_store.timeline(inc.id)}
    assert timeline[entry.id].text == "restarted pod checkout-7"
    assert timeline[entry.id].original_text == "restarted pod"
    assert timeline[entry.id].starred
    assert timeline[other.id].retracted is not None
    assert any_store.verify_projection(inc.id)


def test_event_ids_are_the_change_marker(any_store: Store) -> None:
    assert any_store.change_marker() == 0
    inc = any_store.declare("x", 2)
    marker = any_store.change_marker()
    assert marker == 1
    any_store.log(inc.id, "a")
    assert any_store.change_marker() == 2
    assert any_store.changed_since(marker) == [inc.id]
    assert any_store.changed_since(any_store.change_marker()) == []


def test_ids_are_short_and_human(any_store: Store) -> None:
    ids = [any_store.declare(f"t{n}", 3).id for n in range(3)]
    assert ids == ["INC-1", "INC-2", "INC-3"]
    assert any_store.get("inc-2").id == "INC-2"
    assert any_store.get(3).id == "INC-3"
    with pytest.raises(NotFound):
        any_store.get("INC-9")
    with pytest.raises(NotFound):
        incident_id("banana")


def test_refused_command_writes_nothing(any_store: Store) -> None:
    inc = any_store.declare("x", 2)
    marker = any_store.change_marker()
    with pytest.raises(DomainError):
        any_store.set_severity(inc.id, 2)
    with pytest.raises(DomainError):
        any_store.log(inc.id, "   ")
    assert any_store.change_marker() == marker


def test_reopen_shows_the_same_clocks(store_url: str, clock) -> None:
    from irtui.domain.clocks import clocks_dict

    with Store.open(store_url, clock=clock, author="a") as s:
        inc = s.declare("x", 1)
        s.record_update(inc.id, "first", audience="internal")
        before = clocks_dict(s.get(inc.id), clock())
    with Store.open(store_url, clock=clock, author="b") as s:
        assert clocks_dict(s.get(inc.id), clock()) == before


def test_list_sorts_soonest_due_first(any_store: Store, clock) -> None:
    slow = any_store.declare("sev3", 3)
    fast = any_store.declare("sev1", 1)
    backlog = any_store.declare("sev4", 4)
    drill = any_store.declare("drill", 2, drill=True)
    order = [i.id for i in any_store.list_incidents()]
    assert order == [fast.id, drill.id, slow.id, backlog.id]
    any_store.resolve(fast.id, checked="all", early_reason="a test")
    assert fast.id not in [i.id for i in any_store.list_incidents()]
    assert fast.id in [i.id for i in any_store.list_incidents(include_closed=True)]


def test_generic_append_for_other_features(any_store: Store) -> None:
    inc = any_store.declare("x", 2)
    e = any_store.append(
        inc.id, EventKind.RUNBOOK_STEP, {"runbook": "db", "step": 1, "text": "check", "done": True}
    )
    assert any_store.event(e.id).payload["step"] == 1


# --- SQLite file facts ---------------------------------------------------------------------


def test_sqlite_file_is_private_wal_and_full_sync(store: Store, db_path: Path) -> None:
    assert stat.S_IMODE(os.stat(db_path).st_mode) == 0o600
    assert store.db.scalar("PRAGMA journal_mode") == "wal"
    assert store.db.scalar("PRAGMA synchronous") == 2  # FULL
    assert store.db.scalar("PRAGMA busy_timeout") >= 1000
    assert store.db.integrity_check() == "ok"


def test_a_text_file_is_not_a_store_and_is_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "notes.db"
    path.write_text("my precious notes\n" * 100)
    before = path.read_bytes()
    with pytest.raises(NotAStoreError, match="not an irtui store"):
        Store.open(path)
    assert path.read_bytes() == before


def test_another_apps_sqlite_db_is_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE songs (title TEXT)")
    con.execute("INSERT INTO songs VALUES ('x')")
    con.commit()
    con.close()
    before = path.read_bytes()
    with pytest.raises(NotAStoreError, match="songs"):
        Store.open(path)
    assert path.read_bytes() == before


def test_a_corrupt_store_gets_a_clear_message_and_is_not_overwritten(tmp_path: Path, clock) -> None:
    path = tmp_path / "s.db"
    with Store.open(path, clock=clock) as s:
        inc = s.declare("x", 1)
        for n in range(200):
            s.log(inc.id, f"entry {n} " + "x" * 200)
        s.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    for offset in range(4096, len(data), 997):  # keep the header, damage the pages
        data[offset] ^= 0xFF
    path.write_bytes(bytes(data))
    before = path.read_bytes()
    with (
        pytest.raises((CorruptStoreError, NotAStoreError)) as info,
        Store.open(path, clock=clock) as s,
    ):
        s.get(inc.id)
        s.timeline(inc.id)
        assert s.db.integrity_check() == "ok"
    assert "left untouched" in str(info.value) or "damaged" in str(info.value)
    assert path.read_bytes() == before


def test_store_from_a_newer_irtui_is_refused(store: Store, db_path: Path) -> None:
    store.db.execute("UPDATE alembic_version SET version_num = '0099'")
    with pytest.raises(NewerStoreError, match="newer irtui"):
        Store.open(db_path)


def test_the_default_location_is_created_private(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("IRTUI_DATA_DIR", str(tmp_path / "a" / "b"))
    with Store.open() as s:
        assert s.change_marker() == 0
    assert stat.S_IMODE(os.stat(tmp_path / "a" / "b").st_mode) == 0o700


def test_a_named_path_in_a_missing_directory_creates_nothing(tmp_path: Path) -> None:
    from irtui.store.errors import StoreLocationError

    with pytest.raises(StoreLocationError, match=f"directory {tmp_path / 'a'} does not exist"):
        Store.open(tmp_path / "a" / "b" / "s.db")
    assert list(tmp_path.iterdir()) == []


# --- schema / migrations -------------------------------------------------------------------


def test_history_constant_matches_alembic() -> None:
    from alembic.script import ScriptDirectory

    from irtui.store.schema import HEAD, HISTORY, alembic_config

    script = ScriptDirectory.from_config(alembic_config())
    revisions = [r.revision for r in reversed(list(script.walk_revisions()))]
    assert tuple(revisions) == HISTORY
    assert script.get_current_head() == HEAD


def test_migrations_produce_exactly_the_sqlmodel_tables(store: Store) -> None:
    """tables.py is the schema's source of truth; the migrations must agree with it."""
    from irtui.store.tables import metadata

    actual = store.db.table_names() - {"alembic_version"}
    assert actual == set(metadata.tables)
    for name, table in metadata.tables.items():
        cols = {r[1] for r in store.db.query(f"PRAGMA table_info({name})")}
        assert cols == {c.name for c in table.columns}, name


def test_a_store_written_by_release_0001_opens_and_keeps_everything(tmp_path: Path) -> None:
    """tests/fixtures/store-0001.db was written by the first schema; every later version must
    open it (upgrading if needed) and show the same incidents and events."""
    import shutil

    path = tmp_path / "old.db"
    shutil.copy(Path(__file__).parent.parent / "fixtures" / "store-0001.db", path)
    with Store.open(path) as s:
        from irtui.store.schema import HEAD, current_revision

        assert current_revision(s.db) == HEAD
        inc = s.get("INC-1")
        assert inc.title == "Payments API 502s" and inc.status == "resolved"
        assert [t.text for t in s.timeline("INC-1") if t.source == "entry"] == ["rolled back v42"]
        assert s.verify_projection("INC-1") and s.verify_projection("INC-2")
        assert s.declare("new one", 2).id == "INC-3"


def test_migrations_produce_exactly_the_sqlmodel_indexes(store: Store) -> None:
    from irtui.store.tables import metadata

    expected = {ix.name for t in metadata.tables.values() for ix in t.indexes}
    actual = {
        r[0]
        for r in store.db.query(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE 'ix_%'"
        )
    }
    assert actual == expected


def test_the_cli_says_when_it_upgrades_an_old_store_and_only_then(tmp_path: Path, clock) -> None:
    """An upgrade can take seconds on a large store: the CLI says so on stderr, once."""
    import shutil

    from tests.cli_runner import Cli

    path = tmp_path / "old.db"
    shutil.copy(Path(__file__).parent.parent / "fixtures" / "store-0001.db", path)
    cli = Cli(path, clock)
    code, out, err = cli("list", "--all")
    assert code == 0 and "Payments API 502s" in out
    assert "irtui: upgrading the store's schema (0001" in err
    code, _, err = cli("list", "--all")
    assert code == 0 and "upgrading" not in err
    new = tmp_path / "new.db"
    code, _, err = Cli(new, clock)("list")
    assert code == 0 and "upgrading" not in err  # a new store is created, not upgraded
