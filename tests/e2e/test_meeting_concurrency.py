"""Meeting answers are atomic and concurrent-safe: 30 attendees answering one meeting at the same moment
(on one server, then split over two processes on the same database) and answers interleaved with the
organizer's PATCHes lose nothing: every status, proposal, response message and copy is there afterwards.

The crowd here is this module's own (conc.NN@contoso.test, one organizer per meeting), so the counts in
the organizer's Inbox are exact.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from typing import Any, Iterator

import pytest
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.models.event import Event
from msgraph.generated.models.event_message_response import EventMessageResponse
from msgraph.generated.models.response_type import ResponseType
from msgraph.generated.users.item.events.item.accept.accept_post_request_body import AcceptPostRequestBody
from msgraph.generated.users.item.events.item.decline.decline_post_request_body import DeclinePostRequestBody
from msgraph.generated.users.item.events.item.tentatively_accept.tentatively_accept_post_request_body import (
    TentativelyAcceptPostRequestBody,
)
from msgraph.generated.users.item.mail_folders.item.messages.messages_request_builder import MessagesRequestBuilder

from tests.e2e.conftest import ServerProcess, graph_error, lunch
from tests.e2e.test_meetings import EXPAND_EVENT, provision, slot

ATTENDEES = [f"conc.{i:02d}@contoso.test" for i in range(30)]
ORGANIZERS = {"one-server": "conc.org1@contoso.test", "two-servers": "conc.org2@contoso.test",
              "interleaved": "conc.org3@contoso.test"}
PATCHES = 8
FAILED = re.compile(r'HTTP/1\.1" (5\d\d|429) ')
PREFIXES = {"accept": "Accepted: ", "tentativelyAccept": "New Time Proposed: ", "decline": "Declined: "}
RESPONSES = {"accept": ResponseType.Accepted, "tentativelyAccept": ResponseType.TentativelyAccepted,
             "decline": ResponseType.Declined}


@dataclass(frozen=True)
class Crowd:
    tenant: Any
    tokens: dict[str, str]

    def client(self, address: str, server: ServerProcess | None = None) -> Any:
        return self.tenant.client(self.tokens[address], server)


@pytest.fixture(scope="module")
def crowd(tenant) -> Crowd:
    """30 attendees and 3 organizers, each with a token, made with the CLI."""
    people = {a: a.split("@")[0].replace(".", " ").title() for a in [*ATTENDEES, *ORGANIZERS.values()]}
    tokens, _ = provision(tenant.db_url, people)
    return Crowd(tenant, tokens)


@pytest.fixture(scope="module")
def server_b(tenant, tmp_path_factory) -> Iterator[ServerProcess]:
    """A second `calgraph serve` on the session server's database."""
    b = ServerProcess(tenant.db_url, tmp_path_factory.mktemp("e2e-logs-meetings-b"), name="server-b").start()
    try:
        yield b
    finally:
        b.stop()


def log_marks(servers: list[ServerProcess]) -> dict[ServerProcess, int]:
    return {s: len(s.log()) for s in servers}


def assert_clean_logs(marks: dict[ServerProcess, int]) -> None:
    """Since the marks: no traceback, and no 5xx or 429 that the SDK's retry handler could have hidden."""
    for server, start in marks.items():
        log = server.log()[start:]
        assert "Traceback" not in log and "unhandled error" not in log, f"{server.log_path.name}:\n{log}"
        assert not FAILED.search(log), f"{server.log_path.name} answered with an error status:\n{log}"


# -- helpers -----------------------------------------------------------------------------------------

def action_of(i: int, declines: bool = True) -> str:
    """Attendee i's answer: accept, tentativelyAccept with a proposal, decline with a comment (in turn)."""
    return ("accept", "tentativelyAccept", "decline")[i % 3] if declines else ("accept", "tentativelyAccept")[i % 2]


def proposal_of(i: int) -> Any:
    """Attendee i's own proposal: January (no DST), day 2-29, 09:00-10:00 Pacific = 17:00-18:00 UTC."""
    day = 2 + i % 28
    return slot(f"2025-01-{day:02d}T09:00:00", f"2025-01-{day:02d}T10:00:00")


def proposed_utc(i: int) -> str:
    return f"2025-01-{2 + i % 28:02d}T17:00:00.0000000"


async def answer(client: Any, event_id: str, action: str, i: int) -> None:
    item = client.me.events.by_event_id(event_id)
    if action == "accept":
        await item.accept.post(AcceptPostRequestBody(comment=f"yes from {i}", send_response=True))
    elif action == "tentativelyAccept":
        await item.tentatively_accept.post(TentativelyAcceptPostRequestBody(
            comment=f"maybe from {i}", send_response=True, proposed_new_time=proposal_of(i)))
    else:
        await item.decline.post(DeclinePostRequestBody(comment=f"no from {i}", send_response=True))


async def folder(client: Any, name: str, expand: bool = False) -> list[Any]:
    """All messages of a mail folder (with their events when `expand`)."""
    query = MessagesRequestBuilder.MessagesRequestBuilderGetQueryParameters(
        top=1000, expand=[EXPAND_EVENT] if expand else None)
    messages = client.me.mail_folders.by_mail_folder_id(name).messages
    return (await messages.get(RequestConfiguration(query_parameters=query))).value


async def invite_crowd(crowd: Crowd, organizer: str, subject: str, clients: list[Any]) -> tuple[Event, list[str]]:
    """The organizer invites all 30; each attendee finds the id of their copy through their Inbox."""
    created = await crowd.client(organizer).me.events.post(lunch(subject, attendees=tuple(ATTENDEES)))

    async def copy_id(client: Any) -> str:
        [request] = [m for m in await folder(client, "inbox", expand=True) if m.subject == subject]
        assert request.event.i_cal_u_id == created.i_cal_u_id
        return request.event.id

    return created, list(await asyncio.gather(*(copy_id(c) for c in clients)))


async def assert_all_recorded(crowd: Crowd, organizer: str, meeting: Event, subject: str,
                              actions: list[str], server: ServerProcess | None = None) -> None:
    """The organizer's event holds every answer and proposal; the Inbox holds exactly one response each."""
    client = crowd.client(organizer, server)
    final = await client.me.events.by_event_id(meeting.id).get()
    assert final.subject == subject
    assert [a.email_address.address for a in final.attendees] == ATTENDEES
    for i, (attendee, action) in enumerate(zip(final.attendees, actions)):
        assert attendee.status.response == RESPONSES[action], (i, action, attendee.status.response)
        if action == "tentativelyAccept":
            assert attendee.proposed_new_time.start.date_time == proposed_utc(i)
        else:
            assert attendee.proposed_new_time is None

    responses = [m for m in await folder(client, "inbox") if isinstance(m, EventMessageResponse)]
    assert len(responses) == len(ATTENDEES)
    by_sender = {m.from_.email_address.address: m for m in responses}
    assert sorted(by_sender) == sorted(ATTENDEES)
    for i, (address, action) in enumerate(zip(ATTENDEES, actions)):
        assert by_sender[address].response_type == RESPONSES[action]
        assert by_sender[address].subject.startswith(PREFIXES[action])


# -- all at once ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("layout", ["one-server", "two-servers"])
async def test_thirty_attendees_answer_at_the_same_moment(crowd, request, layout):
    servers = [crowd.tenant.server]
    if layout == "two-servers":
        servers.append(request.getfixturevalue("server_b"))
    marks = log_marks(servers)
    organizer, subject = ORGANIZERS[layout], f"All hands ({layout})"
    clients = [crowd.client(a, servers[i % len(servers)]) for i, a in enumerate(ATTENDEES)]
    meeting, copy_ids = await invite_crowd(crowd, organizer, subject, clients)
    actions = [action_of(i) for i in range(len(ATTENDEES))]

    await asyncio.gather(*(answer(c, copy_ids[i], actions[i], i) for i, c in enumerate(clients)))

    for server in servers:
        await assert_all_recorded(crowd, organizer, meeting, subject, actions, server)

    async def check_attendee(i: int) -> None:
        sent = [m for m in await folder(clients[i], "sentitems") if m.subject.endswith(subject)]
        assert [(m.subject, m.response_type) for m in sent] == [
            (PREFIXES[actions[i]] + subject, RESPONSES[actions[i]])]
        item = clients[i].me.events.by_event_id(copy_ids[i])
        if actions[i] == "decline":
            error = await graph_error(item.get())
            assert (error.response_status_code, error.error.code) == (404, "ErrorItemNotFound")
        else:
            assert (await item.get()).response_status.response == RESPONSES[actions[i]]

    await asyncio.gather(*(check_attendee(i) for i in range(len(ATTENDEES))))
    assert_clean_logs(marks)


# -- answers interleaved with the organizer's updates --------------------------------------------------

async def test_answers_interleaved_with_organizer_patches(crowd, server_b):
    """The organizer renames the meeting PATCHES times (informational updates keep answers) while all 30
    answer, spread over both servers: the final subject reaches every copy and every answer is kept."""
    organizer, subject = ORGANIZERS["interleaved"], "Renamed meeting"
    servers = [crowd.tenant.server, server_b]
    marks = log_marks(servers)
    clients = [crowd.client(a, servers[i % 2]) for i, a in enumerate(ATTENDEES)]
    meeting, copy_ids = await invite_crowd(crowd, organizer, subject, clients)
    actions = [action_of(i, declines=False) for i in range(len(ATTENDEES))]
    final_subject = f"{subject} v{PATCHES}"

    async def rename() -> None:
        organizer_clients = [crowd.client(organizer, s) for s in servers]
        for n in range(1, PATCHES + 1):
            events = organizer_clients[n % 2].me.events
            updated = await events.by_event_id(meeting.id).patch(Event(subject=f"{subject} v{n}"))
            assert updated.subject == f"{subject} v{n}"
            await asyncio.sleep(0.01)

    async def answer_later(i: int) -> None:
        await asyncio.sleep(0.01 * (i % 10))
        await answer(clients[i], copy_ids[i], actions[i], i)

    await asyncio.gather(rename(), *(answer_later(i) for i in range(len(ATTENDEES))))

    await assert_all_recorded(crowd, organizer, meeting, final_subject, actions)

    async def check_copy(i: int) -> None:
        copy = await clients[i].me.events.by_event_id(copy_ids[i]).get()
        assert (copy.subject, copy.response_status.response) == (final_subject, RESPONSES[actions[i]]), i

    await asyncio.gather(*(check_copy(i) for i in range(len(ATTENDEES))))
    assert_clean_logs(marks)
