"""calendarView and instances over HTTP: every container form, expansion, ordering, windows, paging, options."""

from __future__ import annotations

from typing import Any

import pytest

from tests.http.conftest import event_body

BERLIN = "W. Europe Standard Time"
WINDOW = "startDateTime=2025-03-17T00:00:00Z&endDateTime=2025-04-08T00:00:00Z"


def weekly(days: list[str] | None = None, start_date: str = "2025-03-17", **range_: Any) -> dict[str, Any]:
    return {"pattern": {"type": "weekly", "interval": 1, "daysOfWeek": days or ["monday"]},
            "range": {"type": "noEnd", "startDate": start_date, **range_}}


def make_series(api, path: str = "/me/events", subject: str = "Standup", start: str = "2025-03-17T09:00:00",
                end: str = "2025-03-17T09:30:00", zone: str = BERLIN, recurrence: dict | None = None) -> dict:
    r = api.post(path, json=event_body(subject, start, end, zone, recurrence=recurrence or weekly()))
    assert r.status_code == 201, r.text
    return r.json()


def view(api, path: str = "/me/calendarView", query: str = WINDOW, **kw: Any) -> dict:
    r = api.get(f"{path}?{query}", **kw)
    assert r.status_code == 200, r.text
    return r.json()


def starts(body: dict) -> list[str]:
    return [item["start"]["dateTime"] for item in body["value"]]


def test_every_container_form(tenant, as_alice, alice, bob):
    master = make_series(as_alice)
    as_alice.post("/me/events", json=event_body("Single", "2025-03-20T10:00:00", "2025-03-20T11:00:00", BERLIN))
    cal = as_alice.get("/me/calendar").json()["id"]
    group_id = as_alice.get("/me/calendarGroups").json()["value"][0]["id"]
    forms = ["/me/calendarView", "/me/calendar/calendarView", f"/me/calendars/{cal}/calendarView",
             f"/me/calendarGroups/{group_id}/calendars/{cal}/calendarView", f"/users/{alice.id}/calendarView",
             "/users/alice@contoso.com/calendar/calendarView", f"/ME/CALENDARVIEW"]
    for version in ("v1.0", "beta"):
        for form in forms:
            body = view(as_alice, f"/{version}{form}")
            assert [i["subject"] for i in body["value"]] == ["Standup", "Single", "Standup", "Standup", "Standup"]
            assert body["@odata.context"] == f"http://testserver/{version}/$metadata#users('{alice.id}')/calendarView"
            assert {i["type"] for i in body["value"]} == {"occurrence", "singleInstance"}
            assert all(i["seriesMasterId"] == master["id"] for i in body["value"] if i["type"] == "occurrence")
    group = tenant.group("team@contoso.com", "Team", ["alice@contoso.com"])
    make_series(as_alice, f"/groups/{group.id}/events", subject="Team sync")
    for form in (f"/groups/{group.id}/calendarView", f"/groups/{group.id}/calendar/calendarView"):
        body = view(as_alice, form)
        assert [i["subject"] for i in body["value"]] == ["Team sync"] * 4
        assert body["@odata.context"].endswith(f"groups('{group.id}')/calendarView")
    assert view(tenant.api(bob))["value"] == []


def test_weekly_series_keeps_wall_clock_across_dst(as_alice):
    make_series(as_alice)
    body = view(as_alice)
    assert starts(body) == ["2025-03-17T08:00:00.0000000", "2025-03-24T08:00:00.0000000",
                            "2025-03-31T07:00:00.0000000", "2025-04-07T07:00:00.0000000"]
    assert [i["originalStart"] for i in body["value"]] == [
        "2025-03-17T08:00:00Z", "2025-03-24T08:00:00Z", "2025-03-31T07:00:00Z", "2025-04-07T07:00:00Z"]
    local = view(as_alice, headers={"Prefer": f'outlook.timezone="{BERLIN}"'})
    assert {i["start"]["dateTime"][11:] for i in local["value"]} == {"09:00:00.0000000"}
    assert {i["end"]["timeZone"] for i in local["value"]} == {BERLIN}
    assert all(i["recurrence"] is None and i["type"] == "occurrence" for i in body["value"])


@pytest.mark.parametrize("pattern,query,expected", [
    ({"type": "daily", "interval": 3}, "startDateTime=2025-03-20T00:00:00Z&endDateTime=2025-03-27T00:00:00Z",
     ["2025-03-20", "2025-03-23", "2025-03-26"]),
    ({"type": "absoluteMonthly", "interval": 1, "dayOfMonth": 31},
     "startDateTime=2025-04-01T00:00:00Z&endDateTime=2025-07-01T00:00:00Z", ["2025-04-30", "2025-05-31", "2025-06-30"]),
    ({"type": "relativeMonthly", "interval": 2, "daysOfWeek": ["friday"], "index": "last"},
     "startDateTime=2025-04-01T00:00:00Z&endDateTime=2025-10-01T00:00:00Z", ["2025-05-30", "2025-07-25", "2025-09-26"]),
    ({"type": "absoluteYearly", "interval": 1, "dayOfMonth": 17, "month": 3},
     "startDateTime=2026-01-01T00:00:00Z&endDateTime=2028-01-01T00:00:00Z", ["2026-03-17", "2027-03-17"]),
    ({"type": "relativeYearly", "interval": 1, "daysOfWeek": ["monday"], "index": "first", "month": 9},
     "startDateTime=2025-01-01T00:00:00Z&endDateTime=2027-01-01T00:00:00Z", ["2025-09-01", "2026-09-07"]),
])
def test_pattern_spot_checks(as_alice, pattern, query, expected):
    make_series(as_alice, start="2025-03-17T09:00:00", end="2025-03-17T10:00:00", zone="UTC",
                recurrence={"pattern": pattern, "range": {"type": "noEnd", "startDate": "2025-03-17"}})
    assert [s[:10] for s in starts(view(as_alice, query=query))] == expected


def test_ranges_numbered_and_end_date(as_alice):
    make_series(as_alice, subject="n", recurrence=weekly(type="numbered", numberOfOccurrences=2))
    make_series(as_alice, subject="e", start="2025-03-18T09:00:00", end="2025-03-18T09:30:00",
                recurrence=weekly(["tuesday"], "2025-03-18", type="endDate", endDate="2025-04-01"))
    body = view(as_alice)
    assert [(i["subject"], i["start"]["dateTime"][:10]) for i in body["value"]] == [
        ("n", "2025-03-17"), ("e", "2025-03-18"), ("n", "2025-03-24"), ("e", "2025-03-25"), ("e", "2025-04-01")]


def test_singles_occurrences_and_all_day_ordered_by_start(as_alice):
    make_series(as_alice, start="2025-03-17T09:00:00", end="2025-03-17T09:30:00", zone="UTC",
                recurrence={"pattern": {"type": "daily", "interval": 1},
                            "range": {"type": "numbered", "startDate": "2025-03-17", "numberOfOccurrences": 3}})
    as_alice.post("/me/events", json=event_body("Early", "2025-03-18T08:00:00", "2025-03-18T08:15:00", "UTC"))
    as_alice.post("/me/events", json=event_body("Holiday", "2025-03-18", "2025-03-19", "UTC", isAllDay=True))
    as_alice.post("/me/events", json=event_body("Late", "2025-03-17T22:00:00", "2025-03-17T23:00:00", "UTC"))
    body = view(as_alice, query="startDateTime=2025-03-17T00:00:00&endDateTime=2025-03-20T00:00:00")
    assert [(i["subject"], i["start"]["dateTime"][:16]) for i in body["value"]] == [
        ("Standup", "2025-03-17T09:00"), ("Late", "2025-03-17T22:00"), ("Holiday", "2025-03-18T00:00"),
        ("Early", "2025-03-18T08:00"), ("Standup", "2025-03-18T09:00"), ("Standup", "2025-03-19T09:00")]


def test_window_edges_touching_is_excluded(as_alice):
    as_alice.post("/me/events", json=event_body("A", "2025-03-17T08:00:00", "2025-03-17T09:00:00", "UTC"))
    as_alice.post("/me/events", json=event_body("B", "2025-03-17T10:00:00", "2025-03-17T11:00:00", "UTC"))
    make_series(as_alice, subject="S", start="2025-03-17T09:00:00", end="2025-03-17T10:00:00", zone="UTC")
    edge = "startDateTime=2025-03-17T09:00:00Z&endDateTime=2025-03-17T10:00:00Z"
    assert [i["subject"] for i in view(as_alice, query=edge)["value"]] == ["S"]
    offset = "startDateTime=2025-03-17T10:30:00%2B01:00&endDateTime=2025-03-17T11:00:00%2B01:00"
    assert [i["subject"] for i in view(as_alice, query=offset)["value"]] == ["S"]
    lower = "startdatetime=2025-03-17T09:30:00&ENDDATETIME=2025-03-17T10:30:00"
    assert [i["subject"] for i in view(as_alice, query=lower)["value"]] == ["S", "B"]
    empty = "startDateTime=2025-03-18T00:00:00Z&endDateTime=2025-03-17T00:00:00Z"
    assert view(as_alice, query=empty)["value"] == []


def test_masters_listed_in_events_never_in_view(as_alice):
    master = make_series(as_alice)
    assert master["type"] == "seriesMaster"
    assert master["recurrence"]["range"]["recurrenceTimeZone"] == BERLIN
    listed = as_alice.get("/me/events").json()["value"]
    assert [(e["id"], e["type"]) for e in listed] == [(master["id"], "seriesMaster")]
    assert master["id"] not in {i["id"] for i in view(as_alice)["value"]}


def test_instances_and_get_by_occurrence_id(as_alice, alice):
    master = make_series(as_alice)
    as_alice.post("/me/events", json=event_body("Single", "2025-03-20T10:00:00", "2025-03-20T11:00:00", BERLIN))
    cal = as_alice.get("/me/calendar").json()["id"]
    for form in (f"/me/events/{master['id']}", f"/me/calendar/events/{master['id']}",
                 f"/me/calendars/{cal}/events/{master['id']}", f"/users/{alice.id}/events/{master['id']}"):
        body = view(as_alice, f"{form}/instances")
        assert body["@odata.context"] == \
            f"http://testserver/v1.0/$metadata#users('{alice.id}')/events('{master['id']}')/instances"
        assert [i["subject"] for i in body["value"]] == ["Standup"] * 4
    first = view(as_alice, f"/me/events/{master['id']}/instances")["value"][0]
    for form in (f"/me/events/{first['id']}", f"/me/calendar/events/{first['id']}",
                 f"/me/calendars/{cal}/events/{first['id']}"):
        got = as_alice.get(form)
        assert got.status_code == 200, got.text
        assert got.json()["id"] == first["id"] and got.json()["originalStart"] == "2025-03-17T08:00:00Z"
        assert got.json()["@odata.context"].endswith("/events/$entity")
    assert as_alice.get(f"/me/events/{first['id']}?$select=subject").json()["subject"] == "Standup"
    beta = view(as_alice, f"/beta/me/events/{master['id']}/instances")["value"]
    assert beta[0]["occurrenceId"] == f"OID.{master['id']}.2025-03-17"
    assert {i["uid"] for i in beta} == {master["iCalUId"]}
    assert len({i["iCalUId"] for i in beta}) == 4 and master["iCalUId"] not in {i["iCalUId"] for i in beta}
    assert as_alice.get(f"/beta/me/events/{master['id']}").json()["occurrenceId"] is None
    single = as_alice.get("/me/events").json()["value"][1]
    assert view(as_alice, f"/me/events/{single['id']}/instances")["value"] == []
