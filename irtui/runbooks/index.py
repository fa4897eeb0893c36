"""The runbook search index: SQLite FTS5 in the user cache dir, refreshed incrementally.

Why a separate SQLite file and not the incident store: the index is a cache of files on disk,
rebuilt at will, per machine; the incident store may be a shared PostgreSQL database that has no
FTS5 at all. Stdlib `sqlite3` is enough, so searching works with any store and even with none.

Why the `trigram` tokenizer: it matches substrings, so search-as-you-type works on partial
words (`crashl` finds `KubePodCrashLooping`) and Chinese text, which has no spaces between
words, is searchable without a segmenter. Its one gap, terms shorter than three characters
(`磁盘` is two), is covered by a `LIKE` scan, which is still fast over a few thousand runbooks.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from irtui.runbooks.loader import assign_ids, load_file
from irtui.runbooks.mdscan import strip_shortcodes
from irtui.runbooks.model import Runbook, RunbookSummary, SearchHit

SCHEMA_VERSION = "2"
_HL_START, _HL_END = "\x02", "\x03"
_SNIPPET_TOKENS = 48  # trigram "tokens" are characters, so this is roughly 48 characters
_FIELDS = {
    "title": "title", "alert": "alerts", "alerts": "alerts", "service": "services",
    "services": "services", "svc": "services", "tag": "tags", "tags": "tags", "name": "name",
    "body": "body",
}  # fmt: skip
_FTS_COLUMNS = ("id", "name", "title", "alerts", "services", "tags", "body")
_WEIGHTS = (0.0, 6.0, 10.0, 8.0, 6.0, 4.0, 1.0)
"""bm25 column weights, in `_FTS_COLUMNS` order: a title or alert hit beats ten body hits."""
_TOKEN = re.compile(r'(?:(\w+):)?(?:"([^"]*)"?|(\S+))')
_SPACE = re.compile(r"\s+")
_HTML_TAG = re.compile(r"</?(?:details|summary|br|p|div|span|b|i|em|strong|code|kbd)\s*/?>", re.I)
_HEADING_MARK = re.compile(r"^ {0,3}#{1,6}[ \t]+", re.MULTILINE)

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
    problems TEXT NOT NULL
);
CREATE VIRTUAL TABLE IF NOT EXISTS runbooks_fts USING fts5(
    {", ".join(c + (" UNINDEXED" if c == "id" else "") for c in _FTS_COLUMNS)},
    tokenize = 'trigram'
);
"""


@dataclass(frozen=True, slots=True)
class RefreshStats:
    """What one refresh did; `seconds` is wall time including the directory walk."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return self.added + self.updated + self.unchanged


@dataclass(frozen=True, slots=True)
class _Term:
    text: str
    column: str | None

    @property
    def short(self) -> bool:
        return len(self.text) < 3


def parse_query(query: str) -> list[_Term]:
    """Split a query into terms; `service:db`, `alert:Kube`, `tag:x`, `title:x` pick a field.

    Quotes group words into one phrase. An unknown `foo:` prefix is kept as text (it may be a
    Kubernetes `namespace:pod` the user pasted).
    """
    terms: list[_Term] = []
    for match in _TOKEN.finditer(query):
        prefix, quoted, bare = match.group(1), match.group(2), match.group(3)
        text = quoted if quoted is not None else (bare or "")
        column = _FIELDS.get(prefix.lower()) if prefix else None
        if prefix and column is None:
            text = f"{prefix}:{text}"
        text = text.strip()
        if text:
            terms.append(_Term(text, column))
    return terms


def _fts_phrase(term: _Term) -> str:
    phrase = '"' + term.text.replace('"', '""') + '"'
    return f"{term.column} : {phrase}" if term.column else phrase


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
    """What full-text search sees (and snippets show): the body without Hugo shortcodes,
    formatting tags and heading markers."""
    return _HEADING_MARK.sub("", _HTML_TAG.sub(" ", strip_shortcodes(runbook.body)))


def _searchable_name(rid: str) -> str:
    return rid.replace("/", " ").replace("-", " ").replace("_", " ") + " " + rid


class RunbookIndex:
    """One SQLite file holding runbook metadata plus an FTS5 table over their text.

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

    # --- connection -------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        """Open (or rebuild) the cache; an unusable cache degrades to memory, never fails."""
        if self.path != ":memory:":
            try:
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
                return self._open_checked(self.path)
            except sqlite3.DatabaseError:
                # A corrupt cache of our own: it is only a cache, so start again. Never delete
                # what is not ours: `--index /dev/null` replaced the system's /dev/null, and
                # `--index notes.db` deleted someone's database.
                if _own_cache_file(self.path):
                    try:
                        Path(self.path).unlink(missing_ok=True)
                        return self._open_checked(self.path)
                    except (OSError, sqlite3.Error):
                        pass
            except OSError:
                pass
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
            # Check and create the schema in one write transaction: two cold openers at once
            # then run one after the other, and neither can see the other's half-made schema
            # (a `meta` table without its version row) and drop the tables under it.
            conn.execute("BEGIN IMMEDIATE")
            try:
                version = None
                has_meta = conn.execute(
                    "SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'"
                ).fetchone()
                if has_meta:
                    row = conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
                    version = row[0] if row else None
                if has_meta and version != SCHEMA_VERSION:
                    for table in ("runbooks_fts", "files", "meta"):
                        conn.execute(f"DROP TABLE IF EXISTS {table}")
                if version != SCHEMA_VERSION:
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
        except sqlite3.Error:
            conn.close()
            raise
        return conn

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> RunbookIndex:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    # --- refresh ----------------------------------------------------------------------
    def refresh(self, roots: Iterable[Path]) -> RefreshStats:
        """Bring the index in line with the files under `roots`; only changed files are parsed.

        A file counts as changed when its path, mtime (ns) or size differ from what was indexed.
        Files that fail to parse are still indexed (with their problems), never skipped.
        """
        started = time.perf_counter()
        found = assign_ids(list(roots))
        added = updated = unchanged = 0
        with self._lock:
            conn = self._conn
            # Take the write lock *before* reading what is indexed: two irtui processes
            # refreshing one cache at once then run one after the other instead of both
            # inserting the same runbook.
            conn.execute("BEGIN IMMEDIATE")
            try:
                existing = {
                    row["id"]: (row["num"], row["path"], row["mtime_ns"], row["size"])
                    for row in conn.execute("SELECT num, id, path, mtime_ns, size FROM files")
                }
                for rid, (path, root) in found.items():
                    try:
                        stat = path.stat()
                        mtime_ns, size = stat.st_mtime_ns, stat.st_size
                    except OSError:
                        mtime_ns, size = -1, -1
                    old = existing.get(rid)
                    if old is not None and old[1:] == (str(path), mtime_ns, size):
                        unchanged += 1
                        continue
                    runbook = load_file(path, root, rid)
                    if old is None:
                        added += 1
                    else:
                        updated += 1
                        conn.execute("DELETE FROM runbooks_fts WHERE rowid = ?", (old[0],))
                        conn.execute("DELETE FROM files WHERE num = ?", (old[0],))
                    self._insert(conn, runbook, root, mtime_ns, size)
                gone = [value[0] for rid, value in existing.items() if rid not in found]
                for num in gone:
                    conn.execute("DELETE FROM runbooks_fts WHERE rowid = ?", (num,))
                    conn.execute("DELETE FROM files WHERE num = ?", (num,))
                conn.execute("COMMIT")
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        return RefreshStats(added, updated, len(gone), unchanged, time.perf_counter() - started)

    @staticmethod
    def _insert(
        conn: sqlite3.Connection, runbook: Runbook, root: Path, mtime_ns: int, size: int
    ) -> None:
        problems = [f"{p.line}: {p.message}" for p in runbook.problems]
        reviewed = runbook.last_reviewed.isoformat() if runbook.last_reviewed else None
        cursor = conn.execute(
            "INSERT INTO files (id, path, root, mtime_ns, size, title, services, alerts, tags,"
            " severity, owner, last_reviewed, problems)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                runbook.id, str(runbook.path), str(root), mtime_ns, size, runbook.title,
                json.dumps(runbook.services), json.dumps(runbook.alerts),
                json.dumps(runbook.tags), runbook.severity, runbook.owner, reviewed,
                json.dumps(problems),
            ),
        )  # fmt: skip
        conn.execute(
            "INSERT INTO runbooks_fts (rowid, id, name, title, alerts, services, tags, body)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                cursor.lastrowid, runbook.id, _searchable_name(runbook.id), runbook.title,
                " ".join(runbook.alerts), " ".join(runbook.services), " ".join(runbook.tags),
                searchable_body(runbook),
            ),
        )  # fmt: skip

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
        )

    def summaries(self) -> list[RunbookSummary]:
        """Every indexed runbook, by title (case-insensitive) then id."""
        with self._lock:
            rows = self._conn.execute("SELECT * FROM files ORDER BY lower(title), id").fetchall()
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

    def count(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT count(*) FROM files").fetchone()[0])

    def search(self, query: str, limit: int = 20) -> list[SearchHit]:
        """Ranked hits for `query`; an empty query lists runbooks by title.

        Terms of three or more characters go through FTS5 (bm25-ranked, indexed); shorter ones
        become `LIKE` filters. All terms must match (AND), which is what narrowing-as-you-type
        expects.
        """
        terms = parse_query(query)
        if not terms:
            return [SearchHit(s, 0.0, "") for s in self.summaries()[:limit]]
        long_terms = [t for t in terms if not t.short]
        short_terms = [t for t in terms if t.short]
        params: list[Any] = []
        where: list[str] = []
        if long_terms:
            where.append("runbooks_fts MATCH ?")
            params.append(" AND ".join(_fts_phrase(t) for t in long_terms))
        for term in short_terms:
            columns = [term.column] if term.column else list(_FTS_COLUMNS[1:])
            where.append(
                "(" + " OR ".join(f"runbooks_fts.{c} LIKE ? ESCAPE '\\'" for c in columns) + ")"
            )
            params.extend([_like_pattern(term.text)] * len(columns))
        weights = ", ".join(str(w) for w in _WEIGHTS)
        if long_terms:
            score = f"bm25(runbooks_fts, {weights})"
            snippet = f"snippet(runbooks_fts, 6, char(2), char(3), '…', {_SNIPPET_TOKENS})"
        else:
            # No FTS term means no bm25: a title hit first, then shorter documents.
            title_terms = " + ".join("(runbooks_fts.title LIKE ? ESCAPE '\\')" for _ in terms)
            score = f"-(10.0 * ({title_terms})) + length(runbooks_fts.body) / 1e7"
            params[:0] = [_like_pattern(t.text) for t in terms]
            snippet = "NULL"
        sql = (
            f"SELECT files.*, {score} AS score, {snippet} AS snip, runbooks_fts.body AS body"
            " FROM runbooks_fts JOIN files ON files.num = runbooks_fts.rowid"
            f" WHERE {' AND '.join(where)} ORDER BY score, lower(files.title) LIMIT ?"
        )
        params.append(int(limit))
        with self._lock:
            try:
                rows = self._conn.execute(sql, params).fetchall()
            except sqlite3.OperationalError:
                return []  # a query FTS cannot parse finds nothing rather than crashing
        hits: list[SearchHit] = []
        for row in rows:
            raw = row["snip"]
            usable = bool(raw) and _HL_START in raw
            if usable and short_terms:
                # FTS only highlights its own terms; the short (LIKE) ones must show too.
                lowered = raw.lower()
                usable = all(t.text.lower() in lowered for t in short_terms)
            if usable:
                text, spans = clean_snippet(raw)
            else:
                needles = [t.text for t in short_terms] + [t.text for t in long_terms]
                text, spans = python_snippet(row["body"], needles)
            hits.append(SearchHit(self._summary(row), float(row["score"]), text, spans))
        return hits


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
