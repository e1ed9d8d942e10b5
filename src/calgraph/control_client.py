"""A request to a running server's control API (`/_calgraph`), as `calgraph control …` and the pytest
plugin send it."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any


class ControlRefused(Exception):
    """The server answered with an error status."""

    def __init__(self, status: int, message: str | None, reason: str, body: str) -> None:
        super().__init__(f"{status} {message or reason}")
        self.status = status
        self.message = message   # Graph's envelope's message, when the answer held one
        self.reason = reason
        self.body = body


def call(origin: str, admin_token: str, method: str, path: str, body: Any = None) -> Any:
    """The JSON answer (None for an empty one); ControlRefused for an error status, URLError or OSError
    when no server answers."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{origin}/_calgraph{path}", data=data, method=method, headers={
        "Authorization": f"Bearer {admin_token}", "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=120) as answer:
            text = answer.read()
    except urllib.error.HTTPError as error:
        raw = error.read().decode(errors="replace")
        try:
            message = json.loads(raw)["error"]["message"]
        except (ValueError, KeyError, TypeError):
            message = None
        raise ControlRefused(error.code, message, str(error.reason), raw) from None
    return json.loads(text) if text else None
