"""The rules of attachments: sizes, the mailbox quota, upload sessions and their Content-Range steps.

A file given inline (contentBytes) holds at most 3 MB; bigger ones, up to 150 MB, go through an upload
session: its URL carries its own secret (no bearer token), takes the bytes in order in ranges
(`Content-Range: bytes {first}-{last}/{size}`), answers the next expected range after each, and expires
when left idle. A mailbox's attachments hold at most its quota of bytes."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from calgraph.core.errors import InvalidRequest
from calgraph.core.item_errors import AttachmentTooLarge, QuotaExceeded
from calgraph.core.model import Attachment

MB = 1024 * 1024
INLINE_MAX = 3 * MB
UPLOAD_MAX = 150 * MB
CHUNK = 1 * MB                      # bytes per stored chunk, at most
DEFAULT_QUOTA = 2 * 1024 * MB       # per mailbox
SESSION_IDLE = timedelta(hours=1)   # an upload session expires this long after its last range
MAX_NAME = 255

_RANGE = re.compile(r"^\s*bytes\s+(\d{1,12})-(\d{1,12})/(\d{1,12})\s*$", re.IGNORECASE)


class InvalidRange(InvalidRequest):
    status, code = 416, "InvalidRange"


def check_name(name: str | None) -> str:
    if not name or not name.strip():
        raise InvalidRequest("An attachment needs a name.")
    if len(name) > MAX_NAME:
        raise InvalidRequest(f"An attachment's name is at most {MAX_NAME} characters.")
    return name


def check_inline_size(size: int) -> None:
    if size > INLINE_MAX:
        raise AttachmentTooLarge(f"An attachment given in the request body is at most {INLINE_MAX} bytes "
                                 "(3 MB); use createUploadSession for bigger files.")


def check_upload_size(size: int | None) -> int:
    if not isinstance(size, int) or size < 1:
        raise InvalidRequest("The size of the attachment to upload (at least one byte) is required.")
    if size > UPLOAD_MAX:
        raise AttachmentTooLarge(f"An attachment is at most {UPLOAD_MAX} bytes (150 MB).")
    return size


def check_quota(used: int, adding: int, quota: int) -> None:
    if used + adding > quota:
        raise QuotaExceeded()


def token_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class UploadSession:
    id: str
    attachment: Attachment
    item_kind: str           # "event" | "message"
    item_id: str
    token_hash: str
    received: int
    expires: datetime


@dataclass(frozen=True)
class Range:
    first: int
    last: int
    total: int

    @property
    def length(self) -> int:
        return self.last - self.first + 1


def parse_range(header: str | None, length: int, session: UploadSession) -> Range:
    """A PUT's Content-Range, checked against the session: in order, no gap, no overlap, the size declared."""
    found = _RANGE.match(header or "")
    if found is None:
        raise InvalidRange("The Content-Range header is missing or malformed; expected 'bytes {first}-{last}/{size}'.")
    first, last, total = (int(g) for g in found.groups())
    size = session.attachment.size
    if total != size:
        raise InvalidRange(f"The Content-Range total {total} is not the size of the upload session ({size}).")
    if last < first or last >= size:
        raise InvalidRange(f"The range {first}-{last} is not within the upload's {size} bytes.")
    if first != session.received:
        what = "overlaps bytes already received" if first < session.received else "leaves a gap"
        raise InvalidRange(f"The range {first}-{last} {what}; the next expected range starts at {session.received}.")
    if length != last - first + 1:
        raise InvalidRange(f"The request body holds {length} bytes, the Content-Range {last - first + 1}.")
    return Range(first, last, total)


def next_expected(received: int, size: int) -> list[str]:
    return [] if received >= size else [str(received)]


def expired(session: UploadSession, now: datetime) -> bool:
    return now >= session.expires
