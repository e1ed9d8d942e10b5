"""calendarView answers items as JSON text made item by item (render_text.event_text / occurrence_text, from
templates and remembered texts); with $select the same items go through render.event as dicts. Selecting
every property must give the same items, byte for byte, for every kind of item and view."""

from __future__ import annotations

import json
import urllib.parse

import pytest

from calgraph.http import render
from tests.http.conftest import event_body
from tests.http.test_calendar_view import BERLIN, make_series, weekly

WINDOW = "startDateTime=2025-03-20T00:00:00Z&endDateTime=2025-11-10T00:00:00Z"
EVERY = ",".join(sorted(render.EVENT_FIELDS))


def pages(api, path: str, headers: dict[str, str]) -> list[str]:
    """The items of every page, each as compact JSON text in the order its properties came."""
    items: list[str] = []
    url: str | None = path
    while url:
        r = api.get(url, headers=headers)
        assert r.status_code == 200, r.text
        body = r.json()
        items += [json.dumps(item, ensure_ascii=False) for item in body["value"]]
        link = body.get("@odata.nextLink")
        url = None
        if link:
            parts = urllib.parse.urlsplit(link)
            url = f"{parts.path}?{parts.query}"
    return items


@pytest.fixture
def calendar(as_alice) -> None:
    make_series(as_alice, subject="Stand-up \"daily\" ü")                                  # DST on 30 March
    make_series(as_alice, subject="Late", start="2025-03-21T23:30:00", end="2025-03-22T01:00:00",
                zone="Pacific Standard Time",
                recurrence={"pattern": {"type": "daily", "interval": 3},
                            "range": {"type": "noEnd", "startDate": "2025-03-21", "recurrenceTimeZone": BERLIN}})
    r = as_alice.post("/me/events", json={
        "subject": "Two zones", "start": {"dateTime": "2025-10-20T02:30:00", "timeZone": "Europe/London"},
        "end": {"dateTime": "2025-10-26T02:30:00", "timeZone": "America/New_York"},
        "recurrence": weekly(["monday", "thursday"], start_date="2025-10-20")})
    assert r.status_code == 201, r.text
    make_series(as_alice, subject="All day", start="2025-03-24T00:00:00", end="2025-03-25T00:00:00",
                recurrence=weekly(["monday"], start_date="2025-03-24"))
    r = as_alice.post("/me/events", json={**event_body("All day series", "2025-03-25", "2025-03-26", BERLIN),
                                          "isAllDay": True, "recurrence": weekly(["tuesday"], start_date="2025-03-25")})
    assert r.status_code == 201, r.text
    series = make_series(as_alice, subject="Edited", start="2025-03-20T10:00:00", end="2025-03-20T10:45:00",
                         recurrence=weekly(["thursday"], start_date="2025-03-20"))
    instances = as_alice.get(f"/me/events/{series['id']}/instances?{WINDOW}").json()["value"]
    r = as_alice.patch(f"/me/events/{instances[1]['id']}", json={"subject": "Edited once"})
    assert r.status_code == 200, r.text
    assert as_alice.delete(f"/me/events/{instances[2]['id']}").status_code == 204
    for n, (subject, body) in enumerate([("Ünïcödé \u2028 \"quoted\" \\ back", "<p>Hi <b>there</b>\u00a0you</p>"),
                                         ("Plain", "text body")]):
        r = as_alice.post("/me/events", json={**event_body(subject, f"2025-0{4 + n}-01T10:00:00",
                                                           f"2025-0{4 + n}-01T11:00:00", BERLIN),
                                              "body": {"contentType": "html" if n == 0 else "text", "content": body},
                                              "categories": ["Red"], "location": {"displayName": "Room \"1\""}})
        assert r.status_code == 201, r.text


@pytest.mark.parametrize("version,prefer,top", [
    *((version, prefer, 1000) for version in ("v1.0", "beta")
      for prefer in (None, f'outlook.timezone="{BERLIN}"', 'outlook.timezone="America/New_York"',
                     'outlook.body-content-type="text"')),
    ("v1.0", None, 9), ("beta", f'outlook.timezone="{BERLIN}"', 9),   # pages by time
])
def test_encoded_items_equal_the_rendered_ones(calendar, as_alice, version: str, prefer: str | None, top: int):
    headers = {"Prefer": prefer} if prefer else {}
    path = f"/{version}/me/calendarView?{WINDOW}&$top={top}"
    encoded = pages(as_alice, path, headers)
    rendered = pages(as_alice, f"{path}&$select={EVERY}", headers)
    assert len(encoded) > 60
    assert encoded == rendered
    again = pages(as_alice, path, headers)   # now from remembered texts
    assert again == encoded


def test_instances_encoded_equal_rendered(calendar, as_alice):
    master = as_alice.get("/me/events?$filter=subject eq 'Edited'").json()["value"][0]
    path = f"/me/events/{master['id']}/instances?{WINDOW}"
    assert pages(as_alice, path, {}) == pages(as_alice, f"{path}&$select={EVERY}", {})


def test_a_changed_event_is_never_answered_from_a_remembered_text(calendar, as_alice):
    single = as_alice.get("/me/events?$filter=subject eq 'Plain'").json()["value"][0]
    series = as_alice.get("/me/events?$filter=subject eq 'Late'").json()["value"][0]
    before = pages(as_alice, f"/me/calendarView?{WINDOW}", {})
    assert any('"Plain"' in item for item in before) and any('"Late"' in item for item in before)
    assert as_alice.patch(f"/me/events/{single['id']}", json={"subject": "Plainer"}).status_code == 200
    assert as_alice.patch(f"/me/events/{series['id']}", json={"subject": "Later"}).status_code == 200
    after = pages(as_alice, f"/me/calendarView?{WINDOW}", {})
    assert not any('"Plain"' in item or '"Late"' in item for item in after)
    assert sum('"Plainer"' in item for item in after) == 1 and any('"Later"' in item for item in after)
