"""Markdown postmortems -> one backfilled incident each (`irtui import postmortem PATH...`).

A document becomes: the title (its first heading), a severity if it states one, timeline
entries at their own times from the common timeline shapes (`timeline.py`), milestones read
from those lines (`milestones.py`), the human sections of irtui's postmortem (summary,
impact, root cause, contributing factors, five whys, what went well / could be improved,
lessons learned or learnt, authors/attendees: `sections.py`), tracked action items from task
lists and tables (`action_items.py`, done ones done), the `## Stats` figures kept as reported
(and their category as a tag). Every line is placed or reported with `file:line`
(`ReadResult.unplaced`); how a time was read when that took a decision (a zone written wrongly
for the season, a rollover past midnight, a time kept without a value) is in `notes`.

Identity: `postmortem:<file name without extension>`; a re-import of the same file is a
no-op, a changed file is reported as such (see `backfill`).
"""

from __future__ import annotations

import hashlib
import re
import stat
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from irtui.domain.model import DomainError
from irtui.domain.quality import QualityFlag
from irtui.domain.timeutil import iso
from irtui.importers.backfill import BackfillEntry, BackfillIncident, ReadResult
from irtui.importers.config import ImportConfig
from irtui.importers.postmortems import action_items, sections, timeline
from irtui.importers.postmortems.document import Section, split
from irtui.importers.postmortems.milestones import infer, kind_of
from irtui.importers.postmortems.timestamps import read_stamp
from irtui.importers.source import Notices, RecordError, clean
from irtui.importers.zones import Zone

SOURCE = "postmortem"
MAX_DOCUMENT_BYTES = 5_000_000
MAX_FILES = 20_000
SUFFIXES = (".md", ".markdown", ".mdown", ".mkd", ".txt")

_ANY_DATE = re.compile(
    r"\b(\d{4})-(\d{2})-(\d{2})\b|\b(\d{1,2})(?:st|nd|rd|th)?\.?\s+(?:of\s+)?"
    r"(jan\w*|feb\w*|mar\w*|apr\w*|may|jun\w*|jul\w*|aug\w*|sep\w*|oct\w*|nov\w*|dec\w*)\.?,?\s+(\d{4})\b|"
    r"\b(jan\w*|feb\w*|mar\w*|apr\w*|may|jun\w*|jul\w*|aug\w*|sep\w*|oct\w*|nov\w*|dec\w*)\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b",
    re.I,
)


def _first_date(lines: Iterable[str]) -> date | None:
    from irtui.importers.postmortems.timestamps import MONTHS

    for line in lines:
        for match in _ANY_DATE.finditer(line):
            g = match.groups()
            try:
                if g[0]:
                    found = date(int(g[0]), int(g[1]), int(g[2]))
                elif g[3]:
                    found = date(int(g[5]), MONTHS[g[4][:3].lower()], int(g[3]))
                else:
                    found = date(int(g[8]), MONTHS[g[6][:3].lower()], int(g[7]))
            except (ValueError, KeyError):
                continue
            if 1970 <= found.year <= 2200:
                return found
    return None


def _document_zone(lines: Iterable[str]) -> Zone | None:
    for line in lines:
        if re.search(r"\btimes?\b|\bzone\b", line, re.I):
            zone = timeline.zone_statement(line)
            if zone is not None:
                return zone
    return None


def source_ref_for(path: Path) -> str:
    stem = path.name
    for suffix in SUFFIXES:
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
    return f"{SOURCE}:{' '.join(stem.split())}"


def source_author(path: Path) -> str:
    """`postmortem:PM2019-010` for `PM2019-010 - Hellman cluster node deletion.md`: the file's
    own identifier when its name starts with one, else its name (the events' author)."""
    name = source_ref_for(path).split(":", 1)[1]
    first = name.split()[0] if name.split() else name
    short = first if len(first) >= 4 and any(ch.isdigit() for ch in first) else name
    return f"{SOURCE}:{short[:60]}"


class _Parts:
    """The document's sections grouped into the parts irtui knows."""

    def __init__(self) -> None:
        self.human: dict[str, list[str]] = {}
        self.human_lines: dict[str, int] = {}
        self.timeline: list[tuple[int, str, int]] = []
        self.timeline_line: int | None = None
        self.actions: list[tuple[int, str]] = []
        self.stats: list[tuple[int, str]] = []
        self.unknown: list[Section] = []


def _group(sections_: list[Section]) -> _Parts:
    parts = _Parts()
    current: tuple[str, int] | None = None
    for s in sections_:
        kind = sections.classify(s.heading)
        if kind is None and current is not None and s.level > current[1]:
            kind = current[0]
            nested = True
        else:
            nested = False
            current = (kind, s.level) if kind is not None else None
        if kind is None:
            parts.unknown.append(s)
            current = ("__unknown__", s.level)
            continue
        if kind == "__unknown__":
            parts.unknown.append(s)
            continue
        if kind == "timeline":
            if parts.timeline_line is None:
                parts.timeline_line = s.line
            if nested:
                parts.timeline.append((s.line, s.heading, s.level))
            parts.timeline += [(n, t, 0) for n, t in s.lines]
        elif kind == "actions":
            parts.actions += s.lines
        elif kind == "stats":
            parts.stats += s.lines
        else:
            body = parts.human.setdefault(kind, [])
            parts.human_lines.setdefault(kind, s.line)
            if nested:
                body.append(f"{'#' * s.level} {s.heading}")
            elif body:
                body.append(f"**{s.heading}**")
            elif kind == "authors" and sections.normalise(s.heading) not in ("authors", "author"):
                body.append(f"{s.heading}:")
            body += [t for _n, t in s.lines]
    return parts


def _fallback_timeline(doc_sections: list[Section]) -> list[tuple[int, str, int]]:
    """No `## Timeline`: the first section whose lines are mostly timestamped rows."""
    for s in doc_sections:
        timed = sum(
            1 for _n, t in s.lines if t.strip() and read_stamp(t.strip(" -*|"), need_time=True)
        )
        if timed >= 2:
            return [(n, t, 0) for n, t in s.lines]
    return []


def parse_document(
    text: str, path: Path, config: ImportConfig | None = None
) -> tuple[BackfillIncident | None, ReadResult]:
    """One document -> (incident or None, what was refused / unplaced / noted)."""
    out = ReadResult()
    where = str(path)
    notices = Notices()
    doc = split(text)
    parts = _group(doc.sections)
    lines = text.splitlines()
    region = parts.timeline
    if not region:
        region = _fallback_timeline(doc.sections)
        used_fallback = bool(region)
    else:
        used_fallback = False
    timeline_lines = {n for n, _t, _l in region}
    other_lines = [t for n, t in enumerate(lines, start=1) if n not in timeline_lines]
    doc_zone = _document_zone(other_lines)
    doc_date = _first_date(other_lines) or _first_date(t for _n, t, _l in region)
    tl = timeline.parse(region, doc_zone)
    timeline.resolve(tl, doc_date)
    for number, why in tl.unplaced:
        out.unplaced.append((f"{where}:{number}", why))
    for number, note in tl.notes:
        out.notes.append((f"{where}:{number}", note))
    timed = [(r.at, r.text) for r in tl.rows if r.at is not None]
    if not timed:
        for row in tl.rows:
            out.unplaced.append(
                (f"{where}:{row.line}", f"no usable time (written {row.stamp.written!r})")
            )
        why = "no timeline line has a time irtui can read"
        if not region:
            why = "no timeline found (a `## Timeline` section of dated rows)"
        out.refused.append((where, f"{why}; nothing imported from this file"))
        _report_sections(out, where, parts, used_fallback)
        return None, out
    m = infer([(at, t) for at, t in timed])  # type: ignore[misc]
    assert m["started"] is not None
    entries: list[BackfillEntry] = []
    previous_at = m["started"]
    untimed = 0
    said: set[str] = set()
    for row in tl.rows:
        body = timeline.plain(row.text)
        if row.stamp.until:
            body += f" (until {row.stamp.until})"
        if row.stamp.approx:
            body += " (approximate time)"
        if not body.strip():
            out.unplaced.append((f"{where}:{row.line}", "a time without any text"))
            continue
        try:
            body = clean(body, f"{where}:{row.line}", notices, field="entry")
        except RecordError as exc:
            out.unplaced.append((f"{where}:{row.line}", str(exc)))
            continue
        for note in row.notes:
            if note not in said:
                said.add(note if " claims UTC" in note else f"{row.line}:{note}")
                out.notes.append((f"{where}:{row.line}", note))
        if row.at is None:
            untimed += 1
            out.notes.append(
                (f"{where}:{row.line}", f"kept without a time (written {row.untimed!r})")
            )
            entries.append(
                BackfillEntry(
                    previous_at,
                    f"[time unknown: {row.untimed}] {body}",
                    kind_of(body),
                    untimed=row.untimed,
                    line=row.line,
                )
            )
            continue
        previous_at = max(row.at, m["started"])
        entries.append(BackfillEntry(row.at, body, kind_of(body), line=row.line))
    human: dict[str, str] = {}
    for key, body_lines in parts.human.items():
        body = "\n".join(body_lines).strip()
        if body:
            try:
                human[key] = clean(body, f"{where}: {key}", notices, field="body")
            except RecordError as exc:
                out.unplaced.append((f"{where}:{parts.human_lines.get(key)}", str(exc)))
    preamble = doc.preamble.text().strip()
    if preamble:
        if "summary" not in human:
            human["summary"] = clean(preamble, f"{where}: summary", notices, field="body")
        else:
            first = next((n for n, t in doc.preamble.lines if t.strip()), doc.preamble.line)
            out.unplaced.append(
                (f"{where}:{first}", "text before the first section (a Summary exists)")
            )
    actions, action_unplaced = action_items.parse(parts.actions)
    for number, why in action_unplaced:
        out.unplaced.append((f"{where}:{number}", why))
    for action in actions:
        try:
            action.title = clean(
                action.title, f"{where}:{action.line}", notices, field="short", multiline=False
            )
        except RecordError as exc:
            out.unplaced.append((f"{where}:{action.line}", str(exc)))
            action.title = ""
    actions = [a for a in actions if a.title]
    reported, stat_other = sections.stats(parts.stats)
    extra: dict[str, object] = {}
    if reported:
        extra["reported"] = reported
    if stat_other:
        extra["stats_notes"] = [t.strip() for _n, t in stat_other if t.strip()]
    tags = []
    if isinstance(reported.get("category"), str) and reported["category"].strip():
        tags.append(str(reported["category"]))
    _report_sections(out, where, parts, used_fallback)
    quality: dict[str, str] = {}
    if untimed:
        quality[QualityFlag.UNTIMED_ENTRIES] = f"{untimed} timeline line(s) without a usable time"
    if tl.zone_assumed:
        quality[QualityFlag.ZONE_ASSUMED] = "the document states no time zone; read as UTC"
        out.notes.append(
            (f"{where}:{parts.timeline_line or 1}", "no time zone stated: read as UTC")
        )
    if m["resolved"] == m["started"]:
        quality[QualityFlag.ZERO_LENGTH] = (
            "the timeline's first and resolving lines are at the same time"
        )
    if len(timed) == 1:
        quality[QualityFlag.ONE_POST] = "a single timed line"
    metadata = [t for _n, t in doc.preamble.lines] + parts.human.get("summary", [])
    title = clean(
        doc.title or source_ref_for(path).split(":", 1)[1],
        f"{where}: title",
        notices,
        field="title",
        multiline=False,
    )
    bf = BackfillIncident(
        source_ref=source_ref_for(path),
        title=title,
        impact_level="none",
        started=m["started"],
        resolved=m["resolved"],
        services=[],
        impact_text=f"Imported from the postmortem {path.name}",
        tags=tags,
        source=source_author(path),
        severity=sections.severity(metadata, doc.title),
        detected=m["detected"],
        acknowledged=m["acknowledged"],
        mitigated=m["mitigated"],
        entries=entries,
        sections=human,
        actions=actions,
        quality=quality,
        raw={"file": path.name, "text": clean(text, where, Notices(), field="body")},
        notices=notices.items,
        fingerprint=hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(),
        extra=extra,
    )
    if bf.severity is None:
        bf.impact_level = "minor"
    out.notes.append(
        (
            where,
            f"milestones read: started {iso(m['started'])[:16]}Z, detected "
            f"{(iso(m['detected']) or '—')[:16]}Z, resolved {(iso(m['resolved']) or '—')[:16]}Z",
        )
    )
    return bf, out


def _report_sections(out: ReadResult, where: str, parts: _Parts, fallback: bool) -> None:
    for s in parts.unknown:
        last = s.lines[-1][0] if s.lines else s.line
        if not s.text().strip() and not s.lines:
            continue
        span = f"lines {s.line}-{last}" if last != s.line else f"line {s.line}"
        out.unplaced.append(
            (
                f"{where}:{s.line}",
                f"section “{s.heading}” ({span}) is not a part of irtui's postmortem "
                "(summary, impact, root cause, contributing factors, five whys, what went "
                "well, what could be improved, lessons, authors, timeline, action items)",
            )
        )
    if fallback:
        out.notes.append((where, "no `## Timeline` heading: the timestamped section was used"))


def _files(paths: Iterable[str | Path]) -> tuple[list[Path], list[tuple[str, str]]]:
    files: list[Path] = []
    refused: list[tuple[str, str]] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for f in sorted(path.rglob("*")):
                if len(files) >= MAX_FILES:
                    refused.append((str(path), f"more than {MAX_FILES:,} files; stopped there"))
                    break
                if f.is_symlink() or not f.is_file() or any(p.startswith(".") for p in f.parts):
                    continue
                if f.suffix.lower() in SUFFIXES or (not f.suffix and _looks_markdown(f)):
                    files.append(f)
        elif path.is_file():
            files.append(path)
        else:
            refused.append((str(path), "no such file or directory"))
    return files, refused


def _looks_markdown(path: Path) -> bool:
    try:
        with path.open("rb") as fh:
            head = fh.read(512)
    except OSError:
        return False
    return head.lstrip().startswith(b"#")


def read(paths: Iterable[str | Path], config: ImportConfig | None = None) -> ReadResult:
    """Every postmortem in `paths` (files, or folders walked for Markdown files)."""
    result = ReadResult()
    files, refused = _files(paths)
    result.refused += refused
    if not files and not refused:
        raise DomainError("no Markdown postmortem found in " + ", ".join(map(str, paths)))
    for file in files:
        try:
            st = file.stat()
            if not stat.S_ISREG(st.st_mode):  # a FIFO named x.md would block forever
                result.refused.append((str(file), "not a regular file"))
                continue
            if st.st_size > MAX_DOCUMENT_BYTES:
                result.refused.append((str(file), f"larger than {MAX_DOCUMENT_BYTES:,} bytes"))
                continue
            text = file.read_text(encoding="utf-8")
        except OSError as exc:
            result.refused.append((str(file), exc.strerror or str(exc)))
            continue
        except UnicodeDecodeError as exc:
            result.refused.append((str(file), f"not UTF-8 text (byte {exc.start})"))
            continue
        try:
            bf, part = parse_document(text, file, config)
        except RecordError as exc:
            result.refused.append((str(file), str(exc)))
            continue
        except RecursionError:
            result.refused.append((str(file), "nested too deeply to read"))
            continue
        result.extend(part)
        if bf is not None:
            result.incidents.append(bf)
    return result
