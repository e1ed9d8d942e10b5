"""SQLite's write-ahead log, moved into the database file by a thread of its own.

By default SQLite checkpoints inside whichever commit takes the log past 1000 pages, while the
committing request still holds the write lock: measured on a meeting answer, that was half the cost of
its commit. A server's request connections therefore run with `wal_autocheckpoint = 0`, and this thread
does the copying instead, with PASSIVE checkpoints that take no lock readers or writers wait on (the
sqlite3 module releases the GIL meanwhile).

SQLite can only start the log over when a writer finds it wholly copied, which a stream of writes never
allows; so every `restart_every` seconds one checkpoint runs while holding this process's write lock:
by then little is left to copy, and the next writer starts the log from the top. The log stays at about
`restart_every` seconds of writes. Other processes (the CLI) keep SQLite's default.
"""

from __future__ import annotations

import logging
import threading
import time
from contextlib import AbstractContextManager
from typing import Any

from sqlalchemy import Engine

log = logging.getLogger(__name__)

INTERVAL = 0.05        # seconds between PASSIVE checkpoints
RESTART_EVERY = 1.0    # seconds between checkpoints under the write lock


class WalCheckpointer:
    def __init__(self, engine: Engine, write_lock: AbstractContextManager[Any],
                 interval: float = INTERVAL, restart_every: float = RESTART_EVERY) -> None:
        self.engine = engine
        self.write_lock = write_lock
        self.interval = interval
        self.restart_every = restart_every
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._run, name="calgraph-wal-checkpoint", daemon=True)

    def start(self) -> "WalCheckpointer":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)

    def _run(self) -> None:
        connection: Any = self.engine.raw_connection()
        last_locked = time.monotonic()
        try:
            while not self._stopping.wait(self.interval):
                try:
                    _checkpoint(connection)
                    if time.monotonic() - last_locked >= self.restart_every:
                        with self.write_lock:
                            _checkpoint(connection)
                        last_locked = time.monotonic()
                except Exception:  # a failing database: try again at the next tick
                    log.exception("WAL checkpoint failed")
        finally:
            connection.close()


def _checkpoint(connection: Any) -> None:
    connection.driver_connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
