"""Prefer headers through RequestConfiguration(headers=...): outlook.timezone (Windows and IANA
names) and outlook.body-content-type."""

from __future__ import annotations

import pytest
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.models.body_type import BodyType
from msgraph.generated.models.event import Event
from msgraph.generated.models.date_time_time_zone import DateTimeTimeZone
from msgraph.generated.users.item.events.events_request_builder import EventsRequestBuilder

from tests.e2e.conftest import lunch


def prefer(value: str, **query) -> RequestConfiguration:
    q = EventsRequestBuilder.EventsRequestBuilderGetQueryParameters(**query) if query else None
    return RequestConfiguration(headers={"Prefer": value}, query_parameters=q)


@pytest.mark.parametrize("zone, start, end", [
    ("Pacific Standard Time", "2025-01-15T12:00:00.0000000", "2025-01-15T14:00:00.0000000"),
    ("UTC", "2025-01-15T20:00:00.0000000", "2025-01-15T22:00:00.0000000"),
    ("America/Los_Angeles", "2025-01-15T12:00:00.0000000", "2025-01-15T14:00:00.0000000"),
    ("Europe/Berlin", "2025-01-15T21:00:00.0000000", "2025-01-15T23:00:00.0000000"),
    ("Asia/Kolkata", "2025-01-16T01:30:00.0000000", "2025-01-16T03:30:00.0000000"),
    ("Tokyo Standard Time", "2025-01-16T05:00:00.0000000", "2025-01-16T07:00:00.0000000"),
])
async def test_outlook_timezone_on_get(tenant, zone, start, end):
    client = tenant.client("alice")
    created = await client.me.events.post(lunch(f"Prefer {zone}"))  # 12:00-14:00 Pacific Standard Time

    ev = await client.me.events.by_event_id(created.id).get(prefer(f'outlook.timezone="{zone}"'))

    assert (ev.start.date_time, ev.start.time_zone) == (start, zone)
    assert (ev.end.date_time, ev.end.time_zone) == (end, zone)
    assert ev.original_start_time_zone == "Pacific Standard Time"
    # DateTimeOffset properties stay UTC whatever the preference
    assert ev.created_date_time.utcoffset().total_seconds() == 0


async def test_outlook_timezone_on_create_list_and_update(tenant):
    client = tenant.client("alice")
    cfg = prefer('outlook.timezone="W. Europe Standard Time"')
    created = await client.me.events.post(
        lunch("Prefer on POST", start="2025-07-01T09:00:00", end="2025-07-01T10:00:00",
              time_zone="America/New_York"), cfg)
    # 09:00 New York (EDT, UTC-4) = 13:00 UTC = 15:00 Berlin (CEST)
    assert (created.start.date_time, created.start.time_zone) == ("2025-07-01T15:00:00.0000000",
                                                                  "W. Europe Standard Time")

    page = await client.me.events.get(prefer('outlook.timezone="Pacific Standard Time"',
                                             filter="subject eq 'Prefer on POST'", select=["start", "end"]))
    assert [(ev.start.date_time, ev.start.time_zone) for ev in page.value] == [
        ("2025-07-01T06:00:00.0000000", "Pacific Standard Time")]

    updated = await client.me.events.by_event_id(created.id).patch(
        Event(end=DateTimeTimeZone(date_time="2025-07-01T15:00:00", time_zone="UTC")), cfg)
    assert (updated.end.date_time, updated.end.time_zone) == ("2025-07-01T17:00:00.0000000",
                                                              "W. Europe Standard Time")
    assert updated.start.date_time == "2025-07-01T15:00:00.0000000"


async def test_body_content_type_text(tenant):
    client = tenant.client("alice")
    created = await client.me.events.post(lunch("Body as text"))
    assert created.body.content_type == BodyType.Html

    ev = await client.me.events.by_event_id(created.id).get(prefer('outlook.body-content-type="text"'))

    assert ev.body.content_type == BodyType.Text
    assert "Does noon work for you?" in ev.body.content
    assert "<" not in ev.body.content

    both = await client.me.events.by_event_id(created.id).get(
        prefer('outlook.timezone="Pacific Standard Time", outlook.body-content-type="text"'))
    assert both.body.content_type == BodyType.Text
    assert both.start.time_zone == "Pacific Standard Time"
