"""messages: one (mailbox_id, event_id) index instead of one on each column. Every message insert wrote
both (a meeting answer inserts two messages); the pair serves the lookups by mailbox and by event in a
mailbox, and the mailbox foreign key's cascade.

Revision ID: 0003
Revises: 0002
Create Date: 2025-06-02
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_messages_mailbox_event", "messages", ["mailbox_id", "event_id"])
    op.drop_index("ix_messages_mailbox_id", "messages")
    op.drop_index("ix_messages_event_id", "messages")


def downgrade() -> None:
    op.create_index("ix_messages_event_id", "messages", ["event_id"])
    op.create_index("ix_messages_mailbox_id", "messages", ["mailbox_id"])
    op.drop_index("ix_messages_mailbox_event", "messages")
