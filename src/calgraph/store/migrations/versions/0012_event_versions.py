"""Events get a version: a random number set anew by every write of the row (codec.new_version), so a
reader that has decoded a row's JSON before may compare versions instead of reading it again. A
calendarView reads every series master of its calendar, about 2 KB of JSON each.

The rows already stored get a random version each here.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("events", sa.Column("version", sa.BigInteger(), nullable=True))
    random = "random()" if op.get_bind().dialect.name == "sqlite" else "floor(random() * 9.2e18)::bigint"
    op.execute(f"UPDATE events SET version = {random}")


def downgrade() -> None:
    op.drop_column("events", "version")
