"""The initial schema: mailboxes, folders, calendars, events, messages, settings.

Revision ID: 0001
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ID = sa.String(200)
TS = sa.String(32)


def upgrade() -> None:
    op.create_table(
        "settings",
        sa.Column("key", sa.String(100), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )
    op.create_table(
        "mailboxes",
        sa.Column("id", ID, primary_key=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("address", sa.String(320), nullable=False),
        sa.Column("address_lower", sa.String(320), nullable=False, unique=True),
        sa.Column("display_name", sa.String(400), nullable=False),
        sa.Column("display_name_lower", sa.String(400), nullable=False),
        sa.Column("description", sa.Text, nullable=False),
        sa.Column("created", TS, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
    )
    op.create_index("ix_mailboxes_seq", "mailboxes", ["seq"])
    op.create_table(
        "group_members",
        sa.Column("group_id", ID, sa.ForeignKey("mailboxes.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("user_id", ID, sa.ForeignKey("mailboxes.id", ondelete="CASCADE"), primary_key=True),
    )
    op.create_table(
        "calendar_groups",
        sa.Column("id", ID, primary_key=True),
        sa.Column("mailbox_id", ID, sa.ForeignKey("mailboxes.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(400), nullable=False),
        sa.Column("class_id", sa.String(64), nullable=False),
        sa.Column("change_key", sa.String(64), nullable=False),
        sa.Column("is_default", sa.Boolean, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
    )
    op.create_index("ix_calendar_groups_mailbox_id", "calendar_groups", ["mailbox_id"])
    op.create_table(
        "calendars",
        sa.Column("id", ID, primary_key=True),
        sa.Column("mailbox_id", ID, sa.ForeignKey("mailboxes.id", ondelete="CASCADE"), nullable=False),
        sa.Column("calendar_group_id", ID, sa.ForeignKey("calendar_groups.id", ondelete="CASCADE"),
                  nullable=True),
        sa.Column("name", sa.String(400), nullable=False),
        sa.Column("change_key", sa.String(64), nullable=False),
        sa.Column("is_default", sa.Boolean, nullable=False),
        sa.Column("color", sa.String(40), nullable=False),
        sa.Column("hex_color", sa.String(16), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
    )
    op.create_index("ix_calendars_mailbox_id", "calendars", ["mailbox_id"])
    op.create_table(
        "calendar_permissions",
        sa.Column("id", ID, primary_key=True),
        sa.Column("calendar_id", ID, sa.ForeignKey("calendars.id", ondelete="CASCADE"), nullable=False),
        sa.Column("address", sa.String(320), nullable=False),
        sa.Column("address_lower", sa.String(320), nullable=False),
        sa.Column("name", sa.String(400), nullable=False),
        sa.Column("role", sa.String(64), nullable=False),
        sa.Column("is_removable", sa.Boolean, nullable=False),
        sa.Column("is_inside_organization", sa.Boolean, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.UniqueConstraint("calendar_id", "address_lower"),
    )
    op.create_index("ix_calendar_permissions_calendar_id", "calendar_permissions", ["calendar_id"])
    op.create_table(
        "mail_folders",
        sa.Column("id", ID, primary_key=True),
        sa.Column("mailbox_id", ID, sa.ForeignKey("mailboxes.id", ondelete="CASCADE"), nullable=False),
        sa.Column("display_name", sa.String(400), nullable=False),
        sa.Column("well_known_name", sa.String(40), nullable=True),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.UniqueConstraint("mailbox_id", "well_known_name"),
    )
    op.create_index("ix_mail_folders_mailbox_id", "mail_folders", ["mailbox_id"])
    op.create_table(
        "events",
        sa.Column("id", ID, primary_key=True),
        sa.Column("mailbox_id", ID, sa.ForeignKey("mailboxes.id", ondelete="CASCADE"), nullable=False),
        sa.Column("calendar_id", ID, sa.ForeignKey("calendars.id", ondelete="CASCADE"), nullable=True),
        sa.Column("mail_folder_id", ID, sa.ForeignKey("mail_folders.id", ondelete="CASCADE"), nullable=True),
        sa.Column("ical_uid", sa.String(200), nullable=False),
        sa.Column("series_master_id", ID, nullable=True),
        sa.Column("transaction_id", sa.String(200), nullable=True),
        sa.Column("type", sa.String(20), nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("subject_lower", sa.Text, nullable=False),
        sa.Column("start_utc", TS, nullable=False),
        sa.Column("end_utc", TS, nullable=False),
        sa.Column("is_all_day", sa.Boolean, nullable=False),
        sa.Column("is_cancelled", sa.Boolean, nullable=False),
        sa.Column("is_organizer", sa.Boolean, nullable=False),
        sa.Column("organizer_address_lower", sa.String(320), nullable=False),
        sa.Column("organizer_name_lower", sa.String(400), nullable=False),
        sa.Column("importance", sa.String(20), nullable=False),
        sa.Column("sensitivity", sa.String(20), nullable=False),
        sa.Column("show_as", sa.String(30), nullable=False),
        sa.Column("created", TS, nullable=False),
        sa.Column("last_modified", TS, nullable=False),
        sa.Column("change_key", sa.String(64), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
        sa.UniqueConstraint("mailbox_id", "transaction_id"),
    )
    op.create_index("ix_events_ical_uid", "events", ["ical_uid"])
    op.create_index("ix_events_series_master_id", "events", ["series_master_id"])
    op.create_index("ix_events_calendar_start", "events", ["calendar_id", "start_utc"])
    op.create_index("ix_events_calendar_seq", "events", ["calendar_id", "seq"])
    op.create_index("ix_events_seq", "events", ["seq"])
    op.create_index("ix_events_mail_folder", "events", ["mail_folder_id"])
    op.create_table(
        "event_categories",
        sa.Column("event_id", ID, sa.ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("category_lower", sa.String(400), primary_key=True),
    )
    op.create_table(
        "messages",
        sa.Column("id", ID, primary_key=True),
        sa.Column("mailbox_id", ID, sa.ForeignKey("mailboxes.id", ondelete="CASCADE"), nullable=False),
        sa.Column("folder_id", ID, sa.ForeignKey("mail_folders.id", ondelete="CASCADE"), nullable=False),
        sa.Column("event_id", ID, nullable=True),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("subject", sa.Text, nullable=False),
        sa.Column("subject_lower", sa.Text, nullable=False),
        sa.Column("from_address_lower", sa.String(320), nullable=False),
        sa.Column("received", TS, nullable=False),
        sa.Column("sent", TS, nullable=False),
        sa.Column("is_read", sa.Boolean, nullable=False),
        sa.Column("is_draft", sa.Boolean, nullable=False),
        sa.Column("importance", sa.String(20), nullable=False),
        sa.Column("created", TS, nullable=False),
        sa.Column("last_modified", TS, nullable=False),
        sa.Column("change_key", sa.String(64), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("data", sa.Text, nullable=False),
    )
    op.create_index("ix_messages_mailbox_id", "messages", ["mailbox_id"])
    op.create_index("ix_messages_event_id", "messages", ["event_id"])
    op.create_index("ix_messages_folder_received", "messages", ["folder_id", "received"])
    op.create_index("ix_messages_seq", "messages", ["seq"])


def downgrade() -> None:
    for table in ("messages", "event_categories", "events", "mail_folders", "calendar_permissions",
                  "calendars", "calendar_groups", "group_members", "mailboxes", "settings"):
        op.drop_table(table)
