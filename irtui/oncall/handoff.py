"""The on-call hand-off brief: what the incoming on-call of a team needs to know.

The practice: a hand-off includes open alerts and incidents, recent incidents, known issues
and scheduled changes. irtui's brief, for one team at one instant:
- who hands over to whom, and when (the team's primary schedule; secondary too);
- open incidents touching the team's services, with their clocks and pages;
- incidents of the outgoing shift (declared or resolved since it began);
- open action items of those services' incidents;
- overrides coming up in the next week (scheduled changes to the rota itself).

It reads the store through `Store` methods and the action-items repository (no SQL here) and
the schedules through `OnCall`; rendering is plain text (the CLI) or data (`to_dict`, the TUI).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from irtui.catalog.model import Team
from irtui.domain.clocks import all_clocks, next_update_clock
from irtui.domain.paging import fold_pages, paging_summary
from irtui.domain.timeutil import fmt_duration, fmt_local_utc, iso
from irtui.oncall.resolve import OnCall, RoleNow
from irtui.oncall.schedule import upcoming_overrides

LOOKAHEAD = timedelta(days=7)
DEFAULT_SHIFT = timedelta(days=7)


@dataclass
class HandoffBrief:
    team: str
    at: datetime
    roles: list[RoleNow]
    shift_start: datetime
    handover_at: datetime | None
    open_incidents: list[dict[str, Any]] = field(default_factory=list)
    recent_incidents: list[dict[str, Any]] = field(default_factory=list)
    actions: list[dict[str, Any]] = field(default_factory=list)
    overrides: list[dict[str, Any]] = field(default_factory=list)
    services: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "team": self.team,
            "at": iso(self.at),
            "oncall": [r.to_dict() for r in self.roles],
            "shift_start": iso(self.shift_start),
            "handover_at": iso(self.handover_at),
            "services": self.services,
            "open_incidents": self.open_incidents,
            "recent_incidents": self.recent_incidents,
            "open_actions": self.actions,
            "overrides_coming_up": self.overrides,
        }


def _touches(incident: Any, services: set[str]) -> bool:
    return not services or bool(set(incident.services) & services)


def build_handoff(
    store: Any, oncall: OnCall, team: Team, at: datetime, now: datetime
) -> HandoffBrief:
    catalog = oncall.catalog
    services = sorted(k for k, s in catalog.services.items() if s.owner == team.key)
    wanted = set(services)
    roles = oncall.team_roles(team, at)
    primary = next((r for r in roles if r.role == "primary"), roles[0] if roles else None)
    shift_start = (primary.since if primary and primary.since else None) or at - DEFAULT_SHIFT
    brief = HandoffBrief(
        team.key, at, roles, shift_start, primary.until if primary else None, services=services
    )
    from irtui.store.paging_repo import page_events

    open_incidents = [i for i in store.list_incidents() if _touches(i, wanted)]
    pages = page_events(store.db, [i.id for i in open_incidents])
    for inc in open_incidents:
        clocks = {c.name: c.text for c in all_clocks(inc, now)}
        nxt = next_update_clock(inc, now)
        brief.open_incidents.append(
            {
                "id": inc.id,
                "severity": inc.severity,
                "status": str(inc.status),
                "title": inc.title,
                "services": inc.services,
                "commander": inc.commander,
                "age": fmt_duration(now - inc.declared_at),
                "clocks": clocks,
                "next_update": nxt.text,
                "paging": paging_summary(fold_pages(pages.get(inc.id, [])), now),
            }
        )
    for inc in store.incidents_between(shift_start - timedelta(days=1), None):
        resolved = inc.milestones.get("resolved")
        if not _touches(inc, wanted) or inc.is_open:
            continue
        if inc.declared_at >= shift_start or (resolved and resolved >= shift_start):
            brief.recent_incidents.append(
                {
                    "id": inc.id,
                    "severity": inc.severity,
                    "status": str(inc.status),
                    "title": inc.title,
                    "declared": iso(inc.declared_at),
                    "resolved": iso(resolved),
                }
            )
    from irtui.store.actions_repo import ActionsRepo

    involved = {i["id"] for i in brief.open_incidents} | {i["id"] for i in brief.recent_incidents}
    members = {m.lower() for m in team.members}
    for item in ActionsRepo(store.db).list(open_only=True):
        if (
            item.incident_id in involved
            or (item.owner or "").lower() in members
            or _owned(store, item.incident_id, wanted)
        ):
            brief.actions.append(
                {
                    "id": item.id,
                    "incident": item.incident_id,
                    "title": item.title,
                    "owner": item.owner,
                    "due": item.due.isoformat() if item.due else None,
                    "overdue": item.is_overdue(now),
                }
            )
    for role_name, schedule in team.oncall.items():
        spec = catalog.schedule(schedule)
        if spec is None:
            continue
        for shift in upcoming_overrides(spec, at, at + LOOKAHEAD, oncall.loader):
            brief.overrides.append(
                {
                    "role": role_name,
                    "schedule": spec.key,
                    "person": catalog.display_person(shift.person),
                    "start": iso(shift.start),
                    "end": iso(shift.end),
                    "reason": shift.reason,
                }
            )
    brief.overrides.sort(key=lambda o: o["start"])
    return brief


def _owned(store: Any, incident_id: str, services: set[str]) -> bool:
    if not services:
        return False
    try:
        return bool(set(store.get(incident_id).services) & services)
    except Exception:
        return False


def render_handoff(brief: HandoffBrief) -> str:
    lines = [f"On-call hand-off — {brief.team} — {fmt_local_utc(brief.at, with_date=True)}"]
    for role in brief.roles:
        now = " + ".join(p.display for p in role.people) or "NOBODY (gap)"
        nxt = " + ".join(p.display for p in role.next) or "—"
        until = fmt_local_utc(role.until, with_date=True) if role.until else "—"
        lines.append(f"  {role.role:<10} {now} -> {nxt} at {until}")
    lines.append(
        f"  shift began {fmt_local_utc(brief.shift_start, with_date=True)}; services: "
        + (", ".join(brief.services) or "— (the team owns no service in the catalog)")
    )
    lines.append("")
    lines.append(f"Open incidents ({len(brief.open_incidents)}):")
    for inc in brief.open_incidents:
        ack = inc["clocks"].get("ack", "—")
        lines.append(
            f"  {inc['id']} SEV{inc['severity']} {inc['status']}: {inc['title']} "
            f"(IC {inc['commander'] or '—'}, age {inc['age']}, ack {ack}, "
            f"next update {inc['next_update']})"
        )
        if inc["paging"]:
            lines.append(f"      paging: {inc['paging']}")
    if not brief.open_incidents:
        lines.append("  none")
    lines.append(f"Incidents of the last shift ({len(brief.recent_incidents)}):")
    for inc in brief.recent_incidents:
        lines.append(f"  {inc['id']} SEV{inc['severity']} {inc['status']}: {inc['title']}")
    if not brief.recent_incidents:
        lines.append("  none")
    lines.append(f"Open action items ({len(brief.actions)}):")
    for item in brief.actions:
        due = (
            f", due {item['due']}" + (" OVERDUE" if item["overdue"] else "") if item["due"] else ""
        )
        owner = item["owner"] or "no owner"
        lines.append(f"  #{item['id']} {item['incident']}: {item['title']} ({owner}{due})")
    if not brief.actions:
        lines.append("  none")
    lines.append(f"Overrides coming up (next {LOOKAHEAD.days} days):")
    for o in brief.overrides:
        reason = f" — {o['reason']}" if o["reason"] else ""
        lines.append(
            f"  {o['role']}: {o['person']} {o['start'][:16].replace('T', ' ')}Z → "
            f"{o['end'][:16].replace('T', ' ')}Z{reason}"
        )
    if not brief.overrides:
        lines.append("  none")
    return "\n".join(lines)
