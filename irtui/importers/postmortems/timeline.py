"""The timeline of a postmortem document: rows in the common shapes, times in UTC.

Shapes read (each line is either placed or reported with its line number):
- **tables**: `| 2019-11-29 12:00 | event |`, the time in the column whose header says
  time/date/when (else the first), the other cells joined; the header may state the zone
  (`Date and Time in CET`, `Time (UTC)`);
- **headings**: `### 14:02` (or `### 2018-06-12 14:02 UTC`) followed by paragraphs that are
  the entry's text; a heading with only a date (`### 2018-06-13`, `### Tuesday 12 June`)
  sets the date of the lines below it;
- **bullets**: `* [14:02] text`, `- **14:02 UTC** text`, `- 14:02 - text`, `1. 14:02 text`;
  indented lines and untimed sub-bullets continue the entry above them;
- **lines**: `14:02 UTC - text`, `**14:02**: text`, and date lines (`**June 12, 2018**`).
Dates: a row's own date, else the last date seen above it, else the document's date (the
first full date in the document). A time earlier than the one before it on the same date,
by more than `ROLLOVER`, is the next day (written past midnight); less than that, the rows
are merely out of order (noted). Zones: the row's own (`14:02 CEST`), else the table
header's, else the timeline's prose (`All times in CET.`), else the document's, else UTC
(flagged `zone_assumed`). Unknown times (`[???]`, `14:??`, `HH:mm`, a date with no time, an
unreadable date) become entries *without* a time, placed after the row above them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from irtui.importers.htmltext import html_to_text, looks_like_html
from irtui.importers.postmortems.timestamps import Stamp, read_stamp
from irtui.importers.zones import UTC_ZONE, Zone, find_zone

ROLLOVER = timedelta(hours=6)
_BULLET = re.compile(r"^(?P<indent>\s*)(?:[-*+•]|\d{1,3}[.)])\s+(?P<body>.*)$")
_SEPARATOR_ROW = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(?:\|\s*:?-{2,}:?\s*)*\|?\s*$")
_ZONE_HINT = re.compile(r"\b(?:time|times|timezone|zone|utc|gmt)\b", re.I)
_COMMENT = re.compile(r"^\s*<!--.*-->\s*$")
_TIME_HEADER = re.compile(r"\b(?:time|date|when|at|timestamp|utc)\b", re.I)


@dataclass(slots=True)
class Row:
    line: int
    stamp: Stamp
    text: str
    shape: str  # table | heading | bullet | line
    indent: int = 0
    zone: Zone | None = None  # the zone in force for this row (before the row's own)
    local: datetime | None = None
    at: datetime | None = None  # UTC
    untimed: str | None = None  # why there is no time (the time as written)
    notes: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Timeline:
    rows: list[Row] = field(default_factory=list)
    unplaced: list[tuple[int, str]] = field(default_factory=list)  # (line, why)
    notes: list[tuple[int, str]] = field(default_factory=list)
    zone: Zone | None = None  # the timeline's declared zone
    zone_assumed: bool = False


def _cells(line: str) -> list[str]:
    body = line.strip()
    if body.startswith("|"):
        body = body[1:]
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    cells = re.split(r"(?<!\\)\|", body)
    return [c.strip().replace("\\|", "|") for c in cells]


def plain(text: str) -> str:
    """Entry text as plain text: inline HTML and entities converted, Markdown emphasis
    markers dropped (the words stay)."""
    if looks_like_html(text):
        text = " ".join(html_to_text(text).split("\n"))
    text = re.sub(r"(\*\*|__)(.+?)\1", r"\2", text)
    return " ".join(text.split())


def zone_statement(text: str) -> Zone | None:
    """A zone stated in prose ("All times in CET.", "Times are UTC+1 (Zurich time)")."""
    if not _ZONE_HINT.search(text) and not re.search(r"\b[A-Z]{3,4}\b", text):
        return None
    if len(text) > 200:
        return None
    return find_zone(text)


def parse(lines: list[tuple[int, str, int]], document_zone: Zone | None) -> Timeline:
    """`lines`: (line number, text, heading level or 0) of the timeline region, in order."""
    out = Timeline()
    table_zone: Zone | None = None
    time_column = 0
    prose_zone: Zone | None = None
    current: Row | None = None
    heading_entry = False
    for index, (number, text, level) in enumerate(lines):
        stripped = text.strip()
        if not stripped or _COMMENT.match(stripped):
            continue
        if level:
            stamp = read_stamp(stripped)
            if stamp is not None and (stamp.clock is not None or stamp.unknown):
                current = Row(number, stamp, stamp.rest, "heading")
                out.rows.append(current)
                heading_entry = True
                continue
            if stamp is not None and stamp.has_date:
                out.rows.append(Row(number, stamp, "", "date"))
                current, heading_entry = None, False
                continue
            zone = zone_statement(stripped)
            if zone is not None:
                prose_zone = zone
            current, heading_entry = None, False
            continue
        if stripped.startswith("|") or (stripped.count("|") >= 2 and "|" in stripped[:30]):
            if _SEPARATOR_ROW.match(stripped):
                continue
            cells = _cells(stripped)
            following = lines[index + 1][1] if index + 1 < len(lines) else ""
            if _SEPARATOR_ROW.match(following.strip()):
                header = " ".join(cells)
                table_zone = zone_statement(header)
                time_column = next((n for n, c in enumerate(cells) if _TIME_HEADER.search(c)), 0)
                continue
            cell = cells[time_column] if time_column < len(cells) else ""
            others = [c for n, c in enumerate(cells) if n != time_column and c]
            stamp = read_stamp(cell) if cell else None
            if stamp is None:
                if not cell and others and current is not None:
                    current.text += " " + " — ".join(others)
                    continue
                out.unplaced.append((number, f"no time in the table's time column: {cell!r}"))
                continue
            body = " — ".join(x for x in [stamp.rest, *others] if x)
            current = Row(number, stamp, body, "table", zone=table_zone)
            out.rows.append(current)
            heading_entry = False
            continue
        bullet = _BULLET.match(text)
        if bullet:
            body = bullet.group("body")
            indent = len(bullet.group("indent").expandtabs(4))
            stamp = read_stamp(body)
            if stamp is not None and (stamp.clock is not None or stamp.unknown):
                current = Row(number, stamp, stamp.rest, "bullet", indent)
                out.rows.append(current)
                heading_entry = False
                continue
            if stamp is not None and stamp.has_date and not stamp.rest:
                out.rows.append(Row(number, stamp, "", "date"))
                current = None
                continue
            if current is not None and (indent > current.indent or heading_entry):
                current.text += " " + body.strip()
                continue
            out.unplaced.append((number, "a list item without a time"))
            continue
        stamp = read_stamp(stripped, need_time=True)
        if stamp is not None and (stamp.clock is not None or stamp.unknown):
            current = Row(number, stamp, stamp.rest, "line")
            out.rows.append(current)
            heading_entry = False
            continue
        date_line = read_stamp(stripped)
        if date_line is not None and date_line.has_date and len(date_line.rest) <= 3:
            out.rows.append(Row(number, date_line, "", "date"))
            current = None
            continue
        zone = zone_statement(stripped)
        if zone is not None and current is None:
            prose_zone = zone
            out.notes.append((number, f"time zone stated: {zone.label}"))
            continue
        if current is not None and (heading_entry or text[:1].isspace()):
            current.text += " " + stripped
            continue
        if zone is not None:
            prose_zone = zone
            out.notes.append((number, f"time zone stated: {zone.label}"))
            continue
        out.unplaced.append((number, "no time found in this line"))
    out.zone = prose_zone or table_zone or document_zone
    for row in out.rows:
        if row.zone is None:
            row.zone = prose_zone or document_zone
    return out


def resolve(timeline: Timeline, document_date: date | None) -> None:
    """Give every row its UTC time (or its reason for having none), in document order."""
    current_date: date | None = None
    last_local: datetime | None = None
    last_utc: datetime | None = None
    year = document_date.year if document_date else None
    any_zone = any(r.stamp.zone for r in timeline.rows) or timeline.zone is not None
    timeline.zone_assumed = not any_zone and any(r.stamp.clock for r in timeline.rows)
    kept: list[Row] = []
    for row in timeline.rows:
        s = row.stamp
        day = s.day
        if day is None and s.month_day is not None:
            base = current_date or document_date
            if base is not None:
                day = date(base.year, *s.month_day)
            elif year is not None:
                day = date(year, *s.month_day)
        if row.shape == "date":
            if day is not None:
                current_date = day
                year = day.year
                last_local = None
            continue
        kept.append(row)
        explicit = day is not None
        if day is None:
            day = current_date or document_date
        if s.clock is None or s.unknown:
            row.untimed = s.unknown or (f"{day.isoformat()}, no time" if day else "no time")
            if explicit:
                current_date = day
            continue
        if day is None:
            row.untimed = f"{s.written} (no date anywhere above it)"
            continue
        local = datetime.combine(day, s.clock)
        if not explicit and last_local is not None and local < last_local:
            if last_local - local > ROLLOVER:
                local += timedelta(days=1)
                row.notes.append(f"past midnight: read as {local:%Y-%m-%d %H:%M}")
            else:
                row.notes.append("earlier than the line above it (rows out of order)")
        zone = s.zone or row.zone or UTC_ZONE
        at, note = zone.to_utc(local, after=last_utc)
        if note:
            row.notes.append(note)
        row.local, row.at = local, at
        current_date = local.date()
        year = current_date.year
        last_local, last_utc = local, at
    timeline.rows = kept
