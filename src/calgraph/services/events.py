"""Event use cases: list, get, create, update, delete, each in one unit of work."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from calgraph.core import events as rules
from calgraph.core import occurrence_changes, permissions, scheduling
from calgraph.core.model import Event, Mailbox
from calgraph.core.permissions import Principal
from calgraph.core.query import ItemQuery, Page
from calgraph.services import access, attachments, delivery, occurrence_writes, room_booking
from calgraph.services.lookup import Scope, calendar_of, find, find_any, find_for_change
from calgraph.services.runtime import Runtime
from calgraph.store.interface import UnitOfWork

__all__ = ["EventsPage", "OneEvent", "Scope", "calendar_of", "create_event", "delete_event", "find",
           "find_for_change", "get_event", "list_events", "update_event"]


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
    exceptions: tuple[Event, ...] = ()     # a series master's exceptions, when asked for


def list_events(rt: Runtime, principal: Principal, scope: Scope, query: ItemQuery) -> EventsPage:
    with rt.store.unit_of_work() as uow:
        mailbox, calendar = calendar_of(uow, principal, scope)
        access.require_calendar(uow, principal, mailbox, calendar, "readBasic")
        page = uow.query_events([calendar.id], query)
        return EventsPage(mailbox, page, permissions.may_read_body(principal, mailbox))


def get_event(rt: Runtime, principal: Principal, scope: Scope, event_id: str,
              with_exceptions: bool = False) -> OneEvent:
    """An event, or an occurrence of a series by its occurrence item id (see calgraph.core.occurrences);
    `with_exceptions`: a series master's exceptionOccurrences too."""
    with rt.store.unit_of_work() as uow:
        mailbox, event = find_any(uow, principal, scope, event_id)
        exceptions = ()
        if with_exceptions and event.type == "seriesMaster":
            exceptions = tuple(uow.list_series_exceptions([event.id]))
        return OneEvent(mailbox, event, permissions.may_read_body(principal, mailbox), exceptions=exceptions)


def create_event(rt: Runtime, principal: Principal, scope: Scope, changes: dict[str, Any],
                 join_url_base: str) -> OneEvent:
    with rt.store.unit_of_work(write=True, grouped=True) as uow:
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
            booked = room_booking.book(rt, uow, event)
            if booked is not event:
                uow.update_event(booked, expected_change_key=event.change_key)
                event = booked
        return OneEvent(mailbox, event)


def update_event(rt: Runtime, principal: Principal, scope: Scope, event_id: str,
                 changes: dict[str, Any], if_match: str | None, join_url_base: str) -> OneEvent:
    with rt.store.unit_of_work(write=True, grouped=True) as uow:
        mailbox, event = find_for_change(uow, principal, scope, event_id, if_match)
        if occurrence_changes.is_part_of_series(event):
            return OneEvent(mailbox, occurrence_writes.update(rt, uow, mailbox, event, changes, join_url_base))
        updated = rules.apply_changes(event, changes, rt.ids, rt.clock(), join_url_base)
        rebuilt = occurrence_changes.rebuilds(event, updated)
        if rebuilt:
            updated = occurrence_changes.rebuilt(updated)
            occurrence_writes.cancel_standalone(rt, uow, mailbox, event, None)
            occurrence_writes.drop_exceptions(uow, [event])
        members = delivery.members(uow, mailbox)
        everyone = [*scheduling.invitees(event, members), *scheduling.invitees(updated, members)]
        outcome, organizer, parties, copies = scheduling.Outcome(), None, {}, {}
        if event.is_organizer and everyone:
            organizer = delivery.party(uow, mailbox)
            parties, copies = delivery.parties(uow, everyone, organizer), delivery.copies_of(uow, event)
            updated, outcome = scheduling.reinvite(event, updated, organizer, parties, members, copies,
                                                   delivery.stamp(rt))
            if rebuilt:
                occurrence_writes.rebuild_copies(uow, outcome, event)
        if event.type == "seriesMaster" and not rebuilt:  # the exceptions follow (occurrence_changes)
            occurrence_writes.series_changed(rt, uow, event, updated, outcome, organizer, parties, members, copies)
        delivery.apply(uow, outcome)
        if event.is_organizer and everyone:
            updated = room_booking.book(rt, uow, updated, event)
        uow.update_event(updated, expected_change_key=event.change_key)
        if organizer is not None:   # new copies, and copies rebuilt, hold the organizer's attachments
            attachments.sync_copies(rt, uow, updated, outcome.new_messages)
        return OneEvent(mailbox, updated)


def delete_event(rt: Runtime, principal: Principal, scope: Scope, event_id: str,
                 if_match: str | None, permanent: bool = False) -> None:
    """DELETE (the organizer's meeting moves to Deleted Items, cancelled for everyone); `permanent`
    (permanentDelete): the same, then nothing of it is kept in Deleted Items."""
    with rt.store.unit_of_work(write=True, grouped=True) as uow:
        mailbox, event = find_for_change(uow, principal, scope, event_id, if_match)
        remove_event(rt, uow, mailbox, event)
        if permanent and uow.get_event(mailbox.id, event.id) is not None:
            uow.delete_event(mailbox.id, event.id)


def remove_event(rt: Runtime, uow: UnitOfWork, mailbox: Mailbox, event: Event) -> None:
    """What DELETE does to one event (found for change, its meeting locked)."""
    if occurrence_changes.is_part_of_series(event):
        occurrence_writes.delete(rt, uow, mailbox, event)
        return
    occurrence_writes.cancel_standalone(rt, uow, mailbox, event, None)
    occurrence_writes.drop_exceptions(uow, [event])
    members = delivery.members(uow, mailbox)
    if event.is_organizer and scheduling.invitees(event, members):  # the organizer's DELETE cancels
        organizer = delivery.party(uow, mailbox)
        delivery.apply(uow, scheduling.cancel(
            event, None, organizer, delivery.parties(uow, scheduling.invitees(event, members), organizer),
            members, delivery.copies_of(uow, event), delivery.stamp(rt)))
        room_booking.release(uow, event)
    else:
        uow.delete_event(mailbox.id, event.id)
