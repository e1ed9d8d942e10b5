"""A webhook receiver for tests: as a Transport (in process, no sockets) it answers the validation
handshake by echoing the token and records every notification POST."""

from __future__ import annotations

import json
import threading
from collections import deque
from typing import Any
from urllib.parse import parse_qs, urlsplit


class Receiver:
    def __init__(self) -> None:
        self.posts: list[tuple[str, dict[str, Any], str]] = []     # (url, body, content type)
        self.validations: list[str] = []
        self.answers: deque[int] = deque()      # statuses for the next notification POSTs (default 202)
        self.validation_answer: tuple[int, str | None] | None = None   # (status, body) instead of the echo
        self.failing: set[str] = set()          # URLs answered 500 for now
        self.lock = threading.Lock()

    def post(self, url: str, body: bytes, content_type: str, timeout: float) -> tuple[int, str]:
        token = parse_qs(urlsplit(url).query).get("validationToken")
        with self.lock:
            if token:
                self.validations.append(url)
                assert body == b"" and content_type == "text/plain; charset=utf-8"
                if self.validation_answer is not None:
                    status, text = self.validation_answer
                    if status == -1:
                        raise TimeoutError("slow")
                    return status, text if text is not None else token[0]
                return 200, token[0]
            self.posts.append((url, json.loads(body), content_type))
            if url in self.failing:
                return 500, ""
            return (self.answers.popleft() if self.answers else 202), ""

    def notifications(self) -> list[dict[str, Any]]:
        with self.lock:
            return [item for _, body, _ in self.posts for item in body["value"]]

    def clear(self) -> None:
        with self.lock:
            self.posts.clear()
