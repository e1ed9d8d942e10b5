"""The notification dispatcher: delivers the outbox the unit of work fills (store.sql_changes).

Each pass leases due notifications (on PostgreSQL `FOR UPDATE SKIP LOCKED`: several processes never claim the
same one), POSTs them grouped by URL (up to 100 per POST, in commit order), deletes what a 2xx acknowledged
and reschedules the rest with exponential backoff; after `give_up_after` since its first attempt a
notification is dropped and a `missed` lifecycle notification queued. A crash after a POST and before the
delete sends that notification again once its lease ends: delivery is at least once. A pass also removes
expired subscriptions, queues `reauthorizationRequired` when one nears its expiry, and prunes the change log.

The payload is rendered by the HTTP layer (`render`, injected): Graph's property names live there."""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from calgraph.core.ids import Clock, utc_now
from calgraph.core.sync.subscriptions import Pending, Schedule, Subscription
from calgraph.services.webhooks import Transport, UrllibTransport
from calgraph.store.interface import Store

log = logging.getLogger("calgraph.notifications")
BATCH = 100
CHANGE_RETENTION = timedelta(days=30)
Render = Callable[[list[Pending]], bytes]


class NotificationDispatcher:
    def __init__(self, store: Store, render: Render, transport: Transport | None = None,
                 schedule: Schedule | None = None, clock: Clock = utc_now, poll_s: float = 0.2,
                 retention: timedelta = CHANGE_RETENTION) -> None:
        self.store = store
        self.render = render
        self.transport = transport or UrllibTransport()
        self.schedule = schedule or Schedule()
        self.clock = clock
        self.poll_s = poll_s
        self.retention = retention
        self._jitter = random.Random()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._last_housekeeping: datetime | None = None
        self.delivered = 0

    # -- the loop -------------------------------------------------------------------------------------

    def start(self) -> "NotificationDispatcher":
        self._thread = threading.Thread(target=self._loop, name="calgraph-notifications", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(10)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                busy = self.run_once()
            except Exception:  # noqa: BLE001 - a database hiccup must not end delivery
                log.exception("notification pass failed")
                busy = 0
            if not busy:
                self._stop.wait(self.poll_s)

    def run_once(self) -> int:
        """One pass: housekeeping (at most every few seconds), then one leased batch delivered. Returns
        the number of notifications handled."""
        now = self.clock()
        if self._last_housekeeping is None or now - self._last_housekeeping >= timedelta(seconds=5):
            self.housekeeping(now)
            self._last_housekeeping = now
        with self.store.unit_of_work(write=True) as uow:
            claimed = uow.claim_pending(now, now + self.schedule.lease, BATCH)
        if not claimed:
            return 0
        by_url: dict[str, list[Pending]] = {}
        for item in claimed:
            by_url.setdefault(item.url, []).append(item)
        for url, items in by_url.items():
            self._deliver(url, items)
        return len(claimed)

    def drain(self, max_passes: int = 100) -> int:
        """Passes until nothing is due (tests, shutdown)."""
        total = 0
        for _ in range(max_passes):
            handled = self.run_once()
            if not handled:
                break
            total += handled
        return total

    # -- delivery ---------------------------------------------------------------------------------------

    def _deliver(self, url: str, items: list[Pending]) -> None:
        try:
            status, _ = self.transport.post(url, self.render(items), "application/json; charset=utf-8",
                                            self.schedule.ack_timeout_s)
        except OSError:   # TimeoutError included
            status = 0
        now = self.clock()
        if 200 <= status < 300:
            with self.store.unit_of_work(write=True) as uow:
                uow.complete_pending([item.id for item in items])
            self.delivered += len(items)
            return
        expired = [i for i in items if i.first_attempt is not None
                   and now - i.first_attempt >= self.schedule.give_up_after]
        retry = [i for i in items if i not in expired]
        with self.store.unit_of_work(write=True) as uow:
            if expired:
                uow.complete_pending([item.id for item in expired])
                missed = []
                for sub_id in dict.fromkeys(i.subscription_id for i in expired if not i.lifecycle):
                    subscription = uow.get_subscription(sub_id)
                    if subscription is not None and subscription.lifecycle_url:
                        missed.append(lifecycle(subscription, "missed", now))
                uow.add_pending(missed)
            if retry:
                attempts = max(i.attempts for i in retry) + 1
                uow.retry_pending(retry, now + self.schedule.retry_delay(attempts, self._jitter), now)

    # -- housekeeping ------------------------------------------------------------------------------------

    def housekeeping(self, now: datetime) -> None:
        with self.store.unit_of_work(write=True) as uow:
            for subscription in uow.expired_subscriptions(now):
                uow.delete_subscription(subscription.id, drop_pending=False)
            nearing = uow.subscriptions_expiring(now + self.schedule.reauthorize_before)
            for subscription in nearing:
                uow.update_subscription(subscription.evolve(reauthorize_sent=True))
            uow.add_pending(lifecycle(s, "reauthorizationRequired", now) for s in nearing if s.lifecycle_url)
            uow.prune_changes(now - self.retention)


def lifecycle(subscription: Subscription, event: str, now: datetime) -> Pending:
    assert subscription.lifecycle_url is not None
    return Pending(id=0, subscription_id=subscription.id, url=subscription.lifecycle_url, change_type=event,
                   lifecycle=True, owner_kind=subscription.owner_kind, owner_id=subscription.mailbox_id,
                   kind=subscription.kind, item_id=None, change_key="", client_state=subscription.client_state,
                   expiration=subscription.expiration, tenant_id=subscription.tenant_id, created=now)
