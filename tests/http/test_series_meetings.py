"""Meetings on a series over HTTP: every attendee's copy has the same occurrences; answers and cancel on
an occurrence id act on that occurrence only, on the master id on the whole series."""

from __future__ import annotations

from typing import Any

from tests.http.conftest import assert_error, event_body
from tests.http.test_calendar_view import BERLIN, WINDOW, weekly
from tests.http.test_meeting_invitations import BOB, CAROL, NONE, entry, messages, of_type, only

NOT_ORGANIZER = "Your request can't be completed. You need to be an organizer to cancel a meeting."
DAYS = ["2025-03-17", "2025-03-24", "2025-03-31", "2025-04-07"]


def series_meeting(api, attendees: list[dict[str, Any]] = (BOB, CAROL)) -> dict[str, Any]:  # type: ignore[assignment]
    body = event_body("Standup", "2025-03-17T09:00:00", "2025-03-17T09:30:00", BERLIN, recurrence=weekly(),
                      attendees=list(attendees))
    r = api.post("/me/events", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def view(api) -> dict[str, dict[str, Any]]:
    """The caller's calendarView over the four Mondays, by original start date."""
    r = api.get(f"/me/calendarView?{WINDOW}&$top=50")
    assert r.status_code == 200, r.text
    return {i["originalStart"][:10]: i for i in r.json()["value"] if i.get("originalStart")}


def master_of(api, ical_uid: str) -> dict[str, Any]:
    return only([e for e in api.get("/me/events?$top=50").json()["value"] if e["iCalUId"] == ical_uid])


def post(api, event_id: str, action: str, **body: Any):
    return api.post(f"/me/events/{event_id}/{action}", json=body)


def status(event: dict[str, Any], address: str) -> str:
    return entry(event, address)["status"]["response"]


def cancelled_occurrences(api, master_id: str) -> list[str]:
    return api.get(f"/me/events/{master_id}?$select=cancelledOccurrences").json()["cancelledOccurrences"]


def test_every_attendee_has_the_series_with_the_same_occurrences(as_alice, as_bob, as_carol):
    meeting = series_meeting(as_alice)
    for api in (as_bob, as_carol):
        copy = master_of(api, meeting["iCalUId"])
        assert copy["type"] == "seriesMaster" and copy["recurrence"] == meeting["recurrence"]
        assert copy["id"] != meeting["id"]
        occurrences = view(api)
        assert sorted(occurrences) == DAYS
        assert [o["start"] for o in occurrences.values()] == [o["start"] for o in view(as_alice).values()]
        assert {o["seriesMasterId"] for o in occurrences.values()} == {copy["id"]}
        assert {o["responseStatus"]["response"] for o in occurrences.values()} == {"notResponded"}
        request = only(of_type(messages(api), "eventMessageRequest"))
        assert request["recurrence"] == meeting["recurrence"] and request["type"] == "seriesMaster"


def test_accept_on_an_occurrence_answers_that_occurrence_only(as_alice, as_bob):
    meeting = series_meeting(as_alice)
    second = view(as_bob)["2025-03-24"]
    r = post(as_bob, second["id"], "accept", sendResponse=True, comment="See you")
    assert r.status_code == 202, r.text

    mine = view(as_bob)
    assert mine["2025-03-24"]["type"] == "exception" and mine["2025-03-24"]["id"] == second["id"]
    assert mine["2025-03-24"]["responseStatus"]["response"] == "accepted"
    assert mine["2025-03-24"]["showAs"] == "busy"
    assert [mine[d]["responseStatus"]["response"] for d in DAYS] == [
        "notResponded", "accepted", "notResponded", "notResponded"]
    assert master_of(as_bob, meeting["iCalUId"])["responseStatus"]["response"] == "notResponded"

    organizers = view(as_alice)
    assert [status(organizers[d], "bob@contoso.com") for d in DAYS] == ["none", "accepted", "none", "none"]
    assert organizers["2025-03-24"]["type"] == "exception"
    assert organizers["2025-03-24"]["seriesMasterId"] == meeting["id"]
    assert entry(as_alice.get(f"/me/events/{meeting['id']}").json(), "bob@contoso.com")["status"] == NONE
    response = only(of_type(messages(as_alice), "eventMessageResponse"))
    assert response["meetingMessageType"] == "meetingAccepted"
    assert response["subject"] == "Accepted: Standup"
    assert response["type"] == "occurrence"
    assert response["startDateTime"]["dateTime"].startswith("2025-03-24T08:00:00")
    event = as_alice.get(f"/me/messages/{response['id']}?$expand=microsoft.graph.eventMessage/event").json()["event"]
    assert event["id"] == organizers["2025-03-24"]["id"] and event["type"] == "exception"

    # answering the same occurrence again updates the exceptions
    assert post(as_bob, second["id"], "tentativelyAccept", sendResponse=True).status_code == 202
    assert view(as_bob)["2025-03-24"]["responseStatus"]["response"] == "tentativelyAccepted"
    assert status(view(as_alice)["2025-03-24"], "bob@contoso.com") == "tentativelyAccepted"


def test_decline_on_an_occurrence_removes_it_from_the_attendees_calendar(as_alice, as_bob):
    meeting = series_meeting(as_alice)
    third = view(as_bob)["2025-03-31"]
    assert post(as_bob, third["id"], "decline", sendResponse=True).status_code == 202
    assert sorted(view(as_bob)) == ["2025-03-17", "2025-03-24", "2025-04-07"]
    copy = master_of(as_bob, meeting["iCalUId"])
    assert cancelled_occurrences(as_bob, copy["id"]) == [f"OID.{copy['id']}.2025-03-31"]
    assert_error(as_bob.get(f"/me/events/{third['id']}"), 404, "ErrorItemNotFound")
    organizers = view(as_alice)
    assert sorted(organizers) == DAYS  # the organizer's series is whole
    assert [status(organizers[d], "bob@contoso.com") for d in DAYS] == ["none", "none", "declined", "none"]
    assert only(of_type(messages(as_alice), "eventMessageResponse"))["meetingMessageType"] == "meetingDeclined"


def test_tentative_with_a_proposal_on_an_occurrence(as_alice, as_bob):
    series_meeting(as_alice)
    first = view(as_bob)["2025-03-17"]
    proposal = {"start": {"dateTime": "2025-03-18T09:00:00", "timeZone": BERLIN},
                "end": {"dateTime": "2025-03-18T09:30:00", "timeZone": BERLIN}}
    r = post(as_bob, first["id"], "tentativelyAccept", sendResponse=True, comment="Tuesday?",
             proposedNewTime=proposal)
    assert r.status_code == 202, r.text
    assert view(as_bob)["2025-03-17"]["showAs"] == "tentative"
    response = only(of_type(messages(as_alice), "eventMessageResponse"))
    assert response["subject"] == "New Time Proposed: Standup"
    assert response["proposedNewTime"] == proposal
    organizers = view(as_alice)
    assert entry(organizers["2025-03-17"], "bob@contoso.com")["proposedNewTime"]["start"]["dateTime"] \
        == "2025-03-18T08:00:00.0000000"
    assert "proposedNewTime" not in entry(organizers["2025-03-24"], "bob@contoso.com") or \
        entry(organizers["2025-03-24"], "bob@contoso.com")["proposedNewTime"] is None


def test_answers_on_the_master_answer_the_series(as_alice, as_bob):
    meeting = series_meeting(as_alice)
    copy = master_of(as_bob, meeting["iCalUId"])
    assert post(as_bob, copy["id"], "accept", sendResponse=True).status_code == 202
    assert {o["responseStatus"]["response"] for o in view(as_bob).values()} == {"accepted"}
    assert status(as_alice.get(f"/me/events/{meeting['id']}").json(), "bob@contoso.com") == "accepted"
    assert {status(o, "bob@contoso.com") for o in view(as_alice).values()} == {"accepted"}
    assert only(of_type(messages(as_alice), "eventMessageResponse"))["type"] == "seriesMaster"


def test_organizer_cancels_one_occurrence_for_everyone(as_alice, as_bob, as_carol):
    meeting = series_meeting(as_alice)
    post(as_bob, view(as_bob)["2025-03-24"]["id"], "accept", sendResponse=True)  # bob has an exception there
    occurrence = view(as_alice)["2025-03-24"]
    r = post(as_alice, occurrence["id"], "cancel", comment="Holiday")
    assert r.status_code == 202, r.text
    assert cancelled_occurrences(as_alice, meeting["id"]) == [f"OID.{meeting['id']}.2025-03-24"]
    assert sorted(view(as_alice)) == ["2025-03-17", "2025-03-31", "2025-04-07"]
    assert_error(as_alice.get(f"/me/events/{occurrence['id']}"), 404, "ErrorItemNotFound")
    assert as_alice.get(f"/me/events/{meeting['id']}").status_code == 200  # the series stays
    for api in (as_bob, as_carol):
        assert sorted(view(api)) == ["2025-03-17", "2025-03-31", "2025-04-07"]
        copy = master_of(api, meeting["iCalUId"])
        assert copy["isCancelled"] is False
        assert cancelled_occurrences(api, copy["id"]) == [f"OID.{copy['id']}.2025-03-24"]
        message = only(of_type(messages(api), "eventMessage"))
        assert message["meetingMessageType"] == "meetingCancelled"
        assert message["subject"] == "Canceled: Standup"
        assert message["bodyPreview"] == "Holiday"
        assert message["startDateTime"]["dateTime"].startswith("2025-03-24T08:00:00")
        assert message["type"] in ("occurrence", "exception")
    assert len(of_type(messages(as_alice, "sentitems"), "eventMessage")) == 1


def test_organizer_delete_of_an_occurrence_cancels_it_too(as_alice, as_bob):
    meeting = series_meeting(as_alice, [BOB])
    assert as_alice.delete(f"/me/events/{view(as_alice)['2025-03-31']['id']}").status_code == 204
    assert sorted(view(as_bob)) == ["2025-03-17", "2025-03-24", "2025-04-07"]
    assert only(of_type(messages(as_bob), "eventMessage"))["subject"] == "Canceled: Standup"
    assert cancelled_occurrences(as_alice, meeting["id"]) == [f"OID.{meeting['id']}.2025-03-31"]


def test_attendee_cannot_cancel_an_occurrence(as_alice, as_bob):
    meeting = series_meeting(as_alice, [BOB])
    occurrence = view(as_bob)["2025-03-24"]
    assert_error(post(as_bob, occurrence["id"], "cancel"), 400, "ErrorInvalidRequest", NOT_ORGANIZER)
    assert sorted(view(as_bob)) == DAYS and sorted(view(as_alice)) == DAYS
    assert cancelled_occurrences(as_alice, meeting["id"]) == []


def test_organizer_cannot_answer_an_occurrence(as_alice, as_bob):
    series_meeting(as_alice, [BOB])
    assert_error(post(as_alice, view(as_alice)["2025-03-24"]["id"], "accept"), 400, "ErrorInvalidRequest")


def test_a_new_series_time_resets_the_occurrence_answers(as_alice, as_bob):
    meeting = series_meeting(as_alice, [BOB])
    post(as_bob, view(as_bob)["2025-03-24"]["id"], "accept", sendResponse=True)
    post(as_bob, view(as_bob)["2025-03-31"]["id"], "decline", sendResponse=True)
    r = as_alice.patch(f"/me/events/{meeting['id']}", json={
        "start": {"dateTime": "2025-03-17T10:00:00", "timeZone": BERLIN},
        "end": {"dateTime": "2025-03-17T10:30:00", "timeZone": BERLIN}})
    assert r.status_code == 200, r.text
    for api in (as_alice, as_bob):
        occurrences = view(api)
        assert sorted(occurrences) == DAYS
        assert {o["type"] for o in occurrences.values()} == {"occurrence"}
    assert {o["responseStatus"]["response"] for o in view(as_bob).values()} == {"notResponded"}
    assert {status(o, "bob@contoso.com") for o in view(as_alice).values()} == {"none"}
    copy = master_of(as_bob, meeting["iCalUId"])
    assert cancelled_occurrences(as_bob, copy["id"]) == []


def test_organizer_patch_of_an_occurrence_updates_that_occurrence_for_attendees(as_alice, as_bob):
    meeting = series_meeting(as_alice, [BOB])
    post(as_bob, view(as_bob)["2025-03-24"]["id"], "accept", sendResponse=True)
    post(as_bob, view(as_bob)["2025-03-31"]["id"], "accept", sendResponse=True)
    r = as_alice.patch(f"/me/events/{view(as_alice)['2025-03-24']['id']}", json={
        "subject": "Moved standup", "start": {"dateTime": "2025-03-25T09:00:00", "timeZone": BERLIN},
        "end": {"dateTime": "2025-03-25T09:30:00", "timeZone": BERLIN}})
    assert r.status_code == 200, r.text
    assert status(r.json(), "bob@contoso.com") == "none"  # a new time resets that occurrence's answers
    bobs = view(as_bob)
    assert bobs["2025-03-24"]["subject"] == "Moved standup" and bobs["2025-03-24"]["type"] == "exception"
    assert bobs["2025-03-24"]["start"]["dateTime"].startswith("2025-03-25T08:00:00")
    assert bobs["2025-03-24"]["responseStatus"]["response"] == "notResponded"
    assert bobs["2025-03-31"]["responseStatus"]["response"] == "accepted"  # other occurrences keep theirs
    assert {bobs[d]["subject"] for d in ("2025-03-17", "2025-03-31", "2025-04-07")} == {"Standup"}
    update = [m for m in of_type(messages(as_bob), "eventMessageRequest") if m["meetingRequestType"] == "fullUpdate"]
    assert only(update)["type"] == "exception" and only(update)["subject"] == "Moved standup"
    assert master_of(as_bob, meeting["iCalUId"])["subject"] == "Standup"

    assert as_alice.patch(f"/me/events/{view(as_alice)['2025-04-07']['id']}",
                          json={"subject": "Retro"}).status_code == 200  # no answer yet: a new exception
    assert view(as_bob)["2025-04-07"]["subject"] == "Retro"
    assert view(as_bob)["2025-04-07"]["type"] == "exception"


def test_forward_of_an_occurrence_forwards_the_series(as_alice, as_bob, as_carol):
    meeting = series_meeting(as_alice, [BOB])
    r = post(as_bob, view(as_bob)["2025-03-24"]["id"], "forward",
             toRecipients=[{"emailAddress": {"address": "carol@contoso.com"}}], comment="Join us")
    assert r.status_code == 202, r.text
    assert sorted(view(as_carol)) == DAYS
    assert {e["emailAddress"]["address"] for e in master_of(as_alice, meeting["iCalUId"])["attendees"]} == {
        "bob@contoso.com", "carol@contoso.com"}
