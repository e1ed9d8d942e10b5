"""What a calendarView reads, made cheaper to read:

- The exceptions of a calendar's series masters have an index of their own (series_master_id, only the
  rows of type exception). Without it PostgreSQL, seeing few exceptions, walked every entry of
  ix_events_calendar_type_start looking for them, whatever the calendar.
- PostgreSQL: items' JSON is compressed with lz4 rather than pglz, where the server has it (PostgreSQL
  14 and later, built with lz4, as Debian's and the official images are). A calendarView reads every
  series master of the calendar, most of them over the 2 KB past which PostgreSQL compresses a row;
  lz4 reads them back several times faster for about the same size. Rows already stored keep pglz
  until they are next written.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

COLUMNS = (("events", "data"), ("messages", "data"))


def _has_lz4(conn: sa.Connection) -> bool:
    return bool(conn.execute(sa.text(
        "SELECT 1 FROM pg_settings WHERE name = 'default_toast_compression' AND 'lz4' = ANY(enumvals)")).first())


def _set(compression: str) -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql" or not _has_lz4(conn):
        return
    for table, column in COLUMNS:
        op.execute(f"ALTER TABLE {table} ALTER COLUMN {column} SET COMPRESSION {compression}")


def upgrade() -> None:
    op.create_index("ix_events_exceptions", "events", ["series_master_id"],
                    sqlite_where=sa.text("type = 'exception'"), postgresql_where=sa.text("type = 'exception'"))
    _set("lz4")


def downgrade() -> None:
    _set("pglz")
    op.drop_index("ix_events_exceptions", "events")
