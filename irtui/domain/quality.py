"""Data quality of imported history: what an imported record cannot be trusted for.

An incident brought in from a status page or a postmortem document is only as good as its
source. Migrated status-page records with one "resolved" post and `created_at == resolved_at`
would report a time to resolve of 0 s; a record whose `started_at` was edited after its
resolution is impossible. The importer says so once, as a fact on the incident (the
`imported` event's `quality` payload: flag -> one sentence of detail), and everything that
aggregates history reads these flags:
- `irtui report` counts them and, by default, leaves `EXCLUDED` incidents out of the
  response-time figures (medians, p90, means), saying so in every format;
- the incident screen shows `badge()` in its header.

Pure: no store, no Textual. `flags_from_events` folds the latest `imported` event.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any

IMPORTED_EVENT = "imported"
"""The event kind an importer appends once per import (and once per re-import revision)."""


class QualityFlag(StrEnum):
    ZERO_LENGTH = "zero_length"
    STARTED_AFTER_RESOLVED = "started_after_resolved"
    POSTS_OUTSIDE_WINDOW = "posts_outside_window"
    ONE_POST = "one_post"
    CLOCK_SKEW = "clock_skew"
    TIMELINE_FROM_BODY = "timeline_from_body"
    UNTIMED_ENTRIES = "untimed_entries"
    ZONE_ASSUMED = "zone_assumed"


LABELS: dict[str, str] = {
    QualityFlag.ZERO_LENGTH: "zero length (resolved at the moment it started)",
    QualityFlag.STARTED_AFTER_RESOLVED: "impossible: the source says it started after it "
    "was resolved",
    QualityFlag.POSTS_OUTSIDE_WINDOW: "posts outside [started, resolved] in the source",
    QualityFlag.ONE_POST: "one post only (no timeline to speak of)",
    QualityFlag.CLOCK_SKEW: "the source's clocks disagree (a time quoted after it was "
    "published, or a post dated after the record's last update)",
    QualityFlag.TIMELINE_FROM_BODY: "timeline rebuilt from timestamped lines inside a post",
    QualityFlag.UNTIMED_ENTRIES: "timeline lines without a usable time (kept, not timed)",
    QualityFlag.ZONE_ASSUMED: "no time zone stated: times read as UTC",
}
"""What each flag means, in the words the report and the TUI use."""

SHORT: dict[str, str] = {
    QualityFlag.ZERO_LENGTH: "zero length",
    QualityFlag.STARTED_AFTER_RESOLVED: "started after resolved",
    QualityFlag.POSTS_OUTSIDE_WINDOW: "posts outside window",
    QualityFlag.ONE_POST: "one post",
    QualityFlag.CLOCK_SKEW: "clock skew",
    QualityFlag.TIMELINE_FROM_BODY: "timeline from body",
    QualityFlag.UNTIMED_ENTRIES: "untimed lines",
    QualityFlag.ZONE_ASSUMED: "zone assumed",
}

EXCLUDED: frozenset[str] = frozenset({QualityFlag.ZERO_LENGTH, QualityFlag.STARTED_AFTER_RESOLVED})
"""Flags that keep an incident out of response-time medians unless the reader asks for them:
a zero-length or impossible record says nothing true about how long anything took."""

WARNINGS: frozenset[str] = frozenset(
    {QualityFlag.POSTS_OUTSIDE_WINDOW, QualityFlag.ONE_POST, QualityFlag.CLOCK_SKEW}
)
"""Flags worth a badge on the incident, but the figures still count the incident."""


def is_excluded(flags: Iterable[str]) -> bool:
    return any(f in EXCLUDED for f in flags)


def flags_from_events(events: Iterable[Any]) -> dict[str, str]:
    """flag -> detail from the latest `imported` event among `events` ({} if none)."""
    found: Mapping[str, str] = {}
    for event in events:
        if event.kind == IMPORTED_EVENT:
            quality = event.payload.get("quality")
            if isinstance(quality, dict):
                found = quality
    return {str(k): str(v) for k, v in found.items()}


def badge(flags: Mapping[str, str] | Iterable[str]) -> str | None:
    """A short header badge for an incident whose record is doubtful, or None.

    `⚠ zero length · one post · not in medians` for excluded incidents; `⚠ clock skew`
    for warnings. Informational flags (timeline rebuilt from a body, zone assumed, untimed
    lines) earn no badge on their own. Short on purpose: it shares the header's first line
    with the title at 80 columns."""
    names = list(flags)
    shown = [SHORT.get(n, n) for n in names if n in EXCLUDED or n in WARNINGS]
    if not shown:
        return None
    if is_excluded(names):
        shown.append("not in medians")
    return "⚠ " + " · ".join(shown)


def quality_badge(events: Iterable[Any]) -> str | None:
    """The badge for an incident given its events (the TUI's one call)."""
    return badge(flags_from_events(events))
