"""The github-statuses corpus (`parsed/incidents.jsonl`, one GitHub incident per line).

Fields used: `id`, `title`, `url`, `impact` (none/minor/major/critical/maintenance),
`components`, `updates` [{at, status, message}], and the downtime window.

Which timestamps define the duration: the corpus' `duration_minutes` is exactly
`downtime_end - downtime_start`. The downtime window is the postmortem's `impact_window` when
GitHub published one (163 incidents), else `started_at` (first post) .. `resolved_at` (last
post). So `started` = `downtime_start` and `resolved` = `downtime_end`, which makes an imported
incident's TTR equal `duration_minutes` for every line; the posts stay communication events at
their real times, even when they come after the impact ended.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from irtui.domain.model import DomainError, Status
from irtui.domain.timeutil import parse_iso
from irtui.importers.backfill import BackfillIncident, BackfillUpdate

SOURCE = "github-statuses"
_STATUS: dict[str, Status | None] = {"monitoring": Status.MONITORING}


def parse_line(raw: dict[str, Any]) -> BackfillIncident:
    ident = raw.get("id")
    if not ident:
        raise DomainError("an incident without an `id`")
    start = parse_iso(raw.get("downtime_start") or raw.get("started_at"))
    end = parse_iso(raw.get("downtime_end") or raw.get("resolved_at"))
    if start is None:
        raise DomainError(f"incident {ident} has no start time")
    updates = sorted(
        (
            BackfillUpdate(
                at=parse_iso(u["at"]),  # type: ignore[arg-type]
                text=str(u.get("message") or "").strip(),
                source_status=str(u.get("status") or ""),
                status=_STATUS.get(str(u.get("status") or "").lower()),
            )
            for u in raw.get("updates") or []
            if u.get("at")
        ),
        key=lambda u: u.at,
    )
    impact = str(raw.get("impact") or "none").lower()
    first_post = parse_iso(raw.get("started_at")) or (updates[0].at if updates else start)
    return BackfillIncident(
        source_ref=f"{SOURCE}:{ident}",
        title=str(raw.get("title") or "").strip(),
        impact_level=impact,
        started=start,
        resolved=end,
        updates=updates,
        services=[str(c) for c in raw.get("components") or []],
        first_post=first_post,
        impact_text=f"GitHub status page (impact: {impact}) {raw.get('url') or ''}".strip(),
        tags=["maintenance"] if impact == "maintenance" else [],
    )


def read(path: str | Path) -> list[BackfillIncident]:
    """Every incident of a JSON-lines file (a directory: its `incidents.jsonl`)."""
    file = Path(path)
    if file.is_dir():
        file = file / "incidents.jsonl"
    try:
        lines = file.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise DomainError(f"{file}: {exc.strerror or exc}") from None
    out = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            out.append(parse_line(json.loads(line)))
        except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
            raise DomainError(f"{file}:{number}: {exc}") from None
    return out
