"""Atlassian Statuspage public v2 JSON -> backfilled incidents.

Accepted inputs: a single incident document (`{"incident": {...}}` or a bare incident object
with `incident_updates`), an `incidents.json` list (`{"incidents": [...]}`, as served at
`https://<page>/api/v2/incidents.json`), or a directory of such `*.json` files.

Times: an update's `display_at` (what readers saw, possibly corrected by the operator) wins
over `created_at`. The incident's `started_at` (when impact began, if the operator set it) wins
over `created_at`. Statuspage lists updates newest first; they are sorted by time here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from irtui.domain.model import DomainError, Status
from irtui.domain.timeutil import parse_iso
from irtui.importers.backfill import BackfillIncident, BackfillUpdate

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


def _when(data: dict[str, Any], *keys: str) -> Any:
    for key in keys:
        if data.get(key):
            return parse_iso(str(data[key]))
    return None


def parse_incident(raw: dict[str, Any]) -> BackfillIncident:
    """One Statuspage incident object -> BackfillIncident (DomainError if unusable)."""
    ident = raw.get("id")
    if not ident:
        raise DomainError("a Statuspage incident without an `id`")
    updates: list[BackfillUpdate] = []
    for u in raw.get("incident_updates") or []:
        at = _when(u, "display_at", "created_at")
        if at is None:
            continue
        status = str(u.get("status") or "").lower()
        updates.append(
            BackfillUpdate(
                at=at,
                text=str(u.get("body") or "").strip(),
                source_status=status,
                status=_STATUS.get(status),
            )
        )
    updates.sort(key=lambda u: u.at)
    created = _when(raw, "created_at") or (updates[0].at if updates else None)
    if created is None:
        raise DomainError(f"Statuspage incident {ident} has no times")
    started = _when(raw, "started_at") or created
    status = str(raw.get("status") or "").lower()
    resolved = _when(raw, "resolved_at")
    if resolved is None and status in _ENDED:
        ends = [u.at for u in updates if u.source_status in _ENDED]
        resolved = ends[0] if ends else (updates[-1].at if updates else None)
    if resolved is not None and resolved < started:
        started = resolved  # operators sometimes backdate only one of the two
    monitoring_at = _when(raw, "monitoring_at")
    if monitoring_at and not any(u.status is Status.MONITORING for u in updates):
        updates.append(BackfillUpdate(monitoring_at, "", "monitoring", Status.MONITORING))
        updates.sort(key=lambda u: u.at)
    services = [
        str(c.get("name"))
        for c in raw.get("components") or []
        if isinstance(c, dict) and c.get("name")
    ]
    if not services:
        # affected components are only on the updates in some exports
        for u in raw.get("incident_updates") or []:
            for c in u.get("affected_components") or []:
                name = c.get("name") if isinstance(c, dict) else None
                if name and name not in services:
                    services.append(str(name))
    impact = str(raw.get("impact_override") or raw.get("impact") or "none").lower()
    link = raw.get("shortlink") or ""
    return BackfillIncident(
        source_ref=f"{SOURCE}:{ident}",
        title=str(raw.get("name") or "").strip(),
        impact_level=impact,
        started=started,
        resolved=resolved,
        updates=updates,
        services=services,
        first_post=created,
        impact_text=f"Imported from Statuspage (impact: {impact}){' ' + link if link else ''}",
        tags=["maintenance"] if raw.get("scheduled_for") or impact == "maintenance" else [],
    )


def _documents(path: Path) -> Iterator[tuple[Path, Any]]:
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.suffix.lower() == ".json")
    elif path.exists():
        files = [path]
    else:
        raise DomainError(f"{path}: no such file or directory")
    for file in files:
        try:
            yield file, json.loads(file.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise DomainError(f"{file}: not Statuspage JSON ({exc})") from None


def read(path: str | Path) -> list[BackfillIncident]:
    """Every incident in a file or directory, in file order."""
    out: list[BackfillIncident] = []
    for file, doc in _documents(Path(path)):
        if isinstance(doc, dict) and isinstance(doc.get("incident"), dict):
            raws = [doc["incident"]]
        elif isinstance(doc, dict) and isinstance(doc.get("incidents"), list):
            raws = doc["incidents"]
        elif isinstance(doc, dict) and "incident_updates" in doc:
            raws = [doc]
        elif isinstance(doc, list):
            raws = doc
        else:
            raise DomainError(
                f'{file}: expected {{"incident": ...}} or '
                '{"incidents": [...]} (Statuspage public API v2)'
            )
        for raw in raws:
            if not isinstance(raw, dict):
                raise DomainError(f"{file}: an incident must be a JSON object")
            try:
                out.append(parse_incident(raw))
            except (ValueError, TypeError) as exc:
                raise DomainError(f"{file}: incident {raw.get('id')}: {exc}") from None
    return out
