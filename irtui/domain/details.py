"""Editing an incident's details after it was declared: the title, the services, and the impact
— as a sentence, or as its three parts (who is affected, how many, which regions), from which
the sentence every brief and update quotes is written.

A wrong impact sentence otherwise stays in every brief. Every edit is a `details_changed`
event holding only what changed; the parts ride along so the next edit starts from them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from irtui.boundary.text_in import one_line
from irtui.domain.model import DomainError, Event, EventKind, Incident

IMPACT_PARTS: tuple[str, ...] = ("who", "how_many", "regions")
PART_LABELS = {"who": "Who is affected", "how_many": "How many", "regions": "Regions"}


def impact_sentence(parts: dict[str, str]) -> str:
    """`EU customers paying by card · ~70% of checkouts fail · regions: eu-west, eu-central`."""
    who, many, regions = (parts.get(k, "").strip() for k in IMPACT_PARTS)
    bits = [b for b in (who, many) if b]
    if regions:
        bits.append(f"regions: {regions}")
    return " · ".join(bits)


def cmd_edit_details(
    incident: Incident,
    *,
    now: datetime,
    author: str,
    title: str | None = None,
    services: list[str] | None = None,
    impact: str | None = None,
    parts: dict[str, str] | None = None,
) -> list[Event]:
    """Change what is given. `parts` (who, how_many, regions) rewrite the impact sentence
    unless an explicit `impact` is given too; only real changes are recorded."""
    payload: dict[str, Any] = {}
    if title is not None:
        text = one_line(title, "title", field="title")
        if not text:
            raise DomainError("an incident needs a title")
        if text != incident.title:
            payload["title"] = text
    if services is not None:
        cleaned = (one_line(name, "service", field="name") for name in services)
        names = list(dict.fromkeys(name for name in cleaned if name))
        if names != incident.services:
            payload["services"] = names
    if parts is not None:
        unknown = set(parts) - set(IMPACT_PARTS)
        if unknown:
            raise DomainError(f"unknown impact part(s): {', '.join(sorted(unknown))}")
        merged = dict(incident.impact_parts)
        for key, value in parts.items():
            merged[key] = one_line(value or "", PART_LABELS[key].lower())
        merged = {k: v for k, v in merged.items() if v}
        if merged != incident.impact_parts:
            payload["impact_parts"] = merged
        if impact is None:
            impact = impact_sentence(merged)
    if impact is not None:
        sentence = one_line(impact, "impact")
        if sentence != incident.impact:
            payload["impact"] = sentence
    if not payload:
        raise DomainError(f"nothing to change: {incident.id} already reads that way")
    return [Event(incident.id, EventKind.DETAILS_CHANGED, now, author, payload)]


def describe(payload: dict[str, Any]) -> str:
    """How a `details_changed` reads on the timeline."""
    bits = []
    if "title" in payload:
        bits.append(f"title: {payload['title']}")
    if "impact" in payload:
        bits.append(f"impact: {payload['impact'] or '(none)'}")
    if "services" in payload:
        bits.append(f"services: {', '.join(payload['services']) or '(none)'}")
    if "impact_parts" in payload and "impact" not in payload:
        bits.append("impact details")
    return "Details changed — " + "; ".join(bits)


def apply_details(incident: Incident, payload: dict[str, Any]) -> None:
    """The reducer's half of `details_changed`."""
    incident.title = payload.get("title", incident.title)
    incident.services = list(payload.get("services", incident.services))
    incident.impact = payload.get("impact", incident.impact)
    if "impact_parts" in payload:
        incident.impact_parts = dict(payload["impact_parts"])
