"""Named links of an incident — the dashboard, the bridge call, the chat channel, the ticket —
as events (`link_set`), so every seat, brief and export has the same ones.

A link's value is what people paste: usually a web address, sometimes a channel name
(`#inc-checkout`) or a ticket key (`OPS-1234`). Only `http`/`https` addresses become terminal
hyperlinks (`is_web_url`): anything else is shown as text, never handed to a terminal as a
link target. Text has passed `irtui.boundary.text_in` before it gets here (no escapes, no
controls), and a URL is additionally refused if it holds whitespace.
"""

from __future__ import annotations

import re
from datetime import datetime
from urllib.parse import urlsplit

from irtui.boundary.text_in import one_line
from irtui.domain.model import DomainError, Event, EventKind, Incident

STANDARD: tuple[str, ...] = ("dashboard", "bridge", "channel", "ticket")
"""The links a war room nearly always has, in the order the header shows them."""
LABELS: dict[str, str] = {
    "dashboard": "Dashboard",
    "bridge": "Bridge",
    "channel": "Channel",
    "ticket": "Ticket",
}
ALIASES: dict[str, str] = {
    "dash": "dashboard",
    "grafana": "dashboard",
    "call": "bridge",
    "zoom": "bridge",
    "meet": "bridge",
    "chat": "channel",
    "slack": "channel",
    "jira": "ticket",
    "issue": "ticket",
}
_NAME = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,39}$")
MAX_URL = 2000


def normalise_name(name: str) -> str:
    """`Dashboard`, `status page`, `slack` -> `dashboard`, `status_page`, `channel`."""
    key = one_line(name, "link name", field="name").lower().replace(" ", "_")
    key = ALIASES.get(key, key)
    if not _NAME.match(key):
        raise DomainError(
            f"link name {name!r}: use a short word (dashboard, bridge, channel, ticket, or "
            "your own: letters, digits, - and _)"
        )
    return key


def label(name: str) -> str:
    return LABELS.get(name, name.replace("_", " ").capitalize())


def is_web_url(value: str) -> bool:
    """An address a terminal may be asked to open: http(s), a host, no whitespace."""
    if not value or len(value) > MAX_URL or any(ch.isspace() for ch in value):
        return False
    try:
        parts = urlsplit(value)
    except ValueError:
        return False
    return parts.scheme.lower() in ("http", "https") and bool(parts.hostname)


def ordered(links: dict[str, str]) -> list[tuple[str, str]]:
    """The standard links first (in their order), then the others by name."""
    first = [(n, links[n]) for n in STANDARD if n in links]
    return first + sorted((n, v) for n, v in links.items() if n not in STANDARD)


def cmd_link(
    incident: Incident, name: str, value: str | None, *, now: datetime, author: str
) -> list[Event]:
    """Set the link `name` to `value`, or remove it (`value` empty or None)."""
    key = normalise_name(name)
    text = one_line(value or "", "link", field="title")
    if len(text) > MAX_URL:
        raise DomainError(f"link {key}: at most {MAX_URL} characters")
    if text and "://" in text and not is_web_url(text):
        raise DomainError(
            f"link {key}: {text[:80]!r} is not a web address this can open "
            "(http:// or https://, a host, no spaces); a channel name or a ticket key is fine"
        )
    current = incident.links.get(key)
    if not text:
        if current is None:
            raise DomainError(f"{incident.id} has no {key} link to remove")
        return [Event(incident.id, EventKind.LINK_SET, now, author, {"name": key, "url": ""})]
    if current == text:
        raise DomainError(f"{incident.id}'s {key} link is already {text}")
    return [Event(incident.id, EventKind.LINK_SET, now, author, {"name": key, "url": text})]


def cmd_adopt_links(
    incident: Incident, links: list[tuple[str, str]], *, now: datetime, author: str
) -> list[Event]:
    """Links offered from elsewhere (the service catalog): each one the incident has not got
    under that name is set; a link someone already set is never overwritten, and one that is
    not valid is left out (an offer, not a command: nothing is refused)."""
    events: list[Event] = []
    for name, value in links:
        try:
            key = normalise_name(name)
        except DomainError:
            continue
        if key in incident.links or any(e.payload["name"] == key for e in events):
            continue
        try:
            events += cmd_link(incident, key, value, now=now, author=author)
        except DomainError:
            continue
    return events


def apply_link(incident: Incident, payload: dict[str, str]) -> None:
    """The reducer's half: the latest `link_set` per name wins; an empty URL removes it."""
    name, url = str(payload.get("name", "")), str(payload.get("url") or "")
    links = {k: v for k, v in incident.links.items() if k != name}  # a new dict: the
    if url:  # reducer never changes the state it was given
        links[name] = url
    incident.links = links
