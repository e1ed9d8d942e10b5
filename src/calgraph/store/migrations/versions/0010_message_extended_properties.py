"""Messages' single-value extended properties, indexed for $filter as events' are; filled from the
messages already stored.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-06
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    table = op.create_table(
        "message_extended_properties",
        sa.Column("message_id", sa.String(200), sa.ForeignKey("messages.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("property_key", sa.String(400), primary_key=True),
        sa.Column("value_lower", sa.Text, nullable=False),
    )
    messages = sa.table("messages", sa.column("id", sa.String), sa.column("data", sa.Text))
    conn = op.get_bind()
    query = sa.select(messages.c.id, messages.c.data).where(messages.c.data.like('%"single_value_properties":[{%'))
    for row in conn.execute(query):
        properties = json.loads(row.data).get("single_value_properties") or []
        keys = {p["id"].lower(): p["value"].lower() for p in properties}
        if keys:
            conn.execute(sa.insert(table), [{"message_id": row.id, "property_key": key, "value_lower": value}
                                            for key, value in keys.items()])


def downgrade() -> None:
    op.drop_table("message_extended_properties")
