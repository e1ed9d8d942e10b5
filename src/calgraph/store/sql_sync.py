"""The unit of work's sync part: reading the change log (delta), subscriptions, the notification outbox."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, or_, select, update

from calgraph.core.model import Event, Message
from calgraph.core.sync.changes import ItemChange
from calgraph.core.sync.subscriptions import Pending, Subscription
from calgraph.store.codec import format_ts, loads, parse_ts
from calgraph.store.query_sql import binary_text
from calgraph.store.schema import events, messages
from calgraph.store.schema_sync import change_counters, changes, outbox, subscriptions
from calgraph.store.sql_changes import ChangesMixin, parse_change
from calgraph.store.sql_items import LISTED


class SyncMixin(ChangesMixin):
    # -- change log -----------------------------------------------------------------------------------

    def change_watermark(self, mailbox_id: str) -> tuple[int, int]:
        row = self.conn.execute(select(change_counters.c.counter, change_counters.c.pruned)
                                .where(change_counters.c.mailbox_id == mailbox_id)).first()
        return (0, 0) if row is None else (int(row[0]), int(row[1]))

    def list_changes(self, mailbox_id: str, kind: str, since: int, upto: int,
                     collection_id: str | None) -> list[ItemChange]:
        c = changes.c
        statement = select(changes).where(c.mailbox_id == mailbox_id, c.kind == kind, c.seq > since, c.seq <= upto)
        if collection_id is not None:
            statement = statement.where(or_(c.collection_before == collection_id, c.collection_after == collection_id))
        return [parse_change(row) for row in self.conn.execute(statement.order_by(c.seq, binary_text(c.item_id)))]

    def prune_changes(self, older_than: datetime) -> int:
        """Drop changes recorded before `older_than`; tokens from before them then get 410."""
        cutoff = format_ts(older_than)
        highest = (select(changes.c.mailbox_id, func.max(changes.c.seq).label("top"))
                   .where(changes.c.at < cutoff).group_by(changes.c.mailbox_id))
        dropped = 0
        for mailbox_id, top in self.conn.execute(highest).all():
            self.conn.execute(update(change_counters).where(change_counters.c.mailbox_id == mailbox_id,
                                                            change_counters.c.pruned < top).values(pruned=top))
            dropped += self.conn.execute(delete(changes).where(changes.c.mailbox_id == mailbox_id,
                                                               changes.c.seq <= top)).rowcount
        return dropped

    def list_calendar_items_after(self, calendar_id: str, after_id: str | None, limit: int) -> list[Event]:
        """Single instances and series masters of a calendar, by id (code point order), after `after_id`."""
        c = events.c
        statement = select(c.data).where(c.calendar_id == calendar_id, c.type.in_(LISTED))
        if after_id is not None:
            statement = statement.where(binary_text(c.id) > after_id)
        statement = statement.order_by(binary_text(c.id)).limit(limit)
        return [loads(Event, row.data) for row in self.conn.execute(statement)]

    def list_folder_messages_after(self, folder_id: str, after_id: str | None, limit: int) -> list[Message]:
        c = messages.c
        statement = select(c.data).where(c.folder_id == folder_id)
        if after_id is not None:
            statement = statement.where(binary_text(c.id) > after_id)
        statement = statement.order_by(binary_text(c.id)).limit(limit)
        return [loads(Message, row.data) for row in self.conn.execute(statement)]

    # -- subscriptions ---------------------------------------------------------------------------------

    def add_subscription(self, subscription: Subscription) -> None:
        self.conn.execute(insert(subscriptions).values(**_subscription_values(subscription)))

    def get_subscription(self, subscription_id: str) -> Subscription | None:
        row = self.conn.execute(select(subscriptions).where(subscriptions.c.id == subscription_id)).first()
        return None if row is None else _subscription(row)

    def list_subscriptions(self, app_id: str | None = None, mailbox_id: str | None = None) -> list[Subscription]:
        statement = select(subscriptions)
        if app_id is not None:
            statement = statement.where(subscriptions.c.app_id == app_id)
        if mailbox_id is not None:
            statement = statement.where(subscriptions.c.mailbox_id == mailbox_id)
        return [_subscription(row) for row in self.conn.execute(statement.order_by(subscriptions.c.created,
                                                                                    subscriptions.c.id))]

    def count_subscriptions(self, mailbox_id: str, now: datetime) -> int:
        return int(self.conn.execute(select(func.count()).select_from(subscriptions).where(
            subscriptions.c.mailbox_id == mailbox_id, subscriptions.c.expiration > format_ts(now))).scalar_one())

    def update_subscription(self, subscription: Subscription) -> None:
        values = _subscription_values(subscription)
        del values["id"]
        self.conn.execute(update(subscriptions).where(subscriptions.c.id == subscription.id).values(**values))

    def delete_subscription(self, subscription_id: str, drop_pending: bool = True) -> None:
        self.conn.execute(delete(subscriptions).where(subscriptions.c.id == subscription_id))
        if drop_pending:
            self.conn.execute(delete(outbox).where(outbox.c.subscription_id == subscription_id,
                                                   outbox.c.lifecycle.is_(False)))

    def expired_subscriptions(self, now: datetime) -> list[Subscription]:
        statement = select(subscriptions).where(subscriptions.c.expiration <= format_ts(now))
        return [_subscription(row) for row in self.conn.execute(statement)]

    def subscriptions_expiring(self, before: datetime) -> list[Subscription]:
        """Live subscriptions that expire before `before` and have not been told to reauthorize."""
        statement = select(subscriptions).where(subscriptions.c.expiration <= format_ts(before),
                                                subscriptions.c.reauthorize_sent.is_(False))
        return [_subscription(row) for row in self.conn.execute(statement)]

    # -- outbox ------------------------------------------------------------------------------------------

    def add_pending(self, items: Iterable[Pending]) -> None:
        rows = [_pending_values(item) for item in items]
        if rows:
            self.conn.execute(insert(outbox), rows)

    def claim_pending(self, now: datetime, lease_until: datetime, limit: int) -> list[Pending]:
        """Up to `limit` due notifications, oldest first, leased to the caller until `lease_until` (rows
        another transaction holds are skipped: on PostgreSQL each is claimed by one process only);
        subscriptions with notifications already leased wait, so each one's go out in order."""
        at = format_ts(now)
        busy = select(outbox.c.subscription_id).where(outbox.c.lease > at)
        statement = (select(outbox).where(outbox.c.due <= at, or_(outbox.c.lease.is_(None), outbox.c.lease <= at),
                                          outbox.c.subscription_id.not_in(busy))
                     .order_by(outbox.c.id).limit(limit))
        if self.dialect_name == "postgresql":
            statement = statement.with_for_update(skip_locked=True)
        rows = self.conn.execute(statement).all()
        if not rows:
            return []
        self.conn.execute(update(outbox).where(outbox.c.id.in_([row.id for row in rows]))
                          .values(lease=format_ts(lease_until)))
        return [_pending(row) for row in rows]

    def complete_pending(self, ids: Iterable[int]) -> None:
        self.conn.execute(delete(outbox).where(outbox.c.id.in_(list(ids))))

    def retry_pending(self, items: Iterable[Pending], due: datetime, now: datetime) -> None:
        """Failed deliveries: try again at `due`; later notifications of those subscriptions wait too."""
        items = list(items)
        for item in items:
            self.conn.execute(update(outbox).where(outbox.c.id == item.id).values(
                attempts=item.attempts + 1, first_attempt=format_ts(item.first_attempt or now),
                due=format_ts(due), lease=None))
        subscription_ids = sorted({item.subscription_id for item in items})
        self.conn.execute(update(outbox).where(outbox.c.subscription_id.in_(subscription_ids),
                                               outbox.c.due < format_ts(due), outbox.c.lease.is_(None))
                          .values(due=format_ts(due)))

    def release_pending(self, ids: Iterable[int]) -> None:
        self.conn.execute(update(outbox).where(outbox.c.id.in_(list(ids))).values(lease=None))

    def count_pending(self) -> int:
        return int(self.conn.execute(select(func.count()).select_from(outbox)).scalar_one())


def _subscription_values(s: Subscription) -> dict[str, Any]:
    return {"id": s.id, "mailbox_id": s.mailbox_id, "owner_kind": s.owner_kind, "kind": s.kind,
            "collection_id": s.collection_id, "resource": s.resource, "change_types": ",".join(s.change_types),
            "notification_url": s.notification_url, "lifecycle_url": s.lifecycle_url,
            "client_state": s.client_state, "expiration": format_ts(s.expiration), "app_id": s.app_id,
            "creator_id": s.creator_id, "tenant_id": s.tenant_id, "tls_version": s.tls_version,
            "reauthorize_sent": s.reauthorize_sent, "token_expires": _optional(s.token_expires),
            "created": format_ts(s.created) if s.created else format_ts(s.expiration)}


def _optional(value: datetime | None) -> str | None:
    return None if value is None else format_ts(value)


def _subscription(row: Any) -> Subscription:
    return Subscription(
        id=row.id, mailbox_id=row.mailbox_id, owner_kind=row.owner_kind, kind=row.kind,
        collection_id=row.collection_id, resource=row.resource, change_types=tuple(row.change_types.split(",")),
        notification_url=row.notification_url, lifecycle_url=row.lifecycle_url, client_state=row.client_state,
        expiration=parse_ts(row.expiration), app_id=row.app_id, creator_id=row.creator_id,
        tenant_id=row.tenant_id, tls_version=row.tls_version, reauthorize_sent=bool(row.reauthorize_sent),
        token_expires=parse_ts(row.token_expires) if row.token_expires else None, created=parse_ts(row.created))


def _pending_values(p: Pending) -> dict[str, Any]:
    return {"subscription_id": p.subscription_id, "url": p.url, "change_type": p.change_type,
            "lifecycle": p.lifecycle, "owner_kind": p.owner_kind, "owner_id": p.owner_id, "kind": p.kind,
            "item_id": p.item_id, "change_key": p.change_key, "client_state": p.client_state,
            "expiration": format_ts(p.expiration), "tenant_id": p.tenant_id, "created": format_ts(p.created),
            "due": format_ts(p.created), "first_attempt": _optional(p.first_attempt), "attempts": p.attempts,
            "lease": None}


def _pending(row: Any) -> Pending:
    return Pending(id=int(row.id), subscription_id=row.subscription_id, url=row.url, change_type=row.change_type,
                   lifecycle=bool(row.lifecycle), owner_kind=row.owner_kind, owner_id=row.owner_id, kind=row.kind,
                   item_id=row.item_id, change_key=row.change_key, client_state=row.client_state,
                   expiration=parse_ts(row.expiration), tenant_id=row.tenant_id, created=parse_ts(row.created),
                   attempts=int(row.attempts),
                   first_attempt=parse_ts(row.first_attempt) if row.first_attempt else None)

