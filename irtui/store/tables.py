"""SQLModel table classes: the schema's single source of truth.

Times are fixed-width UTC ISO-8601 text (see `domain.timeutil.iso`): portable across SQLite and
PostgreSQL and correctly ordered as text. JSON columns are text, for the same reason.
The runtime code in `repo.py` uses these table and column names through DB-API; the test
`tests/store/test_schema.py` checks that migrations produce exactly these tables.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class Meta(SQLModel, table=True):
    """Identifies an irtui store (`app` = `irtui`) and records who created it."""

    __tablename__ = "irtui_meta"
    key: str = Field(sa_column=Column(Text, primary_key=True))
    value: str = Field(sa_column=Column(Text, nullable=False))


class Counter(SQLModel, table=True):
    """Serialising counters: `change` (event ids, the live-refresh marker) and `incident`."""

    __tablename__ = "counters"
    name: str = Field(sa_column=Column(Text, primary_key=True))
    value: int = Field(sa_column=Column(BigInteger, nullable=False))


class IncidentRow(SQLModel, table=True):
    """The projection of one incident: sortable columns plus the full state as JSON."""

    __tablename__ = "incidents"
    __table_args__ = (
        Index("ix_incidents_open_due", "is_open", "next_due"),
        Index("ix_incidents_declared", "declared_at"),
        Index("ix_incidents_resolved", "resolved_at"),  # migration 0003
        UniqueConstraint("number", name="uq_incidents_number"),
        UniqueConstraint("source_ref", name="uq_incidents_source_ref"),
    )
    id: str = Field(sa_column=Column(Text, primary_key=True))
    number: int = Field(sa_column=Column(Integer, nullable=False))
    title: str = Field(sa_column=Column(Text, nullable=False))
    severity: int = Field(sa_column=Column(Integer, nullable=False))
    status: str = Field(sa_column=Column(Text, nullable=False))
    kind: str = Field(sa_column=Column(Text, nullable=False))
    is_open: int = Field(sa_column=Column(Integer, nullable=False))
    declared_at: str = Field(sa_column=Column(Text, nullable=False))
    resolved_at: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    ack_due: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    next_due: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    source_ref: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    last_event_id: int = Field(sa_column=Column(BigInteger, nullable=False))
    state: str = Field(sa_column=Column(Text, nullable=False))


class EventRow(SQLModel, table=True):
    """One append-only event. `id` comes from the `change` counter: commit order."""

    __tablename__ = "events"
    __table_args__ = (
        Index("ix_events_incident", "incident_id", "id"),
        Index("ix_events_incident_kind", "incident_id", "kind"),
        Index("ix_events_kind", "kind", "incident_id"),  # migration 0002
    )
    id: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    incident_id: str = Field(sa_column=Column(Text, nullable=False))
    at: str = Field(sa_column=Column(Text, nullable=False))
    recorded_at: str = Field(sa_column=Column(Text, nullable=False))
    author: str = Field(sa_column=Column(Text, nullable=False))
    kind: str = Field(sa_column=Column(Text, nullable=False))
    payload: str = Field(sa_column=Column(Text, nullable=False))
    refers_to: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))


class OutboxRow(SQLModel, table=True):
    """A message waiting to be delivered to a status page, written with its update event."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_state_next", "state", "next_attempt_at"),
        Index("ix_outbox_incident", "incident_id", "id"),
    )
    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True))
    incident_id: str = Field(sa_column=Column(Text, nullable=False))
    event_id: int | None = Field(default=None, sa_column=Column(BigInteger, nullable=True))
    provider: str = Field(sa_column=Column(Text, nullable=False))
    op: str = Field(sa_column=Column(Text, nullable=False))
    payload: str = Field(sa_column=Column(Text, nullable=False))
    state: str = Field(sa_column=Column(Text, nullable=False))
    attempts: int = Field(sa_column=Column(Integer, nullable=False))
    next_attempt_at: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    last_error: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    remote_id: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: str = Field(sa_column=Column(Text, nullable=False))


class RemoteLink(SQLModel, table=True):
    """Which remote (status page) incident an irtui incident is published as."""

    __tablename__ = "remote_links"
    incident_id: str = Field(sa_column=Column(Text, primary_key=True))
    provider: str = Field(sa_column=Column(Text, primary_key=True))
    remote_id: str = Field(sa_column=Column(Text, nullable=False))
    created_at: str = Field(sa_column=Column(Text, nullable=False))


class ActionItemRow(SQLModel, table=True):
    """A corrective action from a review, tracked to closure across incidents."""

    __tablename__ = "action_items"
    __table_args__ = (Index("ix_action_items_status", "status", "due"),)
    id: int | None = Field(default=None, sa_column=Column(Integer, primary_key=True))
    incident_id: str = Field(sa_column=Column(Text, nullable=False))
    type: str = Field(sa_column=Column(Text, nullable=False))
    title: str = Field(sa_column=Column(Text, nullable=False))
    owner: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    due: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    priority: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(sa_column=Column(Text, nullable=False))
    reason: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    created_at: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: str = Field(sa_column=Column(Text, nullable=False))
    closed_at: str | None = Field(default=None, sa_column=Column(Text, nullable=True))


class PresenceRow(SQLModel, table=True):
    """Which seat is looking at which incident right now (expires without a heartbeat)."""

    __tablename__ = "presence"
    seat: str = Field(sa_column=Column(Text, primary_key=True))
    name: str = Field(sa_column=Column(Text, nullable=False))
    incident_id: str | None = Field(default=None, sa_column=Column(Text, nullable=True))
    seen_at: str = Field(sa_column=Column(Text, nullable=False))


metadata = SQLModel.metadata
