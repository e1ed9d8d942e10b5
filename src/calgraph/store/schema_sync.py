"""Tables of the sync surface: the change log (delta), subscriptions and the notification outbox.

`change_counters` holds one row per mailbox: `counter` is the last change number handed out. A writing
transaction takes the next number by UPDATE (so it holds that row's lock until it commits) just before it
commits, mailboxes in id order; so a change number becomes visible only after every smaller one of its
mailbox has committed, and a reader's watermark (the committed counter) never passes an uncommitted
change. `pruned`: changes at or below it were dropped (older tokens get 410)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Boolean, Column, Index, Integer, String, Table, Text

from calgraph.store.schema import ID, TS, metadata

change_counters = Table(
    "change_counters", metadata,
    Column("mailbox_id", ID, primary_key=True),
    Column("counter", BigInteger, nullable=False),
    Column("pruned", BigInteger, nullable=False),
)

changes = Table(
    "changes", metadata,
    Column("mailbox_id", ID, primary_key=True),
    Column("seq", BigInteger, primary_key=True),
    Column("kind", String(10), primary_key=True),         # event | message
    Column("item_id", ID, primary_key=True),
    Column("op", String(10), nullable=False),             # created | updated | deleted
    Column("collection_before", ID, nullable=True),
    Column("collection_after", ID, nullable=True),
    Column("item_type", String(20), nullable=True),
    Column("series_master_id", ID, nullable=True),
    Column("removed", Text, nullable=True),               # JSON list: occurrence ids cancelled
    Column("before", Text, nullable=True),                # a series master's JSON before the change
    Column("at", TS, nullable=False),
    Index("ix_changes_at", "at"),
)

subscriptions = Table(
    "subscriptions", metadata,
    Column("id", String(36), primary_key=True),
    Column("mailbox_id", ID, nullable=False, index=True),
    Column("owner_kind", String(10), nullable=False),     # user | group
    Column("kind", String(10), nullable=False),           # event | message
    Column("collection_id", ID, nullable=True),
    Column("resource", Text, nullable=False),
    Column("change_types", String(40), nullable=False),
    Column("notification_url", Text, nullable=False),
    Column("lifecycle_url", Text, nullable=True),
    Column("client_state", Text, nullable=True),
    Column("expiration", TS, nullable=False),
    Column("app_id", String(64), nullable=False),
    Column("creator_id", String(64), nullable=False),
    Column("tenant_id", String(64), nullable=False),
    Column("tls_version", String(8), nullable=False),
    Column("reauthorize_sent", Boolean, nullable=False),
    Column("token_expires", TS, nullable=True),
    Column("created", TS, nullable=False),
)

outbox = Table(
    "outbox", metadata,
    Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True),
    Column("subscription_id", String(36), nullable=False, index=True),
    Column("url", Text, nullable=False),
    Column("change_type", String(40), nullable=False),    # created/updated/deleted, or a lifecycle event
    Column("lifecycle", Boolean, nullable=False),
    Column("owner_kind", String(10), nullable=False),
    Column("owner_id", ID, nullable=False),
    Column("kind", String(10), nullable=False),
    Column("item_id", ID, nullable=True),
    Column("change_key", String(64), nullable=False),
    Column("client_state", Text, nullable=True),
    Column("expiration", TS, nullable=False),
    Column("tenant_id", String(64), nullable=False),
    Column("created", TS, nullable=False),
    Column("due", TS, nullable=False),
    Column("first_attempt", TS, nullable=True),
    Column("attempts", Integer, nullable=False),
    Column("lease", TS, nullable=True),
    Index("ix_outbox_due", "due"),
)
