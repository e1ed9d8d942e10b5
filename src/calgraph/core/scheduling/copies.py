"""Each attendee's own copy of a meeting: how it is made and how it follows the organizer's event.

A copy of one occurrence (an invitee of that occurrence only, who has no copy of the series, or none
holding that occurrence any more) is a meeting of its own: a `singleInstance` with the occurrence's
iCalUId (so answers reach the organizer's occurrence, and beta's `uid` is still the series'), no
seriesMasterId, originalStart or occurrenceId, as there is no series behind it in that mailbox."""

from __future__ import annotations

from datetime import datetime, timedelta

from calgraph.core.model import NEVER, Attendee, Event, ResponseStatus
from calgraph.core.scheduling import conversation, messages
from calgraph.core.scheduling.outcome import Party, Stamp

# What an attendee's copy takes over from the organizer's event on every update.
SYNCED = (
    "subject", "body", "start", "end", "is_all_day", "original_start_time_zone", "original_end_time_zone",
    "location", "locations", "importance", "sensitivity", "response_requested", "allow_new_time_proposals",
    "hide_attendees", "recurrence", "type", "is_online_meeting", "online_meeting_provider", "online_meeting",
    "organizer",
)
NOT_RESPONDED = ResponseStatus("notResponded", NEVER)


def visible_attendees(meeting: Event, address: str, own: ResponseStatus | None = None) -> tuple[Attendee, ...]:
    """The attendee list as an attendee's copy shows it: without others' answers or proposals, only the
    attendee when `hideAttendees`, and the attendee's own answer (with the 'never' time) on their entry."""
    shown = []
    address = address.lower()
    for attendee in meeting.attendees:
        is_self = attendee.email.address.lower() == address
        if meeting.hide_attendees and not is_self:
            continue
        response = "none"
        if is_self and own is not None and own.response in ("accepted", "tentativelyAccepted", "declined"):
            response = own.response
        status = attendee.status
        if attendee.proposed_new_time is None and status.response == response and _is_never(status.time):
            shown.append(attendee)  # already shown so (a copy's list): the same immutable entry
        else:
            shown.append(Attendee(attendee.email, attendee.type, ResponseStatus(response, NEVER)))
    return tuple(shown)


def _is_never(instant: datetime) -> bool:
    """`instant == NEVER`, without comparing aware datetimes: one whose tzinfo is pydantic's (as every
    stored one is, once read back) takes ~2.5 us to compare, and a copy lists every attendee."""
    return instant is NEVER or (
        instant.year == 1 and instant.month == 1 and instant.day == 1 and instant.hour == 0 and instant.minute == 0
        and instant.second == 0 and instant.microsecond == 0 and instant.utcoffset() == _ZERO)


_ZERO = timedelta(0)


def new_copy(meeting: Event, party: Party, stamp: Stamp) -> Event:
    copy = meeting.evolve(
        id=stamp.ids.item(), mailbox_id=party.mailbox.id, calendar_id=party.calendar_id, mail_folder_id=None,
        change_key=stamp.ids.change_key(), created=stamp.now, last_modified=stamp.now,
        is_organizer=False, response_status=NOT_RESPONDED, show_as="tentative",
        attendees=visible_attendees(meeting, party.key), categories=(), transaction_id=None,
        is_reminder_on=True, reminder_minutes_before_start=15, reminder_snoozed_until=None, is_draft=False,
        is_cancelled=False, extensions=(), single_value_properties=(), multi_value_properties=(),
        has_attachments=False,   # until the organizer's are copied (services.attachments.sync_copies)
    )
    return standalone(copy) if is_instance(meeting) else copy


def is_instance(event: Event) -> bool:
    """An occurrence or exception of a series."""
    return event.type in ("occurrence", "exception")


def standalone(copy: Event) -> Event:
    """A copy of one occurrence as its own meeting (see the module note)."""
    return copy.evolve(type="singleInstance", series_master_id=None, original_start=None, occurrence_id=None,
                       recurrence=None, cancelled_occurrences=())


def synced_copy(copy: Event, meeting: Event, party: Party, stamp: Stamp, reset: bool) -> Event:
    """`copy` brought up to date with the organizer's `meeting`; `reset` (the time changed) clears the
    attendee's answer and brings a declined copy back from Deleted Items."""
    values = {name: getattr(meeting, name) for name in SYNCED}
    if copy.type == "singleInstance" and is_instance(meeting):  # a copy of one occurrence stays one
        values.update(type="singleInstance", recurrence=None)
    status = NOT_RESPONDED if reset else copy.response_status
    values.update(response_status=status, attendees=visible_attendees(meeting, party.key, status),
                  change_key=stamp.ids.change_key(), last_modified=stamp.now,
                  thread_index=_update_index(meeting, stamp))
    if reset:
        values.update(show_as="tentative", calendar_id=party.calendar_id, mail_folder_id=None)
    return copy.evolve(**values)


def _update_index(meeting: Event, stamp: Stamp) -> str:
    """The conversation index of the update request this sync comes with (messages._index makes the same)."""
    head = messages.thread_index(meeting)[:conversation.HEADER_BYTES]
    return conversation.encode(conversation.continued(head, stamp.now))


def cancelled_copy(copy: Event, stamp: Stamp) -> Event:
    return copy.evolve(is_cancelled=True, subject=f"Canceled: {copy.subject}",
                       change_key=stamp.ids.change_key(), last_modified=stamp.now)
