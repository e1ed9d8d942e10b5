"""What a resource handler returns: status, JSON body (or none) and extra headers."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Iterator


@dataclass
class Reply:
    status: int = 200
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    stream: Iterator[bytes] | None = None     # raw bytes instead of JSON (an attachment's $value)


def no_content() -> Reply:
    return Reply(204)


class Encoded:
    """A body value given as JSON text already: the array of these items' texts (a long collection's
    `value`, made item by item with render_text), written into the reply as it is."""

    __slots__ = ("items",)

    def __init__(self, items: list[str]) -> None:
        self.items = items


def encode_body(body: dict[str, Any]) -> str | bytes:
    """The reply's JSON text: compact, UTF-8 (not ASCII-escaped); Encoded values as they are (then as
    bytes, joined once: a page of a year's view is megabytes, and each copy of it costs)."""
    if not any(type(value) is Encoded for value in body.values()):
        return dumps(body)
    parts: list[bytes] = []
    for name, value in body.items():
        parts.append(f',{dumps(name)}:'.encode())
        if type(value) is Encoded:
            items = [text.encode() for text in value.items]
            parts.append(b"[")
            parts += [item for text in items for item in (b",", text)][1:]
            parts.append(b"]")
        else:
            parts.append(dumps(value).encode())
    parts[0] = b"{" + parts[0][1:]
    parts.append(b"}")
    return b"".join(parts)


def dumps(value: Any) -> str:
    """Compact JSON text, UTF-8 (not ASCII-escaped): how every reply body is encoded."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
