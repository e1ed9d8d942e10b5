"""Writes on one occurrence of a series (PATCH, DELETE, answers, cancel, reminders) and what a change of
the whole series does to its occurrences; the rules are in calgraph.core.occurrence_changes and
calgraph.core.scheduling.series. Each function runs inside its caller's unit of work, after
lookup.find_for_change locked the series.

Where Graph is silent: forward on an occurrence id forwards the whole series; an organizer's PATCH of an
occurrence that adds attendees invites them to that occurrence only (their copy is a lone exception)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from calgraph.core import events as rules
from calgraph.core import occurrence_changes as changes_of
from calgraph.core import occurrences, recurrence, scheduling
from calgraph.core.model import Event, Mailbox
from calgraph.core.scheduling import series
from calgraph.services import delivery
from calgraph.services.lookup import exception_for, master_of
from calgraph.services.runtime import Runtime
from calgraph.store.interface import UnitOfWork


def update(rt: Runtime, uow: UnitOfWork, mailbox: Mailbox, event: Event, changes: dict[str, Any],
           join_url_base: str) -> Event:
    """PATCH of an occurrence or exception: stored as an exception (same id), moves checked against the
    neighbouring occurrences. The organizer of a meeting updates the attendees' occurrence of that date
    too (an update message per attendee, as for a single meeting)."""
    changes_of.check_changes(changes)
    master = master_of(uow, event)
    updated = changes_of.as_exception(rules.apply_changes(event, changes, rt.ids, rt.clock(), join_url_base))
    changes_of.check_moved(master, event, updated, uow.list_series_exceptions([master.id]))
    members = delivery.members(uow, mailbox)
    everyone = [*scheduling.invitees(event, members), *scheduling.invitees(updated, members)]
    if event.is_organizer and everyone:
        organizer = delivery.party(uow, mailbox)
        theirs = {}
        for mailbox_id, copy in delivery.copies_of(uow, master).items():
            found = same_occurrence(uow, copy, event)
            if found is not None:
                theirs[mailbox_id] = found
        updated, outcome = scheduling.reinvite(
            event, updated, organizer, delivery.parties(uow, everyone, organizer), members, theirs,
            delivery.stamp(rt))
        delivery.apply(uow, series.stored(outcome, {e.id for e in theirs.values() if e.type == "occurrence"}))
    save(uow, event, updated)
    return updated


def save(uow: UnitOfWork, before: Event, after: Event) -> None:
    """Store `after`, the new state of `before`: a changed virtual occurrence becomes an exception row."""
    if before.type == "occurrence":
        uow.add_event(changes_of.as_exception(after))
    else:
        uow.update_event(after, expected_change_key=before.change_key)


def delete(rt: Runtime, uow: UnitOfWork, mailbox: Mailbox, event: Event) -> None:
    """DELETE of an occurrence or exception: the organizer of a meeting cancels it for everyone, anyone
    else removes it from their own series."""
    master = master_of(uow, event)
    members = delivery.members(uow, mailbox)
    if master.is_organizer and scheduling.invitees(event, members):
        cancel(rt, uow, mailbox, master, event, None)
        return
    uow.update_event(changes_of.with_cancelled(master, changes_of.occurrence_oid(master, event), rt.ids, rt.clock()),
                     expected_change_key=master.change_key)
    if event.type == "exception":
        uow.delete_event(event.mailbox_id, event.id)


def cancel(rt: Runtime, uow: UnitOfWork, mailbox: Mailbox, master: Event | None, event: Event,
           comment: str | None) -> None:
    """The organizer cancels one occurrence for every attendee (NotOrganizer for anyone else)."""
    master = master or master_of(uow, event)
    organizer = delivery.party(uow, mailbox)
    members = delivery.members(uow, mailbox)
    invited = delivery.parties(uow, scheduling.invitees(event, members), organizer)
    copies = delivery.copies_of(uow, master) if master.is_organizer else {}
    copy_exceptions = uow.list_series_exceptions([c.id for c in copies.values()]) if copies else []
    delivery.apply(uow, series.cancel_occurrence(master, event, comment, organizer, invited, members, copies,
                                                 copy_exceptions, delivery.stamp(rt)))


def respond(rt: Runtime, uow: UnitOfWork, mailbox: Mailbox, copy: Event,
            answer: scheduling.MeetingResponse) -> None:
    """An attendee answers one occurrence of their copy of a series."""
    copy_master = master_of(uow, copy)
    meeting, organizer = delivery.organizer_of(uow, copy_master)
    meeting_occurrence = same_occurrence(uow, meeting, copy) if meeting is not None else None
    delivery.apply(uow, series.respond_to_occurrence(
        copy_master, copy, answer, delivery.party(uow, mailbox), meeting_occurrence, organizer,
        delivery.stamp(rt)))


def same_occurrence(uow: UnitOfWork, master: Event, occurrence: Event) -> Event | None:
    """`master`'s occurrence (its exception, else the virtual one) on the date of `occurrence`, which
    belongs to another copy of the same series; None if `master` has none that day (or cancelled it)."""
    parsed = recurrence.parse_occurrence_id(occurrence.occurrence_id)
    found = occurrences.occurrence_on(master, parsed[1]) if parsed else None
    if found is None:
        return None
    return exception_for(uow, master, found) or found


def drop_exceptions(uow: UnitOfWork, masters: Iterable[Event]) -> None:
    """Delete the exception rows of those of `masters` that are (or were) series masters."""
    ids = [m.id for m in masters if m.type == "seriesMaster" or m.recurrence is not None]
    for exception in uow.list_series_exceptions(ids) if ids else []:
        uow.delete_event(exception.mailbox_id, exception.id)


def rebuild_copies(uow: UnitOfWork, outcome: scheduling.Outcome, before: Event) -> None:
    """The organizer changed the series' pattern or time: the attendees' copies in `outcome` drop their
    exceptions and cancelled occurrences too (they are rebuilt from the new pattern)."""
    copies = [event for event, _ in outcome.changed_events.values()
              if event.ical_uid == before.ical_uid and not event.is_organizer]
    for copy in copies:
        event, expected = outcome.changed_events[copy.id]
        outcome.changed_events[copy.id] = (changes_of.rebuilt(event), expected)
    drop_exceptions(uow, [c.evolve(type="seriesMaster") for c in copies])
