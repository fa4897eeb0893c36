"""Publishing an update: the update event and its outbox message in one transaction.

Used by `irtui publish` and the TUI's publish screen, so both record the same thing and both
preview exactly the payload that will be sent.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from irtui.domain.model import Audience, DomainError, Event, Incident, IncidentKind
from irtui.store.db import Database
from irtui.store.outbox_repo import DRILL, OutboxRepo
from irtui.sync.config import SyncConfig
from irtui.sync.messages import Preview, build_message, preview
from irtui.sync.provider import STATUSPAGE


@dataclass(frozen=True, slots=True)
class Published:
    event: Event
    message_id: int
    payload: dict[str, Any]
    drill: bool = False
    """A drill's update: recorded in the drill sink (`OutboxRepo.drill_sink`), never sent."""


def plan(
    store: Any,
    ref: str | int,
    text: str,
    cfg: SyncConfig,
    *,
    status: str | None = None,
    notify: bool | None = None,
    impact: str | None = None,
) -> tuple[Incident, dict[str, Any], Preview]:
    """What publishing would send, without writing anything (for the confirm step)."""
    incident = store.get(ref)
    try:
        payload = build_message(incident, text, cfg, status=status, notify=notify, impact=impact)
    except ValueError as exc:
        raise DomainError(str(exc)) from None
    repo = OutboxRepo(store.db)
    creates = repo.link(incident.id, STATUSPAGE) is None and not repo.messages(
        incident_id=incident.id, states=("pending", "sending", "retrying", "failed", "sent")
    )
    return incident, payload, preview(incident, payload, cfg, creates=creates)


def publish(
    store: Any,
    ref: str | int,
    text: str,
    cfg: SyncConfig,
    *,
    status: str | None = None,
    notify: bool | None = None,
    impact: str | None = None,
    next_update: Any = None,
    also: Sequence[tuple[str, str]] = (),
) -> Published:
    """Record a status-page update and queue it for delivery, atomically. `next_update` is
    the next update promised to customers (an instant, "with the next status change", or
    None for the cadence): it sets their clock (`lifecycle.cmd_update`). A drill's goes to
    the drill sink instead (the outbox's rule), so a drill can rehearse publishing even where
    no status page is configured. `also` — `(audience, text)` pairs for internal/exec — are
    recorded in the same transaction (the composer's one pass to every audience: nothing is
    half sent), each clock set by the same promise."""
    drill = store.get(ref).kind is IncidentKind.DRILL
    if not cfg.configured and not drill:
        raise DomainError(
            "the status page is not configured: set page_id in "
            f"{cfg.source if cfg.source != '<defaults>' else 'statuspage.yaml'} "
            "or IRTUI_STATUSPAGE_PAGE_ID"
        )
    box: dict[str, Any] = {}

    def extra(db: Database, incident: Incident, events: list[Event]) -> None:
        try:
            payload = build_message(
                incident, text, cfg, status=status, notify=notify, impact=impact
            )
        except ValueError as exc:
            raise DomainError(str(exc)) from None
        event = events[0]
        assert event.recorded_at is not None
        box["payload"] = payload
        box["id"] = OutboxRepo(db).enqueue(
            incident.id, payload, now=event.recorded_at, event_id=event.id, provider=STATUSPAGE
        )

    if also:
        event = store.record_updates(
            ref,
            [(str(Audience.STATUSPAGE), text), *also],  # the status page first: events[0]
            publish=True,
            next_update=next_update,
            extra=extra,
        )[0]
    else:
        event = store.record_update(
            ref,
            text,
            audience=str(Audience.STATUSPAGE),
            publish=True,
            next_update=next_update,
            extra=extra,
        )
    return Published(event, int(box["id"]), box["payload"], drill=drill)


def on_status_page(store: Any, ref: str | int) -> bool:
    """Whether this incident has been (or is being) published: resolving it should then offer
    to resolve the status-page incident too (`PublishScreen(..., status="resolved")`, or
    `irtui publish ID TEXT --status resolved`)."""
    incident = store.get(ref)
    repo = OutboxRepo(store.db)
    return repo.link(incident.id, STATUSPAGE) is not None or bool(
        repo.messages(
            incident_id=incident.id, states=("pending", "sending", "retrying", "failed", DRILL)
        )
    )


def resolve_offer(store: Any, ref: str | int) -> str | None:
    """The text to propose when resolving an incident that is on the status page, or None."""
    if not on_status_page(store, ref):
        return None
    return (
        "This incident has been resolved and all services are operating normally. "
        "We will publish a post-incident review."
    )
