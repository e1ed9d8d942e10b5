"""The Store for SQLite and PostgreSQL: engine set-up, transactions, migrations.

SQLite: WAL, synchronous NORMAL or FULL (the durability), foreign keys on, 30 s busy timeout; SQLAlchemy emits BEGIN itself
(pysqlite's own transaction handling is switched off) so a write unit can start with BEGIN IMMEDIATE
and concurrent writers queue instead of failing. PostgreSQL: READ COMMITTED, row locks for
read-modify-write, conditional UPDATEs on the change key; a read-only unit runs in autocommit (under
READ COMMITTED each statement reads its own snapshot either way, and BEGIN and COMMIT would cost two round
trips), and a write in one fails on both databases (sql_base.WriteInReadOnlyUnit).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
import select
import sqlite3
import threading
from datetime import datetime
import time
from contextlib import AbstractContextManager, contextmanager, nullcontext
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError

from calgraph.core.ids import utc_now
from calgraph.core.model import Mailbox
from calgraph.store.sql_base import READ_ONLY, refuse_writes_in_read_units
from calgraph.store.sql_control import CONTROL_VERSION
from calgraph.store.sql_uow import SqlUnitOfWork
from calgraph.store.sqlite_wal import WalCheckpointer
from calgraph.store.sqlite_writers import WRITE as _WRITE, GroupCommit, ProcessWriteLock

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 30_000
SQLITE_CACHE_KIB = 32 * 1024             # page cache per connection (SQLite's default is 2 MiB)
SQLITE_MMAP_BYTES = 256 * 1024 * 1024    # read pages through mmap rather than a read() per page
SQLITE_WAL_LIMIT_BYTES = 64 * 1024 * 1024  # a server's WAL file is cut back to this when it starts over
POSTGRES_POOL_SIZE = 16                  # per process (and 4 more at a peak): 4 workers stay under 100
SQLITE_POOL_SIZE = 40                    # the server's request threads (one connection each)
MIGRATION_LOCK_KEY = 0x63616C67  # "calg": pg_advisory_xact_lock key serialising migrations


class SqlStore:
    def __init__(self, engine: Engine, serving: bool = False) -> None:
        self.engine = engine
        # SQLite: writers queue on locks of their own (sqlite_writers), a server's processes on a file
        # beside the database (`<file>-writers`)
        self._groups: GroupCommit | None = None
        self._write_lock: AbstractContextManager[Any] = nullcontext()
        if engine.dialect.name == "sqlite":
            between = ProcessWriteLock(f"{engine.url.database}-writers") if serving else None
            self._groups = GroupCommit(engine, between)
            self._write_lock = self._groups   # as a context manager: the lock, alone (see GroupCommit)
        self._known_mailboxes: dict[str, Mailbox] = {}   # see SqlUnitOfWork
        self._default_calendars: dict[str, str] = {}     # see SqlUnitOfWork
        self.clock: Callable[[], datetime] = utc_now       # the change log's and outbox's "now" (Store.clock)
        self._checkpointer = None
        self._reader: Any = None          # SQLite: control_version's connection
        self._reader_lock = threading.Lock()
        self._read_options: dict[str, Any] = {READ_ONLY: True}
        if engine.dialect.name == "postgresql":
            self._read_options["isolation_level"] = "AUTOCOMMIT"
        event.listen(engine, "before_cursor_execute", refuse_writes_in_read_units)
        if serving and engine.dialect.name == "sqlite":
            self._checkpointer = WalCheckpointer(engine, self._write_lock).start()

    @property
    def dialect_name(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def unit_of_work(self, write: bool = False, grouped: bool = False) -> Iterator[SqlUnitOfWork]:
        """A transaction: commits on normal exit, rolls back on any exception. See Store.unit_of_work
        for `grouped`."""
        if write and grouped and self._groups is not None:
            with self._groups.unit() as conn:
                uow = SqlUnitOfWork(conn, self._known_mailboxes, default_calendars=self._default_calendars)
                yield uow
                uow.flush_changes(self.clock())   # the change log and outbox commit with the writes (sql_changes)
            return
        with self._write_lock if write else nullcontext(), self.engine.connect() as conn:
            if write:
                conn.execution_options(**{_WRITE: True})
            else:
                conn.execution_options(**self._read_options)
            with conn.begin():
                uow = SqlUnitOfWork(conn, self._known_mailboxes, read_only=not write,
                                    default_calendars=self._default_calendars)
                yield uow
                uow.flush_changes(self.clock())

    def migrate(self) -> None:
        """Alembic upgrade to head, serialised across processes (PostgreSQL advisory lock; SQLite's
        write lock, taken by BEGIN IMMEDIATE)."""
        config = alembic_config()
        with self.engine.connect() as conn:
            conn.execution_options(**{_WRITE: True})
            with conn.begin():
                if self.dialect_name == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
                config.attributes["connection"] = conn
                command.upgrade(config, "head")

    def control_version(self) -> str:
        """UnitOfWork.control_version without a transaction of its own (read on every request), on a
        connection kept for it outside the pool (a checkout, and on PostgreSQL its ping, cost more than
        the read); one that broke (a database restart) is replaced once."""
        marker = "?" if self.dialect_name == "sqlite" else "%s"
        with self._reader_lock:
            for attempt in range(2):
                if self._reader is None:
                    self._reader = self.engine.raw_connection()
                    if self.dialect_name != "sqlite":   # SQLite's connections run without BEGIN already
                        self._reader.driver_connection.autocommit = True  # type: ignore[union-attr]
                try:
                    cursor = self._reader.cursor()
                    cursor.execute(f"SELECT value FROM settings WHERE key = {marker}", (CONTROL_VERSION,))
                    rows = cursor.fetchall()   # read to the end: no read transaction is left open
                    cursor.close()
                    return rows[0][0] if rows else ""
                except Exception:
                    self._close_reader()
                    if attempt:
                        raise
        raise AssertionError("unreachable")

    def _close_reader(self) -> None:
        reader, self._reader = self._reader, None
        if reader is not None:
            try:
                reader.invalidate()
            except Exception:  # noqa: BLE001 - a broken connection may fail to close; it is dropped anyway
                pass

    def forget_cached(self) -> None:
        self._known_mailboxes.clear()
        self._default_calendars.clear()

    def dispose(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.stop()
        with self._reader_lock:
            self._close_reader()
        self.engine.dispose()


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


DURABILITY = {"full": "FULL", "normal": "NORMAL"}  # SQLite's synchronous setting


def open_store(url: str, serving: bool = False, durability: str = "normal") -> SqlStore:
    """`sqlite:///path` or `postgresql://user:pw@host:port/db`; the schema is not touched (call migrate()).
    `serving`: for a long-running server (SQLite: its WAL is checkpointed by a thread of its own).
    `durability` (SQLite): "full" syncs the WAL at every commit, so a power loss loses no committed
    transaction; "normal" syncs it at checkpoints (a crash of the process loses nothing either way)."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if durability not in DURABILITY:
        raise ValueError(f"durability must be one of {sorted(DURABILITY)}, not {durability!r}")
    if backend in ("postgresql", "postgres"):
        return SqlStore(_postgresql_engine(parsed.set(drivername="postgresql+psycopg")))
    if backend == "sqlite":
        return SqlStore(_sqlite_engine(parsed, autocheckpoint=not serving, synchronous=DURABILITY[durability]),
                        serving)
    raise ValueError(f"unsupported database URL {url!r}: use sqlite:///path or postgresql://...")


def _postgresql_engine(url: Any) -> Engine:
    # a connection opened past the pool's size is closed after one use, and a new one costs a backend
    # process: keep enough for the requests one worker runs at once (PostgreSQL allows 100 in all)
    engine = create_engine(url, isolation_level="READ COMMITTED", pool_size=POSTGRES_POOL_SIZE, max_overflow=4)

    def check(dbapi_connection: Any, *_args: Any) -> None:
        """The pool's check of a connection it hands out, with a round trip (pool_pre_ping's, about 0.1 ms
        a unit of work) only when needed: an idle connection has nothing to read, so one whose socket is
        readable was closed by the server (a restart, pg_terminate_backend, a timeout) or sent something
        unasked, and is pinged; one that fails is dropped and the pool opens another (DisconnectionError:
        up to three tries)."""
        if dbapi_connection.closed:
            raise DisconnectionError("this pooled connection is closed")
        poll = select.poll()
        poll.register(dbapi_connection.fileno(), select.POLLIN)
        if poll.poll(0):
            try:
                engine.dialect.do_ping(dbapi_connection)
            except Exception as error:  # noqa: BLE001 - whatever broke it, the pool replaces it
                raise DisconnectionError(f"the server ended this pooled connection: {error}") from error

    event.listen(engine, "checkout", check)
    return engine


def _wal(cursor: Any) -> None:
    """PRAGMA journal_mode = WAL. Switching a new database's mode needs a lock that SQLite does not wait
    for (the busy timeout does not apply), so a process opening it while another creates it retries."""
    for attempt in range(100):
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or attempt == 99:
                raise
            time.sleep(0.05)


def _sqlite_engine(url: Any, autocheckpoint: bool = True, synchronous: str = "NORMAL") -> Engine:
    if url.database in (None, "", ":memory:") or url.query.get("mode") == "memory":
        raise ValueError("in-memory SQLite is not supported (each connection would see its own database); "
                         "use a file, e.g. sqlite:///calgraph.db")
    # file databases get a QueuePool with check_same_thread=False: safe across the request thread pool.
    # It keeps as many connections as that pool has threads: a connection opened past the pool's size
    # is closed after one use, and opening one (PRAGMAs, an empty page cache) costs more than a request.
    engine = create_engine(url, pool_use_lifo=True, pool_size=SQLITE_POOL_SIZE, max_overflow=8)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # pysqlite emits no BEGIN of its own
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            _wal(cursor)
            cursor.execute(f"PRAGMA synchronous = {synchronous}")
            cursor.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
            cursor.execute(f"PRAGMA mmap_size = {SQLITE_MMAP_BYTES}")
            cursor.execute("PRAGMA foreign_keys = ON")
            if not autocheckpoint:  # a server: sqlite_wal.WalCheckpointer does it
                cursor.execute("PRAGMA wal_autocheckpoint = 0")
                cursor.execute(f"PRAGMA journal_size_limit = {SQLITE_WAL_LIMIT_BYTES}")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # straight to the driver: this runs once per unit of work, and exec_driver_sql costs ~0.1 ms
        conn.connection.driver_connection.execute(  # type: ignore[union-attr]
            "BEGIN IMMEDIATE" if conn.get_execution_options().get(_WRITE) else "BEGIN")

    return engine
