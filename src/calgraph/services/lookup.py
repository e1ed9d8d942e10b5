"""Finding the event a request's path names, for reads and for writes (with its meeting locked).

An occurrence item id (see calgraph.core.occurrences) resolves to the occurrence's stored exception
row when it has one (its id is the occurrence's id), else to the virtual occurrence of its master;
both are found through the master, with the master's access checks.

An occurrence id (`OID.{seriesMasterId}.{yyyy-MM-dd}`, spec §1.1 and decision 25, as beta's `occurrenceId`
and the master's `cancelledOccurrences` spell it) is accepted wherever an event id is, and names the same
occurrence as its item id: the occurrence, or the exception that replaced it. A well-formed one whose master
id is not an item id, or that is not `OID.{id}.{yyyy-MM-dd}` at all, is 400 ErrorInvalidIdMalformed; one whose
series has no (or no longer an) occurrence that day is 404 ErrorItemNotFound.
"""

from __future__ import annotations

from dataclasses import dataclass

from calgraph.core import ids, occurrences, recurrence
from calgraph.core.errors import AccessDenied, InvalidIdMalformed, IrresolvableConflict, ItemNotFound
from calgraph.core.model import Calendar, Event, Mailbox
from calgraph.core.permissions import Principal
from calgraph.services import access
from calgraph.store.interface import UnitOfWork


@dataclass(frozen=True)
class Scope:
    """Which mailbox, and optionally which calendar (group), a request's path names."""

    owner_kind: str                 # "me" | "user" | "group"
    owner_key: str | None
    calendar_group: str | None = None
    calendar: str | None = None     # None: the default calendar for lists and creation, any calendar for lookups


def calendar_of(uow: UnitOfWork, principal: Principal, scope: Scope) -> tuple[Mailbox, Calendar]:
    mailbox = access.owner_mailbox(uow, principal, scope.owner_kind, scope.owner_key)
    calendar = access.calendar(uow, mailbox, scope.calendar or access.DEFAULT, scope.calendar_group)
    return mailbox, calendar


def item_id(event_id: str) -> str:
    """The item id an event id of a path names: an occurrence id (`OID.…`) becomes its occurrence's item id
    (400 ErrorInvalidIdMalformed when it is malformed); any other id is returned as it is."""
    if not event_id.startswith(recurrence.OID_PREFIX):
        return event_id
    parsed = recurrence.parse_occurrence_id(event_id)
    if parsed is None or not ids.is_item_id(parsed[0]):
        raise InvalidIdMalformed()
    return occurrences.item_id(*parsed)


def find(uow: UnitOfWork, principal: Principal, scope: Scope, event_id: str,
         need: access.Need) -> tuple[Mailbox, Event]:
    """The stored event, if it sits in a calendar of that mailbox (in the named calendar, if any)."""
    mailbox = access.owner_mailbox(uow, principal, scope.owner_kind, scope.owner_key)
    named = None
    if scope.calendar is not None:
        named = access.calendar(uow, mailbox, scope.calendar, scope.calendar_group)
    if not access.is_own_or_app(principal, mailbox):  # a stranger learns nothing, not even "not found"
        if named is not None or mailbox.kind == "group":
            access.require_calendar(uow, principal, mailbox, named, need)
        elif not access.shared_calendars(uow, principal, mailbox):
            raise AccessDenied()
    event_id = access.check_item_id(item_id(event_id))  # after the access checks, as for any id
    event = uow.get_event(mailbox.id, event_id)
    if event is None or event.calendar_id is None or (named is not None and event.calendar_id != named.id):
        raise ItemNotFound()
    calendar = named
    if calendar is None and access.uses_shared_role(principal, mailbox):  # only a delegate's right depends on it
        calendar = uow.get_calendar(mailbox.id, event.calendar_id)
    access.require_calendar(uow, principal, mailbox, calendar, need)
    return mailbox, event


def find_any(uow: UnitOfWork, principal: Principal, scope: Scope, event_id: str,
             need: access.Need = "readBasic") -> tuple[Mailbox, Event]:
    """A stored event, or else the (virtual) occurrence an occurrence item id names."""
    try:
        return find(uow, principal, scope, event_id, need)
    except ItemNotFound:
        found = find_occurrence(uow, principal, scope, event_id, need)
        if found is None:
            raise
        return found


def find_occurrence(uow: UnitOfWork, principal: Principal, scope: Scope, event_id: str,
                    need: access.Need = "readBasic") -> tuple[Mailbox, Event] | None:
    """The occurrence an occurrence item id names (its exception row, if it has one), found through its
    master with the master's access checks; None when the id names no such occurrence (or a cancelled one)."""
    parsed = occurrences.parse_item_id(item_id(event_id))
    if parsed is None:
        return None
    master_id, day = parsed
    try:
        mailbox, master = find(uow, principal, scope, master_id, need)
    except (ItemNotFound, InvalidIdMalformed):
        return None
    occurrence = occurrences.occurrence_on(master, day)
    if occurrence is None:
        return None
    exception = exception_for(uow, master, occurrence)
    return mailbox, exception or occurrence


def exception_for(uow: UnitOfWork, master: Event, occurrence: Event) -> Event | None:
    """The stored exception standing for one occurrence of `master`, if any."""
    for exception in uow.list_series_exceptions([master.id]):
        if exception.occurrence_id == occurrence.occurrence_id or exception.original_start == occurrence.original_start:
            return exception
    return None


def find_for_change(uow: UnitOfWork, principal: Principal, scope: Scope, event_id: str, if_match: str | None,
                    need: access.Need = "write") -> tuple[Mailbox, Event]:
    """The event (or occurrence: its exception row, else the virtual occurrence), with its meeting locked
    against concurrent changes (a series' occurrences lock the series), checked against If-Match."""
    mailbox, event = find_any(uow, principal, scope, event_id, need)
    if uow.lock_meeting(occurrences.series_uid(event.ical_uid)):
        if event.type == "occurrence":  # virtual: read it again through its master, now locked
            found = find_occurrence(uow, principal, scope, event_id, need)
            if found is None:
                raise ItemNotFound()
            event = found[1]
        else:
            event = uow.get_event(mailbox.id, event.id, for_update=True)  # type: ignore[assignment]
        if event is None or event.calendar_id is None:
            raise ItemNotFound()
    check_if_match(event, if_match)
    return mailbox, event


def master_of(uow: UnitOfWork, event: Event) -> Event:
    """The series master of an occurrence or exception (read for update)."""
    master = uow.get_event(event.mailbox_id, event.series_master_id or "", for_update=True)
    if master is None or master.calendar_id is None:
        raise ItemNotFound()
    return master


def check_if_match(event: Event, if_match: str | None) -> None:
    if if_match is not None and if_match != event.change_key:
        raise IrresolvableConflict()
