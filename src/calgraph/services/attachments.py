"""Attachments of events (every route form; a virtual occurrence becomes an exception first) and
messages: list, get, add, delete, the bytes chunk by chunk, and upload sessions. An organizer's
attachments reach the attendees' copies of the meeting whenever they change, and on invitation and update
(sync_copies)."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any

from calgraph.core import attachments as rules
from calgraph.core.errors import InvalidIdMalformed, InvalidRequest, ItemNotFound, NoRawContent
from calgraph.core.model import Attachment, Event, Mailbox, Message
from calgraph.core.permissions import Principal
from calgraph.services import access, delivery
from calgraph.services.item_extras import Item, ItemRef, read_item, write_item
from calgraph.services.runtime import Runtime
from calgraph.store.interface import UnitOfWork


@dataclass(frozen=True)
class Attachments:
    mailbox: Mailbox
    item: Item
    attachments: list[Attachment]


@dataclass(frozen=True)
class NewUpload:
    mailbox: Mailbox
    session: rules.UploadSession
    secret: str


@dataclass(frozen=True)
class UploadStep:
    session: rules.UploadSession
    received: int
    done: bool


def _kind(item: Item) -> str:
    return "event" if isinstance(item, Event) else "message"


def _holder(item: Item) -> str:
    """The id the item's attachments are kept under: a (virtual) occurrence shows its series master's."""
    if isinstance(item, Event) and item.type == "occurrence" and item.series_master_id:
        return item.series_master_id
    return item.id


def _writable(rt: Runtime, uow: UnitOfWork, principal: Principal, ref: ItemRef,
              change: Any) -> tuple[Mailbox, Item]:
    """write_item; a virtual occurrence, stored as an exception by it, takes its master's attachments along
    (occurrence_writes.save)."""
    return write_item(rt, uow, principal, ref, change)


def _one(uow: UnitOfWork, item: Item, attachment_id: str) -> Attachment:
    access.check_item_id(attachment_id)
    found = uow.get_attachment(_kind(item), _holder(item), attachment_id)
    if found is None:
        raise ItemNotFound()
    return found


def list_attachments(rt: Runtime, principal: Principal, ref: ItemRef) -> Attachments:
    with rt.store.unit_of_work() as uow:
        mailbox, item = read_item(uow, principal, ref)
        return Attachments(mailbox, item, uow.list_attachments(_kind(item), _holder(item)))


def get_attachment(rt: Runtime, principal: Principal, ref: ItemRef, attachment_id: str) -> Attachments:
    with rt.store.unit_of_work() as uow:
        mailbox, item = read_item(uow, principal, ref)
        return Attachments(mailbox, item, [_one(uow, item, attachment_id)])


def read_bytes(rt: Runtime, principal: Principal, ref: ItemRef,
               attachment_id: str) -> tuple[Attachment, Iterator[bytes]]:
    """The attachment and its bytes, read chunk by chunk (each in a short unit of work of its own) as the
    caller consumes them. An attached item has none of its own: its content is made from `item`."""
    with rt.store.unit_of_work() as uow:
        _, item = read_item(uow, principal, ref)
        attachment = _one(uow, item, attachment_id)
    if attachment.kind == "reference":
        raise NoRawContent()
    if attachment.kind == "item":
        return attachment, iter(())

    def chunks() -> Iterator[bytes]:
        n = 0
        while True:
            with rt.store.unit_of_work() as uow:
                chunk = uow.read_attachment_chunk(attachment.id, n)
            if chunk is None:
                return
            yield chunk
            n += 1
    return attachment, chunks()


def attachments_of(rt: Runtime, item: Item) -> list[Attachment]:
    """The attachments of an item the caller has already read (for `$expand=attachments`)."""
    with rt.store.unit_of_work() as uow:
        return uow.list_attachments(_kind(item), _holder(item))


def content_of(rt: Runtime, attachment: Attachment) -> bytes:
    """A small file attachment's bytes whole (one the caller has already read; see core.attachments.INLINE_MAX)."""
    parts, n = [], 0
    with rt.store.unit_of_work() as uow:
        while (chunk := uow.read_attachment_chunk(attachment.id, n)) is not None:
            parts.append(chunk)
            n += 1
    return b"".join(parts)


def add_attachment(rt: Runtime, principal: Principal, ref: ItemRef, attachment: dict[str, Any],
                   content: bytes = b"") -> Attachments:
    """`attachment`: Attachment fields but id, mailbox and time; `content`: a file's bytes."""
    with rt.store.unit_of_work(write=True) as uow:
        mailbox, item = _writable(rt, uow, principal, ref, lambda it: {"has_attachments": True})
        made = Attachment(id=rt.ids.item(), mailbox_id=mailbox.id, last_modified=rt.clock(),
                          **{**attachment, "name": rules.check_name(attachment.get("name"))})
        if made.kind == "file":
            rules.check_inline_size(len(content))
            made = made.evolve(size=len(content))
        rules.check_quota(uow.mailbox_attachment_bytes(mailbox.id), made.size, rt.attachment_quota)
        uow.add_attachment(_kind(item), item.id, made)
        uow.add_attachment_chunks(made.id, (content[i:i + rules.CHUNK] for i in range(0, len(content), rules.CHUNK)))
        _copies_follow(rt, uow, item)
        return Attachments(mailbox, item, [made])


def delete_attachment(rt: Runtime, principal: Principal, ref: ItemRef, attachment_id: str) -> None:
    with rt.store.unit_of_work(write=True) as uow:
        _, before = read_item(uow, principal, ref)
        found = _one(uow, before, attachment_id)
        position = [a.id for a in uow.list_attachments(_kind(before), _holder(before))].index(found.id)
        remaining = len(uow.list_attachments(_kind(before), _holder(before))) - 1
        _, item = _writable(rt, uow, principal, ref, lambda it: {"has_attachments": remaining > 0})
        uow.delete_attachment(uow.list_attachments(_kind(item), item.id)[position].id)  # the copy, if copied
        _copies_follow(rt, uow, item)


def create_upload_session(rt: Runtime, principal: Principal, ref: ItemRef, attachment: dict[str, Any]) -> NewUpload:
    with rt.store.unit_of_work(write=True) as uow:
        mailbox, item = _writable(rt, uow, principal, ref, lambda it: {})
        if attachment.get("kind", "file") != "file":
            raise InvalidRequest("An upload session uploads a file attachment.")
        size = rules.check_upload_size(attachment.get("size"))
        uow.delete_expired_upload_sessions(mailbox.id, rt.clock())   # their bytes count no more
        rules.check_quota(uow.mailbox_attachment_bytes(mailbox.id), size, rt.attachment_quota)
        made = Attachment(id=rt.ids.item(), mailbox_id=mailbox.id, last_modified=rt.clock(),
                          **{**attachment, "kind": "file", "name": rules.check_name(attachment.get("name"))})
        secret = secrets.token_urlsafe(32)
        session = rules.UploadSession(rt.ids.item(), made, _kind(item), item.id, rules.token_hash(secret), 0,
                                      rt.clock() + rules.SESSION_IDLE)
        uow.add_upload_session(session)
        return NewUpload(mailbox, session, secret)


def _session(uow: UnitOfWork, rt: Runtime, session_id: str, secret: str,
             for_update: bool = False) -> rules.UploadSession:
    try:
        access.check_item_id(session_id)
    except InvalidIdMalformed:
        raise ItemNotFound() from None
    session = uow.get_upload_session(session_id, for_update=for_update)
    if session is None or not secrets.compare_digest(session.token_hash, rules.token_hash(secret)):
        raise ItemNotFound("The upload session was not found, or the URL's authorization does not match it.")
    if rules.expired(session, rt.clock()):
        raise ItemNotFound("The upload session has expired.")
    return session


def upload_status(rt: Runtime, session_id: str, secret: str) -> rules.UploadSession:
    with rt.store.unit_of_work() as uow:
        return _session(uow, rt, session_id, secret)


def cancel_upload(rt: Runtime, session_id: str, secret: str) -> None:
    with rt.store.unit_of_work(write=True) as uow:
        _session(uow, rt, session_id, secret, for_update=True)
        uow.delete_upload_session(session_id, with_attachment=True)


def check_range(rt: Runtime, session_id: str, secret: str, content_range: str | None, length: int) -> None:
    """Checks a range before its bytes are read (they are checked again when written)."""
    with rt.store.unit_of_work() as uow:
        rules.parse_range(content_range, length, _session(uow, rt, session_id, secret))


def upload_range(rt: Runtime, session_id: str, secret: str, content_range: str | None, body: IO[bytes],
                 length: int) -> UploadStep:
    """One PUT of an upload session: its bytes (read from `body` chunk by chunk) stored in one unit of work;
    the last one completes the attachment, sets hasAttachments and reaches the meeting's copies."""
    with rt.store.unit_of_work(write=True) as uow:
        session = _session(uow, rt, session_id, secret, for_update=True)
        step = rules.parse_range(content_range, length, session)
        written = uow.add_attachment_chunks(session.attachment.id, iter(lambda: body.read(rules.CHUNK), b""))
        if written != step.length:
            raise rules.InvalidRange(f"The request body held {written} bytes, the Content-Range {step.length}.")
        received = session.received + written
        if not uow.advance_upload_session(session, received, rt.clock() + rules.SESSION_IDLE):
            raise rules.InvalidRange("Another range of this upload was stored meanwhile; ask for the session's "
                                     "nextExpectedRanges.")
        done = received == session.attachment.size
        if done:
            _complete(rt, uow, session)
        return UploadStep(session, received, done)


def _complete(rt: Runtime, uow: UnitOfWork, session: rules.UploadSession) -> None:
    uow.complete_attachment(session.attachment.id)
    uow.delete_upload_session(session.id, with_attachment=False)
    if session.item_kind == "event":
        event = uow.get_event(session.attachment.mailbox_id, session.item_id, for_update=True)
        if event is not None:
            updated = event.evolve(has_attachments=True, change_key=rt.ids.change_key(), last_modified=rt.clock())
            uow.update_event(updated, expected_change_key=event.change_key)
            _copies_follow(rt, uow, updated)
    else:
        message = uow.get_message(session.attachment.mailbox_id, session.item_id, for_update=True)
        if message is not None:
            uow.update_message(message.evolve(has_attachments=True, change_key=rt.ids.change_key(),
                                              last_modified=rt.clock()), expected_change_key=message.change_key)


def _copies_follow(rt: Runtime, uow: UnitOfWork, item: Item) -> None:
    if isinstance(item, Event) and item.is_organizer and item.attendees:
        sync_copies(rt, uow, item, changed=True)


def sync_copies(rt: Runtime, uow: UnitOfWork, meeting: Event, sent: Iterable[Message] = (),
                changed: bool = False) -> None:
    """The attendees' copies of the organizer's `meeting` hold the same attachments as it does, and so do
    the meeting requests among `sent` (the messages the change just delivered). Unless the attachments
    `changed`, a meeting without any has nothing to do (each change of them was synced when made)."""
    ours = uow.list_attachments("event", meeting.id)
    if not ours and not changed:
        return
    for message in sent:
        if ours and message.kind == "eventMessageRequest":
            uow.copy_attachments("event", meeting.id, "message", message.id, message.mailbox_id,
                                 (rt.ids.item() for _ in ours))
            uow.update_message(message.evolve(has_attachments=True), expected_change_key=message.change_key)
    for copy in delivery.copies_of(uow, meeting).values():
        theirs = uow.list_attachments("event", copy.id)
        if [(a.name, a.size, a.last_modified) for a in theirs] == [(a.name, a.size, a.last_modified) for a in ours]:
            continue
        uow.delete_attachments("event", copy.id)
        uow.copy_attachments("event", meeting.id, "event", copy.id, copy.mailbox_id, (rt.ids.item() for _ in ours))
        current = uow.get_event(copy.mailbox_id, copy.id, for_update=True)
        if current is not None and current.has_attachments != bool(ours):
            uow.update_event(current.evolve(has_attachments=bool(ours), change_key=rt.ids.change_key(),
                                            last_modified=rt.clock()), expected_change_key=current.change_key)
