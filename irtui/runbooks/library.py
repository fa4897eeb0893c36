"""`RunbookLibrary`: the one object the CLI and the TUI talk to.

It ties folders (`dirs`), the cached index (`index`), file parsing (`loader`), link resolution
(`links`) and freshness together, so callers never juggle paths: they search, get a runbook by
id or name, follow a link, list stale ones, and ask for suggestions.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from irtui.runbooks.dirs import resolve_dirs
from irtui.runbooks.index import RefreshStats, RunbookIndex
from irtui.runbooks.model import (
    STALE_AFTER_DAYS,
    Runbook,
    RunbookSummary,
    SearchHit,
    stale_age,
)

if TYPE_CHECKING:  # imported where used: `irtui runbooks search` never needs them
    from irtui.runbooks.links import LinkResolver
    from irtui.runbooks.suggest import Suggestion


class RunbookNotFound(LookupError):
    """No runbook answers to a name (or several do); the message says which."""


class RunbookLibrary:
    """Runbooks from a list of folders, searchable through a cached FTS index.

    The first call that needs the index refreshes it (incrementally); call `refresh()` again to
    pick up edits. Parsed runbooks are cached by (path, mtime, size) so reopening is instant.
    """

    def __init__(self, dirs: Sequence[Path], index_path: Path | str | None = None) -> None:
        self.dirs = [Path(d) for d in dirs]
        self.index = RunbookIndex(index_path)
        self._refreshed = False
        self._lock = threading.RLock()
        self._cache: dict[str, tuple[tuple[str, int, int], Runbook]] = {}
        self._resolver: LinkResolver | None = None
        self.last_refresh: RefreshStats | None = None
        self.bundled_dir: Path | None = None  # None: irtui's own starter library

    @classmethod
    def from_config(
        cls,
        cli_dirs: Iterable[str | Path] | None = None,
        *,
        index_path: Path | str | None = None,
        include_bundled: bool = True,
    ) -> RunbookLibrary:
        """Folders from `--runbooks`, `$IRTUI_RUNBOOKS`, `config.yaml` and the bundled set."""
        return cls(resolve_dirs(cli_dirs, include_bundled=include_bundled), index_path)

    def close(self) -> None:
        self.index.close()

    # --- index --------------------------------------------------------------------------
    def refresh(self) -> RefreshStats:
        """Re-read what changed; raises `walk.WalkLimitError` for a folder that is too big
        to be a runbook library (`--runbooks /`)."""
        with self._lock:
            self.last_refresh = self.index.refresh(self.dirs, bundled=self.bundled_dir)
            self._refreshed = True
            self._resolver = None
            return self.last_refresh

    def ensure_fresh(self) -> None:
        if not self._refreshed:
            self.refresh()

    def search(self, query: str, limit: int = 20, *, explain: bool = False) -> list[SearchHit]:
        self.ensure_fresh()
        return self.index.search(query, limit, explain=explain)

    def summaries(self) -> list[RunbookSummary]:
        self.ensure_fresh()
        return self.index.summaries()

    def summary(self, rid: str) -> RunbookSummary | None:
        self.ensure_fresh()
        return self.index.summary(rid)

    # --- runbooks -------------------------------------------------------------------------
    def get(self, rid: str) -> Runbook:
        """The parsed runbook with id `rid` (re-read if the file changed since last time)."""
        self.ensure_fresh()
        location = self.index.location(rid)
        if location is None:
            raise RunbookNotFound(f"no runbook with id {rid!r}")
        path, root = location
        try:
            stat = path.stat()
            key = (str(path), stat.st_mtime_ns, stat.st_size)
        except OSError:
            key = (str(path), -1, -1)
        with self._lock:
            cached = self._cache.get(rid)
            if cached is not None and cached[0] == key:
                return cached[1]
        from irtui.runbooks.loader import load_file

        runbook = load_file(path, root, rid)
        with self._lock:
            self._cache[rid] = (key, runbook)
        return runbook

    def find(self, name: str) -> list[RunbookSummary]:
        """Runbooks answering to `name`: exact id, then file name, title, alert, in that order.

        Each rule is tried case-insensitively; the first rule with any match wins, so `disk-full`
        finds the bundled runbook even if another mentions disks in its title.
        """
        wanted = name.strip().removesuffix(".md").lower()
        if not wanted:
            return []
        items = self.summaries()
        rules = (
            lambda s: s.id.lower() == wanted,
            lambda s: s.id.rsplit("/", 1)[-1].lower() == wanted,
            lambda s: s.title.lower() == wanted,
            lambda s: any(a.lower() == wanted for a in s.alerts),
            lambda s: s.id.lower().endswith("/" + wanted),
        )
        for rule in rules:
            matches = [s for s in items if rule(s)]
            if matches:
                return matches
        return []

    def resolve(self, name: str) -> Runbook:
        """Exactly one runbook for `name`, else `RunbookNotFound` listing the candidates."""
        matches = self.find(name)
        if not matches:
            hits = self.search(name, limit=5)
            hint = ""
            if hits:
                hint = "; did you mean: " + ", ".join(h.id for h in hits)
            raise RunbookNotFound(f"no runbook named {name!r}{hint}")
        if len(matches) > 1:
            listing = ", ".join(s.id for s in matches)
            raise RunbookNotFound(f"{name!r} is ambiguous: {listing} (use the full id)")
        return self.get(matches[0].id)

    def resolve_link(self, from_id: str, href: str) -> str | None:
        """Which runbook a link in runbook `from_id` points at (None: external or dead)."""
        from irtui.runbooks.links import LinkResolver

        with self._lock:
            if self._resolver is None:
                self._resolver = LinkResolver([s.id for s in self.summaries()])
            resolver = self._resolver
        return resolver.resolve(from_id, href)

    def closest_link(self, from_id: str, href: str) -> str | None:
        """The runbook a dead link most likely meant: a suggestion, never a resolution."""
        self.resolve_link(from_id, href)  # builds the resolver
        with self._lock:
            resolver = self._resolver
        return resolver.closest(from_id, href) if resolver is not None else None

    # --- freshness and suggestions ------------------------------------------------------
    def stale(
        self, today: date, max_age_days: int = STALE_AFTER_DAYS
    ) -> list[tuple[RunbookSummary, int]]:
        """`(runbook, days since review)` for runbooks past their review date, oldest first."""
        result = []
        for item in self.summaries():
            age = stale_age(item.last_reviewed, today, max_age_days)
            if age is not None:
                result.append((item, age))
        return sorted(result, key=lambda pair: (-pair[1], pair[0].id))

    def suggest(self, title: str, services: Iterable[str] = (), limit: int = 5) -> list[Suggestion]:
        """Runbooks for an incident: its services, the alert names in its title, tags, and
        the title's words in the runbooks' text (through the search index)."""
        from irtui.runbooks.suggest import suggest_from_index

        self.ensure_fresh()
        return suggest_from_index(self.index, title, list(services), self.summaries(), limit)


def stale_days(runbook: Runbook | RunbookSummary, today: date) -> int | None:
    """Days since review when past the limit, else None (what the viewer badge shows)."""
    return stale_age(runbook.last_reviewed, today)
