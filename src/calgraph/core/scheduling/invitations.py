"""Invitations: a new meeting, and an organizer's changes to it (decisions 12, 13, 22, 23, 26)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from calgraph.core import timezones
from calgraph.core.model import NEVER, Attendee, EmailAddress, Event, ResponseStatus
from calgraph.core.scheduling import copies, messages
from calgraph.core.scheduling.audience import invitees
from calgraph.core.scheduling.cancellation import send_cancellations
from calgraph.core.scheduling.outcome import Outcome, Party, Stamp

# Changes to these (besides the time) send attendees an informationalUpdate.
INFORMATIONAL = (
    "subject", "body", "location", "locations", "importance", "sensitivity", "is_online_meeting",
    "allow_new_time_proposals", "response_requested", "hide_attendees",
)


def invite(meeting: Event, organizer: Party, parties: Mapping[str, Party],
           members: Sequence[EmailAddress], stamp: Stamp) -> Outcome:
    """A new meeting: a copy and a request for every invitee with a mailbox here, and the request
    in the organizer's Sent Items addressed to everyone (external invitees included)."""
    outcome = Outcome()
    if not meeting.is_organizer:
        return outcome
    recipients = invitees(meeting, members)
    send_requests(outcome, meeting, organizer, recipients, parties, {}, stamp, "newMeetingRequest")
    return outcome


def reinvite(before: Event, after: Event, organizer: Party, parties: Mapping[str, Party],
             members: Sequence[EmailAddress], copies_by_mailbox: Mapping[str, Event],
             stamp: Stamp) -> tuple[Event, Outcome]:
    """The organizer changed a meeting. A new time resets every answer and proposal and sends a
    fullUpdate; other visible changes send an informationalUpdate; added invitees are invited and
    removed ones receive a cancellation. Returns the organizer's event as it ends up."""
    outcome = Outcome()
    if not after.is_organizer:
        return after, outcome
    moved = time_changed(before, after)
    if moved:
        after = after.evolve(attendees=tuple(_reset(a) for a in after.attendees))
    old = {e.address.lower(): e for e in invitees(before, members)}
    new = {e.address.lower(): e for e in invitees(after, members)}
    added = [e for key, e in new.items() if key not in old]
    removed = [e for key, e in old.items() if key not in new]
    kept = [e for key, e in new.items() if key in old]

    if added:
        send_requests(outcome, after, organizer, added, parties, copies_by_mailbox, stamp, "newMeetingRequest")
    if removed:
        send_cancellations(outcome, before, organizer, removed, parties, copies_by_mailbox, None, stamp)
    informational = any(getattr(before, name) != getattr(after, name) for name in INFORMATIONAL)
    if moved or informational:
        kind = "fullUpdate" if moved else "informationalUpdate"
        send_requests(outcome, after, organizer, kept, parties, copies_by_mailbox, stamp, kind, before)
    elif before.attendees != after.attendees:  # only the list changed: keep the copies' lists current
        for email in kept:
            party = parties.get(email.address.lower())
            copy = copies_by_mailbox.get(party.mailbox.id) if party else None
            if party is not None and copy is not None:
                outcome.change(copy, copies.synced_copy(copy, after, party, stamp, reset=False))
    return after, outcome


def time_changed(before: Event, after: Event) -> bool:
    def span(event: Event) -> tuple[object, ...]:
        if event.is_all_day:
            return (True, event.start.local.date(), event.end.local.date(), event.recurrence)
        return (False, timezones.to_utc(event.start), timezones.to_utc(event.end), event.recurrence)
    return span(before) != span(after)


def _reset(attendee: Attendee) -> Attendee:
    return Attendee(attendee.email, attendee.type, ResponseStatus("none", NEVER))


def send_requests(outcome: Outcome, meeting: Event, organizer: Party, recipients: Sequence[EmailAddress],
                  parties: Mapping[str, Party], copies_by_mailbox: Mapping[str, Event], stamp: Stamp,
                  request_type: str, previous: Event | None = None) -> None:
    """A request about `meeting` to each local recipient (their copy in `copies_by_mailbox` brought up to date,
    else a new copy) and one in the organizer's Sent Items addressed to everyone."""
    if not recipients:
        return
    meeting_info = messages.request_info(meeting, request_type, previous)
    conversation = messages.conversation_id(meeting)
    to = _addressed(meeting, recipients)
    for email in recipients:
        party = parties.get(email.address.lower())
        if party is None or party.mailbox.kind != "user":
            continue  # no mailbox here: recorded as sent (organizer's Sent Items), nothing lost
        existing = copies_by_mailbox.get(party.mailbox.id)
        if existing is None:
            copy = copies.new_copy(meeting, party, stamp)
            outcome.new_events.append(copy)
        else:
            copy = outcome.change(existing, copies.synced_copy(
                existing, meeting, party, stamp, reset=request_type == "fullUpdate"))
            outcome.outdated_requests.append((party.mailbox.id, copy.id))
        shown_to = (email,) if meeting.hide_attendees else to
        outcome.new_messages.append(messages.deliver(
            stamp, party, incoming=True, kind="eventMessageRequest", subject=meeting.subject, body=meeting.body,
            sender=meeting.organizer, to=shown_to, meeting=meeting_info, event_id=copy.id,
            conversation=conversation))
    outcome.new_messages.append(messages.deliver(
        stamp, organizer, incoming=False, kind="eventMessageRequest", subject=meeting.subject, body=meeting.body,
        sender=meeting.organizer, to=tuple(recipients), meeting=meeting_info, event_id=meeting.id,
        conversation=conversation))


def _addressed(meeting: Event, recipients: Sequence[EmailAddress]) -> tuple[EmailAddress, ...]:
    """A request is addressed to the meeting's attendees (and to any other invitee it goes to)."""
    listed = [a.email for a in meeting.attendees]
    keys = {e.address.lower() for e in listed}
    return tuple(listed + [e for e in recipients if e.address.lower() not in keys])
