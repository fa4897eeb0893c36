"""Plain data objects for runbooks.

These are the values the rest of irtui sees: the loader builds them, the index stores a summary
of them, the linter inspects them and the TUI renders them. They carry no behaviour beyond small
derived properties, so they are cheap to build in a worker thread and hand to the UI.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

STALE_AFTER_DAYS = 90
"""A runbook not reviewed for this long is called stale (the linter flags it, the UI badges it)."""


def stale_age(
    last_reviewed: date | None, today: date, max_age_days: int = STALE_AFTER_DAYS
) -> int | None:
    """Days since the review when that is more than `max_age_days`, else None.

    No `last_reviewed` is not called stale: the badge only fires on a date someone wrote.
    """
    if last_reviewed is None:
        return None
    age = (today - last_reviewed).days
    return age if age > max_age_days else None


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a runbook file, pinned to a line so editors can jump to it.

    `line` is 1-based; 0 means "the file as a whole" (e.g. unreadable).
    """

    path: Path
    line: int
    message: str
    code: str = "problem"

    def format(self) -> str:
        """The `path:line: message` form printed by `irtui runbooks check`."""
        return f"{self.path}:{max(self.line, 1)}: {self.message}"


@dataclass(frozen=True, slots=True)
class Heading:
    """A Markdown ATX heading, used for the table of contents and the section checks."""

    level: int
    text: str
    line: int
    anchor: str


@dataclass(frozen=True, slots=True)
class Step:
    """A tickable step: a task-list item (`- [ ]`) or a numbered item (`1.`).

    `id` is `step-N` in document order. It is stable for a given file content; the incident
    timeline also records `text`, so a tick stays meaningful if the runbook is edited later.
    """

    id: str
    number: int
    text: str
    line: int
    section: str
    kind: str  # "task" or "numbered"
    checked_in_source: bool = False
    depth: int = 0


@dataclass(frozen=True, slots=True)
class Link:
    """A Markdown link found in the body (inline `[t](href)` or reference `[1]: href`)."""

    text: str
    href: str
    line: int
    kind: str = "link"  # "link", "ref" (a Hugo `{{< ref >}}` target) or "image"


@dataclass(slots=True)
class Runbook:
    """A parsed runbook file.

    `front_matter` keeps every key, including ones irtui does not know, so nothing a team adds
    to its runbooks is lost when irtui shows or re-exports them.
    """

    id: str
    path: Path
    root: Path
    title: str
    body: str
    front_matter: dict[str, Any] = field(default_factory=dict)
    services: list[str] = field(default_factory=list)
    alerts: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    severity: str = ""
    owner: str = ""
    last_reviewed: date | None = None
    headings: list[Heading] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    images: list[Link] = field(default_factory=list)
    anchors: frozenset[str] = frozenset()  # heading slugs and HTML `id`/`name` targets
    problems: list[Problem] = field(default_factory=list)
    body_start_line: int = 1
    title_source: str = "filename"  # "front_matter", "heading" or "filename"
    is_section_index: bool = False
    is_binary: bool = False
    front_matter_format: str = ""  # "", "yaml" or "toml"

    @property
    def slug(self) -> str:
        """The last path component of the id: what people type (`disk-full`)."""
        return self.id.rsplit("/", 1)[-1]

    @property
    def toc(self) -> list[Heading]:
        """Alias for `headings`: the table of contents in document order."""
        return self.headings

    def days_since_review(self, today: date) -> int | None:
        """Days since `last_reviewed`, or None when the runbook carries no review date."""
        if self.last_reviewed is None:
            return None
        return (today - self.last_reviewed).days


@dataclass(frozen=True, slots=True)
class RunbookSummary:
    """What the index keeps per runbook: enough to list, filter and suggest without parsing."""

    id: str
    path: Path
    title: str
    services: tuple[str, ...] = ()
    alerts: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    severity: str = ""
    owner: str = ""
    last_reviewed: date | None = None
    problem_count: int = 0
    origin: str = "team"  # "team" or "bundled" (the starter library irtui ships)
    stub: str = ""  # why this page is a stub ("moved to ./x.md"), '' for a real runbook

    @classmethod
    def of(cls, runbook: Runbook) -> RunbookSummary:
        return cls(
            id=runbook.id, path=runbook.path, title=runbook.title,
            services=tuple(runbook.services), alerts=tuple(runbook.alerts),
            tags=tuple(runbook.tags), severity=runbook.severity, owner=runbook.owner,
            last_reviewed=runbook.last_reviewed, problem_count=len(runbook.problems),
        )  # fmt: skip


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One search result. `snippet` is plain text; `highlights` are (start, end) offsets into it.

    Keeping highlights as offsets (not markup) means user text never passes through a markup
    parser: the TUI builds `Content` spans from them, the CLI prints the plain text.
    """

    summary: RunbookSummary
    score: float
    snippet: str
    highlights: tuple[tuple[int, int], ...] = ()
    tier: str = ""  # exact, words, some-words or substring (see `index`)
    reasons: tuple[str, ...] = ()  # filled by `search(..., explain=True)`

    @property
    def id(self) -> str:
        return self.summary.id

    @property
    def title(self) -> str:
        return self.summary.title
