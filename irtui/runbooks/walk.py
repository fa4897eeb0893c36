"""Walking runbook folders: which files are runbooks, bounded, and never outside the folder.

Why its own module: this runs on every `irtui runbooks search`, even when nothing changed, so
it must be cheap (plain strings and `os.scandir`, no `pathlib` per file, no YAML import) and
it must be safe to point at anything a person types:

- **A bound on entries walked** (`MAX_ENTRIES`, `$IRTUI_RUNBOOKS_MAX_ENTRIES`): `--runbooks /`
  stops with a clear message instead of reading the whole filesystem.
- **Symlinks stay inside their root.** A link whose target resolves outside the runbook folder
  (`passwd.md -> /etc/passwd`) is not followed; it is reported (the linter prints it) so the
  team sees why a file is missing. Links within the folder are followed; symlinked folders
  are never descended into (they would walk twice, or loop).
- Hidden and VCS folders (`.git`, `node_modules`, ...) are skipped.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd")
MAX_ENTRIES = 50_000
"""Directory entries looked at per walk (all roots together) before giving up."""
ENV_MAX_ENTRIES = "IRTUI_RUNBOOKS_MAX_ENTRIES"

SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv"})
PSEUDO_FILESYSTEMS = frozenset({"/proc", "/sys", "/dev", "/run"})
"""Never walked: their "files" are kernel interfaces, and reading one (`/proc/kmsg`) can
block forever."""
_NOT_MARKDOWN = frozenset(
    "license licence copying notice makefile dockerfile owners codeowners authors "
    "contributors patents vagrantfile procfile".split()
)
_SNIFF_BYTES = 4096
_MARKDOWN_SIGNAL = re.compile(
    r"^(?:#{1,6}\s+\S|---\s*$|\+\+\+\s*$|```|[-*+]\s+\[[ xX]\]\s)", re.MULTILINE
)


class WalkLimitError(ValueError):
    """A runbook folder holds more entries than irtui will walk (likely a typo like `/`)."""


@dataclass(slots=True)
class Discovery:
    """What one walk found: `files` maps runbook id -> (file path, root), in id order;
    `skipped` lists `(path, reason)` for files deliberately not read (symlinks leaving
    their root)."""

    files: dict[str, tuple[str, str]] = field(default_factory=dict)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    entries: int = 0
    folders: dict[str, int] = field(default_factory=dict)
    """Every folder read, with its mtime (ns) *before* it was read: a file added, removed or
    renamed changes its folder's mtime, so equal mtimes mean the same set of files."""


def max_entries(environ: Mapping[str, str] | None = None) -> int:
    raw = (environ if environ is not None else os.environ).get(ENV_MAX_ENTRIES, "")
    try:
        value = int(raw)
    except ValueError:
        return MAX_ENTRIES
    return value if value > 0 else MAX_ENTRIES


def markdown_suffix(name: str) -> str:
    """The Markdown suffix of a file name ('' when it has none)."""
    lower = name.lower()
    for suffix in MARKDOWN_SUFFIXES:
        if lower.endswith(suffix):
            return name[-len(suffix) :]
    return ""


def looks_like_markdown(path: str, name: str) -> bool:
    """Decide whether an extension-less file is Markdown by sniffing its first few KB."""
    if name.lower() in _NOT_MARKDOWN or name.startswith("."):
        return False
    try:
        with open(path, "rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError:
        return False
    if not head or b"\0" in head:
        return False
    return bool(_MARKDOWN_SIGNAL.search(head.decode("utf-8", errors="ignore")))


def _candidate(name: str) -> str:
    """'md' for a Markdown suffix, 'sniff' for an extension-less name, '' otherwise."""
    if name.startswith("."):
        return ""
    if markdown_suffix(name):
        return "md"
    dot = name.rfind(".")
    if dot <= 0 or not name[dot + 1 :].isalpha():
        return "sniff"
    return ""


def _regular_nonempty(entry: os.DirEntry[str]) -> bool:
    import stat

    try:
        info = entry.stat()  # follows a symlink (already checked to stay inside the root)
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode) and info.st_size > 0


def _inside(target: str, root_real: str) -> bool:
    return target == root_real or target.startswith(root_real.rstrip(os.sep) + os.sep)


class _Walker:
    def __init__(self, limit: int, known: Mapping[str, object]) -> None:
        self.limit = limit
        self.known = known
        self.entries = 0
        self.skipped: list[tuple[str, str]] = []
        self.folders: dict[str, int] = {}

    def walk(self, root: str) -> list[tuple[str, str]]:
        """`(relative posix path, absolute path)` of every runbook file under `root`."""
        root_real = os.path.realpath(root)
        if os.path.isfile(root_real):
            return [(os.path.basename(root), root)]
        if root_real in PSEUDO_FILESYSTEMS:
            return []
        found: list[tuple[str, str]] = []
        stack = [(root, "")]
        while stack:
            folder, rel = stack.pop()
            try:
                self.folders[folder] = os.stat(folder).st_mtime_ns
                with os.scandir(folder) as iterator:
                    entries = sorted(iterator, key=lambda e: e.name)
            except OSError:
                continue
            subdirs: list[tuple[str, str]] = []
            for entry in entries:
                self.entries += 1
                if self.entries > self.limit:
                    raise WalkLimitError(
                        f"{root}: more than {self.limit:,} files and folders; stopped walking "
                        f"(is this really a runbook folder? raise ${ENV_MAX_ENTRIES} if it is)"
                    )
                name = entry.name
                rel_name = f"{rel}{name}"
                try:
                    is_link = entry.is_symlink()
                    is_dir = entry.is_dir(follow_symlinks=False)
                except OSError:
                    continue
                if is_dir:
                    if (
                        name not in SKIP_DIRS
                        and not name.startswith(".")
                        and os.path.realpath(entry.path) not in PSEUDO_FILESYSTEMS
                    ):
                        subdirs.append((entry.path, rel_name + "/"))
                    continue
                kind = _candidate(name)
                if not kind:
                    continue
                if is_link:
                    try:
                        target = os.path.realpath(entry.path)
                    except OSError:  # a link we may not even resolve (`/proc/1/cwd`)
                        self.skipped.append((entry.path, "symlink that cannot be resolved"))
                        continue
                    if not _inside(target, root_real):
                        self.skipped.append(
                            (entry.path, f"symlink points outside the runbook folder: {target}")
                        )
                        continue
                    if os.path.isdir(target):
                        continue  # a symlinked folder: never descended into
                    if not os.path.isfile(target):
                        self.skipped.append((entry.path, f"broken symlink: {target}"))
                        continue
                elif not entry.is_file(follow_symlinks=False):
                    continue  # a socket, a FIFO, a device: never opened
                sniff = kind == "sniff" and entry.path not in self.known
                if sniff and not _regular_nonempty(entry):
                    continue  # an empty file is no runbook; a size-0 "file" may be a device
                if sniff and not looks_like_markdown(entry.path, name):
                    continue
                found.append((rel_name, entry.path))
            stack.extend(reversed(subdirs))
        return found


def folders_unchanged(folders: Mapping[str, int]) -> bool:
    """True when every folder of an earlier walk still has the mtime it had then."""
    for folder, mtime_ns in folders.items():
        try:
            if os.stat(folder).st_mtime_ns != mtime_ns:
                return False
        except OSError:
            return False
    return bool(folders)


def discover(
    roots: Iterable[str | os.PathLike[str]],
    *,
    known: Mapping[str, object] | None = None,
    limit: int | None = None,
) -> Discovery:
    """Every runbook file under `roots`, keyed by id, never dropping a file.

    The id is the path relative to its root without a Markdown suffix (`db/disk-full`).
    Within one root, a `.md` file keeps the plain id and a same-named sibling (`x.markdown`,
    an extension-less `x`) keeps its full name. When a later root repeats an id (a
    translated copy of a library, a team's fork of a bundled runbook), the later file is
    filed under `<root folder name>/<id>`, so both stay searchable. `known` holds paths
    already indexed: extension-less ones among them are not sniffed again.
    """
    walker = _Walker(limit if limit is not None else max_entries(), known or {})
    result: dict[str, tuple[str, str]] = {}
    for raw_root in roots:
        root = os.fspath(raw_root)
        if not os.path.exists(root):
            continue
        files = walker.walk(root)
        files.sort(key=lambda item: (not markdown_suffix(item[0]), item[0]))
        claimed: set[str] = set()
        root_name = os.path.basename(os.path.normpath(root)) or "root"
        for rel, path in files:
            suffix = markdown_suffix(rel)
            rid = rel[: -len(suffix)] if suffix else rel
            if rid in claimed:
                rid = rel
            claimed.add(rid)
            final = rid
            counter = 1
            while final in result:
                counter += 1
                final = f"{root_name}/{rid}" if counter == 2 else f"{root_name}~{counter}/{rid}"
            result[final] = (path, root)
    return Discovery(dict(sorted(result.items())), walker.skipped, walker.entries, walker.folders)
