"""Recording a page and queueing its delivery, atomically — the status page's guarantees for
pages: the `paged` event and its PagerDuty trigger are written in one transaction (a crash can
neither send a page that was not recorded nor record one that will never be sent), then the
outbox delivers in order per incident, offline-safe, with backoff, visibly.

The pages of the incident are read *inside* the write transaction before the domain checks
"one page per level, never doubled", so two seats paging at the same moment cannot both page:
the second sees the first's page and is refused.

Delivery: a page goes to PagerDuty when the catalog names a routing key for it (a level's,
service's or policy's `pagerduty:`, or a Backstage integration-key annotation) — then a missing
key is a loud delivery failure, never a silent skip — or when a default routing key is set. With
neither, the page is recorded only (`delivery: none`): the IC phones the person, and irtui
still runs the clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from irtui.domain import paging
from irtui.domain.model import Event, EventKind, Incident
from irtui.domain.paging import Page, PageTarget, fold_pages
from irtui.domain.timeutil import iso
from irtui.store.db import Database
from irtui.store.outbox_repo import OutboxRepo
from irtui.store.paging_repo import PAGERDUTY, page_events
from irtui.sync.pagerduty_events import followup, new_dedup_key, trigger
from irtui.sync.pagerduty_keys import RoutingKeys


@dataclass(frozen=True, slots=True)
class Recorded:
    events: list[Event]
    pages: list[Page]
    message_ids: list[int]

    @property
    def page(self) -> Page:
        """The page this command created or changed last."""
        numbers = [int(e.payload["page"]) for e in self.events if "page" in e.payload]
        wanted = numbers[-1] if numbers else None
        return next(p for p in self.pages if p.number == wanted) if wanted else self.pages[-1]


def pages_of(store: Any, incident_id: str) -> list[Page]:
    return fold_pages(page_events(store.db, [incident_id]).get(incident_id, []))


def delivery_for(target: PageTarget, keys: RoutingKeys | None) -> str:
    if target.routing:
        return "pagerduty"
    keys = keys or RoutingKeys()
    return "pagerduty" if keys.default() else "none"


def _enqueue(db: Database, incident: Incident, events: list[Event], links: Any) -> list[int]:
    repo = OutboxRepo(db)
    pages = {p.number: p for p in fold_pages(page_events(db, [incident.id]).get(incident.id, []))}
    ids: list[int] = []
    for event in events:
        assert event.recorded_at is not None and event.id is not None
        p = event.payload
        if event.kind == EventKind.PAGED:
            if p.get("delivery") != "pagerduty":
                continue
            message = trigger(
                incident, p, paged_by=event.author, at=iso(event.at) or "", links=links
            )
            op = "trigger"
            numbers = [int(p["page"])]
        elif event.kind == EventKind.PAGE_ACKNOWLEDGED:
            numbers, op = [int(p["page"])], "acknowledge"
        elif event.kind == EventKind.PAGE_RESOLVED:
            numbers, op = [int(n) for n in p.get("pages", [])], "resolve"
        else:
            continue
        for number in numbers:
            page = pages.get(number)
            if page is None or page.delivery != "pagerduty":
                continue
            body = message if op == "trigger" else followup(op, page)
            ids.append(
                repo.enqueue(
                    incident.id,
                    body,
                    now=event.recorded_at,
                    event_id=event.id,
                    provider=PAGERDUTY,
                    op=op,
                )
            )
    return ids


def _run(store: Any, ref: str | int, build: Any, links: Any = ()) -> Recorded:
    box: dict[str, Any] = {}

    def extra(db: Database, incident: Incident, events: list[Event]) -> None:
        box["ids"] = _enqueue(db, incident, events, links)

    incident, events = store.transact(ref, build, extra)
    return Recorded(events, pages_of(store, incident.id), box.get("ids", []))


def page(
    store: Any,
    ref: str | int,
    target: PageTarget,
    *,
    reason: str = "",
    links: Any = (),
    keys: RoutingKeys | None = None,
) -> Recorded:
    """Record a page (and queue its PagerDuty trigger) in one transaction."""
    delivery = delivery_for(target, keys)

    def build(incident: Incident, now: Any) -> list[Event]:
        pages = pages_of(store, incident.id)
        key = new_dedup_key(incident.id, max((p.number for p in pages), default=0) + 1)
        return paging.cmd_page(
            incident,
            pages,
            target,
            now=now,
            author=store.author,
            reason=reason,
            dedup_key=key,
            delivery=delivery,
        )

    return _run(store, ref, build, links)


def escalate(
    store: Any,
    ref: str | int,
    from_page: int,
    target: PageTarget,
    *,
    reason: str = "",
    links: Any = (),
    keys: RoutingKeys | None = None,
) -> Recorded:
    """Escalate from page `from_page` to `target` (the next level, resolved by the caller)."""
    delivery = delivery_for(target, keys)

    def build(incident: Incident, now: Any) -> list[Event]:
        pages = pages_of(store, incident.id)
        current = paging.to_escalate(pages, from_page)
        key = new_dedup_key(incident.id, max((p.number for p in pages), default=0) + 1)
        return paging.cmd_escalate(
            incident,
            pages,
            current,
            target,
            now=now,
            author=store.author,
            reason=reason,
            dedup_key=key,
            delivery=delivery,
        )

    return _run(store, ref, build, links)


def acknowledge(store: Any, ref: str | int, number: int | None = None, note: str = "") -> Recorded:
    def build(incident: Incident, now: Any) -> list[Event]:
        return paging.cmd_page_ack(
            incident, pages_of(store, incident.id), number, now=now, author=store.author, note=note
        )

    return _run(store, ref, build)


def resolve_pages(
    store: Any, ref: str | int, numbers: list[int] | None = None, reason: str = ""
) -> Recorded:
    def build(incident: Incident, now: Any) -> list[Event]:
        return paging.cmd_page_resolve(
            incident,
            pages_of(store, incident.id),
            numbers,
            now=now,
            author=store.author,
            reason=reason,
        )

    return _run(store, ref, build)


def resolve_offer(store: Any, ref: str | int) -> list[Page]:
    """The pages still live (not resolved) of an incident: resolving the incident offers to
    resolve them too (`irtui page-resolve ID`, or the TUI's offer)."""
    incident = store.get(ref)
    return [p for p in pages_of(store, incident.id) if p.state != paging.PageState.RESOLVED]
