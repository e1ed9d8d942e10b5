"""Units of work: atomicity, optimistic concurrency, and no lost update under concurrent writers."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import psycopg
import pytest

from calgraph.core.errors import IrresolvableConflict
from calgraph.core.model import Attendee, EmailAddress, Event
from calgraph.store import SqlStore
from calgraph.store.sql_base import WriteInReadOnlyUnit
from tests.store.builders import Seeded

WRITERS = 20


def test_exception_rolls_back_everything(store: SqlStore, seeded: Seeded, make_event: Callable[..., Event]) -> None:
    event = make_event()
    with pytest.raises(RuntimeError), store.unit_of_work(write=True) as uow:
        uow.add_event(event)
        uow.put_setting_if_absent("k", "v")
        uow.delete_calendar(seeded.mailbox.id, seeded.other_calendar.id)
        raise RuntimeError("boom")
    with store.unit_of_work() as uow:
        assert uow.get_event(seeded.mailbox.id, event.id) is None
        assert uow.get_setting("k") is None
        assert uow.get_calendar(seeded.mailbox.id, seeded.other_calendar.id) is not None


def test_stale_change_key_is_a_conflict(store: SqlStore, seeded: Seeded, make_event: Callable[..., Event]) -> None:
    event = make_event()
    with store.unit_of_work(write=True) as uow:
        uow.add_event(event)
    with store.unit_of_work() as uow:  # a client reads the event (its ETag is ck-1) ...
        seen = uow.get_event(seeded.mailbox.id, event.id)
    assert seen is not None
    with store.unit_of_work(write=True) as uow:  # ... someone else changes it ...
        uow.update_event(seen.evolve(subject="theirs", change_key="ck-theirs"), expected_change_key=seen.change_key)
    with pytest.raises(IrresolvableConflict), store.unit_of_work(write=True) as uow:  # ... the client's If-Match fails
        uow.update_event(seen.evolve(subject="mine", change_key="ck-mine"), expected_change_key=seen.change_key)
    with store.unit_of_work() as uow:
        assert uow.get_event(seeded.mailbox.id, event.id).subject == "theirs"  # type: ignore[union-attr]


def _invite(n: int) -> Attendee:
    return Attendee(EmailAddress(f"attendee{n}@example.com", f"Attendee {n}"))


def test_locked_read_modify_write_loses_no_update(store: SqlStore, seeded: Seeded,
                                                  make_event: Callable[..., Event]) -> None:
    """20 writers each append an attendee: BEGIN IMMEDIATE (SQLite) / FOR UPDATE (PostgreSQL)."""
    event = make_event()
    with store.unit_of_work(write=True) as uow:
        uow.add_event(event)
    start = threading.Barrier(WRITERS)

    def append_attendee(n: int) -> None:
        start.wait()
        with store.unit_of_work(write=True) as uow:
            current = uow.get_event(seeded.mailbox.id, event.id, for_update=True)
            assert current is not None
            uow.update_event(current.evolve(attendees=current.attendees + (_invite(n),), change_key=f"ck-w{n}"),
                             expected_change_key=current.change_key)

    with ThreadPoolExecutor(WRITERS) as pool:
        list(pool.map(append_attendee, range(WRITERS)))
    with store.unit_of_work() as uow:
        final = uow.get_event(seeded.mailbox.id, event.id)
    assert final is not None
    assert sorted(a.email.address for a in final.attendees) == sorted(_invite(n).email.address for n in range(WRITERS))


def test_unlocked_writers_retry_on_conflict(store: SqlStore, seeded: Seeded,
                                            make_event: Callable[..., Event]) -> None:
    """Without a lock, the conditional UPDATE on the change key turns a lost update into a conflict."""
    event = make_event()
    with store.unit_of_work(write=True) as uow:
        uow.add_event(event)
    start = threading.Barrier(WRITERS)
    conflicts = []

    def append_attendee(n: int) -> None:
        start.wait()
        while True:
            with store.unit_of_work() as uow:
                current = uow.get_event(seeded.mailbox.id, event.id)
            assert current is not None
            try:
                with store.unit_of_work(write=True) as uow:
                    uow.update_event(current.evolve(attendees=current.attendees + (_invite(n),),
                                                    change_key=f"ck-w{n}"), expected_change_key=current.change_key)
                return
            except IrresolvableConflict:
                conflicts.append(n)

    with ThreadPoolExecutor(WRITERS) as pool:
        list(pool.map(append_attendee, range(WRITERS)))
    with store.unit_of_work() as uow:
        final = uow.get_event(seeded.mailbox.id, event.id)
    assert final is not None and len(final.attendees) == WRITERS


def test_put_setting_if_absent_is_race_safe(store: SqlStore) -> None:
    start = threading.Barrier(8)

    def put(n: int) -> str:
        start.wait()
        with store.unit_of_work(write=True) as uow:
            return uow.put_setting_if_absent("signing-key", f"value-{n}")

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(put, range(8)))
    assert len(set(results)) == 1
    with store.unit_of_work() as uow:
        assert uow.get_setting("signing-key") == results[0]


def test_a_read_only_unit_refuses_to_write(store: SqlStore, seeded: Seeded, make_event: Callable[..., Event]) -> None:
    """A unit opened without write=True cannot write, through SQLAlchemy or a prebuilt statement, and
    leaves nothing behind (on PostgreSQL it runs in autocommit: a write would not be rolled back)."""
    event = make_event()
    with pytest.raises(WriteInReadOnlyUnit), store.unit_of_work() as uow:
        uow.put_setting_if_absent("k", "v")
    with pytest.raises(WriteInReadOnlyUnit), store.unit_of_work() as uow:
        uow.add_event(event)
    with store.unit_of_work() as uow:
        assert uow.get_setting("k") is None
        assert uow.get_event(seeded.mailbox.id, event.id) is None


def test_postgresql_read_only_units_run_without_a_transaction(store: SqlStore, db_backend: str) -> None:
    """No BEGIN and COMMIT round trips: each statement is a transaction of its own (under READ
    COMMITTED each read its own snapshot anyway), so now() moves between statements."""
    if db_backend != "postgres":
        pytest.skip("PostgreSQL only")
    with store.unit_of_work() as uow:
        first = uow.conn.exec_driver_sql("SELECT now()").scalar()
        uow.conn.exec_driver_sql("SELECT pg_sleep(0.01)")
        assert uow.conn.exec_driver_sql("SELECT now()").scalar() > first
    with store.unit_of_work(write=True) as uow:
        first = uow.conn.exec_driver_sql("SELECT now()").scalar()
        uow.conn.exec_driver_sql("SELECT pg_sleep(0.01)")
        assert uow.conn.exec_driver_sql("SELECT now()").scalar() == first


def test_postgresql_pooled_connections_the_server_closed_are_replaced(store: SqlStore, seeded: Seeded,
                                                                      db_backend: str) -> None:
    """A unit of work after the server ended the pool's connections (as a restart does) gets a live one."""
    if db_backend != "postgres":
        pytest.skip("PostgreSQL only")
    with store.unit_of_work() as first, store.unit_of_work() as second, store.unit_of_work() as third:
        pooled = {_pid(uow) for uow in (first, second, third)}   # three connections, back in the pool after
    with _outside_the_pool(store) as killer:
        killer.execute("SELECT pg_terminate_backend(pid) FROM unnest(%s::int[]) AS pid", (list(pooled),))
        for _ in range(500):   # until they are gone (the server has closed their sockets)
            if not killer.execute("SELECT count(*) FROM pg_stat_activity WHERE pid = ANY(%s)",
                                  (list(pooled),)).fetchone()[0]:
                break
            time.sleep(0.01)
    for _ in range(4):
        with store.unit_of_work() as uow:
            assert uow.get_calendar(seeded.mailbox.id, seeded.calendar.id) is not None
            assert _pid(uow) not in pooled


def test_postgresql_pooled_connections_the_server_wrote_to_are_kept(store: SqlStore, db_backend: str) -> None:
    """Something the server sends unasked (here a notification) costs a ping, not the connection."""
    if db_backend != "postgres":
        pytest.skip("PostgreSQL only")
    with store.unit_of_work() as uow:
        listening = _pid(uow)
        uow.conn.exec_driver_sql("LISTEN calgraph_test")
    with _outside_the_pool(store) as other:
        other.execute("NOTIFY calgraph_test")
    time.sleep(0.05)
    seen = set()
    for _ in range(store.engine.pool.size() + 2):
        with store.unit_of_work() as uow:
            seen.add(_pid(uow))
    assert listening in seen


def _outside_the_pool(store: SqlStore) -> psycopg.Connection[Any]:
    url = store.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
    return psycopg.connect(url, autocommit=True)


def _pid(uow: Any) -> int:
    return uow.conn.exec_driver_sql("SELECT pg_backend_pid()").scalar()


def test_sqlite_write_units_begin_immediate(store: SqlStore, db_backend: str) -> None:
    if db_backend != "sqlite":
        pytest.skip("SQLite only")
    with store.engine.connect() as conn:
        pragmas = {name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                   for name in ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")}
    assert pragmas == {"journal_mode": "wal", "synchronous": 1, "foreign_keys": 1, "busy_timeout": 30000}
    with store.unit_of_work(write=True):
        # another writer cannot start while this unit holds the write lock
        other = store.engine.raw_connection().driver_connection
        try:
            other.execute("PRAGMA busy_timeout = 0")  # type: ignore[union-attr]
            with pytest.raises(Exception, match="locked"):
                other.execute("BEGIN IMMEDIATE")  # type: ignore[union-attr]
        finally:
            other.close()  # type: ignore[union-attr]


def test_grouped_units_lose_no_update(store: SqlStore, seeded: Seeded, make_event: Callable[..., Event]) -> None:
    """Grouped units (several may share one SQLite commit) still read each other's writes: concurrent
    locked read-modify-writes of one event all land, and each has committed when its block returns."""
    event = make_event()
    with store.unit_of_work(write=True) as uow:
        uow.add_event(event)
    start = threading.Barrier(WRITERS)

    def add_attendee(n: int) -> None:
        start.wait()
        with store.unit_of_work(write=True, grouped=True) as uow:
            current = uow.get_event(seeded.mailbox.id, event.id, for_update=True)
            assert current is not None
            attendee = Attendee(EmailAddress(f"a{n}@example.com"))
            uow.update_event(current.evolve(attendees=(*current.attendees, attendee), change_key=f"ck-w{n}"),
                             expected_change_key=current.change_key)
        with store.unit_of_work() as uow:  # committed by now, seen by any other connection
            seen = uow.get_event(seeded.mailbox.id, event.id)
        assert seen is not None and any(a.email.address == f"a{n}@example.com" for a in seen.attendees)

    with ThreadPoolExecutor(WRITERS) as pool:
        list(pool.map(add_attendee, range(WRITERS)))
    with store.unit_of_work() as uow:
        final = uow.get_event(seeded.mailbox.id, event.id)
    assert final is not None and len(final.attendees) == WRITERS


def test_a_failing_grouped_unit_rolls_back_alone(store: SqlStore, seeded: Seeded, db_backend: str,
                                                  make_event: Callable[..., Event]) -> None:
    """The second unit of a group fails: its writes are gone, the first unit's are committed."""
    first, second = make_event(), make_event()
    inside, joined = threading.Event(), threading.Event()
    groups = getattr(store, "_groups", None)

    def run_first() -> None:
        with store.unit_of_work(write=True, grouped=True) as uow:
            uow.add_event(first)
            inside.set()
            if groups is not None:  # SQLite: finish only once the second unit waits, so it joins this group
                while not groups.waiting:
                    threading.Event().wait(0.001)
            joined.set()

    with ThreadPoolExecutor(1) as pool:
        done = pool.submit(run_first)
        inside.wait(5)
        with pytest.raises(RuntimeError), store.unit_of_work(write=True, grouped=True) as uow:
            uow.add_event(second)
            raise RuntimeError("boom")
        done.result(5)
    assert joined.is_set()
    with store.unit_of_work() as uow:
        assert uow.get_event(seeded.mailbox.id, first.id) is not None
        assert uow.get_event(seeded.mailbox.id, second.id) is None


def test_a_failed_group_commit_fails_every_unit(store: SqlStore, seeded: Seeded, db_backend: str,
                                                 make_event: Callable[..., Event],
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    if db_backend != "sqlite":
        pytest.skip("SQLite only: elsewhere grouped units are ordinary ones")
    from calgraph.store import sqlite_writers as sql

    def failing_close(group: sql._Group) -> None:
        group.error = OSError("disk full")
        real_close(group)

    real_close = sql._Group.close
    monkeypatch.setattr(sql._Group, "close", failing_close)
    event = make_event()
    with pytest.raises(sql.GroupCommitFailed, match="disk full") as failed, \
            store.unit_of_work(write=True, grouped=True) as uow:
        uow.add_event(event)
    assert isinstance(failed.value.__cause__, OSError)
    monkeypatch.setattr(sql._Group, "close", real_close)
    with store.unit_of_work() as uow:
        assert uow.get_event(seeded.mailbox.id, event.id) is None
    with store.unit_of_work(write=True, grouped=True) as uow:  # the store is still usable
        uow.add_event(event)
    with store.unit_of_work() as uow:
        assert uow.get_event(seeded.mailbox.id, event.id) is not None


def test_server_processes_queue_for_the_write_lock_on_a_file(store: SqlStore, db_backend: str, seeded: Seeded,
                                                               make_event: Callable[..., Event],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """Two serving stores on one file (as `serve --workers 2` has): the second's writer waits on the
    `-writers` file lock for the first to commit, not in SQLite's busy handler (set to fail at once)."""
    if db_backend != "sqlite":
        pytest.skip("SQLite only")
    from calgraph.store import open_store, sql

    monkeypatch.setattr(sql, "SQLITE_BUSY_TIMEOUT_MS", 0)   # SQLite's own waiting would hide a missing queue
    url = store.engine.url.render_as_string(hide_password=False)
    first, second = open_store(url, serving=True), open_store(url, serving=True)
    holding, written = threading.Event(), threading.Event()
    events = [make_event(), make_event()]

    def second_writer() -> None:
        holding.wait(5)
        with second.unit_of_work(write=True, grouped=True) as uow:
            uow.add_event(events[1])
        written.set()

    try:
        with ThreadPoolExecutor(1) as pool:
            done = pool.submit(second_writer)
            with first.unit_of_work(write=True) as uow:
                uow.add_event(events[0])
                holding.set()
                assert not written.wait(0.3)   # queued behind this transaction
            done.result(10)
        with store.unit_of_work() as uow:
            assert all(uow.get_event(seeded.mailbox.id, e.id) is not None for e in events)
    finally:
        first.dispose()
        second.dispose()
