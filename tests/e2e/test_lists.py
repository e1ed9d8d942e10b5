"""Listing events through the SDK: $select/$filter/$orderby/$top/$skip/$count, and paging with
PageIterator over @odata.nextLink. Carol's calendar holds exactly the 25 events made here."""

from __future__ import annotations

import asyncio

import pytest
from kiota_abstractions.base_request_configuration import RequestConfiguration
from msgraph.generated.models.date_time_time_zone import DateTimeTimeZone
from msgraph.generated.models.event import Event
from msgraph.generated.models.event_collection_response import EventCollectionResponse
from msgraph.generated.models.importance import Importance
from msgraph.generated.models.o_data_errors.o_data_error import ODataError
from msgraph.generated.users.item.events.events_request_builder import EventsRequestBuilder
from msgraph.generated.users.item.events.item.event_item_request_builder import EventItemRequestBuilder
from msgraph_core.tasks.page_iterator import PageIterator

from tests.e2e.conftest import run_async

N = 25
Query = EventsRequestBuilder.EventsRequestBuilderGetQueryParameters


def subject(i: int) -> str:
    return f"Query {i:02d}"


def utc_start(i: int) -> str:
    return f"2025-03-{1 + i:02d}T09:00:00.0000000"


@pytest.fixture(scope="module")
def carol_events(tenant) -> list[str]:
    """25 events, one a day from 1 March 2025 09:00 UTC, created concurrently; their ids in order."""

    async def create() -> list[str]:
        client = tenant.client("carol")

        async def one(i: int) -> str:
            ev = await client.me.events.post(Event(
                subject=subject(i),
                start=DateTimeTimeZone(date_time=utc_start(i)[:19], time_zone="UTC"),
                end=DateTimeTimeZone(date_time=utc_start(i)[:11] + "10:00:00", time_zone="UTC"),
                importance=Importance.High if i % 5 == 0 else Importance.Normal,
            ))
            return ev.id

        return list(await asyncio.gather(*(one(i) for i in range(N))))

    return run_async(create())


def config(**query) -> RequestConfiguration:
    return RequestConfiguration(query_parameters=Query(**query))


async def test_select_filter_orderby_top_count(tenant, carol_events):
    client = tenant.client("carol")
    page = await client.me.events.get(config(
        select=["subject", "start"],
        filter="start/dateTime ge '2025-03-11T00:00:00'",
        orderby=["start/dateTime desc"],
        top=5,
        count=True,
    ))

    assert isinstance(page, EventCollectionResponse)
    assert page.odata_count == 15  # events 10..24
    assert [ev.subject for ev in page.value] == [subject(i) for i in range(24, 19, -1)]
    assert [ev.start.date_time for ev in page.value] == [utc_start(i) for i in range(24, 19, -1)]
    assert [ev.id for ev in page.value] == [carol_events[i] for i in range(24, 19, -1)]
    for ev in page.value:  # only id, the selected properties and annotations come back
        assert ev.end is None and ev.body is None and ev.organizer is None and ev.importance is None
        assert ev.additional_data.get("@odata.etag")
    assert page.odata_next_link and page.odata_next_link.startswith(tenant.server.origin + "/v1.0/")
    assert "(subject,start)" in page.additional_data["@odata.context"]


async def test_filters(tenant, carol_events):
    client = tenant.client("carol")

    page = await client.me.events.get(config(filter="subject eq 'Query 07'", count=True))
    assert page.odata_count == 1 and [ev.id for ev in page.value] == [carol_events[7]]

    page = await client.me.events.get(config(
        filter="contains(subject,'Query 1')", orderby=["subject"], select=["subject"], top=50))
    assert [ev.subject for ev in page.value] == [subject(i) for i in range(10, 20)]
    assert page.odata_next_link is None

    page = await client.me.events.get(config(
        filter="importance eq 'high' and start/dateTime lt '2025-03-17T00:00:00'",
        orderby=["start/dateTime"], select=["subject", "importance"]))
    assert [ev.subject for ev in page.value] == [subject(0), subject(5), subject(10), subject(15)]
    assert {ev.importance for ev in page.value} == {Importance.High}


async def test_skip_and_default_page_size(tenant, carol_events):
    client = tenant.client("carol")

    page = await client.me.events.get(config(orderby=["subject desc"], skip=20, top=10, select=["subject"]))
    assert [ev.subject for ev in page.value] == [subject(i) for i in range(4, -1, -1)]
    assert page.odata_next_link is None

    page = await client.me.events.get(config(orderby=["subject"], count=True))
    assert page.odata_count == N
    assert len(page.value) == 10  # Graph's default page size
    assert page.odata_next_link


async def test_page_iterator_collects_all_in_order(tenant, carol_events):
    client = tenant.client("carol")
    first = await client.me.events.get(config(orderby=["start/dateTime"], top=10, select=["subject", "start"]))
    assert len(first.value) == 10

    it = PageIterator(first, client.request_adapter, error_mapping={"XXX": ODataError})
    it.headers.add("Prefer", 'outlook.timezone="Pacific Standard Time"')
    it.headers.add("Accept", "application/json")
    seen: list[Event] = []
    await it.iterate(lambda ev: seen.append(ev) or True)

    assert [ev.id for ev in seen] == carol_events
    assert [ev.subject for ev in seen] == [subject(i) for i in range(N)]
    assert all(isinstance(ev, Event) for ev in seen)
    # the first page came without Prefer (UTC); the pages the iterator fetched carry its header
    assert {ev.start.time_zone for ev in seen[:10]} == {"UTC"}
    assert {ev.start.time_zone for ev in seen[10:]} == {"Pacific Standard Time"}
    assert seen[0].start.date_time == "2025-03-01T09:00:00.0000000"
    assert seen[10].start.date_time == "2025-03-11T02:00:00.0000000"  # 09:00 UTC = 02:00 PDT (DST since 9 March)


async def test_page_iterator_can_stop_early(tenant, carol_events):
    client = tenant.client("carol")
    first = await client.me.events.get(config(orderby=["start/dateTime"], top=4, select=["subject"]))
    it = PageIterator(first, client.request_adapter, error_mapping={"XXX": ODataError})
    seen: list[str] = []
    await it.iterate(lambda ev: seen.append(ev.subject) or len(seen) < 6)
    assert seen == [subject(i) for i in range(6)]


async def test_next_link_followed_by_hand(tenant, carol_events):
    client = tenant.client("carol")
    page = await client.me.events.get(config(orderby=["start/dateTime"], top=10, select=["subject"]))
    ids = [ev.id for ev in page.value]
    while page.odata_next_link:
        page = await client.me.events.with_url(page.odata_next_link).get()
        ids += [ev.id for ev in page.value]
    assert ids == carol_events


async def test_select_on_a_single_event(tenant, carol_events):
    client = tenant.client("carol")
    query = EventItemRequestBuilder.EventItemRequestBuilderGetQueryParameters(select=["subject", "importance"])
    ev = await client.me.events.by_event_id(carol_events[5]).get(RequestConfiguration(query_parameters=query))
    assert (ev.id, ev.subject, ev.importance) == (carol_events[5], subject(5), Importance.High)
    assert ev.start is None and ev.organizer is None and ev.body is None
    assert "(subject,importance)" in ev.additional_data["@odata.context"]


async def test_paging_keeps_a_filter_with_reserved_characters(tenant):
    """The nextLink must carry `$filter` re-encoded: quotes, &, +, #, ?, =, % and non-ASCII."""
    client = tenant.client("alice")
    odd = "A&B+C #1 \u00fc?=% 'q'"
    for i in range(3):
        await client.me.events.post(Event(
            subject=f"{odd} {i}",
            start=DateTimeTimeZone(date_time=f"2025-05-0{i + 1}T09:00:00", time_zone="UTC"),
            end=DateTimeTimeZone(date_time=f"2025-05-0{i + 1}T10:00:00", time_zone="UTC"),
        ))
    literal = odd.replace("'", "''")  # OData string literal: quotes doubled
    first = await client.me.events.get(config(
        filter=f"startswith(subject,'{literal}')", orderby=["start/dateTime"], top=1, select=["subject"], count=True))
    assert first.odata_count == 3
    it = PageIterator(first, client.request_adapter, error_mapping={"XXX": ODataError})
    seen: list[str] = []
    await it.iterate(lambda ev: seen.append(ev.subject) or True)
    assert seen == [f"{odd} {i}" for i in range(3)]
