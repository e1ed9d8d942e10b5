"""Sync: the change log (delta), subscriptions and the notification outbox.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

ID = sa.String(200)
TS = sa.String(32)


def upgrade() -> None:
    op.create_table(
        "change_counters",
        sa.Column("mailbox_id", ID, primary_key=True),
        sa.Column("counter", sa.BigInteger, nullable=False),
        sa.Column("pruned", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "changes",
        sa.Column("mailbox_id", ID, primary_key=True),
        sa.Column("seq", sa.BigInteger, primary_key=True),
        sa.Column("kind", sa.String(10), primary_key=True),
        sa.Column("item_id", ID, primary_key=True),
        sa.Column("op", sa.String(10), nullable=False),
        sa.Column("collection_before", ID, nullable=True),
        sa.Column("collection_after", ID, nullable=True),
        sa.Column("item_type", sa.String(20), nullable=True),
        sa.Column("series_master_id", ID, nullable=True),
        sa.Column("removed", sa.Text, nullable=True),
        sa.Column("before", sa.Text, nullable=True),
        sa.Column("at", TS, nullable=False),
    )
    op.create_index("ix_changes_at", "changes", ["at"])
    op.create_table(
        "subscriptions",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("mailbox_id", ID, nullable=False),
        sa.Column("owner_kind", sa.String(10), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("collection_id", ID, nullable=True),
        sa.Column("resource", sa.Text, nullable=False),
        sa.Column("change_types", sa.String(40), nullable=False),
        sa.Column("notification_url", sa.Text, nullable=False),
        sa.Column("lifecycle_url", sa.Text, nullable=True),
        sa.Column("client_state", sa.Text, nullable=True),
        sa.Column("expiration", TS, nullable=False),
        sa.Column("app_id", sa.String(64), nullable=False),
        sa.Column("creator_id", sa.String(64), nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("tls_version", sa.String(8), nullable=False),
        sa.Column("reauthorize_sent", sa.Boolean, nullable=False),
        sa.Column("token_expires", TS, nullable=True),
        sa.Column("created", TS, nullable=False),
    )
    op.create_index("ix_subscriptions_mailbox_id", "subscriptions", ["mailbox_id"])
    op.create_table(
        "outbox",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True, autoincrement=True),
        sa.Column("subscription_id", sa.String(36), nullable=False),
        sa.Column("url", sa.Text, nullable=False),
        sa.Column("change_type", sa.String(40), nullable=False),
        sa.Column("lifecycle", sa.Boolean, nullable=False),
        sa.Column("owner_kind", sa.String(10), nullable=False),
        sa.Column("owner_id", ID, nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("item_id", ID, nullable=True),
        sa.Column("change_key", sa.String(64), nullable=False),
        sa.Column("client_state", sa.Text, nullable=True),
        sa.Column("expiration", TS, nullable=False),
        sa.Column("tenant_id", sa.String(64), nullable=False),
        sa.Column("created", TS, nullable=False),
        sa.Column("due", TS, nullable=False),
        sa.Column("first_attempt", TS, nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("lease", TS, nullable=True),
    )
    op.create_index("ix_outbox_subscription_id", "outbox", ["subscription_id"])
    op.create_index("ix_outbox_due", "outbox", ["due"])


def downgrade() -> None:
    for table in ("outbox", "subscriptions", "changes", "change_counters"):
        op.drop_table(table)
