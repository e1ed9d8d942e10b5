"""The store's fast paths keep the contract: changed-columns-only UPDATEs, the decoded-event cache,
the mailbox cache, prepared statements, and (SQLite servers) WAL checkpoints on their own thread."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

import pytest
from sqlalchemy import select

from calgraph.core.errors import IrresolvableConflict
from calgraph.core.model import Event, When
from calgraph.core.query import Compare, ItemQuery, Prop, Value
from calgraph.store import SqlStore, open_store
from calgraph.store import codec
from calgraph.store.schema import events
from tests.store.builders import Seeded, build_mailbox
from tests.store.test_events import add, category_rows

MakeEvent = Callable[..., Event]


def columns(store: SqlStore, event_id: str) -> dict:
    with store.engine.connect() as conn:
        row = conn.execute(select(events).where(events.c.id == event_id)).one()
    return dict(row._mapping)


def test_checked_update_after_a_read_writes_every_changed_column(store: SqlStore, seeded: Seeded,
                                                                 make_event: MakeEvent) -> None:
    event = make_event(categories=("Red",), show_as="busy")
    add(store, event)
    moved = event.evolve(subject="Moved", start=When(datetime(2024, 5, 1, 8), "UTC"),
                         end=When(datetime(2024, 5, 1, 9), "UTC"), show_as="tentative",
                         calendar_id=seeded.other_calendar.id, change_key="ck-moved", categories=("Red",))
    with store.unit_of_work(write=True) as uow:
        before = uow.get_event(seeded.mailbox.id, event.id)
        assert before is not None
        uow.update_event(moved, expected_change_key=before.change_key)
    stored = columns(store, event.id)
    assert (stored["subject_lower"], stored["show_as"], stored["calendar_id"], stored["change_key"]) == (
        "moved", "tentative", seeded.other_calendar.id, "ck-moved")
    assert (stored["start_utc"], stored["end_utc"]) == ("2024-05-01T08:00:00.000000", "2024-05-01T09:00:00.000000")
    assert stored["created"] == columns(store, event.id)["created"]
    assert category_rows(store) == {(event.id, "red")}
    with store.unit_of_work() as uow:
        assert uow.get_event(seeded.mailbox.id, event.id) == moved
        found = uow.query_events([seeded.other_calendar.id], ItemQuery(filter=Compare("eq", Prop("subject"), Value("Moved"))))
    assert [e.id for e in found.items] == [event.id]


def test_categories_follow_a_checked_update_and_a_second_update_in_one_unit(store: SqlStore, seeded: Seeded,
                                                                            make_event: MakeEvent) -> None:
    event = make_event(categories=("Red",))
    add(store, event)
    with store.unit_of_work(write=True) as uow:
        read = uow.get_event(seeded.mailbox.id, event.id)
        first = read.evolve(categories=("Blue",), change_key="ck-1")  # type: ignore[union-attr]
        uow.update_event(first, expected_change_key=event.change_key)
        second = first.evolve(subject="Twice", change_key="ck-2")
        uow.update_event(second, expected_change_key="ck-1")
    assert category_rows(store) == {(event.id, "blue")}
    assert columns(store, event.id)["subject"] == "Twice"


def test_a_checked_update_of_a_row_changed_meanwhile_is_a_conflict(store: SqlStore, seeded: Seeded,
                                                                  make_event: MakeEvent) -> None:
    event = make_event()
    add(store, event)
    with store.unit_of_work() as uow:
        stale = uow.get_event(seeded.mailbox.id, event.id)
    with store.unit_of_work(write=True) as uow:
        uow.update_event(event.evolve(subject="First", change_key="ck-first"), expected_change_key=event.change_key)
    with pytest.raises(IrresolvableConflict), store.unit_of_work(write=True) as uow:
        uow.get_event(seeded.mailbox.id, "missing")
        uow.update_event(stale.evolve(subject="Second", change_key="ck-second"),  # type: ignore[union-attr]
                         expected_change_key=event.change_key)
    assert columns(store, event.id)["subject"] == "First"


def test_decoded_events_are_shared_only_for_identical_text(make_event: MakeEvent) -> None:
    event = make_event(subject="Cached")
    text = codec.dumps(event)
    assert codec.loads(Event, text) is event
    other = codec.loads(Event, text.replace("Cached", "Other!"))
    assert other.subject == "Other!" and other is not event
    small = codec._DecodedEvents(2)
    for n in range(3):
        small.put(str(n), event)
    assert small.get("0") is None and small.get("2") is event


def test_a_mailbox_of_a_rolled_back_unit_is_not_remembered(store: SqlStore) -> None:
    ghost = build_mailbox(7)
    with pytest.raises(RuntimeError), store.unit_of_work(write=True) as uow:
        uow.add_mailbox(ghost)
        assert uow.get_mailbox(ghost.address) == ghost
        raise RuntimeError("crash mid-request")
    with store.unit_of_work() as uow:
        assert uow.get_mailbox(ghost.address) is None
        assert uow.get_mailbox(ghost.id) is None


def test_mailboxes_found_by_id_and_by_address_in_any_case(store: SqlStore, seeded: Seeded) -> None:
    for _ in range(2):  # the second round is answered from the store's cache
        with store.unit_of_work() as uow:
            assert uow.get_mailbox(seeded.mailbox.id) == seeded.mailbox
            assert uow.get_mailbox(seeded.mailbox.address.upper()) == seeded.mailbox
            assert uow.get_mailbox("nobody@example.com") is None


def test_a_serving_sqlite_store_checkpoints_its_wal_on_a_thread(db_url: str, seeded: Seeded,
                                                              make_event: MakeEvent) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("PostgreSQL has no WAL file to checkpoint")
    store = open_store(db_url, serving=True)
    try:
        assert store._checkpointer is not None
        add(store, *(make_event() for _ in range(50)))
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with store.engine.connect() as conn:
                busy, log, done = conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)").one()
                autocheckpoint = conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar_one()
            if log == done:
                break
            time.sleep(0.05)
        assert autocheckpoint == 0 and log == done
        with store.unit_of_work() as uow:
            assert len(uow.query_events([seeded.calendar.id], ItemQuery(top=100)).items) == 50
    finally:
        store.dispose()
    assert not store._checkpointer._thread.is_alive()
