"""The life of a meeting through the stock msgraph-sdk only: invitation, answers (with and without
SendResponse, with a new-time proposal), the organizer moving the meeting, cancel on the /me,
/users/{upn}/calendars/{id} and /groups/{id} routes, forward, reminders, and the errors as ODataError.

The people here are this module's own (mtg.*@contoso.test, group mtg-crew), so the shared e2e users'
mailboxes stay untouched; every test uses its own subject.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

import pytest
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.models.attendee_type import AttendeeType
from msgraph.generated.models.date_time_time_zone import DateTimeTimeZone
from msgraph.generated.models.email_address import EmailAddress
from msgraph.generated.models.event import Event
from msgraph.generated.models.event_message import EventMessage
from msgraph.generated.models.event_message_request import EventMessageRequest
from msgraph.generated.models.event_message_response import EventMessageResponse
from msgraph.generated.models.free_busy_status import FreeBusyStatus
from msgraph.generated.models.meeting_message_type import MeetingMessageType
from msgraph.generated.models.meeting_request_type import MeetingRequestType
from msgraph.generated.models.message import Message
from msgraph.generated.models.recipient import Recipient
from msgraph.generated.models.response_type import ResponseType
from msgraph.generated.models.time_slot import TimeSlot
from msgraph.generated.groups.item.events.item.cancel.cancel_post_request_body import (
    CancelPostRequestBody as GroupCancelBody,
)
from msgraph.generated.users.item.calendars.item.events.item.cancel.cancel_post_request_body import (
    CancelPostRequestBody as CalendarCancelBody,
)
from msgraph.generated.users.item.events.item.accept.accept_post_request_body import AcceptPostRequestBody
from msgraph.generated.users.item.events.item.cancel.cancel_post_request_body import CancelPostRequestBody
from msgraph.generated.users.item.events.item.decline.decline_post_request_body import DeclinePostRequestBody
from msgraph.generated.users.item.events.item.forward.forward_post_request_body import ForwardPostRequestBody
from msgraph.generated.users.item.events.item.snooze_reminder.snooze_reminder_post_request_body import (
    SnoozeReminderPostRequestBody,
)
from msgraph.generated.users.item.events.item.tentatively_accept.tentatively_accept_post_request_body import (
    TentativelyAcceptPostRequestBody,
)
from msgraph.generated.users.item.mail_folders.item.messages.messages_request_builder import MessagesRequestBuilder
from msgraph.generated.users.item.messages.item.message_item_request_builder import MessageItemRequestBuilder

from tests.e2e.conftest import CLI_TIMEOUT, REPO, graph_error, lunch, subprocess_env

PST = "Pacific Standard Time"
NEVER = datetime(1, 1, 1, tzinfo=timezone.utc)
EXPAND_EVENT = "microsoft.graph.eventMessage/event"
ORGANIZER_ONLY = "Your request can't be completed. You need to be an organizer to cancel a meeting."
NOT_AS_ORGANIZER = ("Your request can't be completed. You can't respond to this meeting because you're "
                    "the meeting organizer.")
CANCELED = "Your request can't be completed. The meeting has been canceled."


# -- provisioning: the calgraph CLI, many commands in one interpreter ----------------------------------

_BATCH = """
import io, json, sys
from contextlib import redirect_stdout
from calgraph.cli import app
printed = []
for args in json.load(sys.stdin):
    out = io.StringIO()
    with redirect_stdout(out):
        code = app(args, standalone_mode=False)
    if code:
        sys.exit(f"calgraph {' '.join(args)} exited {code}")
    printed.append(out.getvalue().strip())
print(json.dumps(printed))
"""


def cli_batch(db_url: str, commands: list[list[str]]) -> list[str]:
    """Run `calgraph ARGS --db URL` for each ARGS, in order, in one Python process (the same Typer app
    as `python -m calgraph`, without paying ~0.8 s of start-up per command); return what each printed."""
    payload = json.dumps([[*args, "--db", db_url] for args in commands])
    done = subprocess.run([sys.executable, "-c", _BATCH], input=payload, capture_output=True, text=True,
                          timeout=CLI_TIMEOUT, env=subprocess_env(), cwd=REPO)
    if done.returncode != 0:
        raise AssertionError(f"calgraph batch exited {done.returncode}:\n{done.stderr}{done.stdout}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def provision(db_url: str, people: dict[str, str], groups: dict[str, list[str]] | None = None
              ) -> tuple[dict[str, str], dict[str, str]]:
    """Users (address -> display name), then a default token for each, then groups (address ->
    member addresses). Returns ({address: token}, {group address: group id})."""
    groups = groups or {}
    commands = [["users", "add", a, "--name", n] for a, n in people.items()]
    commands += [["token", a] for a in people]
    commands += [["groups", "add", g, "--name", g.split("@")[0], *(x for m in ms for x in ("--member", m))]
                 for g, ms in groups.items()]
    printed = cli_batch(db_url, commands)
    tokens = dict(zip(people, printed[len(people):2 * len(people)]))
    return tokens, dict(zip(groups, printed[2 * len(people):]))


# -- this module's people ----------------------------------------------------------------------------

def mtg(key: str) -> str:
    return f"mtg.{key}@contoso.test"


PEOPLE = {mtg("olga"): "Olga Ortiz", mtg("pete"): "Pete Park", mtg("quin"): "Quin Quay",
          mtg("rita"): "Rita Reyes", mtg("sam"): "Sam Stone"}
CREW = "mtg-crew@contoso.test"
EXTERNAL = "dana@fabrikam.example"


@dataclass(frozen=True)
class Crew:
    tenant: Any
    tokens: dict[str, str]
    group_id: str

    def client(self, key: str) -> Any:
        return self.tenant.client(self.tokens[mtg(key)])


@pytest.fixture(scope="module")
def crew(tenant) -> Crew:
    """olga organizes; pete, quin, rita attend; sam receives forwards; mtg-crew = olga + pete."""
    tokens, groups = provision(tenant.db_url, PEOPLE, {CREW: [mtg("olga"), mtg("pete")]})
    return Crew(tenant, tokens, groups[CREW])


# -- helpers -----------------------------------------------------------------------------------------

def slot(start: str, end: str, zone: str = PST) -> TimeSlot:
    return TimeSlot(start=DateTimeTimeZone(date_time=start, time_zone=zone),
                    end=DateTimeTimeZone(date_time=end, time_zone=zone))


def prefer_zone(zone: str, query: Any = None) -> RequestConfiguration:
    return RequestConfiguration(headers={"Prefer": f'outlook.timezone="{zone}"'}, query_parameters=query)


async def messages(client: Any, folder: str, subject: str, config: RequestConfiguration | None = None
                   ) -> list[Message]:
    """The messages of a mail folder whose subject is `subject`."""
    query = MessagesRequestBuilder.MessagesRequestBuilderGetQueryParameters(top=1000)
    config = config or RequestConfiguration()
    config.query_parameters = query
    page = await client.me.mail_folders.by_mail_folder_id(folder).messages.get(config)
    return [m for m in page.value if m.subject == subject]


async def one_message(client: Any, folder: str, subject: str, config: RequestConfiguration | None = None
                      ) -> Any:
    found = await messages(client, folder, subject, config)
    assert len(found) == 1, [(m.subject, m.odata_type) for m in found]
    return found[0]


async def with_event(client: Any, message_id: str) -> Any:
    """GET /me/messages/{id}?$expand=microsoft.graph.eventMessage/event."""
    query = MessageItemRequestBuilder.MessageItemRequestBuilderGetQueryParameters(expand=[EXPAND_EVENT])
    return await client.me.messages.by_message_id(message_id).get(RequestConfiguration(query_parameters=query))


async def attendee_copy(client: Any, subject: str) -> Event:
    """The attendee's event, found as a meeting participant would: the request in the Inbox, then its event."""
    request = await one_message(client, "inbox", subject)
    assert isinstance(request, EventMessageRequest)
    expanded = await with_event(client, request.id)
    assert isinstance(expanded.event, Event)
    return expanded.event


def entry(event: Event, address: str) -> Any:
    found = [a for a in event.attendees if a.email_address.address.lower() == address.lower()]
    assert len(found) == 1, [a.email_address.address for a in event.attendees]
    return found[0]


async def meeting(crew: Crew, subject: str, attendees: tuple[str, ...], **extra: Any) -> tuple[Event, dict[str, Event]]:
    """olga creates the meeting; returns her event and each invitee's copy (by key) from their inbox."""
    created = await crew.client("olga").me.events.post(lunch(subject, attendees=tuple(mtg(k) for k in attendees),
                                                             **extra))
    return created, {k: await attendee_copy(crew.client(k), subject) for k in attendees}


# -- invitation ---------------------------------------------------------------------------------------

async def test_invitation_lands_in_the_inbox_with_the_attendee_copy(crew):
    olga = crew.client("olga")
    subject = "Planning lunch"
    created = await olga.me.events.post(lunch(subject, attendees=(mtg("pete"), mtg("quin"), EXTERNAL)))

    request = await one_message(crew.client("pete"), "inbox", subject)
    assert isinstance(request, EventMessageRequest)
    assert request.meeting_message_type == MeetingMessageType.MeetingRequest
    assert request.meeting_request_type == MeetingRequestType.NewMeetingRequest
    assert request.from_.email_address.address.lower() == mtg("olga")
    assert request.is_out_of_date is False
    assert (request.start_date_time.date_time, request.start_date_time.time_zone) == (
        "2025-01-15T20:00:00.0000000", "UTC")

    expanded = await with_event(crew.client("pete"), request.id)
    assert isinstance(expanded, EventMessageRequest) and expanded.id == request.id
    copy = expanded.event
    assert isinstance(copy, Event)
    assert copy.id != created.id and copy.i_cal_u_id == created.i_cal_u_id
    assert copy.subject == subject and copy.is_organizer is False
    assert copy.organizer.email_address.address.lower() == mtg("olga")
    assert copy.response_status.response == ResponseType.NotResponded
    assert copy.response_status.time == NEVER
    assert copy.show_as == FreeBusyStatus.Tentative
    assert (await crew.client("pete").me.events.by_event_id(copy.id).get()).i_cal_u_id == created.i_cal_u_id

    sent = await one_message(olga, "sentitems", subject)
    assert isinstance(sent, EventMessageRequest)
    assert {r.email_address.address.lower() for r in sent.to_recipients} == {mtg("pete"), mtg("quin"), EXTERNAL}
    mine = await olga.me.events.by_event_id(created.id).get()
    assert entry(mine, EXTERNAL).status.response == ResponseType.None_


# -- answers ------------------------------------------------------------------------------------------

async def test_proposal_then_the_organizer_moves_the_meeting(crew):
    subject = "Lunch to move"
    olga, pete, quin = crew.client("olga"), crew.client("pete"), crew.client("quin")
    created, copies = await meeting(crew, subject, ("pete", "quin"), allow_new_time_proposals=True)

    await pete.me.events.by_event_id(copies["pete"].id).tentatively_accept.post(TentativelyAcceptPostRequestBody(
        comment="Can we make it the next day?", send_response=True,
        proposed_new_time=slot("2025-01-16T12:00:00", "2025-01-16T14:00:00")))
    await quin.me.events.by_event_id(copies["quin"].id).accept.post(
        AcceptPostRequestBody(comment="See you there", send_response=True))

    pete_copy = await pete.me.events.by_event_id(copies["pete"].id).get()
    assert pete_copy.response_status.response == ResponseType.TentativelyAccepted
    assert pete_copy.response_status.time > NEVER
    assert pete_copy.show_as == FreeBusyStatus.Tentative
    quin_copy = await quin.me.events.by_event_id(copies["quin"].id).get()
    assert quin_copy.response_status.response == ResponseType.Accepted
    assert quin_copy.show_as == FreeBusyStatus.Busy

    proposal = await one_message(olga, "inbox", f"New Time Proposed: {subject}")
    assert isinstance(proposal, EventMessageResponse)
    assert proposal.meeting_message_type == MeetingMessageType.MeetingTenativelyAccepted  # sic, v1.0
    assert proposal.response_type == ResponseType.TentativelyAccepted
    assert proposal.from_.email_address.address.lower() == mtg("pete")
    assert "Can we make it the next day?" in proposal.body.content
    # echoed as sent: in the proposal's zone, to the second
    assert (proposal.proposed_new_time.start.date_time, proposal.proposed_new_time.start.time_zone) == (
        "2025-01-16T12:00:00", PST)
    assert proposal.proposed_new_time.end.date_time == "2025-01-16T14:00:00"
    assert (await with_event(olga, proposal.id)).event.id == created.id
    accepted = await one_message(olga, "inbox", f"Accepted: {subject}")
    assert isinstance(accepted, EventMessageResponse)
    assert accepted.meeting_message_type == MeetingMessageType.MeetingAccepted
    assert accepted.response_type == ResponseType.Accepted and accepted.proposed_new_time is None
    assert isinstance(await one_message(pete, "sentitems", f"New Time Proposed: {subject}"), EventMessageResponse)
    assert isinstance(await one_message(quin, "sentitems", f"Accepted: {subject}"), EventMessageResponse)

    mine = await olga.me.events.by_event_id(created.id).get()
    assert entry(mine, mtg("pete")).status.response == ResponseType.TentativelyAccepted
    proposed = entry(mine, mtg("pete")).proposed_new_time
    assert (proposed.start.date_time, proposed.start.time_zone) == ("2025-01-16T20:00:00.0000000", "UTC")
    assert (proposed.end.date_time, proposed.end.time_zone) == ("2025-01-16T22:00:00.0000000", "UTC")
    assert entry(mine, mtg("quin")).status.response == ResponseType.Accepted
    assert entry(mine, mtg("quin")).proposed_new_time is None

    # there is no "accept proposal" action: the organizer moves the meeting
    moved = await olga.me.events.by_event_id(created.id).patch(Event(
        start=proposal.proposed_new_time.start, end=proposal.proposed_new_time.end))
    assert moved.start.date_time == "2025-01-16T20:00:00.0000000"
    for key, client in (("pete", pete), ("quin", quin)):
        assert entry(moved, mtg(key)).status.response == ResponseType.None_
        assert entry(moved, mtg(key)).proposed_new_time is None
        found = await messages(client, "inbox", subject)
        requests = {m.meeting_request_type: m for m in found}
        assert len(found) == 2 and set(requests) == {MeetingRequestType.NewMeetingRequest,
                                                     MeetingRequestType.FullUpdate}
        first, update = requests[MeetingRequestType.NewMeetingRequest], requests[MeetingRequestType.FullUpdate]
        assert isinstance(update, EventMessageRequest)
        assert first.is_out_of_date is True and update.is_out_of_date is False
        assert update.previous_start_date_time.date_time == "2025-01-15T20:00:00.0000000"
        assert update.previous_end_date_time.date_time == "2025-01-15T22:00:00.0000000"
        assert update.start_date_time.date_time == "2025-01-16T20:00:00.0000000"
        copy = (await with_event(client, update.id)).event
        assert copy.id == copies[key].id
        assert copy.start.date_time == "2025-01-16T20:00:00.0000000"
        assert copy.response_status.response == ResponseType.NotResponded


async def test_send_response_false_changes_only_the_attendee_copy(crew):
    """The SDK sends "SendResponse": false unless told otherwise: only the attendee's copy changes."""
    subject = "Quiet answers"
    olga, rita = crew.client("olga"), crew.client("rita")
    created, copies = await meeting(crew, subject, ("rita",))
    item = rita.me.events.by_event_id(copies["rita"].id)

    await item.accept.post(AcceptPostRequestBody())

    copy = await item.get()
    assert copy.response_status.response == ResponseType.Accepted
    assert entry(await olga.me.events.by_event_id(created.id).get(), mtg("rita")).status.response == ResponseType.None_
    assert await messages(olga, "inbox", f"Accepted: {subject}") == []
    assert await messages(rita, "sentitems", f"Accepted: {subject}") == []

    await item.decline.post(DeclinePostRequestBody(comment="Sorry, I am away", send_response=True))

    error = await graph_error(item.get())  # a declined copy leaves the calendar
    assert (error.response_status_code, error.error.code) == (404, "ErrorItemNotFound")
    mine = await olga.me.events.by_event_id(created.id).get()
    assert entry(mine, mtg("rita")).status.response == ResponseType.Declined
    declined = await one_message(olga, "inbox", f"Declined: {subject}")
    assert isinstance(declined, EventMessageResponse)
    assert declined.meeting_message_type == MeetingMessageType.MeetingDeclined
    assert declined.response_type == ResponseType.Declined
    assert "Sorry, I am away" in declined.body.content
    assert declined.from_.email_address.address.lower() == mtg("rita")


async def test_refused_answers_are_odata_errors(crew):
    subject = "Refusals"
    olga, pete = crew.client("olga"), crew.client("pete")
    created, copies = await meeting(crew, subject, ("pete",))
    strict, strict_copies = await meeting(crew, "No proposals please", ("pete",), allow_new_time_proposals=False)
    copy = pete.me.events.by_event_id(copies["pete"].id)

    error = await graph_error(copy.cancel.post(CancelPostRequestBody(comment="Not mine to cancel")))
    assert (error.response_status_code, error.error.code, error.error.message) == (
        400, "ErrorInvalidRequest", ORGANIZER_ONLY)
    error = await graph_error(olga.me.events.by_event_id(created.id).accept.post(
        AcceptPostRequestBody(send_response=True)))
    assert (error.response_status_code, error.error.code, error.error.message) == (
        400, "ErrorInvalidRequest", NOT_AS_ORGANIZER)
    error = await graph_error(copy.tentatively_accept.post(TentativelyAcceptPostRequestBody(
        proposed_new_time=slot("2025-01-16T12:00:00", "2025-01-16T14:00:00"))))  # SendResponse false
    assert (error.response_status_code, error.error.code, error.error.message) == (
        400, "ErrorInvalidParameter", "'SendResponse' must be true when 'ProposedNewTime' is not null.")
    error = await graph_error(copy.decline.post(DeclinePostRequestBody(comment="No")))
    assert (error.response_status_code, error.error.code, error.error.message) == (
        400, "ErrorInvalidParameter", "'SendResponse' must be true when 'Comment' is not null.")
    error = await graph_error(pete.me.events.by_event_id(strict_copies["pete"].id).decline.post(
        DeclinePostRequestBody(send_response=True, proposed_new_time=slot("2025-01-16T12:00:00",
                                                                          "2025-01-16T14:00:00"))))
    assert (error.response_status_code, error.error.code, error.error.message) == (
        400, "ErrorInvalidRequest",
        "Your request can't be completed. The organizer of this meeting doesn't allow new time proposals.")

    # nothing of it left a trace
    assert (await copy.get()).response_status.response == ResponseType.NotResponded
    assert (await olga.me.events.by_event_id(created.id).get()).change_key == created.change_key
    assert (await olga.me.events.by_event_id(strict.id).get()).change_key == strict.change_key


# -- cancel -------------------------------------------------------------------------------------------

async def assert_cancelled(client: Any, copy_id: str, subject: str, comment: str) -> None:
    """The attendee's copy is cancelled and the meetingCancelled message carries the comment."""
    copy = await client.me.events.by_event_id(copy_id).get()
    assert copy.is_cancelled is True
    assert copy.subject == f"Canceled: {subject}"
    notice = await one_message(client, "inbox", f"Canceled: {subject}")
    assert isinstance(notice, EventMessage) and not isinstance(notice, (EventMessageRequest, EventMessageResponse))
    assert notice.odata_type == "#microsoft.graph.eventMessage"
    assert notice.meeting_message_type == MeetingMessageType.MeetingCancelled
    assert comment in notice.body.content
    assert (await with_event(client, notice.id)).event.id == copy_id


async def test_cancel_with_comment_then_answers_are_refused(crew):
    subject = "Lunch called off"
    olga, pete = crew.client("olga"), crew.client("pete")
    created, copies = await meeting(crew, subject, ("pete",))

    assert await olga.me.events.by_event_id(created.id).cancel.post(
        CancelPostRequestBody(comment="Something came up")) is None

    error = await graph_error(olga.me.events.by_event_id(created.id).get())
    assert (error.response_status_code, error.error.code) == (404, "ErrorItemNotFound")
    await assert_cancelled(pete, copies["pete"].id, subject, "Something came up")
    copy = pete.me.events.by_event_id(copies["pete"].id)
    for call, code in (
        (copy.accept.post(AcceptPostRequestBody(send_response=True)), "ErrorCalendarIsCancelledForAccept"),
        (copy.tentatively_accept.post(TentativelyAcceptPostRequestBody(send_response=True)),
         "ErrorCalendarIsCancelledForTentative"),
        (copy.decline.post(DeclinePostRequestBody(send_response=True)), "ErrorCalendarIsCancelledForDecline"),
    ):
        error = await graph_error(call)
        assert (error.response_status_code, error.error.code, error.error.message) == (400, code, CANCELED)


async def test_cancel_through_a_users_calendars_route(crew):
    subject = "Cancelled via the calendar"
    olga = crew.client("olga")
    created, copies = await meeting(crew, subject, ("quin",))
    calendar = await olga.me.calendar.get()

    events = olga.users.by_user_id(mtg("olga")).calendars.by_calendar_id(calendar.id).events
    assert await events.by_event_id(created.id).cancel.post(CalendarCancelBody(comment="Room is gone")) is None

    error = await graph_error(olga.me.events.by_event_id(created.id).get())
    assert (error.response_status_code, error.error.code) == (404, "ErrorItemNotFound")
    await assert_cancelled(crew.client("quin"), copies["quin"].id, subject, "Room is gone")


async def test_cancel_through_the_group_route_as_a_member(crew):
    subject = "Crew offsite"
    olga, pete = crew.client("olga"), crew.client("pete")
    group_events = olga.groups.by_group_id(crew.group_id).events
    created = await group_events.post(lunch(subject))
    assert created.organizer.email_address.address.lower() == CREW
    copies = {key: await attendee_copy(client, subject) for key, client in (("olga", olga), ("pete", pete))}
    assert {c.i_cal_u_id for c in copies.values()} == {created.i_cal_u_id}  # every member is invited

    assert await group_events.by_event_id(created.id).cancel.post(GroupCancelBody(comment="Offsite is off")) is None

    error = await graph_error(group_events.by_event_id(created.id).get())
    assert (error.response_status_code, error.error.code) == (404, "ErrorItemNotFound")
    await assert_cancelled(pete, copies["pete"].id, subject, "Offsite is off")
    await assert_cancelled(olga, copies["olga"].id, subject, "Offsite is off")


# -- forward and reminders ----------------------------------------------------------------------------

async def test_attendee_forwards_and_the_organizer_is_notified(crew):
    subject = "Forwarded lunch"
    olga, pete, sam = crew.client("olga"), crew.client("pete"), crew.client("sam")
    created, copies = await meeting(crew, subject, ("pete",))

    assert await pete.me.events.by_event_id(copies["pete"].id).forward.post(ForwardPostRequestBody(
        to_recipients=[Recipient(email_address=EmailAddress(address=mtg("sam"), name="Sam Stone"))],
        comment="Join us!")) is None

    request = await one_message(sam, "inbox", subject)
    assert isinstance(request, EventMessageRequest)
    assert request.meeting_message_type == MeetingMessageType.MeetingRequest
    assert "Join us!" in request.body.content
    sam_copy = (await with_event(sam, request.id)).event
    assert sam_copy.i_cal_u_id == created.i_cal_u_id and sam_copy.is_organizer is False
    assert sam_copy.response_status.response == ResponseType.NotResponded
    mine = await olga.me.events.by_event_id(created.id).get()
    assert entry(mine, mtg("sam")).type == AttendeeType.Optional
    notice = await one_message(olga, "inbox", f"Meeting Forward Notification: {subject}")
    assert isinstance(notice, EventMessage)


async def test_dismiss_and_snooze_reminder(crew):
    pete = crew.client("pete")
    _, copies = await meeting(crew, "Reminded lunch", ("pete",))
    item = pete.me.events.by_event_id(copies["pete"].id)
    assert (await item.get()).is_reminder_on is True

    assert await item.dismiss_reminder.post() is None
    dismissed = await item.get()
    assert dismissed.is_reminder_on is False

    assert await item.snooze_reminder.post(SnoozeReminderPostRequestBody(
        new_reminder_time=DateTimeTimeZone(date_time="2025-01-15T11:45:00", time_zone=PST))) is None
    snoozed = await item.get()
    assert snoozed.is_reminder_on is True
    assert snoozed.change_key != dismissed.change_key


# -- Prefer: outlook.timezone -------------------------------------------------------------------------

async def test_outlook_timezone_on_the_response_and_the_proposal(crew):
    subject = "Lunch across zones"
    olga, quin = crew.client("olga"), crew.client("quin")
    created, copies = await meeting(crew, subject, ("quin",))
    await quin.me.events.by_event_id(copies["quin"].id).decline.post(DeclinePostRequestBody(
        send_response=True, proposed_new_time=slot("2025-01-17T12:00:00", "2025-01-17T13:30:00")))

    response = await one_message(olga, "inbox", f"New Time Proposed: {subject}",
                                 prefer_zone("Eastern Standard Time"))
    assert isinstance(response, EventMessageResponse)
    assert response.response_type == ResponseType.Declined
    assert response.meeting_message_type == MeetingMessageType.MeetingDeclined
    assert (response.proposed_new_time.start.date_time, response.proposed_new_time.start.time_zone) == (
        "2025-01-17T15:00:00.0000000", "Eastern Standard Time")
    assert response.proposed_new_time.end.date_time == "2025-01-17T16:30:00.0000000"
    assert (response.start_date_time.date_time, response.start_date_time.time_zone) == (
        "2025-01-15T15:00:00.0000000", "Eastern Standard Time")

    mine = await olga.me.events.by_event_id(created.id).get(prefer_zone(PST))
    proposed = entry(mine, mtg("quin")).proposed_new_time
    assert (proposed.start.date_time, proposed.start.time_zone) == ("2025-01-17T12:00:00.0000000", PST)
    assert (proposed.end.date_time, proposed.end.time_zone) == ("2025-01-17T13:30:00.0000000", PST)
    assert entry(mine, mtg("quin")).status.response == ResponseType.Declined
