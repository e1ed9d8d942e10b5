"""How SQLite writers take turns: group commit within a process, a file lock between server processes.

SQLite lets one transaction write at a time. Writers of one process queue on a lock of their own
rather than in SQLite's busy handler, which polls with sleeps of up to 100 ms (p99 of seconds under
load); the server processes of `calgraph serve --workers N` queue on a file lock beside the database,
which the kernel hands to the next waiter at once. SQLite's own lock stays the one that guards the
data: a process that takes neither (the CLI) still waits on BEGIN IMMEDIATE and the busy timeout.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, Engine

try:
    import fcntl
except ImportError:  # Windows: server processes queue in SQLite's busy handler
    fcntl = None  # type: ignore[assignment]

WRITE = "calgraph_write"   # execution option: this transaction starts with BEGIN IMMEDIATE
GROUP_LIMIT = 32           # grouped units sharing one SQLite commit, at most


class ProcessWriteLock:
    """An exclusive flock on `path`, opened by the process that first takes it (a forked worker opens
    its own: processes sharing one open file would share the lock). Taken only under the process's
    own writer lock, so one descriptor per process is enough."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._fd: int | None = None
        self._pid = 0

    def acquire(self) -> None:
        if fcntl is None:
            return
        if self._fd is None or self._pid != os.getpid():
            self._fd, self._pid = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600), os.getpid()
        fcntl.flock(self._fd, fcntl.LOCK_EX)   # blocks with the GIL released

    def release(self) -> None:
        if fcntl is not None and self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)


class _Group:
    """One SQLite transaction shared by grouped units of work, each in a savepoint of its own."""

    def __init__(self, engine: Engine) -> None:
        self.conn = engine.connect()
        try:
            self.conn.execution_options(**{WRITE: True})
            self.transaction = self.conn.begin()   # BEGIN IMMEDIATE
        except BaseException:
            self.conn.close()
            raise
        self.driver: Any = self.conn.connection.driver_connection
        self.members = 0                        # units whose work waits for this transaction's commit
        self.done = threading.Event()
        self.error: BaseException | None = None

    def close(self) -> None:
        """Commit (or, once broken, roll back) and tell the members waiting for it."""
        try:
            if self.error is None:
                self.transaction.commit()
        except BaseException as error:  # noqa: BLE001 - every member must hear of it
            self.error = error
        finally:
            try:
                if self.transaction.is_active:
                    self.transaction.rollback()
                self.conn.close()
            finally:
                self.done.set()


class GroupCommit:
    """Group commit for one process's SQLite writers (`unit_of_work(write=True, grouped=True)`).

    Writers take turns on one lock, as every write unit does. A grouped unit runs in a savepoint of the
    open group transaction (or opens it, and then needs none); when it ends and another grouped writer is
    already waiting for the lock, it leaves the transaction open to that one instead of committing, up
    to GROUP_LIMIT units, and waits for the commit. The last unit of a group commits it and wakes the
    others. So a unit's writes still commit together or not at all (its savepoint is rolled back alone
    when it fails; a failed commit fails every unit of the group), no unit returns before its writes
    are committed, and each unit reads the writes of the units before it (no lost update). A commit,
    its BEGIN and the pages several units change (indexes, the table's last page, the header) are
    paid once per group instead of once per unit.

    Any other writer (an ungrouped write unit, the WAL checkpointer) takes the lock by entering this
    object (`with group_commit:`), which first commits a group left open. With `between_processes`,
    a transaction is begun only while holding that file lock too (see ProcessWriteLock)."""

    def __init__(self, engine: Engine, between_processes: ProcessWriteLock | None = None) -> None:
        self.engine = engine
        self.lock = threading.Lock()
        self.waiting = 0                    # grouped units waiting for the lock
        self.waiting_lock = threading.Lock()
        self.group: _Group | None = None    # the open group transaction (only while someone holds `lock`)
        self.processes = between_processes

    def __enter__(self) -> None:
        self.lock.acquire()
        try:
            self._close()
            if self.processes is not None:
                self.processes.acquire()
        except BaseException:
            self.lock.release()
            raise

    def __exit__(self, *_exc: object) -> None:
        if self.processes is not None:
            self.processes.release()
        self.lock.release()

    def _open(self) -> _Group:
        if self.processes is not None:
            self.processes.acquire()
        try:
            self.group = _Group(self.engine)
        except BaseException:
            if self.processes is not None:
                self.processes.release()
            raise
        return self.group

    def _close(self) -> None:
        group, self.group = self.group, None
        if group is not None:
            try:
                group.close()
            finally:
                if self.processes is not None:
                    self.processes.release()

    @contextmanager
    def unit(self) -> Iterator[Connection]:
        with self.waiting_lock:
            self.waiting += 1
        self.lock.acquire()
        with self.waiting_lock:
            self.waiting -= 1
        joined: _Group | None = None
        try:
            group = self.group
            first = group is None   # the group's first unit needs no savepoint: it fails alone
            if group is None:
                group = self._open()
            else:
                group.driver.execute("SAVEPOINT calgraph_unit")
            try:
                yield group.conn
            except BaseException as failure:
                if first:
                    group.error = failure   # nothing else in the transaction: roll it all back
                    raise
                try:
                    group.driver.execute("ROLLBACK TO calgraph_unit")
                    group.driver.execute("RELEASE calgraph_unit")
                except Exception as error:  # the transaction itself is gone (SQLite rolled it back)
                    group.error = error
                if not group.driver.in_transaction:
                    group.error = group.error or RuntimeError("the group transaction was rolled back")
                raise
            if not first:
                try:
                    group.driver.execute("RELEASE calgraph_unit")
                except BaseException as error:  # its writes could no longer be told apart: fail the group
                    group.error = error
                    raise
            group.members += 1
            joined = group
        finally:
            group = self.group
            if group is not None and (group.error is not None or group.members >= GROUP_LIMIT or not self.waiting):
                self._close()
            self.lock.release()
        if joined is not None:
            joined.done.wait()
            if joined.error is not None:
                raise GroupCommitFailed(f"the commit shared with other writes failed: {joined.error}") from joined.error


class GroupCommitFailed(RuntimeError):
    """The commit a grouped unit of work shared with others failed: none of their writes landed."""
