"""What a resource handler returns: status, JSON body (or none) and extra headers."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Reply:
    status: int = 200
    body: dict[str, Any] | None = None
    headers: dict[str, str] = field(default_factory=dict)


def no_content() -> Reply:
    return Reply(204)
