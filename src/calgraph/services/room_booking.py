"""Rooms that book themselves: when an organizer's meeting invites a room mailbox (any attendee type), a
room with AutomateProcessing AutoAccept (the default) accepts or declines inside the organizer's request
(calgraph.core.availability.booking), one booking at a time per room (UnitOfWork.lock_resource), and
answers as an attendee does: its status on the organizer's event and a response in the organizer's Inbox.
Cancelling or deleting the meeting, or removing the room, frees the slot; moving it books again. An
AutoUpdate room keeps the request tentative and unanswered (it blocks the slot); a None room keeps nothing."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any, Sequence

from calgraph.core import occurrences, recurrence
from calgraph.core.availability import booking, freebusy
from calgraph.core.availability.booking import Decision, Span
from calgraph.core.model import Event, ItemBody, Mailbox, ResponseStatus
from calgraph.core.scheduling import Party, Stamp, messages
from calgraph.core.scheduling.copies import new_copy, visible_attendees
from calgraph.core.scheduling.invitations import time_changed
from calgraph.core.scheduling.responses import record_answer
from calgraph.services import delivery
from calgraph.services.availability import busy_items
from calgraph.services.mailbox_settings import settings_of
from calgraph.services.runtime import Runtime
from calgraph.store.interface import UnitOfWork

_FAR = timedelta(days=3660)   # how far past the booking horizon a series is looked at for more occurrences


def rooms_of(uow: UnitOfWork, meeting: Event | None) -> dict[str, Mailbox]:
    """The room mailboxes among a meeting's attendees, by id."""
    found: dict[str, Mailbox] = {}
    for attendee in meeting.attendees if meeting is not None else ():
        mailbox = uow.get_mailbox(attendee.email.address.strip().lower())
        if mailbox is not None and mailbox.kind == "room":
            found[mailbox.id] = mailbox
    return found


def book(rt: Runtime, uow: UnitOfWork, meeting: Event, before: Event | None = None) -> Event:
    """After the organizer's `meeting` (its state `before` this request, for an update) and its invitations
    are written: every room invited anew, or of a meeting whose time changed, decides; rooms no longer
    invited are freed. Returns the organizer's event with the rooms' answers (the caller writes it)."""
    if not meeting.is_organizer or meeting.type in ("occurrence", "exception"):
        return meeting
    rooms, earlier = rooms_of(uow, meeting), rooms_of(uow, before)
    if not rooms and not earlier:
        return meeting
    stamp = delivery.stamp(rt)
    organizer = delivery.party(uow, uow.get_mailbox(meeting.mailbox_id))  # type: ignore[arg-type]
    copies = delivery.copies_of(uow, meeting)
    for room_id in earlier.keys() - rooms.keys():
        _free(uow, copies.get(room_id))
    moved = before is not None and time_changed(before, meeting)
    for room_id, room in sorted(rooms.items()):   # one lock order: two bookings never wait on each other
        if room_id in earlier and not moved and (room_id in copies or _answered(meeting, room)):
            continue   # kept as it was answered
        uow.lock_resource(room_id)
        _free(uow, copies.get(room_id))
        meeting = _decide(uow, stamp, meeting, organizer, delivery.party(uow, room))
    return meeting


def rebook_series(rt: Runtime, uow: UnitOfWork, mailbox_id: str, master_id: str) -> None:
    """The organizer moved, cancelled or deleted one occurrence of a series: each room decides on the series
    again, as it now is (so a moved occurrence is checked at its new time and a cancelled one frees its slot)."""
    master = uow.get_event(mailbox_id, master_id)
    if master is None or not master.is_organizer or master.calendar_id is None or master.is_cancelled:
        return
    rooms = rooms_of(uow, master)
    if not rooms:
        return
    stamp = delivery.stamp(rt)
    organizer = delivery.party(uow, uow.get_mailbox(mailbox_id))  # type: ignore[arg-type]
    copies = delivery.copies_of(uow, master)
    exceptions = uow.list_series_exceptions([master.id])
    answered = master
    for room_id, room in sorted(rooms.items()):
        uow.lock_resource(room_id)
        _free(uow, copies.get(room_id))
        answered = _decide(uow, stamp, answered, organizer, delivery.party(uow, room), exceptions)
    if answered is not master:
        uow.update_event(answered, expected_change_key=master.change_key)


def _answered(meeting: Event, room: Mailbox) -> bool:
    return any(a.email.address.lower() == room.address.lower() and a.status.response not in ("none", "notResponded")
               for a in meeting.attendees)


def release(uow: UnitOfWork, meeting: Event) -> None:
    """The meeting was cancelled or deleted: every room's copy goes, freeing the slot."""
    if not meeting.is_organizer:
        return
    copies = delivery.copies_of(uow, meeting)
    for room_id in rooms_of(uow, meeting):
        _free(uow, copies.get(room_id))


def _free(uow: UnitOfWork, copy: Event | None) -> None:
    if copy is None:
        return
    for exception in uow.list_series_exceptions([copy.id]) if copy.type == "seriesMaster" else ():
        uow.delete_event(exception.mailbox_id, exception.id)
    uow.delete_event(copy.mailbox_id, copy.id)


def _spans(meeting: Event, exceptions: list[Event], now: datetime, horizon: datetime) -> tuple[list[Span], bool]:
    if meeting.recurrence is None:
        start, end = freebusy.span_of(meeting)
        return [Span(start, end)], False
    low = min(now, horizon)
    found = occurrences.without_replaced(occurrences.expand([meeting], low, horizon), exceptions)
    found += [e for e in exceptions if not e.is_cancelled and freebusy.span_of(e)[1] > low
              and freebusy.span_of(e)[0] < horizon]
    spans = sorted((Span(*freebusy.span_of(o), occurrence_id=o.occurrence_id) for o in found), key=lambda s: s.start)
    unbounded = (meeting.recurrence.get("range") or {}).get("type") == "noEnd"
    return spans, unbounded or bool(occurrences.expand([meeting], horizon, horizon + _FAR))


def _decide(uow: UnitOfWork, stamp: Stamp, meeting: Event, organizer: Party, room: Party,
            exceptions: Sequence[Event] = ()) -> Event:
    place = uow.get_place(room.mailbox.address)
    if place is None or place.policy.automate == "None":
        return meeting
    if place.policy.automate == "AutoUpdate":   # pending: a tentative copy, no answer until a delegate acts
        uow.add_event(new_copy(meeting, room, stamp))
        return meeting
    now = stamp.now
    horizon = now + timedelta(days=place.policy.booking_window_days)
    spans, beyond = _spans(meeting, list(exceptions), now, horizon)
    window_start = min((s.start for s in spans), default=now)
    window_end = max((s.end for s in spans), default=now)
    busy = [] if not spans else [i for i in busy_items(uow, room.mailbox, window_start, window_end)
                                 if booking.counts_as_conflict(i, meeting.ical_uid)]
    decision = booking.decide(place.policy, place.booking_type == "reserved", spans, meeting.recurrence is not None,
                              beyond, busy, settings_of(uow, room.mailbox).working_hours, now)
    copy_id = None
    if decision.accept:
        copy_id = _add_copy(uow, stamp, meeting, organizer, room, decision, list(exceptions))
    return _answer(uow, stamp, meeting, organizer, room, decision, copy_id)


def _add_copy(uow: UnitOfWork, stamp: Stamp, meeting: Event, organizer: Party, room: Party,
              decision: Decision, exceptions: list[Event]) -> str:
    """The room's calendar item: subject = organizer's name, no body, normal sensitivity, busy, accepted. A
    series keeps the organizer's cancelled occurrences and moved ones (as exceptions of the room's series),
    less the occurrences declined one by one."""
    status = ResponseStatus("accepted", stamp.now)
    copy = new_copy(meeting, room, stamp)
    declined = {span.occurrence_id for span in decision.declined}
    cancelled = [_day(oid) for oid in (*meeting.cancelled_occurrences, *declined)]
    cancelled += [_day(e.occurrence_id) for e in exceptions if e.is_cancelled]
    own = dict(subject=organizer.mailbox.display_name, body=ItemBody("html", ""), sensitivity="normal",
               show_as="busy", response_status=status, attendees=visible_attendees(meeting, room.key, status),
               is_reminder_on=False)
    copy = copy.evolve(cancelled_occurrences=tuple(sorted({recurrence.occurrence_id(copy.id, d)
                                                          for d in cancelled if d is not None})), **own)
    uow.add_event(copy)
    for exception in exceptions:
        day = _day(exception.occurrence_id)
        if exception.is_cancelled or exception.occurrence_id in declined or day is None:
            continue
        uow.add_event(exception.evolve(
            id=stamp.ids.item(), mailbox_id=room.mailbox.id, calendar_id=room.calendar_id, mail_folder_id=None,
            change_key=stamp.ids.change_key(), created=stamp.now, last_modified=stamp.now, is_organizer=False,
            series_master_id=copy.id, occurrence_id=recurrence.occurrence_id(copy.id, day), categories=(),
            transaction_id=None, **own))
    return copy.id


def _day(occurrence_id: str | None) -> date | None:
    parsed = recurrence.parse_occurrence_id(occurrence_id) if occurrence_id else None
    return parsed[1] if parsed is not None else None


def _answer(uow: UnitOfWork, stamp: Stamp, meeting: Event, organizer: Party, room: Party, decision: Decision,
            copy_id: str | None) -> Event:
    response, kind, prefix = (("accepted", "meetingAccepted", "Accepted: ") if decision.accept
                              else ("declined", "meetingDeclined", "Declined: "))
    status = ResponseStatus(response, stamp.now)  # type: ignore[arg-type]
    answered = meeting.evolve(attendees=record_answer(meeting, room, status, None),
                              change_key=stamp.ids.change_key(), last_modified=stamp.now)
    _send(uow, stamp, meeting, organizer, room, response, kind, prefix + meeting.subject, decision.reason, copy_id)
    for span in decision.declined:   # an accepted series: each conflicting occurrence declined on its own
        _send(uow, stamp, meeting, organizer, room, "declined", "meetingDeclined", "Declined: " + meeting.subject,
              f"{booking.CONFLICTS}\n{span.start:%m/%d/%Y %H:%M} UTC", copy_id)
    return answered


def _send(uow: UnitOfWork, stamp: Stamp, meeting: Event, organizer: Party, room: Party, response: str,
          kind: str, subject: str, text: str, copy_id: str | None) -> None:
    info = messages.info(meeting, kind, response_type=response)
    common: dict[str, Any] = dict(kind="eventMessageResponse", subject=subject, body=messages.comment_body(text),
                                  sender=room.email, to=(meeting.organizer,), meeting=info,
                                  conversation=messages.conversation_id(meeting))
    for owner, incoming, event_id in ((organizer, True, meeting.id), (room, False, copy_id)):
        uow.add_message(messages.deliver(stamp, owner, incoming=incoming, event_id=event_id, **common))

