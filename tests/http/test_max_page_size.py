"""`Prefer: odata.maxpagesize=N`: the page size of a list without `$top` (events, calendarView, instances,
messages, the short lists), echoed in Preference-Applied and repeated in the nextLink as `$top`."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from tests.http.conftest import assert_error, event_body
from tests.http.test_calendar_view import WINDOW, make_series, weekly

PREFER = {"Prefer": "odata.maxpagesize=3"}


def every_page(api, path: str, headers: dict[str, str] | None = None) -> list[list[dict]]:
    """Every page of a list, following @odata.nextLink (sending `headers` only with the first request)."""
    pages, url = [], path
    while url:
        r = api.get(url, headers=headers if not pages else None)
        assert r.status_code == 200, r.text
        pages.append(r.json()["value"])
        url = r.json().get("@odata.nextLink")
    return pages


def test_events_list_pages_by_max_page_size(as_alice):
    for n in range(7):
        as_alice.post("/me/events", json=event_body(f"E{n}", f"2025-01-{10 + n}T12:00:00", f"2025-01-{10 + n}T13:00:00"))
    r = as_alice.get("/me/events", headers=PREFER)
    assert r.status_code == 200, r.text
    assert len(r.json()["value"]) == 3
    assert r.headers["Preference-Applied"] == "odata.maxpagesize=3"
    link = r.json()["@odata.nextLink"]
    assert parse_qs(urlsplit(link).query) == {"$top": ["3"], "$skip": ["3"]}
    assert [len(p) for p in every_page(as_alice, "/me/events", PREFER)] == [3, 3, 1]
    assert [e["subject"] for p in every_page(as_alice, "/me/events", PREFER) for e in p] == [f"E{n}" for n in range(7)]

    # $top wins and the preference is not applied (nor echoed)
    r = as_alice.get("/me/events?$top=5", headers=PREFER)
    assert len(r.json()["value"]) == 5 and "Preference-Applied" not in r.headers
    # combined with other preferences, in one header; above 1000 it is 1000
    r = as_alice.get("/me/events", headers={"Prefer": 'outlook.timezone="UTC", odata.maxpagesize=2000'})
    assert r.headers["Preference-Applied"] == 'outlook.timezone="UTC", odata.maxpagesize=1000'
    assert len(r.json()["value"]) == 7 and "@odata.nextLink" not in r.json()
    # a single GET has no page: nothing applied
    one = r.json()["value"][0]["id"]
    r = as_alice.get(f"/me/events/{one}", headers=PREFER)
    assert r.status_code == 200 and "Preference-Applied" not in r.headers
    # without the header, the default 10
    assert "Preference-Applied" not in as_alice.get("/me/events").headers


def test_calendar_view_and_instances_page_by_max_page_size(as_alice):
    master = make_series(as_alice, recurrence=weekly(["monday", "wednesday", "friday"]))
    r = as_alice.get(f"/me/calendarView?{WINDOW}", headers={"Prefer": "odata.maxpagesize=4"})
    assert r.status_code == 200, r.text
    assert r.headers["Preference-Applied"] == "odata.maxpagesize=4"
    assert len(r.json()["value"]) == 4
    assert parse_qs(urlsplit(r.json()["@odata.nextLink"]).query)["$top"] == ["4"]
    pages = every_page(as_alice, f"/me/calendarView?{WINDOW}", {"Prefer": "odata.maxpagesize=4"})
    assert [len(p) for p in pages] == [4, 4, 2]
    starts = [e["start"]["dateTime"] for p in pages for e in p]
    assert starts == sorted(starts) and len(set(starts)) == 10

    path = f"/me/events/{master['id']}/instances?{WINDOW}"
    r = as_alice.get(path, headers={"Prefer": "odata.maxpagesize=6"})
    assert r.headers["Preference-Applied"] == "odata.maxpagesize=6" and len(r.json()["value"]) == 6
    assert [len(p) for p in every_page(as_alice, path, {"Prefer": "odata.maxpagesize=6"})] == [6, 4]
    assert len(as_alice.get(f"{path}&$top=2", headers=PREFER).json()["value"]) == 2


def test_short_lists_and_messages(as_alice, as_bob):
    for name in ("A", "B", "C"):
        assert as_alice.post("/me/calendars", json={"name": name}).status_code == 201
    r = as_alice.get("/me/calendars", headers={"Prefer": "odata.maxpagesize=2"})
    assert r.headers["Preference-Applied"] == "odata.maxpagesize=2"
    assert len(r.json()["value"]) == 2 and "@odata.nextLink" in r.json()
    as_alice.post("/me/events", json=event_body(attendees=[{"emailAddress": {"address": "bob@contoso.com"}}]))
    r = as_alice.get("/me/mailFolders/sentitems/messages", headers={"Prefer": "odata.maxpagesize=1"})
    assert r.headers["Preference-Applied"] == "odata.maxpagesize=1" and len(r.json()["value"]) == 1


def test_invalid_values_are_ignored(as_alice):
    for value in ("0", "-1", "abc", "99999999999999999999", ""):
        r = as_alice.get("/me/events", headers={"Prefer": f"odata.maxpagesize={value}"})
        assert r.status_code == 200 and "Preference-Applied" not in r.headers
    assert_error(as_alice.get("/me/events?$top=x", headers=PREFER), 400, "BadRequest")
