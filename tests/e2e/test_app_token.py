"""An application token (`calgraph token --app --role Calendars.ReadWrite`) works on any mailbox via
/users/{id | userPrincipalName}."""

from __future__ import annotations

from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.models.event import Event
from msgraph.generated.users.item.events.events_request_builder import EventsRequestBuilder

from tests.e2e.conftest import graph_error, lunch


async def test_app_reads_any_users_events(tenant):
    alice = tenant.users["alice"]
    mine = await tenant.client("alice").me.events.post(lunch("Read by the daemon"))
    app = tenant.client("app")

    for key in (alice.id, alice.address):
        page = await app.users.by_user_id(key).events.get()
        assert page.value and all(e.organizer.email_address.address == alice.address for e in page.value)
        got = await app.users.by_user_id(key).events.by_event_id(mine.id).get()
        assert got.subject == "Read by the daemon" and "Does noon work" in got.body.content
        assert got.is_organizer is True
    cal = await app.users.by_user_id(alice.address).calendar.get()
    assert cal.is_default_calendar is True and cal.owner.address == alice.address
    via_calendar = await app.users.by_user_id(alice.address).calendars.by_calendar_id(cal.id).events.get(
        RequestConfiguration(query_parameters=EventsRequestBuilder.EventsRequestBuilderGetQueryParameters(
            filter="subject eq 'Read by the daemon'")))
    assert [e.id for e in via_calendar.value] == [mine.id]


async def test_app_writes_any_users_events(tenant):
    bob = tenant.users["bob"]
    app = tenant.client("app").users.by_user_id(bob.id)
    created = await app.events.post(lunch("Booked by the daemon"))
    assert created.organizer.email_address.address == bob.address
    assert created.is_organizer is True

    seen_by_bob = await tenant.client("bob").me.events.by_event_id(created.id).get()
    assert seen_by_bob.subject == "Booked by the daemon"
    updated = await app.events.by_event_id(created.id).patch(Event(subject="Rebooked by the daemon"))
    assert updated.subject == "Rebooked by the daemon"
    assert await app.events.by_event_id(created.id).delete() is None
    error = await graph_error(tenant.client("bob").me.events.by_event_id(created.id).get())
    assert (error.response_status_code, error.error.code) == (404, "ErrorItemNotFound")


async def test_app_reads_group_events(tenant):
    created = await tenant.client("alice").groups.by_group_id(tenant.group_id).events.post(lunch("Seen by the app"))
    got = await tenant.client("app").groups.by_group_id(tenant.group_id).events.by_event_id(created.id).get()
    assert got.subject == "Seen by the app"
