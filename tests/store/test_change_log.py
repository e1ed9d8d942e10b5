"""The change log and outbox the unit of work writes (store.sql_changes): commit-ordered numbers, nothing for
rolled-back work, notifications in the writer's transaction, claims by one caller only."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest

from calgraph.core.sync.subscriptions import Subscription

def soon() -> datetime:
    return datetime.now(timezone.utc) + timedelta(seconds=5)


def subscription(seeded, **changes) -> Subscription:
    fields = dict(id="sub-1", mailbox_id=seeded.mailbox.id, owner_kind="user", kind="event",
                  collection_id=seeded.calendar.id, resource="me/events", change_types=("created", "updated", "deleted"),
                  notification_url="http://127.0.0.1:1/hook", lifecycle_url=None, client_state="s",
                  expiration=soon() + timedelta(days=1), app_id="app", creator_id="u", tenant_id="t", created=soon())
    fields.update(changes)
    return Subscription(**fields)


def test_writes_are_numbered_per_transaction(store, seeded, make_event):
    a, b = make_event(), make_event()
    with store.unit_of_work(write=True) as uow:
        uow.add_event(a)
        uow.add_event(b)
    with store.unit_of_work(write=True) as uow:
        uow.update_event(a.evolve(calendar_id=seeded.other_calendar.id, change_key="x"))
        uow.delete_event(b.mailbox_id, b.id)
    with store.unit_of_work() as uow:
        assert uow.change_watermark(seeded.mailbox.id) == (2, 0)
        first = uow.list_changes(seeded.mailbox.id, "event", 0, 1, None)
        assert sorted((c.item_id, c.op) for c in first) == [(a.id, "created"), (b.id, "created")]
        second = {c.item_id: c for c in uow.list_changes(seeded.mailbox.id, "event", 1, 2, seeded.calendar.id)}
        assert (second[a.id].collection_before, second[a.id].collection_after) == (seeded.calendar.id, seeded.other_calendar.id)
        assert second[b.id].op == "deleted"


def test_rolled_back_and_vanished_work_leaves_no_change(store, seeded, make_event):
    with pytest.raises(RuntimeError), store.unit_of_work(write=True) as uow:
        uow.add_event(make_event())
        raise RuntimeError("boom")
    with store.unit_of_work(write=True) as uow:
        gone = make_event()
        uow.add_event(gone)
        uow.delete_event(gone.mailbox_id, gone.id)
    with store.unit_of_work() as uow:
        assert uow.change_watermark(seeded.mailbox.id) == (0, 0)


def test_a_number_is_visible_only_after_every_smaller_one(store, seeded, make_event):
    """Writer 1 takes its number and stalls before committing; writer 2 cannot publish a higher number
    meanwhile, so a reader's watermark never passes writer 1's change."""
    first, second = make_event(), make_event()
    numbered, release, done = threading.Event(), threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def slow_writer() -> None:
        try:
            with store.unit_of_work(write=True) as uow:
                uow.add_event(first)
                uow.flush_changes()     # number taken: the counter row is locked until commit
                numbered.set()
                release.wait(10)
        except BaseException as error:  # noqa: BLE001
            errors.append(error)

    def fast_writer() -> None:
        try:
            numbered.wait(10)
            with store.unit_of_work(write=True) as uow:
                uow.add_event(second)
            done.set()
        except BaseException as error:  # noqa: BLE001
            errors.append(error)

    threads = [threading.Thread(target=slow_writer), threading.Thread(target=fast_writer)]
    for thread in threads:
        thread.start()
    numbered.wait(10)
    seen = []
    for _ in range(20):   # while writer 1 stalls, whatever a reader sees is complete up to its watermark
        with store.unit_of_work() as uow:
            top, _ = uow.change_watermark(seeded.mailbox.id)
            seen.append(top)
            ids = {c.item_id for c in uow.list_changes(seeded.mailbox.id, "event", 0, top, None)}
            assert top == 0 or first.id in ids
        if done.is_set():
            break
        threading.Event().wait(0.01)
    assert not done.is_set(), "the second writer committed while the first held an earlier number"
    release.set()
    for thread in threads:
        thread.join(20)
    assert not errors, errors
    with store.unit_of_work() as uow:
        assert uow.change_watermark(seeded.mailbox.id)[0] == 2
        order = [c.item_id for c in uow.list_changes(seeded.mailbox.id, "event", 0, 2, None)]
        assert order == [first.id, second.id]
    assert set(seen) == {0}


def test_notifications_commit_with_the_change(store, seeded, make_event):
    with store.unit_of_work(write=True) as uow:
        uow.add_subscription(subscription(seeded))
    with pytest.raises(RuntimeError), store.unit_of_work(write=True) as uow:
        uow.add_event(make_event())
        raise RuntimeError("rolled back")
    with store.unit_of_work() as uow:
        assert uow.count_pending() == 0
    event = make_event()
    with store.unit_of_work(write=True) as uow:
        uow.add_event(event)
        uow.update_event(event.evolve(subject="again", change_key="ck-x"))   # one notification per transaction
    with store.unit_of_work(write=True) as uow:
        uow.add_event(make_event(calendar_id=seeded.other_calendar.id))               # another calendar: none
        claimed = uow.claim_pending(soon(), soon() + timedelta(minutes=1), 10)
    assert [(p.change_type, p.item_id, p.change_key) for p in claimed] == [("created", event.id, "ck-x")]
    with store.unit_of_work(write=True) as uow:   # leased: nobody else gets it
        assert uow.claim_pending(soon(), soon() + timedelta(minutes=1), 10) == []
        uow.complete_pending([p.id for p in claimed])
        assert uow.count_pending() == 0


def test_concurrent_claims_never_share_a_notification(store, seeded, make_event):
    with store.unit_of_work(write=True) as uow:
        for n in range(8):
            uow.add_subscription(subscription(seeded, id=f"sub-{n}"))
    for _ in range(5):
        with store.unit_of_work(write=True) as uow:
            uow.add_event(make_event())
    claims: list[list[int]] = []
    lock = threading.Lock()

    def claimer() -> None:
        while True:
            with store.unit_of_work(write=True) as uow:
                got = uow.claim_pending(soon(), soon() + timedelta(minutes=1), 3)
            if not got:
                return
            with lock:
                claims.append([p.id for p in got])
            with store.unit_of_work(write=True) as uow:   # delivered
                uow.complete_pending([p.id for p in got])

    threads = [threading.Thread(target=claimer) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    ids = [i for claim in claims for i in claim]
    assert len(ids) == len(set(ids)) == 40


def test_a_deleted_calendar_notes_its_events_deleted(store, seeded, make_event):
    event = make_event(calendar_id=seeded.other_calendar.id)
    with store.unit_of_work(write=True) as uow:
        uow.add_subscription(subscription(seeded, collection_id=seeded.other_calendar.id))
        uow.add_event(event)
    with store.unit_of_work(write=True) as uow:
        uow.delete_calendar(seeded.mailbox.id, seeded.other_calendar.id)
    with store.unit_of_work() as uow:
        top, _ = uow.change_watermark(seeded.mailbox.id)
        [gone] = uow.list_changes(seeded.mailbox.id, "event", top - 1, top, seeded.other_calendar.id)
        assert (gone.item_id, gone.op) == (event.id, "deleted")
    with store.unit_of_work(write=True) as uow:
        claimed = uow.claim_pending(soon(), soon() + timedelta(minutes=1), 10)
    assert [p.change_type for p in claimed] == ["created", "deleted"]
