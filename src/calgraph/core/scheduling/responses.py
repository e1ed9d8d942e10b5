"""accept / tentativelyAccept / decline by an attendee, with or without a new-time proposal
(§3.9, §4, decisions 3-11)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from calgraph.core import errors, timezones
from calgraph.core.model import Attendee, Event, ResponseStatus, TimeSlot
from calgraph.core.scheduling import messages
from calgraph.core.scheduling.copies import visible_attendees
from calgraph.core.scheduling.outcome import Outcome, Party, Stamp

Action = Literal["accept", "tentativelyAccept", "decline"]


@dataclass(frozen=True)
class _Kind:
    response: str
    message_type: str
    prefix: str
    cancelled: type[errors.MeetingCancelled]


KINDS: dict[str, _Kind] = {
    "accept": _Kind("accepted", "meetingAccepted", "Accepted: ", errors.CalendarIsCancelledForAccept),
    "tentativelyAccept": _Kind("tentativelyAccepted", "meetingTentativelyAccepted", "Tentative: ",
                               errors.CalendarIsCancelledForTentative),
    "decline": _Kind("declined", "meetingDeclined", "Declined: ", errors.CalendarIsCancelledForDecline),
}
PROPOSAL_PREFIX = "New Time Proposed: "


@dataclass(frozen=True)
class MeetingResponse:
    action: Action
    comment: str | None = None
    send_response: bool = True
    proposed_new_time: TimeSlot | None = None   # tentativelyAccept and decline only


def check(copy: Event, answer: MeetingResponse) -> None:
    """The refusals of decisions 3-7, in the order they are reported."""
    if copy.is_organizer:
        raise errors.OrganizerCannotRespond()
    if copy.is_cancelled:
        raise KINDS[answer.action].cancelled()
    proposal = answer.proposed_new_time
    if proposal is not None and not answer.send_response:
        raise errors.SendResponseRequired("ProposedNewTime")
    if answer.comment is not None and not answer.send_response:
        raise errors.SendResponseRequired("Comment")
    if proposal is not None:
        if not copy.allow_new_time_proposals:
            raise errors.ProposalsNotAllowed()
        if timezones.to_utc(proposal.end) <= timezones.to_utc(proposal.start):
            raise errors.InvalidParameter("The end of 'ProposedNewTime' must be after its start.")


def respond(copy: Event, answer: MeetingResponse, responder: Party, meeting: Event | None,
            organizer: Party | None, stamp: Stamp) -> Outcome:
    """The attendee's copy takes the answer (decline moves it to Deleted Items); with sendResponse the
    organizer's event records it and the organizer receives an eventMessageResponse, of which the
    attendee keeps a copy in Sent Items. `meeting`/`organizer`: the organizer's event and mailbox,
    when they are on this server."""
    check(copy, answer)
    kind = KINDS[answer.action]
    outcome = Outcome()
    status = ResponseStatus(kind.response, stamp.now)  # type: ignore[arg-type]
    own = copy.evolve(response_status=status, attendees=_own_entry(copy, responder, status),
                      change_key=stamp.ids.change_key(), last_modified=stamp.now)
    if answer.action == "accept":
        own = own.evolve(show_as=meeting.show_as if meeting is not None else "busy")
    elif answer.action == "tentativelyAccept":
        own = own.evolve(show_as="tentative")
    else:
        own = own.evolve(calendar_id=None, mail_folder_id=responder.deleted_id)
    outcome.change(copy, own)
    if not answer.send_response:
        return outcome

    if meeting is not None and not meeting.is_cancelled:
        outcome.change(meeting, meeting.evolve(
            attendees=record_answer(meeting, responder, status, answer.proposed_new_time),
            change_key=stamp.ids.change_key(), last_modified=stamp.now))
    prefix = PROPOSAL_PREFIX if answer.proposed_new_time is not None else kind.prefix
    meeting_info = messages.info(copy, kind.message_type, response_type=kind.response,
                                 proposed_new_time=answer.proposed_new_time)
    common = dict(kind="eventMessageResponse", subject=prefix + copy.subject,
                  body=messages.comment_body(answer.comment), sender=responder.email, to=(copy.organizer,),
                  meeting=meeting_info, conversation=messages.conversation_id(copy))
    if organizer is not None:
        outcome.new_messages.append(messages.deliver(
            stamp, organizer, incoming=True, event_id=meeting.id if meeting is not None else None,
            **common))  # type: ignore[arg-type]
    outcome.new_messages.append(messages.deliver(
        stamp, responder, incoming=False, event_id=copy.id, **common))  # type: ignore[arg-type]
    return outcome


def _own_entry(copy: Event, responder: Party, status: ResponseStatus) -> tuple[Attendee, ...]:
    """The copy's attendee list with the responder's own entry showing the answer."""
    return visible_attendees(copy, responder.key, status)


def record_answer(meeting: Event, responder: Party, status: ResponseStatus,
            proposal: TimeSlot | None) -> tuple[Attendee, ...]:
    """The organizer's attendee list with the responder's status and proposal (an invitee who was not
    listed, e.g. a group member or a forward's recipient, is added as optional)."""
    entries = list(meeting.attendees)
    for i, attendee in enumerate(entries):
        if attendee.email.address.lower() == responder.key:
            entries[i] = Attendee(attendee.email, attendee.type, status, proposal)
            return tuple(entries)
    return (*entries, Attendee(responder.email, "optional", status, proposal))
