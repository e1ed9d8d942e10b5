"""PidTagConversationIndex in Exchange's layout, as Graph's `conversationIndex` (base64).

A thread's index starts with a 22-byte header: a reserved 0x01 byte, the 5 high bytes of the FILETIME
(100 ns since 1601) when the thread began, and the thread's GUID. Each message that continues the
thread appends a 5-byte child block: a 1-bit code and 31 bits of the time since the header (bits 18-48
of the difference, or bits 23-53 with the code set when it does not fit), 4 random bits and a 4-bit
sequence count. A meeting's thread begins when the event is created (its GUID follows the meeting's
iCalUId, so every copy agrees): the first request carries the header alone; an update, a cancel or a
forward notice one child block after it; an answer one block after the request it answers (an attendee's
copy keeps the index of the last request it got)."""

from __future__ import annotations

import base64
import uuid
from datetime import datetime, timezone

_EPOCH = datetime(1601, 1, 1, tzinfo=timezone.utc)
_NAMESPACE = uuid.UUID("6a1c2f4e-9d3b-4c55-8a0e-3b7f0c1d2e4f")
HEADER_BYTES = 22
CHILD_BYTES = 5


def filetime(instant: datetime) -> int:
    delta = instant.astimezone(timezone.utc) - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 10_000_000 + delta.microseconds * 10


def thread_guid(ical_uid: str) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, ical_uid.upper())


def header(started: datetime, guid: uuid.UUID) -> bytes:
    return b"\x01" + (filetime(started) >> 24).to_bytes(5, "big") + guid.bytes


def child(head: bytes, at: datetime, random_nibble: int = 0, sequence: int = 0) -> bytes:
    """The child block of a message sent `at`, continuing a thread whose header is `head`."""
    base = int.from_bytes(head[1:6], "big") << 24
    delta = max(filetime(at) - base, 0)
    if delta < 1 << 49:
        value = (delta >> 18) & 0x7FFFFFFF
    else:
        value = (1 << 31) | ((delta >> 23) & 0x7FFFFFFF)
    return value.to_bytes(4, "big") + bytes([((random_nibble & 0xF) << 4) | (sequence & 0xF)])


def encode(index: bytes) -> str:
    return base64.b64encode(index).decode()


def decode(text: str) -> bytes:
    return base64.b64decode(text)


def continued(parent: bytes, at: datetime) -> bytes:
    """`parent` and the child block of a message sent `at` (its 4 "random" bits taken from `at`, so the
    organizer's update and the attendee's copy it updates agree on them)."""
    sequence = (len(parent) - HEADER_BYTES) // CHILD_BYTES
    return parent + child(parent[:HEADER_BYTES], at, at.microsecond & 0xF, sequence)
