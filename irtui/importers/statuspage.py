"""Atlassian Statuspage public v2 JSON -> backfilled incidents.

Accepted inputs: a single incident document (`{"incident": {...}}` or a bare incident object
with `incident_updates`), an `incidents.json` list (`{"incidents": [...]}`, as served at
`https://<page>/api/v2/incidents.json`, optionally with its `page`), or a directory of such
`*.json` files.

How a record becomes an incident (the reasons are in docs/review.md):
- post times: `display_at` (what readers saw, possibly corrected by the operator), else
  `created_at`; posts are sorted by time (Statuspage lists them newest first);
- bodies are HTML: converted to text (`htmltext`), then cleaned (`source.clean`); lines inside
  a body that start with a timestamp become posts of their own at their own times
  (`bodylines`), read in the page's `time_zone` when they state none;
- `started` = the earliest of `started_at`, `created_at` and the first post (an edited,
  later `started_at` no longer puts posts before the declaration); when the record itself is
  zero-length (`created_at == resolved_at`, typical of migrated history) but its body holds a
  timeline, the resolution is the last line of that timeline (a `Resolved` line if any);
- every record gets data-quality flags (`irtui/domain/quality.py`) computed against the
  record's *own* window [`started_at` or `created_at`, `resolved_at`];
- the events are authored by `statuspage:<page id>`; components go through the import config
  (`importers/config.py`: ignore, or map to a service).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from irtui.domain.model import DomainError, Status
from irtui.domain.quality import QualityFlag
from irtui.domain.timeutil import iso
from irtui.importers.backfill import BackfillIncident, BackfillUpdate, ReadResult
from irtui.importers.bodylines import timestamped_lines
from irtui.importers.config import ImportConfig
from irtui.importers.htmltext import html_to_text
from irtui.importers.source import Notices, Record, RecordError, clean, clean_raw, read_json
from irtui.importers.zones import Zone, zone_named

SOURCE = "statuspage"
_STATUS: dict[str, Status | None] = {
    "investigating": None,
    "identified": Status.IDENTIFIED,
    "monitoring": Status.MONITORING,
    "verifying": Status.MONITORING,
    "resolved": None,  # the resolution time comes from resolved_at
    "completed": None,
    "postmortem": None,
    "scheduled": None,
    "in_progress": None,
}
_ENDED = ("resolved", "completed", "postmortem")
TOLERANCE = timedelta(minutes=1)
"""Slack when comparing a source's own timestamps (they are written a moment apart)."""
SKEW = timedelta(minutes=2)


@dataclass(slots=True)
class Page:
    """What an export says about its page: who the source is and its time zone."""

    id: str = ""
    name: str = ""
    zone: Zone | None = None

    @property
    def author(self) -> str:
        return f"{SOURCE}:{self.id or self.name or 'unknown'}"


@dataclass(slots=True)
class _Post:
    update: BackfillUpdate
    created: datetime | None


def _posts(rec: Record, page: Page, notices: Notices) -> tuple[list[_Post], list[str], bool]:
    """(posts incl. timestamped body lines, affected component names, clock skew seen)."""
    out: list[_Post] = []
    affected: list[str] = []
    skew = False
    for u in rec.records("incident_updates"):
        at = u.first_time("display_at", "created_at")
        created = u.time("created_at")
        status = u.text("status").strip().lower()
        post_id = u.text("id").strip() or None
        for c in u.records("affected_components"):
            name = c.text("name").strip()
            if name and name not in affected:
                affected.append(name)
        if at is None:
            notices.add(u.path, "a post without a time was left out")
            continue
        text = clean(html_to_text(u.text("body")), u.where("body"), notices, field="entry")
        lines = timestamped_lines(text, page.zone)
        if not lines:
            out.append(
                _Post(BackfillUpdate(at, text, status, _STATUS.get(status), post_id), created)
            )
            continue
        used = {b.index for b in lines}
        remainder = "\n".join(ln for i, ln in enumerate(text.splitlines()) if i not in used).strip()
        if remainder:
            out.append(
                _Post(BackfillUpdate(at, remainder, status, _STATUS.get(status), post_id), created)
            )
        for n, line in enumerate(lines):
            if line.at > at + SKEW:
                skew = True
            word = line.status or ""
            out.append(
                _Post(
                    BackfillUpdate(
                        line.at,
                        line.text or word,
                        word or status,
                        _STATUS.get(word) if word else None,
                        f"{post_id}#{n}" if post_id else None,
                        from_body=True,
                    ),
                    None,
                )
            )
            if line.note:
                notices.add(u.path, line.note)
    out.sort(key=lambda p: p.update.at)
    return out, affected, skew


def _services(rec: Record, affected: list[str], config: ImportConfig) -> list[str]:
    names = [n.strip() for n in rec.strings("components") if n.strip()] or affected
    return config.services(names)


def parse_incident(
    raw: Any,
    *,
    page: Page | None = None,
    config: ImportConfig | None = None,
    path: str = "incident",
) -> BackfillIncident:
    """One Statuspage incident object -> BackfillIncident (RecordError if unusable)."""
    page = page or Page()
    config = config or ImportConfig()
    rec = Record(raw, path)
    ident = rec.text("id").strip()
    if not ident:
        raise RecordError(f"{path} has no `id`")
    if not page.id and rec.text("page_id").strip():
        page = Page(rec.text("page_id").strip(), page.name, page.zone)
    notices = Notices()
    posts, affected, skew = _posts(rec, page, notices)
    updates = [p.update for p in posts]
    created = rec.time("created_at")
    started_at = rec.time("started_at")
    resolved_at = rec.time("resolved_at")
    updated_at = rec.time("updated_at")
    status = rec.text("status").strip().lower()
    body_lines = [u for u in updates if u.from_body]
    if created is None and not updates:
        raise RecordError(f"{path} (id {ident}) has no times")
    candidates = [t for t in (started_at, created, updates[0].at if updates else None) if t]
    started = min(candidates)
    resolved = resolved_at
    if resolved is None and status in _ENDED:
        ends = [u.at for u in updates if u.source_status in _ENDED and not u.from_body]
        resolved = ends[0] if ends else (updates[-1].at if updates else None)
    own_start = started_at or created or started
    if started_at and resolved_at and started_at > resolved_at:
        own_start = created or started  # the edited start is the impossibility itself
    zero_record = resolved is not None and resolved <= own_start
    quality: dict[str, str] = {}
    if body_lines:
        quality[QualityFlag.TIMELINE_FROM_BODY] = (
            f"{len(body_lines)} timestamped line(s) inside post bodies became posts at their "
            "own times"
        )
        if resolved is None or zero_record:
            done = [u for u in body_lines if u.source_status == "resolved"]
            resolved = (done[-1] if done else body_lines[-1]).at
    if started_at and resolved_at and started_at > resolved_at:
        quality[QualityFlag.STARTED_AFTER_RESOLVED] = (
            f"started_at {iso(started_at)} is after resolved_at {iso(resolved_at)}; "
            f"started taken as {iso(started)}"
        )
    if resolved is not None and resolved < started:
        resolved = started
    monitoring_at = rec.time("monitoring_at")
    if monitoring_at and not any(u.status is Status.MONITORING for u in updates):
        updates.append(BackfillUpdate(monitoring_at, "", "monitoring", Status.MONITORING))
        updates.sort(key=lambda u: u.at)
    if resolved is not None and resolved == started:
        quality[QualityFlag.ZERO_LENGTH] = "resolved at the moment it started" + (
            " (created_at == resolved_at)" if created == resolved_at else ""
        )
    shown = [u for u in updates if u.source_status not in ("postmortem",) and u.text]
    before = [u for u in shown if u.at < own_start - TOLERANCE]
    after = [u for u in shown if resolved_at is not None and u.at > resolved_at + TOLERANCE]
    if before or after:
        parts = []
        if before:
            parts.append(f"{len(before)} before its start ({iso(own_start)})")
        if after:
            parts.append(f"{len(after)} after resolved_at ({iso(resolved_at)})")
        quality[QualityFlag.POSTS_OUTSIDE_WINDOW] = "posts " + " and ".join(parts)
    if len([u for u in updates if u.text or u.source_status]) <= 1:
        quality[QualityFlag.ONE_POST] = "the record has a single post"
    late = [p for p in posts if p.created and updated_at and p.created > updated_at + SKEW]
    if skew or late:
        why = []
        if skew:
            why.append("a post quotes a time later than its own publication")
        if late:
            why.append(f"{len(late)} post(s) created after the record's updated_at")
        quality[QualityFlag.CLOCK_SKEW] = "; ".join(why)
    impact = rec.text("impact_override").strip().lower() or rec.text("impact").strip().lower()
    impact = impact or "none"
    link = clean(rec.text("shortlink").strip(), rec.where("shortlink"), notices, field="short")
    title = clean(
        rec.text("name").strip(), rec.where("name"), notices, field="title", multiline=False
    )
    return BackfillIncident(
        source_ref=f"{SOURCE}:{ident}",
        title=title,
        impact_level=impact,
        started=started,
        resolved=resolved,
        updates=updates,
        services=_services(rec, affected, config),
        first_post=updates[0].at if updates else created,
        impact_text=f"Imported from Statuspage (impact: {impact}){' ' + link if link else ''}",
        tags=["maintenance"] if rec.raw("scheduled_for") or impact == "maintenance" else [],
        source=page.author,
        quality=quality,
        raw=clean_raw(raw, path, notices),
        notices=notices.items,
    )


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.iterdir() if p.suffix.lower() == ".json" and p.is_file())
    if path.exists():
        return [path]
    raise DomainError(f"{path}: no such file or directory")


def _page(doc: dict[str, Any]) -> Page:
    page = doc.get("page")
    if not isinstance(page, dict):
        return Page()
    ident = page.get("id") if isinstance(page.get("id"), str) else ""
    name = page.get("name") if isinstance(page.get("name"), str) else ""
    tz = page.get("time_zone") if isinstance(page.get("time_zone"), str) else None
    return Page(ident.strip(), name.strip(), zone_named(tz))


def _raws(file: Path, doc: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(doc, dict) and isinstance(doc.get("incident"), dict):
        yield "incident", doc["incident"]
    elif isinstance(doc, dict) and isinstance(doc.get("incidents"), list):
        for n, raw in enumerate(doc["incidents"]):
            yield f"incidents[{n}]", raw
    elif isinstance(doc, dict) and "incident_updates" in doc:
        yield "incident", doc
    elif isinstance(doc, list):
        for n, raw in enumerate(doc):
            yield f"[{n}]", raw
    else:
        raise DomainError(
            f'{file}: expected {{"incident": ...}} or {{"incidents": [...]}} '
            "(Statuspage public API v2)"
        )


def read(path: str | Path, config: ImportConfig | None = None) -> ReadResult:
    """Every incident in a file or directory, in file order; records that cannot be
    imported are listed in `refused` with file and record, and the others still come in.
    A file that is not Statuspage JSON at all raises DomainError (nothing is read)."""
    result = ReadResult()
    files = _files(Path(path))
    for file in files:
        try:
            doc = read_json(file)
            raws = list(_raws(file, doc))
        except DomainError as exc:
            if len(files) == 1 and not Path(path).is_dir():
                raise
            text = str(exc).removeprefix(str(file))
            line, _, why = text.lstrip(":").partition(": ")
            where = f"{file}:{line}" if line.isdigit() else str(file)
            result.refused.append((where, why if line.isdigit() else text.lstrip(": ")))
            continue  # one foreign file in a folder does not stop the others
        page = _page(doc) if isinstance(doc, dict) else Page()
        for where, raw in raws:
            ident = raw.get("id") if isinstance(raw, dict) else None
            label = f"{file}: {where}" + (f" (id {ident})" if isinstance(ident, str) else "")
            try:
                result.incidents.append(parse_incident(raw, page=page, config=config, path=where))
            except (RecordError, DomainError) as exc:
                result.refused.append((label, str(exc)))
            except RecursionError:
                result.refused.append((label, "nested too deeply"))
    return result
