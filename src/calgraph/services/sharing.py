"""Calendar sharing: the owner (or an application) manages who may read or write a calendar."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from calgraph.core.errors import AccessDenied, FolderExists, InvalidParameter, ItemNotFound
from calgraph.core.model import Calendar, CalendarPermission, EmailAddress, Mailbox
from calgraph.core.permissions import Principal
from calgraph.services import access
from calgraph.services.runtime import Runtime
from calgraph.store.interface import UnitOfWork


@dataclass(frozen=True)
class Permissions:
    mailbox: Mailbox
    calendar: Calendar
    permissions: list[CalendarPermission]


@dataclass(frozen=True)
class OnePermission:
    mailbox: Mailbox
    calendar: Calendar
    permission: CalendarPermission


def list_permissions(rt: Runtime, principal: Principal, owner_kind: str, owner_key: str | None,
                     calendar_key: str, group_key: str | None) -> Permissions:
    with rt.store.unit_of_work() as uow:
        mailbox, cal = _owned_calendar(uow, principal, owner_kind, owner_key, calendar_key, group_key, "read")
        return Permissions(mailbox, cal, uow.list_calendar_permissions(cal.id))


def get_permission(rt: Runtime, principal: Principal, owner_kind: str, owner_key: str | None,
                   calendar_key: str, group_key: str | None, permission_id: str) -> OnePermission:
    with rt.store.unit_of_work() as uow:
        mailbox, cal = _owned_calendar(uow, principal, owner_kind, owner_key, calendar_key, group_key, "read")
        return OnePermission(mailbox, cal, _permission(uow, cal, permission_id))


def grant(rt: Runtime, principal: Principal, owner_kind: str, owner_key: str | None, calendar_key: str,
          group_key: str | None, values: dict[str, Any]) -> OnePermission:
    with rt.store.unit_of_work(write=True) as uow:
        mailbox, cal = _owned_calendar(uow, principal, owner_kind, owner_key, calendar_key, group_key, "write")
        email = values.get("email_address") or {}
        address = (email.get("address") or "").strip()
        if "@" not in address:
            raise InvalidParameter("The calendar permission must name a valid email address.")
        if address.lower() == mailbox.address.lower():
            raise InvalidParameter("A calendar cannot be shared with its owner.")
        if any(p.email.address.lower() == address.lower() for p in uow.list_calendar_permissions(cal.id)):
            raise FolderExists("The calendar is already shared with this recipient.")
        grantee = uow.get_mailbox(address)
        name = email.get("name") or (grantee.display_name if grantee else "")
        permission = CalendarPermission(
            id=rt.ids.item(), calendar_id=cal.id, email=EmailAddress(address, name),
            role=values.get("role") or "read",
            is_inside_organization=values.get("is_inside_organization", True) is not False,
        )
        uow.add_calendar_permission(permission)
        return OnePermission(mailbox, cal, permission)


def change_role(rt: Runtime, principal: Principal, owner_kind: str, owner_key: str | None, calendar_key: str,
                group_key: str | None, permission_id: str, values: dict[str, Any]) -> OnePermission:
    with rt.store.unit_of_work(write=True) as uow:
        mailbox, cal = _owned_calendar(uow, principal, owner_kind, owner_key, calendar_key, group_key, "write")
        permission = _permission(uow, cal, permission_id)
        if values.get("role"):
            permission = replace(permission, role=values["role"])
            uow.update_calendar_permission(permission)
        return OnePermission(mailbox, cal, permission)


def revoke(rt: Runtime, principal: Principal, owner_kind: str, owner_key: str | None, calendar_key: str,
           group_key: str | None, permission_id: str) -> None:
    with rt.store.unit_of_work(write=True) as uow:
        _, cal = _owned_calendar(uow, principal, owner_kind, owner_key, calendar_key, group_key, "write")
        permission = _permission(uow, cal, permission_id)
        uow.delete_calendar_permission(cal.id, permission.id)


def _owned_calendar(uow: UnitOfWork, principal: Principal, owner_kind: str, owner_key: str | None,
                    calendar_key: str, group_key: str | None, need: access.Need) -> tuple[Mailbox, Calendar]:
    mailbox = access.owner_mailbox(uow, principal, owner_kind, owner_key)
    cal = access.calendar(uow, mailbox, calendar_key, group_key)
    if mailbox.kind != "user" or not access.is_own_or_app(principal, mailbox):
        raise AccessDenied()
    access.require_calendar(uow, principal, mailbox, cal, need)
    return mailbox, cal


def _permission(uow: UnitOfWork, cal: Calendar, permission_id: str) -> CalendarPermission:
    permission = uow.get_calendar_permission(cal.id, permission_id)
    if permission is None:
        raise ItemNotFound()
    return permission
