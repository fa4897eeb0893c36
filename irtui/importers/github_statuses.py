"""The github-statuses corpus (`parsed/incidents.jsonl`, one GitHub incident per line).

Fields used: `id`, `title`, `url`, `impact` (none/minor/major/critical/maintenance),
`components`, `updates` [{at, status, message}], and the downtime window.

Which timestamps define the duration: the corpus' `duration_minutes` is exactly
`downtime_end - downtime_start`. The downtime window is the postmortem's `impact_window` when
GitHub published one (163 incidents), else `started_at` (first post) .. `resolved_at` (last
post). That window is a human-determined truth, so `started` = `downtime_start` and
`resolved` = `downtime_end` (an imported incident's TTR equals `duration_minutes` for every
line), and posts outside it are *flagged* (`posts_outside_window`), not used to move it; the
posts stay communication events at their real times. Events are authored by
`github-statuses`.
"""

from __future__ import annotations

import json
import stat
from datetime import timedelta
from pathlib import Path
from typing import Any

from irtui.domain.model import DomainError, Status
from irtui.domain.quality import QualityFlag
from irtui.domain.timeutil import iso
from irtui.importers.backfill import BackfillIncident, BackfillUpdate, ReadResult
from irtui.importers.config import ImportConfig
from irtui.importers.htmltext import html_to_text
from irtui.importers.source import (
    MAX_FILE_BYTES,
    Notices,
    Record,
    RecordError,
    clean,
    clean_raw,
)

SOURCE = "github-statuses"
_STATUS: dict[str, Status | None] = {"monitoring": Status.MONITORING}
TOLERANCE = timedelta(minutes=1)


def parse_line(raw: Any, config: ImportConfig | None = None, path: str = "") -> BackfillIncident:
    config = config or ImportConfig()
    rec = Record(raw, path)
    ident = rec.text("id").strip()
    if not ident:
        raise RecordError("an incident without an `id`")
    start = rec.first_time("downtime_start", "started_at")
    end = rec.first_time("downtime_end", "resolved_at")
    if start is None:
        raise RecordError(f"incident {ident} has no start time")
    notices = Notices()
    updates = []
    for u in rec.records("updates"):
        at = u.time("at")
        if at is None:
            notices.add(u.path, "a post without a time was left out")
            continue
        status = u.text("status")
        updates.append(
            BackfillUpdate(
                at=at,
                text=clean(
                    html_to_text(u.text("message")), u.where("message"), notices, field="entry"
                ),
                source_status=status,
                status=_STATUS.get(status.lower()),
            )
        )
    updates.sort(key=lambda u: u.at)
    impact = rec.text("impact", "none").strip().lower() or "none"
    first_post = rec.time("started_at") or (updates[0].at if updates else start)
    quality: dict[str, str] = {}
    if end is not None and end < start:
        quality[QualityFlag.STARTED_AFTER_RESOLVED] = (
            f"downtime_start {iso(start)} is after downtime_end {iso(end)}"
        )
        end = start
    if end is not None and end == start:
        quality[QualityFlag.ZERO_LENGTH] = "downtime_start == downtime_end"
    before = [u for u in updates if u.at < start - TOLERANCE]
    after = [u for u in updates if end is not None and u.at > end + TOLERANCE]
    if before or after:
        parts = []
        if before:
            parts.append(f"{len(before)} before the impact window ({iso(start)})")
        if after:
            parts.append(f"{len(after)} after it ended ({iso(end)})")
        quality[QualityFlag.POSTS_OUTSIDE_WINDOW] = "posts " + " and ".join(parts)
    if len(updates) <= 1:
        quality[QualityFlag.ONE_POST] = "the record has a single post"
    updated = rec.time("updated_at")
    late = [u for u in updates if updated is not None and u.at > updated + timedelta(minutes=2)]
    if late:
        quality[QualityFlag.CLOCK_SKEW] = (
            f"{len(late)} post(s) dated after the record's updated_at ({iso(updated)})"
        )
    url = clean(rec.text("url").strip(), rec.where("url"), notices, field="short")
    return BackfillIncident(
        source_ref=f"{SOURCE}:{ident}",
        title=clean(
            rec.text("title").strip(), rec.where("title"), notices, field="title", multiline=False
        ),
        impact_level=impact,
        started=start,
        resolved=end,
        updates=updates,
        services=config.services(rec.strings("components")),
        first_post=first_post,
        impact_text=f"GitHub status page (impact: {impact}) {url}".strip(),
        tags=["maintenance"] if impact == "maintenance" else [],
        source=SOURCE,
        quality=quality,
        raw=clean_raw(raw, path or ident, notices),
        notices=notices.items,
    )


def read(path: str | Path, config: ImportConfig | None = None) -> ReadResult:
    """Every incident of a JSON-lines file (a directory: its `incidents.jsonl`). A line that
    is not a usable record is listed in `refused` as `file:line`; the others still come in."""
    file = Path(path)
    if file.is_dir():
        file = file / "incidents.jsonl"
    try:
        st = file.stat()
        if not stat.S_ISREG(st.st_mode):  # a FIFO would block the import forever
            raise DomainError(f"{file}: not a regular file")
        if st.st_size > MAX_FILE_BYTES:
            raise DomainError(f"{file}: larger than {MAX_FILE_BYTES:,} bytes")
        lines = file.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise DomainError(f"{file}: {exc.strerror or exc}") from None
    except UnicodeDecodeError as exc:
        raise DomainError(f"{file}: not UTF-8 text (byte {exc.start})") from None
    result = ReadResult()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{file}:{number}"
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            result.refused.append((where, f"not JSON ({exc.msg}, column {exc.colno})"))
            continue
        except RecursionError:
            result.refused.append((where, "JSON nested too deeply to be a record"))
            continue
        try:
            result.incidents.append(parse_line(raw, config, ""))
        except (RecordError, DomainError) as exc:
            result.refused.append((where, str(exc)))
        except RecursionError:
            result.refused.append((where, "nested too deeply"))
    return result
