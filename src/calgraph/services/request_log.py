"""The last requests this process answered (Graph routes only), for GET /_calgraph/requests."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from datetime import datetime

SIZE = 2000


@dataclass(frozen=True)
class LoggedRequest:
    method: str
    path: str
    status: int
    caller: str            # a user id, "app:<client id>", or "" before authentication
    duration_ms: float
    at: datetime


class RequestLog:
    def __init__(self, size: int = SIZE) -> None:
        self._entries: deque[LoggedRequest] = deque(maxlen=size)
        self._lock = threading.Lock()
        self.changes = 0        # requests other than GET answered so far (the inspector watches it)

    def add(self, entry: LoggedRequest) -> None:
        with self._lock:
            self._entries.append(entry)
            if entry.method != "GET":
                self.changes += 1

    def newest(self, top: int) -> list[LoggedRequest]:
        with self._lock:
            entries = list(self._entries)
        return entries[::-1][:max(top, 0)]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
