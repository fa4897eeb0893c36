"""What resolving asks: the resolution checklist, the monitoring hold, and who is owed a final
update.

- **Checklist** — the policy's questions (the seeds': service restored, metrics back to normal,
  user-facing impact ended, monitoring in place, temporary mitigations documented). Every item
  must be checked; the resolve event records which were.
- **Monitoring hold** — a policy level may ask for time in *monitoring* before resolving (e.g.
  SEV1: 15 min): a fix that looks good for one minute is not a fix yet. The hold is copied into
  the incident's events like every clock (the strictest of every severity the incident reached)
  and shown as a clock. Resolving before it is over — or without passing through monitoring —
  needs a reason, stored in the resolve event.
- **Final updates** — every audience the incident has told something is owed the last word.

Imported history (`backfilled` incidents) was resolved elsewhere: no hold applies to it.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from irtui.boundary.text_in import one_line
from irtui.domain.model import DomainError, Incident, IncidentKind, Status
from irtui.domain.policy import ChecklistItem
from irtui.domain.timeutil import fmt_duration, fmt_span


@dataclass(frozen=True, slots=True)
class HoldView:
    """The monitoring hold as a clock: how long is asked, how long has been held."""

    required_s: int
    held_s: float
    in_monitoring: bool

    @property
    def remaining_s(self) -> float:
        return max(self.required_s - self.held_s, 0.0)

    @property
    def met(self) -> bool:
        return self.in_monitoring and self.held_s >= self.required_s

    @property
    def text(self) -> str:
        if not self.in_monitoring:
            return f"{_span(self.required_s)} in monitoring before resolve"
        if self.met:
            return f"held {fmt_duration(self.held_s)} ✓"
        return f"{fmt_duration(self.remaining_s)} left of {_span(self.required_s)}"


def _span(seconds: float) -> str:
    return fmt_span(seconds)


def hold_view(incident: Incident, at: datetime) -> HoldView | None:
    """The hold at `at`, or None when the incident has none (or is no longer open)."""
    if not incident.hold_s or incident.kind is IncidentKind.BACKFILLED or not incident.is_open:
        return None
    in_monitoring = incident.status is Status.MONITORING and incident.status_at is not None
    held = (at - incident.status_at).total_seconds() if in_monitoring else 0.0  # type: ignore[operator]
    return HoldView(incident.hold_s, max(held, 0.0), in_monitoring)


def resolve_terms(
    incident: Incident,
    when: datetime,
    *,
    checklist: Sequence[ChecklistItem],
    checked: Collection[str],
    early_reason: str = "",
) -> dict[str, Any]:
    """Check the answers to what resolving asks; return what the resolve event records.
    Raises DomainError naming what is missing and how to answer it."""
    ids = [item.id for item in checklist]
    unknown = sorted(set(checked) - set(ids) - {"all"})
    if unknown:
        raise DomainError(
            f"unknown checklist item {', '.join(unknown)} (the checklist: {', '.join(ids)})"
        )
    answered = set(ids) if "all" in checked else set(checked)
    missing = [item for item in checklist if item.id not in answered]
    if missing:
        asked = "; ".join(f"{item.id}: {item.text}" for item in missing)
        raise DomainError(
            f"resolving asks the checklist — not checked: {asked}. Check them "
            "(TUI: the resolve dialog; CLI: --checked all, or --checked id,id)"
        )
    terms: dict[str, Any] = {"checklist": {item.id: item.text for item in checklist}}
    reason = one_line(early_reason, "reason")
    hold = hold_view(incident, when)
    if hold is not None and not hold.met:
        so_far = (
            f"{fmt_duration(hold.held_s)} so far"
            if hold.in_monitoring
            else "it is not in monitoring"
        )
        if not reason:
            raise DomainError(
                f"SEV{incident.peak_severity} asks for {_span(hold.required_s)} in "
                f"monitoring before resolving ({so_far}): wait, or say why resolving early "
                "(--early-reason TEXT)"
            )
        terms["early"] = {
            "reason": reason,
            "hold_s": hold.required_s,
            "held_s": int(hold.held_s),
        }
    return terms


def final_update_audiences(incident: Incident) -> list[str]:
    """Audiences told something during the incident (or promised more): each is owed a final
    update saying it is over."""
    return sorted(set(incident.last_update) | set(incident.promises))


def hold_until(incident: Incident) -> datetime | None:
    """When the hold is over (None if there is none or the incident is not in monitoring)."""
    if not incident.hold_s or incident.status is not Status.MONITORING or not incident.status_at:
        return None
    return incident.status_at + timedelta(seconds=incident.hold_s)
