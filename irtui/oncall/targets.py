"""`irtui page ID WHO`: turning WHO into exactly one person to page, with the reason why them.

WHO is, with an optional prefix to settle ambiguity:
- a service (`payments-db`, `service:payments-db`): its escalation policy's first level that
  can name someone now (`payments-db@2`: from level 2);
- a team (`payments`, `team:payments`), or one of its on-call roles (`payments:secondary`);
- a schedule (`schedule:payments-primary`): whoever is on it now;
- a person (`erin`, `Erin Ortiz`, `erin@example.com`, `person:erin`).
Anything else is refused (exit 2) with what the catalog does know: a page to nobody, or to a
mistyped name, is the failure this tool exists to prevent.

A level whose schedule has nobody on call (a gap) is skipped, loudly, to the next level that
can name someone; a level with two people on call pages one (the newest shift) and names the
other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from irtui.catalog.model import EscalationPolicy, Service, Team
from irtui.domain.model import DomainError
from irtui.domain.paging import DEFAULT_ACK_WITHIN_S, Page, PageTarget
from irtui.oncall.resolve import OnCall, Step, implicit_policy, who

PREFIXES = ("service", "team", "schedule", "person")


@dataclass
class Resolved:
    target: PageTarget
    links: list[tuple[str, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _links(service: Service | None) -> list[tuple[str, str]]:
    return [(link.url, link.title) for link in service.links] if service else []


def _routing(
    service: Service | None, policy: EscalationPolicy | None, step: Step | None
) -> str | None:
    if step is not None and step.pagerduty:
        return step.pagerduty
    if service is not None and service.pagerduty:
        return service.pagerduty
    if policy is not None and policy.pagerduty:
        return policy.pagerduty
    if service is not None and service.integration_key_file:
        return service.key
    return None


def _hint(steps: list[Step], after: int, exclude: set[str]) -> dict[str, object] | None:
    """The level an escalation from `steps[after]` would page (as known now): the next one
    that names someone other than the people already tried."""
    for step in steps[after + 1 :]:
        if step.person is not None and step.person.key not in exclude:
            return {
                "level": step.level,
                "person": step.person.key,
                "display": step.person.display,
                "description": step.description,
            }
    return None


def _from_chain(
    oncall: OnCall,
    service: Service | None,
    team: Team | None,
    policy: EscalationPolicy,
    steps: list[Step],
    start: int,
    timeout_s: int | None,
    what: str,
    exclude: set[str] | None = None,
) -> Resolved:
    """Page the first level from `start` (0-based) that can name someone (other than the
    people in `exclude`: who did not answer is not woken again by an escalation)."""
    notes: list[str] = []
    skipped: list[dict[str, object]] = []
    exclude = exclude or set()
    for index in range(start, len(steps)):
        step = steps[index]
        if step.person is None:
            why = step.problem or "nobody can be named"
            notes.append(f"level {step.level} ({step.description}): {why}; skipped")
            skipped.append({"level": step.level, "why": why})
            continue
        if step.person.key in exclude:
            why = f"{step.person.display} was already paged and did not answer"
            notes.append(f"level {step.level} ({step.description}): {why}; skipped")
            skipped.append({"level": step.level, "why": why})
            continue
        if step.also:
            others = ", ".join(p.display for p in step.also)
            notes.append(
                f"{step.person.display} and {others} are both on call for level {step.level}; "
                f"paging {step.person.display} only (one page per level)"
            )
        if not step.person.known:
            notes.append(f"{step.person.display} is not in the catalog (paged as written)")
        target = PageTarget(
            person=step.person.key,
            display=step.person.display,
            known=step.person.known,
            description=step.description,
            service=service.key if service else None,
            team=team.key if team else None,
            policy=policy.key,
            level=step.level,
            levels=len(steps),
            ack_within_s=timeout_s or step.timeout_s,
            routing=_routing(service, policy, step),
            next=_hint(steps, index, exclude | {step.person.key}),
            also=tuple(p.display for p in step.also),
            skipped=tuple(skipped),
        )
        return Resolved(target, _links(service), notes)
    raise DomainError(
        f"nobody can be paged for {what}: "
        + "; ".join(notes or ["the escalation policy has no level left"])
        + " — page a person by name"
    )


def _policy(oncall: OnCall, service: Service | None, team: Team | None) -> EscalationPolicy:
    policy = oncall.policy_for(service, team)
    if policy is None:
        name = service.key if service else (team.key if team else "?")
        raise DomainError(
            f"{name} has no escalation policy and no on-call schedule to page; add one to the "
            "catalog (docs/oncall.md) or page a person by name"
        )
    return policy


def _matches(oncall: OnCall, name: str) -> dict[str, object]:
    catalog = oncall.catalog
    found: dict[str, object] = {}
    if (svc := catalog.service(name)) is not None:
        found["service"] = svc
    if (team := catalog.team(name)) is not None:
        found["team"] = team
    if (spec := catalog.schedule(name)) is not None:
        found["schedule"] = spec
    if (person := catalog.person(name)) is not None:
        found["person"] = person
    return found


def resolve_who(
    oncall: OnCall, text: str, at: datetime, *, timeout_s: int | None = None
) -> Resolved:
    catalog = oncall.catalog
    raw = text.strip()
    if not raw:
        raise DomainError("page whom? a person, a team, a team's on-call role or a service")
    if catalog.empty:
        raise DomainError(
            "no catalog: irtui pages people it knows; create catalog.yaml in the user config "
            "directory or pass --catalog FILE (docs/oncall.md)"
        )
    level = None
    if "@" in raw and raw.rsplit("@", 1)[1].isdigit() and "." not in raw.rsplit("@", 1)[1]:
        raw, number = raw.rsplit("@", 1)  # `payments-db@2`: level 2 of its policy
        level = int(number)
    prefix, _, rest = raw.partition(":")
    role = None
    if prefix.lower() in PREFIXES and rest:
        kinds = {prefix.lower()}
        name = rest.strip()
        if prefix.lower() == "team" and ":" in name:
            name, _, role = name.partition(":")
    else:
        kinds = set(PREFIXES)
        name = raw
        if ":" in raw or "/" in raw:
            base, _, maybe = raw.replace("/", ":").rpartition(":")
            if catalog.team(base) is not None and not _matches(oncall, raw):
                name, role = base, maybe
    found = {k: v for k, v in _matches(oncall, name).items() if k in kinds}
    if role is not None:
        found = {"team": found["team"]} if "team" in found else {}
    if not found:
        raise DomainError(_unknown(oncall, raw))
    if (
        set(found) == {"team", "schedule"}
        and found["schedule"].key in found["team"].oncall.values()
    ):  # type: ignore[attr-defined]
        del found["schedule"]  # a team named like its own rota: the team is meant
    if len(found) > 1:
        listed = " and ".join(f"a {k}" for k in found)
        raise DomainError(
            f"{raw!r} is {listed}; say which: " + ", ".join(f"{k}:{name}" for k in found)
        )
    kind = next(iter(found))
    if level is not None and kind not in ("service", "team"):
        raise DomainError(f"{raw}@{level}: a level number goes with a service or a team")
    if kind == "service":
        service: Service = found["service"]  # type: ignore[assignment]
        team = catalog.owner_team(service)
        policy = _policy(oncall, service, team)
        steps = oncall.chain(service, team, at)
        start = _level_index(steps, level, service.key)
        return _from_chain(oncall, service, team, policy, steps, start, timeout_s, service.key)
    if kind == "team":
        team = found["team"]  # type: ignore[assignment]
        policy = oncall.policy_for(None, team) or implicit_policy(team)
        if role is None:
            policy = _policy(oncall, None, team)
            steps = oncall.chain(None, team, at)
            start = _level_index(steps, level, team.key)
            return _from_chain(oncall, None, team, policy, steps, start, timeout_s, team.key)
        role = role.strip().lower()
        if role not in team.oncall:
            raise DomainError(
                f"team {team.key} has no {role!r} on-call (it has: "
                f"{', '.join(team.oncall) or 'none'})"
            )
        steps = oncall.chain(None, team, at) if policy else []
        index = next(
            (i for i, s in enumerate(steps) if s.target.kind == "oncall" and s.target.role == role),
            None,
        )
        if policy is not None and index is not None:
            return _from_chain(oncall, None, team, policy, steps, index, timeout_s, team.key)
        now = oncall.schedule(team.oncall[role], role, at)
        if not now.people:
            raise DomainError(f"nobody is on call as {role} of {team.key}: {now.missing}")
        person = now.people[0]
        return Resolved(
            PageTarget(
                person.key,
                person.display,
                person.known,
                f"{role} on-call of {team.key}",
                team=team.key,
                ack_within_s=timeout_s or DEFAULT_ACK_WITHIN_S,
                also=tuple(p.display for p in now.people[1:]),
            )
        )
    if kind == "schedule":
        spec = found["schedule"]
        now = oncall.schedule(spec.key, "primary", at)  # type: ignore[attr-defined]
        if not now.people:
            raise DomainError(f"nobody is on call on {spec.key}: {now.missing}")  # type: ignore[attr-defined]
        person = now.people[0]
        return Resolved(
            PageTarget(
                person.key,
                person.display,
                person.known,
                f"on call on {spec.key}",  # type: ignore[attr-defined]
                ack_within_s=timeout_s or DEFAULT_ACK_WITHIN_S,
                also=tuple(p.display for p in now.people[1:]),
            )
        )
    person = who(catalog, name)
    return Resolved(
        PageTarget(
            person.key,
            person.display,
            True,
            "named directly",
            ack_within_s=timeout_s or DEFAULT_ACK_WITHIN_S,
        )
    )


def _level_index(steps: list[Step], level: int | None, name: str) -> int:
    if level is None:
        return 0
    if not 1 <= level <= len(steps):
        raise DomainError(f"{name}'s escalation policy has levels 1..{len(steps)}, not {level}")
    return level - 1


def _unknown(oncall: OnCall, raw: str) -> str:
    catalog = oncall.catalog

    def some(names: list[str]) -> str:
        shown = sorted(names)[:8]
        return ", ".join(shown) + (" ..." if len(names) > 8 else "") if shown else "none"

    return (
        f"nobody and nothing called {raw!r} in the catalog; nothing was recorded. "
        f"People: {some(list(catalog.people))}. Teams: {some(list(catalog.teams))}. "
        f"Services: {some(list(catalog.services))}"
    )


def next_level(oncall: OnCall, page: Page, at: datetime, tried: set[str] | None = None) -> Resolved:
    """Who an escalation from `page` wakes: the next level (of the same policy) that can
    name someone now, other than `page`'s person and the people in `tried`."""
    catalog = oncall.catalog
    if page.policy is None or page.level is None:
        raise DomainError(
            f"page #{page.number} ({page.display}) was not sent through an escalation policy; "
            "page the next person by name (irtui page ID WHO)"
        )
    service = catalog.service(page.service) if page.service else None
    team = (
        catalog.team(page.team) if page.team else (catalog.owner_team(service) if service else None)
    )
    policy = catalog.policies.get(page.policy)
    if policy is None and page.policy.endswith("(implicit)"):
        policy = implicit_policy(team)
    if policy is None:
        raise DomainError(f"escalation policy {page.policy!r} is no longer in the catalog")
    steps = [oncall.step(n, lvl, policy, team, at) for n, lvl in enumerate(policy.levels, 1)]
    if page.level >= len(steps):
        raise DomainError(
            f"page #{page.number} ({page.display}) was the last level of {policy.key}; page "
            "someone by name (irtui page ID WHO)"
        )
    return _from_chain(
        oncall,
        service,
        team,
        policy,
        steps,
        page.level,
        None,
        f"the next level of {policy.key}",
        exclude={page.person, *(tried or set())},
    )
