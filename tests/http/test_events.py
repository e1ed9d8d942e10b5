"""Events over HTTP: create / get / list / update / delete on every container form."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from tests.http.conftest import assert_error, event_body

SCHEMA = json.loads((Path(__file__).parents[1] / "data" / "graph-event-schema.json").read_text())


def validate(event: dict) -> None:
    jsonschema.validate(event, SCHEMA)


def test_create_returns_full_event(as_alice, alice):
    r = as_alice.post("/me/events", json=event_body(
        body={"contentType": "text", "content": "Does noon work for you?"},
        location={"displayName": "Harry's Bar"},
        attendees=[{"emailAddress": {"address": "AdeleV@contoso.com", "name": "Adele Vance"}, "type": "required"}],
    ))
    assert r.status_code == 201, r.text
    assert r.headers["content-type"].startswith("application/json")
    ev = r.json()
    validate(ev)
    assert ev["@odata.context"] == f"http://testserver/v1.0/$metadata#users('{alice.id}')/events/$entity"
    assert ev["@odata.etag"] == f'W/"{ev["changeKey"]}"'
    assert ev["subject"] == "Lunch"
    assert ev["originalStartTimeZone"] == "Pacific Standard Time"
    assert ev["start"] == {"dateTime": "2025-01-15T20:00:00.0000000", "timeZone": "UTC"}
    assert ev["end"] == {"dateTime": "2025-01-15T21:00:00.0000000", "timeZone": "UTC"}
    assert ev["body"]["contentType"] == "html" and "Does noon work for you?" in ev["body"]["content"]
    assert ev["bodyPreview"] == "Does noon work for you?"
    assert ev["location"] == {"displayName": "Harry's Bar", "locationType": "default",
                              "uniqueId": "Harry's Bar", "uniqueIdType": "private"}
    assert ev["locations"] == [ev["location"]]
    assert ev["attendees"] == [{"type": "required", "status": {"response": "none", "time": "0001-01-01T00:00:00Z"},
                                "emailAddress": {"name": "Adele Vance", "address": "AdeleV@contoso.com"}}]
    assert ev["organizer"] == {"emailAddress": {"name": "Alice Adams", "address": "alice@contoso.com"}}
    assert ev["isOrganizer"] is True and ev["type"] == "singleInstance" and ev["showAs"] == "busy"
    assert ev["responseStatus"] == {"response": "organizer", "time": "0001-01-01T00:00:00Z"}
    assert ev["iCalUId"].startswith("040000008200E00074C5B7101A82E008")
    assert ev["createdDateTime"].endswith("Z")
    assert ev["webLink"].startswith("https://outlook.office365.com/owa/?itemid=")


def test_every_container_form_lists_gets_updates_deletes(as_alice):
    cal = as_alice.get("/me/calendar").json()
    group = as_alice.get("/me/calendarGroups").json()["value"][0]
    created = as_alice.post(f"/me/calendars/{cal['id']}/events", json=event_body()).json()
    eid = created["id"]
    forms = [
        "/me/events", "/me/calendar/events", f"/me/calendars/{cal['id']}/events",
        f"/me/calendarGroups/{group['id']}/calendars/{cal['id']}/events",
        f"/me/calendargroups/{group['id']}/calendars/{cal['id']}/events",
        f"/beta/me/calendargroup/calendars/{cal['id']}/events",
        "/users/alice@contoso.com/events", "/users/ALICE%40contoso.com/calendar/events",
    ]
    for form in forms:
        listed = as_alice.get(form)
        assert listed.status_code == 200, (form, listed.text)
        assert [e["id"] for e in listed.json()["value"]] == [eid], form
        got = as_alice.get(f"{form}/{eid}")
        assert got.status_code == 200 and got.json()["id"] == eid, form
        patched = as_alice.patch(f"{form}/{eid}", json={"subject": form})
        assert patched.status_code == 200 and patched.json()["subject"] == form
        assert patched.json()["changeKey"] != got.json()["changeKey"]
    assert as_alice.delete(f"{forms[3]}/{eid}").status_code == 204
    assert_error(as_alice.get(f"/me/events/{eid}"), 404, "ErrorItemNotFound",
                 "The specified object was not found in the store.")
    assert_error(as_alice.delete(f"/me/events/{eid}"), 404, "ErrorItemNotFound")


def test_lower_case_path_segments(as_alice):
    eid = as_alice.post("/me/events", json=event_body()).json()["id"]
    assert as_alice.get(f"/V1.0/ME/EVENTS/{eid}").json()["id"] == eid


def test_event_in_another_calendar_is_not_under_a_different_calendar_route(as_alice):
    other = as_alice.post("/me/calendars", json={"name": "Side"}).json()
    eid = as_alice.post(f"/me/calendars/{other['id']}/events", json=event_body()).json()["id"]
    assert as_alice.get(f"/me/events/{eid}").status_code == 200       # any calendar of the mailbox
    assert as_alice.get("/me/events").json()["value"] == []           # lists: default calendar only
    assert_error(as_alice.get(f"/me/calendar/events/{eid}"), 404, "ErrorItemNotFound")


def test_patch_ignores_read_only_and_annotations_and_keeps_the_rest(as_alice):
    ev = as_alice.post("/me/events", json=event_body(importance="HIGH")).json()
    resent = dict(ev, subject="Changed", isOrganizer=False, type="exception", snake_case_key=None)
    r = as_alice.patch(f"/me/events/{ev['id']}", json=resent)
    assert r.status_code == 200, r.text
    out = r.json()
    assert out["subject"] == "Changed" and out["isOrganizer"] is True and out["type"] == "singleInstance"
    assert out["importance"] == "high" and out["start"] == ev["start"]
    assert out["createdDateTime"] == ev["createdDateTime"]


def test_property_names_are_case_insensitive(as_alice):
    r = as_alice.post("/me/events", json={
        "Subject": "Caps", "Start": {"DateTime": "2025-03-01T10:00", "TimeZone": "Europe/Berlin"},
        "END": {"dateTime": "2025-03-01T11:00:00.0000000", "timeZone": "Europe/Berlin"}, "ShowAs": "Free",
    })
    assert r.status_code == 201, r.text
    ev = r.json()
    assert ev["subject"] == "Caps" and ev["showAs"] == "free"
    assert ev["start"]["dateTime"] == "2025-03-01T09:00:00.0000000"
    assert ev["originalStartTimeZone"] == "Europe/Berlin"


def test_prefer_timezone_and_body_type(as_alice):
    ev = as_alice.post("/me/events", json=event_body(body={"contentType": "html", "content": "<p>Hi <b>there</b></p>"})).json()
    r = as_alice.get(f"/me/events/{ev['id']}", headers={
        "Prefer": 'outlook.timezone="Pacific Standard Time", outlook.body-content-type="text"'})
    assert r.status_code == 200
    out = r.json()
    assert out["start"] == {"dateTime": "2025-01-15T12:00:00.0000000", "timeZone": "Pacific Standard Time"}
    assert out["body"]["contentType"] == "text" and out["body"]["content"].strip() == "Hi there"
    applied = r.headers["Preference-Applied"]
    assert 'outlook.timezone="Pacific Standard Time"' in applied and "outlook.body-content-type" in applied
    iana = as_alice.get(f"/me/events/{ev['id']}", headers={"Prefer": 'outlook.timezone="Asia/Kolkata"'}).json()
    assert iana["start"] == {"dateTime": "2025-01-16T01:30:00.0000000", "timeZone": "Asia/Kolkata"}


def test_bogus_time_zones(as_alice):
    assert_error(as_alice.get("/me/events", headers={"Prefer": 'outlook.timezone="Mars/Olympus"'}), 400,
                 "TimeZoneNotSupportedException",
                 "A valid TimeZone value must be specified. The following TimeZone value is not supported: "
                 "'Mars/Olympus'.")
    assert_error(as_alice.post("/me/events", json=event_body(zone="Greenwich Mean Time")), 400,
                 "TimeZoneNotSupportedException")


def test_all_day_events(as_alice):
    r = as_alice.post("/me/events", json=event_body(start="2025-11-11", end="2025-11-12", isAllDay=True,
                                                     zone="Pacific Standard Time"))
    assert r.status_code == 201, r.text
    ev = r.json()
    assert ev["isAllDay"] is True
    assert ev["start"] == {"dateTime": "2025-11-11T00:00:00.0000000", "timeZone": "UTC"}
    assert ev["end"] == {"dateTime": "2025-11-12T00:00:00.0000000", "timeZone": "UTC"}
    assert as_alice.post("/me/events", json=event_body(start="2025-11-11T10:00:00", end="2025-11-12T10:00:00",
                                                       isAllDay=True)).status_code == 400
    assert_error(as_alice.post("/me/events", json=event_body(start="2025-11-11", end="2025-11-11",
                                                             isAllDay=True)), 400, "ErrorInvalidRequest")


def test_invalid_bodies(as_alice):
    assert_error(as_alice.post("/me/events", content=b""), 400, "BadRequest", "Empty Payload. JSON content expected.")
    assert_error(as_alice.post("/me/events", content=b"{not json"), 400, "BadRequest")
    assert_error(as_alice.post("/me/events", content=b"[1,2]"), 400, "BadRequest")
    assert_error(as_alice.post("/me/events", json=event_body(showAs="sleeping")), 400, "RequestBodyRead")
    assert_error(as_alice.post("/me/events", json=event_body(isAllDay="notabool")), 400, "RequestBodyRead")
    assert_error(as_alice.post("/me/events", json=event_body(start="yesterday")), 400, "RequestBodyRead")
    assert_error(as_alice.post("/me/events", json={"subject": "no times"}), 400, "ErrorInvalidRequest")
    assert_error(as_alice.post("/me/events", json=event_body(start="2025-01-15T14:00:00")), 400,
                 "ErrorCalendarEndDateIsEarlierThanStartDate")
    assert_error(as_alice.post("/me/events", json=event_body(attendees=[{"emailAddress": {"name": "x"}}])),
                 400, "RequestBodyRead")


def test_malformed_and_unknown_ids(as_alice):
    assert_error(as_alice.get("/me/events/not-an-id"), 400, "ErrorInvalidIdMalformed", "Id is malformed.")
    assert_error(as_alice.get("/me/events/AAMk" + "A" * 60 + "AAA="), 404, "ErrorItemNotFound")
    assert_error(as_alice.get("/me/calendars/bad/events"), 400, "ErrorInvalidIdMalformed")


def test_stale_if_match_is_412(as_alice):
    ev = as_alice.post("/me/events", json=event_body()).json()
    fresh = as_alice.patch(f"/me/events/{ev['id']}", json={"subject": "v2"},
                           headers={"If-Match": ev["@odata.etag"]})
    assert fresh.status_code == 200
    assert_error(as_alice.patch(f"/me/events/{ev['id']}", json={"subject": "v3"},
                                headers={"If-Match": ev["@odata.etag"]}), 412, "ErrorIrresolvableConflict")
    assert_error(as_alice.delete(f"/me/events/{ev['id']}", headers={"If-Match": ev["@odata.etag"]}),
                 412, "ErrorIrresolvableConflict")
    assert as_alice.delete(f"/me/events/{ev['id']}", headers={"If-Match": fresh.json()["@odata.etag"]}).status_code == 204


def test_transaction_id_is_idempotent(as_alice):
    first = as_alice.post("/me/events", json=event_body(transactionId="7E16-3156"))
    again = as_alice.post("/me/events", json=event_body(transactionId="7E16-3156"))
    assert first.json()["id"] == again.json()["id"]
    assert first.json()["transactionId"] == "7E16-3156"
    assert len(as_alice.get("/me/events").json()["value"]) == 1


def test_location_and_locations(as_alice):
    ev = as_alice.post("/me/events", json=event_body(locations=[{"displayName": "A"}, {"displayName": "B"}])).json()
    assert ev["location"]["displayName"] == "A; B" and [l["displayName"] for l in ev["locations"]] == ["A", "B"]
    ev = as_alice.patch(f"/me/events/{ev['id']}", json={"location": {"displayName": "C"}}).json()
    assert [l["displayName"] for l in ev["locations"]] == ["C"]
    ev = as_alice.patch(f"/me/events/{ev['id']}", json={"location": None}).json()
    assert ev["locations"] == [] and ev["location"]["displayName"] == ""


def test_online_meeting(as_alice):
    ev = as_alice.post("/me/events", json=event_body(isOnlineMeeting=True)).json()
    assert ev["onlineMeetingProvider"] == "teamsForBusiness"
    assert ev["onlineMeeting"]["joinUrl"].startswith("http")


def test_beta_adds_uid_and_occurrence_id(as_alice):
    ev = as_alice.post("/beta/me/events", json=event_body()).json()
    assert ev["uid"] == ev["iCalUId"] and ev["occurrenceId"] is None
    assert "uid" not in as_alice.get(f"/me/events/{ev['id']}").json()


def test_group_calendar_events(tenant, alice, bob):
    group = tenant.group("team@contoso.com", "Team", [alice.address])
    as_alice, as_bob = tenant.api(alice), tenant.api(bob)
    r = as_alice.post(f"/groups/{group.id}/events", json=event_body())
    assert r.status_code == 201, r.text
    ev = r.json()
    assert ev["organizer"]["emailAddress"]["address"] == "team@contoso.com"
    assert ev["@odata.context"].endswith(f"groups('{group.id}')/events/$entity")
    assert [e["id"] for e in as_alice.get(f"/groups/{group.id}/calendar/events").json()["value"]] == [ev["id"]]
    assert_error(as_bob.get(f"/groups/{group.id}/events"), 403, "ErrorAccessDenied")
    assert tenant.app_api().get(f"/groups/{group.id}/events/{ev['id']}").status_code == 200
    assert as_alice.delete(f"/groups/{group.id}/calendar/events/{ev['id']}").status_code == 204
