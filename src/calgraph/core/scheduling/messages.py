"""The meeting messages: requests, responses, cancellations, forward notifications."""

from __future__ import annotations

from calgraph.core import body as bodies
from calgraph.core import occurrences
from calgraph.core.scheduling import conversation as conversation_index
from calgraph.core.model import EmailAddress, Event, ItemBody, MeetingInfo, Message
from calgraph.core.scheduling.outcome import Party, Stamp


def info(meeting: Event, message_type: str, **extra: object) -> MeetingInfo:
    """The meeting as an eventMessage describes it."""
    return MeetingInfo(
        message_type=message_type,  # type: ignore[arg-type]
        start=meeting.start, end=meeting.end, location=dict(meeting.location),
        is_all_day=meeting.is_all_day, event_type=meeting.type, recurrence=meeting.recurrence,
        **extra,  # type: ignore[arg-type]
    )


def request_info(meeting: Event, request_type: str, previous: Event | None = None) -> MeetingInfo:
    extra: dict[str, object] = {}
    if previous is not None and request_type == "fullUpdate":
        extra.update(previous_start=previous.start, previous_end=previous.end)
    if previous is not None and previous.location != meeting.location:
        extra["previous_location"] = dict(previous.location)
    return info(meeting, "meetingRequest", request_type=request_type,
                allow_new_time_proposals=meeting.allow_new_time_proposals,
                response_requested=meeting.response_requested, **extra)


def comment_body(comment: str | None) -> ItemBody:
    return ItemBody("html", bodies.to_html(comment or "", "text"))


class Conversation(str):
    """A meeting's conversationId, carrying where its event stands in the thread's conversation index."""

    parent: bytes = b""


def conversation_id(meeting: Event) -> str:
    found = Conversation("AAQk" + meeting.ical_uid[-44:])
    found.parent = thread_index(meeting)
    return found


def thread_index(meeting: Event) -> bytes:
    """The organizer's event: its thread's header; an attendee's copy: the index of the last request it got
    (events made before calgraph kept it: a header from their creation)."""
    if meeting.thread_index:
        return conversation_index.decode(meeting.thread_index)
    uid = occurrences.series_uid(meeting.ical_uid)
    return conversation_index.header(meeting.created, conversation_index.thread_guid(uid))


_ANSWERS = ("meetingAccepted", "meetingTentativelyAccepted", "meetingDeclined")


def _index(conversation: str, meeting: MeetingInfo, stamp: Stamp) -> str:
    parent = getattr(conversation, "parent", b"")
    if not parent:
        return ""
    head = parent[:conversation_index.HEADER_BYTES]
    if meeting.message_type == "meetingRequest" and meeting.request_type == "newMeetingRequest":
        return conversation_index.encode(head)
    if meeting.message_type in _ANSWERS:   # continues the request answered
        return conversation_index.encode(conversation_index.continued(parent, stamp.now))
    return conversation_index.encode(conversation_index.continued(head, stamp.now))


def deliver(stamp: Stamp, owner: Party, *, incoming: bool, kind: str, subject: str, body: ItemBody,
            sender: EmailAddress, to: tuple[EmailAddress, ...], meeting: MeetingInfo,
            event_id: str | None, conversation: str) -> Message:
    """One meeting message in `owner`'s Inbox (incoming) or Sent Items (outgoing, already read)."""
    return Message(
        id=stamp.ids.item(), mailbox_id=owner.mailbox.id,
        folder_id=owner.inbox_id if incoming else owner.sent_id,
        change_key=stamp.ids.change_key(), created=stamp.now, last_modified=stamp.now,
        kind=kind,  # type: ignore[arg-type]
        subject=subject, body=body, sender=sender, to_recipients=to, received=stamp.now, sent=stamp.now,
        is_read=not incoming, conversation_id=conversation,
        internet_message_id=f"<{stamp.ids.guid()}@calgraph>", event_id=event_id, meeting=meeting,
        conversation_index=_index(conversation, meeting, stamp),
    )


def outdated(request: Message) -> Message:
    """An earlier request, once a newer one about the same meeting has arrived."""
    if request.kind != "eventMessageRequest" or request.meeting is None or request.meeting.is_out_of_date:
        return request
    return request.evolve(meeting=request.meeting.evolve(is_out_of_date=True))
