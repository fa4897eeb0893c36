"""Finding and parsing runbook files.

A runbook library is whatever a team keeps in a folder: `.md`, `.markdown`, or an extension-less
file that is plainly Markdown (the Prometheus runbooks ship one). Nothing in a folder may stop
the rest from loading: binary, undecodable, empty or enormous files become runbooks with
problems attached, which the linter prints and the UI can show.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

from irtui.boundary.text_out import for_terminal
from irtui.runbooks import walk
from irtui.runbooks.checklist import extract_steps, plain_inline
from irtui.runbooks.frontmatter import split_front_matter
from irtui.runbooks.links import MARKDOWN_SUFFIXES
from irtui.runbooks.mdscan import (
    extract_anchors,
    extract_headings,
    extract_images,
    extract_links,
    first_heading,
)
from irtui.runbooks.model import Heading, Problem, Runbook

MAX_BYTES = 4 * 1024 * 1024
"""Bigger files are truncated (and flagged): a runbook nobody can read in an incident is a bug."""

_CAMEL_ALERT = re.compile(r"^[A-Za-z][A-Za-z0-9]*[a-z][A-Z][A-Za-z0-9]*$")
_FOLDER_PAGES = frozenset({"_index", "index", "readme"})
"""File names that stand for their folder (Hugo sections, GitHub READMEs): their title falls
back to the folder's name, never to "README"."""
_GENERIC_TITLES = frozenset(
    "table of contents|contents|toc|index|steps|steps to check|todo|untitled|runbook".split("|")
)
"""H1 texts that name a part of a page, not the page: never used as a title."""


def looks_like_markdown(path: Path) -> bool:
    """Decide whether an extension-less file is Markdown by sniffing its first few KB."""
    return walk.looks_like_markdown(str(path), path.name)


def is_runbook_file(path: Path) -> bool:
    """Markdown by suffix, or an extension-less file that sniffs as Markdown."""
    if path.name.startswith("."):
        return False
    if path.suffix.lower() in MARKDOWN_SUFFIXES:
        return True
    if path.suffix == "" or not path.suffix[1:].isalpha():
        return looks_like_markdown(path)
    return False


def iter_runbook_files(root: Path) -> Iterator[Path]:
    """Runbook files under `root`, in a stable (sorted) order (see `walk` for the rules)."""
    for _rid, (path, _root) in walk.discover([root]).files.items():
        yield Path(path)


def runbook_id(path: Path, root: Path) -> str:
    """The id: path relative to its root, POSIX separators, without a Markdown suffix.

    `db/disk-full.md` and `k8s/disk-full.md` get distinct ids, which is why the id is a path
    and not a basename.
    """
    try:
        rel = path.relative_to(root) if root.is_dir() else Path(path.name)
    except ValueError:
        rel = Path(path.name)
    text = rel.as_posix()
    if rel.suffix.lower() in MARKDOWN_SUFFIXES:
        text = text[: -len(rel.suffix)]
    return text


def assign_ids(roots: Iterable[Path]) -> dict[str, tuple[Path, Path]]:
    """Map ids to `(path, root)` for every runbook under `roots` (see `walk.discover`)."""
    found = walk.discover(list(roots)).files
    return {rid: (Path(path), Path(root)) for rid, (path, root) in found.items()}


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list | tuple | set):
        return [str(item).strip() for item in value if item is not None and str(item).strip()]
    return [str(value)]


def _as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def _key_line(raw_text: str, key: str, limit: int) -> int:
    """File line of `key:` within the front matter (for pinning problems to a line)."""
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*[:=]")
    for number, line in enumerate(raw_text.splitlines()[:limit], start=1):
        if pattern.match(line):
            return number
    return 1


def read_text(path: Path) -> tuple[str, bool, list[tuple[int, str]]]:
    """Read a file as text: `(text, is_binary, problems)`; never raises for bad content."""
    problems: list[tuple[int, str]] = []
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            data = handle.read(MAX_BYTES)
    except OSError as exc:
        return "", True, [(0, f"cannot read file: {exc.strerror or exc}")]
    if size > MAX_BYTES:
        problems.append((0, f"file is {size} bytes; only the first {MAX_BYTES} are loaded"))
    if b"\0" in data[:8192]:
        return "", True, [*problems, (0, "not a text file (binary content); skipped")]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        if size > MAX_BYTES and exc.start >= len(data) - 4:
            text = data[: exc.start].decode("utf-8-sig")  # cut inside a multi-byte character
        else:
            text = data.decode("utf-8-sig", errors="replace")
            problems.append((line, "not valid UTF-8; undecodable bytes shown as \ufffd"))
    return text, False, problems


def folder_title(path: Path, root: Path) -> str:
    """The name a file goes by when it has no title: its stem, or for a README/_index/index
    page its folder's name (so 80 READMEs do not all read "README")."""
    if path.stem.lower() in _FOLDER_PAGES:
        parent = path.parent if path.parent != root or root.is_dir() else root
        if parent.name:
            return parent.name
    return path.stem or path.name


def choose_title(
    data: dict[str, Any], headings: list[Heading], path: Path, root: Path
) -> tuple[str, str]:
    """`(title, source)`: front matter's `title`, else the first H1 (unless it names a part
    of a page, like "Table of Contents"), else the file or folder name. A sub-heading
    ("## Steps to check") is never a title."""
    value = data.get("title")
    if isinstance(value, str | int | float) and str(value).strip():
        return _shown(str(value)), "front_matter"
    for heading in headings:
        if heading.level != 1:
            continue
        text = _shown(plain_inline(heading.text))
        if text and text.lower().strip(" :") not in _GENERIC_TITLES:
            return text, "heading"
    return _shown(folder_title(path, root)), "filename"


def _shown(text: str) -> str:
    """A title as every screen shows it: one line, escape sequences made visible (a title
    is printed, listed and recorded in incidents; it must not drive anyone's terminal)."""
    return for_terminal(" ".join(text.split()), single_line=True)


def parse_runbook(text: str, path: Path, root: Path, rid: str | None = None) -> Runbook:
    """Build a `Runbook` from file text. Pure: does no I/O, so it is easy to test."""
    rid = rid if rid is not None else runbook_id(path, root)
    fm = split_front_matter(text)
    data = fm.data
    problems = [Problem(path, line, message, "front-matter") for line, message in fm.problems]
    body = fm.body
    first = fm.body_start_line
    headings = extract_headings(body, first)
    is_index = path.stem in ("_index", "index")
    title, title_source = choose_title(data, headings, path, root)

    alerts = _as_list(data.get("alerts", data.get("alert")))
    if not alerts and "alerts" not in data:
        # Alert-named runbooks (`# KubePodCrashLooping`) imply their alert; suggestions use it.
        heading = first_heading(headings)
        for candidate in (plain_inline(heading.text) if heading else "", path.stem):
            if _CAMEL_ALERT.match(candidate):
                alerts = [candidate]
                break

    owner_value = data.get("owner", data.get("owners"))
    owner = ", ".join(_as_list(owner_value))
    reviewed_raw = data.get("last_reviewed", data.get("reviewed"))
    last_reviewed = _as_date(reviewed_raw)
    if reviewed_raw is not None and last_reviewed is None:
        line = _key_line(text, "last_reviewed", max(first - 1, 1))
        problems.append(
            Problem(path, line, f"last_reviewed is not a date (YYYY-MM-DD): {reviewed_raw!r}")
        )
    for key in ("services", "alerts", "tags"):
        value = data.get(key)
        if value is not None and not isinstance(value, str | list | tuple):
            line = _key_line(text, key, max(first - 1, 1))
            problems.append(Problem(path, line, f"{key} should be a list of names"))

    return Runbook(
        id=rid,
        path=path,
        root=root,
        title=title,
        body=body,
        front_matter=data,
        services=_as_list(data.get("services", data.get("service"))),
        alerts=alerts,
        tags=_as_list(data.get("tags")),
        severity=str(data.get("severity") or "").strip(),
        owner=owner,
        last_reviewed=last_reviewed,
        headings=headings,
        steps=extract_steps(body, first),
        links=extract_links(body, first),
        images=extract_images(body, first),
        anchors=extract_anchors(body, headings),
        problems=problems,
        body_start_line=first,
        title_source=title_source,
        is_section_index=is_index,
        front_matter_format=fm.format,
    )


def load_file(path: Path, root: Path | None = None, rid: str | None = None) -> Runbook:
    """Read and parse one file; I/O and decoding problems become `Runbook.problems`."""
    root = root if root is not None else path.parent
    text, is_binary, read_problems = read_text(path)
    if is_binary:
        rid = rid if rid is not None else runbook_id(path, root)
        problems = [Problem(path, line, msg, "unreadable") for line, msg in read_problems]
        return Runbook(
            id=rid, path=path, root=root, title=folder_title(path, root), body="",
            problems=problems, is_binary=True,
        )  # fmt: skip
    runbook = parse_runbook(text, path, root, rid)
    runbook.problems[:0] = [Problem(path, line, msg, "encoding") for line, msg in read_problems]
    return runbook


def discover(roots: Iterable[Path]) -> dict[str, tuple[Path, Path]]:
    """Every runbook file under `roots`, keyed by id (see `assign_ids` for collisions)."""
    return assign_ids(roots)


def load_dirs(roots: Iterable[Path]) -> list[Runbook]:
    """Load every runbook under `roots` (no index involved; used by the linter and tests)."""
    return [load_file(path, root, rid) for rid, (path, root) in discover(roots).items()]
