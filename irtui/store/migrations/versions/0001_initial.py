"""Initial irtui store: events, incident projection, counters, outbox, action items, presence.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    meta = op.create_table(
        "irtui_meta",
        sa.Column("key", sa.Text, primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    counters = op.create_table(
        "counters",
        sa.Column("name", sa.Text, primary_key=True),
        sa.Column("value", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "incidents",
        sa.Column("id", sa.Text, primary_key=True),
        sa.Column("number", sa.Integer, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("severity", sa.Integer, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("is_open", sa.Integer, nullable=False),
        sa.Column("declared_at", sa.Text, nullable=False),
        sa.Column("resolved_at", sa.Text, nullable=True),
        sa.Column("ack_due", sa.Text, nullable=True),
        sa.Column("next_due", sa.Text, nullable=True),
        sa.Column("source_ref", sa.Text, nullable=True),
        sa.Column("last_event_id", sa.BigInteger, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
        sa.UniqueConstraint("number", name="uq_incidents_number"),
        sa.UniqueConstraint("source_ref", name="uq_incidents_source_ref"),
    )
    op.create_index("ix_incidents_open_due", "incidents", ["is_open", "next_due"])
    op.create_index("ix_incidents_declared", "incidents", ["declared_at"])
    op.create_table(
        "events",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("incident_id", sa.Text, nullable=False),
        sa.Column("at", sa.Text, nullable=False),
        sa.Column("recorded_at", sa.Text, nullable=False),
        sa.Column("author", sa.Text, nullable=False),
        sa.Column("kind", sa.Text, nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("refers_to", sa.BigInteger, nullable=True),
    )
    op.create_index("ix_events_incident", "events", ["incident_id", "id"])
    op.create_index("ix_events_incident_kind", "events", ["incident_id", "kind"])
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("incident_id", sa.Text, nullable=False),
        sa.Column("event_id", sa.BigInteger, nullable=True),
        sa.Column("provider", sa.Text, nullable=False),
        sa.Column("op", sa.Text, nullable=False),
        sa.Column("payload", sa.Text, nullable=False),
        sa.Column("state", sa.Text, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", sa.Text, nullable=True),
        sa.Column("last_error", sa.Text, nullable=True),
        sa.Column("remote_id", sa.Text, nullable=True),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("updated_at", sa.Text, nullable=False),
    )
    op.create_index("ix_outbox_state_next", "outbox", ["state", "next_attempt_at"])
    op.create_index("ix_outbox_incident", "outbox", ["incident_id", "id"])
    op.create_table(
        "remote_links",
        sa.Column("incident_id", sa.Text, primary_key=True),
        sa.Column("provider", sa.Text, primary_key=True),
        sa.Column("remote_id", sa.Text, nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
    )
    op.create_table(
        "action_items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("incident_id", sa.Text, nullable=False),
        sa.Column("type", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("owner", sa.Text, nullable=True),
        sa.Column("due", sa.Text, nullable=True),
        sa.Column("priority", sa.Text, nullable=False),
        sa.Column("status", sa.Text, nullable=False),
        sa.Column("reason", sa.Text, nullable=True),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("updated_at", sa.Text, nullable=False),
        sa.Column("closed_at", sa.Text, nullable=True),
    )
    op.create_index("ix_action_items_status", "action_items", ["status", "due"])
    op.create_table(
        "presence",
        sa.Column("seat", sa.Text, primary_key=True),
        sa.Column("name", sa.Text, nullable=False),
        sa.Column("incident_id", sa.Text, nullable=True),
        sa.Column("seen_at", sa.Text, nullable=False),
    )
    op.bulk_insert(meta, [{"key": "app", "value": "irtui"}, {"key": "format", "value": "1"}])
    op.bulk_insert(counters, [{"name": "change", "value": 0}, {"name": "incident", "value": 0}])


def downgrade() -> None:
    for table in (
        "presence",
        "action_items",
        "remote_links",
        "outbox",
        "events",
        "incidents",
        "counters",
        "irtui_meta",
    ):
        op.drop_table(table)
