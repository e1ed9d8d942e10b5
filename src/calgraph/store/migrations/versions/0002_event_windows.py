"""calendarView windows: events.duration_s (filled from start_utc / end_utc) and the indexes that keep a
view's cost following its window: (calendar_id, duration_s) for the longest event, and
(calendar_id, type, start_utc) for a calendar's series masters.

Revision ID: 0002
Revises: 0001
Create Date: 2025-06-01
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("events", sa.Column("duration_s", sa.BigInteger, nullable=True))
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT id, start_utc, end_utc FROM events")).all()
    updates = [{"id": row.id, "d": _seconds(row.start_utc, row.end_utc)} for row in rows]
    if updates:
        conn.execute(sa.text("UPDATE events SET duration_s = :d WHERE id = :id"), updates)
    op.create_index("ix_events_calendar_type_start", "events", ["calendar_id", "type", "start_utc"])
    op.create_index("ix_events_calendar_duration", "events", ["calendar_id", "duration_s"])


def _seconds(start: str, end: str) -> int:
    span = datetime.fromisoformat(end) - datetime.fromisoformat(start)
    return max(0, -(-span // timedelta(seconds=1)))


def downgrade() -> None:
    op.drop_index("ix_events_calendar_duration", "events")
    op.drop_index("ix_events_calendar_type_start", "events")
    op.drop_column("events", "duration_s")
