"""Failures arrive as msgraph ODataError with Graph's code, message and status."""

from __future__ import annotations

import time

import jwt
import pytest
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.models.date_time_time_zone import DateTimeTimeZone
from msgraph.generated.models.event import Event

from tests.e2e.conftest import graph_error, lunch


async def test_unknown_user(tenant):
    client = tenant.client("alice")
    error = await graph_error(client.users.by_user_id("nobody@x.com").events.get())
    assert (error.response_status_code, error.error.code) == (404, "ErrorInvalidUser")
    assert "nobody@x.com" in error.error.message
    assert str(error).endswith("(status 404)")


async def test_malformed_event_id(tenant):
    client = tenant.client("alice")
    for call in (client.me.events.by_event_id("not-an-id").get(),
                 client.me.events.by_event_id("not-an-id").patch(Event(subject="x")),
                 client.me.events.by_event_id("not-an-id").delete()):
        error = await graph_error(call)
        assert (error.response_status_code, error.error.code) == (400, "ErrorInvalidIdMalformed")


async def test_well_formed_id_of_another_mailbox_is_not_found(tenant):
    """Ids are per mailbox: Bob's event id, looked up in Alice's mailbox, is ErrorItemNotFound."""
    theirs = await tenant.client("bob").me.events.post(lunch("Bob's own"))
    error = await graph_error(tenant.client("alice").me.events.by_event_id(theirs.id).get())
    assert (error.response_status_code, error.error.code) == (404, "ErrorItemNotFound")


async def test_another_users_calendar_without_sharing(tenant):
    alice = tenant.users["alice"]
    own = await tenant.client("alice").me.events.post(lunch("Not shared"))
    bob = tenant.client("bob")
    calls = [
        bob.users.by_user_id(alice.address).events.get(),
        bob.users.by_user_id(alice.id).calendar.events.get(),
        bob.users.by_user_id(alice.id).events.by_event_id(own.id).get(),
        bob.users.by_user_id(alice.address).events.post(lunch("Sneaky")),
        bob.users.by_user_id(alice.address).events.by_event_id(own.id).patch(Event(subject="Sneaky")),
        bob.users.by_user_id(alice.address).events.by_event_id(own.id).delete(),
    ]
    for call in calls:
        error = await graph_error(call)
        assert (error.response_status_code, error.error.code) == (403, "ErrorAccessDenied")
        assert error.error.message == "Access is denied. Check credentials and try again."
    assert (await tenant.client("alice").me.events.by_event_id(own.id).get()).subject == "Not shared"


async def test_unsupported_time_zone(tenant):
    client = tenant.client("alice")
    error = await graph_error(client.me.events.get(
        RequestConfiguration(headers={"Prefer": 'outlook.timezone="Greenwich Mean Time"'})))
    assert (error.response_status_code, error.error.code) == (400, "TimeZoneNotSupportedException")
    assert "Greenwich Mean Time" in error.error.message

    error = await graph_error(client.me.events.post(lunch("Bad zone", time_zone="Mars/Olympus_Mons")))
    assert (error.response_status_code, error.error.code) == (400, "TimeZoneNotSupportedException")


async def test_invalid_event_bodies(tenant):
    client = tenant.client("alice")
    error = await graph_error(client.me.events.post(lunch("Backwards", start="2025-01-15T14:00:00",
                                                          end="2025-01-15T12:00:00")))
    assert error.response_status_code == 400
    assert error.error.code == "ErrorCalendarEndDateIsEarlierThanStartDate"

    error = await graph_error(client.me.events.post(Event(
        subject="No end", start=DateTimeTimeZone(date_time="2025-01-15T12:00:00", time_zone="UTC"))))
    assert error.response_status_code == 400 and error.error.code


async def test_app_token_on_me(tenant):
    client = tenant.client("app")
    for call in (client.me.get(), client.me.events.get(), client.me.calendar.get()):
        error = await graph_error(call)
        assert (error.response_status_code, error.error.code) == (400, "BadRequest")
        assert error.error.message == "/me request is only valid with delegated authentication flow."


@pytest.mark.parametrize("token", ["garbage", "eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl", "tampered", ""])
async def test_bad_token(tenant, token):
    if token == "tampered":  # alice's token with a scope added and the old signature
        header, _, signature = tenant.tokens["alice"].split(".")
        claims = jwt.decode(tenant.tokens["alice"], options={"verify_signature": False})
        claims["scp"] += " Calendars.ReadWrite.All"
        body = jwt.encode(claims, "x" * 32, algorithm="HS256").split(".")[1]
        token = f"{header}.{body}.{signature}"
    client = tenant.client(token)  # "" => the provider adds no Authorization header
    error = await graph_error(client.me.events.get())
    assert (error.response_status_code, error.error.code) == (401, "InvalidAuthenticationToken")
    assert error.response_headers.get("www-authenticate", "").startswith("Bearer ")


async def test_expired_token(tenant):
    token = tenant.tokens["alice_short"]
    expires = jwt.decode(token, options={"verify_signature": False})["exp"]
    # the token was minted with --expires-in 1; wait it out if the session got here quickly
    time.sleep(max(0.0, expires - time.time() + 0.2))
    error = await graph_error(tenant.client("alice_short").me.events.get())
    assert (error.response_status_code, error.error.code) == (401, "InvalidAuthenticationToken")
    assert "expired" in error.error.message


async def test_error_envelope_details(tenant):
    client = tenant.client("alice")
    error = await graph_error(client.me.events.by_event_id("AAMkAGI2THIS-IS-NOT-THERE=").get(
        RequestConfiguration(headers={"client-request-id": "e2e-client-request-id"})))
    assert error.response_status_code in (400, 404)
    assert error.error.inner_error.client_request_id == "e2e-client-request-id"
    assert error.error.inner_error.request_id
    assert error.error.inner_error.date is not None
    assert error.response_headers["client-request-id"] == "e2e-client-request-id"
    assert error.response_headers["request-id"] == error.error.inner_error.request_id
    assert error.primary_message == error.error.message
