"""The scheduling core, case by case: pure functions from (state, request) to an Outcome or an error."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from calgraph.core import errors
from calgraph.core.ids import Ids
from calgraph.core.model import NEVER, Attendee, EmailAddress, Event, Mailbox, ResponseStatus, TimeSlot, When
from calgraph.core.scheduling import (
    MeetingResponse,
    Outcome,
    Party,
    Stamp,
    cancel,
    dismiss_reminder,
    forward,
    invite,
    invitees,
    reinvite,
    respond,
    snooze_reminder,
)

NOW = datetime(2025, 1, 10, 8, 0, tzinfo=timezone.utc)
PST = "Pacific Standard Time"


def party(name: str, kind: str = "user") -> Party:
    box = Mailbox(f"id-{name}", kind, f"{name}@contoso.com", name.title(), NOW)  # type: ignore[arg-type]
    return Party(box, f"cal-{name}", f"inbox-{name}", f"sent-{name}", f"deleted-{name}")


ORG, BOB, CAROL = party("org"), party("bob"), party("carol")
PARTIES = {p.key: p for p in (ORG, BOB, CAROL)}
STAMP = Stamp(Ids(), NOW)


def meeting(*names: str, **changes: object) -> Event:
    base = Event(
        id="ev-org", mailbox_id=ORG.mailbox.id, calendar_id=ORG.calendar_id, ical_uid="UID-1", change_key="ck-0",
        created=NOW, last_modified=NOW, start=When(datetime(2025, 1, 15, 12), PST),
        end=When(datetime(2025, 1, 15, 13), PST), organizer=ORG.email, subject="Lunch",
        attendees=tuple(Attendee(EmailAddress(f"{n}@contoso.com", n.title())) for n in names),
    )
    return base.evolve(**changes)


def invited(event: Event) -> tuple[Outcome, dict[str, Event]]:
    outcome = invite(event, ORG, PARTIES, [], STAMP)
    return outcome, {e.mailbox_id: e for e in outcome.new_events}


def slot(day: int) -> TimeSlot:
    return TimeSlot(When(datetime(2025, 1, day, 12), PST), When(datetime(2025, 1, day, 13), PST))


# -- invitations ----------------------------------------------------------------------------------

def test_invite_makes_a_copy_and_a_request_per_local_attendee_and_one_sent_item() -> None:
    outcome, copies = invited(meeting("bob", "carol", "ext"))
    assert set(copies) == {BOB.mailbox.id, CAROL.mailbox.id}
    copy = copies[BOB.mailbox.id]
    assert (copy.ical_uid, copy.is_organizer, copy.show_as, copy.calendar_id) == ("UID-1", False, "tentative", "cal-bob")
    assert copy.response_status.response == "notResponded" and copy.response_status.time == NEVER
    assert copy.id != "ev-org"
    inbox = [m for m in outcome.new_messages if m.folder_id.startswith("inbox")]
    sent = [m for m in outcome.new_messages if m.folder_id.startswith("sent")]
    assert sorted(m.folder_id for m in inbox) == ["inbox-bob", "inbox-carol"]
    assert all(m.kind == "eventMessageRequest" and m.meeting.request_type == "newMeetingRequest" for m in inbox)
    assert {m.event_id for m in inbox} == {c.id for c in copies.values()}
    assert len(sent) == 1 and sent[0].folder_id == "sent-org" and sent[0].is_read
    assert [r.address for r in sent[0].to_recipients] == ["bob@contoso.com", "carol@contoso.com", "ext@contoso.com"]


def test_hidden_attendees_see_only_themselves() -> None:
    _, copies = invited(meeting("bob", "carol", hide_attendees=True))
    assert [a.email.address for a in copies[BOB.mailbox.id].attendees] == ["bob@contoso.com"]


def test_invitees_are_unique_and_never_the_organizer() -> None:
    event = meeting("bob", "BOB", "org")
    members = [EmailAddress("carol@contoso.com"), EmailAddress("bob@contoso.com")]
    assert [e.address for e in invitees(event, members)] == ["bob@contoso.com", "carol@contoso.com"]


def test_an_attendees_copy_is_not_an_invitation() -> None:
    assert invite(meeting("bob", is_organizer=False), ORG, PARTIES, [], STAMP) == Outcome()


# -- responses ------------------------------------------------------------------------------------

def test_accept_records_the_answer_everywhere() -> None:
    org_event = meeting("bob", show_as="oof")
    _, copies = invited(org_event)
    outcome = respond(copies[BOB.mailbox.id], MeetingResponse("accept", "Sure"), BOB, org_event, ORG, STAMP)
    copy = outcome.changed_events[copies[BOB.mailbox.id].id][0]
    assert copy.response_status.response == "accepted" and copy.show_as == "oof"
    organizer = outcome.changed_events["ev-org"][0]
    assert organizer.attendees[0].status.response == "accepted" and organizer.attendees[0].status.time == NOW
    to_org, sent = outcome.new_messages
    assert (to_org.folder_id, to_org.subject, to_org.meeting.message_type) == ("inbox-org", "Accepted: Lunch",
                                                                                "meetingAccepted")
    assert to_org.event_id == "ev-org" and sent.folder_id == "sent-bob" and sent.event_id == copy.id
    assert "Sure" in to_org.body.content


def test_tentative_with_a_proposal_and_decline() -> None:
    org_event = meeting("bob")
    _, copies = invited(org_event)
    outcome = respond(copies[BOB.mailbox.id], MeetingResponse("tentativelyAccept", None, True, slot(16)), BOB,
                      org_event, ORG, STAMP)
    entry = outcome.changed_events["ev-org"][0].attendees[0]
    assert entry.status.response == "tentativelyAccepted" and entry.proposed_new_time == slot(16)
    message = outcome.new_messages[0]
    assert message.subject == "New Time Proposed: Lunch" and message.meeting.proposed_new_time == slot(16)
    assert message.meeting.response_type == "tentativelyAccepted"

    declined = respond(copies[BOB.mailbox.id], MeetingResponse("decline"), BOB, org_event, ORG, STAMP)
    copy = declined.changed_events[copies[BOB.mailbox.id].id][0]
    assert copy.calendar_id is None and copy.mail_folder_id == "deleted-bob"
    assert declined.new_messages[0].subject == "Declined: Lunch"
    assert declined.changed_events["ev-org"][0].attendees[0].proposed_new_time is None


def test_without_send_response_only_the_copy_changes() -> None:
    org_event = meeting("bob")
    _, copies = invited(org_event)
    outcome = respond(copies[BOB.mailbox.id], MeetingResponse("accept", send_response=False), BOB, org_event,
                      ORG, STAMP)
    assert list(outcome.changed_events) == [copies[BOB.mailbox.id].id] and not outcome.new_messages


def test_an_unlisted_responder_joins_as_optional() -> None:
    org_event = meeting()
    copy = meeting(id="ev-bob", mailbox_id=BOB.mailbox.id, is_organizer=False)
    outcome = respond(copy, MeetingResponse("accept"), BOB, org_event, ORG, STAMP)
    (entry,) = outcome.changed_events["ev-org"][0].attendees
    assert (entry.email.address, entry.type, entry.status.response) == ("bob@contoso.com", "optional", "accepted")


@pytest.mark.parametrize("answer, copy_changes, error, message", [
    (MeetingResponse("accept"), {"is_organizer": True}, errors.OrganizerCannotRespond, None),
    (MeetingResponse("accept"), {"is_cancelled": True}, errors.CalendarIsCancelledForAccept, None),
    (MeetingResponse("tentativelyAccept"), {"is_cancelled": True}, errors.CalendarIsCancelledForTentative, None),
    (MeetingResponse("decline"), {"is_cancelled": True}, errors.CalendarIsCancelledForDecline, None),
    (MeetingResponse("decline", "x", False, slot(16)), {}, errors.SendResponseRequired,
     "'SendResponse' must be true when 'ProposedNewTime' is not null."),
    (MeetingResponse("decline", "x", False), {}, errors.SendResponseRequired,
     "'SendResponse' must be true when 'Comment' is not null."),
    (MeetingResponse("decline", None, True, slot(16)), {"allow_new_time_proposals": False},
     errors.ProposalsNotAllowed, None),
    (MeetingResponse("decline", None, True, TimeSlot(slot(16).end, slot(16).start)), {}, errors.InvalidParameter,
     None),
])
def test_refusals(answer: MeetingResponse, copy_changes: dict, error: type, message: str | None) -> None:
    copy = meeting("bob", id="ev-bob", mailbox_id=BOB.mailbox.id, is_organizer=False).evolve(**copy_changes)
    with pytest.raises(error) as raised:
        respond(copy, answer, BOB, meeting("bob"), ORG, STAMP)
    if message:
        assert raised.value.message == message
    assert raised.value.status == 400


# -- organizer changes ----------------------------------------------------------------------------

def test_a_new_time_resets_answers_and_sends_a_full_update() -> None:
    before = meeting("bob")
    _, copies = invited(before)
    answered = respond(copies[BOB.mailbox.id], MeetingResponse("tentativelyAccept", None, True, slot(16)), BOB,
                       before, ORG, STAMP)
    before = answered.changed_events["ev-org"][0]
    copy = answered.changed_events[copies[BOB.mailbox.id].id][0]
    after = before.evolve(start=slot(16).start, end=slot(16).end)
    updated, outcome = reinvite(before, after, ORG, PARTIES, [], {BOB.mailbox.id: copy}, STAMP)
    assert updated.attendees[0].status.response == "none" and updated.attendees[0].proposed_new_time is None
    new_copy = outcome.changed_events[copy.id][0]
    assert new_copy.response_status.response == "notResponded" and new_copy.start == slot(16).start
    request = next(m for m in outcome.new_messages if m.folder_id == "inbox-bob")
    assert request.meeting.request_type == "fullUpdate" and request.meeting.previous_start == before.start
    assert outcome.outdated_requests == [(BOB.mailbox.id, copy.id)]


def test_other_changes_send_an_informational_update_and_keep_answers() -> None:
    before = meeting("bob")
    _, copies = invited(before)
    _, outcome = reinvite(before, before.evolve(subject="Dinner"), ORG, PARTIES, [], copies, STAMP)
    request = next(m for m in outcome.new_messages if m.folder_id == "inbox-bob")
    assert request.meeting.request_type == "informationalUpdate" and request.subject == "Dinner"
    _, quiet = reinvite(before, before.evolve(categories=("Red",)), ORG, PARTIES, [], copies, STAMP)
    assert quiet == Outcome()


def test_added_attendees_are_invited_and_removed_ones_cancelled() -> None:
    before = meeting("bob")
    _, copies = invited(before)
    after = meeting("carol")
    _, outcome = reinvite(before, after, ORG, PARTIES, [], copies, STAMP)
    assert [e.mailbox_id for e in outcome.new_events] == [CAROL.mailbox.id]
    cancelled = outcome.changed_events[copies[BOB.mailbox.id].id][0]
    assert cancelled.is_cancelled and cancelled.subject == "Canceled: Lunch"
    kinds = sorted((m.folder_id, m.meeting.message_type) for m in outcome.new_messages)
    assert ("inbox-bob", "meetingCancelled") in kinds and ("inbox-carol", "meetingRequest") in kinds


# -- cancel, forward, reminders -------------------------------------------------------------------

def test_cancel_moves_the_organizers_event_and_cancels_every_copy() -> None:
    event = meeting("bob", "carol")
    _, copies = invited(event)
    outcome = cancel(event, "Sorry", ORG, PARTIES, [], copies, STAMP)
    moved = outcome.changed_events["ev-org"][0]
    assert moved.calendar_id is None and moved.mail_folder_id == "deleted-org"
    for copy in copies.values():
        assert outcome.changed_events[copy.id][0].is_cancelled
    inbox = [m for m in outcome.new_messages if m.folder_id.startswith("inbox")]
    assert len(inbox) == 2 and all(m.kind == "eventMessage" and m.meeting.message_type == "meetingCancelled"
                                   and "Sorry" in m.body.content for m in inbox)


def test_only_the_organizer_cancels() -> None:
    with pytest.raises(errors.NotOrganizer):
        cancel(meeting("bob", is_organizer=False), None, ORG, PARTIES, [], {}, STAMP)


def test_an_attendee_forwarding_adds_the_recipient_and_notifies_the_organizer() -> None:
    org_event = meeting("bob")
    _, copies = invited(org_event)
    outcome = forward(copies[BOB.mailbox.id], [CAROL.email], "FYI", BOB, org_event, ORG, PARTIES, copies, STAMP)
    assert [a.email.address for a in outcome.changed_events["ev-org"][0].attendees][-1] == "carol@contoso.com"
    assert [e.mailbox_id for e in outcome.new_events] == [CAROL.mailbox.id]
    subjects = {m.folder_id: m.subject for m in outcome.new_messages}
    assert subjects["inbox-carol"] == "Lunch" and subjects["inbox-org"].startswith("Meeting Forward Notification")
    with pytest.raises(errors.InvalidParameter):
        forward(org_event, [], None, ORG, org_event, ORG, PARTIES, copies, STAMP)


def test_reminders() -> None:
    event = meeting()
    assert not dismiss_reminder(event, STAMP).is_reminder_on
    snoozed = snooze_reminder(event, When(datetime(2025, 1, 15, 11, 50), PST), STAMP)
    assert snoozed.reminder_snoozed_until == datetime(2025, 1, 15, 19, 50, tzinfo=timezone.utc)
    assert snoozed.change_key != event.change_key


def test_a_resent_attendee_list_keeps_the_answers() -> None:
    from calgraph.core.events import apply_changes

    answered = Attendee(EmailAddress("bob@contoso.com"), "required", ResponseStatus("accepted", NOW), slot(16))
    event = meeting(attendees=(answered,))
    resent = (Attendee(EmailAddress("BOB@contoso.com", "Bob")), Attendee(EmailAddress("carol@contoso.com")))
    updated = apply_changes(event, {"attendees": resent}, Ids(), NOW, "https://x")
    assert updated.attendees[0].status.response == "accepted" and updated.attendees[0].proposed_new_time == slot(16)
    assert updated.attendees[1].status.response == "none"
