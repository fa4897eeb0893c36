"""The PagerDuty Events API v2 messages irtui queues, built when a page is recorded.

What is stored in the outbox is everything PagerDuty will receive *except the routing key*:
the key's name (`routing`) is kept instead and looked up from the environment or the keyring
when the message is delivered (`pagerduty_keys.py`), so the key never reaches the store, an
export or a log.

`dedup_key` is PagerDuty's idempotency key: a trigger sent twice with the same key opens one
PagerDuty incident, so a retried trigger (answer lost, worker killed) is safe; acknowledge and
resolve carry the trigger's key. irtui makes one key per page:
`irtui/<incident>/page-<n>/<random>` — the random part keeps two stores (or a drill and the real
thing) that both have an INC-7 page 1 from folding into each other's PagerDuty alert.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from typing import Any

from irtui.boundary.text_out import for_customers
from irtui.domain.model import Incident

SEVERITY = {1: "critical", 2: "error", 3: "warning", 4: "info"}
MAX_SUMMARY = 1024
MAX_LINKS = 10
ACTIONS = ("trigger", "acknowledge", "resolve")


def new_dedup_key(incident_id: str, number: int) -> str:
    return f"irtui/{incident_id}/page-{number}/{secrets.token_hex(6)}"


def _one_line(text: str) -> str:
    return " ".join(for_customers(text).split())


def trigger(
    incident: Incident,
    page: dict[str, Any],
    *,
    paged_by: str,
    at: str,
    links: Iterable[tuple[str, str]] = (),
) -> dict[str, Any]:
    """The outbox payload of a page's trigger (`page` is the `paged` event's payload)."""
    who = page.get("display") or page["person"]
    why = page.get("why") or ""
    level = f"level {page['level']} of {page['levels']}" if page.get("level") else ""
    summary = _one_line(
        f"[{incident.id} SEV{incident.severity}] {incident.title} — paging {who}"
        + (f" ({why})" if why and why != who else "")
    )
    if len(summary) > MAX_SUMMARY:
        summary = summary[: MAX_SUMMARY - 1] + "…"
    details: dict[str, Any] = {
        "irtui_incident": incident.id,
        "title": _one_line(incident.title),
        "severity": f"SEV{incident.severity}",
        "status": str(incident.status),
        "services": list(incident.services),
        "paged": who,
        "paged_by": paged_by,
        "page": page["page"],
    }
    if why:
        details["why"] = _one_line(why)
    if level:
        details["escalation"] = f"{page.get('policy')}: {level}"
    if page.get("reason"):
        details["reason"] = _one_line(page["reason"])
    event_links = [
        {"href": url, "text": _one_line(title) or url}
        for url, title in links
        if url.startswith(("https://", "http://"))
    ][:MAX_LINKS]
    payload: dict[str, Any] = {
        "summary": summary,
        "source": page.get("service") or (incident.services[0] if incident.services else "irtui"),
        "severity": SEVERITY.get(incident.severity, "error"),
        "timestamp": at,
        "class": "irtui-page",
        "custom_details": details,
    }
    if page.get("service"):
        payload["component"] = page["service"]
    if page.get("team"):
        payload["group"] = page["team"]
    message: dict[str, Any] = {
        "event_action": "trigger",
        "dedup_key": page["dedup_key"],
        "routing": page.get("routing"),
        "page": page["page"],
        "payload": payload,
        "client": "irtui",
    }
    if event_links:
        message["links"] = event_links
    return message


def followup(action: str, page: dict[str, Any] | Any) -> dict[str, Any]:
    """acknowledge / resolve: only the routing key (added at delivery), the action and the
    trigger's dedup_key."""
    if action not in ACTIONS[1:]:
        raise ValueError(f"not a follow-up action: {action!r}")
    get = page.get if isinstance(page, dict) else lambda k: getattr(page, _ATTR.get(k, k))
    return {
        "event_action": action,
        "dedup_key": get("dedup_key"),
        "routing": get("routing"),
        "page": get("page"),
    }


_ATTR = {"page": "number"}


def request_body(message: dict[str, Any], routing_key: str) -> dict[str, Any]:
    """What is POSTed to /v2/enqueue: the stored message plus the routing key."""
    body: dict[str, Any] = {
        "routing_key": routing_key,
        "event_action": message["event_action"],
        "dedup_key": message["dedup_key"],
    }
    if message["event_action"] == "trigger":
        body["payload"] = message["payload"]
        body["client"] = message.get("client", "irtui")
        if message.get("links"):
            body["links"] = message["links"]
    return body
