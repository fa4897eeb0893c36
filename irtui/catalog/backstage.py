"""Backstage `catalog-info.yaml` files as a catalog source, offline.

Entities (multi-document YAML, `apiVersion: backstage.io/...`) become catalog entries:
Component and Resource -> services (`spec.owner`, `spec.dependsOn`, `spec.system`,
`metadata.links`), Group -> teams (members from Users' `spec.memberOf` and the Group's own
`spec.members`), User -> people (`spec.profile.displayName`/`email`), System and Domain are
kept for display, Location files are followed — relative paths only (no network).

Entity references (`kind:namespace/name`, kind and namespace optional where the field implies
them) resolve to the entity's name; entities outside the `default` namespace are keyed
`namespace/name` so two namespaces' `guest` users do not collide.

PagerDuty annotations: `pagerduty.com/integration-key` is a routing key, i.e. a secret; irtui
only remembers *which file* holds it and reads it there when it pages. It is never copied into
the catalog object, the store, logs or exports. Unknown annotations are ignored.

Real catalogs are messy: entities without an owner, references to entities that are not in any
file read, duplicate names, unreadable files. Each becomes a `Problem` (file, entity, what is
wrong) and reading goes on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from irtui.boundary.errors import YamlError
from irtui.boundary.yaml_load import line_of, load_yaml_file_all
from irtui.catalog.model import Catalog, Link, Person, Problem, Service, Team

API_PREFIX = "backstage.io/"
INTEGRATION_KEY = "pagerduty.com/integration-key"
SHOWN_ANNOTATIONS = ("pagerduty.com/service-id", "opsgenie.com/team", "grafana/dashboard-selector")
MAX_FILES = 5_000


@dataclass
class Entity:
    kind: str
    namespace: str
    name: str
    data: dict[str, Any]
    source: str
    line: int | None

    @property
    def key(self) -> str:
        return self.name if self.namespace == "default" else f"{self.namespace}/{self.name}"

    @property
    def metadata(self) -> dict[str, Any]:
        value = self.data.get("metadata")
        return value if isinstance(value, dict) else {}

    @property
    def spec(self) -> dict[str, Any]:
        value = self.data.get("spec")
        return value if isinstance(value, dict) else {}


@dataclass
class Entities:
    by_ref: dict[tuple[str, str, str], Entity] = field(default_factory=dict)
    files_seen: set[str] = field(default_factory=set)


def is_backstage(docs: list[Any]) -> bool:
    return any(
        isinstance(d, dict) and str(d.get("apiVersion", "")).startswith(API_PREFIX) for d in docs
    )


def parse_ref(ref: Any, default_kind: str, default_ns: str = "default") -> tuple[str, str, str]:
    """`resource:artists-db` -> ('resource', 'default', 'artists-db')."""
    text = str(ref).strip()
    kind, _, rest = text.partition(":") if ":" in text else ("", "", text)
    ns, _, name = rest.rpartition("/")
    return (kind or default_kind).lower(), (ns or default_ns).lower(), name.lower()


def read_folder(folder: Path, entities: Entities, problems: list[Problem]) -> None:
    files = sorted(
        p
        for pattern in ("*.yaml", "*.yml")
        for p in folder.rglob(pattern)
        if not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )
    for path in files[:MAX_FILES]:
        read_file(path, entities, problems, quiet_if_not_backstage=True)


def read_file(
    path: Path, entities: Entities, problems: list[Problem], *, quiet_if_not_backstage: bool = False
) -> None:
    real = str(path.resolve())
    if real in entities.files_seen:
        return
    entities.files_seen.add(real)
    try:
        docs = [d for d in load_yaml_file_all(path) if d is not None]
    except YamlError as exc:
        problems.append(Problem(exc.source, exc.line, "", exc.message))
        return
    if not is_backstage(docs):
        if not quiet_if_not_backstage:
            problems.append(Problem(str(path), None, "", "not a Backstage catalog file", "warning"))
        return
    read_documents(path, docs, entities, problems)


def read_documents(
    path: Path, docs: list[Any], entities: Entities, problems: list[Problem]
) -> None:
    entities.files_seen.add(str(path.resolve()))
    for doc in docs:
        if not isinstance(doc, dict) or not str(doc.get("apiVersion", "")).startswith(API_PREFIX):
            problems.append(
                Problem(str(path), line_of(doc), "", "not a Backstage entity (skipped)", "warning")
            )
            continue
        meta = doc.get("metadata")
        kind = str(doc.get("kind") or "").strip()
        if not isinstance(meta, dict) or not meta.get("name") or not kind:
            problems.append(
                Problem(
                    str(path), line_of(doc), "", "entity without kind or metadata.name", "warning"
                )
            )
            continue
        entity = Entity(
            kind.lower(),
            str(meta.get("namespace") or "default").lower(),
            str(meta["name"]).strip(),
            doc,
            str(path),
            line_of(doc),
        )
        ref = (entity.kind, entity.namespace, entity.name.lower())
        if ref in entities.by_ref:
            first = entities.by_ref[ref]
            problems.append(
                Problem(
                    entity.source,
                    entity.line,
                    f"{kind}:{entity.key}",
                    f"defined twice (first in {first.source}:{first.line}); the first is kept",
                    "warning",
                )
            )
            continue
        entities.by_ref[ref] = entity
        if entity.kind == "location":
            _follow(entity, path, entities, problems)


def _follow(entity: Entity, path: Path, entities: Entities, problems: list[Problem]) -> None:
    spec = entity.spec
    targets = list(spec.get("targets") or [])
    if spec.get("target"):
        targets.append(spec["target"])
    for target in targets:
        text = str(target).strip()
        if "://" in text:
            problems.append(
                Problem(
                    entity.source,
                    entity.line,
                    f"location:{entity.key}",
                    f"{text} is a URL; irtui reads catalogs offline (only relative paths "
                    "are followed)",
                    "warning",
                )
            )
            continue
        child = path.parent / text
        if child.is_dir():
            read_folder(child, entities, problems)
        elif child.is_file():
            read_file(child, entities, problems)
        else:
            problems.append(
                Problem(
                    entity.source,
                    entity.line,
                    f"location:{entity.key}",
                    f"target {text} does not exist",
                    "warning",
                )
            )


def _links(meta: dict[str, Any]) -> tuple[Link, ...]:
    out = []
    for item in meta.get("links") or []:
        if isinstance(item, dict) and isinstance(item.get("url"), str):
            out.append(Link(item["url"], str(item.get("title") or item.get("type") or "")))
    return tuple(out)


def merge(entities: Entities, catalog: Catalog) -> None:
    """Add the entities to `catalog`; what catalog.yaml says about the same name wins."""
    names = {ref: e.key for ref, e in entities.by_ref.items()}

    def resolve(ref: Any, default_kind: str, entity: Entity, what: str) -> str | None:
        wanted = parse_ref(ref, default_kind, entity.namespace)
        found = names.get(wanted) or names.get((wanted[0], "default", wanted[2]))
        if found is None and wanted[1] == "default":
            # catalog.yaml may know it (a service, team or person of irtui's own catalog)
            pool = {
                "group": catalog.teams,
                "user": catalog.people,
            }.get(wanted[0], catalog.services)
            found = next((k for k in pool if k.lower() == wanted[2]), None)
        if found is None:
            catalog.problems.append(
                Problem(
                    entity.source,
                    entity.line,
                    f"{entity.kind}:{entity.key}",
                    f"{what} {ref!r} is not in any catalog file read",
                    "warning",
                )
            )
            return str(ref).rpartition(":")[2].rpartition("/")[2] or None
        return found

    members: dict[str, list[str]] = {}
    for entity in entities.by_ref.values():
        if entity.kind == "user":
            for group in entity.spec.get("memberOf") or []:
                team = resolve(group, "group", entity, "memberOf")
                if team:
                    members.setdefault(team, []).append(entity.key)
    for entity in entities.by_ref.values():
        meta, spec = entity.metadata, entity.spec
        if entity.kind == "user":
            profile = spec.get("profile") if isinstance(spec.get("profile"), dict) else {}
            if entity.key not in catalog.people:
                catalog.people[entity.key] = Person(
                    entity.key,
                    str(profile.get("displayName") or meta.get("title") or ""),
                    str(profile.get("email") or ""),
                    source=f"{entity.source}:{entity.line}",
                )
        elif entity.kind == "group":
            profile = spec.get("profile") if isinstance(spec.get("profile"), dict) else {}
            own = [str(m) for m in spec.get("members") or []]
            people = sorted({*members.get(entity.key, []), *own})
            existing = catalog.teams.get(entity.key)
            if existing is None:
                catalog.teams[entity.key] = Team(
                    entity.key,
                    str(profile.get("displayName") or meta.get("title") or ""),
                    tuple(people),
                    source=f"{entity.source}:{entity.line}",
                )
            elif not existing.members:
                from dataclasses import replace

                catalog.teams[entity.key] = replace(existing, members=tuple(people))
        elif entity.kind in ("component", "resource"):
            _merge_service(entity, catalog, resolve)
        elif entity.kind in ("system", "domain"):
            catalog.systems[f"{entity.kind}:{entity.key}"] = {
                "kind": entity.kind,
                "name": entity.key,
                "owner": spec.get("owner"),
                "description": meta.get("description") or "",
                "domain": spec.get("domain"),
                "source": entity.source,
            }


def _merge_service(entity: Entity, catalog: Catalog, resolve: Any) -> None:
    meta, spec = entity.metadata, entity.spec
    owner = None
    if spec.get("owner"):
        owner = resolve(spec["owner"], "group", entity, "owner")
    else:
        catalog.problems.append(
            Problem(
                entity.source, entity.line, f"{entity.kind}:{entity.key}", "has no owner", "warning"
            )
        )
    deps = []
    for ref in spec.get("dependsOn") or []:
        dep = resolve(ref, "component", entity, "dependsOn")
        if dep:
            deps.append(dep)
    annotations = meta.get("annotations") if isinstance(meta.get("annotations"), dict) else {}
    shown = {k: str(v) for k, v in annotations.items() if k in SHOWN_ANNOTATIONS}
    key_file = entity.source if annotations.get(INTEGRATION_KEY) else None
    system = str(spec["system"]) if spec.get("system") else None
    existing = catalog.services.get(entity.key)
    portal = Service(
        key=entity.key,
        owner=owner,
        description=str(meta.get("description") or ""),
        depends_on=tuple(deps),
        links=_links(meta),
        kind=str(spec.get("type") or entity.kind),
        system=system,
        lifecycle=str(spec["lifecycle"]) if spec.get("lifecycle") else None,
        integration_key_file=key_file,
        annotations=shown,
        source=entity.source,
        line=entity.line,
        origin="backstage",
    )
    if existing is None:
        catalog.services[entity.key] = portal
        return
    from dataclasses import replace

    catalog.services[entity.key] = replace(
        existing,
        owner=existing.owner or portal.owner,
        description=existing.description or portal.description,
        depends_on=tuple(dict.fromkeys([*existing.depends_on, *portal.depends_on])),
        links=tuple(dict.fromkeys([*existing.links, *portal.links])),
        system=existing.system or portal.system,
        lifecycle=existing.lifecycle or portal.lifecycle,
        integration_key_file=existing.integration_key_file or portal.integration_key_file,
        annotations={**portal.annotations, **existing.annotations},
    )


def integration_key(path: str, service_key: str) -> str | None:
    """The PagerDuty routing key of a Backstage entity, read from its file *now* (when a page
    is delivered) — never stored anywhere by irtui."""
    try:
        docs = load_yaml_file_all(path)
    except YamlError:
        return None
    ns, _, name = service_key.rpartition("/")
    for doc in docs:
        if not isinstance(doc, dict):
            continue
        meta = doc.get("metadata")
        if not isinstance(meta, dict) or str(meta.get("name", "")).lower() != name.lower():
            continue
        if str(meta.get("namespace") or "default").lower() != (ns or "default").lower():
            continue
        annotations = meta.get("annotations")
        if isinstance(annotations, dict) and annotations.get(INTEGRATION_KEY):
            return str(annotations[INTEGRATION_KEY]).strip()
    return None
