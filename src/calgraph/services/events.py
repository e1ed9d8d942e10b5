"""Event use cases: list, get, create, update, delete, each in one unit of work."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from calgraph.core import events as rules
from calgraph.core import occurrences, permissions, scheduling
from calgraph.core.errors import AccessDenied, InvalidIdMalformed, IrresolvableConflict, ItemNotFound
from calgraph.core.model import Calendar, Event, Mailbox
from calgraph.core.permissions import Principal
from calgraph.core.query import ItemQuery, Page
from calgraph.services import access, delivery
from calgraph.services.runtime import Runtime
from calgraph.store.interface import UnitOfWork


@dataclass(frozen=True)
class Scope:
    """Which mailbox, and optionally which calendar (group), a request's path names."""

    owner_kind: str                 # "me" | "user" | "group"
    owner_key: str | None
    calendar_group: str | None = None
    calendar: str | None = None     # None: the default calendar for lists and creation, any calendar for lookups


@dataclass(frozen=True)
class EventsPage:
    mailbox: Mailbox
    page: Page[Event]
    include_body: bool


@dataclass(frozen=True)
class OneEvent:
    mailbox: Mailbox
    event: Event
    include_body: bool = True
    created: bool = True


def list_events(rt: Runtime, principal: Principal, scope: Scope, query: ItemQuery) -> EventsPage:
    with rt.store.unit_of_work() as uow:
        mailbox, calendar = calendar_of(uow, principal, scope)
        access.require_calendar(uow, principal, mailbox, calendar, "readBasic")
        page = uow.query_events([calendar.id], query)
        return EventsPage(mailbox, page, permissions.may_read_body(principal, mailbox))


def get_event(rt: Runtime, principal: Principal, scope: Scope, event_id: str) -> OneEvent:
    """An event, or an occurrence of a series by its occurrence item id (see calgraph.core.occurrences)."""
    with rt.store.unit_of_work() as uow:
        try:
            mailbox, event = find(uow, principal, scope, event_id, "readBasic")
        except ItemNotFound:
            found = find_occurrence(uow, principal, scope, event_id)
            if found is None:
                raise
            mailbox, event = found
        return OneEvent(mailbox, event, permissions.may_read_body(principal, mailbox))


def find_occurrence(uow: UnitOfWork, principal: Principal, scope: Scope,
                    event_id: str) -> tuple[Mailbox, Event] | None:
    """The occurrence an occurrence item id names (its exception row, if it has one), found through its
    master with the master's access checks; None when the id names no such occurrence."""
    parsed = occurrences.parse_item_id(event_id)
    if parsed is None:
        return None
    master_id, day = parsed
    try:
        mailbox, master = find(uow, principal, scope, master_id, "readBasic")
    except (ItemNotFound, InvalidIdMalformed):
        return None
    occurrence = occurrences.occurrence_on(master, day)
    if occurrence is None:
        return None
    for exception in uow.list_series_exceptions([master.id]):
        if exception.occurrence_id == occurrence.occurrence_id or exception.original_start == occurrence.original_start:
            return mailbox, exception
    return mailbox, occurrence


def create_event(rt: Runtime, principal: Principal, scope: Scope, changes: dict[str, Any],
                 join_url_base: str) -> OneEvent:
    with rt.store.unit_of_work(write=True) as uow:
        mailbox, calendar = calendar_of(uow, principal, scope)
        access.require_calendar(uow, principal, mailbox, calendar, "write")
        transaction_id = changes.get("transaction_id")
        if transaction_id:
            existing = uow.find_event_by_transaction_id(mailbox.id, transaction_id)
            if existing is not None:
                return OneEvent(mailbox, existing, created=False)
        event = rules.new_event(rt.ids, rt.clock(), mailbox, calendar, changes, join_url_base)
        uow.add_event(event)
        members = delivery.members(uow, mailbox)
        recipients = scheduling.invitees(event, members)
        if recipients:
            organizer = delivery.party(uow, mailbox)
            delivery.apply(uow, scheduling.invite(
                event, organizer, delivery.parties(uow, recipients, organizer), members, delivery.stamp(rt)))
        return OneEvent(mailbox, event)


def update_event(rt: Runtime, principal: Principal, scope: Scope, event_id: str,
                 changes: dict[str, Any], if_match: str | None, join_url_base: str) -> OneEvent:
    with rt.store.unit_of_work(write=True) as uow:
        mailbox, event = find_for_change(uow, principal, scope, event_id, if_match)
        updated = rules.apply_changes(event, changes, rt.ids, rt.clock(), join_url_base)
        members = delivery.members(uow, mailbox)
        everyone = [*scheduling.invitees(event, members), *scheduling.invitees(updated, members)]
        if event.is_organizer and everyone:
            organizer = delivery.party(uow, mailbox)
            updated, outcome = scheduling.reinvite(
                event, updated, organizer, delivery.parties(uow, everyone, organizer), members,
                delivery.copies_of(uow, event), delivery.stamp(rt))
            delivery.apply(uow, outcome)
        uow.update_event(updated, expected_change_key=event.change_key)
        return OneEvent(mailbox, updated)


def delete_event(rt: Runtime, principal: Principal, scope: Scope, event_id: str,
                 if_match: str | None) -> None:
    with rt.store.unit_of_work(write=True) as uow:
        mailbox, event = find_for_change(uow, principal, scope, event_id, if_match)
        members = delivery.members(uow, mailbox)
        if event.is_organizer and scheduling.invitees(event, members):  # the organizer's DELETE cancels
            organizer = delivery.party(uow, mailbox)
            delivery.apply(uow, scheduling.cancel(
                event, None, organizer, delivery.parties(uow, scheduling.invitees(event, members), organizer),
                members, delivery.copies_of(uow, event), delivery.stamp(rt)))
        else:
            uow.delete_event(mailbox.id, event.id)


def find_for_change(uow: UnitOfWork, principal: Principal, scope: Scope, event_id: str, if_match: str | None,
                    need: access.Need = "write") -> tuple[Mailbox, Event]:
    """The event, with its meeting locked against concurrent changes, checked against If-Match."""
    mailbox, event = find(uow, principal, scope, event_id, need)
    if uow.lock_meeting(event.ical_uid):
        event = uow.get_event(mailbox.id, event.id, for_update=True)  # type: ignore[assignment]
        if event is None or event.calendar_id is None:
            raise ItemNotFound()
    _check_if_match(event, if_match)
    return mailbox, event


def _check_if_match(event: Event, if_match: str | None) -> None:
    if if_match is not None and if_match != event.change_key:
        raise IrresolvableConflict()


def calendar_of(uow: UnitOfWork, principal: Principal, scope: Scope) -> tuple[Mailbox, Calendar]:
    mailbox = access.owner_mailbox(uow, principal, scope.owner_kind, scope.owner_key)
    calendar = access.calendar(uow, mailbox, scope.calendar or access.DEFAULT, scope.calendar_group)
    return mailbox, calendar


def find(uow: UnitOfWork, principal: Principal, scope: Scope, event_id: str,
          need: access.Need) -> tuple[Mailbox, Event]:
    """The event, if it sits in a calendar of that mailbox (in the named calendar, if any)."""
    mailbox = access.owner_mailbox(uow, principal, scope.owner_kind, scope.owner_key)
    named = None
    if scope.calendar is not None:
        named = access.calendar(uow, mailbox, scope.calendar, scope.calendar_group)
    if not access.is_own_or_app(principal, mailbox):  # a stranger learns nothing, not even "not found"
        if named is not None or mailbox.kind == "group":
            access.require_calendar(uow, principal, mailbox, named, need)
        elif not access.shared_calendars(uow, principal, mailbox):
            raise AccessDenied()
    access.check_item_id(event_id)
    event = uow.get_event(mailbox.id, event_id)
    if event is None or event.calendar_id is None or (named is not None and event.calendar_id != named.id):
        raise ItemNotFound()
    calendar = named
    if calendar is None and access.uses_shared_role(principal, mailbox):  # only a delegate's right depends on it
        calendar = uow.get_calendar(mailbox.id, event.calendar_id)
    access.require_calendar(uow, principal, mailbox, calendar, need)
    return mailbox, event
