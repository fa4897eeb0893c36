"""Response metrics: per-incident durations and per-severity aggregates, SLA compliance.

Definitions (documented in the README, used by `report` and the postmortem):
- TTD (time to detect)      = detected - started (impact began)
- TTA (time to acknowledge) = acknowledged - detected
- TTM (time to mitigate)    = mitigated - started
- TTR (time to resolve)     = resolved - started
Drills never count. p90 uses the inclusive (linear interpolation) method.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise

from irtui.domain.model import Incident, IncidentKind

DURATIONS: dict[str, tuple[str, str]] = {
    "ttd": ("started", "detected"),
    "tta": ("detected", "acknowledged"),
    "ttm": ("started", "mitigated"),
    "ttr": ("started", "resolved"),
}


def obligation_severity(incident: Incident) -> int:
    """The severity an incident's obligations follow: the highest it reached (SEV1 is the
    highest). A SEV1 downgraded to SEV3 before it was resolved still owes its postmortem, is
    reviewed on the SEV1 window and is counted as a SEV1 in reports."""
    return min(incident.peak_severity or incident.severity, incident.severity)


def durations(incident: Incident) -> dict[str, float | None]:
    """Seconds for each of TTD/TTA/TTM/TTR, None where a milestone is missing."""
    out: dict[str, float | None] = {}
    for name, (a, b) in DURATIONS.items():
        start, end = incident.milestones.get(a), incident.milestones.get(b)
        out[name] = (end - start).total_seconds() if start and end else None
    return out


@dataclass(frozen=True, slots=True)
class Summary:
    count: int
    median: float | None
    p90: float | None
    mean: float | None


def summarise(values: Sequence[float]) -> Summary:
    if not values:
        return Summary(0, None, None, None)
    ordered = sorted(values)
    if len(ordered) == 1:
        p90 = ordered[0]
    else:
        p90 = statistics.quantiles(ordered, n=10, method="inclusive")[8]
    return Summary(len(ordered), statistics.median(ordered), p90, statistics.fmean(ordered))


def ack_within_deadline(incident: Incident, now: datetime) -> bool | None:
    """True/False if the incident had an ack clock and it is decided; None if not applicable."""
    if incident.ack_due is None:
        return None
    acked = incident.milestones.get("acknowledged")
    if acked is not None:
        return acked <= incident.ack_due
    if now > incident.ack_due:
        return False
    return None  # still running


def update_gaps(
    incident: Incident, update_times: dict[str, list[datetime]], now: datetime
) -> list[tuple[str, float, int]]:
    """(audience, gap seconds, cadence seconds) for every interval between declaration,
    updates and the end (resolution, or now while open) for audiences with a cadence."""
    gaps: list[tuple[str, float, int]] = []
    end = incident.milestones.get("resolved") or now
    for audience, cadence in incident.cadence_s.items():
        points = [incident.declared_at]
        points += sorted(t for t in update_times.get(audience, []) if incident.declared_at <= t)
        points = [p for p in points if p <= end] + [end]
        for a, b in pairwise(points):
            gaps.append((audience, (b - a).total_seconds(), cadence))
    return gaps


@dataclass(slots=True)
class SeverityStats:
    severity: int
    count: int = 0
    metrics: dict[str, Summary] = field(default_factory=dict)
    acked_in_time: int = 0
    ack_decided: int = 0
    gaps_in_cadence: int = 0
    gaps_total: int = 0

    @property
    def ack_compliance(self) -> float | None:
        return self.acked_in_time / self.ack_decided if self.ack_decided else None

    @property
    def update_compliance(self) -> float | None:
        return self.gaps_in_cadence / self.gaps_total if self.gaps_total else None


def aggregate(
    incidents: Iterable[Incident], update_times: dict[str, dict[str, list[datetime]]], now: datetime
) -> tuple[dict[int, SeverityStats], int]:
    """Per-severity stats (by the peak severity) over real and backfilled incidents; returns
    (stats, drills skipped)."""
    stats: dict[int, SeverityStats] = {}
    values: dict[int, dict[str, list[float]]] = {}
    drills = 0
    for inc in incidents:
        if inc.kind is IncidentKind.DRILL:
            drills += 1
            continue
        sev = obligation_severity(inc)
        s = stats.setdefault(sev, SeverityStats(sev))
        s.count += 1
        bucket = values.setdefault(sev, {k: [] for k in DURATIONS})
        for name, secs in durations(inc).items():
            if secs is not None:
                bucket[name].append(secs)
        ok = ack_within_deadline(inc, now)
        if ok is not None:
            s.ack_decided += 1
            s.acked_in_time += int(ok)
        for _aud, gap, cadence in update_gaps(inc, update_times.get(inc.id, {}), now):
            s.gaps_total += 1
            s.gaps_in_cadence += int(gap <= cadence)
    for sev, s in stats.items():
        s.metrics = {name: summarise(vals) for name, vals in values[sev].items()}
    return dict(sorted(stats.items())), drills
