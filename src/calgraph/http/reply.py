"""What a resource handler returns: status, JSON body (or none) and extra headers."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Reply:
    status: int = 200
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)


def no_content() -> Reply:
    return Reply(204)


class Encoded(str):
    """A body value given as its JSON text already (a long collection's `value`, made item by item with
    render.encode), written into the reply as it is."""


def encode_body(body: dict[str, Any]) -> str:
    """The reply's JSON text: compact, UTF-8 (not ASCII-escaped); Encoded values as they are."""
    if not any(type(value) is Encoded for value in body.values()):
        return json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return "{" + ",".join(
        f"{_dumps(name)}:{value if type(value) is Encoded else _dumps(value)}" for name, value in body.items()) + "}"


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
