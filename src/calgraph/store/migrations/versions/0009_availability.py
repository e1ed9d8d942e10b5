"""availability: mailbox settings and places (rooms, room lists).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mailbox_settings",
        sa.Column("mailbox_id", sa.String(200), sa.ForeignKey("mailboxes.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("data", sa.Text, nullable=False),
    )
    op.create_table(
        "places",
        sa.Column("id", sa.String(200), primary_key=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("address_lower", sa.String(320), nullable=False, unique=True),
        sa.Column("display_name_lower", sa.String(400), nullable=False),
        sa.Column("mailbox_id", sa.String(200), sa.ForeignKey("mailboxes.id", ondelete="CASCADE"), nullable=True),
        sa.Column("list_id", sa.String(200), nullable=True),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
    )
    op.create_index("ix_places_list_id", "places", ["list_id"])


def downgrade() -> None:
    op.drop_index("ix_places_list_id", "places")
    op.drop_table("places")
    op.drop_table("mailbox_settings")
