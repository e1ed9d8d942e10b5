"""Event rows' versions: new with every write, and a calendar's series read by version, never stale."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime

from sqlalchemy import text

from calgraph.core.model import Event
from calgraph.store import SqlStore, codec
from tests.store.builders import Seeded
from tests.store.test_event_windows import RECURRENCE, at

MakeEvent = Callable[..., Event]
LATER = datetime(2030, 1, 1, tzinfo=UTC)


def version(store: SqlStore, event_id: str) -> int | None:
    with store.unit_of_work() as uow:
        return uow.conn.execute(text("SELECT version FROM events WHERE id = :id"), {"id": event_id}).scalar_one()


def master(make_event: MakeEvent, n: int) -> Event:
    return make_event(id=f"m-{n:03d}", type="seriesMaster", recurrence=RECURRENCE, start=at(1, 9, month=1),
                      end=at(1, 10, month=1), subject=f"Series {n}")


def series(store: SqlStore, seeded: Seeded) -> tuple[list[Event], list[Event]]:
    with store.unit_of_work() as uow:
        return uow.list_series([seeded.calendar.id], LATER)


def write_behind(store: SqlStore, event: Event, new_version: int | None) -> None:
    """What another process writing the row looks like to this one: its JSON changes under a new version."""
    with store.unit_of_work(write=True) as uow:
        uow.conn.execute(text("UPDATE events SET data = :data, version = :version WHERE id = :id"),
                         {"data": codec.dumps(event), "version": new_version, "id": event.id})


def test_every_write_of_an_event_gives_its_row_a_new_version(store: SqlStore, seeded: Seeded,
                                                             make_event: MakeEvent) -> None:
    event = make_event(subject="First")
    with store.unit_of_work(write=True) as uow:
        uow.add_event(event)
    seen = [version(store, event.id)]
    for n, checked in enumerate((True, False, True)):
        with store.unit_of_work(write=True) as uow:
            stored = uow.get_event(seeded.mailbox.id, event.id)
            changed = dataclasses.replace(stored, subject=f"Edit {n}", change_key=f"ck-edit-{n}")
            uow.update_event(changed, stored.change_key if checked else None)
        seen.append(version(store, event.id))
    assert None not in seen and len(set(seen)) == len(seen)


def test_a_series_is_read_as_its_rows_hold_it_now(store: SqlStore, seeded: Seeded, make_event: MakeEvent) -> None:
    first, second = master(make_event, 1), master(make_event, 2)
    with store.unit_of_work(write=True) as uow:
        uow.add_event(first)
        uow.add_event(second)
    assert series(store, seeded) == ([first, second], [])
    renamed = dataclasses.replace(second, subject="Renamed elsewhere")
    write_behind(store, renamed, codec.new_version())
    assert series(store, seeded) == ([first, renamed], [])
    # a row without a version (restored from a snapshot older than versions) is read whole every time
    for subject in ("No version", "No version, changed"):
        unversioned = dataclasses.replace(first, subject=subject)
        write_behind(store, unversioned, None)
        assert series(store, seeded) == ([unversioned, renamed], [])


def test_a_series_this_process_has_not_seen_is_read_whole(store: SqlStore, seeded: Seeded,
                                                          make_event: MakeEvent) -> None:
    masters = [master(make_event, n) for n in range(70)]   # more than are named one by one
    with store.unit_of_work(write=True) as uow:
        for event in masters:
            uow.add_event(event)
    codec._by_version.items.clear()
    assert series(store, seeded) == (masters, [])
    for event in masters[:3]:
        write_behind(store, dataclasses.replace(event, subject=f"{event.subject}, again"), codec.new_version())
    found, _ = series(store, seeded)
    assert [e.subject for e in found[:4]] == ["Series 0, again", "Series 1, again", "Series 2, again", "Series 3"]
    assert found[3:] == masters[3:]


def test_events_named_at_versions_they_no_longer_have_are_not_returned(store: SqlStore, seeded: Seeded,
                                                                       make_event: MakeEvent) -> None:
    event = master(make_event, 1)
    with store.unit_of_work(write=True) as uow:
        uow.add_event(event)
    current = version(store, event.id)
    with store.unit_of_work() as uow:
        assert uow._events_at_versions({event.id: current}) == {event.id: event}
        assert uow._events_at_versions({event.id: current + 1}) is None
        assert uow._events_at_versions({event.id: current, "gone": 1}) is None
