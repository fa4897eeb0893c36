"""Learning log: which services, tags and root causes keep coming back.

Incidents are grouped by calendar quarter (UTC) because that is the period a quarterly review
or a retainer renewal asks about: "3rd incident this quarter involving payments-db".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

from irtui.domain.model import Incident, IncidentKind
from irtui.review.events import Learning, normalise_tag


def quarter_of(when: datetime) -> str:
    when = when.astimezone(UTC)
    return f"{when.year}-Q{(when.month - 1) // 3 + 1}"


def quarter_bounds(when: datetime) -> tuple[datetime, datetime]:
    when = when.astimezone(UTC)
    first_month = 3 * ((when.month - 1) // 3) + 1
    start = datetime(when.year, first_month, 1, tzinfo=UTC)
    end = (
        datetime(when.year + 1, 1, 1, tzinfo=UTC)
        if first_month == 10
        else datetime(when.year, first_month + 3, 1, tzinfo=UTC)
    )
    return start, end


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th, 11th, 12th, 13th, 21st ..."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def dimension_label(dimension: str) -> str:
    """How a dimension reads in a sentence: `service`, `tag`, `root cause`."""
    return "root cause" if dimension == "cause" else dimension


@lru_cache(maxsize=4096)
def _service_key(name: str) -> str:
    return normalise_tag(name)


def dimensions(incident: Incident, learning: Learning | None) -> list[tuple[str, str]]:
    """(dimension, value) pairs an incident can recur on: services, tags, causes."""
    out = [("service", _service_key(s)) for s in incident.services if s.strip()]
    if learning is not None:
        out += [("tag", t) for t in learning.tags]
        out += [("cause", c) for c in learning.causes]
    return list(dict.fromkeys(out))


@dataclass(frozen=True, slots=True)
class Recurrence:
    dimension: str  # service | tag | cause
    value: str
    quarter: str
    incidents: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.incidents)

    @property
    def message(self) -> str:
        return (
            f"{self.count} incidents in {self.quarter} involving "
            f"{dimension_label(self.dimension)} {self.value} "
            f"({', '.join(self.incidents)})"
        )

    def to_dict(self) -> dict[str, object]:
        return {
            "dimension": self.dimension,
            "value": self.value,
            "quarter": self.quarter,
            "count": self.count,
            "incidents": list(self.incidents),
            "message": self.message,
        }


def recurrences(
    incidents: Iterable[Incident], learning: dict[str, Learning], *, minimum: int = 2
) -> list[Recurrence]:
    """Every (quarter, dimension, value) shared by at least `minimum` non-drill incidents,
    most frequent first."""
    groups: dict[tuple[str, str, str], list[str]] = {}
    for inc in incidents:
        if inc.kind is IncidentKind.DRILL:
            continue
        quarter = quarter_of(inc.milestones.get("started") or inc.declared_at)
        for dim, value in dimensions(inc, learning.get(inc.id)):
            groups.setdefault((quarter, dim, value), []).append(inc.id)
    out = [
        Recurrence(dim, value, quarter, tuple(ids))
        for (quarter, dim, value), ids in groups.items()
        if len(ids) >= minimum
    ]
    out.sort(key=lambda r: (-r.count, r.quarter, r.dimension, r.value))
    return out


def notes_for(
    incident: Incident, quarter_incidents: Iterable[Incident], learning: dict[str, Learning]
) -> list[str]:
    """ "3rd incident this quarter involving service payments-db" lines for one incident,
    counting incidents of its quarter that started no later than it did."""
    mine = dimensions(incident, learning.get(incident.id))
    if not mine:
        return []
    started = incident.milestones.get("started") or incident.declared_at
    quarter = quarter_of(started)
    counts: dict[tuple[str, str], list[str]] = {d: [] for d in mine}
    for other in quarter_incidents:
        if other.kind is IncidentKind.DRILL and other.id != incident.id:
            continue
        other_start = other.milestones.get("started") or other.declared_at
        if quarter_of(other_start) != quarter:
            continue
        if (other_start, other.number) > (started, incident.number):
            continue
        for d in dimensions(other, learning.get(other.id)):
            if d in counts:
                counts[d].append(other.id)
    lines = []
    ranked = sorted(counts.items(), key=lambda kv: -len(kv[1]))  # most frequent first (stable)
    for (dim, value), ids in ranked:
        if len(ids) >= 2:
            earlier = [i for i in ids if i != incident.id]
            lines.append(
                f"{ordinal(len(ids))} incident this quarter ({quarter}) involving "
                f"{dimension_label(dim)} {value} (earlier: {', '.join(earlier)})"
            )
    return lines
