"""Paging as events: who was paged, when, by whom and why; their acknowledgement; escalation to
the next level; resolving the pages. Pure, like `lifecycle`: commands validate against the
pages already recorded and return events, `fold_pages` folds them back.

The page clock is a clock like the others (`domain/clocks.py`): its deadline — paged at + the
level's timeout — is a stored fact in the `paged` event, so reopening the store, another seat or
a drill's clock all show the same countdown; amber in the last quarter of the window (at most
5 min), red and the bell when nobody answered in time. Nothing here reads a wall clock: `now` is
always passed in, so a drill can run the clock on its own time.

"Wake the right person, not everyone": one page per escalation level. Paging someone who was
paged and has not answered yet, or a level that is already waiting for an answer, is refused
with what to do instead (`escalate`); the next level is paged only by escalating.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from irtui.boundary.text_in import one_line
from irtui.domain.clocks import ClockState, ClockView, warning_window
from irtui.domain.model import DomainError, Event, EventKind, Incident
from irtui.domain.timeutil import fmt_duration, iso, parse_iso

PAGE_KINDS = (
    EventKind.PAGED,
    EventKind.PAGE_ACKNOWLEDGED,
    EventKind.PAGE_ESCALATED,
    EventKind.PAGE_RESOLVED,
)
DEFAULT_ACK_WITHIN_S = 15 * 60


class PageState:
    OPEN = "open"  # waiting for an answer: the clock runs
    ACKNOWLEDGED = "acknowledged"
    ESCALATED = "escalated"  # nobody answered in time; the next level was paged
    RESOLVED = "resolved"


@dataclass(frozen=True, slots=True)
class PageTarget:
    """Who a page goes to and why them, as resolved (outside the domain) from the catalog and
    the schedules at the moment of paging. Copied into the event: replaying never needs the
    catalog again."""

    person: str
    display: str = ""
    known: bool = True
    description: str = ""
    """Why this person: `primary on-call of payments`, `dana` (named directly)..."""
    service: str | None = None
    team: str | None = None
    policy: str | None = None
    level: int | None = None
    levels: int | None = None
    ack_within_s: int = DEFAULT_ACK_WITHIN_S
    routing: str | None = None
    """The PagerDuty routing-key *name* (never the key) when the page is delivered there."""
    next: dict[str, Any] | None = None
    """The level an escalation would page next, as known now: {level, person, display,
    description}."""
    also: tuple[str, ...] = ()
    """Others on call at the same level at the same time (shown, not paged)."""
    skipped: tuple[dict[str, Any], ...] = ()
    """Levels passed over because nobody could be named (schedule gap)."""


@dataclass(slots=True)
class Page:
    number: int
    person: str
    display: str
    known: bool
    description: str
    service: str | None
    team: str | None
    policy: str | None
    level: int | None
    levels: int | None
    reason: str
    paged_at: datetime
    paged_by: str
    ack_within_s: int
    due: datetime
    dedup_key: str
    delivery: str
    routing: str | None
    next: dict[str, Any] | None
    also: tuple[str, ...] = ()
    escalated_from: int | None = None
    skipped: tuple[dict[str, Any], ...] = ()
    event_id: int | None = None
    state: str = PageState.OPEN
    acked_at: datetime | None = None
    acked_by: str | None = None
    escalated_at: datetime | None = None
    escalated_to: int | None = None
    resolved_at: datetime | None = None
    events: list[int] = field(default_factory=list)

    @property
    def waiting(self) -> bool:
        return self.state == PageState.OPEN

    @property
    def has_next_level(self) -> bool:
        return (
            self.policy is not None
            and self.level is not None
            and self.levels is not None
            and self.level < self.levels
        )

    def to_dict(self, now: datetime | None = None) -> dict[str, Any]:
        data: dict[str, Any] = {
            "page": self.number,
            "person": self.person,
            "name": self.display,
            "known": self.known,
            "why": self.description,
            "service": self.service,
            "team": self.team,
            "policy": self.policy,
            "level": self.level,
            "levels": self.levels,
            "reason": self.reason,
            "paged_at": iso(self.paged_at),
            "paged_by": self.paged_by,
            "ack_within_s": self.ack_within_s,
            "due": iso(self.due),
            "dedup_key": self.dedup_key,
            "delivery": self.delivery,
            "state": self.state,
            "acknowledged_at": iso(self.acked_at),
            "acknowledged_by": self.acked_by,
            "escalated_at": iso(self.escalated_at),
            "escalated_to": self.escalated_to,
            "escalated_from": self.escalated_from,
            "resolved_at": iso(self.resolved_at),
            "next": self.next,
            "also_on_call": list(self.also),
        }
        if now is not None:
            clock = page_clock(self, now)
            data["clock"] = {
                "state": str(clock.state),
                "remaining_s": None
                if clock.remaining is None
                else int(clock.remaining.total_seconds()),
                "overdue": clock.state is ClockState.OVERDUE,
            }
            data["summary"] = page_line(self, now)
        return data


# --- folding ----------------------------------------------------------------------------


def fold_pages(events: list[Event]) -> list[Page]:
    """Every page of an incident from its events (commit order), in page order."""
    pages: dict[int, Page] = {}
    for event in events:
        p = event.payload
        kind = event.kind
        if kind == EventKind.PAGED:
            number = int(p["page"])
            pages[number] = Page(
                number=number,
                person=p["person"],
                display=p.get("display") or p["person"],
                known=bool(p.get("known", True)),
                description=p.get("why", ""),
                service=p.get("service"),
                team=p.get("team"),
                policy=p.get("policy"),
                level=p.get("level"),
                levels=p.get("levels"),
                reason=p.get("reason", ""),
                paged_at=event.at,
                paged_by=event.author,
                ack_within_s=int(p.get("ack_within_s") or DEFAULT_ACK_WITHIN_S),
                due=parse_iso(p["due"]) or event.at,  # type: ignore[arg-type]
                dedup_key=p["dedup_key"],
                delivery=p.get("delivery", "none"),
                routing=p.get("routing"),
                next=p.get("next"),
                also=tuple(p.get("also") or ()),
                escalated_from=p.get("escalated_from"),
                skipped=tuple(p.get("skipped") or ()),
                event_id=event.id,
            )
        elif kind == EventKind.PAGE_ACKNOWLEDGED:
            page = pages.get(int(p["page"]))
            if page is not None and page.state != PageState.RESOLVED:
                page.state = PageState.ACKNOWLEDGED
                page.acked_at = event.at
                page.acked_by = event.author
        elif kind == EventKind.PAGE_ESCALATED:
            page = pages.get(int(p["page"]))
            if page is not None and page.state == PageState.OPEN:
                page.state = PageState.ESCALATED
                page.escalated_at = event.at
                page.escalated_to = p.get("to_page")
        elif kind == EventKind.PAGE_RESOLVED:
            for number in p.get("pages", []):
                page = pages.get(int(number))
                if page is not None:
                    page.state = PageState.RESOLVED
                    page.resolved_at = event.at
        else:
            continue
        if event.id is not None:
            for number in _numbers(kind, p):
                if number in pages:
                    pages[number].events.append(event.id)
    return [pages[n] for n in sorted(pages)]


def _numbers(kind: str, p: dict[str, Any]) -> list[int]:
    if kind == EventKind.PAGE_RESOLVED:
        return [int(n) for n in p.get("pages", [])]
    return [int(p["page"])]


# --- commands ---------------------------------------------------------------------------


def _require_pageable(incident: Incident) -> None:
    if not incident.is_open:
        raise DomainError(f"{incident.id} is {incident.status}; nobody is paged for it any more")


def _check_not_doubled(
    pages: list[Page], target: PageTarget, now: datetime, incident_id: str
) -> None:
    for page in pages:
        if not page.waiting:
            continue
        if page.person.lower() == target.person.lower():
            raise DomainError(
                f"{page.display} was paged {ago(now - page.paged_at)} ago (page #{page.number}) "
                "and has not answered yet: wait for the clock, or escalate "
                f"(irtui escalate {incident_id})"
            )
        if (
            target.policy is not None
            and page.policy == target.policy
            and page.service == target.service
        ):
            raise DomainError(
                f"level {page.level} of {page.policy} ({page.display}) was paged "
                f"{ago(now - page.paged_at)} ago (page #{page.number}) and is waiting for an "
                "answer; one page per level: escalate to page the next level"
            )


def _payload(
    target: PageTarget,
    number: int,
    now: datetime,
    reason: str,
    dedup_key: str,
    delivery: str,
    escalated_from: int | None = None,
) -> dict[str, Any]:
    return {
        "page": number,
        "person": target.person,
        "display": target.display or target.person,
        "known": target.known,
        "why": target.description,
        "service": target.service,
        "team": target.team,
        "policy": target.policy,
        "level": target.level,
        "levels": target.levels,
        "reason": reason,
        "ack_within_s": target.ack_within_s,
        "due": iso(now + timedelta(seconds=target.ack_within_s)),
        "dedup_key": dedup_key,
        "delivery": delivery,
        "routing": target.routing,
        "next": target.next,
        "also": list(target.also),
        "skipped": list(target.skipped),
        "escalated_from": escalated_from,
    }


def _check_target(target: PageTarget, delivery: str, dedup_key: str) -> None:
    if not target.person.strip():
        raise DomainError("page whom? a person, a team's on-call or a service")
    if target.ack_within_s <= 0:
        raise DomainError("a page needs a positive time to answer")
    if delivery not in ("pagerduty", "none"):
        raise DomainError(f"unknown page delivery {delivery!r}")
    if not dedup_key.strip():
        raise DomainError("a page needs a dedup key")


def cmd_page(
    incident: Incident,
    pages: list[Page],
    target: PageTarget,
    *,
    now: datetime,
    author: str,
    reason: str = "",
    dedup_key: str,
    delivery: str = "none",
) -> list[Event]:
    """Page one person (directly, through a team's on-call or a service's policy)."""
    _require_pageable(incident)
    _check_target(target, delivery, dedup_key)
    _check_not_doubled(pages, target, now, incident.id)
    number = max((p.number for p in pages), default=0) + 1
    payload = _payload(target, number, now, one_line(reason, "reason"), dedup_key, delivery)
    return [Event(incident.id, EventKind.PAGED, now, author, payload)]


def to_escalate(pages: list[Page], number: int | None = None) -> Page:
    """The page an escalation moves on from: the one named, else the latest unanswered page
    that has a next level, else the latest unanswered page."""
    if number is not None:
        found = next((p for p in pages if p.number == number), None)
        if found is None:
            raise DomainError(f"no page #{number}")
        if not found.waiting:
            raise DomainError(
                f"page #{number} ({found.display}) is {found.state}; nothing to escalate"
            )
        return found
    waiting = [p for p in pages if p.waiting]
    if not waiting:
        raise DomainError("no page is waiting for an answer; page someone first (irtui page)")
    with_next = [p for p in waiting if p.has_next_level]
    return (with_next or waiting)[-1]


def cmd_escalate(
    incident: Incident,
    pages: list[Page],
    page: Page,
    target: PageTarget,
    *,
    now: datetime,
    author: str,
    reason: str = "",
    dedup_key: str,
    delivery: str = "none",
) -> list[Event]:
    """Move from `page` (nobody answered) to the next level's person, `target`."""
    _require_pageable(incident)
    _check_target(target, delivery, dedup_key)
    if not page.waiting:
        raise DomainError(f"page #{page.number} is {page.state}; nothing to escalate")
    others = [p for p in pages if p.number != page.number]
    _check_not_doubled(others, target, now, incident.id)
    number = max((p.number for p in pages), default=0) + 1
    why = one_line(reason, "reason") or (
        f"no answer from {page.display} in {ago(now - page.paged_at)}"
        if now >= page.due
        else f"escalated before {page.display}'s clock ran out"
    )
    return [
        Event(
            incident.id,
            EventKind.PAGE_ESCALATED,
            now,
            author,
            {"page": page.number, "to_page": number, "reason": why},
        ),
        Event(
            incident.id,
            EventKind.PAGED,
            now,
            author,
            _payload(target, number, now, why, dedup_key, delivery, escalated_from=page.number),
        ),
    ]


def cmd_page_ack(
    incident: Incident,
    pages: list[Page],
    number: int | None,
    *,
    now: datetime,
    author: str,
    note: str = "",
) -> list[Event]:
    """The paged person answered. Without a number: the unanswered page of `author`, else
    the only unanswered page."""
    if number is None:
        waiting = [p for p in pages if p.waiting]
        mine = [p for p in waiting if author.lower() in (p.person.lower(), p.display.lower())]
        if len(mine) == 1:
            page = mine[0]
        elif len(waiting) == 1:
            page = waiting[0]
        elif not waiting:
            raise DomainError(f"no page of {incident.id} is waiting for an answer")
        else:
            listed = ", ".join(f"#{p.number} {p.display}" for p in waiting)
            raise DomainError(f"which page? {listed} are waiting (give its number)")
    else:
        page = next((p for p in pages if p.number == number), None)  # type: ignore[assignment]
        if page is None:
            raise DomainError(f"no page #{number} on {incident.id}")
    if page.state in (PageState.ACKNOWLEDGED, PageState.RESOLVED):
        raise DomainError(f"page #{page.number} ({page.display}) is already {page.state}")
    return [
        Event(
            incident.id,
            EventKind.PAGE_ACKNOWLEDGED,
            now,
            author,
            {"page": page.number, "note": one_line(note, "note")},
        )
    ]


def cmd_page_resolve(
    incident: Incident,
    pages: list[Page],
    numbers: list[int] | None,
    *,
    now: datetime,
    author: str,
    reason: str = "",
) -> list[Event]:
    """Resolve pages (all that are not resolved yet, or the ones named)."""
    live = [p for p in pages if p.state != PageState.RESOLVED]
    if numbers:
        known = {p.number: p for p in pages}
        for n in numbers:
            if n not in known:
                raise DomainError(f"no page #{n} on {incident.id}")
        live = [p for p in live if p.number in numbers]
    if not live:
        raise DomainError(f"{incident.id} has no page to resolve")
    return [
        Event(
            incident.id,
            EventKind.PAGE_RESOLVED,
            now,
            author,
            {"pages": [p.number for p in live], "reason": one_line(reason, "reason")},
        )
    ]


# --- the page clock ---------------------------------------------------------------------


def page_clock(page: Page, now: datetime) -> ClockView:
    name, label = f"page:{page.number}", f"Page {page.display}"
    if page.state in (PageState.ACKNOWLEDGED, PageState.RESOLVED):
        return ClockView(name, label, page.due, None, ClockState.DONE)
    if page.state == PageState.ESCALATED:
        return ClockView(name, label, page.due, None, ClockState.NONE)
    remaining = page.due - now
    if remaining <= timedelta(0):
        state = ClockState.OVERDUE
    elif remaining <= warning_window(page.ack_within_s):
        state = ClockState.WARNING
    else:
        state = ClockState.OK
    return ClockView(name, label, page.due, remaining, state)


def page_clocks(pages: list[Page], now: datetime) -> list[ClockView]:
    """The running page clocks (unanswered pages only): the bell rings once per overdue one."""
    return [page_clock(p, now) for p in pages if p.waiting]


def short_duration(seconds: int) -> str:
    """`15m`, `1h30m`, `45s`: a window as people say it (`fmt_duration` pads seconds)."""
    if seconds % 60:
        return fmt_duration(seconds)
    hours, minutes = divmod(seconds // 60, 60)
    if hours and minutes:
        return f"{hours}h{minutes:02d}m"
    return f"{hours}h" if hours else f"{minutes}m"


def ago(delta: timedelta) -> str:
    """`45s`, `6m`, `1h05m`: how long ago, as a person says it."""
    seconds = max(0, int(delta.total_seconds()))
    if seconds < 60:
        return f"{seconds}s"
    if seconds < 3600:
        return f"{seconds // 60}m"
    return fmt_duration(seconds)


def next_name(page: Page) -> str | None:
    nxt = page.next or {}
    return nxt.get("display") or nxt.get("person") or nxt.get("description")


def page_line(page: Page, now: datetime) -> str:
    """One line for the board and the on-call panel:
    `paged erin 6m ago, no answer -> escalate to bob`."""
    if page.state == PageState.ACKNOWLEDGED:
        assert page.acked_at is not None
        return f"{page.display} acknowledged {ago(now - page.acked_at)} ago"
    if page.state == PageState.RESOLVED:
        return f"page to {page.display} resolved"
    if page.state == PageState.ESCALATED:
        return f"{page.display} did not answer; escalated (page #{page.escalated_to})"
    head = f"paged {page.display} {ago(now - page.paged_at)} ago"
    clock = page_clock(page, now)
    nxt = next_name(page)
    if clock.state is ClockState.OVERDUE:
        if nxt:
            return f"{head}, no answer -> escalate to {nxt}"
        return f"{head}, no answer -> page someone else (last level)"
    assert clock.remaining is not None
    tail = f" (then {nxt})" if nxt else ""
    return f"{head}, {fmt_duration(clock.remaining)} left to answer{tail}"


def paging_summary(pages: list[Page], now: datetime) -> str | None:
    """The page that matters most right now, as one line (None: nobody was paged). An
    unanswered overdue page first, then the unanswered one due soonest, then the latest."""
    if not pages:
        return None
    waiting = [p for p in pages if p.waiting]
    if waiting:
        return page_line(min(waiting, key=lambda p: (p.due, p.number)), now)
    return page_line(pages[-1], now)
