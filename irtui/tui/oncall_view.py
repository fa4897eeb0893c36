"""What the TUI's on-call parts show, gathered off the event loop (call these in a thread).

`gather(store, incident_id, now)` reads the catalog, resolves who is on call for each service
of the incident and the escalation chain, and reads the pages with their delivery state; it
returns plain data the widgets render. Catalog files are read again only when they changed
(path, size, mtime), so a panel refreshing every minute costs a `stat` per file.

Integration points for the board (the lead wires them into the new board): `board_lines`
gives each incident's paging line — "paged erin 6m ago, no answer -> escalate to bob" — and
`page_overdue_keys` the (incident, `page:N`) clocks that are overdue, for the app's bell.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from irtui.domain.paging import Page, fold_pages, page_clocks, paging_summary

_LOCK = threading.Lock()
_CATALOG: dict[str, Any] = {}


def catalog_now(paths: list[str] | None = None) -> Any:
    """The configured catalog, re-read only when one of its files changed."""
    from irtui.catalog.load import catalog_paths, load_catalog

    files = [str(p) for p in catalog_paths(paths)]

    def stamp() -> tuple[Any, ...]:
        out = []
        for f in files:
            try:
                st = os.stat(f)
                out.append((f, st.st_mtime_ns, st.st_size))
            except OSError:
                out.append((f, None, None))
        return tuple(out)

    key = stamp()
    with _LOCK:
        if _CATALOG.get("key") != key:
            _CATALOG["catalog"] = load_catalog(paths)
            _CATALOG["key"] = key
        return _CATALOG["catalog"]


@dataclass
class ServiceOnCall:
    name: str
    known: bool
    owner: str = ""
    chat: str = ""
    roles: list[Any] = field(default_factory=list)
    chain: list[Any] = field(default_factory=list)
    policy: str | None = None
    links: list[tuple[str, str]] = field(default_factory=list)
    dependants: list[str] = field(default_factory=list)


@dataclass
class IncidentOnCall:
    incident_id: str
    services: list[ServiceOnCall] = field(default_factory=list)
    pages: list[Page] = field(default_factory=list)
    deliveries: dict[int, dict[str, Any]] = field(default_factory=dict)
    refresh_at: datetime | None = None
    """When a shift shown ends: the view must be gathered again then."""
    problem: str | None = None
    catalog_errors: int = 0
    no_catalog: bool = False
    marker: int = 0


def read_pages(store: Any, incident_id: str) -> tuple[list[Page], dict[int, dict[str, Any]]]:
    from irtui.store.paging_repo import deliveries, delivery_state, page_events

    pages = fold_pages(page_events(store.db, [incident_id]).get(incident_id, []))
    sent = deliveries(store.db, incident_id)
    states = {p.number: delivery_state(sent.get(p.number, [])) for p in pages}
    # Messages of one incident go out in order: a page queued behind a failed message waits
    # for a human, and must say so as loudly as the failure itself.
    failed = sorted((m.id, n) for n, msgs in sent.items() for m in msgs if m.state == "failed")
    for number, state in states.items():
        if state["state"] in ("pending", "retrying", "sending") and failed:
            first = failed[0]
            if first[0] < (state["message_id"] or 0) and first[1] != number:
                state["blocked_by"] = {"message_id": first[0], "page": first[1]}
    return pages, states


def gather(store: Any, incident_id: str, now: datetime) -> IncidentOnCall:
    """Blocking: catalog, schedules, pages. Errors are data (`problem`), never raised."""
    marker = store.change_marker()
    incident = store.get(incident_id)
    view = IncidentOnCall(incident_id, marker=marker)
    view.pages, view.deliveries = read_pages(store, incident_id)
    try:
        catalog = catalog_now()
    except Exception as exc:  # a broken catalog: say so in the panel, keep the pages
        view.problem = f"catalog: {exc}"
        return view
    view.no_catalog = catalog.empty
    view.catalog_errors = len(catalog.errors)
    if catalog.empty:
        return view
    from irtui.catalog.graph import blast_radius
    from irtui.oncall.resolve import OnCall
    from irtui.oncall.resolve import view as resolve_view

    oncall = OnCall(catalog)
    ends: list[datetime] = []
    for name in incident.services:
        service = catalog.service(name)
        if service is None:
            view.services.append(ServiceOnCall(name, False))
            continue
        try:
            found = resolve_view(oncall, service.key, now)
        except Exception as exc:  # an unreadable schedule file: shown, not fatal
            view.services.append(ServiceOnCall(service.key, True, owner=str(exc)))
            continue
        team = found.team
        ends += [r.until for r in found.roles if r.until is not None]
        view.services.append(
            ServiceOnCall(
                service.key,
                True,
                owner=team.display if team else (service.owner or ""),
                chat=service.chat or (team.chat if team else ""),
                roles=found.roles,
                chain=found.chain,
                policy=found.policy,
                links=[(link.url, link.title) for link in service.links],
                dependants=[a.service for a in blast_radius(catalog, [service.key])],
            )
        )
    view.refresh_at = min(ends) if ends else None
    return view


def board_lines(store: Any, incident_ids: Iterable[str], now: datetime) -> dict[str, str]:
    """incident id -> its paging line, for incidents that have pages (one indexed query)."""
    from irtui.store.paging_repo import page_events

    out = {}
    for iid, events in page_events(store.db, list(incident_ids)).items():
        line = paging_summary(fold_pages(events), now)
        if line:
            out[iid] = line
    return out


def page_overdue_keys(
    store: Any, incident_ids: Iterable[str], now: datetime
) -> set[tuple[str, str]]:
    """(incident id, `page:N`) of every unanswered page past its deadline: the app's bell
    rings once per new one, like every other clock."""
    from irtui.domain.clocks import ClockState
    from irtui.store.paging_repo import page_events

    keys = set()
    for iid, events in page_events(store.db, list(incident_ids)).items():
        for clock in page_clocks(fold_pages(events), now):
            if clock.state is ClockState.OVERDUE:
                keys.add((iid, clock.name))
    return keys
