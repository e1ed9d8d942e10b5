"""calendarView pages by time in its default order: nextLinks carry a `$skiptoken` beside `$skip`, every
page together gives exactly the one-page answer (series, singles, an exception, a cancelled occurrence,
events spanning page ends), and a missing, stale or forged token only costs speed."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from tests.http.conftest import event_body
from tests.http.test_calendar_view import BERLIN, make_series, view

DAILY = {"pattern": {"type": "daily", "interval": 1}, "range": {"type": "noEnd", "startDate": "2025-03-17"}}
QUARTER = "startDateTime=2025-03-17T00:00:00Z&endDateTime=2025-06-17T00:00:00Z"


def pages(client, url: str) -> tuple[list[dict], list[str]]:
    items, links = [], []
    while url:
        body = client.get(url).json()
        items += body["value"]
        url = body.get("@odata.nextLink")
        if url:
            links.append(url)
    return items, links


def busy_calendar(client) -> None:
    make_series(client, recurrence=DAILY)                     # ~90 daily occurrences in the quarter
    make_series(client)                                       # a weekly one beside it
    for n in range(12):                                       # singles, some spanning several days
        day = 17 + n * 6
        month, day = (3, day) if day <= 31 else (4 + (day - 32) // 30, (day - 32) % 30 + 1)
        end_day = day + (n % 3)
        client.post("/me/events", json=event_body(f"Single {n}", f"2025-{month:02d}-{day:02d}T10:00:00",
                                                  f"2025-{month:02d}-{min(end_day, 28):02d}T18:00:00", BERLIN))


def test_pages_by_time_give_the_one_page_answer(as_alice):
    busy_calendar(as_alice)
    everything = view(as_alice, query=QUARTER + "&$top=1000&$count=true")["value"]  # $count: the long way
    occurrence = next(i for i in everything if i["type"] == "occurrence" and i["start"]["dateTime"] > "2025-04")
    as_alice.patch(f"/me/events/{occurrence['id']}", json={"subject": "Moved stand-up"})
    gone = next(i for i in everything if i["type"] == "occurrence" and i["start"]["dateTime"] > "2025-05")
    as_alice.delete(f"/me/events/{gone['id']}")
    everything = view(as_alice, query=QUARTER + "&$top=1000&$count=true")["value"]  # $count: the long way

    for top in (1, 7, 50):
        items, links = pages(as_alice, f"/me/calendarView?{QUARTER}&$top={top}")
        assert [i["id"] for i in items] == [i["id"] for i in everything], top
        for n, link in enumerate(links, start=1):
            query = parse_qs(urlsplit(link).query)
            assert query["$skip"] == [str(n * top)] and "$skiptoken" in query
    assert "Moved stand-up" in {i["subject"] for i in everything} and gone["id"] not in {i["id"] for i in everything}


def test_a_stale_or_forged_skiptoken_still_gives_the_right_page(as_alice):
    busy_calendar(as_alice)
    everything = view(as_alice, query=QUARTER + "&$top=1000&$count=true")["value"]  # $count: the long way
    first = as_alice.get(f"/me/calendarView?{QUARTER}&$top=10").json()
    token = parse_qs(urlsplit(first["@odata.nextLink"]).query)["$skiptoken"][0]
    for query in (f"$top=10&$skip=20&$skiptoken={token}",      # a token for another $skip: ignored
                  "$top=10&$skip=20&$skiptoken=bm90IGEgY3Vyc29y",  # not a cursor at all
                  "$top=10&$skip=20"):                          # none: the page is built the long way
        body = as_alice.get(f"/me/calendarView?{QUARTER}&{query}")
        assert body.status_code == 200, body.text
        assert [i["id"] for i in body.json()["value"]] == [i["id"] for i in everything[20:30]], query


def test_filtered_and_ordered_views_page_by_skip_alone(as_alice):
    busy_calendar(as_alice)
    body = as_alice.get(f"/me/calendarView?{QUARTER}&$top=5&$orderby=start/dateTime desc").json()
    assert "$skiptoken" not in body["@odata.nextLink"]
    body = as_alice.get(f"/me/calendarView?{QUARTER}&$top=5&$filter=type eq 'occurrence'").json()
    assert "$skiptoken" not in body["@odata.nextLink"] and {i["type"] for i in body["value"]} == {"occurrence"}


def test_skiptoken_is_refused_where_it_means_nothing(as_alice):
    body = as_alice.get("/me/events?$skiptoken=abc")
    assert body.status_code == 400 and body.json()["error"]["code"] == "BadRequest"
