"""An example suite for calgraph's pytest plugin: copy it into your project.

`pip install calgraph msgraph-sdk pytest` is all it needs: the plugin (entry point pytest11) gives every
test the `calgraph` fixture, a server of its own for the session, reset before each test. msgraph-sdk is
async; each test runs its coroutine with asyncio.run (pytest-asyncio works as well).
"""

from __future__ import annotations

import asyncio

from msgraph.generated.models.attendee import Attendee
from msgraph.generated.models.date_time_time_zone import DateTimeTimeZone
from msgraph.generated.models.email_address import EmailAddress
from msgraph.generated.models.event import Event
from msgraph.generated.users.item.events.item.accept.accept_post_request_body import AcceptPostRequestBody


def meeting(subject: str, *attendees: str) -> Event:
    return Event(
        subject=subject,
        start=DateTimeTimeZone(date_time="2031-03-03T10:00:00", time_zone="UTC"),
        end=DateTimeTimeZone(date_time="2031-03-03T11:00:00", time_zone="UTC"),
        attendees=[Attendee(email_address=EmailAddress(address=a)) for a in attendees],
    )


def test_an_invitation_reaches_the_attendee_who_accepts(calgraph):
    alice, bob = calgraph.user("alice"), calgraph.user("bob")
    assert alice.email == "alice@contoso.com" and alice.id and alice.token

    async def scenario():
        sent = await alice.client.me.events.post(meeting("Design review", bob.email))
        invitations = calgraph.messages(mailbox=bob.email, type="meetingRequest")
        assert [m["subject"] for m in invitations] == ["Design review"]
        copy = (await bob.client.me.events.get()).value[0]
        await bob.client.me.events.by_event_id(copy.id).accept.post(AcceptPostRequestBody(send_response=True))
        organizer = await alice.client.me.events.by_event_id(sent.id).get()
        return organizer.attendees[0].status.response.value

    assert asyncio.run(scenario()) == "accepted"
    assert [m["meetingMessageType"] for m in calgraph.messages(mailbox=alice.email)] == ["meetingAccepted"]


def test_each_test_starts_from_the_same_tenant(calgraph):
    calgraph.user("zed")
    calgraph.reset(to="empty")            # what a test does to the tenant is undone before the next one


def test_users_of_earlier_tests_are_gone(calgraph):
    alice = calgraph.user("alice")

    async def people():
        return [u.mail for u in (await alice.client.users.get()).value]

    assert asyncio.run(people()) == ["alice@contoso.com"]


def test_retry_code_meets_a_transient_failure(calgraph):
    carol = calgraph.user("carol")
    calgraph.faults.add(path="/me/events", method="GET", status=503, retryAfter=1, times=1)

    async def read():
        return (await carol.client.me.events.get()).value

    assert asyncio.run(read()) == []                     # msgraph-sdk's retry handler tried again
    statuses = [r["status"] for r in calgraph.requests(top=2)]
    assert statuses == [200, 503]


def test_a_frozen_clock_dates_what_is_created(calgraph):
    dana = calgraph.user("dana")
    calgraph.clock.freeze("2031-01-01T08:00:00Z")

    async def create():
        return await dana.client.me.events.post(meeting("Planning"))

    created = asyncio.run(create())
    assert created.created_date_time.isoformat().startswith("2031-01-01T08:00:00")
    assert calgraph.clock.advance(3600)["now"] == "2031-01-01T09:00:00.000Z"


def test_a_seeded_tenant(calgraph, tmp_path):
    tenant = tmp_path / "tenant.yaml"
    tenant.write_text(
        "users:\n"
        "  - {email: erin@contoso.com, name: Erin}\n"
        "  - {email: fay@contoso.com}\n"
        "events:\n"
        "  - mailbox: erin@contoso.com\n"
        "    subject: Retro\n"
        "    start: {dateTime: '2031-02-02T15:00:00', timeZone: UTC}\n"
        "    end: {dateTime: '2031-02-02T16:00:00', timeZone: UTC}\n"
        "    attendees: [{emailAddress: {address: fay@contoso.com}}]\n"
        "    answers: {fay@contoso.com: tentativelyAccept}\n")
    ids = calgraph.seed(tenant)
    assert set(ids["users"]) == {"erin@contoso.com", "fay@contoso.com"}
    fay = calgraph.user("fay")
    assert fay.id == ids["users"]["fay@contoso.com"]
    assert calgraph.messages(mailbox="erin@contoso.com")[0]["meetingMessageType"] == "meetingTentativelyAccepted"
