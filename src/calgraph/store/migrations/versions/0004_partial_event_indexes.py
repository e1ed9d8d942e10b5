"""events: the indexes on calendar_id and on mail_folder_id hold only the rows that have one (partial
indexes, WHERE ... IS NOT NULL), and the organizer's event of a meeting is one index seek.

Declining a meeting moves the attendee's copy from its calendar to Deleted Items (calendar_id becomes
NULL, mail_folder_id is set). With whole indexes that moved one entry in each of the four calendar_id
indexes into their NULL range, and one in the mail folder index out of its NULL range: ten index
writes, most of them into the same crowded NULL ranges. Every query on these indexes names a calendar
or a folder (`= ?`, `IN (...)`), which implies IS NOT NULL, so both SQLite and PostgreSQL still use
them; a decline now deletes four entries and inserts one, and a new event writes no folder entry.

(ical_uid, is_organizer, seq) replaces (ical_uid): the organizer's event of a meeting, looked up on
every answer, was found by reading every copy's row.

Revision ID: 0004
Revises: 0003
Create Date: 2025-06-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

PARTIAL = (
    ("ix_events_calendar_start", ["calendar_id", "start_utc"], "calendar_id IS NOT NULL"),
    ("ix_events_calendar_seq", ["calendar_id", "seq"], "calendar_id IS NOT NULL"),
    ("ix_events_calendar_type_start", ["calendar_id", "type", "start_utc"], "calendar_id IS NOT NULL"),
    ("ix_events_calendar_duration", ["calendar_id", "duration_s"], "calendar_id IS NOT NULL"),
    ("ix_events_mail_folder", ["mail_folder_id"], "mail_folder_id IS NOT NULL"),
)


def upgrade() -> None:
    for name, columns, where in PARTIAL:
        op.drop_index(name, "events")
        op.create_index(name, "events", columns, sqlite_where=sa.text(where), postgresql_where=sa.text(where))
    op.create_index("ix_events_ical_uid_organizer", "events", ["ical_uid", "is_organizer", "seq"])
    op.drop_index("ix_events_ical_uid", "events")


def downgrade() -> None:
    op.create_index("ix_events_ical_uid", "events", ["ical_uid"])
    op.drop_index("ix_events_ical_uid_organizer", "events")
    for name, columns, _ in reversed(PARTIAL):
        op.drop_index(name, "events")
        op.create_index(name, "events", columns)
