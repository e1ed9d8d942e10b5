"""Identity: app registrations, user passwords, token signing keys, one-time grants (codes, device
codes, refresh tokens). Secrets and passwords are stored as salted hashes; grants by the SHA-256 of
the value handed out.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

ID = sa.String(200)
TS = sa.String(32)


def upgrade() -> None:
    op.create_table(
        "app_registrations",
        sa.Column("client_id", ID, primary_key=True),
        sa.Column("name", sa.String(400), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("secret_hash", sa.Text, nullable=True),
        sa.Column("cert_pem", sa.Text, nullable=True),
        sa.Column("cert_sha1", sa.String(64), nullable=True),
        sa.Column("cert_sha256", sa.String(64), nullable=True),
        sa.Column("data", sa.Text, nullable=False),
        sa.Column("created", TS, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
    )
    op.create_index("ix_app_registrations_cert_sha1", "app_registrations", ["cert_sha1"])
    op.create_index("ix_app_registrations_cert_sha256", "app_registrations", ["cert_sha256"])
    op.create_table(
        "user_passwords",
        sa.Column("user_id", ID, sa.ForeignKey("mailboxes.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("hash", sa.Text, nullable=False),
    )
    op.create_table(
        "signing_keys",
        sa.Column("kid", sa.String(100), primary_key=True),
        sa.Column("private_pem", sa.Text, nullable=False),
        sa.Column("created", TS, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
    )
    op.create_table(
        "grants",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("client_id", ID, nullable=False),
        sa.Column("tenant_id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=True),
        sa.Column("user_code", sa.String(20), nullable=True, unique=True),
        sa.Column("scope", sa.Text, nullable=False),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("expires", sa.BigInteger, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
    )
    op.create_index("ix_grants_expires", "grants", ["expires"])


def downgrade() -> None:
    op.drop_index("ix_grants_expires", "grants")
    op.drop_table("grants")
    op.drop_table("signing_keys")
    op.drop_table("user_passwords")
    op.drop_index("ix_app_registrations_cert_sha256", "app_registrations")
    op.drop_index("ix_app_registrations_cert_sha1", "app_registrations")
    op.drop_table("app_registrations")
