"""The change log, written by the unit of work itself: every event or message added, updated or deleted
is noted (calgraph.core.sync.changes.ItemChange) and, right before the transaction commits, given its
mailbox's next change number and written to `changes`, with the notifications it owes in `outbox`.
So a change, its delta entry and its notifications commit together or not at all, whoever wrote it.

Change numbers are taken under the mailbox's `change_counters` row lock (mailboxes in id order, so two
transactions never wait for each other's counters in a cycle) at the very end of the transaction: a
number is visible only once every smaller one of its mailbox is (see schema_sync)."""

from __future__ import annotations

import json
import uuid
from functools import cache
from datetime import datetime, timezone
from typing import Any, NamedTuple

from sqlalchemy import Select, bindparam, insert, select, update

from calgraph.core import occurrences, recurrence
from calgraph.core.model import Event, Message
from calgraph.core.sync import changes as rules
from calgraph.core.sync.changes import ItemChange
from calgraph.store.codec import dumps, format_ts, loads
from calgraph.store.schema import events, messages
from calgraph.store.schema_sync import change_counters, changes, outbox, subscriptions
from calgraph.store.sql_items import ItemsMixin


class ChangesMixin(ItemsMixin):
    _changes: dict[tuple[str, str, str], ItemChange]

    def _note(self, change: ItemChange) -> None:
        if not hasattr(self, "_changes"):
            self._changes = {}
        rules.merge(self._changes, change)

    # -- the item writes, noted ---------------------------------------------------------------------

    def add_event(self, event: Event) -> None:
        super().add_event(event)
        self._note(_event_change(event.mailbox_id, event.id, "created", None, event))

    def update_event(self, event: Event, expected_change_key: str | None = None) -> None:
        before = self._events_read.get(event.id) or self._stored_event(event.id)
        super().update_event(event, expected_change_key)
        self._note(_event_change(event.mailbox_id, event.id, "updated", before, event))

    def delete_event(self, mailbox_id: str, event_id: str) -> None:
        before = self._events_read.get(event_id) or self._stored_event(event_id)
        super().delete_event(mailbox_id, event_id)
        if before is not None:
            self._note(_event_change(mailbox_id, event_id, "deleted", before, None))

    def add_message(self, message: Message) -> None:
        super().add_message(message)
        self._note(ItemChange(message.mailbox_id, "message", message.id, "created", None, message.folder_id,
                              change_key=message.change_key))

    def update_message(self, message: Message, expected_change_key: str | None = None) -> None:
        folder = self._message_folder(message.id)
        super().update_message(message, expected_change_key)
        self._note(ItemChange(message.mailbox_id, "message", message.id, "updated", folder, message.folder_id,
                              change_key=message.change_key))

    def delete_message(self, mailbox_id: str, message_id: str) -> None:
        folder = self._message_folder(message_id)
        super().delete_message(mailbox_id, message_id)
        if folder is not None:
            self._note(ItemChange(mailbox_id, "message", message_id, "deleted", folder, None))

    # -- the test harness's reset and snapshots (store.sql_control) -----------------------------------

    def save_snapshot(self, name: str, created: datetime) -> None:
        self.flush_changes()   # this unit's changes belong in the snapshot with its writes
        super().save_snapshot(name, created)  # type: ignore[misc]

    def restore_snapshot(self, name: str) -> bool:
        self._changes = {}
        restored = super().restore_snapshot(name)  # type: ignore[misc]
        if restored:
            self._new_sync_epoch()
        return bool(restored)

    def clear_tenant(self) -> None:
        self._changes = {}
        super().clear_tenant()  # type: ignore[misc]
        self._new_sync_epoch()

    def _new_sync_epoch(self) -> None:
        """Delta tokens minted before a reset or restore name changes that no longer exist: they get 410."""
        self.put_setting(SYNC_EPOCH, uuid.uuid4().hex)  # type: ignore[attr-defined]

    def note_calendars_deleted(self, mailbox_id: str, calendar_ids: list[str]) -> None:
        """The events of calendars about to be deleted (by cascade) leave them: noted as deleted."""
        if not calendar_ids:
            return
        c = events.c
        rows = self.conn.execute(select(c.id, c.calendar_id, c.type, c.series_master_id).where(
            c.mailbox_id == mailbox_id, c.calendar_id.in_(calendar_ids))).all()
        for row in rows:
            self._note(ItemChange(mailbox_id, "event", row.id, "deleted", row.calendar_id, None, row.type,
                                  row.series_master_id))

    def _stored_event(self, event_id: str) -> Event | None:
        row = self.run(_EVENT_DATA, {"id": event_id}).fetchone()
        return None if row is None else loads(Event, row[0])

    def _message_folder(self, message_id: str) -> str | None:
        row = self.run(_MESSAGE_FOLDER, {"id": message_id}).fetchone()
        return None if row is None else row[0]

    # -- at commit ------------------------------------------------------------------------------------

    def flush_changes(self, now: datetime | None = None) -> None:
        """Write this transaction's changes and the notifications they owe (called by the store right
        before it commits; `now`: the store's clock)."""
        noted = getattr(self, "_changes", None)
        if not noted:
            return
        self._changes = {}
        now = now or datetime.now(timezone.utc)
        at = format_ts(now)
        by_mailbox: dict[str, list[ItemChange]] = {}
        for change in noted.values():
            by_mailbox.setdefault(change.mailbox_id, []).append(change)
        rows: list[dict[str, Any]] = []
        for mailbox_id in sorted(by_mailbox):
            seq = self._next_change_number(mailbox_id)
            rows += [_change_row(change, seq, at) for change in by_mailbox[mailbox_id]]
        self.run_many(_INSERT_CHANGE, rows)
        self._queue_notifications(by_mailbox, now)

    def _next_change_number(self, mailbox_id: str) -> int:
        for _ in range(2):
            row = self.run(_BUMP, {"mailbox_id": mailbox_id}).fetchone()
            if row is not None:
                return int(row[0])
            self.insert_ignore(change_counters, mailbox_id=mailbox_id, counter=0, pruned=0)
        raise RuntimeError("change counter row vanished")

    def _queue_notifications(self, by_mailbox: dict[str, list[ItemChange]], now: datetime) -> None:
        mailboxes = sorted(by_mailbox)
        params = {f"m{n}": mailbox_id for n, mailbox_id in enumerate(mailboxes)}
        found = self.run(_live_subscriptions(len(mailboxes)), {**params, "now": format_ts(now)}).fetchall()
        if not found:
            return
        at = format_ts(now)
        rows: list[dict[str, Any]] = []
        for row in found:
            sub = _Subscription(*row)
            target = rules.Target(sub.mailbox_id, sub.kind, sub.collection_id, frozenset(sub.change_types.split(",")))
            owed: dict[str, rules.Owed] = {}
            for change in by_mailbox.get(sub.mailbox_id, []):
                for item in rules.owed(target, change):
                    known = owed.get(item.item_id)
                    if known is None or _RANK[item.change_type] > _RANK[known.change_type]:
                        owed[item.item_id] = item
            rows += [{"subscription_id": sub.id, "url": sub.notification_url, "change_type": item.change_type,
                      "lifecycle": False, "owner_kind": sub.owner_kind, "owner_id": sub.mailbox_id,
                      "kind": sub.kind, "item_id": item.item_id, "change_key": item.change_key,
                      "client_state": sub.client_state, "expiration": sub.expiration,
                      "tenant_id": sub.tenant_id, "created": at, "due": at, "first_attempt": None,
                      "attempts": 0, "lease": None} for item in owed.values()]
        if rows:
            self.conn.execute(insert(outbox), rows)


_RANK = {"updated": 0, "created": 1, "deleted": 2}
_INSERT_CHANGE = insert(changes).values({c.name: bindparam(c.name) for c in changes.c})


class _Subscription(NamedTuple):
    id: str
    mailbox_id: str
    owner_kind: str
    kind: str
    collection_id: str | None
    change_types: str
    notification_url: str
    client_state: str | None
    expiration: str
    tenant_id: str


@cache
def _live_subscriptions(mailboxes: int) -> Select[Any]:
    """The live subscriptions on `mailboxes` mailboxes (:m0, :m1, ...): one prebuilt statement per count."""
    return select(*(subscriptions.c[name] for name in _Subscription._fields)).where(
        subscriptions.c.mailbox_id.in_([bindparam(f"m{n}") for n in range(mailboxes)]),
        subscriptions.c.expiration > bindparam("now")).order_by(subscriptions.c.mailbox_id, subscriptions.c.id)
SYNC_EPOCH = "sync_epoch"   # setting: changes when the tenant is reset or restored
_EVENT_DATA = select(events.c.data).where(events.c.id == bindparam("id"))
_MESSAGE_FOLDER = select(messages.c.folder_id).where(messages.c.id == bindparam("id"))
_BUMP = (update(change_counters).where(change_counters.c.mailbox_id == bindparam("mailbox_id"))
         .values(counter=change_counters.c.counter + 1).returning(change_counters.c.counter))


def _event_change(mailbox_id: str, event_id: str, op: rules.Op, before: Event | None,
                  after: Event | None) -> ItemChange:
    current = after or before
    assert current is not None
    removed: tuple[str, ...] = ()
    before_master = None
    if current.type == "seriesMaster":
        before_master = before
        old = set(before.cancelled_occurrences) if before is not None else set()
        new = set(after.cancelled_occurrences) if after is not None else set()
        removed = tuple(_occurrence_item_id(oid) for oid in sorted(new - old))
    return ItemChange(mailbox_id, "event", event_id, op,
                      before.calendar_id if before is not None else None,
                      after.calendar_id if after is not None else None,
                      current.type, current.series_master_id, current.change_key if after else "",
                      tuple(item for item in removed if item), before_master)


def _occurrence_item_id(oid: str) -> str:
    """`OID.{masterId}.{yyyy-MM-dd}` -> the occurrence's item id ("" for anything else)."""
    parsed = recurrence.parse_occurrence_id(oid)
    return "" if parsed is None else occurrences.item_id(*parsed)


def _change_row(change: ItemChange, seq: int, at: str) -> dict[str, Any]:
    return {"mailbox_id": change.mailbox_id, "seq": seq, "kind": change.kind, "item_id": change.item_id,
            "op": change.op, "collection_before": change.collection_before,
            "collection_after": change.collection_after, "item_type": change.item_type,
            "series_master_id": change.series_master_id,
            "removed": json.dumps(list(change.removed_instances)) if change.removed_instances else None,
            "before": None if change.before is None else dumps(change.before), "at": at}


def parse_change(row: Any) -> ItemChange:
    return ItemChange(row.mailbox_id, row.kind, row.item_id, row.op, row.collection_before, row.collection_after,
                      row.item_type, row.series_master_id, "",
                      tuple(json.loads(row.removed)) if row.removed else (),
                      None if row.before is None else loads(Event, row.before))

