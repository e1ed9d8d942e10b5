"""What the code under test caused: the meeting messages delivered, the tenant's mailboxes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from calgraph.core.errors import InvalidUser
from calgraph.core.model import Mailbox, Message
from calgraph.core.query import ItemQuery
from calgraph.store.interface import Store

MAX_MESSAGES = 1000


@dataclass(frozen=True)
class DeliveredMessage:
    message: Message
    mailbox: Mailbox
    folder: str


def meeting_messages(store: Store, mailbox: str | None = None, message_type: str | None = None,
                     since: datetime | None = None, top: int = MAX_MESSAGES) -> list[DeliveredMessage]:
    """Meeting messages delivered (not the senders' copies in Sent Items), newest first; `message_type` a
    meetingMessageType (either spelling of tentative)."""
    wanted = None if not message_type else message_type.replace("Tenatively", "Tentatively").lower()
    with store.unit_of_work() as uow:
        owner = None
        if mailbox:
            owner = uow.get_mailbox(mailbox.strip())
            if owner is None:
                raise InvalidUser(mailbox)
        found = uow.list_meeting_messages(owner.id if owner else None, since, MAX_MESSAGES)
        folders: dict[str, str] = {}
        sent: set[str] = set()
        out = []
        for message in found:
            if wanted and (message.meeting is None or message.meeting.message_type.lower() != wanted):
                continue
            box = owner or uow.get_mailbox(message.mailbox_id)
            if box is None:
                continue
            if message.folder_id not in folders:
                for folder in uow.list_mail_folders(message.mailbox_id):
                    folders[folder.id] = folder.display_name
                    if (folder.well_known_name or "").lower() == "sentitems":
                        sent.add(folder.id)
            if message.folder_id in sent:
                continue
            out.append(DeliveredMessage(message, box, folders.get(message.folder_id, "")))
            if len(out) >= top:
                break
        return out


def mailboxes(store: Store) -> list[Mailbox]:
    query = ItemQuery(top=100_000)
    with store.unit_of_work() as uow:
        return [*uow.list_mailboxes("user", query).items, *uow.list_mailboxes("group", query).items]


def caller_names(store: Store, callers: set[str]) -> dict[str, str]:
    """User ids of the request log -> addresses (those still known)."""
    names = {}
    with store.unit_of_work() as uow:
        for caller in callers:
            if caller and not caller.startswith("app:"):
                box = uow.get_mailbox(caller)
                if box is not None:
                    names[caller] = box.address
    return names
