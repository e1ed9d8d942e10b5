"""Calendar and calendar-group use cases. Every user keeps one default calendar "Calendar" in
the default group "My Calendars"; neither can be deleted, and names are unique per mailbox."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from calgraph.core.errors import (
    AccessDenied,
    CannotDeleteObject,
    FolderExists,
    InvalidParameter,
    ItemNotFound,
)
from calgraph.core import occurrences
from calgraph.core.model import Calendar, CalendarGroup, Mailbox
from calgraph.core.query import MAX_PAGE_SIZE, ItemQuery
from calgraph.core.permissions import Principal
from calgraph.services import access
from calgraph.services import events as event_service
from calgraph.services.runtime import Runtime
from calgraph.store.interface import UnitOfWork


@dataclass(frozen=True)
class Calendars:
    mailbox: Mailbox
    calendars: list[Calendar]
    editable: frozenset[str] = frozenset()   # ids of the calendars the principal may write to


@dataclass(frozen=True)
class OneCalendar:
    mailbox: Mailbox
    calendar: Calendar
    can_edit: bool = True


@dataclass(frozen=True)
class Groups:
    mailbox: Mailbox
    groups: list[CalendarGroup]


@dataclass(frozen=True)
class OneGroup:
    mailbox: Mailbox
    group: CalendarGroup


def list_calendars(rt: Runtime, principal: Principal, owner_kind: str, owner_key: str | None,
                   group_key: str | None) -> Calendars:
    with rt.store.unit_of_work() as uow:
        mailbox = access.owner_mailbox(uow, principal, owner_kind, owner_key)
        group_id = access.calendar_group(uow, mailbox, group_key).id if group_key else None
        if access.is_own_or_app(principal, mailbox) or mailbox.kind == "group":
            access.require_calendar(uow, principal, mailbox, None, "readBasic")
            visible = uow.list_calendars(mailbox.id, group_id)
        else:
            visible = []
            for cal in uow.list_calendars(mailbox.id, group_id):
                try:
                    access.require_calendar(uow, principal, mailbox, cal, "readBasic")
                except AccessDenied:
                    continue
                visible.append(cal)
            if not visible:
                raise AccessDenied()
        editable = frozenset(c.id for c in visible if _can_edit(uow, principal, mailbox, c))
        return Calendars(mailbox, visible, editable)


def get_calendar(rt: Runtime, principal: Principal, owner_kind: str, owner_key: str | None,
                 key: str, group_key: str | None) -> OneCalendar:
    with rt.store.unit_of_work() as uow:
        mailbox = access.owner_mailbox(uow, principal, owner_kind, owner_key)
        cal = access.calendar(uow, mailbox, key, group_key)
        access.require_calendar(uow, principal, mailbox, cal, "readBasic")
        return OneCalendar(mailbox, cal, _can_edit(uow, principal, mailbox, cal))


def create_calendar(rt: Runtime, principal: Principal, owner_kind: str, owner_key: str | None,
                    group_key: str | None, values: dict[str, Any]) -> OneCalendar:
    with rt.store.unit_of_work(write=True) as uow:
        mailbox = access.owner_mailbox(uow, principal, owner_kind, owner_key)
        _require_owner_write(uow, principal, mailbox)
        group = access.calendar_group(uow, mailbox, group_key or access.DEFAULT)
        name = _name(values)
        _unique_name(uow, mailbox, name)
        cal = Calendar(
            id=rt.ids.item(), mailbox_id=mailbox.id, name=name, change_key=rt.ids.change_key(),
            calendar_group_id=group.id, color=values.get("color") or "auto",
            hex_color=values.get("hex_color") or "",
        )
        uow.add_calendar(cal)
        return OneCalendar(mailbox, cal)


def update_calendar(rt: Runtime, principal: Principal, owner_kind: str, owner_key: str | None,
                    key: str, group_key: str | None, values: dict[str, Any]) -> OneCalendar:
    with rt.store.unit_of_work(write=True) as uow:
        mailbox = access.owner_mailbox(uow, principal, owner_kind, owner_key)
        cal = access.calendar(uow, mailbox, key, group_key)
        access.require_calendar(uow, principal, mailbox, cal, "write")
        changes: dict[str, Any] = {"change_key": rt.ids.change_key()}
        if "name" in values:
            name = _name(values)
            if name.lower() != cal.name.lower():
                _unique_name(uow, mailbox, name)
            changes["name"] = name
        for field in ("color", "hex_color"):
            if values.get(field) is not None:
                changes[field] = values[field]
        updated = replace(cal, **changes)
        uow.update_calendar(updated)
        return OneCalendar(mailbox, updated)


def delete_calendar(rt: Runtime, principal: Principal, owner_kind: str, owner_key: str | None,
                    key: str, group_key: str | None) -> None:
    with rt.store.unit_of_work(write=True) as uow:
        mailbox, cal = _deletable_calendar(uow, principal, owner_kind, owner_key, key, group_key)
        uow.delete_calendar(mailbox.id, cal.id)


def _deletable_calendar(uow: UnitOfWork, principal: Principal, owner_kind: str, owner_key: str | None,
                        key: str, group_key: str | None) -> tuple[Mailbox, Calendar]:
    """The calendar a DELETE or permanentDelete names, once the caller may delete it (never the default)."""
    mailbox = access.owner_mailbox(uow, principal, owner_kind, owner_key)
    cal = access.calendar(uow, mailbox, key, group_key)
    _require_owner_write(uow, principal, mailbox)
    if cal.is_default:
        raise CannotDeleteObject("The default calendar cannot be deleted.")
    return mailbox, cal


def permanent_delete_calendar(rt: Runtime, principal: Principal, owner_kind: str, owner_key: str | None,
                              key: str, group_key: str | None) -> None:
    """permanentDelete: the calendar and its events go for good; the meetings it organizes are cancelled
    for their attendees first, as a DELETE of each does, and leave nothing in Deleted Items."""
    with rt.store.unit_of_work(write=True) as uow:
        mailbox, cal = _deletable_calendar(uow, principal, owner_kind, owner_key, key, group_key)
        for event in _meetings_organized(uow, cal):
            uow.lock_meeting(occurrences.series_uid(event.ical_uid))
            current = uow.get_event(mailbox.id, event.id, for_update=True)
            if current is not None and current.calendar_id == cal.id:
                event_service.remove_event(rt, uow, mailbox, current)
                if uow.get_event(mailbox.id, event.id) is not None:
                    uow.delete_event(mailbox.id, event.id)
        uow.delete_calendar(mailbox.id, cal.id)


def _meetings_organized(uow: UnitOfWork, cal: Calendar) -> list[Any]:
    found, skip = [], 0
    while True:
        page = uow.query_events([cal.id], ItemQuery(top=MAX_PAGE_SIZE, skip=skip))
        found.extend(e for e in page.items if e.is_organizer and e.attendees)
        if not page.has_more:
            return found
        skip += len(page.items)


def list_groups(rt: Runtime, principal: Principal, owner_kind: str, owner_key: str | None) -> Groups:
    with rt.store.unit_of_work() as uow:
        mailbox = _user_mailbox(uow, principal, owner_kind, owner_key)
        access.require_calendar(uow, principal, mailbox, None, "readBasic")
        return Groups(mailbox, uow.list_calendar_groups(mailbox.id))


def get_group(rt: Runtime, principal: Principal, owner_kind: str, owner_key: str | None, key: str) -> OneGroup:
    with rt.store.unit_of_work() as uow:
        mailbox = _user_mailbox(uow, principal, owner_kind, owner_key)
        access.require_calendar(uow, principal, mailbox, None, "readBasic")
        return OneGroup(mailbox, access.calendar_group(uow, mailbox, key))


def create_group(rt: Runtime, principal: Principal, owner_kind: str, owner_key: str | None,
                 values: dict[str, Any]) -> OneGroup:
    with rt.store.unit_of_work(write=True) as uow:
        mailbox = _user_mailbox(uow, principal, owner_kind, owner_key)
        _require_owner_write(uow, principal, mailbox)
        name = _name(values)
        if any(g.name.lower() == name.lower() for g in uow.list_calendar_groups(mailbox.id)):
            raise FolderExists()
        group = CalendarGroup(id=rt.ids.item(), mailbox_id=mailbox.id, name=name,
                              class_id=rt.ids.guid(), change_key=rt.ids.change_key())
        uow.add_calendar_group(group)
        return OneGroup(mailbox, group)


def update_group(rt: Runtime, principal: Principal, owner_kind: str, owner_key: str | None, key: str,
                 values: dict[str, Any]) -> OneGroup:
    with rt.store.unit_of_work(write=True) as uow:
        mailbox = _user_mailbox(uow, principal, owner_kind, owner_key)
        group = access.calendar_group(uow, mailbox, key)
        _require_owner_write(uow, principal, mailbox)
        changes: dict[str, Any] = {"change_key": rt.ids.change_key()}
        if "name" in values:
            name = _name(values)
            others = [g for g in uow.list_calendar_groups(mailbox.id) if g.id != group.id]
            if any(g.name.lower() == name.lower() for g in others):
                raise FolderExists()
            changes["name"] = name
        updated = replace(group, **changes)
        uow.update_calendar_group(updated)
        return OneGroup(mailbox, updated)


def delete_group(rt: Runtime, principal: Principal, owner_kind: str, owner_key: str | None, key: str) -> None:
    with rt.store.unit_of_work(write=True) as uow:
        mailbox = _user_mailbox(uow, principal, owner_kind, owner_key)
        group = access.calendar_group(uow, mailbox, key)
        _require_owner_write(uow, principal, mailbox)
        if group.is_default:
            raise CannotDeleteObject("The default calendar group cannot be deleted.")
        if uow.list_calendars(mailbox.id, group.id):
            raise CannotDeleteObject("A calendar group that holds calendars cannot be deleted.")
        uow.delete_calendar_group(mailbox.id, group.id)


def _user_mailbox(uow: UnitOfWork, principal: Principal, owner_kind: str, owner_key: str | None) -> Mailbox:
    mailbox = access.owner_mailbox(uow, principal, owner_kind, owner_key)
    if mailbox.kind != "user":
        raise ItemNotFound()
    return mailbox


def _require_owner_write(uow: UnitOfWork, principal: Principal, mailbox: Mailbox) -> None:
    """Creating and deleting folders is for the owner (or an application), not for delegates."""
    if not access.is_own_or_app(principal, mailbox):
        raise AccessDenied()
    access.require_calendar(uow, principal, mailbox, None, "write")


def _can_edit(uow: UnitOfWork, principal: Principal, mailbox: Mailbox, cal: Calendar) -> bool:
    try:
        access.require_calendar(uow, principal, mailbox, cal, "write")
    except AccessDenied:
        return False
    return True


def _name(values: dict[str, Any]) -> str:
    name = (values.get("name") or "").strip()
    if not name:
        raise InvalidParameter("The name of the folder must be specified.")
    return name


def _unique_name(uow: UnitOfWork, mailbox: Mailbox, name: str) -> None:
    if any(c.name.lower() == name.lower() for c in uow.list_calendars(mailbox.id)):
        raise FolderExists()
