"""What apps hang on items: extended properties (indexed for $filter), master categories, attachments
(their bytes in chunks) and attachment upload sessions.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

ID = sa.String(200)
TS = sa.String(32)


def upgrade() -> None:
    op.create_table(
        "event_extended_properties",
        sa.Column("event_id", ID, sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("property_key", sa.String(400), primary_key=True),
        sa.Column("value_lower", sa.Text, nullable=False),
    )
    op.create_table(
        "outlook_categories",
        sa.Column("id", ID, primary_key=True),
        sa.Column("mailbox_id", ID, sa.ForeignKey("mailboxes.id", ondelete="CASCADE"), nullable=False),
        sa.Column("display_name", sa.String(400), nullable=False),
        sa.Column("display_name_lower", sa.String(400), nullable=False),
        sa.Column("color", sa.String(20), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.UniqueConstraint("mailbox_id", "display_name_lower"),
    )
    op.create_table(
        "attachments",
        sa.Column("id", ID, primary_key=True),
        sa.Column("mailbox_id", ID, sa.ForeignKey("mailboxes.id", ondelete="CASCADE"), nullable=False, index=True),
        sa.Column("event_id", ID, sa.ForeignKey("events.id", ondelete="CASCADE"), nullable=True, index=True),
        sa.Column("message_id", ID, sa.ForeignKey("messages.id", ondelete="CASCADE"), nullable=True, index=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("size", sa.BigInteger, nullable=False),
        sa.Column("complete", sa.Boolean, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
    )
    op.create_table(
        "attachment_chunks",
        sa.Column("attachment_id", ID, sa.ForeignKey("attachments.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("n", sa.Integer, primary_key=True),
        sa.Column("content", sa.LargeBinary, nullable=False),
    )
    op.create_table(
        "upload_sessions",
        sa.Column("id", ID, primary_key=True),
        sa.Column("attachment_id", ID, sa.ForeignKey("attachments.id", ondelete="CASCADE"), nullable=False,
                  index=True),
        sa.Column("mailbox_id", ID, sa.ForeignKey("mailboxes.id", ondelete="CASCADE"), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("received", sa.BigInteger, nullable=False),
        sa.Column("expires", TS, nullable=False),
    )


def downgrade() -> None:
    for table in ("upload_sessions", "attachment_chunks", "attachments", "outlook_categories",
                  "event_extended_properties"):
        op.drop_table(table)
