"""Stakeholder status updates from the standard template.

Every update answers the same five questions — current status, impact, what we know, what
we're doing, when the next update comes — worded per audience: engineers get detail, executives
get business impact in two lines, customers get plain language with no internal names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from irtui.domain.model import STATUS_CHANGE, Audience, Incident, Status

STATUS_PHRASES: dict[str, str] = {
    Status.INVESTIGATING: "We are investigating",
    Status.IDENTIFIED: "We have identified the cause",
    Status.MITIGATING: "We are applying a fix",
    Status.MONITORING: "A fix is in place and we are monitoring",
    Status.RESOLVED: "This incident is resolved",
    Status.CLOSED: "This incident is closed",
}


@dataclass(slots=True)
class UpdateFields:
    """The composer's fields; prefilled by `prefill`, edited by a human before sending."""

    status: str
    impact: str
    known: str
    doing: str
    next_update: datetime | str | None
    """The promise: an instant, `STATUS_CHANGE`, or None (none planned: the final update)."""

    @property
    def is_complete(self) -> bool:
        return all(v.strip() for v in (self.status, self.impact, self.known, self.doing))


def prefill(
    incident: Incident, audience: Audience | str, now: datetime, *, known: str = "", doing: str = ""
) -> UpdateFields:
    """Fields prefilled from the incident; `next_update` from that audience's cadence.

    `known` / `doing` (a digest of the timeline) prefill internal and exec updates only:
    what customers read on the status page is written on purpose, never seeded with the war
    room's own notes."""
    audience = Audience(audience)
    cadence = incident.cadence_s.get(audience) or incident.cadence_s.get(Audience.INTERNAL)
    next_at = now + timedelta(seconds=cadence) if cadence and incident.is_open else None
    internal = audience is not Audience.STATUSPAGE
    return UpdateFields(
        status=str(incident.status),
        impact=incident.impact,
        known=known if internal else "",
        doing=doing if internal else "",
        next_update=next_at,
    )


def _when(value: datetime | str | None) -> str:
    if value == STATUS_CHANGE:
        return "with the next status change"
    if value is None or isinstance(value, str):
        return "when there is news"
    local = value.astimezone()
    utc = f"{value.astimezone(UTC).strftime('%H:%M')} UTC"
    if local.utcoffset() == timedelta(0):
        return utc  # the war room is on UTC: say it once
    return f"{local.strftime('%H:%M')} {local.tzname()} ({utc})"


def render(incident: Incident, audience: Audience | str, fields: UpdateFields) -> str:
    """Plain text of the update for one audience. User text is embedded verbatim."""
    audience = Audience(audience)
    status_line = STATUS_PHRASES.get(fields.status, fields.status)
    services = ", ".join(incident.services) or "our services"
    if audience is Audience.EXEC:
        lines = [
            f"SEV{incident.severity} {incident.id}: {incident.title} — {fields.status}",
            f"Business impact: {fields.impact or 'being assessed'}",
            f"Now: {fields.doing or status_line}",
            f"Next update: {_when(fields.next_update)}",
        ]
    elif audience is Audience.STATUSPAGE:
        lines = [
            f"{status_line}.",
            f"Impact: {fields.impact or f'Some customers may see problems with {services}.'}",
        ]
        if fields.known.strip():
            lines.append(fields.known.strip())
        if fields.doing.strip():
            lines.append(fields.doing.strip())
        lines.append(f"Next update: {_when(fields.next_update)}.")
    else:
        ic = incident.commander or "unassigned"
        lines = [
            f"[{incident.id}] SEV{incident.severity} — {incident.title}",
            f"Status: {fields.status}",
            f"Impact: {fields.impact or 'being assessed'}",
            f"What we know: {fields.known or '—'}",
            f"What we're doing: {fields.doing or '—'}",
            f"Incident commander: {ic}",
            f"Next update: {_when(fields.next_update)}",
        ]
    if not incident.is_open and fields.next_update is None:
        # The final update: nothing is promised after it.
        lines = [line for line in lines if not line.startswith("Next update:")]
    return "\n".join(lines)
