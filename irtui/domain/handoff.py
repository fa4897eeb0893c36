"""The hand-off protocol, as incident-command training teaches it, for every role that is held.

1. **Offer** — the outgoing person (or the IC, for another role) offers the role to someone by
   name, with a brief: what the incoming person needs to take over. The brief is stored with
   the offer, verbatim, and shown as written on every seat, in exports and in the postmortem.
2. **Accept, with a read-back** — only the named incoming person, as themself, accepts; they
   read the situation back ("I'm taking IC. Current status is identified …"), so the outgoing
   person hears that it landed.
3. **Confirm** — the outgoing person confirms ("Confirmed, erin is now IC"). Only now does the
   role move.

An offer can be withdrawn (by whoever made it, the outgoing holder or the IC) or declined by the
person it was offered to. Assigning an empty role is not a hand-off: nobody is handing over.
Every step is an event on the timeline.
"""

from __future__ import annotations

from datetime import datetime

from irtui.boundary.text_in import lines, one_line
from irtui.domain.model import (
    DomainError,
    Event,
    EventKind,
    Handoff,
    Incident,
    Role,
    normalise_role,
    role_label,
    same_person,
)

SHORT_LABELS: dict[str, str] = {
    Role.COMMANDER: "IC",
    Role.TECH_LEAD: "Tech Lead",
    Role.COMMS_LEAD: "Comms Lead",
    Role.SCRIBE: "Scribe",
    Role.DEPUTY: "Deputy IC",
}


def short_label(role: str) -> str:
    """How people say the role out loud: "IC", "Tech Lead", "customer liaison"."""
    return SHORT_LABELS.get(role, role_label(role))


def default_readback(incident: Incident, role: str) -> str:
    """The read-back the seeds teach, prefilled for the incoming person to say (and edit)."""
    text = f"I'm taking {short_label(role)}. Current status is {incident.status}"
    if incident.impact:
        text += f"; impact: {incident.impact}"
    return text + "."


def confirmation(offer: Handoff) -> str:
    return f"Confirmed, {offer.to} is now {short_label(offer.role)}"


def _offer_of(incident: Incident, role: str) -> Handoff:
    offer = incident.handoffs.get(role)
    if offer is None:
        raise DomainError(f"no hand-off of {short_label(role)} is waiting in {incident.id}")
    return offer


def cmd_offer(
    incident: Incident, role: str, to: str, *, now: datetime, author: str, brief: str = ""
) -> list[Event]:
    """Offer a held role to `to` with a brief (step 1). An empty role is assigned instead."""
    role = normalise_role(role)
    to = one_line(to, "name", field="name")
    brief = lines(brief, "brief", field="body")
    if not to:
        raise DomainError("hand off to whom? (a person's name)")
    holder = incident.roles.get(role)
    if holder is None:
        return [
            Event(incident.id, EventKind.ROLE_ASSIGNED, now, author, {"role": role, "name": to})
        ]
    label = short_label(role)
    if same_person(holder.name, to):
        raise DomainError(f"{to} already holds {label}")
    may_offer = same_person(author, holder.name) or (
        role != Role.COMMANDER and same_person(author, incident.commander)
    )
    if not may_offer:
        who = f"{holder.name} (who holds it)"
        if role != Role.COMMANDER:
            who += " or the IC"
        raise DomainError(
            f"only {who} can offer {label}; you are {author} "
            f"(each seat acts as its person: irtui --as {holder.name})"
        )
    pending = incident.handoffs.get(role)
    if pending is not None:
        raise DomainError(
            f"{label} is already offered to {pending.to}: withdraw that offer first "
            f"(irtui withdraw {incident.id} {role})"
        )
    return [
        Event(
            incident.id,
            EventKind.ROLE_HANDED_OFF,
            now,
            author,
            {"role": role, "from": holder.name, "to": to, "brief": brief, "pending": True},
        )
    ]


def cmd_accept(
    incident: Incident, role: str, *, now: datetime, author: str, readback: str = ""
) -> list[Event]:
    """The named incoming person accepts, as themself, with a read-back (step 2)."""
    role = normalise_role(role)
    offer = _offer_of(incident, role)
    label = short_label(role)
    if same_person(author, offer.from_):
        raise DomainError(
            f"you ({author}) are handing {label} off: {offer.to} accepts it "
            f"(on their seat, or: irtui --as {offer.to} accept {incident.id} {role})"
        )
    if not same_person(author, offer.to):
        raise DomainError(
            f"only {offer.to} can accept this hand-off of {label} (you are {author}); "
            f"it was offered to {offer.to} by {offer.offered_by}"
        )
    if offer.accepted:
        raise DomainError(f"already accepted: waiting for {offer.from_} to confirm")
    readback = lines(readback, "read-back").strip() or default_readback(incident, role)
    return [
        Event(
            incident.id,
            EventKind.HANDOFF_ACCEPTED,
            now,
            author,
            {
                "role": role,
                "from": offer.from_,
                "to": offer.to,
                "readback": readback,
                "offer": offer.offer_id,
            },
        )
    ]


def cmd_confirm(incident: Incident, role: str, *, now: datetime, author: str) -> list[Event]:
    """The outgoing person confirms the read-back; the role moves (step 3)."""
    role = normalise_role(role)
    offer = _offer_of(incident, role)
    label = short_label(role)
    if not offer.accepted:
        raise DomainError(f"{offer.to} has not accepted {label} yet (waiting for their read-back)")
    may_confirm = same_person(author, offer.from_) or (
        role != Role.COMMANDER and same_person(author, incident.commander)
    )
    if not may_confirm:
        raise DomainError(
            f"only {offer.from_}, who is handing {label} off, confirms (you are {author})"
        )
    return [
        Event(
            incident.id,
            EventKind.HANDOFF_CONFIRMED,
            now,
            author,
            {
                "role": role,
                "from": offer.from_,
                "to": offer.to,
                "text": confirmation(offer),
                "offer": offer.offer_id,
            },
        )
    ]


def cmd_withdraw(
    incident: Incident, role: str, *, now: datetime, author: str, reason: str = ""
) -> list[Event]:
    """Withdraw an offer (the offerer, the outgoing holder or the IC) or decline it (the
    person it was offered to)."""
    role = normalise_role(role)
    offer = _offer_of(incident, role)
    allowed = (offer.offered_by, offer.from_, offer.to, incident.commander)
    if not any(same_person(author, who) for who in allowed):
        raise DomainError(
            f"only {offer.from_}, {offer.to} or the IC can withdraw this offer (you are {author})"
        )
    declined = same_person(author, offer.to)
    return [
        Event(
            incident.id,
            EventKind.HANDOFF_WITHDRAWN,
            now,
            author,
            {
                "role": role,
                "from": offer.from_,
                "to": offer.to,
                "reason": one_line(reason, "reason"),
                "declined": declined,
                "offer": offer.offer_id,
            },
        )
    ]


def step_for(incident: Incident, role: str, person: str) -> str | None:
    """What `person` can do next about the hand-off of `role`: `accept`, `confirm`, `wait`,
    or None when there is no offer. The TUI asks this to show each seat its own step."""
    offer = incident.handoffs.get(role)
    if offer is None:
        return None
    if not offer.accepted and same_person(person, offer.to):
        return "accept"
    if offer.accepted and (
        same_person(person, offer.from_)
        or (role != Role.COMMANDER and same_person(person, incident.commander))
    ):
        return "confirm"
    return "wait"


def handoff_history(events: list[Event]) -> list[dict[str, object]]:
    """Every hand-off offer of an incident with what became of it, oldest first: the brief
    verbatim, the read-back, the confirmation (or the withdrawal). For exports and the
    postmortem."""
    offers: dict[int, dict[str, object]] = {}
    latest: dict[str, int] = {}
    for event in events:
        p = event.payload
        if event.kind == EventKind.ROLE_HANDED_OFF and p.get("pending") and event.id is not None:
            offers[event.id] = {
                "role": p["role"],
                "from": p.get("from"),
                "to": p["to"],
                "offered_by": event.author,
                "offered_at": event.at,
                "brief": p.get("brief") or "",
                "outcome": "pending",
            }
            latest[p["role"]] = event.id
            continue
        if event.kind not in (
            EventKind.HANDOFF_ACCEPTED,
            EventKind.HANDOFF_CONFIRMED,
            EventKind.HANDOFF_WITHDRAWN,
        ):
            continue
        offer_id = p.get("offer") or latest.get(p.get("role", ""))
        record = offers.get(offer_id) if isinstance(offer_id, int) else None
        if record is None:
            continue
        if event.kind == EventKind.HANDOFF_ACCEPTED:
            record.update(accepted_at=event.at, readback=p.get("readback", ""))
            record["outcome"] = "accepted" if "readback" in p else "done"
        elif event.kind == EventKind.HANDOFF_CONFIRMED:
            record.update(confirmed_at=event.at, confirmation=p.get("text", ""), outcome="done")
        else:
            record.update(
                ended_at=event.at,
                reason=p.get("reason", ""),
                outcome="declined" if p.get("declined") else "withdrawn",
            )
    return list(offers.values())


def handoffs_markdown(events: list[Event]) -> list[str]:
    """`## Hand-offs` for a Markdown export or postmortem: each brief verbatim (quoted), the
    read-back and the confirmation. Empty when there was no hand-off."""
    from irtui.domain.timeutil import iso

    history = handoff_history(events)
    if not history:
        return []

    def quote(text: str) -> list[str]:
        return [f"> {line}" if line else ">" for line in text.splitlines()] or ["> (no brief)"]

    def safe(text: object) -> str:
        return "".join(ch if ch.isprintable() else " " for ch in str(text))

    out = ["## Hand-offs", ""]
    for record in history:
        role = short_label(str(record["role"]))
        out.append(
            f"### {role}: {safe(record['from'])} → {safe(record['to'])} "
            f"(offered {iso(record['offered_at'])} by {safe(record['offered_by'])}; "  # type: ignore[arg-type]
            f"{record['outcome']})"
        )
        out += ["", "Brief, as written:", "", *quote(safe_lines(str(record["brief"]))), ""]
        if record.get("readback"):
            out.append(f"- Read-back ({iso(record['accepted_at'])}): “{safe(record['readback'])}”")  # type: ignore[arg-type]
        if record.get("confirmation"):
            out.append(
                f"- Confirmed ({iso(record['confirmed_at'])}): “{safe(record['confirmation'])}”"  # type: ignore[arg-type]
            )
        if record["outcome"] in ("withdrawn", "declined"):
            reason = f": {safe(record['reason'])}" if record.get("reason") else ""
            out.append(
                f"- {str(record['outcome']).capitalize()} ({iso(record['ended_at'])}){reason}"
            )  # type: ignore[arg-type]
        out.append("")
    return out


def safe_lines(text: str) -> str:
    """Multi-line text with every control but the newline made a space (Markdown output)."""
    return "\n".join(
        "".join(ch if ch.isprintable() else " " for ch in line) for line in text.splitlines()
    )
