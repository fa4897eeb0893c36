"""The catalog's plain data: people, teams, services, escalation policies, and what was wrong.

Everything is frozen: a `Catalog` is built once per command (or per TUI load) from files and
only read afterwards. Lookups are case-insensitive and accept a person's key, display name,
e-mail or alias, because schedules and humans spell people all of those ways.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from irtui.oncall.spec import ScheduleSpec


class CatalogError(ValueError):
    """A catalog file irtui cannot build a catalog from: `source:line: message` (exit 2)."""

    def __init__(self, source: str, line: int | None, message: str) -> None:
        self.source = source
        self.line = line
        self.message = message
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {message}")


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong that does not stop the catalog from being used (a reference to an
    entity that is not there, a cycle, an entity without an owner). `error` problems make
    `irtui catalog check` exit 2; warnings are shown and kept going."""

    source: str
    line: int | None
    entity: str
    message: str
    level: str = "error"  # error | warning

    @property
    def where(self) -> str:
        return f"{self.source}:{self.line}" if self.line else self.source

    def __str__(self) -> str:
        entity = f"{self.entity}: " if self.entity else ""
        return f"{self.where}: {self.level}: {entity}{self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "line": self.line,
            "entity": self.entity,
            "message": self.message,
            "level": self.level,
        }


@dataclass(frozen=True, slots=True)
class Link:
    """A link an incident wants one key away: Dashboard, Alerts, Runbook, Support..."""

    url: str
    title: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"url": self.url, "title": self.title}


@dataclass(frozen=True, slots=True)
class Person:
    key: str
    name: str = ""
    email: str = ""
    aliases: tuple[str, ...] = ()
    source: str = ""

    @property
    def display(self) -> str:
        return self.name or self.key

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "name": self.name, "email": self.email, "aliases": self.aliases}


@dataclass(frozen=True, slots=True)
class Team:
    key: str
    name: str = ""
    members: tuple[str, ...] = ()
    manager: str | None = None
    chat: str = ""
    escalation: str | None = None
    oncall: dict[str, str] = field(default_factory=dict)
    """On-call role (`primary`, `secondary`, ...) -> schedule name."""
    source: str = ""

    @property
    def display(self) -> str:
        return self.name or self.key

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "members": list(self.members),
            "manager": self.manager,
            "chat": self.chat,
            "escalation": self.escalation,
            "oncall": dict(self.oncall),
        }


@dataclass(frozen=True, slots=True)
class Service:
    key: str
    owner: str | None = None
    """A team key (or, from Backstage, a person key when a User owns it)."""
    tier: int | None = None
    description: str = ""
    depends_on: tuple[str, ...] = ()
    runbooks: tuple[str, ...] = ()
    """Runbook ids, or `alert:NAME` for runbooks matched by alert."""
    status_page_component: str | None = None
    escalation: str | None = None
    chat: str = ""
    links: tuple[Link, ...] = ()
    kind: str = "service"
    system: str | None = None
    lifecycle: str | None = None
    pagerduty: str | None = None
    """Name of the PagerDuty routing key for pages about this service (the key itself comes
    from the environment or keyring, never from a file irtui writes)."""
    integration_key_file: str | None = None
    """The Backstage file whose `pagerduty.com/integration-key` annotation holds this
    service's routing key: read there when paging, never copied."""
    annotations: dict[str, str] = field(default_factory=dict)
    """Annotations irtui shows (PagerDuty service id, ...); secrets are never kept here."""
    source: str = ""
    line: int | None = None
    origin: str = "irtui"
    """`irtui` (catalog.yaml) or `backstage`: Backstage's messes are warnings, ours errors."""

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "owner": self.owner,
            "tier": self.tier,
            "description": self.description,
            "depends_on": list(self.depends_on),
            "runbooks": list(self.runbooks),
            "status_page_component": self.status_page_component,
            "escalation": self.escalation,
            "chat": self.chat,
            "links": [link.to_dict() for link in self.links],
            "kind": self.kind,
            "system": self.system,
            "lifecycle": self.lifecycle,
            "pagerduty": self.pagerduty,
            "has_integration_key": self.integration_key_file is not None,
            "annotations": dict(self.annotations),
            "source": self.source,
            "origin": self.origin,
        }


@dataclass(frozen=True, slots=True)
class Target:
    """Who one escalation level pages: exactly one person, found now."""

    kind: str  # oncall | schedule | person
    name: str = ""
    """oncall: a team key ('' = the team owning the service); schedule / person: its key."""
    role: str = "primary"

    def describe(self) -> str:
        if self.kind == "person":
            return self.name
        if self.kind == "schedule":
            return f"{self.role} on schedule {self.name}"
        return f"{self.role} on-call of {self.name or 'the owning team'}"

    def to_dict(self) -> dict[str, str]:
        return {"kind": self.kind, "name": self.name, "role": self.role}


@dataclass(frozen=True, slots=True)
class EscalationLevel:
    target: Target
    timeout_s: int
    pagerduty: str | None = None


@dataclass(frozen=True, slots=True)
class EscalationPolicy:
    key: str
    levels: tuple[EscalationLevel, ...]
    pagerduty: str | None = None
    source: str = ""
    implicit: bool = False
    """Built by irtui (owner team's primary, secondary, manager) because none was named."""


@dataclass(slots=True)
class Catalog:
    people: dict[str, Person] = field(default_factory=dict)
    teams: dict[str, Team] = field(default_factory=dict)
    services: dict[str, Service] = field(default_factory=dict)
    policies: dict[str, EscalationPolicy] = field(default_factory=dict)
    schedules: dict[str, ScheduleSpec] = field(default_factory=dict)
    systems: dict[str, dict[str, Any]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    base_dir: str = "."
    _people_index: dict[str, str] | None = None

    @property
    def empty(self) -> bool:
        return not (self.services or self.teams or self.people)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.level == "error"]

    # --- lookups (case-insensitive) ----------------------------------------------------
    def person(self, name: str) -> Person | None:
        """By key, display name, e-mail (`mailto:` tolerated) or alias."""
        if self._people_index is None:
            index: dict[str, str] = {}
            for key, person in self.people.items():
                for spelling in (person.name, person.email, *person.aliases):
                    if spelling:
                        index.setdefault(spelling.strip().lower(), key)
            for key in self.people:  # keys win over other spellings
                index[key.lower()] = key
            self._people_index = index
        wanted = name.strip().lower().removeprefix("mailto:")
        key = self._people_index.get(wanted)
        return self.people.get(key) if key else None

    def service(self, name: str) -> Service | None:
        return self.services.get(name) or _ci(self.services, name)

    def team(self, name: str) -> Team | None:
        return self.teams.get(name) or _ci(self.teams, name)

    def schedule(self, name: str) -> ScheduleSpec | None:
        return self.schedules.get(name) or _ci(self.schedules, name)

    def owner_team(self, service: Service) -> Team | None:
        return self.team(service.owner) if service.owner else None

    def dependants(self) -> dict[str, set[str]]:
        """service -> the services that depend on it directly."""
        out: dict[str, set[str]] = {key: set() for key in self.services}
        for key, svc in self.services.items():
            for dep in svc.depends_on:
                out.setdefault(dep, set()).add(key)
        return out

    def display_person(self, name: str) -> str:
        found = self.person(name)
        return found.display if found else name


def _ci(mapping: dict[str, Any], name: str) -> Any:
    wanted = name.strip().lower()
    for key, value in mapping.items():
        if key.lower() == wanted:
            return value
    return None
