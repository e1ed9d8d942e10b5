"""calendarView / instances: paging, query options, cancelled and excepted occurrences, every error;
recurrence validation on create and PATCH."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from calgraph.core import occurrences
from calgraph.core.model import When
from calgraph.store import codec
from tests.http.conftest import assert_error, event_body
from tests.http.test_calendar_view import BERLIN, WINDOW, make_series, starts, view, weekly
from tests.store.test_event_versions import write_behind

DAILY = {"pattern": {"type": "daily", "interval": 1}, "range": {"type": "noEnd", "startDate": "2025-03-17"}}
MONTH = "startDateTime=2025-03-17T00:00:00Z&endDateTime=2025-04-16T00:00:00Z"
NO_WINDOW = ("This request requires a time window specified by the query string parameters "
             "StartDateTime and EndDateTime.")


def test_paging_follows_next_links_without_duplicates(as_alice):
    make_series(as_alice, recurrence=DAILY)
    for n in range(3):
        as_alice.post("/me/events", json=event_body(f"S{n}", f"2025-03-2{n}T12:00:00", f"2025-03-2{n}T13:00:00", BERLIN))
    url, seen = f"/me/calendarView?{MONTH}&$top=5&$count=true", []
    while url:
        body = as_alice.get(url).json()
        assert body["@odata.count"] == 33 and len(body["value"]) <= 5
        seen += body["value"]
        url = body.get("@odata.nextLink")
        if url:
            assert "startDateTime=2025-03-17T00%3a00%3a00Z" in url and "$top=5" in url
    assert len(seen) == 33 and len({i["id"] for i in seen}) == 33
    assert [i["start"]["dateTime"] for i in seen] == sorted(i["start"]["dateTime"] for i in seen)
    default = view(as_alice, query=MONTH)
    assert len(default["value"]) == 10 and default["@odata.nextLink"].endswith("$skip=10")
    assert len(view(as_alice, query=MONTH + "&$top=1000")["value"]) == 33


def test_select_filter_orderby_and_prefer(as_alice, alice):
    make_series(as_alice)
    as_alice.post("/me/events", json=event_body("Lunch", "2025-03-20T12:00:00", "2025-03-20T13:00:00", BERLIN))
    body = view(as_alice, query=WINDOW + "&$select=subject,start")
    assert set(body["value"][0]) == {"@odata.etag", "id", "subject", "start"}
    assert body["@odata.context"].endswith(f"users('{alice.id}')/calendarView(subject,start)")
    filtered = view(as_alice, query=WINDOW + "&$filter=subject eq 'lunch'")
    assert [i["subject"] for i in filtered["value"]] == ["Lunch"]
    typed = view(as_alice, query=WINDOW + "&$filter=type eq 'occurrence' and start/dateTime ge '2025-03-30'")
    assert starts(typed) == ["2025-03-31T07:00:00.0000000", "2025-04-07T07:00:00.0000000"]
    desc = view(as_alice, query=WINDOW + "&$orderby=start/dateTime desc")
    assert starts(desc) == sorted(starts(desc), reverse=True) and len(desc["value"]) == 5
    zoned = as_alice.get(f"/me/calendarView?{WINDOW}", headers={"Prefer": 'outlook.timezone="Pacific Standard Time"'})
    assert zoned.headers["Preference-Applied"] == 'outlook.timezone="Pacific Standard Time"'
    assert len(zoned.json()["value"]) == 5  # the window itself stays UTC
    assert zoned.json()["value"][0]["start"] == {"dateTime": "2025-03-17T01:00:00.0000000",
                                                 "timeZone": "Pacific Standard Time"}


def test_occurrences_never_in_events_and_unknown_ids_404(as_alice):
    master = make_series(as_alice)
    first = view(as_alice)["value"][0]
    assert [e["id"] for e in as_alice.get("/me/events?$top=100").json()["value"]] == [master["id"]]
    wrong_day = occurrences.item_id(master["id"], datetime(2025, 3, 18).date())
    assert_error(as_alice.get(f"/me/events/{wrong_day}"), 404, "ErrorItemNotFound")
    unknown = occurrences.item_id("AAMk" + "x" * 60 + "AAA=", datetime(2025, 3, 17).date())
    assert_error(as_alice.get(f"/me/events/{unknown}"), 404, "ErrorItemNotFound")
    other_cal = as_alice.post("/me/calendars", json={"name": "Other"}).json()["id"]
    assert_error(as_alice.get(f"/me/calendars/{other_cal}/events/{first['id']}"), 404, "ErrorItemNotFound")
    assert_error(as_alice.get(f"/me/calendars/{other_cal}/events/{master['id']}/instances?{WINDOW}"),
                 404, "ErrorItemNotFound")


def test_cancelled_and_excepted_occurrences_are_left_out(tenant, as_alice, alice):
    master = make_series(as_alice)
    with tenant.store.unit_of_work(write=True) as uow:  # nothing writes these over HTTP yet
        stored = uow.get_event(alice.id, master["id"])
        uow.update_event(stored.evolve(cancelled_occurrences=(f"OID.{master['id']}.2025-03-24",)))
        uow.add_event(stored.evolve(
            id=tenant.runtime.ids.item(), type="exception", recurrence=None, series_master_id=master["id"],
            subject="Moved", start=When(datetime(2025, 4, 1, 9), BERLIN), end=When(datetime(2025, 4, 1, 10), BERLIN),
            original_start=datetime(2025, 3, 31, 7, tzinfo=UTC), occurrence_id=f"OID.{master['id']}.2025-03-31"))
    body = view(as_alice)
    assert [(i["subject"], i["type"], i["start"]["dateTime"][:10]) for i in body["value"]] == [
        ("Standup", "occurrence", "2025-03-17"), ("Moved", "exception", "2025-04-01"),
        ("Standup", "occurrence", "2025-04-07")]
    assert [i["subject"] for i in view(as_alice, f"/me/events/{master['id']}/instances")["value"]] == \
        ["Standup", "Moved", "Standup"]
    march_31 = occurrences.item_id(master["id"], datetime(2025, 3, 31).date())
    assert as_alice.get(f"/me/events/{march_31}").json()["subject"] == "Moved"
    march_24 = occurrences.item_id(master["id"], datetime(2025, 3, 24).date())
    assert_error(as_alice.get(f"/me/events/{march_24}"), 404, "ErrorItemNotFound")
    selected = as_alice.get(f"/me/events/{master['id']}?$select=cancelledOccurrences").json()
    assert selected["cancelledOccurrences"] == [f"OID.{master['id']}.2025-03-24"]
    assert "cancelledOccurrences" not in as_alice.get(f"/me/events/{master['id']}").json()


@pytest.mark.parametrize("query", ["", "startDateTime=2025-03-17T00:00:00Z", "endDateTime=2025-03-17T00:00:00Z",
                                   "startDateTime=&endDateTime=2025-03-17T00:00:00Z"])
def test_missing_window_is_invalid_parameter(as_alice, query):
    master = make_series(as_alice)
    for path in ("/me/calendarView", "/beta/me/calendar/calendarView", f"/me/events/{master['id']}/instances"):
        assert_error(as_alice.get(f"{path}?{query}"), 400, "ErrorInvalidParameter", NO_WINDOW)


def test_bad_and_too_long_windows(as_alice):
    bad = as_alice.get("/me/calendarView?startDateTime=yesterday&endDateTime=2025-03-17T00:00:00Z")
    assert_error(bad, 400, "ErrorInvalidParameter")
    too_long = "startDateTime=2020-01-01T00:00:00Z&endDateTime=2025-01-01T00:00:01Z"
    assert_error(as_alice.get(f"/me/calendarView?{too_long}"), 400, "ErrorInvalidRequest")
    longest = "startDateTime=2020-01-01T00:00:00Z&endDateTime=2024-12-30T00:00:00Z"  # 1825 days
    assert as_alice.get(f"/me/calendarView?{longest}").status_code == 200
    assert_error(as_alice.get(f"/me/calendarView?{WINDOW}&$orderby=categories"), 400, "BadRequest")
    assert_error(as_alice.get(f"/me/calendarView?{WINDOW}&$select=nope"), 400, "RequestBroker--ParseUri")


@pytest.mark.parametrize("recurrence,code", [
    ({"pattern": {"type": "weekly", "interval": 1}, "range": {"type": "noEnd", "startDate": "2025-03-17"}},
     "ErrorCalendarInvalidRecurrence"),
    ({"pattern": {"type": "hourly", "interval": 1}, "range": {"type": "noEnd", "startDate": "2025-03-17"}},
     "ErrorInvalidParameter"),
    (weekly(start_date="2025-03-18"), "ErrorCalendarInvalidRecurrence"),
    (weekly(["sunday"], type="endDate", endDate="2025-03-22"), "ErrorRecurrenceHasNoOccurrence"),
    (weekly(recurrenceTimeZone="Mars/Olympus"), "TimeZoneNotSupportedException"),
    ({"pattern": {"type": "daily", "interval": 1}}, "ErrorCalendarInvalidRecurrence"),
    ("weekly", "ErrorInvalidParameter"),
])
def test_invalid_recurrence_is_400_on_create_and_patch(as_alice, recurrence, code):
    body = event_body("Bad", "2025-03-17T09:00:00", "2025-03-17T09:30:00", BERLIN, recurrence=recurrence)
    assert_error(as_alice.post("/me/events", json=body), 400, code)
    single = as_alice.post("/me/events", json=event_body("S", "2025-03-17T09:00:00", "2025-03-17T09:30:00", BERLIN))
    assert_error(as_alice.patch(f"/me/events/{single.json()['id']}", json={"recurrence": recurrence}), 400, code)
    assert as_alice.get(f"/me/events/{single.json()['id']}").json()["type"] == "singleInstance"


def test_patch_adds_moves_and_removes_a_recurrence(as_alice):
    single = as_alice.post("/me/events", json=event_body("S", "2025-03-17T09:00:00", "2025-03-17T09:30:00", BERLIN))
    eid = single.json()["id"]
    patched = as_alice.patch(f"/me/events/{eid}", json={"recurrence": weekly(["MONDAY"])}).json()
    assert patched["type"] == "seriesMaster" and patched["recurrence"]["pattern"]["daysOfWeek"] == ["monday"]
    assert patched["recurrence"]["range"]["endDate"] == "0001-01-01"
    moved = as_alice.patch(f"/me/events/{eid}", json={
        "start": {"dateTime": "2025-03-24T09:00:00", "timeZone": BERLIN},
        "end": {"dateTime": "2025-03-24T09:30:00", "timeZone": BERLIN}})
    assert moved.status_code == 200, moved.text
    assert moved.json()["recurrence"]["range"]["startDate"] == "2025-03-24"
    assert starts(view(as_alice))[0] == "2025-03-24T08:00:00.0000000"
    cleared = as_alice.patch(f"/me/events/{eid}", json={"recurrence": None}).json()
    assert cleared["type"] == "singleInstance" and cleared["recurrence"] is None
    assert [i["type"] for i in view(as_alice)["value"]] == ["singleInstance"]


def test_a_series_another_process_rewrote_is_viewed_as_it_is_now(tenant, as_alice, alice):
    """The view reads a series by its rows' versions: a master written elsewhere (here by SQL, as another
    server process over the same database would look from this one) is read again, never served stale."""
    master_id = make_series(as_alice)["id"]
    assert {item["subject"] for item in view(as_alice)["value"]} == {"Standup"}
    with tenant.store.unit_of_work() as uow:
        master = uow.get_event(alice.id, master_id)
    renamed = dataclasses.replace(master, subject="Renamed elsewhere", change_key="ck-elsewhere")
    write_behind(tenant.store, renamed, codec.new_version())
    assert {item["subject"] for item in view(as_alice)["value"]} == {"Renamed elsewhere"}
