"""Mail folders and messages. Meeting messages land here; clients read, mark read, delete them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from calgraph.core import permissions
from calgraph.core.errors import ItemNotFound
from calgraph.core.model import Event, ItemBody, MailFolder, Mailbox, Message
from calgraph.core.permissions import Principal
from calgraph.core.query import MAX_PAGE_SIZE, Compare, ItemQuery, Page, Prop, Value
from calgraph.core.events import item_extras
from calgraph.core.scheduling import conversation
from calgraph.services import access
from calgraph.services.runtime import Runtime
from calgraph.store.interface import UnitOfWork


@dataclass(frozen=True)
class FolderInfo:
    folder: MailFolder
    total: int
    unread: int


@dataclass(frozen=True)
class Folders:
    mailbox: Mailbox
    folders: list[FolderInfo]


@dataclass(frozen=True)
class Messages:
    mailbox: Mailbox
    page: Page[Message]
    events: dict[str, Event] = field(default_factory=dict)  # a meeting message's `event`, when expanded
    # A folder that also holds calendar items (Deleted Items after a cancel or decline): all of them,
    # newest first, for the caller to filter and page in memory; None otherwise.
    everything: list[Message | Event] | None = None


@dataclass(frozen=True)
class OneMessage:
    mailbox: Mailbox
    message: Message
    events: dict[str, Event] = field(default_factory=dict)


_UNREAD = Compare("eq", Prop("isRead"), Value(False))


def list_folders(rt: Runtime, principal: Principal, owner_kind: str, owner_key: str | None) -> Folders:
    with rt.store.unit_of_work() as uow:
        mailbox = _mailbox(uow, principal, owner_kind, owner_key, "read")
        return Folders(mailbox, [_info(uow, f) for f in uow.list_mail_folders(mailbox.id)])


def get_folder(rt: Runtime, principal: Principal, owner_kind: str, owner_key: str | None, key: str) -> tuple[Mailbox, FolderInfo]:
    with rt.store.unit_of_work() as uow:
        mailbox = _mailbox(uow, principal, owner_kind, owner_key, "read")
        return mailbox, _info(uow, _folder(uow, mailbox, key))


def list_messages(rt: Runtime, principal: Principal, owner_kind: str, owner_key: str | None,
                  folder_key: str | None, query: ItemQuery, with_events: bool = False) -> Messages:
    with rt.store.unit_of_work() as uow:
        mailbox = _mailbox(uow, principal, owner_kind, owner_key, "read")
        folder_id = _folder(uow, mailbox, folder_key).id if folder_key else None
        moved = uow.query_folder_events(folder_id) if folder_id else []
        if moved:
            messages = _all_messages(uow, mailbox.id, folder_id)
            everything: list[Message | Event] = sorted(
                [*messages, *moved], key=lambda item: _arrived(item), reverse=True)
            events = _events(uow, mailbox, messages) if with_events else {}
            return Messages(mailbox, Page(), events, everything)
        page = uow.query_messages(mailbox.id, folder_id, query)
        return Messages(mailbox, page, _events(uow, mailbox, page.items) if with_events else {})


def _all_messages(uow: UnitOfWork, mailbox_id: str, folder_id: str | None) -> list[Message]:
    out: list[Message] = []
    while True:
        page = uow.query_messages(mailbox_id, folder_id, ItemQuery(top=MAX_PAGE_SIZE, skip=len(out)))
        out.extend(page.items)
        if not page.has_more or not page.items:
            return out


def _arrived(item: Message | Event) -> datetime:
    if isinstance(item, Message):
        return item.received or item.created
    return item.last_modified


def get_message(rt: Runtime, principal: Principal, owner_kind: str, owner_key: str | None,
                folder_key: str | None, message_id: str, with_events: bool = False) -> OneMessage:
    with rt.store.unit_of_work() as uow:
        mailbox = _mailbox(uow, principal, owner_kind, owner_key, "read")
        message = _message(uow, mailbox, folder_key, message_id)
        return OneMessage(mailbox, message, _events(uow, mailbox, [message]) if with_events else {})


def _events(uow: UnitOfWork, mailbox: Mailbox, items: list[Message]) -> dict[str, Event]:
    """The events meeting messages link to (the recipient's own copy), where they still exist."""
    found: dict[str, Event] = {}
    for message in items:
        if message.event_id and message.event_id not in found:
            event = uow.get_event(mailbox.id, message.event_id)
            if event is not None:
                found[event.id] = event
    return found


def create_message(rt: Runtime, principal: Principal, owner_kind: str, owner_key: str | None,
                   folder_key: str | None, values: dict[str, Any]) -> OneMessage:
    """A new draft, in Drafts or in the folder named by the path."""
    with rt.store.unit_of_work(write=True) as uow:
        mailbox = _mailbox(uow, principal, owner_kind, owner_key, "write")
        folder = _folder(uow, mailbox, folder_key or "drafts")
        now = rt.clock()
        extras = {k: values.pop(k) for k in _EXTRAS if k in values}
        message = Message(
            id=rt.ids.item(), mailbox_id=mailbox.id, folder_id=folder.id, change_key=rt.ids.change_key(),
            created=now, last_modified=now, received=now, sent=None, is_draft=True,
            sender=mailbox.email, conversation_id=rt.ids.item(),
            conversation_index=conversation.encode(conversation.header(now, uuid.UUID(rt.ids.guid()))),
            internet_message_id=f"<{rt.ids.guid()}@calgraph>", **{"is_read": True, **values},
        )
        message = message.evolve(**item_extras(message, extras))
        uow.add_message(message)
        return OneMessage(mailbox, message)


def update_message(rt: Runtime, principal: Principal, owner_kind: str, owner_key: str | None,
                   folder_key: str | None, message_id: str, values: dict[str, Any]) -> OneMessage:
    with rt.store.unit_of_work(write=True) as uow:
        mailbox = _mailbox(uow, principal, owner_kind, owner_key, "write")
        message = _message(uow, mailbox, folder_key, message_id, for_update=True)
        if not message.is_draft:  # a sent or received message only changes its flags
            values = {k: v for k, v in values.items() if k in ("is_read", "importance", *_EXTRAS)}
        values.update(item_extras(message, values))
        updated = message.evolve(**values, change_key=rt.ids.change_key(), last_modified=rt.clock())
        uow.update_message(updated, expected_change_key=message.change_key)
        return OneMessage(mailbox, updated)


def delete_message(rt: Runtime, principal: Principal, owner_kind: str, owner_key: str | None,
                   folder_key: str | None, message_id: str) -> None:
    """Moves the message to Deleted Items; deleting it there removes it for good."""
    with rt.store.unit_of_work(write=True) as uow:
        mailbox = _mailbox(uow, principal, owner_kind, owner_key, "write")
        message = _message(uow, mailbox, folder_key, message_id, for_update=True)
        trash = _folder(uow, mailbox, "deleteditems")
        if message.folder_id == trash.id:
            uow.delete_message(mailbox.id, message.id)
        else:
            moved = message.evolve(folder_id=trash.id, change_key=rt.ids.change_key(), last_modified=rt.clock())
            uow.update_message(moved, expected_change_key=message.change_key)


_EXTRAS = ("extensions", "single_value_properties", "multi_value_properties")


def owner_for(uow: UnitOfWork, principal: Principal, owner_kind: str, owner_key: str | None,
              need: str) -> Mailbox:
    """The mailbox a message path names, with the mail permission `need` ("read" / "write") checked."""
    return _mailbox(uow, principal, owner_kind, owner_key, need)


def message_of(uow: UnitOfWork, mailbox: Mailbox, folder_key: str | None, message_id: str,
               for_update: bool = False) -> Message:
    return _message(uow, mailbox, folder_key, message_id, for_update)


def _mailbox(uow: UnitOfWork, principal: Principal, owner_kind: str, owner_key: str | None,
             need: str) -> Mailbox:
    mailbox = access.owner_mailbox(uow, principal, owner_kind, owner_key)
    permissions.require_mail(principal, mailbox, need)  # type: ignore[arg-type]
    return mailbox


def _folder(uow: UnitOfWork, mailbox: Mailbox, key: str) -> MailFolder:
    folder = uow.get_mail_folder(mailbox.id, key)
    if folder is None:
        raise ItemNotFound()
    return folder


def _message(uow: UnitOfWork, mailbox: Mailbox, folder_key: str | None, message_id: str,
             for_update: bool = False) -> Message:
    access.check_item_id(message_id)
    message = uow.get_message(mailbox.id, message_id, for_update=for_update)
    if message is None or (folder_key and message.folder_id != _folder(uow, mailbox, folder_key).id):
        raise ItemNotFound()
    return message


def _info(uow: UnitOfWork, folder: MailFolder) -> FolderInfo:
    total = uow.query_messages(folder.mailbox_id, folder.id, ItemQuery(top=0, count=True)).total or 0
    total += len(uow.query_folder_events(folder.id))
    unread = uow.query_messages(folder.mailbox_id, folder.id, ItemQuery(_UNREAD, top=0, count=True)).total or 0
    return FolderInfo(folder, total, unread)
