"""Delta tokens: opaque, tamper-proof, valid on every process of one database.

A token is `base64url(payload) "." base64url(HMAC-SHA256(key, payload))` with the key kept in the database.
The payload holds what the round was asked for (the collection, the window, `$select`, `changeType`), the
watermark the changes are counted from (`since`), for a page token the round's end watermark (`upto`) and
where the next page resumes (`cursor`). A delta token is a page token's sibling with `upto` as its `since`.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

from calgraph.core.errors import GraphError

VERSION = 1
TokenKind = Literal["skip", "delta"]
Feed = Literal["calendarView", "events", "messages"]


class InvalidDeltaToken(GraphError):
    status, code = 400, "InvalidDeltaToken"

    def __init__(self, token: str, parameter: str = "$deltaToken") -> None:
        super().__init__(f"The value '{token}' of parameter '{parameter}' is invalid.")


class SyncStateNotFound(GraphError):
    status, code = 410, "SyncStateNotFound"

    def __init__(self, generation: int, highest: int) -> None:
        retained = "".join(f"[{n}]" for n in range(max(highest - 2, 0), highest + 1))
        super().__init__(f"The sync state generation is not found; generation={generation};"
                         f"[highest={highest}]{retained}.")


@dataclass(frozen=True)
class DeltaState:
    feed: Feed
    mailbox_id: str
    collection_id: str                 # calendar id or mail folder id
    since: int                         # changes after this watermark (0 with `initial`)
    initial: bool = False              # the first round: the collection as it is, then changes
    upto: int = 0                      # page tokens: the round's end watermark
    start: str | None = None           # window, as UTC instant text
    end: str | None = None
    select: tuple[str, ...] | None = None
    change_type: str | None = None     # message delta's changeType option
    received: tuple[str, str] | None = None   # message delta's $filter: ("ge" | "gt", UTC instant text)
    cursor: tuple[Any, ...] = field(default=())   # where the next page resumes
    epoch: str = ""                    # the tenant's sync epoch (a reset or restore starts a new one)

    def next_round(self) -> "DeltaState":
        return replace(self, since=self.upto, initial=False, upto=0, cursor=())


def encode(state: DeltaState, key: bytes) -> str:
    values = asdict(state)
    values["v"] = VERSION
    payload = json.dumps(values, separators=(",", ":"), sort_keys=True).encode()
    signature = hmac.new(key, payload, hashlib.sha256).digest()
    return f"{_b64(payload)}.{_b64(signature)}"


def decode(token: str, key: bytes, parameter: str) -> DeltaState:
    """The state a token carries; InvalidDeltaToken when it is unreadable or was not signed here."""
    try:
        head, _, tail = token.partition(".")
        payload, signature = _unb64(head), _unb64(tail)
        if not hmac.compare_digest(hmac.new(key, payload, hashlib.sha256).digest(), signature):
            raise ValueError("bad signature")
        values = json.loads(payload)
        if values.pop("v") != VERSION:
            raise ValueError("version")
        values["select"] = None if values["select"] is None else tuple(values["select"])
        values["cursor"] = tuple(values["cursor"])
        values["received"] = None if values.get("received") is None else tuple(values["received"])
        return DeltaState(**values)
    except (ValueError, TypeError, KeyError, binascii.Error, AttributeError):
        raise InvalidDeltaToken(token, parameter) from None


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    if not text:
        raise ValueError("empty")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
