"""The engine adapter: opening SQLite or PostgreSQL through DB-API, with the few bits of SQL
that differ between them kept here and nowhere else.

Repositories write portable SQL with `:name` parameters; `Database.execute` converts them to
the driver's paramstyle. Writes go through `Database.write(fn)`, which runs `fn` inside one
transaction and re-runs it when the engine says "busy" (SQLite lock contention, PostgreSQL
serialisation failures), so a user never sees "database is locked".
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

from irtui.store.errors import CorruptStoreError, NotAStoreError, StoreError

T = TypeVar("T")
Dialect = Literal["sqlite", "postgresql"]
_NAMED = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")
SQLITE_MAGIC = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000
RETRY_FOR_S = 60.0
WRITE_LOCK_KEY = 0x1C7_0001
"""PostgreSQL advisory lock id that serialises irtui writers (arbitrary, constant)."""
PG_IDLE_TX_TIMEOUT_MS = 30_000
"""The server ends a seat's transaction left idle this long (see `_pg_connect`)."""


@dataclass(frozen=True, slots=True)
class Target:
    """Where a store lives: a SQLite file path, or a PostgreSQL URL."""

    dialect: Dialect
    path: Path | None = None
    url: str | None = None

    @property
    def display(self) -> str:
        if self.path is not None:
            return str(self.path)
        return re.sub(r"//([^:/@]+):[^@]*@", r"//\1:***@", self.url or "")

    @property
    def sqlalchemy_url(self) -> str:
        if self.dialect == "sqlite":
            return f"sqlite:///{self.path}"
        assert self.url is not None
        return re.sub(r"^postgres(?:ql)?(\+\w+)?://", "postgresql+psycopg://", self.url)

    @property
    def libpq_url(self) -> str:
        assert self.url is not None
        return re.sub(r"^postgres(?:ql)?(\+\w+)?://", "postgresql://", self.url)


def parse_target(value: str | os.PathLike[str]) -> Target:
    """`--db PATH|URL`: a path or `sqlite:///path` is SQLite; `postgresql[+psycopg]://` is PG."""
    text = str(value)
    if re.match(r"^postgres(?:ql)?(\+\w+)?://", text):
        return Target("postgresql", url=text)
    if text.startswith("sqlite:///"):
        return Target("sqlite", path=Path(text[len("sqlite:///") :]).expanduser())
    if "://" in text:
        raise StoreError(
            f"unsupported store URL {text!r} (use a file path, sqlite:///PATH or "
            "postgresql+psycopg://USER@HOST/DB)"
        )
    return Target("sqlite", path=Path(text).expanduser())


def _is_busy(exc: BaseException) -> bool:
    text = str(exc).lower()
    if "database is locked" in text or "database is busy" in text:
        return True
    sqlstate = getattr(exc, "sqlstate", None)
    return sqlstate in ("40001", "40P01", "55P03")  # serialization, deadlock, lock timeout


_OPEN_SQLITE: dict[tuple[int, int], int] = {}
"""SQLite files this process has open (by device and inode), and how many times.

POSIX record locks belong to the process, not to the file descriptor: closing *any*
descriptor of a file drops every lock the process holds on it. Reading a store's header with
a plain `open()` while this process already has a connection to it would therefore drop that
connection's WAL locks; the next seat to close its connection would find "nobody else" on
the file, checkpoint and delete the WAL under it, and the first connection would from then on
read a deleted WAL — never seeing another seat's write again. A file already open here was
checked when it was first opened: it is not read again."""
_OPEN_SQLITE_LOCK = threading.Lock()


def _file_key(path: Path) -> tuple[int, int] | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


class Database:
    """One DB-API connection, shared by threads under a lock (the TUI's workers use it)."""

    def __init__(self, target: Target, conn: Any) -> None:
        self.target = target
        self.dialect: Dialect = target.dialect
        self._conn = conn
        self._lock = threading.RLock()
        self._in_tx = False
        self._closed = False  # closed by us (close()), not lost
        self._file_key: tuple[int, int] | None = None

    # --- opening ---------------------------------------------------------------------
    @classmethod
    def open(cls, target: Target, *, create: bool = True) -> Database:
        if target.dialect == "sqlite":
            return cls._open_sqlite(target, create=create)
        return cls._open_postgres(target)

    @classmethod
    def _open_sqlite(cls, target: Target, *, create: bool) -> Database:
        import sqlite3

        assert target.path is not None
        path = target.path
        if path.is_dir():
            raise NotAStoreError(f"{path} is a directory, not an irtui store")
        with _OPEN_SQLITE_LOCK:
            already_open = _OPEN_SQLITE.get(_file_key(path) or (-1, -1), 0) > 0
        if path.exists() and path.stat().st_size > 0 and not already_open:
            with path.open("rb") as fh:
                if fh.read(16) != SQLITE_MAGIC:
                    raise NotAStoreError(
                        f"{path} is not an irtui store (not a SQLite database); "
                        "it was left untouched — point --db at another file"
                    )
        elif not path.exists():
            if not create:
                raise StoreError(f"no store at {path}")
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            try:
                fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
                os.close(fd)
            except FileExistsError:
                pass  # another seat created it a moment ago
        old_umask = os.umask(0o077)  # -wal and -shm files are private too
        try:
            conn = sqlite3.connect(
                str(path),
                timeout=BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,
                check_same_thread=False,
            )
            db = cls(target, conn)
            try:
                db._pragma_setup()
            except sqlite3.DatabaseError as exc:
                conn.close()
                raise _sqlite_error(path, exc) from None
            except BaseException:
                conn.close()
                raise
        finally:
            os.umask(old_umask)
        db._file_key = _file_key(path)
        if db._file_key is not None:
            with _OPEN_SQLITE_LOCK:
                _OPEN_SQLITE[db._file_key] = _OPEN_SQLITE.get(db._file_key, 0) + 1
        return db

    def _pragma_setup(self) -> None:
        cur = self._conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # Look before touching: switching to WAL rewrites the header of someone else's file.
        tables = {
            r[0]
            for r in cur.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        }
        if tables and "irtui_meta" not in tables:
            shown = ", ".join(sorted(tables)[:5])
            raise NotAStoreError(
                f"{self.target.display} is not an irtui store (it holds other tables: {shown});"
                " it was left untouched — point --db at another file"
            )
        mode = self._switch_to_wal(cur)
        if str(mode).lower() != "wal":
            raise StoreError(f"{self.target.display}: cannot switch to WAL mode (got {mode})")
        cur.execute("PRAGMA synchronous = FULL")
        cur.execute("PRAGMA foreign_keys = ON")

    @staticmethod
    def _switch_to_wal(cur: Any) -> Any:
        """`PRAGMA journal_mode = WAL` on a brand-new file needs an exclusive lock and SQLite
        answers SQLITE_BUSY at once, without calling the busy handler, when another seat is
        opening the same new file at that moment: retry it like any other busy write."""
        import sqlite3

        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        delay = 0.005
        while True:
            try:
                return cur.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            except sqlite3.OperationalError as exc:
                if not _is_busy(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 0.1)

    @classmethod
    def _open_postgres(cls, target: Target) -> Database:
        try:
            import psycopg
        except ImportError:
            raise StoreError(
                "PostgreSQL support needs psycopg: pip install 'irtui[postgres]'"
            ) from None
        try:
            conn = _pg_connect(target)
        except psycopg.Error as exc:
            raise StoreError(f"cannot connect to {target.display}: {exc}".strip()) from None
        return cls(target, conn)

    def _reconnect_if_lost(self) -> None:
        """A PostgreSQL seat outlives its connection (server restart, failover, a proxy's idle
        timeout, a laptop waking up): reopen it before the next statement instead of failing
        with "the connection is closed" forever. Never inside a transaction: the statement that
        met the broken connection fails once and is reported (a lost COMMIT may or may not have
        landed, so it is not silently redone); the seat's next read or write reconnects."""
        if self.dialect != "postgresql" or self._in_tx or self._closed or not self._conn.closed:
            return
        import psycopg

        try:
            self._conn = _pg_connect(self.target)
        except psycopg.Error as exc:
            raise StoreError(
                f"lost the connection to {self.target.display} and cannot reconnect: {exc}".strip()
            ) from None

    def close(self) -> None:
        with self._lock, contextlib.suppress(Exception):  # closing is best effort
            if not self._closed and self._file_key is not None:
                with _OPEN_SQLITE_LOCK:
                    left = _OPEN_SQLITE.get(self._file_key, 1) - 1
                    if left > 0:
                        _OPEN_SQLITE[self._file_key] = left
                    else:
                        _OPEN_SQLITE.pop(self._file_key, None)
            self._closed = True
            self._conn.close()

    # --- statements ------------------------------------------------------------------
    def _sql(self, sql: str) -> str:
        if self.dialect == "postgresql":
            return _NAMED.sub(r"%(\1)s", sql.replace("%", "%%"))
        return sql

    def execute(self, sql: str, params: dict[str, Any] | None = None) -> Any:
        with self._lock:
            self._reconnect_if_lost()
            cur = self._conn.cursor()
            try:
                cur.execute(self._sql(sql), params or {})
            except Exception as exc:
                self._raise_clear(exc)
            return cur

    def executemany(self, sql: str, rows: Sequence[dict[str, Any]]) -> None:
        """Bulk insert (imports, benchmark generators); call inside `write`."""
        with self._lock:
            cur = self._conn.cursor()
            try:
                cur.executemany(self._sql(sql), rows)
            except Exception as exc:
                self._raise_clear(exc)

    def query(self, sql: str, params: dict[str, Any] | None = None) -> list[Sequence[Any]]:
        with self._lock:
            return list(self.execute(sql, params).fetchall())

    def scalar(self, sql: str, params: dict[str, Any] | None = None) -> Any:
        rows = self.query(sql, params)
        return rows[0][0] if rows else None

    def _raise_clear(self, exc: Exception) -> None:
        import sqlite3

        if isinstance(exc, sqlite3.DatabaseError) and not isinstance(
            exc, sqlite3.IntegrityError | sqlite3.OperationalError
        ):
            assert self.target.path is not None
            raise _sqlite_error(self.target.path, exc) from None
        if isinstance(exc, sqlite3.OperationalError) and "malformed" in str(exc):
            assert self.target.path is not None
            raise _sqlite_error(self.target.path, exc) from None
        raise exc

    # --- transactions ----------------------------------------------------------------
    @contextmanager
    def _transaction(self) -> Iterator[Database]:
        begin = "BEGIN IMMEDIATE" if self.dialect == "sqlite" else "BEGIN"
        with self._lock:
            if self._in_tx:
                yield self  # nested: part of the outer transaction
                return
            self._reconnect_if_lost()
            self._conn.cursor().execute(begin)
            self._in_tx = True
            try:
                yield self
            except BaseException:
                self._in_tx = False
                with contextlib.suppress(Exception):  # the original error matters more
                    self._conn.cursor().execute("ROLLBACK")
                raise
            else:
                self._in_tx = False
                try:
                    self._conn.cursor().execute("COMMIT")
                except BaseException:
                    # SQLite keeps the transaction (and the write lock) open when COMMIT fails
                    # (SQLITE_BUSY/FULL, a deferred constraint): without this ROLLBACK the seat
                    # could never write again and every other seat would wait on its lock.
                    with contextlib.suppress(Exception):
                        self._conn.cursor().execute("ROLLBACK")
                    raise

    def write(self, fn: Callable[[Database], T]) -> T:
        """Run `fn(db)` in one write transaction; retried from scratch while the engine is busy.
        Returns only after COMMIT, i.e. after the data is durable (synchronous=FULL)."""
        deadline = time.monotonic() + RETRY_FOR_S
        delay = 0.005
        while True:
            try:
                with self._transaction():
                    return fn(self)
            except Exception as exc:
                if not _is_busy(exc) or time.monotonic() > deadline:
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 0.25)

    # --- dialect specifics ----------------------------------------------------------
    def serialize_writers(self) -> None:
        """Make this write transaction the only one running, before it reads what it will
        validate against. SQLite's BEGIN IMMEDIATE already did; PostgreSQL (READ COMMITTED)
        needs a transaction-scoped advisory lock, released by COMMIT/ROLLBACK. Without it two
        seats could both validate against the same stale state (e.g. both acknowledge)."""
        if self.dialect == "postgresql":
            self.execute("SELECT pg_advisory_xact_lock(:k)", {"k": WRITE_LOCK_KEY})

    def table_names(self) -> set[str]:
        if self.dialect == "sqlite":
            sql = "SELECT name FROM sqlite_master WHERE type = 'table'"
        else:
            sql = (
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = current_schema()"
            )
        return {row[0] for row in self.query(sql)}

    def integrity_check(self) -> str:
        if self.dialect == "sqlite":
            return str(self.scalar("PRAGMA integrity_check"))
        return "ok"


def _pg_connect(target: Target) -> Any:
    """Connect a PostgreSQL seat. irtui's write transactions last milliseconds and never wait
    for a person, yet every seat queues behind the one holding the writer lock: a seat frozen
    mid-transaction (laptop lid closed, network cut, process stopped) would block all others
    until TCP noticed, hours later. `idle_in_transaction_session_timeout` makes the server
    end such a transaction after PG_IDLE_TX_TIMEOUT_MS; the frozen seat's write fails (its
    next one reconnects) and everybody else carries on. A plain SET, not a startup option,
    so connection poolers accept it."""
    import psycopg

    conn = psycopg.connect(target.libpq_url, autocommit=True, connect_timeout=10)
    conn.execute(f"SET idle_in_transaction_session_timeout = {int(PG_IDLE_TX_TIMEOUT_MS)}")
    return conn


def _sqlite_error(path: Path, exc: Exception) -> StoreError:
    text = str(exc)
    if "not a database" in text or "file is encrypted" in text:
        return NotAStoreError(f"{path} is not an irtui store ({text}); it was left untouched")
    return CorruptStoreError(
        f"{path} looks damaged ({text}). It was left untouched: copy it aside and run "
        f"`sqlite3 {path} .recover` on the copy, or point --db at another file"
    )
