"""The Store for SQLite and PostgreSQL: engine set-up, transactions, migrations.

SQLite: WAL, synchronous=NORMAL, foreign keys on, 30 s busy timeout; SQLAlchemy emits BEGIN itself
(pysqlite's own transaction handling is switched off) so a write unit can start with BEGIN IMMEDIATE
and concurrent writers queue instead of failing. PostgreSQL: READ COMMITTED, row locks for
read-modify-write, conditional UPDATEs on the change key.
"""

from __future__ import annotations

from collections.abc import Iterator
import sqlite3
import threading
import time
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import make_url

from calgraph.core.model import Mailbox
from calgraph.store.sql_uow import SqlUnitOfWork
from calgraph.store.sqlite_wal import WalCheckpointer

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_MS = 30_000
SQLITE_CACHE_KIB = 32 * 1024             # page cache per connection (SQLite's default is 2 MiB)
SQLITE_MMAP_BYTES = 256 * 1024 * 1024    # read pages through mmap rather than a read() per page
SQLITE_WAL_LIMIT_BYTES = 64 * 1024 * 1024  # a server's WAL file is cut back to this when it starts over
MIGRATION_LOCK_KEY = 0x63616C67  # "calg": pg_advisory_xact_lock key serialising migrations
_WRITE = "calgraph_write"       # execution option: this transaction starts with BEGIN IMMEDIATE


class SqlStore:
    def __init__(self, engine: Engine, serving: bool = False) -> None:
        self.engine = engine
        # SQLite: this process's writers queue on a lock of their own rather than in SQLite's sleeping
        # busy handler, which wakes them late (p99 seconds under load); other processes still wait
        # on BEGIN IMMEDIATE and the busy timeout.
        self._write_lock = threading.Lock() if engine.dialect.name == "sqlite" else nullcontext()
        self._known_mailboxes: dict[str, Mailbox] = {}   # see SqlUnitOfWork
        self._checkpointer = None
        if serving and engine.dialect.name == "sqlite":
            self._checkpointer = WalCheckpointer(engine, self._write_lock).start()

    @property
    def dialect_name(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def unit_of_work(self, write: bool = False) -> Iterator[SqlUnitOfWork]:
        """A transaction: commits on normal exit, rolls back on any exception."""
        with self._write_lock if write else nullcontext(), self.engine.connect() as conn:
            if write:
                conn.execution_options(**{_WRITE: True})
            with conn.begin():
                yield SqlUnitOfWork(conn, self._known_mailboxes)

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

    def dispose(self) -> None:
        if self._checkpointer is not None:
            self._checkpointer.stop()
        self.engine.dispose()


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def open_store(url: str, serving: bool = False) -> SqlStore:
    """`sqlite:///path` or `postgresql://user:pw@host:port/db`; the schema is not touched (call migrate()).
    `serving`: for a long-running server (SQLite: its WAL is checkpointed by a thread of its own)."""
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    if backend in ("postgresql", "postgres"):
        return SqlStore(_postgresql_engine(parsed.set(drivername="postgresql+psycopg")))
    if backend == "sqlite":
        return SqlStore(_sqlite_engine(parsed, autocheckpoint=not serving), serving)
    raise ValueError(f"unsupported database URL {url!r}: use sqlite:///path or postgresql://...")


def _postgresql_engine(url: Any) -> Engine:
    return create_engine(url, isolation_level="READ COMMITTED", pool_pre_ping=True)


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


def _sqlite_engine(url: Any, autocheckpoint: bool = True) -> Engine:
    if url.database in (None, "", ":memory:") or url.query.get("mode") == "memory":
        raise ValueError("in-memory SQLite is not supported (each connection would see its own database); "
                         "use a file, e.g. sqlite:///calgraph.db")
    # file databases get a QueuePool with check_same_thread=False: safe across the request thread pool
    engine = create_engine(url, pool_use_lifo=True)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # pysqlite emits no BEGIN of its own
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            _wal(cursor)
            cursor.execute("PRAGMA synchronous = NORMAL")
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
