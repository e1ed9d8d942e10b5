"""Writes on one occurrence of a series over HTTP: PATCH makes an exception, DELETE cancels it, the
master lists both, and a change of the series' pattern or time rebuilds the occurrences."""

from __future__ import annotations

from typing import Any

from tests.http.conftest import assert_error
from tests.http.test_calendar_view import BERLIN, make_series, view, weekly


def berlin(date_time: str) -> dict[str, str]:
    return {"dateTime": date_time, "timeZone": BERLIN}


def occurrences(api, path: str = "/me/calendarView") -> list[dict[str, Any]]:
    return view(api, path)["value"]


def by_day(items: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Items by the date of their original start (UTC)."""
    return {i["originalStart"][:10]: i for i in items}


def patch(api, event_id: str, body: dict[str, Any], **kw: Any):
    return api.patch(f"/me/events/{event_id}", json=body, **kw)


def master_with(api, master_id: str, query: str) -> dict[str, Any]:
    r = api.get(f"/me/events/{master_id}?{query}")
    assert r.status_code == 200, r.text
    return r.json()


def test_patch_of_an_occurrence_stores_an_exception_with_the_same_id(as_alice):
    master = make_series(as_alice)
    second = by_day(occurrences(as_alice))["2025-03-24"]
    r = patch(as_alice, second["id"], {"subject": "Moved standup", "start": berlin("2025-03-25T10:00:00"),
                                       "end": berlin("2025-03-25T10:30:00")})
    assert r.status_code == 200, r.text
    exception = r.json()
    assert exception["id"] == second["id"]
    assert exception["type"] == "exception"
    assert exception["seriesMasterId"] == master["id"]
    assert exception["originalStart"] == second["originalStart"] == "2025-03-24T08:00:00Z"
    assert exception["iCalUId"] == second["iCalUId"] != master["iCalUId"]
    assert exception["recurrence"] is None
    assert exception["start"] == {"dateTime": "2025-03-25T09:00:00.0000000", "timeZone": "UTC"}

    items = occurrences(as_alice)
    assert [(i["subject"], i["type"]) for i in items] == [
        ("Standup", "occurrence"), ("Moved standup", "exception"), ("Standup", "occurrence"),
        ("Standup", "occurrence")]
    assert [i["id"] for i in items].count(second["id"]) == 1
    got = as_alice.get(f"/me/events/{second['id']}").json()
    assert got["type"] == "exception" and got["subject"] == "Moved standup"
    instances = as_alice.get(f"/me/events/{master['id']}/instances?startDateTime=2025-03-17T00:00:00Z"
                             "&endDateTime=2025-04-08T00:00:00Z").json()["value"]
    assert sorted(i["type"] for i in instances) == ["exception", "occurrence", "occurrence", "occurrence"]
    assert [e["subject"] for e in occurrences(as_alice, "/me/events")] == ["Standup"]  # lists show masters only

    again = patch(as_alice, second["id"], {"subject": "Again"}).json()
    assert again["id"] == second["id"] and again["type"] == "exception"
    assert again["start"] == exception["start"] and again["changeKey"] != exception["changeKey"]
    assert by_day(occurrences(as_alice))["2025-03-24"]["subject"] == "Again"


def test_exception_occurrences_on_the_master(as_alice):
    master = make_series(as_alice)
    first = by_day(occurrences(as_alice))["2025-03-17"]
    patch(as_alice, first["id"], {"subject": "Kick-off"})
    expanded = master_with(as_alice, master["id"], "$expand=exceptionOccurrences")
    assert [e["subject"] for e in expanded["exceptionOccurrences"]] == ["Kick-off"]
    assert expanded["exceptionOccurrences"][0]["id"] == first["id"]
    assert expanded["exceptionOccurrences"][0]["type"] == "exception"
    assert expanded["subject"] == "Standup"
    selected = master_with(as_alice, master["id"], "$select=subject,exceptionOccurrences")
    assert set(selected) >= {"id", "subject", "exceptionOccurrences"} and "start" not in selected
    assert [e["id"] for e in selected["exceptionOccurrences"]] == [first["id"]]
    assert "exceptionOccurrences" not in as_alice.get(f"/me/events/{master['id']}").json()
    assert master_with(as_alice, first["id"], "$expand=exceptionOccurrences")["exceptionOccurrences"] == []


def test_moving_over_a_neighbour_is_crossing_the_boundary(as_alice):
    make_series(as_alice)
    second = by_day(occurrences(as_alice))["2025-03-24"]
    for start, end in (("2025-03-31T09:00:00", "2025-03-31T09:30:00"),     # onto the next one's day
                       ("2025-03-17T12:00:00", "2025-03-17T12:30:00"),     # onto the previous one's day
                       ("2025-04-02T09:00:00", "2025-04-02T09:30:00")):    # past the next one
        r = patch(as_alice, second["id"], {"start": berlin(start), "end": berlin(end)})
        assert_error(r, 400, "ErrorOccurrenceCrossingBoundary",
                     "Modified occurrence is crossing or overlapping adjacent occurrence.")
    assert by_day(occurrences(as_alice))["2025-03-24"]["type"] == "occurrence"
    assert patch(as_alice, second["id"], {"start": berlin("2025-03-30T09:00:00"),
                                          "end": berlin("2025-03-30T09:30:00")}).status_code == 200


def test_a_moved_neighbour_bounds_where_it_was_moved_to(as_alice):
    make_series(as_alice)
    days = by_day(occurrences(as_alice))
    assert patch(as_alice, days["2025-03-31"]["id"], {"start": berlin("2025-03-26T09:00:00"),
                                                      "end": berlin("2025-03-26T09:30:00")}).status_code == 200
    r = patch(as_alice, days["2025-03-24"]["id"], {"start": berlin("2025-03-27T09:00:00"),
                                                   "end": berlin("2025-03-27T09:30:00")})
    assert_error(r, 400, "ErrorOccurrenceCrossingBoundary")
    assert patch(as_alice, days["2025-03-24"]["id"], {"start": berlin("2025-03-25T09:00:00"),
                                                      "end": berlin("2025-03-25T09:30:00")}).status_code == 200


def test_recurrence_cannot_be_set_on_an_occurrence(as_alice):
    make_series(as_alice)
    second = by_day(occurrences(as_alice))["2025-03-24"]
    assert_error(patch(as_alice, second["id"], {"recurrence": weekly()}), 400, "ErrorInvalidRequest")


def test_delete_of_an_occurrence_cancels_it(as_alice):
    master = make_series(as_alice)
    days = by_day(occurrences(as_alice))
    assert as_alice.delete(f"/me/events/{days['2025-03-24']['id']}").status_code == 204
    assert sorted(by_day(occurrences(as_alice))) == ["2025-03-17", "2025-03-31", "2025-04-07"]
    assert_error(as_alice.get(f"/me/events/{days['2025-03-24']['id']}"), 404, "ErrorItemNotFound")
    assert_error(as_alice.delete(f"/me/events/{days['2025-03-24']['id']}"), 404, "ErrorItemNotFound")
    cancelled = master_with(as_alice, master["id"], "$select=cancelledOccurrences")["cancelledOccurrences"]
    assert cancelled == [f"OID.{master['id']}.2025-03-24"]

    patch(as_alice, days["2025-03-31"]["id"], {"subject": "Exception"})  # deleting an exception too
    assert as_alice.delete(f"/me/events/{days['2025-03-31']['id']}").status_code == 204
    assert sorted(by_day(occurrences(as_alice))) == ["2025-03-17", "2025-04-07"]
    master_now = master_with(as_alice, master["id"], "$select=cancelledOccurrences&$expand=exceptionOccurrences")
    assert master_now["cancelledOccurrences"] == [f"OID.{master['id']}.2025-03-24",
                                                  f"OID.{master['id']}.2025-03-31"]
    assert master_now["exceptionOccurrences"] == []
    instances = as_alice.get(f"/me/events/{master['id']}/instances?startDateTime=2025-03-17T00:00:00Z"
                             "&endDateTime=2025-04-08T00:00:00Z").json()["value"]
    assert len(instances) == 2
    assert_error(patch(as_alice, days["2025-03-24"]["id"], {"subject": "x"}), 404, "ErrorItemNotFound")


def test_if_match_on_occurrences(as_alice):
    make_series(as_alice)
    second = by_day(occurrences(as_alice))["2025-03-24"]
    stale = 'W/"AAAAstale"'
    assert_error(patch(as_alice, second["id"], {"subject": "x"}, headers={"If-Match": stale}),
                 412, "ErrorIrresolvableConflict")
    r = patch(as_alice, second["id"], {"subject": "x"}, headers={"If-Match": second["@odata.etag"]})
    assert r.status_code == 200, r.text
    assert_error(patch(as_alice, second["id"], {"subject": "y"}, headers={"If-Match": second["@odata.etag"]}),
                 412, "ErrorIrresolvableConflict")
    assert_error(as_alice.delete(f"/me/events/{second['id']}", headers={"If-Match": second["@odata.etag"]}),
                 412, "ErrorIrresolvableConflict")
    r = as_alice.delete(f"/me/events/{second['id']}", headers={"If-Match": r.json()["@odata.etag"]})
    assert r.status_code == 204


def test_a_new_pattern_or_time_drops_exceptions_and_cancellations(as_alice):
    master = make_series(as_alice)
    days = by_day(occurrences(as_alice))
    patch(as_alice, days["2025-03-17"]["id"], {"subject": "Kick-off"})
    as_alice.delete(f"/me/events/{days['2025-03-24']['id']}")
    r = patch(as_alice, master["id"], {"subject": "Renamed"})  # neither pattern nor time: both stay
    assert r.status_code == 200
    assert sorted(by_day(occurrences(as_alice))) == ["2025-03-17", "2025-03-31", "2025-04-07"]
    assert by_day(occurrences(as_alice))["2025-03-17"]["subject"] == "Kick-off"

    r = patch(as_alice, master["id"], {"recurrence": weekly(["monday", "wednesday"])})
    assert r.status_code == 200, r.text
    items = occurrences(as_alice)
    assert len(items) == 7 and {i["type"] for i in items} == {"occurrence"}
    assert {i["subject"] for i in items} == {"Renamed"}
    again = master_with(as_alice, master["id"], "$select=cancelledOccurrences&$expand=exceptionOccurrences")
    assert again["cancelledOccurrences"] == [] and again["exceptionOccurrences"] == []

    as_alice.delete(f"/me/events/{days['2025-03-31']['id']}")
    r = patch(as_alice, master["id"], {"start": berlin("2025-03-17T11:00:00"), "end": berlin("2025-03-17T11:30:00")})
    assert r.status_code == 200, r.text
    assert len(occurrences(as_alice)) == 7
    assert master_with(as_alice, master["id"], "$select=cancelledOccurrences")["cancelledOccurrences"] == []


def test_deleting_the_master_removes_its_exceptions(as_alice):
    master = make_series(as_alice)
    first = by_day(occurrences(as_alice))["2025-03-17"]
    patch(as_alice, first["id"], {"subject": "Kick-off"})
    assert as_alice.delete(f"/me/events/{master['id']}").status_code == 204
    assert occurrences(as_alice) == []
    assert_error(as_alice.get(f"/me/events/{first['id']}"), 404, "ErrorItemNotFound")


def test_reminder_actions_on_an_occurrence(as_alice):
    make_series(as_alice)
    days = by_day(occurrences(as_alice))
    r = as_alice.post(f"/me/events/{days['2025-03-24']['id']}/dismissReminder")
    assert r.status_code == 200, r.text
    assert as_alice.get(f"/me/events/{days['2025-03-24']['id']}").json()["type"] == "exception"
    r = as_alice.post(f"/me/events/{days['2025-03-31']['id']}/snoozeReminder",
                      json={"newReminderTime": berlin("2025-03-31T08:55:00")})
    assert r.status_code == 200, r.text
    assert [i["type"] for i in occurrences(as_alice)] == ["occurrence", "exception", "exception", "occurrence"]
