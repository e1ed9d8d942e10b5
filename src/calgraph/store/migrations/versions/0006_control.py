"""Control plane: tenant snapshots, fault rules and the throttling counters (issue 14).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "snapshots",
        sa.Column("name", sa.String(200), primary_key=True),
        sa.Column("created", sa.String(32), nullable=False),
        sa.Column("data", sa.Text, nullable=False),
    )
    op.create_table(
        "fault_rules",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("rule", sa.Text, nullable=False),
        sa.Column("remaining", sa.Integer, nullable=True),
    )
    op.create_table(
        "throttle_counters",
        sa.Column("key", sa.String(700), primary_key=True),
        sa.Column("window_start", sa.BigInteger, nullable=False),
        sa.Column("window_count", sa.Integer, nullable=False),
        sa.Column("in_flight", sa.Integer, nullable=False),
        sa.Column("touched", sa.BigInteger, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("throttle_counters")
    op.drop_table("fault_rules")
    op.drop_table("snapshots")
