"""Index incidents by resolution time: the board's "recently resolved" toggle reads the few
incidents resolved in the last days out of every incident ever recorded (a scan of 10,000
projections took 20-190 ms here; the index makes it a range read).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_incidents_resolved", "incidents", ["resolved_at"])


def downgrade() -> None:
    op.drop_index("ix_incidents_resolved", table_name="incidents")
