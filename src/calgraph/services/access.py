"""Finding a mailbox, calendar or calendar group from the keys a client used, and deciding
whether the principal may touch it (rules in calgraph.core.permissions)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from calgraph.core import ids as idlib
from calgraph.core import permissions
from calgraph.core.errors import (
    AccessDenied,
    AppOnlyMe,
    InvalidIdMalformed,
    InvalidUser,
    ItemNotFound,
    ResourceNotFound,
)
from calgraph.core.model import Calendar, CalendarGroup, Mailbox
from calgraph.core.permissions import Principal
from calgraph.services.tokens import TENANT_SETTING
from calgraph.store.interface import UnitOfWork

DEFAULT = "@default"
Need = Literal["readBasic", "read", "write"]


def owner_mailbox(uow: UnitOfWork, principal: Principal, kind: str, key: str | None) -> Mailbox:
    """The mailbox named by /me, /users/{id | userPrincipalName} or /groups/{id}."""
    if kind == "me":
        if principal.is_app or principal.user_id is None:
            raise AppOnlyMe()
        mailbox = uow.get_mailbox(principal.user_id)
        if mailbox is None:
            raise InvalidUser(principal.user_id)
        return mailbox
    assert key is not None
    if idlib.is_guid(key):
        key = key.lower()  # object ids are GUIDs, matched case-insensitively (stored lower-case)
    mailbox = uow.get_mailbox(key)
    if kind == "user":
        if mailbox is None or mailbox.kind not in ("user", "room"):   # a room mailbox is a user too
            raise InvalidUser(_user_label(uow, key))
        return mailbox
    if mailbox is None or mailbox.kind != "group":
        raise ResourceNotFound(key)
    return mailbox


def _user_label(uow: UnitOfWork, key: str) -> str:
    """How ErrorInvalidUser names the user: as given, or `{objectId}@{tenantId}` for a GUID (§3.10)."""
    tenant = uow.get_setting(TENANT_SETTING) if idlib.is_guid(key) else None
    return f"{key}@{tenant}" if tenant else key


def check_item_id(value: str) -> str:
    if not idlib.is_item_id(value):
        raise InvalidIdMalformed()
    return value


def calendar_group(uow: UnitOfWork, mailbox: Mailbox, key: str) -> CalendarGroup:
    if key == DEFAULT:
        group = uow.default_calendar_group(mailbox.id)
    else:
        group = uow.get_calendar_group(mailbox.id, check_item_id(key))
    if group is None:
        raise ItemNotFound()
    return group


def calendar(uow: UnitOfWork, mailbox: Mailbox, key: str, group_key: str | None = None) -> Calendar:
    """The calendar named by /calendar, /calendars/{id} or .../calendarGroups/{gid}/calendars/{id}."""
    group = calendar_group(uow, mailbox, group_key) if group_key is not None else None
    if key == DEFAULT:
        found = uow.default_calendar(mailbox.id)
    else:
        found = uow.get_calendar(mailbox.id, check_item_id(key))
    if found is None or (group is not None and found.calendar_group_id != group.id):
        raise ItemNotFound()
    return found


def require_calendar(uow: UnitOfWork, principal: Principal, mailbox: Mailbox,
                     cal: Calendar | None, need: Need) -> None:
    """May the principal `need` this calendar (or, with `cal=None`, the mailbox's calendars)?"""
    shared_role = None
    if uses_shared_role(principal, mailbox):
        shared_role = _shared_role(uow, principal, mailbox, cal)
    is_member = (
        mailbox.kind == "group"
        and principal.user_id is not None
        and uow.is_group_member(mailbox.id, principal.user_id)
    )
    permissions.require_calendar(principal, mailbox, need, shared_role=shared_role, is_member=is_member)


def uses_shared_role(principal: Principal, mailbox: Mailbox) -> bool:
    """Does the principal's right to this mailbox's calendars come from what was shared with them?"""
    return not principal.is_app and mailbox.kind == "user" and principal.user_id != mailbox.id


def is_own_or_app(principal: Principal, mailbox: Mailbox) -> bool:
    return principal.is_app or principal.user_id == mailbox.id


def shared_calendars(uow: UnitOfWork, principal: Principal, mailbox: Mailbox) -> list[Calendar]:
    """The calendars of another user's mailbox that are shared with the principal."""
    me = uow.get_mailbox(principal.user_id) if principal.user_id else None
    if me is None:
        return []
    shared = []
    for cal in uow.list_calendars(mailbox.id):
        if _role_for(uow, cal.id, me.address) is not None:
            shared.append(cal)
    return shared


def _shared_role(uow: UnitOfWork, principal: Principal, mailbox: Mailbox, cal: Calendar | None) -> str | None:
    me = uow.get_mailbox(principal.user_id) if principal.user_id else None
    if me is None:
        raise AccessDenied()
    target = cal.id if cal is not None else uow.default_calendar_id(mailbox.id)
    return _role_for(uow, target, me.address) if target else None


def _role_for(uow: UnitOfWork, calendar_id: str, address: str) -> str | None:
    for perm in uow.list_calendar_permissions(calendar_id):
        if perm.email.address.lower() == address.lower():
            return perm.role
    return None
