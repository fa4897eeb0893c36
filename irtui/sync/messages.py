"""What customers will see: one outbound status-page message built from an incident.

The message is computed once, when the update is recorded, and stored in the outbox as JSON.
The preview, the CLI and the delivered request all read that one dict, so what was confirmed is
exactly what is sent — even if the incident changes before the network comes back.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from irtui.boundary.text_out import for_customers
from irtui.domain.model import Incident, Status
from irtui.sync.config import INCIDENT_STATUSES, SyncConfig

STATUS_FROM_IRTUI: dict[str, str] = {
    Status.INVESTIGATING: "investigating",
    Status.IDENTIFIED: "identified",
    Status.MITIGATING: "identified",
    Status.MONITORING: "monitoring",
    Status.RESOLVED: "resolved",
    Status.CLOSED: "resolved",
}
MAX_NAME = 255
MAX_BODY = 25_000


def page_status(value: str | None, incident: Incident) -> str:
    """A Statuspage incident status from `--status` (either vocabulary) or the incident's."""
    if value is None or not str(value).strip():
        return STATUS_FROM_IRTUI.get(str(incident.status), "investigating")
    text = str(value).strip().lower()
    if text in INCIDENT_STATUSES:
        return text
    if text in STATUS_FROM_IRTUI:
        return STATUS_FROM_IRTUI[text]
    raise ValueError(f"status must be one of {', '.join(INCIDENT_STATUSES)}")


def component_changes(incident: Incident, status: str, cfg: SyncConfig) -> dict[str, str]:
    """Affected components and their new status: the severity's outage level while open,
    `degraded_performance` while monitoring, `operational` (explicitly) once resolved."""
    if status == "resolved":
        new = "operational"
    elif status == "monitoring":
        new = "degraded_performance"
    else:
        new = cfg.component_status_for(incident.severity)
    out: dict[str, str] = {}
    for service in incident.services:
        cid = cfg.components.get(service)
        if cid:
            out[cid] = new
    return out


def build_message(
    incident: Incident,
    body: str,
    cfg: SyncConfig,
    *,
    status: str | None = None,
    notify: bool | None = None,
    impact: str | None = None,
) -> dict[str, Any]:
    """The stored outbox payload. Raises ValueError for anything the API would reject."""
    # What customers read carries no terminal escapes, controls or bidi overrides, whatever
    # the store or an older irtui holds (boundary.text_out.for_customers).
    text = for_customers(body).strip()
    if not text:
        raise ValueError("a status-page update needs text")
    if len(text) > MAX_BODY:
        raise ValueError(f"the update is {len(text)} characters; Statuspage allows {MAX_BODY}")
    st = page_status(status, incident)
    chosen_impact = impact or cfg.impact_for(incident.severity)
    from irtui.sync.config import IMPACTS

    if chosen_impact not in IMPACTS:
        raise ValueError(f"impact must be one of {', '.join(IMPACTS)}")
    return {
        "incident_id": incident.id,
        "name": for_customers(incident.title).strip()[:MAX_NAME],
        "status": st,
        "impact": chosen_impact,
        "body": text,
        "components": component_changes(incident, st, cfg),
        "notify": cfg.notify if notify is None else bool(notify),
    }


@dataclass(frozen=True, slots=True)
class Preview:
    """Plain lines for a confirm step (TUI modal, CLI echo). User text is never markup."""

    title: str
    status: str
    impact: str
    components: list[tuple[str, str, str]]
    """(service, component id, new status)"""
    unmapped: list[str]
    body: str
    notify: bool
    creates: bool

    def lines(self) -> list[str]:
        action = (
            "creates a NEW status-page incident"
            if self.creates
            else "adds an update to the status-page incident"
        )
        out = [
            f"This {action}.",
            f"Title:   {self.title}",
            f"Status:  {self.status}",
            f"Impact:  {self.impact}",
        ]
        if self.components:
            out.append("Components:")
            out += [f"  {svc} ({cid}) -> {st}" for svc, cid, st in self.components]
        else:
            out.append("Components: none (no service is mapped in statuspage.yaml)")
        if self.unmapped:
            out.append(f"Not on the status page: {', '.join(self.unmapped)}")
        out.append(f"Notify subscribers: {'yes' if self.notify else 'no'}")
        out.append("")
        out.append(self.body)
        return out


def preview(
    incident: Incident, payload: dict[str, Any], cfg: SyncConfig, *, creates: bool
) -> Preview:
    by_id = {cid: svc for svc, cid in cfg.components.items()}
    comps = [(by_id.get(cid, cid), cid, st) for cid, st in payload["components"].items()]
    unmapped = [s for s in incident.services if s not in cfg.components]
    return Preview(
        payload["name"],
        payload["status"],
        payload["impact"],
        comps,
        unmapped,
        payload["body"],
        bool(payload["notify"]),
        creates,
    )
