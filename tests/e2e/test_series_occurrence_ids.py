"""Recurring meetings through the stock msgraph-sdk, beyond tests/e2e/test_series.py: occurrence ids
(`OID.{masterId}.{yyyy-MM-dd}`) as event ids, the organizer's PATCH of a master whose occurrences
were modified separately, and `Prefer: odata.maxpagesize` on calendarView.

The people here are this module's own (oid.*@contoso.test)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.models.event import Event
from msgraph.generated.models.event_message_request import EventMessageRequest
from msgraph.generated.models.event_type import EventType
from msgraph.generated.models.item_body import ItemBody
from msgraph.generated.models.body_type import BodyType
from msgraph.generated.models.location import Location
from msgraph.generated.users.item.calendar_view.calendar_view_request_builder import CalendarViewRequestBuilder
from msgraph.generated.users.item.events.item.accept.accept_post_request_body import AcceptPostRequestBody
from msgraph.generated.users.item.events.item.cancel.cancel_post_request_body import CancelPostRequestBody
from msgraph.generated.users.item.events.item.event_item_request_builder import EventItemRequestBuilder

from tests.e2e.conftest import graph_error
from tests.e2e.test_meetings import attendee_copy
from tests.e2e.test_series import calendar_view, people, tokens_by_name, weekly  # noqa: F401 (people: a fixture)

PEOPLE = {"oid.wes@contoso.test": "Wes West", "oid.xia@contoso.test": "Xia Xu"}
WINDOW = ("2025-03-17T00:00:00Z", "2025-03-31T00:00:00Z")   # Mon/Wed 17, 19, 24, 26 March


@pytest.fixture(scope="module")
def tokens(tenant) -> dict[str, str]:
    return tokens_by_name(tenant, PEOPLE)


def oid(master_id: str, day: str) -> str:
    return f"OID.{master_id}.{day}"


async def test_occurrence_ids_name_occurrences_for_every_operation(people):
    wes, xia = people["wes"], people["xia"]
    master = await wes.me.events.post(weekly("OID ops", attendees=("oid.xia@contoso.test",)))
    first, second, third, fourth = await calendar_view(wes, *WINDOW, "OID ops")

    got = await wes.me.events.by_event_id(oid(master.id, "2025-03-19")).get()
    assert (got.id, got.type, got.series_master_id) == (second.id, EventType.Occurrence, master.id)

    patched = await wes.me.events.by_event_id(oid(master.id, "2025-03-19")).patch(Event(subject="OID ops (one)"))
    assert (patched.id, patched.type) == (second.id, EventType.Exception)
    again = await wes.me.events.by_event_id(oid(master.id, "2025-03-19")).get()
    assert (again.type, again.subject) == (EventType.Exception, "OID ops (one)")

    copy = await attendee_copy(xia, "OID ops")
    await xia.me.events.by_event_id(oid(copy.id, "2025-03-24")).accept.post(AcceptPostRequestBody(send_response=True))
    answered = await xia.me.events.by_event_id(oid(copy.id, "2025-03-24")).get()
    assert (answered.type, answered.response_status.response.value) == (EventType.Exception, "accepted")

    await wes.me.events.by_event_id(oid(master.id, "2025-03-26")).cancel.post(CancelPostRequestBody(comment="Off"))
    await wes.me.events.by_event_id(oid(master.id, "2025-03-17")).delete()
    query = EventItemRequestBuilder.EventItemRequestBuilderGetQueryParameters(select=["cancelledOccurrences"])
    selected = await wes.me.events.by_event_id(master.id).get(RequestConfiguration(query_parameters=query))
    assert sorted(selected.cancelled_occurrences) == [oid(master.id, "2025-03-17"), oid(master.id, "2025-03-26")]
    assert [e.id for e in await calendar_view(wes, *WINDOW, "OID ops")] == [third.id]
    assert [e.id for e in await calendar_view(wes, *WINDOW, "OID ops (one)")] == [second.id]

    error = await graph_error(wes.me.events.by_event_id(oid(master.id, "2025-03-26")).get())  # cancelled
    assert (error.response_status_code, error.error.code) == (404, "ErrorItemNotFound")
    error = await graph_error(wes.me.events.by_event_id(oid(master.id, "2025-03-18")).get())  # a Tuesday
    assert (error.response_status_code, error.error.code) == (404, "ErrorItemNotFound")
    error = await graph_error(wes.me.events.by_event_id("OID.not-an-id.2025-03-17").get())
    assert (error.response_status_code, error.error.code) == (400, "ErrorInvalidIdMalformed")
    assert first.id != fourth.id


async def test_master_patch_reaches_modified_occurrences(people):
    wes, xia = people["wes"], people["xia"]
    master = await wes.me.events.post(weekly("Series edit", attendees=("oid.xia@contoso.test",)))
    copy = await attendee_copy(xia, "Series edit")
    await wes.me.events.by_event_id(oid(master.id, "2025-03-19")).patch(
        Event(location=Location(display_name="Room 2")))               # an exception that keeps the subject
    await wes.me.events.by_event_id(oid(master.id, "2025-03-24")).patch(Event(subject="Own title"))
    seen = {m.id for m in (await xia.me.mail_folders.by_mail_folder_id("inbox").messages.get()).value}

    await wes.me.events.by_event_id(master.id).patch(Event(
        subject="Series edit v2", body=ItemBody(content_type=BodyType.Text, content="New agenda")))

    shown = {e.original_start.isoformat()[:10]: e
             for e in await calendar_view(wes, *WINDOW, "Series edit v2") + await calendar_view(
                 wes, *WINDOW, "Own title")}
    assert sorted(shown) == ["2025-03-17", "2025-03-19", "2025-03-24", "2025-03-26"]
    assert shown["2025-03-19"].type == EventType.Exception and shown["2025-03-19"].location.display_name == "Room 2"
    assert shown["2025-03-24"].subject == "Own title"       # its own subject wins over the series'
    assert "New agenda" in shown["2025-03-24"].body.content  # the body it never changed follows the series

    theirs = await xia.me.events.by_event_id(oid(copy.id, "2025-03-19")).get()
    assert (theirs.type, theirs.subject, theirs.location.display_name) == (
        EventType.Exception, "Series edit v2", "Room 2")
    assert (await xia.me.events.by_event_id(oid(copy.id, "2025-03-24")).get()).subject == "Own title"
    inbox = await xia.me.mail_folders.by_mail_folder_id("inbox").messages.get()
    updates = [m for m in inbox.value if isinstance(m, EventMessageRequest) and m.id not in seen]
    assert sorted((m.meeting_request_type.value, m.type.value) for m in updates) == [
        ("informationalUpdate", "exception"), ("informationalUpdate", "exception"),
        ("informationalUpdate", "seriesMaster")]


async def test_max_page_size_pages_calendar_view(people):
    wes = people["wes"]
    await wes.me.events.post(weekly("Paged series"))
    config = RequestConfiguration(
        query_parameters=CalendarViewRequestBuilder.CalendarViewRequestBuilderGetQueryParameters(
            start_date_time=WINDOW[0], end_date_time=WINDOW[1]),
        headers={"Prefer": "odata.maxpagesize=3"})
    page = await wes.me.calendar_view.get(config)
    assert len(page.value) == 3
    assert parse_qs(urlsplit(page.odata_next_link).query)["$top"] == ["3"]
    found = list(page.value)
    while page.odata_next_link:  # the page size rides in the nextLink: no header needed any more
        page = await wes.me.calendar_view.with_url(page.odata_next_link).get()
        assert len(page.value) <= 3
        found += page.value
    assert len([e for e in found if e.subject == "Paged series"]) == 4
