"""forward by the organizer or an attendee (§3.6)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from calgraph.core.errors import InvalidParameter
from calgraph.core.model import Attendee, EmailAddress, Event, ItemBody
from calgraph.core.scheduling import copies, messages
from calgraph.core.scheduling.outcome import Outcome, Party, Stamp

FORWARD_NOTIFICATION = "Meeting Forward Notification: "


def forward(event: Event, recipients: Sequence[EmailAddress], comment: str | None, actor: Party,
            meeting: Event | None, organizer: Party | None, parties: Mapping[str, Party],
            copies_by_mailbox: Mapping[str, Event], stamp: Stamp) -> Outcome:
    """Each recipient receives the meeting request (and, with a mailbox here, a copy of the meeting);
    new recipients join the organizer's event as optional attendees and, when an attendee forwarded,
    the organizer is notified. `event` is the forwarder's own copy (the organizer's event when the
    organizer forwards)."""
    if not recipients:
        raise InvalidParameter("At least one recipient is required in 'ToRecipients'.")
    outcome = Outcome()
    source = meeting or event
    conversation = messages.conversation_id(source)
    request = messages.request_info(source, "newMeetingRequest")
    body = _forward_body(comment, source.body)
    known = {a.email.address.lower() for a in source.attendees} | {source.organizer.address.lower()}
    added = [r for r in _unique(recipients) if r.address.lower() not in known]

    if meeting is not None and added:
        joined = tuple(Attendee(r, "optional") for r in added)
        meeting = outcome.change(meeting, meeting.evolve(
            attendees=(*meeting.attendees, *joined), change_key=stamp.ids.change_key(), last_modified=stamp.now))
    for email in _unique(recipients):
        party = parties.get(email.address.lower())
        if party is None or party.mailbox.kind != "user" or party.mailbox.id == actor.mailbox.id:
            continue
        copy = copies_by_mailbox.get(party.mailbox.id)
        if copy is None:
            copy = copies.new_copy(meeting or source, party, stamp)
            outcome.new_events.append(copy)
        outcome.new_messages.append(messages.deliver(
            stamp, party, incoming=True, kind="eventMessageRequest", subject=source.subject, body=body,
            sender=actor.email, to=tuple(recipients), meeting=request, event_id=copy.id,
            conversation=conversation))
    outcome.new_messages.append(messages.deliver(
        stamp, actor, incoming=False, kind="eventMessageRequest", subject=source.subject, body=body,
        sender=actor.email, to=tuple(recipients), meeting=request, event_id=event.id, conversation=conversation))
    if not event.is_organizer and organizer is not None and added:
        names = ", ".join(r.name or r.address for r in added)
        outcome.new_messages.append(messages.deliver(
            stamp, organizer, incoming=True, kind="eventMessage",
            subject=FORWARD_NOTIFICATION + source.subject,
            body=messages.comment_body(f"{actor.email.name or actor.email.address} forwarded the meeting to {names}."),
            sender=actor.email, to=(source.organizer,), meeting=messages.info(source, "none"),
            event_id=meeting.id if meeting is not None else None, conversation=conversation))
    return outcome


def _unique(recipients: Sequence[EmailAddress]) -> list[EmailAddress]:
    seen: set[str] = set()
    out = []
    for email in recipients:
        if email.address.lower() not in seen:
            seen.add(email.address.lower())
            out.append(email)
    return out


def _forward_body(comment: str | None, original: ItemBody) -> ItemBody:
    if not comment:
        return original
    return ItemBody("html", messages.comment_body(comment).content + original.content)
