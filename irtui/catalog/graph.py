"""The dependency graph: cycles, blast radius, dependency trees — all cycle-safe.

Every traversal keeps a `seen` set and is iterative, so a `dependsOn` cycle (real catalogs have
them) is reported, never a hang or a recursion error.
"""

from __future__ import annotations

from dataclasses import dataclass

from irtui.catalog.model import Catalog


def find_cycles(catalog: Catalog) -> list[list[str]]:
    """Each dependency cycle once, as the list of services on it (Tarjan's strongly connected
    components, iterative; self-dependencies count)."""
    graph = {
        key: [d for d in svc.depends_on if d in catalog.services]
        for key, svc in catalog.services.items()
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    cycles: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work: list[tuple[str, int]] = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            children = graph[node]
            if i < len(children):
                work.append((node, i + 1))
                child = children[i]
                if child not in index:
                    work.append((child, 0))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    top = stack.pop()
                    on_stack.discard(top)
                    component.append(top)
                    if top == node:
                        break
                if len(component) > 1 or node in graph[node]:
                    cycles.append(_ordered(component[::-1], graph))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return sorted(cycles)


def _ordered(component: list[str], graph: dict[str, list[str]]) -> list[str]:
    """The component as a path that follows dependency edges from its smallest name."""
    members = set(component)
    start = min(component)
    path = [start]
    seen = {start}
    node = start
    while True:
        nxt = next((c for c in graph[node] if c in members and c not in seen), None)
        if nxt is None:
            break
        path.append(nxt)
        seen.add(nxt)
        node = nxt
    return path + sorted(members - seen)


@dataclass(frozen=True, slots=True)
class Affected:
    service: str
    depth: int
    via: str
    """The service it depends on that puts it in the radius."""


def blast_radius(catalog: Catalog, services: list[str]) -> list[Affected]:
    """Everything that depends on `services`, directly (depth 1) or through others, nearest
    first; the starting services themselves are not listed."""
    dependants = catalog.dependants()
    start = {s for s in services}
    seen = set(start)
    out: list[Affected] = []
    frontier = sorted(start)
    depth = 0
    while frontier:
        depth += 1
        nxt = []
        for svc in frontier:
            for dep in sorted(dependants.get(svc, ())):
                if dep not in seen:
                    seen.add(dep)
                    out.append(Affected(dep, depth, svc))
                    nxt.append(dep)
        frontier = nxt
    return out


def dependency_tree(catalog: Catalog, service: str) -> list[tuple[int, str, str]]:
    """(depth, service, mark) lines of what `service` depends on, depth-first; `mark` is
    'cycle' where an edge leads back to a service already on the path, 'missing' for a
    dependency the catalog does not know, 'seen' for one already printed elsewhere."""
    out: list[tuple[int, str, str]] = [(0, service, "" if catalog.service(service) else "missing")]
    printed = {service}
    stack: list[tuple[str, int, tuple[str, ...]]] = []
    svc = catalog.service(service)
    if svc is not None:
        stack = [(d, 1, (service,)) for d in reversed(svc.depends_on)]
    while stack:
        node, depth, path = stack.pop()
        if node in path:
            out.append((depth, node, "cycle"))
            continue
        found = catalog.service(node)
        if found is None:
            out.append((depth, node, "missing"))
            continue
        if node in printed:
            out.append((depth, node, "seen"))
            continue
        printed.add(node)
        out.append((depth, node, ""))
        stack.extend((d, depth + 1, (*path, node)) for d in reversed(found.depends_on))
    return out
