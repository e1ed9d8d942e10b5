"""The storage contract. One implementation (calgraph.store.sql) serves SQLite and PostgreSQL;
tests/store runs the same contract suite against both.

Use:
    with store.unit_of_work(write=True) as uow:
        ev = uow.get_event(mailbox_id, event_id, for_update=True)
        uow.update_event(ev.evolve(subject="x"), expected_change_key=ev.change_key)
    # commits on normal exit, rolls back on any exception: a request's writes land together or not at all.

Lookups return None when nothing matches; raising Graph errors is the service layer's business,
with one exception: `update_*` with an `expected_change_key` that no longer matches raises
`calgraph.core.errors.IrresolvableConflict` (optimistic concurrency, no lost update).
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from datetime import datetime
from typing import Callable, Iterable, NamedTuple, Protocol

from calgraph.core.model import (
    Calendar,
    CalendarGroup,
    CalendarPermission,
    Event,
    MailFolder,
    Mailbox,
    Message,
    OutlookCategory,
    Attachment,
)
from calgraph.core.identity.grants import Grant
from calgraph.core.identity.model import AppRegistration, SigningKey
from calgraph.core.attachments import UploadSession
from calgraph.core.availability.places import Place
from calgraph.core.availability.settings import MailboxSettings
from calgraph.core.faults import ThrottleCounter
from calgraph.core.query import ItemQuery, Page
from calgraph.core.sync.changes import ItemChange
from calgraph.core.sync.subscriptions import Pending, Subscription

# Filterable / sortable property paths per collection (anything else is a 400 in the HTTP layer).
EVENT_PROPERTIES = {
    "subject": str, "start/dateTime": str, "end/dateTime": str, "isAllDay": bool,
    "isCancelled": bool, "type": str, "iCalUId": str, "organizer/emailAddress/address": str,
    "organizer/emailAddress/name": str, "importance": str, "sensitivity": str, "showAs": str,
    "isOrganizer": bool, "createdDateTime": str, "lastModifiedDateTime": str, "categories": list,
    "id": str, "singleValueExtendedProperties": dict,
}
MESSAGE_PROPERTIES = {
    "subject": str, "receivedDateTime": str, "sentDateTime": str, "isRead": bool, "isDraft": bool,
    "importance": str, "from/emailAddress/address": str, "createdDateTime": str,
    "lastModifiedDateTime": str, "id": str, "singleValueExtendedProperties": dict,
}
MAILBOX_PROPERTIES = {
    "displayName": str, "mail": str, "userPrincipalName": str, "id": str,
}


class FaultRow(NamedTuple):
    id: str
    rule: str               # JSON
    remaining: int | None   # matches left; None: unlimited


class UnitOfWork(Protocol):
    # -- settings (signing key, ...) -----------------------------------------------------------
    def get_setting(self, key: str) -> str | None: ...
    def put_setting_if_absent(self, key: str, value: str) -> str:
        """Store `value` unless the key exists; return the value now stored (race-safe)."""

    # -- mailboxes: users and groups -----------------------------------------------------------
    def add_mailbox(self, mailbox: Mailbox) -> None: ...
    def get_mailbox(self, key: str) -> Mailbox | None:
        """By id, or by address (case-insensitive)."""
    def list_mailboxes(self, kind: str, query: ItemQuery) -> Page[Mailbox]:
        """Kind "user" lists room mailboxes too (Graph lists them among the users)."""
    def add_group_member(self, group_id: str, user_id: str) -> None: ...
    def list_group_members(self, group_id: str) -> list[Mailbox]: ...
    def is_group_member(self, group_id: str, user_id: str) -> bool: ...

    # -- calendar groups -------------------------------------------------------------------------
    def add_calendar_group(self, group: CalendarGroup) -> None: ...
    def get_calendar_group(self, mailbox_id: str, group_id: str) -> CalendarGroup | None: ...
    def default_calendar_group(self, mailbox_id: str) -> CalendarGroup | None: ...
    def list_calendar_groups(self, mailbox_id: str) -> list[CalendarGroup]: ...
    def update_calendar_group(self, group: CalendarGroup) -> None: ...
    def delete_calendar_group(self, mailbox_id: str, group_id: str) -> None: ...

    # -- calendars ---------------------------------------------------------------------------------
    def add_calendar(self, calendar: Calendar) -> None: ...
    def get_calendar(self, mailbox_id: str, calendar_id: str) -> Calendar | None: ...
    def default_calendar(self, mailbox_id: str) -> Calendar | None: ...
    def default_calendar_id(self, mailbox_id: str) -> str | None:
        """default_calendar's id, remembered by the store once read (it never changes but by a reset or
        restore, which make the store forget it: Store.forget_cached)."""
    def list_calendars(self, mailbox_id: str, calendar_group_id: str | None = None) -> list[Calendar]:
        """In creation order; only that calendar group's when `calendar_group_id` is given."""
    def update_calendar(self, calendar: Calendar) -> None: ...
    def delete_calendar(self, mailbox_id: str, calendar_id: str) -> None:
        """Deletes the calendar with its events and permissions."""

    # -- calendar permissions (sharing) -----------------------------------------------------------
    def add_calendar_permission(self, permission: CalendarPermission) -> None: ...
    def list_calendar_permissions(self, calendar_id: str) -> list[CalendarPermission]: ...
    def get_calendar_permission(self, calendar_id: str, permission_id: str) -> CalendarPermission | None: ...
    def update_calendar_permission(self, permission: CalendarPermission) -> None: ...
    def delete_calendar_permission(self, calendar_id: str, permission_id: str) -> None: ...

    # -- mail folders -----------------------------------------------------------------------------
    def add_mail_folder(self, folder: MailFolder) -> None: ...
    def get_mail_folder(self, mailbox_id: str, key: str) -> MailFolder | None:
        """By id or by well-known name (case-insensitive)."""
    def list_mail_folders(self, mailbox_id: str) -> list[MailFolder]: ...

    # -- events -----------------------------------------------------------------------------------
    def add_event(self, event: Event) -> None: ...
    def get_event(self, mailbox_id: str, event_id: str, for_update: bool = False) -> Event | None:
        """`for_update` takes a row lock (PostgreSQL) so the read-modify-write cannot lose an update."""
    def find_event_by_transaction_id(self, mailbox_id: str, transaction_id: str) -> Event | None: ...
    def find_events_by_ical_uid(self, ical_uid: str) -> list[Event]:
        """Every copy of a meeting, across mailboxes."""
    def find_organizer_event(self, ical_uid: str) -> Event | None:
        """The organizer's copy of a meeting (`isOrganizer`), wherever it sits."""
    def lock_meeting(self, ical_uid: str) -> bool:
        """Serialise the write units that change one meeting (every copy of it) until this one ends;
        take only one per unit of work. True when rows read earlier in this unit may have changed
        meanwhile (read them again); False when the write unit was exclusive from its start."""
    def query_events(self, calendar_ids: Iterable[str], query: ItemQuery) -> Page[Event]:
        """Single instances and series masters in those calendars (never exceptions, nor events moved
        to a mail folder); without $orderby in creation order."""
    def query_event_window(self, calendar_ids: Iterable[str], start: datetime, end: datetime) -> list[Event]:
        """Single instances and exceptions in those calendars overlapping [start, end) (aware instants):
        `start_utc < end and end_utc > start`, all-day events as their dates taken as UTC; by start.
        Its cost follows the window, not the calendar's size."""
    def list_series_masters(self, calendar_ids: Iterable[str], starting_before: datetime) -> list[Event]:
        """The series masters of those calendars whose start is before `starting_before` (no series has
        an occurrence before its master's start), by start."""
    def list_series_exceptions(self, master_ids: Iterable[str]) -> list[Event]:
        """The exceptions (stored, modified occurrences) of those series masters, by start."""
    def list_series(self, calendar_ids: Iterable[str], starting_before: datetime) -> tuple[list[Event], list[Event]]:
        """list_series_masters(calendar_ids, starting_before) and list_series_exceptions of those masters,
        in one read whatever their number (what a calendarView expands); rows this process has already
        decoded at their current version are not read again."""
    def query_folder_events(self, mail_folder_id: str) -> list[Event]: ...
    def update_event(self, event: Event, expected_change_key: str | None = None) -> None: ...
    def delete_event(self, mailbox_id: str, event_id: str) -> None: ...

    # -- messages ---------------------------------------------------------------------------------
    def add_message(self, message: Message) -> None: ...
    def get_message(self, mailbox_id: str, message_id: str, for_update: bool = False) -> Message | None: ...
    def query_messages(self, mailbox_id: str, folder_id: str | None, query: ItemQuery) -> Page[Message]:
        """Messages of one folder, or of the whole mailbox when `folder_id` is None; without
        $orderby newest received first."""
    def find_messages_by_event(self, mailbox_id: str, event_id: str) -> list[Message]:
        """The meeting messages of one mailbox that link to that event, oldest first."""
    def update_message(self, message: Message, expected_change_key: str | None = None) -> None: ...
    def delete_message(self, mailbox_id: str, message_id: str) -> None: ...

    # -- availability: mailbox settings, places, resource booking ------------------------------------
    def get_mailbox_settings(self, mailbox_id: str) -> MailboxSettings | None:
        """None until the mailbox's settings were first changed (the defaults apply)."""
    def put_mailbox_settings(self, mailbox_id: str, settings: MailboxSettings) -> None: ...
    def add_place(self, place: Place) -> None: ...
    def get_place(self, key: str) -> Place | None:
        """By id, or by address (case-insensitive)."""
    def list_places(self, kind: str, list_id: str | None = None) -> list[Place]:
        """Rooms or room lists in creation order; with `list_id` only the rooms of that list."""
    def update_place(self, place: Place) -> None: ...
    def lock_resource(self, mailbox_id: str) -> None:
        """Serialise the write units that book one resource mailbox until this one ends (its booking
        decisions then see each other's results)."""

    # -- identity: app registrations, passwords, signing keys, one-time grants -----------------
    def add_app(self, app: AppRegistration) -> None: ...
    def get_app(self, client_id: str) -> AppRegistration | None: ...
    def list_apps(self) -> list[AppRegistration]:
        """In registration order."""
    def delete_app(self, client_id: str) -> bool:
        """Deletes the app and its grants; False when there was none."""
    def set_password_hash(self, user_id: str, hashed: str) -> None: ...
    def get_password_hash(self, user_id: str) -> str | None: ...
    def mailbox_domain_exists(self, domain: str) -> bool:
        """True when some mailbox's address ends with @domain (case-insensitive)."""
    def add_signing_key(self, key: SigningKey) -> None: ...
    def list_signing_keys(self) -> list[SigningKey]:
        """Oldest first: the last one signs new tokens."""
    def add_grant(self, grant: Grant) -> None: ...
    def get_grant(self, grant_id: str) -> Grant | None: ...
    def find_grant_by_user_code(self, user_code: str) -> Grant | None: ...
    def change_grant_state(self, grant_id: str, expected: str, state: str, user_id: str | None = None) -> bool:
        """Compare-and-set: move the grant from `expected` to `state` (setting `user_id` when given);
        False when its state was not `expected` (someone else redeemed it first)."""
    def delete_expired_grants(self, before: float) -> int: ...

    # -- master categories ------------------------------------------------------------------------
    def add_category(self, category: OutlookCategory) -> bool:
        """False (nothing added) when the mailbox already has a category of that name, in any case."""
    def list_categories(self, mailbox_id: str) -> list[OutlookCategory]:
        """In creation order."""
    def get_category(self, mailbox_id: str, category_id: str) -> OutlookCategory | None: ...
    def update_category(self, category: OutlookCategory) -> None:
        """Only its colour changes (a name is fixed once created)."""
    def delete_category(self, mailbox_id: str, category_id: str) -> None: ...

    # -- attachments (item_kind "event" | "message"); their bytes in chunks ------------------------
    def add_attachment(self, item_kind: str, item_id: str, attachment: Attachment, complete: bool = True) -> None:
        """An incomplete one (an upload session's) is listed nowhere until completed."""
    def add_attachment_chunks(self, attachment_id: str, chunks: Iterable[bytes]) -> int:
        """Appends chunks (each at most core.attachments.CHUNK bytes) after those stored; the bytes written."""
    def read_attachment_chunk(self, attachment_id: str, n: int) -> bytes | None:
        """Chunk `n` (from 0) of the bytes, None past the last."""
    def list_attachments(self, item_kind: str, item_id: str) -> list[Attachment]: ...
    def get_attachment(self, item_kind: str, item_id: str, attachment_id: str) -> Attachment | None: ...
    def complete_attachment(self, attachment_id: str) -> None: ...
    def delete_attachment(self, attachment_id: str) -> None: ...
    def delete_attachments(self, item_kind: str, item_id: str) -> None: ...
    def mailbox_attachment_bytes(self, mailbox_id: str) -> int:
        """The sizes of the mailbox's attachments, summed (uploads under way as declared)."""
    def copy_attachments(self, from_kind: str, from_id: str, to_kind: str, to_id: str, to_mailbox_id: str,
                         new_ids: Iterable[str]) -> list[Attachment]:
        """Copies of one item's attachments onto another, bytes copied inside the database."""
    def add_upload_session(self, session: UploadSession) -> None:
        """The session and its (incomplete) attachment."""
    def get_upload_session(self, session_id: str, for_update: bool = False) -> UploadSession | None: ...
    def advance_upload_session(self, session: UploadSession, received: int, expires: datetime) -> bool:
        """False when the session's `received` is no longer the one read (a concurrent range won)."""
    def delete_upload_session(self, session_id: str, with_attachment: bool) -> None: ...
    def delete_expired_upload_sessions(self, mailbox_id: str, now: datetime) -> None:
        """The mailbox's sessions expired by `now` go, with their incomplete attachments."""

    # -- sync: change log, subscriptions, outbox (see store.sql_changes) ------------------------------
    # Every add/update/delete of an event or message above is recorded in the change log, with the
    # notifications it owes, in the same transaction.
    def change_watermark(self, mailbox_id: str) -> tuple[int, int]:
        """(the mailbox's highest committed change number, the highest one pruned)."""
    def list_changes(self, mailbox_id: str, kind: str, since: int, upto: int,
                     collection_id: str | None) -> list[ItemChange]:
        """Changes numbered (since, upto] of that kind, touching that calendar / folder (None: any)."""
    def prune_changes(self, older_than: datetime) -> int: ...
    def list_calendar_items_after(self, calendar_id: str, after_id: str | None, limit: int) -> list[Event]: ...
    def list_folder_messages_after(self, folder_id: str, after_id: str | None, limit: int) -> list[Message]: ...
    def add_subscription(self, subscription: Subscription) -> None: ...
    def get_subscription(self, subscription_id: str) -> Subscription | None: ...
    def list_subscriptions(self, app_id: str | None = None, mailbox_id: str | None = None) -> list[Subscription]: ...
    def count_subscriptions(self, mailbox_id: str, now: datetime) -> int: ...
    def update_subscription(self, subscription: Subscription) -> None: ...
    def delete_subscription(self, subscription_id: str, drop_pending: bool = True) -> None: ...
    def expired_subscriptions(self, now: datetime) -> list[Subscription]: ...
    def subscriptions_expiring(self, before: datetime) -> list[Subscription]: ...
    def add_pending(self, items: Iterable[Pending]) -> None: ...
    def claim_pending(self, now: datetime, lease_until: datetime, limit: int) -> list[Pending]:
        """Due notifications leased to the caller (each to one caller only, across processes)."""
    def complete_pending(self, ids: Iterable[int]) -> None: ...
    def retry_pending(self, items: Iterable[Pending], due: datetime, now: datetime) -> None: ...
    def release_pending(self, ids: Iterable[int]) -> None: ...
    def count_pending(self) -> int: ...

    # -- control plane (test harness): never part of tenant state ----------------------------------
    def put_setting(self, key: str, value: str) -> None: ...
    def control_version(self) -> str:
        """Changes with every change of the control state (clock, faults, tenant reset); '' at first."""
    def clear_tenant(self) -> None:
        """Delete every tenant row (everything but keys, CA, app registrations, settings, control state)."""
    def save_snapshot(self, name: str, created: datetime) -> None:
        """Save the tenant's rows under `name`, replacing a snapshot of that name."""
    def restore_snapshot(self, name: str) -> bool:
        """Replace the tenant's rows with the snapshot's; False (nothing changed) when there is none."""
    def list_snapshots(self) -> list[tuple[str, datetime]]: ...
    def delete_snapshot(self, name: str) -> bool: ...
    def add_fault_rule(self, rule_id: str, rule: str, remaining: int | None) -> None: ...
    def list_fault_rules(self) -> list[FaultRow]: ...
    def delete_fault_rule(self, rule_id: str) -> bool: ...
    def clear_fault_rules(self) -> None: ...
    def consume_fault_rule(self, rule_id: str) -> bool:
        """Take one match of a limited rule, atomically; False when none is left."""
    def lock_throttle_counter(self, key: str, now: int) -> ThrottleCounter:
        """The counter of `key` (created empty), locked until the unit ends."""
    def put_throttle_counter(self, key: str, counter: ThrottleCounter) -> None: ...
    def release_throttle_slot(self, key: str) -> None: ...
    def clear_throttle_counters(self) -> None: ...
    def tenant_fingerprint(self) -> str:
        """A text that changes whenever mailboxes, events or messages change."""
    def list_meeting_messages(self, mailbox_id: str | None, since: datetime | None, limit: int) -> list[Message]:
        """Meeting messages of one mailbox or of all, newest received first."""


class Store(Protocol):
    clock: Callable[[], datetime]   # "now" of the change log and notification outbox (the tenant's clock)

    def unit_of_work(self, write: bool = False, grouped: bool = False) -> AbstractContextManager[UnitOfWork]:
        """A transaction. `write=True` takes the database's write lock up front on SQLite
        (BEGIN IMMEDIATE) so concurrent writers queue instead of failing. Without it the unit only
        reads: a write fails (WriteInReadOnlyUnit) and leaves nothing behind; on PostgreSQL such a
        unit runs without BEGIN and COMMIT (READ COMMITTED: every statement reads its own snapshot).

        `grouped` (with `write`): on SQLite, the unit may share one commit with the grouped units that
        run right after it in this process (each in a savepoint of its own: it still commits together
        or not at all, and has committed when the `with` block returns; a failed shared commit fails
        every unit in it). For the busiest writes; such a unit must not add mailboxes (their cache
        trusts only committed ones). Elsewhere the same as an ungrouped unit."""

    def migrate(self) -> None:
        """Create or upgrade the schema to the newest revision (Alembic); safe to call from
        several processes at once."""

    def control_version(self) -> str:
        """The same as the unit of work's, read without a transaction of its own (on every request)."""

    def forget_cached(self) -> None:
        """Drop what this process remembers of committed rows (after a reset or a restore)."""

    def dispose(self) -> None: ...
