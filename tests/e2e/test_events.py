"""Events through the stock msgraph-sdk: create, get, update (fresh object and GET-PATCH), delete."""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.models.body_type import BodyType
from msgraph.generated.models.event import Event
from msgraph.generated.models.event_type import EventType
from msgraph.generated.models.importance import Importance
from msgraph.generated.models.location import Location
from msgraph.generated.models.response_type import ResponseType

from tests.e2e.conftest import graph_error, lunch

NEVER = datetime(1, 1, 1, tzinfo=timezone.utc)


async def test_create_then_get_by_id(tenant):
    alice, bob = tenant.users["alice"], tenant.users["bob"]
    client = tenant.client("alice")
    transaction_id = str(uuid.uuid4()).upper()
    body = lunch(attendees=(bob.address,), allow_new_time_proposals=True, transaction_id=transaction_id)

    created = await client.me.events.post(body)

    assert isinstance(created, Event) and created.id
    assert created.subject == "Let's go for lunch"
    got = await client.me.events.by_event_id(created.id).get()
    for ev in (created, got):
        assert ev.id == created.id
        assert ev.subject == "Let's go for lunch"
        assert ev.organizer.email_address.address == alice.address
        assert ev.organizer.email_address.name == alice.name
        assert ev.is_organizer is True
        assert ev.response_status.response == ResponseType.Organizer
        assert [a.email_address.address for a in ev.attendees] == [bob.address]
        assert ev.attendees[0].status.response == ResponseType.None_
        assert ev.attendees[0].status.time == NEVER
        # 12:00 Pacific Standard Time on 15 Jan is 20:00 UTC; without Prefer the server answers in UTC
        assert (ev.start.date_time, ev.start.time_zone) == ("2025-01-15T20:00:00.0000000", "UTC")
        assert (ev.end.date_time, ev.end.time_zone) == ("2025-01-15T22:00:00.0000000", "UTC")
        assert ev.original_start_time_zone == ev.original_end_time_zone == "Pacific Standard Time"
        assert ev.body.content_type == BodyType.Html and "Does noon work for you?" in ev.body.content
        assert ev.location.display_name == "Harry's Bar"
        assert ev.allow_new_time_proposals is True
        assert ev.transaction_id == transaction_id
        assert ev.type == EventType.SingleInstance
        assert ev.i_cal_u_id
        assert ev.change_key and ev.additional_data["@odata.etag"] == f'W/"{ev.change_key}"'
        assert ev.created_date_time.tzinfo is not None
        assert ev.last_modified_date_time >= ev.created_date_time
    assert got.change_key == created.change_key
    assert got.i_cal_u_id == created.i_cal_u_id


async def test_repost_with_same_transaction_id_returns_same_event(tenant):
    client = tenant.client("alice")
    transaction_id = str(uuid.uuid4())
    first = await client.me.events.post(lunch("Idempotent", transaction_id=transaction_id))
    second = await client.me.events.post(lunch("Idempotent", transaction_id=transaction_id))
    assert second.id == first.id


async def test_update_with_a_fresh_event(tenant):
    client = tenant.client("alice")
    created = await client.me.events.post(lunch("Before", attendees=(tenant.users["bob"].address,)))

    updated = await client.me.events.by_event_id(created.id).patch(Event(subject="New subject", is_reminder_on=False))

    assert updated.id == created.id
    assert updated.subject == "New subject"
    assert updated.is_reminder_on is False
    assert updated.change_key != created.change_key
    assert updated.additional_data["@odata.etag"] == f'W/"{updated.change_key}"'
    # untouched properties survive
    assert updated.location.display_name == "Harry's Bar"
    assert [a.email_address.address for a in updated.attendees] == [tenant.users["bob"].address]
    assert updated.start.date_time == created.start.date_time
    got = await client.me.events.by_event_id(created.id).get()
    assert (got.subject, got.is_reminder_on, got.change_key) == ("New subject", False, updated.change_key)


async def test_update_with_the_object_from_get(tenant):
    """The SDK re-sends the whole object (id, @odata.*, read-only fields): the server ignores them."""
    alice, bob = tenant.users["alice"], tenant.users["bob"]
    client = tenant.client("alice")
    created = await client.me.events.post(lunch("GET then PATCH", attendees=(bob.address,)))
    ev = await client.me.events.by_event_id(created.id).get()

    ev.subject = "Changed after GET"
    ev.importance = Importance.High
    ev.location = Location(display_name="Cafeteria")
    updated = await client.me.events.by_event_id(created.id).patch(ev)

    assert updated.id == created.id
    assert updated.subject == "Changed after GET"
    assert updated.importance == Importance.High
    assert updated.location.display_name == "Cafeteria"
    assert updated.organizer.email_address.address == alice.address
    assert updated.is_organizer is True
    assert updated.attendees[0].status.response == ResponseType.None_
    assert (updated.start.date_time, updated.start.time_zone) == ("2025-01-15T20:00:00.0000000", "UTC")
    assert updated.i_cal_u_id == created.i_cal_u_id
    assert updated.created_date_time == created.created_date_time
    assert updated.change_key != created.change_key

    # and again: the object PATCH returned can itself be PATCHed back
    updated.subject = "Round two"
    again = await client.me.events.by_event_id(created.id).patch(updated)
    assert again.subject == "Round two" and again.location.display_name == "Cafeteria"


async def test_update_with_the_object_from_a_get_in_another_time_zone(tenant):
    """GET with Prefer: outlook.timezone returns wall-clock times with 7 fractional digits; sending
    them back keeps the instant. Kiota's snake_case nulls (`ev.web_link = None` is sent as
    `"web_link": null`, client.md §2.3) are ignored."""
    client = tenant.client("alice")
    created = await client.me.events.post(lunch("Zone round trip"))
    pacific = RequestConfiguration(headers={"Prefer": 'outlook.timezone="Pacific Standard Time"'})
    ev = await client.me.events.by_event_id(created.id).get(pacific)
    assert (ev.start.date_time, ev.start.time_zone) == ("2025-01-15T12:00:00.0000000", "Pacific Standard Time")

    ev.subject = "Zone round trip 2"
    ev.web_link = None
    ev.is_all_day = None
    updated = await client.me.events.by_event_id(created.id).patch(ev)

    assert updated.subject == "Zone round trip 2"
    assert (updated.start.date_time, updated.start.time_zone) == ("2025-01-15T20:00:00.0000000", "UTC")
    assert (updated.end.date_time, updated.end.time_zone) == ("2025-01-15T22:00:00.0000000", "UTC")
    assert updated.is_all_day is False
    assert updated.web_link and updated.web_link.startswith("https://")


async def test_explicit_null_clears_location(tenant):
    client = tenant.client("alice")
    created = await client.me.events.post(lunch("Nowhere"))
    assert created.location.display_name == "Harry's Bar"
    updated = await client.me.events.by_event_id(created.id).patch(Event(additional_data={"location": None}))
    assert not updated.location or not updated.location.display_name
    assert not updated.locations
    assert updated.subject == "Nowhere"


async def test_delete_then_get_is_item_not_found(tenant):
    client = tenant.client("alice")
    created = await client.me.events.post(lunch("To be deleted"))

    assert await client.me.events.by_event_id(created.id).delete() is None

    error = await graph_error(client.me.events.by_event_id(created.id).get())
    assert error.response_status_code == 404
    assert error.error.code == "ErrorItemNotFound"
    assert error.error.message
    error = await graph_error(client.me.events.by_event_id(created.id).delete())
    assert (error.response_status_code, error.error.code) == (404, "ErrorItemNotFound")


async def test_stale_if_match_is_a_conflict(tenant):
    client = tenant.client("alice")
    created = await client.me.events.post(lunch("Concurrency"))
    stale = created.additional_data["@odata.etag"]
    item = client.me.events.by_event_id(created.id)
    fresh = await item.patch(Event(subject="Moved on"), RequestConfiguration(headers={"If-Match": stale}))

    error = await graph_error(item.patch(Event(subject="Lost update"), RequestConfiguration(headers={"If-Match": stale})))
    assert (error.response_status_code, error.error.code) == (412, "ErrorIrresolvableConflict")
    error = await graph_error(item.delete(RequestConfiguration(headers={"If-Match": stale})))
    assert (error.response_status_code, error.error.code) == (412, "ErrorIrresolvableConflict")

    current = fresh.additional_data["@odata.etag"]
    done = await item.patch(Event(subject="Up to date"), RequestConfiguration(headers={"If-Match": current}))
    assert done.subject == "Up to date"
    assert await item.delete(RequestConfiguration(headers={"If-Match": done.additional_data["@odata.etag"]})) is None
