"""Identifiers and the clock, each behind one injectable object so tests can be deterministic.

Item ids look like Graph's: URL-safe base64 (`-`/`_`, `=` padding) with an `AAMk` prefix. Anything
else offered as an item id is malformed (400 ErrorInvalidIdMalformed), not merely unknown (404).
"""

from __future__ import annotations

import base64
import os
import re
import uuid
from datetime import datetime, timezone
from typing import Callable

ITEM_ID_PREFIX = "AAMk"
_ITEM_ID = re.compile(r"^AAMk[A-Za-z0-9_-]{40,200}={0,2}$")
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
ICAL_UID_PREFIX = "040000008200E00074C5B7101A82E008"


def is_item_id(value: str) -> bool:
    return bool(_ITEM_ID.match(value))


def is_guid(value: str) -> bool:
    return bool(_GUID.match(value))


class Ids:
    """Makes every id calgraph hands out. Pass `random_bytes` to make them reproducible."""

    def __init__(self, random_bytes: Callable[[int], bytes] = os.urandom) -> None:
        self._random = random_bytes

    def item(self) -> str:
        """Events, messages, calendars, calendar groups, mail folders, permissions."""
        raw = self._random(45)
        return ITEM_ID_PREFIX + base64.urlsafe_b64encode(raw).decode().rstrip("=") + "AAA="

    def guid(self) -> str:
        """Users and groups (Entra object ids), class ids, request ids."""
        return str(uuid.UUID(bytes=self._random(16), version=4))

    def change_key(self) -> str:
        return base64.b64encode(self._random(21)).decode()

    def ical_uid(self) -> str:
        return ICAL_UID_PREFIX + "00000000" + self._random(28).hex().upper()


Clock = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(timezone.utc)
