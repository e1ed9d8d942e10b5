"""Occurrence ids (`OID.{seriesMasterId}.{yyyy-MM-dd}`, spec §1.1, decision 25) in a path: they name the
occurrence (or the exception that replaced it) for GET, PATCH, DELETE, the actions and every route form;
a well-formed one naming no occurrence is 404, a malformed one 400."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.http.conftest import assert_error
from tests.http.test_calendar_view import make_series
from tests.http.test_meeting_invitations import BOB, messages, of_type, only
from tests.http.test_series_meetings import cancelled_occurrences, master_of, post, series_meeting, view


def oid(master_id: str, day: str) -> str:
    return f"OID.{master_id}.{day}"


def test_get_by_occurrence_id_is_the_occurrence(as_alice, tenant, alice):
    master = make_series(as_alice)
    occurrence = view(as_alice)["2025-03-24"]
    r = as_alice.get(f"/me/events/{oid(master['id'], '2025-03-24')}")
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["id"] == occurrence["id"] and got["type"] == "occurrence"
    assert got["seriesMasterId"] == master["id"] and got["originalStart"] == "2025-03-24T08:00:00Z"

    beta = tenant.api(alice, version="beta")
    by_oid = beta.get(f"/me/events/{oid(master['id'], '2025-03-24')}").json()
    assert by_oid["occurrenceId"] == oid(master["id"], "2025-03-24")
    assert beta.get(f"/me/events/{by_oid['occurrenceId']}").json()["id"] == occurrence["id"]


@pytest.mark.parametrize("prefix", ["/me/events", "/me/calendar/events", "/users/alice@contoso.com/events"])
def test_every_route_form_and_percent_encoding(as_alice, prefix):
    master = make_series(as_alice)
    occurrence = view(as_alice)["2025-03-31"]
    for given in (oid(master["id"], "2025-03-31"), quote(oid(master["id"], "2025-03-31"), safe=""),
                  "OID." + quote(master["id"], safe="") + ".2025-03-31"):
        r = as_alice.get(f"{prefix}/{given}")
        assert r.status_code == 200, (given, r.text)
        assert r.json()["id"] == occurrence["id"]


def test_patch_delete_and_reminders_by_occurrence_id(as_alice):
    master = make_series(as_alice)
    days = view(as_alice)
    second = oid(master["id"], "2025-03-24")
    r = as_alice.patch(f"/me/events/{second}", json={"subject": "Kick-off"})
    assert r.status_code == 200, r.text
    assert r.json()["type"] == "exception" and r.json()["id"] == days["2025-03-24"]["id"]
    got = as_alice.get(f"/me/events/{second}").json()  # the OID now names the exception
    assert got["type"] == "exception" and got["subject"] == "Kick-off"
    assert as_alice.patch(f"/me/events/{second}", json={"subject": "Again"}).json()["subject"] == "Again"

    # moved to another day, the exception is still named by its original date
    r = as_alice.patch(f"/me/events/{second}", json={
        "start": {"dateTime": "2025-03-25T09:00:00", "timeZone": "W. Europe Standard Time"},
        "end": {"dateTime": "2025-03-25T09:30:00", "timeZone": "W. Europe Standard Time"}})
    assert r.status_code == 200, r.text
    assert as_alice.get(f"/me/events/{second}").json()["start"]["dateTime"].startswith("2025-03-25T08:00")

    third = oid(master["id"], "2025-03-31")
    assert as_alice.post(f"/me/events/{third}/dismissReminder").status_code == 200
    assert as_alice.get(f"/me/events/{third}").json()["type"] == "exception"

    assert as_alice.delete(f"/me/events/{second}").status_code == 204
    assert cancelled_occurrences(as_alice, master["id"]) == [second]
    assert_error(as_alice.get(f"/me/events/{second}"), 404, "ErrorItemNotFound")  # cancelled: gone
    assert_error(as_alice.delete(f"/me/events/{second}"), 404, "ErrorItemNotFound")
    assert sorted(view(as_alice)) == ["2025-03-17", "2025-03-31", "2025-04-07"]


def test_actions_by_occurrence_id(as_alice, as_bob):
    meeting = series_meeting(as_alice, [BOB])
    copy = master_of(as_bob, meeting["iCalUId"])
    r = post(as_bob, oid(copy["id"], "2025-03-24"), "accept", sendResponse=True)
    assert r.status_code == 202, r.text
    assert view(as_bob)["2025-03-24"]["responseStatus"]["response"] == "accepted"
    assert view(as_bob)["2025-03-31"]["responseStatus"]["response"] == "notResponded"
    # the organizer's id is not the attendee's: an OID names the series of the mailbox it is used in
    assert_error(post(as_bob, oid(meeting["id"], "2025-03-31"), "accept"), 404, "ErrorItemNotFound")

    r = post(as_alice, oid(meeting["id"], "2025-03-31"), "cancel", comment="Holiday")
    assert r.status_code == 202, r.text
    assert cancelled_occurrences(as_bob, copy["id"]) == [oid(copy["id"], "2025-03-31")]
    assert only(of_type(messages(as_bob), "eventMessage"))["subject"] == "Canceled: Standup"
    assert_error(post(as_bob, oid(copy["id"], "2025-03-31"), "accept"), 404, "ErrorItemNotFound")


def test_no_such_occurrence_is_not_found(as_alice):
    master = make_series(as_alice)
    single = as_alice.post("/me/events", json={
        "subject": "Once", "start": {"dateTime": "2025-03-18T09:00:00", "timeZone": "UTC"},
        "end": {"dateTime": "2025-03-18T10:00:00", "timeZone": "UTC"}}).json()
    unknown = master["id"][:-8] + "AAAAAAA="
    for given in (oid(master["id"], "2025-03-25"),    # a Tuesday: not an occurrence of a Monday series
                  oid(master["id"], "2025-03-10"),    # before the series starts
                  oid(single["id"], "2025-03-18"),    # not a series
                  oid(unknown, "2025-03-24")):        # no such master
        for method in ("GET", "DELETE"):
            assert_error(as_alice.request(method, f"/me/events/{given}"), 404, "ErrorItemNotFound")
        assert_error(as_alice.patch(f"/me/events/{given}", json={"subject": "x"}), 404, "ErrorItemNotFound")
        assert_error(post(as_alice, given, "cancel"), 404, "ErrorItemNotFound")
    assert_error(as_alice.get(f"/me/events/{oid(master['id'], '2025-03-24')}/instances"
                              "?startDateTime=2025-03-17T00:00:00Z&endDateTime=2025-04-08T00:00:00Z"),
                 404, "ErrorItemNotFound")  # an occurrence has no instances


@pytest.mark.parametrize("given", [
    "OID.", "OID.x.2025-03-24", "OID.{id}", "OID.{id}.", "OID.{id}.2025-13-01", "OID.{id}.2025-02-30",
    "OID.{id}.20250324", "OID..2025-03-24", "OID.{id}.2025-03-24.x", "OID.{id}%2F.2025-03-24",
])
def test_malformed_occurrence_ids_are_malformed(as_alice, given):
    master = make_series(as_alice)
    path = f"/me/events/{given.replace('{id}', master['id'])}"
    assert_error(as_alice.get(path), 400, "ErrorInvalidIdMalformed")
    assert_error(as_alice.patch(path, json={"subject": "x"}), 400, "ErrorInvalidIdMalformed")
    assert_error(as_alice.delete(path), 400, "ErrorInvalidIdMalformed")
    assert_error(as_alice.post(f"{path}/accept", json={}), 400, "ErrorInvalidIdMalformed")


def test_another_users_occurrence_id_needs_their_permission(as_alice, as_bob):
    master = make_series(as_alice)
    assert_error(as_bob.get(f"/users/alice@contoso.com/events/{oid(master['id'], '2025-03-24')}"),
                 403, "ErrorAccessDenied")
    assert_error(as_bob.get(f"/me/events/{oid(master['id'], '2025-03-24')}"), 404, "ErrorItemNotFound")
    # the access check comes first, as for any id: a stranger learns nothing from a malformed one either
    assert_error(as_bob.get("/users/alice@contoso.com/events/OID.x.2025-03-24"), 403, "ErrorAccessDenied")
