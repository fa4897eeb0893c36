"""The engine adapter: opening SQLite or PostgreSQL through DB-API, with the few bits of SQL
that differ between them kept here and nowhere else.

Repositories write portable SQL with `:name` parameters; `Database.execute` converts them to
the driver's paramstyle. Writes go through `Database.write(fn)`, which runs `fn` inside one
transaction and re-runs it when the engine says "busy" (SQLite lock contention, PostgreSQL
serialisation failures), so a user never sees "database is locked".
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import struct
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar

from irtui.store.errors import (
    CorruptStoreError,
    NotAStoreError,
    StoreError,
    StoreIOError,
    StoreLocationError,
    StoreUnwritableError,
)

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


_OPEN_HERE: dict[tuple[int, int] | str, int] = {}
"""SQLite files this process has open, with how many connections (see `Database.sibling`)."""
_OPEN_HERE_LOCK = threading.Lock()


def _file_key(path: Path) -> tuple[int, int] | str:
    try:
        st = path.stat()
        return (st.st_dev, st.st_ino)
    except OSError:
        return str(path.resolve())


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
        from irtui.boundary.secrets import redact_dsn

        return redact_dsn(self.url or "")

    @property
    def sqlalchemy_url(self) -> str:
        """PostgreSQL only: a SQLite file is never handed to SQLAlchemy as a URL (it would
        percent-decode the path and read `?` as options; see `schema._engine_for`)."""
        if self.dialect == "sqlite":
            raise ValueError("SQLite stores are opened by path, never by URL")
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
        from irtui.boundary.secrets import redact_dsn

        raise StoreLocationError(
            f"unsupported store URL {redact_dsn(text)!r} (use a file path, sqlite:///PATH or "
            "postgresql+psycopg://USER@HOST/DB)"
        )
    return Target("sqlite", path=Path(text).expanduser())


def _is_busy(exc: BaseException) -> bool:
    text = str(exc).lower()
    if "database is locked" in text or "database is busy" in text:
        return True
    sqlstate = getattr(exc, "sqlstate", None)
    return sqlstate in ("40001", "40P01", "55P03")  # serialization, deadlock, lock timeout


class Database:
    """One DB-API connection, shared by threads under a lock (the TUI's workers use it)."""

    def __init__(self, target: Target, conn: Any) -> None:
        self.target = target
        self.dialect: Dialect = target.dialect
        self._conn = conn
        self._lock = threading.RLock()
        self._in_tx = False
        self._closed = False  # closed by us (close()), not lost
        self.created = False
        """This open created the SQLite file (it is removed again if setting it up fails)."""
        self._file_key: tuple[int, int] | str | None = None

    # --- opening ---------------------------------------------------------------------
    @classmethod
    def open(cls, target: Target, *, create: bool = True, create_dirs: bool = False) -> Database:
        """Open (or create) the store at `target`. `create_dirs` only for irtui's own default
        location: a directory named by the user is never created."""
        if target.dialect == "sqlite":
            return cls._open_sqlite(target, create=create, create_dirs=create_dirs)
        return cls._open_postgres(target)

    def sibling(self) -> Database:
        """A second connection to this same store, for another thread (the TUI's writer):
        its writes then wait on the store's lock without holding this connection's lock.

        SQLite's locks are POSIX locks, owned by the *process*: closing any file descriptor
        on the database file drops every lock this process holds on it, so this must not
        read the file's header with a plain `open()` as a first open does (doing so while
        this connection had a read snapshot let another process check-point under it:
        "database disk image is malformed"). The file is known to be an irtui store."""
        if self.dialect == "sqlite":
            return self._open_sqlite(self.target, create=False, known_store=True)
        return self._open_postgres(self.target)

    @classmethod
    def _open_sqlite(
        cls,
        target: Target,
        *,
        create: bool,
        create_dirs: bool = False,
        known_store: bool = False,
    ) -> Database:
        """Open a SQLite store, refusing before anything is written when the file is not an
        irtui store, is damaged, or sits where irtui should not create one.

        Order (see docs/security.md): the path must be a regular file or absent in an existing
        directory; a present file's header must be SQLite's and agree with the file's size;
        a read-only connection then looks at the tables, the application id and (stores up to
        `QUICK_CHECK_MAX_BYTES`) runs `PRAGMA quick_check` — and only then is the file opened
        for writing, switched to WAL and tightened to 0600. A file this process already has
        open (or `known_store`, see `sibling`) was checked then: its header is not read again
        with a plain `open()`, whose close would drop this process's SQLite locks."""
        import sqlite3

        assert target.path is not None
        path = target.path
        created = fresh = False
        with _OPEN_HERE_LOCK:
            open_here = known_store or _OPEN_HERE.get(_file_key(path), 0) > 0
        if not open_here:
            existing = _existing_file(path)
            if existing is None:
                if not create:
                    raise StoreLocationError(f"no store at {path}")
                _require_directory(path, create_dirs=create_dirs)
                created = _create_empty(path)
            fresh = _check_header(path)  # True: an empty file irtui may turn into a store
        key = _file_key(path)  # after creation: the file's own (device, inode)
        old_umask = os.umask(0o077)  # -wal, -shm and -journal files are private too
        try:
            if not fresh and not open_here:
                _probe(target)
            try:
                conn = sqlite3.connect(
                    os.fsencode(_absolute(path)),
                    timeout=BUSY_TIMEOUT_MS / 1000,
                    isolation_level=None,
                    check_same_thread=False,
                )
            except sqlite3.Error as exc:
                raise _sqlite_error(path, exc) from None
            db = cls(target, conn)
            db._file_key = key
            with _OPEN_HERE_LOCK:
                _OPEN_HERE[key] = _OPEN_HERE.get(key, 0) + 1
            try:
                db._pragma_setup(fresh=fresh)
            except sqlite3.Error as exc:
                db.close()
                if created:
                    _remove_if_empty(path)
                raise _sqlite_error(path, exc) from None
            except BaseException:
                db.close()
                if created:
                    _remove_if_empty(path)
                raise
        finally:
            os.umask(old_umask)
        _tighten(path)
        db.created = created
        return db

    def discard_if_new(self) -> None:
        """Close, and remove the file when this open created it and it holds nothing yet
        (the schema could not be created: a full disk). Never touches an existing store."""
        self.close()
        if self.created and self.target.path is not None:
            _remove_if_empty(self.target.path)

    def _pragma_setup(self, *, fresh: bool = False) -> None:
        cur = self._conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if fresh:
            # Mark the file as irtui's before anything else is in it: an empty SQLite file
            # with this id is a store whose creation was interrupted, one without it belongs
            # to someone else (see `_probe`).
            cur.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        else:
            # Look before touching (already done read-only by `_probe`; this covers a file
            # swapped in between): switching to WAL rewrites the header of someone's file.
            _refuse_foreign(self.target, _tables(cur), _application_id(cur))
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
            from irtui.boundary.secrets import redact_dsn

            raise StoreError(
                redact_dsn(f"cannot connect to {target.display}: {exc}".strip())
            ) from None
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
            from irtui.boundary.secrets import redact_dsn

            raise StoreError(
                redact_dsn(
                    f"lost the connection to {self.target.display} and cannot reconnect: {exc}"
                ).strip()
            ) from None

    def close(self) -> None:
        with self._lock, contextlib.suppress(Exception):  # closing is best effort
            if not self._closed and self._file_key is not None:
                with _OPEN_HERE_LOCK:
                    _OPEN_HERE[self._file_key] = _OPEN_HERE.get(self._file_key, 1) - 1
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
        raise self._clear(exc)

    def _clear(self, exc: Exception) -> Exception:
        """A SQLite error that is about the file (damaged, read-only, disk full, I/O) as a
        StoreError saying so; busy/locked and constraint errors unchanged (the retry loop and
        the domain handle those)."""
        import sqlite3

        if self.dialect != "sqlite" or not isinstance(exc, sqlite3.DatabaseError):
            return exc
        if isinstance(exc, sqlite3.IntegrityError) or _is_busy(exc):
            return exc
        primary = int(getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF
        about_the_file = primary in (3, 8, 10, 11, 13, 14, 26) or "malformed" in str(exc)
        if isinstance(exc, sqlite3.OperationalError) and not about_the_file:
            return exc
        assert self.target.path is not None
        return _sqlite_error(self.target.path, exc)

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
                if _is_busy(exc) and time.monotonic() > deadline:
                    raise StoreError(
                        f"{self.target.display} is busy: another seat or program has held its "
                        f"write lock for over {RETRY_FOR_S:.0f} s; nothing was saved, try again"
                    ) from None
                if not _is_busy(exc):
                    clear = self._clear(exc)
                    if clear is exc:
                        raise
                    raise clear from None
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


# --- opening a SQLite file safely ---------------------------------------------------------

APPLICATION_ID = 0x69727475
"""`PRAGMA application_id` of every store irtui creates ("irtu"): an empty SQLite file without
it was made by another program and is not silently turned into a store."""
QUICK_CHECK_MAX_BYTES = 4 * 1024 * 1024
"""Stores up to this size get a full `PRAGMA quick_check` on every open (~1 ms per MB with a
warm cache, measured by bench/bench_store_open.py); larger ones the header/size check only."""
_HEADER = struct.Struct(">16sHBBBBBBIIIIIIIIIIII20sII")


def _absolute(path: Path) -> str:
    """The path SQLite is given: absolute, so a name such as `file:x?mode=memory` or
    `:memory:` can never be read as a URI or a special name (paths are never URLs)."""
    return os.path.abspath(os.fspath(path))


def _existing_file(path: Path) -> os.stat_result | None:
    """The stat of an existing store file; None when there is none. Anything that is not a
    regular file (a directory, /dev/null, a FIFO that would block, a socket) is refused."""
    try:
        st = path.stat()
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        raise StoreLocationError(
            f"cannot use {path} as a store: a part of that path is a file, not a directory"
        ) from None
    except OSError as exc:
        raise StoreLocationError(f"cannot use {path} as a store: {exc.strerror or exc}") from None
    if stat.S_ISDIR(st.st_mode):
        raise NotAStoreError(
            f"{path} is a directory, not an irtui store; point --db at a file in it"
        )
    if not stat.S_ISREG(st.st_mode):
        kind = (
            "a device"
            if stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode)
            else ("a pipe" if stat.S_ISFIFO(st.st_mode) else "not a regular file")
        )
        raise NotAStoreError(
            f"{path} is {kind}, not an irtui store; it was left untouched — point --db at a file"
        )
    return st


def _require_directory(path: Path, *, create_dirs: bool) -> None:
    """A store named by the user goes into a directory that exists: `--db /typo/path` must
    not grow directories and an empty store where nobody will look. Only irtui's own default
    location (the user data dir) is created, private (0700)."""
    parent = Path(_absolute(path)).parent
    if create_dirs:
        try:
            parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        except OSError as exc:
            raise StoreUnwritableError(
                f"cannot create the store directory {parent}: {exc.strerror or exc}"
            ) from None
        return
    if not parent.is_dir():
        missing = parent
        while not missing.parent.exists() and missing.parent != missing:
            missing = missing.parent
        what = "is not a directory" if missing.exists() else "does not exist"
        raise StoreLocationError(
            f"cannot create the store {path}: the directory {missing} {what} (irtui does not "
            "create directories for --db; create it, or fix the path)"
        )
    if not os.access(parent, os.W_OK | os.X_OK):
        raise StoreUnwritableError(
            f"cannot create the store {path}: the directory {parent} is not writable by you"
        )


def _create_empty(path: Path) -> bool:
    """Create the store file empty and private; False when another seat created it first."""
    try:
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        return False
    except OSError as exc:
        raise _os_error(path, exc) from None
    os.close(fd)
    return True


def _remove_if_empty(path: Path) -> None:
    """Undo `_create_empty` when the new store could not be set up (a full disk, a file size
    limit): a file holding no more than its header page, and an empty -wal, go; nothing
    half-made stays behind to be mistaken for a store."""
    with contextlib.suppress(OSError):
        if path.stat().st_size <= 4096:
            wal = Path(f"{path}-wal")
            if not wal.exists() or wal.stat().st_size == 0:
                for leftover in (wal, Path(f"{path}-shm"), Path(f"{path}-journal")):
                    with contextlib.suppress(FileNotFoundError):
                        leftover.unlink()
                path.unlink()


def _check_header(path: Path) -> bool:
    """Read the 100-byte SQLite header before SQLite opens the file and compare it with the
    file: True for an empty file (irtui may make it a store), else the header must be SQLite's
    and — when no write-ahead log holds newer pages — its page count must fit in the file. A
    store cut short (a failed copy, a full disk) is refused here, before anything writes."""
    try:
        size = path.stat().st_size
        if size == 0:
            return True
        with path.open("rb") as fh:
            raw = fh.read(100)
    except OSError as exc:
        raise _os_error(path, exc) from None
    if len(raw) < 16 or raw[:16] != SQLITE_MAGIC:
        raise NotAStoreError(
            f"{path} is not an irtui store (not a SQLite database); "
            "it was left untouched — point --db at another file"
        )
    if len(raw) < 100:
        raise CorruptStoreError(_damaged(path, f"only {size} bytes, less than a SQLite header"))
    fields = _HEADER.unpack(raw)
    page_size = 65536 if fields[1] == 1 else fields[1]
    change_counter, page_count, valid_for = fields[8], fields[9], fields[21]
    if page_size < 512 or page_size & (page_size - 1):
        raise CorruptStoreError(_damaged(path, f"its header names a page size of {page_size}"))
    if size % page_size:
        raise CorruptStoreError(
            _damaged(path, f"{size:,} bytes is not a whole number of {page_size}-byte pages")
        )
    if valid_for == change_counter and page_count and not _wal_has_frames(path):
        expected = page_count * page_size
        if size < expected:
            raise CorruptStoreError(
                _damaged(path, f"truncated: {size:,} bytes of the {expected:,} its header says")
            )
    return False


def _wal_has_frames(path: Path) -> bool:
    """Whether `<store>-wal` may hold pages newer than the file (then the file can be shorter
    than its header says, legitimately, until the next checkpoint)."""
    try:
        return os.stat(str(path) + "-wal").st_size > 32
    except OSError:
        return False


def _probe(target: Target) -> None:
    """Open the file read-only and decide whether irtui may write to it: an irtui store (or
    one whose creation was interrupted) passes; another program's database, empty or not, and
    a damaged file are refused. A read-only connection never rolls back another program's
    journal nor checkpoints its WAL on close: the file is left exactly as it was."""
    import sqlite3
    from urllib.parse import quote

    assert target.path is not None
    uri = "file:" + quote(os.fsencode(_absolute(target.path))) + "?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    except sqlite3.Error as exc:
        raise _sqlite_error(target.path, exc) from None
    try:
        cur = conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        _refuse_foreign(target, _tables(cur), _application_id(cur))
        if target.path.stat().st_size <= QUICK_CHECK_MAX_BYTES:
            rows = cur.execute("PRAGMA quick_check(5)").fetchall()
            problems = [
                line.strip()
                for r in rows
                for line in str(r[0]).splitlines()
                if line.strip() not in ("ok", "", "*** in database main ***")
            ]
            if problems:
                more = f" and {len(problems) - 1} more" if len(problems) > 1 else ""
                why = f"integrity check: {problems[0][:160]}{more}"
                raise CorruptStoreError(_damaged(target.path, why))
    except sqlite3.Error as exc:
        raise _sqlite_error(target.path, exc) from None
    finally:
        conn.close()


def _tables(cur: Any) -> set[str]:
    return {
        r[0] for r in cur.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    }


def _application_id(cur: Any) -> int:
    return int(cur.execute("PRAGMA application_id").fetchone()[0])


def _refuse_foreign(target: Target, tables: set[str], application_id: int) -> None:
    if "irtui_meta" in tables:
        return
    if tables:
        shown = ", ".join(sorted(tables)[:5])
        raise NotAStoreError(
            f"{target.display} is not an irtui store (it holds other tables: {shown}); "
            "it was left untouched — point --db at another file"
        )
    if application_id != APPLICATION_ID:
        raise NotAStoreError(
            f"{target.display} is an empty SQLite database made by another program, not an "
            "irtui store; it was left untouched — point --db at a new file (irtui creates it)"
        )


def _tighten(path: Path) -> None:
    """Stores hold incident data: the file and its -wal/-shm companions are 0600, also when
    an older irtui (or a copy) left them readable by others."""
    for name in (str(path), f"{path}-wal", f"{path}-shm"):
        with contextlib.suppress(OSError):
            st = os.stat(name)
            if st.st_uid == os.geteuid() and stat.S_IMODE(st.st_mode) & 0o077:
                os.chmod(name, stat.S_IMODE(st.st_mode) & 0o700)


def _damaged(path: Path, why: str) -> str:
    return (
        f"{path} looks damaged ({why}). It was left untouched: copy it aside and run "
        f"`sqlite3 COPY .recover` on the copy, or point --db at another file"
    )


def _os_error(path: Path, exc: OSError) -> StoreError:
    """An operating-system error about the store file, named for what it is."""
    why = exc.strerror or str(exc)
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return StoreUnwritableError(f"cannot use {path}: {why} (check its permissions)")
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return StoreIOError(f"cannot write {path}: the disk is full ({why}); nothing was saved")
    if exc.errno in (errno.ENOENT, errno.ENOTDIR, errno.ENAMETOOLONG, errno.ELOOP):
        return StoreLocationError(f"cannot use {path} as a store: {why}")
    return StoreIOError(f"cannot use {path}: {why}")


def _nearly_full(directory: Path) -> bool:
    """Whether the filesystem has (almost) no room left: SQLite reports some failed writes on
    a full disk as I/O errors; say "full" when that is what it is."""
    try:
        st = os.statvfs(directory)
    except OSError:
        return False
    return st.f_bavail * st.f_frsize < 1024 * 1024


def _directory_not_writable(path: Path, directory: Path) -> StoreError:
    return StoreUnwritableError(
        f"cannot use the store {path}: the directory {directory} is not writable for you, and "
        f"SQLite needs to create {path.name}-wal and {path.name}-shm beside the store, even to "
        "read it; nothing was changed — copy the store to a writable place"
    )


def _sqlite_error(path: Path, exc: Exception) -> StoreError:
    """SQLite's error, said as what is actually wrong: only corruption is "damaged"; a
    read-only file or directory, a full disk or an I/O error say so (and never advise
    `.recover` for a healthy store)."""
    text = str(exc)
    name = str(getattr(exc, "sqlite_errorname", "") or "")
    primary = int(getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF
    directory = Path(_absolute(path)).parent
    if primary == 26 or "not a database" in text or "file is encrypted" in text:  # NOTADB
        return NotAStoreError(f"{path} is not an irtui store ({text}); it was left untouched")
    if primary == 11 or "malformed" in text:  # SQLITE_CORRUPT
        return CorruptStoreError(_damaged(path, text))
    if primary == 8 or "readonly" in text or "read-only" in text:  # SQLITE_READONLY
        if name == "SQLITE_READONLY_ROLLBACK":
            return NotAStoreError(
                f"{path} has an unfinished transaction of another program (a hot journal); "
                "it was left untouched"
            )
        if not os.access(directory, os.W_OK | os.X_OK):
            return _directory_not_writable(path, directory)
        return StoreUnwritableError(
            f"cannot write to the store {path}: the file is read-only for you (check its "
            "permissions); nothing was changed"
        )
    if primary == 14:  # SQLITE_CANTOPEN
        if not os.access(directory, os.W_OK | os.X_OK):
            return _directory_not_writable(path, directory)
        return StoreUnwritableError(f"cannot open the store {path} ({text}); check permissions")
    if primary == 13 or "disk is full" in text:  # SQLITE_FULL
        return StoreIOError(
            f"the disk holding {path} is full ({text}); nothing was saved — free some space "
            "and try again"
        )
    if primary == 10 or "disk I/O error" in text:  # SQLITE_IOERR
        if _nearly_full(directory):
            return StoreIOError(
                f"the disk holding {path} is full ({name or text}); nothing was saved — free "
                "some space and try again"
            )
        return StoreIOError(
            f"input/output error on {path} ({name or text}): the disk or filesystem refused "
            "a read or write (failing disk, file size limit, network filesystem); nothing was "
            "saved — check it, then try again"
        )
    if primary in (3, 23):  # SQLITE_PERM, SQLITE_AUTH
        return StoreUnwritableError(f"not allowed to use {path} ({text})")
    return StoreError(f"{path}: {text}")
