"""Writes on one occurrence of a series (PATCH, DELETE, answers, cancel, reminders) and what a change of
the whole series does to its occurrences; the rules are in calgraph.core.occurrence_changes and
calgraph.core.scheduling.series. Each function runs inside its caller's unit of work, after
lookup.find_for_change locked the series.

Where Graph is silent:
* forward on an occurrence id forwards the whole series.
* An organizer's PATCH of an occurrence that adds attendees invites them to that occurrence only (Graph
  lets an occurrence have attendees of its own): each gets a newMeetingRequest about it and a copy of that
  occurrence as a meeting of its own (a `singleInstance` with the occurrence's iCalUId, see
  calgraph.core.scheduling.copies). Later changes and the cancel of that occurrence reach that copy, and its
  answers the organizer's occurrence, as for any meeting. The deletion of the series, or a new time or
  pattern (which drops its exceptions), cancels it (cancel_standalone); being added to the whole series
  later turns it into the exception of the new series copy, answer kept (_join_series).
* An attendee whose series copy no longer holds that occurrence (they declined it, or the whole series) is
  not sent the organizer's informational changes of it (the occurrence is not in their calendar); a new
  time offers it again, as a copy of that occurrence alone (as a declined single meeting comes back on a
  new time, decision 12)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from calgraph.core import events as rules
from calgraph.core import occurrence_changes as changes_of
from calgraph.core import occurrences, recurrence, scheduling
from calgraph.core.model import EmailAddress, Event, Mailbox
from calgraph.core.scheduling import copies as scheduling_copies
from calgraph.core.scheduling import series
from calgraph.core.scheduling.cancellation import send_cancellations
from calgraph.core.scheduling.invitations import time_changed
from calgraph.services import delivery, room_booking
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
        parties = delivery.parties(uow, everyone, organizer)
        theirs, away = occurrence_copies(uow, master, event)
        if not time_changed(event, updated):  # see the module note: no copy comes back for it
            parties = {key: p for key, p in parties.items() if p.mailbox.id not in away}
        updated, outcome = scheduling.reinvite(event, updated, organizer, parties, members, theirs,
                                               delivery.stamp(rt))
        delivery.apply(uow, series.stored(outcome, {e.id for e in theirs.values() if e.type == "occurrence"}), rt)
    save(rt, uow, event, updated)
    if event.is_organizer and time_changed(event, updated):   # its rooms decide again
        room_booking.rebook_series(rt, uow, master.mailbox_id, master.id)
    return updated


def occurrence_copies(uow: UnitOfWork, master: Event, occurrence: Event) -> tuple[dict[str, Event], set[str]]:
    """Each attendee's event for one occurrence of the organizer's `master`, by mailbox id: their copy of
    the occurrence itself when they have one (copies.standalone), else their series copy's occurrence of that
    date (its exception, else the virtual one). And the mailboxes whose series copy holds no live occurrence
    that day (they declined it or the whole series) and who have no copy of the occurrence either."""
    theirs: dict[str, Event] = {}
    away: set[str] = set()
    for mailbox_id, copy in delivery.copies_of(uow, master).items():
        found = None
        if copy.calendar_id is not None and not copy.is_cancelled:
            found = same_occurrence(uow, copy, occurrence)
        if found is not None:
            theirs[mailbox_id] = found
        else:
            away.add(mailbox_id)
    for mailbox_id, copy in standalone_copies(uow, master, occurrence).items():
        theirs[mailbox_id] = copy
        away.discard(mailbox_id)
    return theirs, away


def standalone_copies(uow: UnitOfWork, master: Event, occurrence: Event) -> dict[str, Event]:
    """The attendees' copies of one occurrence of `master` made as meetings of their own, by mailbox id."""
    if not occurrence.ical_uid or occurrence.ical_uid == master.ical_uid:
        return {}
    return {e.mailbox_id: e for e in uow.find_events_by_ical_uid(occurrence.ical_uid)
            if not e.is_organizer and e.type == "singleInstance" and e.mailbox_id != master.mailbox_id}


def save(rt: Runtime, uow: UnitOfWork, before: Event, after: Event) -> None:
    """Store `after`, the new state of `before`: a changed virtual occurrence becomes an exception row,
    holding copies of the series' attachments."""
    if before.type == "occurrence":
        exception = changes_of.as_exception(after)
        uow.add_event(exception)
        delivery.inherit_series_attachments(rt, uow, [exception])
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
    if master.is_organizer:  # a copy of that occurrence alone stands for it in its mailbox
        copies.update(standalone_copies(uow, master, event))
    delivery.apply(uow, series.cancel_occurrence(master, event, comment, organizer, invited, members, copies,
                                                 copy_exceptions, delivery.stamp(rt)))
    if master.is_organizer:   # the rooms free that occurrence
        room_booking.rebook_series(rt, uow, master.mailbox_id, master.id)


def respond(rt: Runtime, uow: UnitOfWork, mailbox: Mailbox, copy: Event,
            answer: scheduling.MeetingResponse) -> None:
    """An attendee answers one occurrence of their copy of a series."""
    copy_master = master_of(uow, copy)
    meeting, organizer = delivery.organizer_of(uow, copy_master)
    meeting_occurrence = same_occurrence(uow, meeting, copy) if meeting is not None else None
    delivery.apply(uow, series.respond_to_occurrence(
        copy_master, copy, answer, delivery.party(uow, mailbox), meeting_occurrence, organizer,
        delivery.stamp(rt)), rt)


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


def series_changed(rt: Runtime, uow: UnitOfWork, before: Event, after: Event, outcome: scheduling.Outcome,
                   organizer: scheduling.Party | None, parties: Mapping[str, scheduling.Party],
                   members: Sequence[EmailAddress], copies_by_mailbox: Mapping[str, Event]) -> None:
    """A PATCH of a series master that keeps its time and pattern (those rebuild: rebuild_copies). Every
    stored exception follows it (occurrence_changes.follow_series): the master's own, and when the organizer
    changed a meeting, the attendees' copies' ones under their copy's change in `outcome` (from reinvite; its
    `copies_by_mailbox` are the copies as stored). Each organizer's exception the change reached that is
    separately modified is then sent to its invitees (scheduling.series.update_exception)."""
    stamp = delivery.stamp(rt)
    reached = []
    own = uow.list_series_exceptions([before.id])
    for exception in own:
        followed = changes_of.follow_series(exception, before, after, stamp.ids, stamp.now)
        if followed is not exception:
            outcome.change(exception, followed)
            reached.append((exception, followed))
    if organizer is None or not after.is_organizer:
        return
    stored_copies = {c.id: c for c in copies_by_mailbox.values()}
    copy_exceptions = uow.list_series_exceptions(list(stored_copies)) if stored_copies else []
    by_date: dict[tuple[str, str | None], Event] = {}
    for exception in copy_exceptions:
        copy = stored_copies[exception.series_master_id or ""]
        now = outcome.current(copy)
        followed = changes_of.follow_series(exception, copy, now, stamp.ids, stamp.now) if now is not copy else exception
        if followed is not exception:
            outcome.change(exception, followed)
        by_date[(copy.id, _date_of(exception))] = exception
    new_copies = [e for e in outcome.new_events if e.ical_uid == after.ical_uid and not e.is_organizer]
    current = [*(outcome.current(c) for c in copies_by_mailbox.values()), *new_copies]
    absorbed = _join_series(uow, outcome, before, own, new_copies, by_date, stamp)
    modified = [(b, a) for b, a in reached if changes_of.is_modified(a, after)]
    if not modified:
        return
    everyone = {e.address.lower(): e for _, a in modified for e in scheduling.invitees(a, members)}
    parties = delivery.parties(uow, everyone.values(), organizer, *parties.values())
    virtual: set[str] = set()
    for b, a in modified:
        theirs = {}
        day = recurrence.parse_occurrence_id(a.occurrence_id)
        for copy in current:
            if copy.calendar_id is None or copy.is_cancelled or day is None:
                continue  # a declined or cancelled series: nothing of it is in their calendar
            occurrence = occurrences.occurrence_on(copy, day[1])
            if occurrence is None:
                continue
            row = by_date.get((copy.id, _date_of(occurrence)))
            theirs[copy.mailbox_id] = outcome.current(row) if row is not None else occurrence
            if row is None:
                virtual.add(occurrence.id)
        for mailbox_id, copy in standalone_copies(uow, after, a).items():
            if copy.id not in absorbed:
                theirs[mailbox_id] = outcome.current(copy)
        series.update_exception(outcome, b, a, organizer, parties, members, theirs, stamp)
    series.stored(outcome, virtual)


def _join_series(uow: UnitOfWork, outcome: scheduling.Outcome, master: Event, exceptions: list[Event],
                 new_copies: list[Event], by_date: dict[tuple[str, str | None], Event],
                 stamp: scheduling.Stamp) -> set[str]:
    """Invitees of one occurrence alone whom this change invites to the whole series: their copy of that
    occurrence (copies.standalone) becomes the exception of their new series copy on that date, keeping
    their answer, so the occurrence is not in their calendar twice. Returns the ids of the copies replaced
    (recorded in `by_date` as the new exceptions)."""
    newcomers = {c.mailbox_id: c for c in new_copies}
    replaced: set[str] = set()
    if not newcomers:
        return replaced
    for exception in exceptions:
        day = recurrence.parse_occurrence_id(exception.occurrence_id)
        for mailbox_id, solo in standalone_copies(uow, master, exception).items():
            copy = newcomers.get(mailbox_id)
            occurrence = occurrences.occurrence_on(copy, day[1]) if copy is not None and day else None
            if occurrence is None or solo.is_cancelled:
                continue
            party = delivery.party(uow, uow.get_mailbox(mailbox_id))  # type: ignore[arg-type]
            answered = occurrence.evolve(response_status=solo.response_status, show_as=solo.show_as)
            joined = changes_of.as_exception(
                scheduling_copies.synced_copy(answered, outcome.current(exception), party, stamp, reset=False))
            outcome.new_events.append(joined)
            outcome.deleted_events.append((mailbox_id, solo.id))
            by_date[(copy.id, _date_of(joined))] = joined  # type: ignore[union-attr]
            replaced.add(solo.id)
    return replaced


def _date_of(event: Event) -> str | None:
    """The date part of an occurrence's or exception's occurrence id."""
    return event.occurrence_id.rsplit(".", 1)[-1] if event.occurrence_id else None


def cancel_standalone(rt: Runtime, uow: UnitOfWork, mailbox: Mailbox, master: Event, comment: str | None) -> None:
    """The organizer's series `master` is going (deleted, cancelled, or rebuilt on a new time or pattern,
    which drops its exceptions): whoever was invited to one of its exceptions alone (an attendee of the
    exception, not of the series, with a copy of that occurrence) has that copy cancelled and receives a
    meetingCancelled message about it."""
    if not master.is_organizer or master.type != "seriesMaster":
        return
    members = delivery.members(uow, mailbox)
    series_invitees = {e.address.lower() for e in scheduling.invitees(master, members)}
    outcome, organizer = scheduling.Outcome(), None
    for exception in uow.list_series_exceptions([master.id]):
        alone = [e for e in scheduling.invitees(exception, members) if e.address.lower() not in series_invitees]
        copies = standalone_copies(uow, master, exception) if alone else {}
        if not copies:
            continue
        organizer = organizer or delivery.party(uow, mailbox)
        parties = delivery.parties(uow, alone, organizer)
        send_cancellations(outcome, exception, organizer, alone, parties, copies, comment, delivery.stamp(rt),
                           series=master)
    delivery.apply(uow, outcome)
