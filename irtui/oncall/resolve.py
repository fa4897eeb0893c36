"""Answers for a service or a team: owner, who is on call now (primary, secondary, ...) and
until when, and the escalation chain — who each level would page at that instant.

Escalation policy of a service: its own `escalation:`, else its owner team's, else an implicit
one (the owner team's primary, secondary and manager, 15 minutes each), so a catalog without
policies still answers "who do I wake up next". One page per level, never a broadcast: when a
level's schedule has two people at once, the one whose shift started last (the override, the
newer arrangement) is paged and the other is shown beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from irtui.catalog.load import DEFAULT_TIMEOUT_S
from irtui.catalog.model import (
    Catalog,
    EscalationLevel,
    EscalationPolicy,
    Service,
    Target,
    Team,
)
from irtui.domain.timeutil import iso
from irtui.oncall.schedule import ShiftLoader, schedule_at
from irtui.oncall.shifts import Answer

ROLES = ("primary", "secondary")


@dataclass(frozen=True, slots=True)
class Who:
    """A person as irtui shows them: the catalog key when known, else as the source wrote."""

    key: str
    display: str
    known: bool
    email: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "name": self.display, "known": self.known, "email": self.email}


def who(catalog: Catalog, name: str, email: str = "") -> Who:
    person = (catalog.person(email) if email else None) or catalog.person(name)
    if person is not None:
        return Who(person.key, person.display, True, person.email)
    return Who(name, name, False, email)


@dataclass(frozen=True, slots=True)
class RoleNow:
    role: str
    schedule: str
    people: tuple[Who, ...]
    since: datetime | None
    until: datetime | None
    next: tuple[Who, ...] = ()
    override: str = ""
    """Why an override holds now (its reason), '' when the regular layer does."""
    missing: str = ""
    """Why nobody can be named (schedule not defined, file unreadable...)."""

    @property
    def gap(self) -> bool:
        return not self.people

    @property
    def overlap(self) -> bool:
        return len(self.people) > 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "schedule": self.schedule,
            "people": [p.to_dict() for p in self.people],
            "since": iso(self.since),
            "until": iso(self.until),
            "next": [p.to_dict() for p in self.next],
            "override": self.override or None,
            "overlap": self.overlap,
            "gap": self.gap,
            "problem": self.missing or None,
        }


@dataclass(frozen=True, slots=True)
class Step:
    """One escalation level, resolved at an instant."""

    level: int
    target: Target
    description: str
    person: Who | None
    also: tuple[Who, ...]
    timeout_s: int
    pagerduty: str | None
    until: datetime | None = None
    problem: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "target": self.target.to_dict(),
            "description": self.description,
            "person": self.person.to_dict() if self.person else None,
            "also_on_call": [p.to_dict() for p in self.also],
            "timeout_s": self.timeout_s,
            "pagerduty": self.pagerduty,
            "until": iso(self.until),
            "problem": self.problem or None,
        }


@dataclass
class OnCall:
    """Resolves schedules for one catalog; keep one per command (it memoises file reads)."""

    catalog: Catalog
    loader: ShiftLoader = field(default_factory=ShiftLoader)

    def schedule(self, name: str, role: str, at: datetime) -> RoleNow:
        spec = self.catalog.schedule(name)
        if spec is None:
            return RoleNow(role, name, (), None, None, missing=f"schedule {name!r} is not defined")
        found = schedule_at(spec, at, self.loader)
        span = found.span
        answer = span.answer
        return RoleNow(
            role,
            spec.key,
            self._people(answer),
            span.since,
            span.until,
            self._people(span.next) if span.next else (),
            override="; ".join(answer.reasons) or ("override" if answer.kind == "override" else ""),
            missing="a gap in the schedule" if answer.gap else "",
        )

    def _people(self, answer: Answer) -> tuple[Who, ...]:
        return tuple(
            who(self.catalog, s.person, s.email) for s in answer.shifts if s.person
        ) or tuple(who(self.catalog, p) for p in answer.people)

    def team_roles(self, team: Team, at: datetime) -> list[RoleNow]:
        roles = sorted(team.oncall, key=lambda r: (ROLES.index(r) if r in ROLES else 9, r))
        return [self.schedule(team.oncall[role], role, at) for role in roles]

    # --- escalation ----------------------------------------------------------------------
    def policy_for(self, service: Service | None, team: Team | None) -> EscalationPolicy | None:
        name = (service.escalation if service else None) or (team.escalation if team else None)
        if name and name in self.catalog.policies:
            return self.catalog.policies[name]
        return implicit_policy(team)

    def chain(self, service: Service | None, team: Team | None, at: datetime) -> list[Step]:
        policy = self.policy_for(service, team)
        if policy is None:
            return []
        return [self.step(n, level, policy, team, at) for n, level in enumerate(policy.levels, 1)]

    def step(
        self,
        n: int,
        level: EscalationLevel,
        policy: EscalationPolicy,
        owner: Team | None,
        at: datetime,
    ) -> Step:
        t = level.target
        routing = level.pagerduty or policy.pagerduty
        if t.kind == "person":
            person = who(self.catalog, t.name)
            desc = (
                f"manager of {owner.key}"
                if t.role == "manager" and owner
                else "named in the policy"
            )
            return Step(n, t, desc, person, (), level.timeout_s, routing)
        if t.kind == "schedule":
            now = self.schedule(t.name, t.role, at)
            desc = f"on-call of schedule {t.name}"
        else:
            team = self.catalog.team(t.name) if t.name else owner
            if team is None:
                problem = f"team {t.name!r} is not defined" if t.name else "no owning team"
                return Step(n, t, t.describe(), None, (), level.timeout_s, routing, problem=problem)
            schedule = team.oncall.get(t.role)
            desc = f"{t.role} on-call of {team.key}"
            if schedule is None:
                return Step(
                    n,
                    t,
                    desc,
                    None,
                    (),
                    level.timeout_s,
                    routing,
                    problem=f"team {team.key} has no {t.role} schedule",
                )
            now = self.schedule(schedule, t.role, at)
        person = now.people[0] if now.people else None
        return Step(
            n,
            t,
            desc,
            person,
            now.people[1:],
            level.timeout_s,
            routing,
            until=now.until,
            problem=now.missing,
        )


def implicit_policy(team: Team | None) -> EscalationPolicy | None:
    """Primary, secondary, then the manager of the owning team (what exists of them)."""
    if team is None:
        return None
    levels = [
        EscalationLevel(Target("oncall", team.key, role), DEFAULT_TIMEOUT_S)
        for role in ROLES
        if role in team.oncall
    ]
    if team.manager:
        levels.append(EscalationLevel(Target("person", team.manager, "manager"), DEFAULT_TIMEOUT_S))
    if not levels:
        return None
    return EscalationPolicy(f"{team.key} (implicit)", tuple(levels), implicit=True)


@dataclass
class ServiceView:
    """Everything `irtui oncall SERVICE` shows."""

    service: Service | None
    team: Team | None
    roles: list[RoleNow]
    chain: list[Step]
    policy: str | None
    known: bool = True

    def to_dict(self) -> dict[str, Any]:
        return {
            "service": self.service.key if self.service else None,
            "known": self.known,
            "owner": self.team.key if self.team else (self.service.owner if self.service else None),
            "team": self.team.to_dict() if self.team else None,
            "oncall": [r.to_dict() for r in self.roles],
            "escalation_policy": self.policy,
            "escalation": [s.to_dict() for s in self.chain],
        }


def view(oncall: OnCall, name: str, at: datetime) -> ServiceView:
    """`name` is a service (its owner team answers) or a team."""
    catalog = oncall.catalog
    service = catalog.service(name)
    team = catalog.owner_team(service) if service else catalog.team(name)
    if service is None and team is None:
        return ServiceView(None, None, [], [], None, known=False)
    roles = oncall.team_roles(team, at) if team else []
    policy = oncall.policy_for(service, team)
    return ServiceView(
        service, team, roles, oncall.chain(service, team, at), policy.key if policy else None
    )
