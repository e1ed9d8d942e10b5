"""SQLAlchemy table definitions, shared by SQLite and PostgreSQL.

Items (events, messages) keep their whole domain object as JSON in `data`; the columns beside it
are the ones that lists filter, sort and look up by. Instants are stored as fixed-width UTC strings
("YYYY-MM-DDTHH:MM:SS.ffffff") so that comparisons sort the same way on both databases.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)

metadata = MetaData()


def _where(condition: str) -> dict[str, Any]:
    """A partial index's condition, on both databases."""
    return {"sqlite_where": text(condition), "postgresql_where": text(condition)}


ID = String(200)
TS = String(32)

settings = Table(
    "settings", metadata,
    Column("key", String(100), primary_key=True),
    Column("value", Text, nullable=False),
)

mailboxes = Table(
    "mailboxes", metadata,
    Column("id", ID, primary_key=True),
    Column("kind", String(10), nullable=False),          # user | group
    Column("address", String(320), nullable=False),
    Column("address_lower", String(320), nullable=False, unique=True),
    Column("display_name", String(400), nullable=False),
    Column("display_name_lower", String(400), nullable=False),
    Column("description", Text, nullable=False, default=""),
    Column("created", TS, nullable=False),
    Column("seq", Integer, nullable=False),              # creation order
    Index("ix_mailboxes_seq", "seq"),
)

group_members = Table(
    "group_members", metadata,
    Column("group_id", ID, ForeignKey("mailboxes.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ID, ForeignKey("mailboxes.id", ondelete="CASCADE"), primary_key=True),
)

calendar_groups = Table(
    "calendar_groups", metadata,
    Column("id", ID, primary_key=True),
    Column("mailbox_id", ID, ForeignKey("mailboxes.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("name", String(400), nullable=False),
    Column("class_id", String(64), nullable=False),
    Column("change_key", String(64), nullable=False),
    Column("is_default", Boolean, nullable=False, default=False),
    Column("seq", Integer, nullable=False),
)

calendars = Table(
    "calendars", metadata,
    Column("id", ID, primary_key=True),
    Column("mailbox_id", ID, ForeignKey("mailboxes.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("calendar_group_id", ID, ForeignKey("calendar_groups.id", ondelete="CASCADE"), nullable=True),
    Column("name", String(400), nullable=False),
    Column("change_key", String(64), nullable=False),
    Column("is_default", Boolean, nullable=False, default=False),
    Column("color", String(40), nullable=False, default="auto"),
    Column("hex_color", String(16), nullable=False, default=""),
    Column("seq", Integer, nullable=False),
)

calendar_permissions = Table(
    "calendar_permissions", metadata,
    Column("id", ID, primary_key=True),
    Column("calendar_id", ID, ForeignKey("calendars.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("address", String(320), nullable=False),
    Column("address_lower", String(320), nullable=False),
    Column("name", String(400), nullable=False, default=""),
    Column("role", String(64), nullable=False),
    Column("is_removable", Boolean, nullable=False, default=True),
    Column("is_inside_organization", Boolean, nullable=False, default=True),
    Column("seq", Integer, nullable=False),              # creation order (added by the store)
    UniqueConstraint("calendar_id", "address_lower"),
)

mail_folders = Table(
    "mail_folders", metadata,
    Column("id", ID, primary_key=True),
    Column("mailbox_id", ID, ForeignKey("mailboxes.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("display_name", String(400), nullable=False),
    Column("well_known_name", String(40), nullable=True),
    Column("seq", Integer, nullable=False),
    UniqueConstraint("mailbox_id", "well_known_name"),
)

events = Table(
    "events", metadata,
    Column("id", ID, primary_key=True),
    Column("mailbox_id", ID, ForeignKey("mailboxes.id", ondelete="CASCADE"), nullable=False),
    Column("calendar_id", ID, ForeignKey("calendars.id", ondelete="CASCADE"), nullable=True),
    Column("mail_folder_id", ID, ForeignKey("mail_folders.id", ondelete="CASCADE"), nullable=True),
    Column("ical_uid", String(200), nullable=False),
    Column("series_master_id", ID, nullable=True, index=True),
    Column("transaction_id", String(200), nullable=True),
    Column("type", String(20), nullable=False),
    Column("subject", Text, nullable=False),
    Column("subject_lower", Text, nullable=False),
    Column("start_utc", TS, nullable=False),
    Column("end_utc", TS, nullable=False),
    Column("duration_s", BigInteger, nullable=True),     # ceil((end_utc - start_utc) in seconds); see codec
    Column("is_all_day", Boolean, nullable=False),
    Column("is_cancelled", Boolean, nullable=False),
    Column("is_organizer", Boolean, nullable=False),
    Column("organizer_address_lower", String(320), nullable=False),
    Column("organizer_name_lower", String(400), nullable=False),
    Column("importance", String(20), nullable=False),
    Column("sensitivity", String(20), nullable=False),
    Column("show_as", String(30), nullable=False),
    Column("created", TS, nullable=False),
    Column("last_modified", TS, nullable=False),
    Column("change_key", String(64), nullable=False),
    Column("seq", Integer, nullable=False),              # creation order
    Column("data", Text, nullable=False),                # the whole Event as JSON
    # Random, new with every write of the row (codec.new_version): (id, version) names one `data` for good,
    # so a reader may use an Event it decoded before. NULL (a row restored from an older snapshot): never.
    Column("version", BigInteger, nullable=True),
    # Partial: only rows in a calendar (in a mail folder). Every query on them names a calendar (a folder),
    # which implies IS NOT NULL; a decline, which moves the copy to Deleted Items, writes half as much.
    Index("ix_events_calendar_start", "calendar_id", "start_utc", **_where("calendar_id IS NOT NULL")),
    Index("ix_events_calendar_seq", "calendar_id", "seq", **_where("calendar_id IS NOT NULL")),
    Index("ix_events_calendar_type_start", "calendar_id", "type", "start_utc",    # series masters by calendar
          **_where("calendar_id IS NOT NULL")),
    Index("ix_events_calendar_duration", "calendar_id", "duration_s",             # MAX(duration_s): window floor
          **_where("calendar_id IS NOT NULL")),
    Index("ix_events_seq", "seq"),                        # MAX(seq) on insert
    Index("ix_events_mail_folder", "mail_folder_id", **_where("mail_folder_id IS NOT NULL")),
    Index("ix_events_ical_uid_organizer", "ical_uid", "is_organizer", "seq"),  # a meeting's copies, its organizer's
    Index("ix_events_exceptions", "series_master_id", **_where("type = 'exception'")),  # a calendarView's exceptions
    UniqueConstraint("mailbox_id", "transaction_id"),
)

event_categories = Table(
    "event_categories", metadata,
    Column("event_id", ID, ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("category_lower", String(400), primary_key=True),
)

messages = Table(
    "messages", metadata,
    Column("id", ID, primary_key=True),
    Column("mailbox_id", ID, ForeignKey("mailboxes.id", ondelete="CASCADE"), nullable=False),
    Column("folder_id", ID, ForeignKey("mail_folders.id", ondelete="CASCADE"), nullable=False),
    Column("event_id", ID, nullable=True),
    Column("kind", String(40), nullable=False),
    Column("subject", Text, nullable=False),
    Column("subject_lower", Text, nullable=False),
    Column("from_address_lower", String(320), nullable=False),
    Column("received", TS, nullable=False),
    Column("sent", TS, nullable=False),
    Column("is_read", Boolean, nullable=False),
    Column("is_draft", Boolean, nullable=False),
    Column("importance", String(20), nullable=False),
    Column("created", TS, nullable=False),
    Column("last_modified", TS, nullable=False),
    Column("change_key", String(64), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("data", Text, nullable=False),
    Index("ix_messages_mailbox_event", "mailbox_id", "event_id"),
    Index("ix_messages_folder_received", "folder_id", "received"),
    Index("ix_messages_seq", "seq"),
)


# -- what apps hang on items: extended properties, master categories, attachments ------------------

event_extended_properties = Table(
    "event_extended_properties", metadata,
    Column("event_id", ID, ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("property_key", String(400), primary_key=True),   # the canonical id, lower-cased
    Column("value_lower", Text, nullable=False),
)

message_extended_properties = Table(
    "message_extended_properties", metadata,
    Column("message_id", ID, ForeignKey("messages.id", ondelete="CASCADE"), primary_key=True),
    Column("property_key", String(400), primary_key=True),   # the canonical id, lower-cased
    Column("value_lower", Text, nullable=False),
)

outlook_categories = Table(
    "outlook_categories", metadata,
    Column("id", ID, primary_key=True),
    Column("mailbox_id", ID, ForeignKey("mailboxes.id", ondelete="CASCADE"), nullable=False),
    Column("display_name", String(400), nullable=False),
    Column("display_name_lower", String(400), nullable=False),
    Column("color", String(20), nullable=False),
    Column("seq", Integer, nullable=False),
    UniqueConstraint("mailbox_id", "display_name_lower"),
)

attachments = Table(
    "attachments", metadata,
    Column("id", ID, primary_key=True),
    Column("mailbox_id", ID, ForeignKey("mailboxes.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("event_id", ID, ForeignKey("events.id", ondelete="CASCADE"), nullable=True, index=True),
    Column("message_id", ID, ForeignKey("messages.id", ondelete="CASCADE"), nullable=True, index=True),
    Column("kind", String(20), nullable=False),            # file | item | reference
    Column("size", BigInteger, nullable=False),
    Column("complete", Boolean, nullable=False),           # False while an upload session fills it
    Column("seq", Integer, nullable=False),
    Column("data", Text, nullable=False),                  # the Attachment (without its bytes) as JSON
)

attachment_chunks = Table(
    "attachment_chunks", metadata,
    Column("attachment_id", ID, ForeignKey("attachments.id", ondelete="CASCADE"), primary_key=True),
    Column("n", Integer, primary_key=True),
    Column("content", LargeBinary, nullable=False),
)

upload_sessions = Table(
    "upload_sessions", metadata,
    Column("id", ID, primary_key=True),
    Column("attachment_id", ID, ForeignKey("attachments.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("mailbox_id", ID, ForeignKey("mailboxes.id", ondelete="CASCADE"), nullable=False),
    Column("token_hash", String(64), nullable=False),
    Column("received", BigInteger, nullable=False),
    Column("expires", TS, nullable=False),
)


# -- availability: mailbox settings, places (rooms and room lists) ---------------------------------

mailbox_settings = Table(
    "mailbox_settings", metadata,
    Column("mailbox_id", ID, ForeignKey("mailboxes.id", ondelete="CASCADE"), primary_key=True),
    Column("data", Text, nullable=False),                # the whole MailboxSettings as JSON
)

places = Table(
    "places", metadata,
    Column("id", ID, primary_key=True),
    Column("kind", String(10), nullable=False),          # room | roomList
    Column("address_lower", String(320), nullable=False, unique=True),
    Column("display_name_lower", String(400), nullable=False),
    Column("mailbox_id", ID, ForeignKey("mailboxes.id", ondelete="CASCADE"), nullable=True),
    Column("list_id", ID, nullable=True, index=True),
    Column("seq", Integer, nullable=False),
    Column("data", Text, nullable=False),                # the whole Place as JSON
)


# -- control plane (issue 14): test-harness state, never part of a tenant's reset or snapshot -----------

snapshots = Table(
    "snapshots", metadata,
    Column("name", String(200), primary_key=True),
    Column("created", TS, nullable=False),
    Column("data", Text, nullable=False),                # JSON: the key of its table copies, their tables
)

fault_rules = Table(
    "fault_rules", metadata,
    Column("id", String(64), primary_key=True),
    Column("seq", Integer, nullable=False),
    Column("rule", Text, nullable=False),                # the rule as JSON (calgraph.core.faults.FaultRule)
    Column("remaining", Integer, nullable=True),         # matches left; NULL: unlimited
)

throttle_counters = Table(
    "throttle_counters", metadata,
    Column("key", String(700), primary_key=True),        # app id + mailbox id
    Column("window_start", BigInteger, nullable=False),  # epoch seconds
    Column("window_count", Integer, nullable=False),
    Column("in_flight", Integer, nullable=False),
    Column("touched", BigInteger, nullable=False),       # epoch seconds of the last admission
)

# -- identity: app registrations, passwords, signing keys, one-time grants (revision 0005) ---------

app_registrations = Table(
    "app_registrations", metadata,
    Column("client_id", ID, primary_key=True),
    Column("name", String(400), nullable=False),
    Column("kind", String(20), nullable=False),            # confidential | public
    Column("secret_hash", Text, nullable=True),
    Column("cert_pem", Text, nullable=True),
    Column("cert_sha1", String(64), nullable=True, index=True),
    Column("cert_sha256", String(64), nullable=True, index=True),
    Column("data", Text, nullable=False),                  # JSON: roles, scopes, redirect URIs, sp id
    Column("created", TS, nullable=False),
    Column("seq", Integer, nullable=False),
)

user_passwords = Table(
    "user_passwords", metadata,
    Column("user_id", ID, ForeignKey("mailboxes.id", ondelete="CASCADE"), primary_key=True),
    Column("hash", Text, nullable=False),
)

signing_keys = Table(
    "signing_keys", metadata,
    Column("kid", String(100), primary_key=True),
    Column("private_pem", Text, nullable=False),
    Column("created", TS, nullable=False),
    Column("seq", Integer, nullable=False),
)

grants = Table(
    "grants", metadata,
    Column("id", String(64), primary_key=True),            # SHA-256 of the code / token handed out
    Column("kind", String(10), nullable=False),            # code | device | refresh
    Column("client_id", ID, nullable=False),
    Column("tenant_id", ID, nullable=False),
    Column("user_id", ID, nullable=True),
    Column("user_code", String(20), nullable=True, unique=True),
    Column("scope", Text, nullable=False),
    Column("state", String(10), nullable=False),
    Column("expires", BigInteger, nullable=False),         # epoch seconds
    Column("data", Text, nullable=False),
    Index("ix_grants_expires", "expires"),
)
