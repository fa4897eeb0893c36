"""The order of an incident's facts in time: what may be backdated how far, and what may not
come after what.

Every time a person types (an entry's `-5m`, `--at`, `--started`, a milestone correction) and
every event a command produces passes through here, so the rules hold on every path (CLI, TUI,
importers, the store's own safety net):

- nothing is **in the future** (beyond `FUTURE_SLACK` of clock skew between laptops);
- nothing is earlier than `LOOKBACK` (three years) before the incident started, and nothing
  before `FLOOR` (1970) at all: a typo such as `0999-06-01` or `-99999h` is refused, not stored;
- milestones keep their order (`check_milestones`): started ≤ detected ≤ acknowledged,
  started ≤ mitigated ≤ resolved ≤ closed, detected and acknowledged ≤ resolved — so no
  duration can be negative;
- facts from before the resolution (an ack, a mitigation, a status change) are not after it.

Messages speak the room's language: local `HH:MM` beside UTC (`timeutil.fmt_when`).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from irtui.domain.model import MILESTONES, DomainError, Incident
from irtui.domain.timeutil import fmt_when, to_utc

FUTURE_SLACK = timedelta(minutes=2)
"""How far ahead of `now` a timestamp may be (clock skew between laptops), no more."""
LOOKBACK = timedelta(days=3 * 365)
"""How far before `started` (or before now, when declaring) a typed time may lie."""
FLOOR = datetime(1970, 1, 1, tzinfo=UTC)
"""No incident fact is older than this, whatever the incident."""

# Which milestones must not be later than which (pairs of (earlier, later)).
ORDER: tuple[tuple[str, str], ...] = (
    ("started", "detected"),
    ("detected", "acknowledged"),
    ("started", "mitigated"),
    ("mitigated", "resolved"),
    ("acknowledged", "resolved"),
    ("detected", "resolved"),
    ("resolved", "closed"),
)


def earliest(incident: Incident | None, now: datetime) -> datetime:
    """The earliest time a fact of `incident` (or of one being declared now) may have."""
    if incident is None:
        anchor = to_utc(now)
    else:
        anchor = incident.milestones.get("started") or incident.declared_at
    try:
        return max(FLOOR, anchor - LOOKBACK)
    except OverflowError:
        return FLOOR


def check_time(
    at: datetime, now: datetime, what: str, *, incident: Incident | None = None
) -> datetime:
    """`at` as aware UTC if it is a plausible time for a fact of `incident`: not in the
    future, not before `earliest`. Raises DomainError saying which way it is wrong."""
    at = to_utc(at)
    now = to_utc(now)
    if at > now + FUTURE_SLACK:
        raise DomainError(
            f"{what} {fmt_when(at, now)} is in the future (it is {fmt_when(now)} now)"
        )
    if at < FLOOR:
        raise DomainError(f"{what} {fmt_when(at, now)} is before 1970: type the time again")
    floor = earliest(incident, now)
    if at < floor:
        since = "the incident started" if incident is not None else "now"
        raise DomainError(
            f"{what} {fmt_when(at, now)} is more than {LOOKBACK.days // 365} years before "
            f"{since} ({fmt_when(floor + LOOKBACK, now)}): type the time again"
        )
    return at


def not_before_start(incident: Incident, at: datetime, what: str, now: datetime) -> None:
    started = incident.milestones.get("started")
    if started is not None and at < started:
        raise DomainError(
            f"{what} {fmt_when(at, now)} is before the incident started "
            f"({fmt_when(started, now)}); if impact began earlier, move `started` first "
            f"(irtui milestone {incident.id} started WHEN, or Times… on the incident screen)"
        )


def not_after_resolution(incident: Incident, at: datetime, what: str, now: datetime) -> None:
    resolved = incident.milestones.get("resolved")
    if resolved is not None and at > resolved:
        raise DomainError(
            f"{what} {fmt_when(at, now)} is after the incident was resolved "
            f"({fmt_when(resolved, now)})"
        )


def check_milestones(milestones: dict[str, datetime | None], now: datetime | None = None) -> None:
    """Raise DomainError if any milestone is out of order."""
    started = milestones.get("started")
    for name in MILESTONES:
        value = milestones.get(name)
        if started and value and value < started:
            raise DomainError(
                f"{name} ({fmt_when(value, now)}) cannot be before started "
                f"({fmt_when(started, now)})"
            )
    for first, later in ORDER:
        a, b = milestones.get(first), milestones.get(later)
        if a and b and b < a:
            raise DomainError(
                f"{later} ({fmt_when(b, now)}) cannot be before {first} ({fmt_when(a, now)})"
            )
