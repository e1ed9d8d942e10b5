"""The organizer's cancel (and DELETE of a meeting): decisions 8, 13 and 15."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from calgraph.core.errors import NotOrganizer
from calgraph.core.model import EmailAddress, Event
from calgraph.core.scheduling import copies, messages
from calgraph.core.scheduling.audience import invitees
from calgraph.core.scheduling.outcome import Outcome, Party, Stamp


def cancel(meeting: Event, comment: str | None, organizer: Party, parties: Mapping[str, Party],
           members: Sequence[EmailAddress], copies_by_mailbox: Mapping[str, Event], stamp: Stamp) -> Outcome:
    """Organizer only. The organizer's event moves to Deleted Items; every invitee's copy is marked
    cancelled and every invitee receives a meetingCancelled message carrying the comment."""
    if not meeting.is_organizer:
        raise NotOrganizer()
    outcome = Outcome()
    outcome.change(meeting, meeting.evolve(
        calendar_id=None, mail_folder_id=organizer.deleted_id, is_cancelled=True,
        change_key=stamp.ids.change_key(), last_modified=stamp.now))
    send_cancellations(outcome, meeting, organizer, invitees(meeting, members), parties, copies_by_mailbox,
                       comment, stamp)
    return outcome


def send_cancellations(outcome: Outcome, meeting: Event, organizer: Party, recipients: Sequence[EmailAddress],
                       parties: Mapping[str, Party], copies_by_mailbox: Mapping[str, Event],
                       comment: str | None, stamp: Stamp,
                       cancel_copy: Callable[[Event], str | None] | None = None,
                       series: Event | None = None) -> None:
    """A `meetingCancelled` message about `meeting` to each local recipient (the organizer keeps one
    in Sent Items), each recipient's copy cancelled. `cancel_copy`: what cancelling does to a copy,
    returning the id the recipient's message points at (by default the whole copy is cancelled);
    `series`: the series `meeting` is an occurrence of (its conversation)."""
    if not recipients:
        return
    subject = f"Canceled: {meeting.subject}"
    meeting_info = messages.info(meeting, "meetingCancelled")
    conversation = messages.conversation_id(series or meeting)
    body = messages.comment_body(comment)
    for email in recipients:
        party = parties.get(email.address.lower())
        if party is None or party.mailbox.kind != "user":
            continue
        copy = copies_by_mailbox.get(party.mailbox.id)
        event_id = None
        if copy is not None and cancel_copy is not None:
            event_id = cancel_copy(copy)
        elif copy is not None:
            outcome.change(copy, copies.cancelled_copy(outcome.current(copy), stamp))
            event_id = copy.id
        outcome.new_messages.append(messages.deliver(
            stamp, party, incoming=True, kind="eventMessage", subject=subject, body=body,
            sender=meeting.organizer, to=(email,), meeting=meeting_info, event_id=event_id,
            conversation=conversation))
    outcome.new_messages.append(messages.deliver(
        stamp, organizer, incoming=False, kind="eventMessage", subject=subject, body=body,
        sender=meeting.organizer, to=tuple(recipients), meeting=meeting_info, event_id=meeting.id,
        conversation=conversation))
