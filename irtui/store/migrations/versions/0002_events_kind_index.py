"""Index events by kind: reports and update-gap compliance read only a few kinds
(`update_sent`, the review facts) out of hundreds of thousands of timeline entries.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_events_kind", "events", ["kind", "incident_id"])


def downgrade() -> None:
    op.drop_index("ix_events_kind", table_name="events")
