"""The debrief from the store, and its findings filed as action items.

Kept apart from `debrief` (pure scoring) because it reads the policy, the outbox's drill sink
and the action items; kept apart from `runner` because nothing here touches the drill clock.
"""

from __future__ import annotations

from typing import Any

from irtui.domain.model import DomainError
from irtui.drills.debrief import Debrief, Finding, build_debrief
from irtui.drills.runner import view


def sink_messages(store: Any, incident_id: str) -> list[dict[str, Any]]:
    """What the drill would have sent, whatever the channel (status page, chat, pager)."""
    from irtui.store.outbox_repo import OutboxRepo

    out = []
    for m in OutboxRepo(store.db).drill_sink(incident_id):
        body = m.payload.get("body") or m.payload.get("text") or m.payload.get("summary") or ""
        out.append(
            {
                "id": m.id,
                "provider": m.provider,
                "op": m.op,
                "status": m.payload.get("status"),
                "body": str(body),
                "created_at": m.created_at.isoformat(timespec="seconds"),
            }
        )
    return out


def score(store: Any, ref: str | int) -> Debrief:
    """The debrief of a drill as it stands (a running drill can be scored too)."""
    v = view(store, ref)
    try:
        roles = tuple(store.policy.level(v.incident.severity).required_roles)
    except Exception:  # a policy without that level: no required roles to score
        roles = ()
    return build_debrief(v, required_roles=roles, sink=sink_messages(store, v.incident.id))


def filed_titles(store: Any, incident_id: str) -> set[str]:
    from irtui.store.actions_repo import ActionsRepo

    return {i.title for i in ActionsRepo(store.db).list(incident_id=incident_id)}


def file_action(store: Any, incident_id: str, finding: Finding) -> Any:
    """One finding as an action item on the drill (once: filing it again is refused)."""
    from irtui.store.actions_repo import ActionsRepo

    title = _title(finding)
    if title in filed_titles(store, incident_id):
        raise DomainError(f"already an action item of {incident_id}: {title}")
    return ActionsRepo(store.db).add(incident_id, title, type=finding.type, now=store.now())


def file_all(store: Any, debrief: Debrief) -> list[Any]:
    """Every finding not yet filed, as action items (`irtui drill report --file-actions`)."""
    done = filed_titles(store, debrief.incident_id)
    return [
        file_action(store, debrief.incident_id, f)
        for f in debrief.findings
        if _title(f) not in done
    ]


def _title(finding: Finding) -> str:
    return " ".join(finding.action.split())[:300]
