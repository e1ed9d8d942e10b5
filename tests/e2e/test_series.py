"""Recurring series through the stock msgraph-sdk: a weekly series across a DST change, calendarView
(pages by nextLink), instances, GET by an occurrence id, an invalid recurrence as ODataError, and a
series meeting whose attendee sees the same occurrences.

The people here are this module's own (ser.*@contoso.test)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.models.day_of_week import DayOfWeek
from msgraph.generated.models.event import Event
from msgraph.generated.models.event_type import EventType
from msgraph.generated.models.patterned_recurrence import PatternedRecurrence
from msgraph.generated.models.recurrence_pattern import RecurrencePattern
from msgraph.generated.models.recurrence_pattern_type import RecurrencePatternType
from msgraph.generated.models.recurrence_range import RecurrenceRange
from msgraph.generated.models.recurrence_range_type import RecurrenceRangeType
from msgraph.generated.users.item.calendar_view.calendar_view_request_builder import CalendarViewRequestBuilder
from msgraph.generated.users.item.events.item.instances.instances_request_builder import InstancesRequestBuilder

from tests.e2e.conftest import graph_error, lunch
from tests.e2e.test_meetings import attendee_copy, provision

BERLIN = "W. Europe Standard Time"
PEOPLE = {"ser.uma@contoso.test": "Uma Ulm", "ser.vic@contoso.test": "Vic Vogt"}


def tokens_by_name(tenant, people: dict[str, str]) -> dict[str, str]:
    """Provision `people` (`prefix.name@…`: display name); their tokens by `name`."""
    made, _ = provision(tenant.db_url, people)
    return {address.split("@")[0].split(".")[1]: token for address, token in made.items()}


@pytest.fixture(scope="module")
def tokens(tenant) -> dict[str, str]:
    return tokens_by_name(tenant, PEOPLE)


@pytest.fixture
def people(tenant, tokens) -> dict[str, Any]:
    """A fresh client per test (the e2e harness closes each test's clients)."""
    return {key: tenant.client(token) for key, token in tokens.items()}


def weekly(subject: str, attendees: tuple[str, ...] = (), *, days=(DayOfWeek.Monday, DayOfWeek.Wednesday),
           start: str = "2025-03-17T09:00:00", end: str = "2025-03-17T09:30:00", count: int | None = None) -> Event:
    """A weekly series on Mondays and Wednesdays at 09:00 Berlin time, from Monday 17 March 2025."""
    body = lunch(subject, attendees=attendees, start=start, end=end, time_zone=BERLIN)
    body.recurrence = PatternedRecurrence(
        pattern=RecurrencePattern(type=RecurrencePatternType.Weekly, interval=1, days_of_week=list(days)),
        range=RecurrenceRange(type=RecurrenceRangeType.Numbered if count else RecurrenceRangeType.NoEnd,
                              start_date=datetime.fromisoformat(start).date(), number_of_occurrences=count or 0),
    )
    return body


def view_config(start: str, end: str, top: int | None = None, zone: str = BERLIN) -> RequestConfiguration:
    query = CalendarViewRequestBuilder.CalendarViewRequestBuilderGetQueryParameters(
        start_date_time=start, end_date_time=end, top=top)
    return RequestConfiguration(query_parameters=query, headers={"Prefer": f'outlook.timezone="{zone}"'})


async def calendar_view(client: Any, start: str, end: str, subject: str, top: int | None = None) -> list[Event]:
    """Every page of /me/calendarView, followed by @odata.nextLink; only the events titled `subject`."""
    page = await client.me.calendar_view.get(view_config(start, end, top))
    found = list(page.value)
    while page.odata_next_link:
        page = await client.me.calendar_view.with_url(page.odata_next_link).get(  # Prefer goes with every page
            RequestConfiguration(headers={"Prefer": f'outlook.timezone="{BERLIN}"'}))
        found += page.value
    return [e for e in found if e.subject == subject]


async def test_weekly_series_across_dst_in_calendar_view_and_instances(people):
    uma = people["uma"]
    master = await uma.me.events.post(weekly("Stand-up"))
    assert master.type == EventType.SeriesMaster
    assert master.recurrence.range.type == RecurrenceRangeType.NoEnd

    # three weeks across the end of CET (30 March 2025): 6 occurrences, still at 09:00 local
    shown = await calendar_view(uma, "2025-03-17T00:00:00Z", "2025-04-06T00:00:00Z", "Stand-up", top=4)
    assert [e.start.date_time[:16] for e in shown] == [
        "2025-03-17T09:00", "2025-03-19T09:00", "2025-03-24T09:00", "2025-03-26T09:00",
        "2025-03-31T09:00", "2025-04-02T09:00"]
    assert {e.type for e in shown} == {EventType.Occurrence}
    assert {e.series_master_id for e in shown} == {master.id}
    assert len({e.id for e in shown}) == 6 and master.id not in {e.id for e in shown}
    assert shown[0].original_start.isoformat().startswith("2025-03-17T08:00")   # 09:00 CET = 08:00Z
    assert shown[-1].original_start.isoformat().startswith("2025-04-02T07:00")  # 09:00 CEST = 07:00Z

    query = InstancesRequestBuilder.InstancesRequestBuilderGetQueryParameters(
        start_date_time="2025-03-24T00:00:00Z", end_date_time="2025-03-27T00:00:00Z")
    instances = await uma.me.events.by_event_id(master.id).instances.get(RequestConfiguration(query_parameters=query))
    assert [e.id for e in instances.value] == [e.id for e in shown[2:4]]

    one = await uma.me.events.by_event_id(shown[1].id).get()
    assert (one.type, one.series_master_id, one.subject) == (EventType.Occurrence, master.id, "Stand-up")

    listed = await uma.me.events.get()
    assert [e.id for e in listed.value if e.subject == "Stand-up"] == [master.id]


async def test_numbered_series_ends(people):
    uma = people["uma"]
    await uma.me.events.post(weekly("Three times", days=(DayOfWeek.Friday,), start="2025-05-02T10:00:00",
                                    end="2025-05-02T11:00:00", count=3))
    shown = await calendar_view(uma, "2025-04-01T00:00:00Z", "2025-07-01T00:00:00Z", "Three times")
    assert [e.start.date_time[:10] for e in shown] == ["2025-05-02", "2025-05-09", "2025-05-16"]


async def test_invalid_recurrence_and_window_are_odata_errors(people):
    uma = people["uma"]
    bad = weekly("Bad series")
    bad.recurrence.range.start_date = datetime(2025, 3, 18).date()   # not the start's date
    error = await graph_error(uma.me.events.post(bad))
    assert error.response_status_code == 400
    assert error.error.code == "ErrorCalendarInvalidRecurrence"

    error = await graph_error(uma.me.calendar_view.get())
    assert (error.response_status_code, error.error.code) == (400, "ErrorInvalidParameter")
    assert "StartDateTime and EndDateTime" in error.error.message


async def test_series_meeting_gives_the_attendee_the_same_occurrences(people):
    uma, vic = people["uma"], people["vic"]
    await uma.me.events.post(weekly("Series sync", attendees=("ser.vic@contoso.test",)))
    copy = await attendee_copy(vic, "Series sync")
    assert copy.type == EventType.SeriesMaster and copy.recurrence is not None
    window = ("2025-03-17T00:00:00Z", "2025-03-31T00:00:00Z")
    organizer_dates = [e.start.date_time for e in await calendar_view(uma, *window, "Series sync")]
    attendee_view = await calendar_view(vic, *window, "Series sync")
    assert [e.start.date_time for e in attendee_view] == organizer_dates and len(organizer_dates) == 4
    assert {e.series_master_id for e in attendee_view} == {copy.id}


async def test_occurrence_patch_delete_and_answer_through_the_sdk(people):
    from msgraph.generated.users.item.events.item.accept.accept_post_request_body import AcceptPostRequestBody
    from msgraph.generated.users.item.events.item.event_item_request_builder import EventItemRequestBuilder

    uma, vic = people["uma"], people["vic"]
    master = await uma.me.events.post(weekly("Occurrence ops", attendees=("ser.vic@contoso.test",)))
    window = ("2025-03-17T00:00:00Z", "2025-03-31T00:00:00Z")
    first, second, third, fourth = await calendar_view(uma, *window, "Occurrence ops")

    moved = await uma.me.events.by_event_id(second.id).patch(Event(subject="Occurrence ops (moved)"))
    assert (moved.id, moved.type, moved.series_master_id) == (second.id, EventType.Exception, master.id)
    await uma.me.events.by_event_id(third.id).delete()
    error = await graph_error(uma.me.events.by_event_id(third.id).get())
    assert (error.response_status_code, error.error.code) == (404, "ErrorItemNotFound")
    shown = await calendar_view(uma, *window, "Occurrence ops")
    assert [e.id for e in shown] == [first.id, fourth.id]
    query = EventItemRequestBuilder.EventItemRequestBuilderGetQueryParameters(
        select=["cancelledOccurrences", "subject"], expand=["exceptionOccurrences"])
    again = await uma.me.events.by_event_id(master.id).get(RequestConfiguration(query_parameters=query))
    assert [e.id for e in again.exception_occurrences] == [second.id]

    copy = await attendee_copy(vic, "Occurrence ops")
    mine = await calendar_view(vic, *window, "Occurrence ops")
    # the cancelled occurrence is gone, the moved one carries its new subject
    assert [e.start.date_time for e in mine] == [first.start.date_time, fourth.start.date_time]
    assert {e.series_master_id for e in mine} == {copy.id}
    await vic.me.events.by_event_id(mine[0].id).accept.post(AcceptPostRequestBody(send_response=True))
    answered = await vic.me.events.by_event_id(mine[0].id).get()
    assert (answered.type, answered.response_status.response.value) == (EventType.Exception, "accepted")
    organizer_view = await calendar_view(uma, *window, "Occurrence ops")
    statuses = [e.attendees[0].status.response.value for e in organizer_view]
    assert statuses[0] == "accepted" and statuses[1:] == ["none"]
