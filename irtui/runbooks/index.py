"""The runbook search index: SQLite FTS5 in the user cache dir, refreshed incrementally.

Why a separate SQLite file and not the incident store: the index is a cache of files on disk,
rebuilt at will, per machine; the incident store may be a shared PostgreSQL database that has no
FTS5 at all. Stdlib `sqlite3` is enough, so searching works with any store and even with none.

Two FTS5 tables over the same runbooks, because people search two ways:

- `words` (`porter unicode61`): whole words, stemmed inside SQLite ("expired" meets
  "expiration"), with alert names split into their parts (`terms.expand_identifiers`). This is
  where ranking happens: bm25 with a title or alert hit worth ten body hits.
- `grams` (`trigram`): substrings, for Chinese and other text without spaces and for partial
  identifiers. Used only as a fallback, ranked below every word match: "ssl" must not rank
  `etcdGRPCRequestsSlow` first because "Reque*stsSl*ow" contains it.

How a query ranks (`search`, and `explain=True` says why for each hit):

1. **exact**: the whole query is a runbook's alert name, title or id (case and punctuation
   ignored): first.
2. **all words** (AND, with synonyms and prefixes), bm25-ranked;
3. **some words** (OR) only when no runbook has them all;
4. **substring** (trigram) only to fill up, and always below word matches.

Within a tier, the bundled starter runbooks weigh less than the team's own folders, and stub
pages ("moved to ...") less than real runbooks.

The file holds full runbook text, so it is created 0600 in a 0700 folder.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from irtui.runbooks import terms as T
from irtui.runbooks.model import Runbook, RunbookSummary, SearchHit
from irtui.runbooks.walk import Discovery, discover

SCHEMA_VERSION = "3"
_HL_START, _HL_END = "\x02", "\x03"
_SNIPPET_TOKENS = 48  # trigram "tokens" are characters, so this is roughly 48 characters
_WORD_SNIPPET_TOKENS = 14
_WORD_COLUMNS = ("name", "title", "alerts", "meta", "headings", "body", "extra")
_WORD_WEIGHTS = (3.0, 10.0, 10.0, 5.0, 2.5, 1.0, 0.5)
"""bm25 column weights, in `_WORD_COLUMNS` order: a title or alert hit beats ten body hits."""
_GRAM_COLUMNS = ("id", "name", "title", "alerts", "services", "tags", "body")
_GRAM_WEIGHTS = (0.0, 6.0, 10.0, 8.0, 6.0, 4.0, 1.0)
COVERAGE_WEIGHT = 1.5
"""Score factor per share of query terms found in the title, alert names or path."""
BUNDLED_WEIGHT = 0.5
"""Score factor for the bundled starter library: a team's own runbook on the same words wins."""
STUB_WEIGHT = 0.15
"""Score factor for stub pages ("moved to ..."): their target wins."""
OTHER_SCRIPT_WEIGHT = 0.25
"""Score factor for a runbook written mostly in CJK when the query has none (a translated copy
of a library): the copy in the query's language wins."""
_CANDIDATES = 300
_GRAM_CANDIDATES = 60
"""Substring matches fill up a page; they never need the deep candidate list words get."""
_COVERAGE_CANDIDATES = 60
"""Coverage is looked up for the best word matches only (enough to reorder a top page)."""
_TIERS = {"exact": 0, "words": 1, "some-words": 2, "substring": 3, "pieces": 4}
_SPACE = re.compile(r"\s+")
_HTML_TAG = re.compile(
    r"</?(?:details|summary|br|p|div|span|b|i|em|strong|code|kbd|img|a|sup|sub|table|tr|td|th)"
    r"\b[^<>]*>",
    re.I,
)
_HTML_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.S)
_HEADING_MARK = re.compile(r"^ {0,3}#{1,6}[ \t]+", re.MULTILINE)
_FOLDER_PAGES = {"readme", "index", "_index"}
_KEY_KINDS = ("alert", "title", "heading", "id", "name")

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    num INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    path TEXT NOT NULL,
    root TEXT NOT NULL,
    mtime_ns INTEGER NOT NULL,
    size INTEGER NOT NULL,
    title TEXT NOT NULL,
    services TEXT NOT NULL,
    alerts TEXT NOT NULL,
    tags TEXT NOT NULL,
    severity TEXT NOT NULL,
    owner TEXT NOT NULL,
    last_reviewed TEXT,
    problems TEXT NOT NULL,
    origin TEXT NOT NULL,
    stub TEXT NOT NULL,
    script TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS keys (key TEXT NOT NULL, num INTEGER NOT NULL, kind TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS keys_by_key ON keys(key);
CREATE INDEX IF NOT EXISTS keys_by_num ON keys(num);
CREATE VIRTUAL TABLE IF NOT EXISTS words USING fts5(
    {", ".join(_WORD_COLUMNS)},
    tokenize = 'porter unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE IF NOT EXISTS grams USING fts5(
    {", ".join(c + (" UNINDEXED" if c == "id" else "") for c in _GRAM_COLUMNS)},
    tokenize = 'trigram'
);
"""
_TABLES = ("words", "grams", "keys", "files", "meta", "runbooks_fts")


@dataclass(frozen=True, slots=True)
class RefreshStats:
    """What one refresh did; `seconds` is wall time including the directory walk."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    seconds: float = 0.0
    skipped: tuple[tuple[str, str], ...] = ()

    @property
    def total(self) -> int:
        return self.added + self.updated + self.unchanged


def parse_query(query: str) -> list[T.Term]:
    """See `terms.parse_query` (kept here for callers of the index)."""
    return T.parse_query(query)


def _like_pattern(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def clean_snippet(raw: str) -> tuple[str, tuple[tuple[int, int], ...]]:
    """Collapse whitespace and turn the FTS highlight markers into (start, end) offsets."""
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    start = -1
    length = 0
    pending_space = False
    for char in raw:
        if char == _HL_START:
            if pending_space and length:
                out.append(" ")
                length += 1
            pending_space = False
            start = length
            continue
        if char == _HL_END:
            if start >= 0 and length > start:
                spans.append((start, length))
            start = -1
            continue
        if char.isspace():
            pending_space = True
            continue
        if pending_space and length:
            out.append(" ")
            length += 1
        pending_space = False
        out.append(char)
        length += 1
    return "".join(out), tuple(spans)


def python_snippet(
    text: str, needles: Iterable[str], width: int = 96
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """A snippet around a needle (for `LIKE` matches, which FTS cannot snip)."""
    flat = _SPACE.sub(" ", text).strip()
    lowered = flat.lower()
    wanted = [n.lower() for n in needles if n]
    # The window centres on the first needle *in the given order* that occurs, so callers put
    # the most telling needle first (the short CJK term, which FTS could not snip itself).
    pos = next((at for at in (lowered.find(n) for n in wanted) if at >= 0), -1)
    if pos < 0:
        cut = flat[:width]
        return (cut + ("…" if len(flat) > width else "")), ()
    begin = max(0, pos - width // 3)
    end = min(len(flat), begin + width)
    prefix = "…" if begin else ""
    window = flat[begin:end]
    spans: list[tuple[int, int]] = []
    window_lower = window.lower()
    for needle in wanted:
        at = window_lower.find(needle)
        while at >= 0:
            spans.append((len(prefix) + at, len(prefix) + at + len(needle)))
            at = window_lower.find(needle, at + len(needle))
    return prefix + window + ("…" if end < len(flat) else ""), tuple(sorted(spans))


def searchable_body(runbook: Runbook) -> str:
    """What full-text search sees (and snippets show): the body without HTML comments, Hugo
    shortcodes, formatting tags and heading markers."""
    from irtui.runbooks.mdscan import strip_shortcodes

    body = _HTML_COMMENT.sub(" ", runbook.body) if "<!--" in runbook.body else runbook.body
    return _HEADING_MARK.sub("", _HTML_TAG.sub(" ", strip_shortcodes(body)))


def _name_words(rid: str) -> str:
    """The id's folders and file name as words (`team/kafka/README` -> `team kafka`)."""
    parts = [p for p in rid.split("/") if p and p.lower() not in _FOLDER_PAGES]
    return " ".join(parts).replace("-", " ").replace("_", " ")


_OPEN_ATTEMPTS = 8  # busy retries before the cache falls back to memory


def _secure_file(path: str) -> None:
    """The index holds full runbook text: its folder 0700, the file (and WAL files) 0600."""
    import stat

    from irtui import paths

    folder = os.path.dirname(path) or "."
    created = not os.path.isdir(folder)
    os.makedirs(folder, mode=0o700, exist_ok=True)
    # Only a folder that is the index's own is tightened (irtui made it, it is the cache dir,
    # or it holds nothing but the index): `--index /tmp/x.sqlite` must not make /tmp 0700.
    try:
        st = os.stat(folder)
        base = os.path.basename(path)
        dedicated = set(os.listdir(folder)) <= {base, f"{base}-wal", f"{base}-shm"}
        own = (
            created
            or os.path.realpath(folder) == os.path.realpath(paths.cache_dir())
            or (dedicated and st.st_uid == os.geteuid() and not st.st_mode & stat.S_ISVTX)
        )
        if own and st.st_mode & 0o077:
            os.chmod(folder, 0o700)
    except OSError:
        pass
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    os.close(fd)
    for suffix in ("", "-wal", "-shm"):
        try:
            st = os.stat(path + suffix)
            # a regular file of ours only: never /dev/null or someone else's file
            if stat.S_ISREG(st.st_mode) and st.st_uid == os.geteuid() and st.st_mode & 0o077:
                os.chmod(path + suffix, 0o600)
        except OSError:
            continue


@dataclass(slots=True)
class _Candidate:
    num: int
    tier: str
    score: float
    snippet: str = ""
    key_kind: str = ""
    covered: int = 0
    coverage: float = 0.0
    expression: str = ""


class RunbookIndex:
    """One SQLite file holding runbook metadata plus two FTS5 tables over their text.

    Thread-safe through one lock: the TUI refreshes in a worker thread while the search box
    queries; each operation is short, so serialising them costs nothing a person could notice.
    """

    def __init__(self, path: Path | str | None = None) -> None:
        if path is None:
            from irtui import paths

            path = paths.cache_dir() / "runbooks.sqlite"
        self.path = str(path)
        self._lock = threading.RLock()
        self._conn = self._connect()
        self._synonym_cache: tuple[str, dict[str, list[str]]] | None = None
        self._query_cjk = False
        self.last_skipped: tuple[tuple[str, str], ...] = ()

    # --- connection -------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        """Open (or rebuild) the cache; an unusable cache degrades to memory, never fails.

        Only a file SQLite calls damaged is deleted and rebuilt. A busy or locked cache (another
        irtui process creating the same cold file) is waited for and retried: deleting it then
        would pull the file from under the other process, whose WAL would then describe a
        different database ("database disk image is malformed").
        """
        if self.path != ":memory:":
            for attempt in range(_OPEN_ATTEMPTS):
                try:
                    _secure_file(self.path)
                    return self._open_checked(self.path)
                except sqlite3.OperationalError as exc:
                    if not _busy(exc):
                        break
                    time.sleep(0.05 * (attempt + 1))  # someone else is writing: wait
                except sqlite3.DatabaseError:
                    # A corrupt cache of our own: it is only a cache, so start again. Never
                    # delete what is not ours: `--index /dev/null` replaced the system's
                    # /dev/null, and `--index notes.db` deleted someone's database.
                    if not _own_cache_file(self.path):
                        break
                    try:
                        for suffix in ("", "-wal", "-shm"):
                            Path(self.path + suffix).unlink(missing_ok=True)
                        _secure_file(self.path)
                        return self._open_checked(self.path)
                    except (OSError, sqlite3.Error):
                        break
                except OSError:
                    break
            self.path = ":memory:"
        return self._open_checked(":memory:")

    @staticmethod
    def _open_checked(target: str) -> sqlite3.Connection:
        # Autocommit mode: `refresh` opens its own BEGIN IMMEDIATE transaction.
        conn = sqlite3.connect(target, timeout=10, check_same_thread=False, isolation_level=None)
        try:
            conn.row_factory = sqlite3.Row
            if target != ":memory:":
                conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            version = None
            try:  # the warm path: one read, no write lock
                row = conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
                version = row[0] if row else None
            except sqlite3.OperationalError:
                version = None
            if version != SCHEMA_VERSION:
                RunbookIndex._create_schema(conn)
        except sqlite3.Error:
            conn.close()
            raise
        if target != ":memory:":
            _secure_file(target)  # the WAL files exist now
        return conn

    @staticmethod
    def _create_schema(conn: sqlite3.Connection) -> None:
        # Check and create the schema in one write transaction: two cold openers at once
        # then run one after the other, and neither can see the other's half-made schema
        # (a `meta` table without its version row) and drop the tables under it.
        conn.execute("BEGIN IMMEDIATE")
        try:
            has_meta = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'"
            ).fetchone()
            version = None
            if has_meta:
                row = conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
                version = row[0] if row else None
            if version != SCHEMA_VERSION:
                for table in _TABLES:
                    conn.execute(f"DROP TABLE IF EXISTS {table}")
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                conn.execute(
                    "INSERT OR REPLACE INTO meta(key, value) VALUES ('schema', ?)",
                    (SCHEMA_VERSION,),
                )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> RunbookIndex:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # --- refresh ----------------------------------------------------------------------
    def refresh(
        self, roots: Iterable[Path | str], *, bundled: Path | str | None = None
    ) -> RefreshStats:
        """Bring the index in line with the files under `roots`; only changed files are parsed.

        A file counts as changed when its path, mtime (ns) or size differ from what was indexed.
        Files that fail to parse are still indexed (with their problems), never skipped.
        `bundled` names the starter library's folder (default: irtui's own), ranked lower.
        Raises `walk.WalkLimitError` for a folder too big to be a runbook library.
        """
        started = time.perf_counter()
        roots = [os.fspath(r) for r in roots]
        if bundled is None:
            from irtui.paths import bundled_runbooks_dir

            bundled = bundled_runbooks_dir()
        bundled_real = os.path.realpath(os.fspath(bundled))
        added = updated = unchanged = 0
        gone: list[int] = []
        with self._lock:
            conn = self._conn
            existing = self._existing(conn)
            quick = self._unchanged(conn, roots, existing, bundled_real)
            if quick is not None:  # the warm path: no walk, no write
                return RefreshStats(
                    unchanged=quick, seconds=time.perf_counter() - started,
                    skipped=self.last_skipped,
                )  # fmt: skip
            known = {value[1]: value for value in existing.values()}
            found: Discovery = discover(roots, known=known)
            configs = self._config_fingerprint(roots)
            # Nothing changed -> no write at all (the warm path). Otherwise take the write
            # lock and read again what is indexed: two irtui processes refreshing one cache
            # at once then run one after the other instead of both inserting one runbook.
            todo = []
            for rid, (path, root) in found.files.items():
                try:
                    stat = os.stat(path)
                    mtime_ns, size = stat.st_mtime_ns, stat.st_size
                except OSError:
                    mtime_ns, size = -1, -1
                old = existing.get(rid)
                if old is not None and old[1:] == (path, mtime_ns, size, root):
                    unchanged += 1
                    continue
                todo.append((rid, path, root, mtime_ns, size, old))
            gone = [value[0] for rid, value in existing.items() if rid not in found.files]
            config_changed = self._meta(conn, "configs") != configs
            tree = json.dumps(
                {"roots": roots, "bundled": bundled_real, "folders": found.folders,
                 "skipped": found.skipped}
            )  # fmt: skip
            if todo or gone or config_changed or self._meta(conn, "tree") != tree:
                from irtui.runbooks.loader import load_file

                conn.execute("BEGIN IMMEDIATE")
                try:
                    existing = self._existing(conn)  # another process may have written
                    for rid, path, root, mtime_ns, size, _old in todo:
                        old = existing.get(rid)
                        if old is not None and old[1:] == (path, mtime_ns, size, root):
                            unchanged += 1
                            continue
                        if old is None:
                            added += 1
                        else:
                            updated += 1
                            self._delete(conn, old[0])
                        runbook = load_file(Path(path), Path(root), rid)
                        origin = "bundled" if os.path.realpath(root) == bundled_real else "team"
                        self._insert(conn, runbook, root, mtime_ns, size, origin)
                    gone = [v[0] for rid, v in existing.items() if rid not in found.files]
                    for num in gone:
                        self._delete(conn, num)
                    if config_changed:
                        self._store_configs(conn, roots, configs)
                    conn.execute(
                        "INSERT OR REPLACE INTO meta(key, value) VALUES ('tree', ?)", (tree,)
                    )
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
                self._synonym_cache = None
        return RefreshStats(
            added, updated, len(gone), unchanged, time.perf_counter() - started,
            tuple(found.skipped),
        )  # fmt: skip

    def _unchanged(
        self,
        conn: sqlite3.Connection,
        roots: Sequence[str],
        existing: Mapping[str, tuple[int, str, int, int, str]],
        bundled_real: str,
    ) -> int | None:
        """The number of runbooks when nothing changed since the last walk (same roots, the
        same folder mtimes, every file's mtime and size as indexed, no settings file
        changed), else None. Costs one `stat` per folder and per file, no directory read."""
        from irtui.runbooks.walk import folders_unchanged

        raw = self._meta(conn, "tree")
        if raw is None:
            return None
        tree = json.loads(raw)
        if tree.get("roots") != list(roots) or tree.get("bundled") != bundled_real:
            return None
        if not folders_unchanged(tree.get("folders") or {}):
            return None
        if self._meta(conn, "configs") != self._config_fingerprint(roots):
            return None
        for _num, path, mtime_ns, size, _root in existing.values():
            try:
                stat = os.stat(path)
            except OSError:
                return None
            if stat.st_mtime_ns != mtime_ns or stat.st_size != size:
                return None
        self.last_skipped = tuple(tuple(item) for item in tree.get("skipped") or ())
        return len(existing)

    @staticmethod
    def _existing(conn: sqlite3.Connection) -> dict[str, tuple[int, str, int, int, str]]:
        return {
            row[0]: (row[1], row[2], row[3], row[4], row[5])
            for row in conn.execute("SELECT id, num, path, mtime_ns, size, root FROM files")
        }

    @staticmethod
    def _meta(conn: sqlite3.Connection, key: str) -> str | None:
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    @staticmethod
    def _config_fingerprint(roots: Sequence[str]) -> str:
        from irtui.runbooks.libconfig import fingerprint

        return json.dumps([fingerprint(root) for root in roots])

    def _store_configs(self, conn: sqlite3.Connection, roots: Sequence[str], prints: str) -> None:
        """Parse each library's `irtui-runbooks.yaml` (only when one changed) and keep the
        merged synonym table, so a search never imports a YAML parser."""
        from irtui.runbooks.libconfig import LibraryConfigError, load_library_config
        from irtui.runbooks.synonyms import build_table

        groups: list[tuple[str, ...]] = []
        include_default = True
        problems: list[str] = []
        for root in roots:
            try:
                config = load_library_config(root)
            except LibraryConfigError as exc:
                problems.append(str(exc))
                continue
            groups.extend(config.synonyms)
            include_default = include_default and config.default_synonyms
        table = build_table(groups, include_default=include_default)
        for key, value in (
            ("configs", prints), ("synonyms", json.dumps(table)),
            ("config_problems", json.dumps(problems)),
        ):  # fmt: skip
            conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    @staticmethod
    def _delete(conn: sqlite3.Connection, num: int) -> None:
        for table, column in (("words", "rowid"), ("grams", "rowid"), ("keys", "num"),
                              ("files", "num")):  # fmt: skip
            conn.execute(f"DELETE FROM {table} WHERE {column} = ?", (num,))

    @staticmethod
    def _insert(
        conn: sqlite3.Connection, runbook: Runbook, root: str, mtime_ns: int, size: int,
        origin: str,
    ) -> None:  # fmt: skip
        from irtui.runbooks.stubs import stub_note

        problems = [f"{p.line}: {p.message}" for p in runbook.problems]
        reviewed = runbook.last_reviewed.isoformat() if runbook.last_reviewed else None
        stub = stub_note(runbook) if not runbook.is_binary else ""
        cursor = conn.execute(
            "INSERT INTO files (id, path, root, mtime_ns, size, title, services, alerts, tags,"
            " severity, owner, last_reviewed, problems, origin, stub, script)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                runbook.id, str(runbook.path), root, mtime_ns, size, runbook.title,
                json.dumps(runbook.services), json.dumps(runbook.alerts),
                json.dumps(runbook.tags), runbook.severity, runbook.owner, reviewed,
                json.dumps(problems), origin, stub, _script(runbook.body),
            ),
        )  # fmt: skip
        num = cursor.lastrowid
        body = searchable_body(runbook)
        h1 = next((h.text for h in runbook.headings if h.level == 1), "")
        title_text = runbook.title if h1 in ("", runbook.title) else f"{runbook.title} {h1}"
        name = _name_words(runbook.id)
        alerts = " ".join(runbook.alerts)
        headings = " ".join(h.text for h in runbook.headings if h.level > 1)
        meta = " ".join([*runbook.services, *runbook.tags])
        extra = " ".join(
            (
                T.expand_identifiers(f"{name} {title_text} {alerts}", joins=True),
                T.expand_identifiers(f"{meta} {headings} {body}"),
            )
        )
        conn.execute(
            "INSERT INTO words (rowid, name, title, alerts, meta, headings, body, extra)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (num, name, title_text, alerts, meta, headings, body, extra),
        )
        conn.execute(
            "INSERT INTO grams (rowid, id, name, title, alerts, services, tags, body)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                num, runbook.id, runbook.id.replace("/", " ").replace("-", " ") + " "
                + runbook.id, runbook.title, alerts, " ".join(runbook.services),
                " ".join(runbook.tags), body,
            ),
        )  # fmt: skip
        keys: set[tuple[str, str]] = set()
        for kind, values in (
            ("alert", runbook.alerts), ("title", [runbook.title]), ("heading", [h1]),
            ("id", [runbook.id]), ("name", [runbook.slug]),
        ):  # fmt: skip
            for value in values:
                key = T.norm_key(value)
                if key and not (kind == "name" and runbook.slug.lower() in _FOLDER_PAGES):
                    keys.add((key, kind))
        conn.executemany(
            "INSERT INTO keys (key, num, kind) VALUES (?, ?, ?)",
            [(key, num, kind) for key, kind in sorted(keys)],
        )

    # --- reads ------------------------------------------------------------------------
    @staticmethod
    def _summary(row: sqlite3.Row) -> RunbookSummary:
        reviewed = row["last_reviewed"]
        return RunbookSummary(
            id=row["id"],
            path=Path(row["path"]),
            title=row["title"],
            services=tuple(json.loads(row["services"])),
            alerts=tuple(json.loads(row["alerts"])),
            tags=tuple(json.loads(row["tags"])),
            severity=row["severity"],
            owner=row["owner"],
            last_reviewed=date.fromisoformat(reviewed) if reviewed else None,
            problem_count=len(json.loads(row["problems"])),
            origin=row["origin"],
            stub=row["stub"],
        )

    def summaries(self) -> list[RunbookSummary]:
        """Every indexed runbook: the team's first, then by title (case-insensitive) and id."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT * FROM files ORDER BY origin = 'bundled', stub != '', lower(title), id"
            ).fetchall()
        return [self._summary(row) for row in rows]

    def summary(self, rid: str) -> RunbookSummary | None:
        with self._lock:
            row = self._conn.execute("SELECT * FROM files WHERE id = ?", (rid,)).fetchone()
        return self._summary(row) if row else None

    def location(self, rid: str) -> tuple[Path, Path] | None:
        """`(file, root folder)` of an indexed runbook."""
        with self._lock:
            row = self._conn.execute("SELECT path, root FROM files WHERE id = ?", (rid,)).fetchone()
        return (Path(row[0]), Path(row[1])) if row else None

    def problems(self, rid: str) -> list[str]:
        """The `line: message` problems recorded when the file was indexed."""
        with self._lock:
            row = self._conn.execute("SELECT problems FROM files WHERE id = ?", (rid,)).fetchone()
        return list(json.loads(row[0])) if row else []

    def config_problems(self) -> list[str]:
        """Why a library's `irtui-runbooks.yaml` was ignored (file:line), if it was."""
        with self._lock:
            raw = self._meta(self._conn, "config_problems")
        return list(json.loads(raw)) if raw else []

    def count(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT count(*) FROM files").fetchone()[0])

    def synonyms(self) -> dict[str, list[str]]:
        """The synonym table in force (defaults plus every library's own groups)."""
        with self._lock:
            raw = self._meta(self._conn, "synonyms")
            if raw is None:
                from irtui.runbooks.synonyms import build_table

                return build_table(())
            if self._synonym_cache is None or self._synonym_cache[0] != raw:
                self._synonym_cache = (raw, json.loads(raw))
            return self._synonym_cache[1]

    # --- search -----------------------------------------------------------------------
    def search(
        self,
        query: str,
        limit: int = 20,
        *,
        explain: bool = False,
        any_words: bool = False,
        boost: Mapping[str, tuple[float, str]] | None = None,
    ) -> list[SearchHit]:
        """Ranked hits for `query` (see the module docstring for the tiers); an empty query
        lists runbooks, the team's first. `any_words` skips the all-words tier (suggestions
        from an incident title match on some words). `boost` maps runbook ids to a score
        factor and a reason (the incident's services and alerts, from `suggest`).
        """
        parsed = T.parse_query(query)
        if not parsed:
            return [SearchHit(s, 0.0, "") for s in self.summaries()[:limit]]
        synonyms = self.synonyms()
        parsed = T.merged_terms(parsed, synonyms)
        self._query_cjk = T.has_cjk(query)
        candidates: dict[int, _Candidate] = {}
        with self._lock:
            try:
                self._exact(query, parsed, candidates)
                if self._query_cjk:
                    # No spaces between words: only substrings can match (all terms).
                    self._grams(parsed, candidates)
                    if len(candidates) < limit:  # then pieces of the words, ranked lower
                        self._grams(_cjk_pieces(parsed), candidates, tier="pieces")
                else:
                    if not any_words:
                        self._words(parsed, synonyms, "AND", "words", candidates)
                    # Some of the words: instead of nothing, or below the all-words matches.
                    if len(parsed) > 1 and len(candidates) < limit:
                        self._words(parsed, synonyms, "OR", "some-words", candidates)
                    if len(candidates) < limit:
                        self._grams(parsed, candidates)
                self._coverage(parsed, synonyms, candidates)
            except sqlite3.OperationalError:
                return []  # a query FTS cannot parse finds nothing rather than crashing
            if not candidates:
                return []
            marks = ",".join("?" * len(candidates))
            rows = {
                row["num"]: row
                for row in self._conn.execute(
                    "SELECT num, id, title, origin, stub, script FROM files"
                    f" WHERE num IN ({marks})",
                    list(candidates),
                )
            }
            ranked = sorted(
                (c for c in candidates.values() if c.num in rows),
                key=lambda c: self._rank_key(c, rows[c.num], boost),
            )[: max(1, limit)]
            self._word_snippets(ranked)
            marks = ",".join("?" * len(ranked))
            rows = {
                row["num"]: row
                for row in self._conn.execute(
                    f"SELECT * FROM files WHERE num IN ({marks})", [c.num for c in ranked]
                )
            }
        hits = []
        for cand in ranked:
            row = rows[cand.num]
            text, spans = self._snippet_for(cand, parsed)
            reasons = self._explain(cand, row, parsed, synonyms, boost) if explain else ()
            hits.append(
                SearchHit(
                    self._summary(row), self._final_score(cand, row, boost), text, spans,
                    tier=cand.tier, reasons=reasons,
                )
            )  # fmt: skip
        return hits

    def _factor(
        self, cand: _Candidate, row: sqlite3.Row, boost: Mapping[str, tuple[float, str]] | None
    ) -> float:
        factor = 1.0
        if row["script"] == "cjk" and not self._query_cjk:
            factor *= OTHER_SCRIPT_WEIGHT
        if row["origin"] == "bundled":
            factor *= BUNDLED_WEIGHT
        if row["stub"]:
            factor *= STUB_WEIGHT
        if boost and row["id"] in boost:
            factor *= boost[row["id"]][0]
        return factor * (1.0 + COVERAGE_WEIGHT * cand.coverage)

    def _final_score(
        self, cand: _Candidate, row: sqlite3.Row, boost: Mapping[str, tuple[float, str]] | None
    ) -> float:
        """Higher is better (bm25 is negated)."""
        return round(-cand.score * self._factor(cand, row, boost), 4)

    def _rank_key(
        self, cand: _Candidate, row: sqlite3.Row, boost: Mapping[str, tuple[float, str]] | None
    ) -> tuple[Any, ...]:
        tier = _TIERS[cand.tier]
        if row["script"] == "cjk" and not self._query_cjk and tier < _TIERS["substring"]:
            tier = _TIERS["some-words"] + 0.5  # a translated copy: below pages in the query's
        elif cand.tier == "exact" and (row["stub"] or row["origin"] == "bundled"):
            # A stub below its target; the starter set's "Disk full" below the team's own
            # runbook on the same words (it still leads when the team has none).
            tier = _TIERS["words"]
        elif cand.tier == "exact":
            return (
                tier,
                _KEY_KINDS.index(cand.key_kind),
                row["script"] == "cjk" and not self._query_cjk,
                bool(row["stub"]),
                row["origin"] == "bundled",
                row["title"].lower(),
                row["id"],
            )
        return (
            tier,
            -self._final_score(cand, row, boost),
            row["title"].lower(),
            row["id"],
        )

    def _exact(self, query: str, parsed: list[T.Term], out: dict[int, _Candidate]) -> None:
        """The whole query is an alert name, title, H1, id or file name (field filters: no)."""
        if any(t.field for t in parsed):
            return
        wanted = [T.norm_key(query)]
        if not wanted[0]:
            return
        for row in self._conn.execute(
            "SELECT key, num, kind FROM keys WHERE key = ?", (wanted[0],)
        ).fetchall():
            num, kind = row["num"], row["kind"]
            known = out.get(num)
            if known is None or _KEY_KINDS.index(kind) < _KEY_KINDS.index(known.key_kind):
                out[num] = _Candidate(num, "exact", 0.0, key_kind=kind)

    def _words(
        self,
        parsed: list[T.Term],
        synonyms: Mapping[str, Sequence[str]],
        operator: str,
        tier: str,
        out: dict[int, _Candidate],
    ) -> bool:
        expression = T.build_expression(parsed, synonyms, operator)
        if not expression:
            return False
        weights = ", ".join(str(w) for w in _WORD_WEIGHTS)
        sql = (
            f"SELECT rowid AS num, bm25(words, {weights}) AS score"
            f" FROM words WHERE words MATCH ? ORDER BY score LIMIT {_CANDIDATES}"
        )
        rows = self._conn.execute(sql, (expression,)).fetchall()
        for row in rows:
            known = out.get(row["num"])
            if known is None:
                out[row["num"]] = _Candidate(row["num"], tier, float(row["score"]),
                                             expression=expression)  # fmt: skip
            elif known.tier == "exact":
                known.expression = expression
                known.score = float(row["score"])
        return bool(rows)

    def _word_snippets(self, shown: Sequence[_Candidate]) -> None:
        """Snippets for the hits that are shown only (snippet() is the costly part of FTS)."""
        by_expression: dict[str, list[_Candidate]] = {}
        for cand in shown:
            if cand.expression and not cand.snippet:
                by_expression.setdefault(cand.expression, []).append(cand)
        for expression, cands in by_expression.items():
            marks = ",".join("?" * len(cands))
            found = {
                row[0]: row[1]
                for row in self._conn.execute(
                    f"SELECT rowid, snippet(words, 5, char(2), char(3), '…',"
                    f" {_WORD_SNIPPET_TOKENS}) FROM words WHERE words MATCH ?"
                    f" AND rowid IN ({marks})",
                    [expression, *(c.num for c in cands)],
                )
            }
            for cand in cands:
                cand.snippet = found.get(cand.num, "")

    def _coverage(
        self,
        parsed: list[T.Term],
        synonyms: Mapping[str, Sequence[str]],
        out: dict[int, _Candidate],
    ) -> None:
        """How many query terms each word match has in its title, alert names or path: a
        title that says what was typed is what a person picks first. One query per term."""
        words = sorted(
            (c for c in out.values() if c.tier in ("words", "some-words")),
            key=lambda c: (c.tier, c.score),
        )
        nums = [c.num for c in words[:_COVERAGE_CANDIDATES]]
        if not nums or not 2 <= len(parsed) <= 8:
            return  # one term: bm25's title weight already says it
        marks = ",".join("?" * len(nums))
        for term in parsed:
            alternatives = T.term_alternatives(term, synonyms)
            if not alternatives:
                continue
            expression = "{name title alerts} : (" + " OR ".join(alternatives) + ")"
            for row in self._conn.execute(
                f"SELECT rowid FROM words WHERE words MATCH ? AND rowid IN ({marks})",
                [expression, *nums],
            ):
                out[row[0]].covered += 1
        for cand in out.values():
            cand.coverage = cand.covered / len(parsed)

    def _grams(
        self, parsed: list[T.Term], out: dict[int, _Candidate], *, tier: str = "substring"
    ) -> None:
        """Substring matches (trigram FTS; `LIKE` for terms under three characters)."""
        long_terms = [t for t in parsed if len(t.text) >= 3]
        short_terms = [t for t in parsed if len(t.text) < 3]
        params: list[Any] = []
        where: list[str] = []
        if long_terms:
            where.append("grams MATCH ?")
            params.append(" AND ".join(self._gram_phrase(t) for t in long_terms))
        for term in short_terms:
            columns = [T.TRIGRAM_FIELDS[term.field]] if term.field else list(_GRAM_COLUMNS[1:])
            where.append("(" + " OR ".join(f"grams.{c} LIKE ? ESCAPE '\\'" for c in columns) + ")")
            params.extend([_like_pattern(term.text)] * len(columns))
        weights = ", ".join(str(w) for w in _GRAM_WEIGHTS)
        if long_terms:
            score = f"bm25(grams, {weights})"
            snippet = f"snippet(grams, 6, char(2), char(3), '…', {_SNIPPET_TOKENS})"
        else:
            # No bm25 without an FTS term: title hits first, then how often the text has it.
            title_terms = " + ".join("(grams.title LIKE ? ESCAPE '\\')" for _ in parsed)
            if self._query_cjk:  # how often the text has it (costly: only where it helps)
                occurrences = " + ".join(
                    "min(8, (length(grams.body) - length(replace(grams.body, ?, ''))) / ?)"
                    for _ in parsed
                )
                counts = [value for t in parsed for value in (t.text, len(t.text))]
            else:
                occurrences, counts = "1.0 / (1 + length(grams.body) / 1e4)", []
            score = f"-(10.0 * ({title_terms}) + {occurrences})"
            params[:0] = [_like_pattern(t.text) for t in parsed] + counts
            snippet = "NULL"
        sql = (
            f"SELECT rowid AS num, {score} AS score, {snippet} AS snip, body FROM grams"
            f" WHERE {' AND '.join(where)} ORDER BY score LIMIT {_GRAM_CANDIDATES}"
        )
        for row in self._conn.execute(sql, params).fetchall():
            if row["num"] in out:
                continue
            raw = row["snip"]
            usable = bool(raw) and _HL_START in raw
            if usable and short_terms:
                lowered = raw.lower()
                usable = all(t.text.lower() in lowered for t in short_terms)
            snip = raw if usable else ""
            if not usable:
                needles = [t.text for t in short_terms] + [t.text for t in long_terms]
                text, spans = python_snippet(row["body"], needles)
                snip = _mark(text, spans)
            out[row["num"]] = _Candidate(row["num"], tier, float(row["score"]), snip)

    @staticmethod
    def _gram_phrase(term: T.Term) -> str:
        phrase = '"' + term.text.replace('"', '""') + '"'
        return f"{T.TRIGRAM_FIELDS[term.field]} : {phrase}" if term.field else phrase

    def _snippet_for(
        self, cand: _Candidate, parsed: list[T.Term]
    ) -> tuple[str, tuple[tuple[int, int], ...]]:
        from irtui.boundary.text_out import for_terminal

        raw = cand.snippet
        if not raw or _HL_START not in raw:
            with self._lock:
                row = self._conn.execute(
                    "SELECT body FROM words WHERE rowid = ?", (cand.num,)
                ).fetchone()
            body = row[0] if row else ""
            text, spans = python_snippet(body, [w for t in parsed for w in t.words])
        else:
            text, spans = clean_snippet(raw)
        # One character for one: the highlight offsets stay right.
        return for_terminal(text, single_line=False).replace("\n", " "), spans

    def _explain(
        self,
        cand: _Candidate,
        row: sqlite3.Row,
        parsed: list[T.Term],
        synonyms: Mapping[str, Sequence[str]],
        boost: Mapping[str, tuple[float, str]] | None,
    ) -> tuple[str, ...]:
        """Why this hit ranked where it did, in words a person can check."""
        reasons: list[str] = []
        if cand.tier == "exact":
            reasons.append(f"exact {cand.key_kind} match: ranked first")
        elif cand.tier == "words":
            reasons.append("has every query word")
        elif cand.tier == "some-words":
            reasons.append("has some of the query words: ranked below runbooks that have them all")
        elif cand.tier == "substring":
            reasons.append("substring match only (no word matched): ranked below word matches")
        else:
            reasons.append("pieces of the query only: ranked below the whole phrase")
        groups = (("title", "title"), ("alerts", "alert"), ("name", "path"), ("meta",
                  "services/tags"), ("headings", "headings"), ("body", "text"))  # fmt: skip
        for term in parsed:
            alternatives = T.term_alternatives(term, synonyms)
            if not alternatives:
                continue
            where: list[str] = []
            with self._lock:
                for column, label in groups:
                    expression = f"{column} : ({' OR '.join(alternatives)})"
                    try:
                        hit = self._conn.execute(
                            "SELECT 1 FROM words WHERE words MATCH ? AND rowid = ?",
                            (expression, cand.num),
                        ).fetchone()
                    except sqlite3.OperationalError:
                        hit = None
                    if hit:
                        where.append(label)
            via = ""
            if len(alternatives) > 1:
                via = " (with synonyms " + ", ".join(a.strip('"*') for a in alternatives[1:]) + ")"
            found = ", ".join(where) if where else "not as a word"
            reasons.append(f"{term.text!r}{via}: {found}")
        if cand.tier != "exact":
            reasons.append(f"bm25 {-cand.score:.2f}")
        if cand.coverage:
            reasons.append(
                f"{cand.covered} of {len(parsed)} term(s) in title/alert/path: score × "
                f"{1 + COVERAGE_WEIGHT * cand.coverage:.2f}"
            )
        if row["origin"] == "bundled":
            reasons.append(f"bundled starter runbook: score × {BUNDLED_WEIGHT} (team's first)")
        if row["stub"]:
            reasons.append(f"stub ({row['stub']}): score × {STUB_WEIGHT}")
        if row["script"] == "cjk" and not self._query_cjk:
            reasons.append(f"written in another script than the query: × {OTHER_SCRIPT_WEIGHT}")
        if boost and row["id"] in boost:
            factor, why = boost[row["id"]]
            reasons.append(f"{why}: score × {factor:g}")
        return tuple(reasons)


def _cjk_pieces(parsed: list[T.Term]) -> list[T.Term]:
    """Long CJK terms cut into two-character pieces ("证书过期" -> "证书", "过期"): the words of
    a sentence without spaces, approximately, for when the whole phrase is not in a text."""
    pieces: list[T.Term] = []
    for term in parsed:
        text = term.text
        if T.has_cjk(text) and len(text) >= 4:
            pieces.extend(T.Term(text[i : i + 2], term.field) for i in range(0, len(text) - 1, 2))
        else:
            pieces.append(term)
    return pieces


def _script(body: str) -> str:
    """'cjk' when the body is written in Chinese, Japanese or Korean (commands and names in
    Latin letters around it; one CJK character stands for a word, hence the low share)."""
    sample = body[:4000]
    letters = sum(1 for ch in sample if ch.isalpha())
    cjk = len(T._CJK.findall(sample))
    return "cjk" if letters and cjk * 8 > letters else ""


def _mark(text: str, spans: Sequence[tuple[int, int]]) -> str:
    """Put highlight markers back around `spans` (so every snippet takes one path)."""
    out: list[str] = []
    last = 0
    for start, end in spans:
        if start < last:
            continue
        out.append(text[last:start] + _HL_START + text[start:end] + _HL_END)
        last = end
    out.append(text[last:])
    return "".join(out)


def _busy(exc: sqlite3.OperationalError) -> bool:
    """SQLite's busy or locked: another connection holds the file for now."""
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def _own_cache_file(path: str) -> bool:
    """Whether `path` is a regular file in irtui's cache dir (the index irtui made there)."""
    import os
    import stat

    from irtui import paths

    try:
        st = os.lstat(path)
        return stat.S_ISREG(st.st_mode) and Path(path).resolve().parent == (
            paths.cache_dir().resolve()
        )
    except OSError:
        return False
