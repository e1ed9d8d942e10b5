"""Users and groups: provisioning a mailbox with its default folders, listing them.

A user gets the calendar group "My Calendars" holding the default calendar "Calendar"; a group gets
one calendar "Calendar" outside any calendar group. Both get Inbox, Sent Items, Deleted Items, Drafts.
"""

from __future__ import annotations

import re
from typing import Iterable

from calgraph.core.errors import InvalidParameter, InvalidRequest
from calgraph.core.ids import Clock, Ids
from calgraph.core.model import Calendar, CalendarGroup, MailboxKind, MailFolder, Mailbox
from calgraph.core.query import MAX_PAGE_SIZE, ItemQuery
from calgraph.store.interface import UnitOfWork

# Outlook's class id of the default "My Calendars" group (the same in every mailbox)
DEFAULT_CALENDAR_GROUP_CLASS_ID = "0006f0b7-0000-0000-c000-000000000046"
DEFAULT_CALENDAR_GROUP_NAME = "My Calendars"
DEFAULT_CALENDAR_NAME = "Calendar"
MAIL_FOLDERS = (
    ("Inbox", "inbox"), ("Sent Items", "sentitems"), ("Deleted Items", "deleteditems"), ("Drafts", "drafts"),
)

_ADDRESS = re.compile(r"^[^@\s]+@[^@\s.][^@\s]*$")


def normalize_address(address: str) -> str:
    """Strip blanks and check `local@domain`; InvalidParameter otherwise."""
    address = address.strip()
    if not _ADDRESS.match(address) or address.endswith("."):
        raise InvalidParameter(f"'{address}' is not a valid email address.")
    return address


def _new_mailbox(uow: UnitOfWork, ids: Ids, clock: Clock, kind: MailboxKind, address: str,
                 name: str | None) -> Mailbox:
    address = normalize_address(address)
    existing = uow.get_mailbox(address)
    if existing is not None:
        raise InvalidRequest(f"A {existing.kind} with the address '{existing.address}' already exists.")
    display = (name or "").strip() or address.split("@", 1)[0]
    mailbox = Mailbox(id=ids.guid(), kind=kind, address=address, display_name=display, created=clock())
    uow.add_mailbox(mailbox)
    for folder_name, well_known in MAIL_FOLDERS:
        uow.add_mail_folder(MailFolder(ids.item(), mailbox.id, folder_name, well_known))
    return mailbox


def add_user(uow: UnitOfWork, ids: Ids, clock: Clock, address: str, name: str | None = None) -> Mailbox:
    """Create a user mailbox with its default calendar group, calendar and mail folders."""
    return _add_person_like(uow, ids, clock, "user", address, name)


def add_resource_mailbox(uow: UnitOfWork, ids: Ids, clock: Clock, address: str, name: str | None) -> Mailbox:
    """A room's mailbox: set up as a user's (calendar group, calendar, folders), of kind room."""
    return _add_person_like(uow, ids, clock, "room", address, name)


def _add_person_like(uow: UnitOfWork, ids: Ids, clock: Clock, kind: MailboxKind, address: str,
                     name: str | None) -> Mailbox:
    user = _new_mailbox(uow, ids, clock, kind, address, name)
    group = CalendarGroup(
        id=ids.item(), mailbox_id=user.id, name=DEFAULT_CALENDAR_GROUP_NAME,
        class_id=DEFAULT_CALENDAR_GROUP_CLASS_ID, change_key=ids.change_key(), is_default=True,
    )
    uow.add_calendar_group(group)
    uow.add_calendar(Calendar(
        id=ids.item(), mailbox_id=user.id, name=DEFAULT_CALENDAR_NAME, change_key=ids.change_key(),
        calendar_group_id=group.id, is_default=True,
    ))
    return user


def add_group(uow: UnitOfWork, ids: Ids, clock: Clock, address: str, name: str,
              member_addresses: Iterable[str] = ()) -> Mailbox:
    """Create a Microsoft 365 group with one calendar, mail folders and members (existing users)."""
    members: dict[str, Mailbox] = {}
    for member_address in member_addresses:
        member = uow.get_mailbox(member_address.strip())
        if member is None or member.kind != "user":
            raise InvalidRequest(f"The member '{member_address}' is not an existing user.")
        members[member.id] = member
    group = _new_mailbox(uow, ids, clock, "group", address, name)
    uow.add_calendar(Calendar(
        id=ids.item(), mailbox_id=group.id, name=DEFAULT_CALENDAR_NAME, change_key=ids.change_key(),
        calendar_group_id=None, is_default=True,
    ))
    for member_id in members:
        uow.add_group_member(group.id, member_id)
    return group


def list_mailboxes(uow: UnitOfWork, kind: MailboxKind) -> list[Mailbox]:
    """Every user (or group), in creation order."""
    out: list[Mailbox] = []
    while True:
        page = uow.list_mailboxes(kind, ItemQuery(top=MAX_PAGE_SIZE, skip=len(out)))
        out.extend(page.items)
        if not page.has_more or not page.items:
            return out


def list_users(uow: UnitOfWork) -> list[Mailbox]:
    return [m for m in list_mailboxes(uow, "user") if m.kind == "user"]   # room mailboxes: `rooms list`


def list_groups(uow: UnitOfWork) -> list[Mailbox]:
    return list_mailboxes(uow, "group")
