"""Reading the catalog: irtui's `catalog.yaml`, Backstage files, or both.

Where: `--catalog FILE` (repeatable), else `$IRTUI_CATALOG` (paths separated by the OS path
separator), else `catalog.yaml` in the user config directory. Each path may be an irtui
catalog, a Backstage `catalog-info.yaml` or Location file, or a folder of Backstage files; an
irtui catalog may list more Backstage sources under `backstage:`.

catalog.yaml (every key optional):

    people:
      erin: {name: Erin Ortiz, email: erin@example.com, aliases: [eortiz]}
    teams:
      payments:
        name: Payments
        members: [erin, bob]
        manager: dana
        chat: "#payments"
        escalation: payments            # the default policy of the team's services
        oncall: {primary: payments-primary, secondary: payments-secondary}
    services:
      payments-db:
        owner: payments
        tier: 1
        description: Primary PostgreSQL for payments
        depends_on: [storage]
        runbooks: [database-failover, "alert:PaymentsDBDown"]
        status_page_component: cmp123
        escalation: payments
        chat: "#payments-db"
        links: [{title: Dashboard, url: "https://grafana.example.com/d/pay"}]
        pagerduty: payments             # routing-key *name*; the key is in env/keyring
    escalation_policies:
      payments:
        pagerduty: payments
        levels:
          - {oncall: primary, timeout: 5m}      # the owning team's primary
          - {oncall: secondary, timeout: 10m}
          - {person: dana, timeout: 15m}
    schedules: {...}                    # see irtui/oncall/spec.py
    backstage: [../portal/catalog-info.yaml]

Malformed files (not YAML, wrong shapes, unknown keys) raise `CatalogError` naming the file and
line: exit 2. References to things that are not there (an owner team, a dependency, a person,
a schedule) and dependency cycles are `Problem`s: `irtui catalog check` exits 2 on them, the
other commands warn and keep working — a typo in one service must not stop a page at 3 a.m.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from irtui.boundary.errors import YamlError
from irtui.boundary.yaml_load import line_of, load_yaml_file_all
from irtui.catalog.model import (
    Catalog,
    CatalogError,
    EscalationLevel,
    EscalationPolicy,
    Link,
    Person,
    Problem,
    Service,
    Target,
    Team,
)

ENV = "IRTUI_CATALOG"
DEFAULT_TIMEOUT_S = 15 * 60
TOP_KEYS = {
    "version",
    "people",
    "teams",
    "services",
    "escalation_policies",
    "schedules",
    "backstage",
    "defaults",
}


def default_catalog_path() -> Path:
    from irtui.paths import config_dir

    return config_dir() / "catalog.yaml"


def catalog_paths(explicit: Sequence[str] | None = None) -> list[Path]:
    """--catalog, else $IRTUI_CATALOG, else the user config catalog.yaml if it exists."""
    if explicit:
        return [Path(p).expanduser() for p in explicit]
    env = os.environ.get(ENV, "").strip()
    if env:
        return [Path(p).expanduser() for p in env.split(os.pathsep) if p.strip()]
    default = default_catalog_path()
    return [default] if default.is_file() else []


def load_catalog(explicit: Sequence[str] | None = None) -> Catalog:
    """The merged catalog of every source (empty when none is configured)."""
    catalog = Catalog()
    paths = catalog_paths(explicit)
    if paths:
        catalog.base_dir = str(paths[0].parent if paths[0].is_file() else paths[0])
    from irtui.catalog import backstage

    entities = backstage.Entities()
    for path in paths:
        if (explicit or os.environ.get(ENV, "").strip()) and not path.exists():
            raise CatalogError(str(path), None, "catalog file not found")
        if path.is_dir():
            backstage.read_folder(path, entities, catalog.problems)
            catalog.sources.append(str(path))
            continue
        docs = _read_docs(path)
        catalog.sources.append(str(path))
        if backstage.is_backstage(docs):
            backstage.read_documents(path, docs, entities, catalog.problems)
            continue
        if len(docs) != 1:
            raise CatalogError(str(path), None, "an irtui catalog is one YAML document")
        extra = parse_irtui(docs[0], str(path), catalog)
        for more in extra:
            if more.is_dir():
                backstage.read_folder(more, entities, catalog.problems)
            elif more.is_file():
                backstage.read_file(more, entities, catalog.problems)
            else:
                catalog.problems.append(
                    Problem(str(path), None, "backstage", f"{more} does not exist", "warning")
                )
            catalog.sources.append(str(more))
    backstage.merge(entities, catalog)
    check_references(catalog)
    from irtui.catalog.graph import find_cycles

    for cycle in find_cycles(catalog):
        first = catalog.services.get(cycle[0])
        catalog.problems.append(
            Problem(
                first.source if first else "catalog",
                first.line if first else None,
                cycle[0],
                "dependency cycle: " + " -> ".join([*cycle, cycle[0]]),
            )
        )
    return catalog


def _read_docs(path: Path) -> list[Any]:
    try:
        docs = load_yaml_file_all(path)
    except YamlError as exc:
        raise CatalogError(exc.source, exc.line, exc.message) from None
    return [d for d in docs if d is not None]


class _Fail:
    def __init__(self, source: str) -> None:
        self.source = source

    def __call__(self, container: Any, key: Any, message: str) -> CatalogError:
        return CatalogError(self.source, line_of(container, key), message)


def _known(data: Any, allowed: set[str], fail: _Fail, what: str) -> None:
    for key in data:
        if key not in allowed:
            raise fail(
                data, key, f"unknown key {key!r} in {what} (expected {', '.join(sorted(allowed))})"
            )


def _mapping(data: Any, key: str, fail: _Fail) -> dict[Any, Any]:
    value = data.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise fail(data, key, f"`{key}:` must be a mapping of name -> settings")
    return value


def _str_list(container: Any, key: str, fail: _Fail) -> tuple[str, ...]:
    value = container.get(key)
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
        raise fail(container, key, f"`{key}:` must be a list of names")
    return tuple(str(v).strip() for v in value if str(v).strip())


def _text(container: Any, key: str, fail: _Fail) -> str:
    value = container.get(key)
    if value is None:
        return ""
    if isinstance(value, dict | list):
        raise fail(container, key, f"`{key}:` must be text")
    return str(value)


def _links(container: Any, fail: _Fail) -> tuple[Link, ...]:
    raw = container.get("links") or []
    if not isinstance(raw, list):
        raise fail(container, "links", "`links:` must be a list of {title, url}")
    out = []
    for item in raw:
        if isinstance(item, str):
            out.append(Link(item))
            continue
        if not isinstance(item, dict) or not isinstance(item.get("url"), str):
            raise fail(item if isinstance(item, dict) else container, "url", "a link needs `url:`")
        out.append(Link(item["url"], str(item.get("title") or "")))
    return tuple(out)


def _duration(container: Any, key: str, fail: _Fail, default: int) -> int:
    from irtui.domain.policy import parse_duration

    if key not in container:
        return default
    try:
        value = parse_duration(container[key])
    except ValueError as exc:
        raise fail(container, key, f"`{key}`: {exc}") from None
    if value is None:
        raise fail(container, key, f"`{key}` must be a duration such as 5m")
    return value


def _target(item: Any, fail: _Fail) -> Target:
    kinds = [k for k in ("oncall", "schedule", "person") if k in item]
    if len(kinds) != 1:
        raise fail(
            item,
            None,
            "each escalation level pages exactly one of `oncall: primary|secondary` "
            "(with optional `team:`), `schedule: NAME` or `person: NAME`",
        )
    kind = kinds[0]
    value = item[kind]
    if not isinstance(value, str) or not value.strip():
        raise fail(item, kind, f"`{kind}:` needs a name")
    if kind == "oncall":
        team = item.get("team", "")
        if not isinstance(team, str):
            raise fail(item, "team", "`team:` must be a team name")
        return Target("oncall", team.strip(), value.strip().lower())
    role = str(item.get("role", "primary")).strip().lower()
    return Target(kind, value.strip(), role)


def _policy(key: str, data: Any, fail: _Fail, default_timeout: int) -> EscalationPolicy:
    if isinstance(data, list):
        data_levels, pagerduty = data, None
        container: Any = data
    elif isinstance(data, dict):
        _known(data, {"levels", "pagerduty", "description"}, fail, f"policy {key!r}")
        data_levels = data.get("levels")
        pagerduty = data.get("pagerduty")
        container = data
        if not isinstance(data_levels, list):
            raise fail(data, "levels", f"policy {key!r} needs `levels:`, a list")
    else:
        raise fail(data, None, f"policy {key!r} must be a mapping with `levels:`")
    if not data_levels:
        raise fail(container, "levels", f"policy {key!r} has no levels")
    levels = []
    for item in data_levels:
        if not isinstance(item, dict):
            raise fail(container, "levels", "each level is a mapping (oncall/person, timeout)")
        _known(
            item,
            {"oncall", "team", "schedule", "person", "role", "timeout", "pagerduty"},
            fail,
            "a level",
        )
        levels.append(
            EscalationLevel(
                _target(item, fail),
                _duration(item, "timeout", fail, default_timeout),
                str(item["pagerduty"]) if item.get("pagerduty") else None,
            )
        )
    return EscalationPolicy(
        key, tuple(levels), str(pagerduty) if pagerduty else None, f"{fail.source}:{line_of(data)}"
    )


def parse_irtui(data: Any, source: str, catalog: Catalog) -> list[Path]:
    """Fill `catalog` from one irtui catalog document; returns the Backstage paths it lists."""
    fail = _Fail(source)
    if not isinstance(data, dict):
        raise fail(data, None, "a catalog is a mapping (services, teams, people, ...)")
    _known(data, TOP_KEYS, fail, "the catalog")
    base = Path(source).parent
    defaults = _mapping(data, "defaults", fail)
    _known(defaults, {"timeout"}, fail, "defaults")
    default_timeout = _duration(defaults, "timeout", fail, DEFAULT_TIMEOUT_S)

    for key, raw in _mapping(data, "people", fail).items():
        raw = raw or {}
        if not isinstance(raw, dict):
            raise fail(data["people"], key, f"person {key!r} must be a mapping (name, email)")
        _known(raw, {"name", "email", "aliases", "phone", "chat"}, fail, f"person {key!r}")
        catalog.people[str(key)] = Person(
            str(key),
            _text(raw, "name", fail),
            _text(raw, "email", fail),
            _str_list(raw, "aliases", fail),
            f"{source}:{line_of(data['people'], key)}",
        )

    for key, raw in _mapping(data, "teams", fail).items():
        raw = raw or {}
        if not isinstance(raw, dict):
            raise fail(data["teams"], key, f"team {key!r} must be a mapping")
        allowed = {"name", "members", "manager", "chat", "escalation", "oncall", "description"}
        _known(raw, allowed, fail, f"team {key!r}")
        oncall = raw.get("oncall") or {}
        if isinstance(oncall, str):
            oncall = {"primary": oncall}
        if not isinstance(oncall, dict) or not all(isinstance(v, str) for v in oncall.values()):
            raise fail(raw, "oncall", "`oncall:` maps a role (primary, secondary) to a schedule")
        catalog.teams[str(key)] = Team(
            str(key),
            _text(raw, "name", fail),
            _str_list(raw, "members", fail),
            _text(raw, "manager", fail) or None,
            _text(raw, "chat", fail),
            _text(raw, "escalation", fail) or None,
            {str(k).lower(): v for k, v in oncall.items()},
            f"{source}:{line_of(data['teams'], key)}",
        )

    service_keys = {
        "owner",
        "tier",
        "description",
        "depends_on",
        "runbooks",
        "status_page_component",
        "escalation",
        "chat",
        "links",
        "pagerduty",
        "kind",
        "system",
        "lifecycle",
    }
    for key, raw in _mapping(data, "services", fail).items():
        raw = raw or {}
        if not isinstance(raw, dict):
            raise fail(data["services"], key, f"service {key!r} must be a mapping")
        _known(raw, service_keys, fail, f"service {key!r}")
        tier = raw.get("tier")
        if tier is not None and (not isinstance(tier, int) or isinstance(tier, bool) or tier < 0):
            raise fail(raw, "tier", "`tier:` is a number (1 = most critical)")
        catalog.services[str(key)] = Service(
            key=str(key),
            owner=_text(raw, "owner", fail) or None,
            tier=tier,
            description=_text(raw, "description", fail),
            depends_on=_str_list(raw, "depends_on", fail),
            runbooks=_str_list(raw, "runbooks", fail),
            status_page_component=_text(raw, "status_page_component", fail) or None,
            escalation=_text(raw, "escalation", fail) or None,
            chat=_text(raw, "chat", fail),
            links=_links(raw, fail),
            kind=_text(raw, "kind", fail) or "service",
            system=_text(raw, "system", fail) or None,
            lifecycle=_text(raw, "lifecycle", fail) or None,
            pagerduty=_text(raw, "pagerduty", fail) or None,
            source=source,
            line=line_of(data["services"], key),
        )

    for key, raw in _mapping(data, "escalation_policies", fail).items():
        catalog.policies[str(key)] = _policy(str(key), raw, fail, default_timeout)

    from irtui.oncall.spec import parse_schedule

    for key, raw in _mapping(data, "schedules", fail).items():
        catalog.schedules[str(key)] = parse_schedule(str(key), raw, source, base)

    extra = data.get("backstage") or []
    if isinstance(extra, str):
        extra = [extra]
    if not isinstance(extra, list) or not all(isinstance(p, str) for p in extra):
        raise fail(data, "backstage", "`backstage:` is a list of files or folders")
    return [p if p.is_absolute() else base / p for p in (Path(x).expanduser() for x in extra)]


def _where(obj: Any) -> tuple[str, int | None]:
    source = getattr(obj, "source", "") or "catalog"
    line = getattr(obj, "line", None)
    if line is None and ":" in source and source.rsplit(":", 1)[1].isdigit():
        source, number = source.rsplit(":", 1)
        line = int(number)
    return source, line


def check_references(catalog: Catalog) -> None:
    """Every name a catalog entry points at must exist: report the ones that do not."""

    def problem(obj: Any, entity: str, message: str, level: str = "error") -> None:
        source, line = _where(obj)
        catalog.problems.append(Problem(source, line, entity, message, level))

    for svc in catalog.services.values():
        if svc.origin == "backstage":
            continue  # reported as warnings while reading the Backstage files
        if svc.owner is None:
            problem(svc, svc.key, "has no owner", "warning")
        elif catalog.team(svc.owner) is None and catalog.person(svc.owner) is None:
            problem(svc, svc.key, f"owner {svc.owner!r} is not a team or person in the catalog")
        for dep in svc.depends_on:
            if catalog.service(dep) is None:
                problem(svc, svc.key, f"depends on {dep!r}, which is not in the catalog")
        if svc.escalation and svc.escalation not in catalog.policies:
            problem(svc, svc.key, f"escalation policy {svc.escalation!r} is not defined")
    for team in catalog.teams.values():
        for member in team.members:
            if catalog.person(member) is None:
                problem(
                    team, team.key, f"member {member!r} is not a person in the catalog", "warning"
                )
        if team.manager and catalog.person(team.manager) is None:
            problem(team, team.key, f"manager {team.manager!r} is not a person in the catalog")
        if team.escalation and team.escalation not in catalog.policies:
            problem(team, team.key, f"escalation policy {team.escalation!r} is not defined")
        for role, schedule in team.oncall.items():
            if catalog.schedule(schedule) is None:
                problem(team, team.key, f"on-call {role}: schedule {schedule!r} is not defined")
    for policy in catalog.policies.values():
        for n, level in enumerate(policy.levels, 1):
            t = level.target
            if t.kind == "person" and catalog.person(t.name) is None:
                problem(policy, policy.key, f"level {n}: {t.name!r} is not a person in the catalog")
            elif t.kind == "schedule" and catalog.schedule(t.name) is None:
                problem(policy, policy.key, f"level {n}: schedule {t.name!r} is not defined")
            elif t.kind == "oncall" and t.name and catalog.team(t.name) is None:
                problem(policy, policy.key, f"level {n}: team {t.name!r} is not defined")
    for spec in catalog.schedules.values():
        for person in spec.people():
            if catalog.person(person) is None:
                problem(
                    spec,
                    spec.key,
                    f"{person!r} is not a person in the catalog (shown as written)",
                    "warning",
                )
