"""Bringing a store's schema up to date: cheap check on every open, alembic only when behind.

Opening an up-to-date store costs two tiny queries and imports nothing heavy. Creating or
upgrading one imports alembic + SQLAlchemy (~0.5 s), under a lock so that two seats opening a
fresh store at the same moment do not both migrate it:
- SQLite: an exclusive `flock` on `<db>.migrate.lock` beside the file;
- PostgreSQL: a session-level advisory lock.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from irtui.store.db import Database
from irtui.store.errors import NewerStoreError, NotAStoreError

HISTORY: tuple[str, ...] = ("0001", "0002", "0003")
"""Every alembic revision this version knows, oldest first (a test checks it against alembic)."""
HEAD = HISTORY[-1]
_ADVISORY_KEY = 0x1C7_7A11  # arbitrary, constant: "irtui migrate"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def current_revision(db: Database) -> str | None:
    """The alembic revision of an irtui store, None for an empty database.
    Raises NotAStoreError when the database holds someone else's tables."""
    tables = db.table_names()
    if not tables:
        return None
    if "irtui_meta" not in tables:
        shown = ", ".join(sorted(tables)[:5])
        raise NotAStoreError(
            f"{db.target.display} is not an irtui store (it holds other tables: {shown}); "
            "it was left untouched — point --db at another file or database"
        )
    app = db.scalar("SELECT value FROM irtui_meta WHERE key = 'app'")
    if app != "irtui":
        raise NotAStoreError(f"{db.target.display} is not an irtui store; it was left untouched")
    if "alembic_version" not in tables:
        return None
    return db.scalar("SELECT version_num FROM alembic_version")


UPGRADE_NOTICE: list[Callable[[str], None]] = []
"""Who is told when an existing store is upgraded (the CLI: its stderr): on a large store an
upgrade that builds an index takes seconds, which must not look like a hang."""


def ensure_schema(db: Database) -> None:
    """Create or upgrade the schema so it is at HEAD; refuse a store from a newer irtui."""
    revision = current_revision(db)
    if revision == HEAD:
        return
    _check_known(db, revision)
    with _migration_lock(db):
        revision = current_revision(db)  # another seat may have migrated meanwhile
        if revision == HEAD:
            return
        _check_known(db, revision)
        if revision is not None:
            for tell in UPGRADE_NOTICE:
                tell(
                    f"upgrading the store's schema ({revision} -> {HEAD}), once; a large store "
                    "may take a few seconds"
                )
        _upgrade(db)


def _check_known(db: Database, revision: str | None) -> None:
    if revision is not None and revision not in HISTORY:
        raise NewerStoreError(
            f"{db.target.display} was written by a newer irtui (schema {revision}); "
            f"this version knows up to {HEAD}. Upgrade irtui; the store was left untouched"
        )


@contextmanager
def _migration_lock(db: Database) -> Iterator[None]:
    if db.dialect == "sqlite":
        import fcntl

        assert db.target.path is not None
        lock_path = db.target.path.with_name(db.target.path.name + ".migrate.lock")
        fd = os.open(lock_path, os.O_CREAT | os.O_RDWR, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
    else:
        db.execute("SELECT pg_advisory_lock(:k)", {"k": _ADVISORY_KEY})
        try:
            yield
        finally:
            db.execute("SELECT pg_advisory_unlock(:k)", {"k": _ADVISORY_KEY})


def alembic_config():  # type: ignore[no-untyped-def]
    """An alembic Config pointing at irtui's migrations (used by `_upgrade` and tests)."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def _upgrade(db: Database) -> None:
    from alembic import command
    from sqlalchemy.pool import NullPool

    cfg = alembic_config()
    engine = _engine_for(db, NullPool)
    if db.dialect == "sqlite":
        _atomic_sqlite_ddl(engine)
    old_umask = os.umask(0o077)  # the journal of the migration is private too
    from sqlalchemy.exc import DBAPIError

    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    except DBAPIError as exc:  # a full disk, a read-only file: said as such
        clear = db._clear(exc.orig) if isinstance(exc.orig, Exception) else exc
        if clear is exc.orig:
            raise
        raise clear from None
    finally:
        os.umask(old_umask)
        engine.dispose()


def _engine_for(db: Database, poolclass: type):  # type: ignore[no-untyped-def]
    """The SQLAlchemy engine alembic migrates through, on exactly the file irtui opened.

    Never a `sqlite:///PATH` URL: SQLAlchemy percent-decodes it and reads `?` as a query
    string, so `--db victim%2Edb` migrated `victim.db` (another program's database) and
    `--db 'a?b'` created a stray file `a`. The connection is made by SQLite on the same
    absolute path `Database` opened (see `db._absolute`)."""
    from sqlalchemy import create_engine

    if db.dialect != "sqlite":
        return create_engine(db.target.sqlalchemy_url, poolclass=poolclass)
    import sqlite3

    from irtui.store.db import BUSY_TIMEOUT_MS, _absolute

    assert db.target.path is not None
    path = os.fsencode(_absolute(db.target.path))

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)

    return create_engine("sqlite://", creator=connect, poolclass=poolclass)


def _atomic_sqlite_ddl(engine) -> None:  # type: ignore[no-untyped-def]
    """Run the whole SQLite migration in one `BEGIN IMMEDIATE` transaction.

    Python's sqlite3 driver does not open a transaction before DDL, so without this every
    CREATE TABLE commits on its own and a second seat opening the store mid-migration sees a
    half-built schema (only `alembic_version`, or `irtui_meta` without its row) and refuses it
    as "not an irtui store". In one transaction other seats see either nothing or everything,
    and a migration that fails leaves the file as it was."""
    from sqlalchemy import event

    @event.listens_for(engine, "connect")
    def _no_driver_transactions(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_conn.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(conn) -> None:  # type: ignore[no-untyped-def]
        conn.exec_driver_sql("BEGIN IMMEDIATE")
