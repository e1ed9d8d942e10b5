"""Attendees of one occurrence only: the organizer's PATCH of an occurrence that adds attendees invites
them to that occurrence (Graph lets an occurrence have its own attendee list). Each gets a request about
it and a copy of that occurrence as a meeting of its own (`singleInstance`, the occurrence's iCalUId, no
series behind it), which follows later changes, cancels and answers as any meeting copy does."""

from __future__ import annotations

from typing import Any

from tests.http.conftest import assert_error
from tests.http.test_calendar_view import BERLIN, WINDOW
from tests.http.test_meeting_invitations import BOB, CAROL, EXPAND, entry, messages, of_type, only
from tests.http.test_series_meetings import post, series_meeting, status, view


def oid(master_id: str, day: str) -> str:
    return f"OID.{master_id}.{day}"


def calendar(api) -> list[dict[str, Any]]:
    r = api.get(f"/me/calendarView?{WINDOW}&$top=50")
    assert r.status_code == 200, r.text
    return r.json()["value"]


def invite_carol(as_alice, meeting: dict[str, Any], day: str = "2025-03-24") -> dict[str, Any]:
    r = as_alice.patch(f"/me/events/{oid(meeting['id'], day)}", json={"attendees": [BOB, CAROL]})
    assert r.status_code == 200, r.text
    return r.json()


def requests(api, kind: str | None = None) -> list[dict[str, Any]]:
    found = of_type(messages(api), "eventMessageRequest")
    return [m for m in found if kind is None or m["meetingRequestType"] == kind]


def test_an_attendee_added_to_one_occurrence_gets_that_occurrence(tenant, alice, carol, as_alice, as_bob, as_carol):
    meeting = series_meeting(as_alice, [BOB])
    exception = invite_carol(as_alice, meeting)
    assert exception["type"] == "exception"
    assert [a["emailAddress"]["address"] for a in exception["attendees"]] == ["bob@contoso.com", "carol@contoso.com"]

    (copy,) = calendar(as_carol)
    assert copy["type"] == "singleInstance" and copy["seriesMasterId"] is None
    assert copy["iCalUId"] == exception["iCalUId"] != meeting["iCalUId"]
    assert copy["start"] == exception["start"] and copy["subject"] == "Standup"
    assert copy["recurrence"] is None and copy["isOrganizer"] is False
    assert copy["responseStatus"]["response"] == "notResponded"
    assert [e["id"] for e in as_carol.get("/me/events").json()["value"]] == [copy["id"]]
    beta = tenant.api(carol, version="beta").get(f"/me/events/{copy['id']}").json()
    series_uid = tenant.api(alice, version="beta").get(f"/me/events/{meeting['id']}").json()["uid"]
    assert beta["uid"] == series_uid and beta["occurrenceId"] is None  # beta's uid still names the series
    request = only(requests(as_carol))
    assert request["meetingRequestType"] == "newMeetingRequest" and request["type"] == "exception"
    assert request["startDateTime"]["dateTime"].startswith("2025-03-24T08:00:00")
    event = as_carol.get(f"/me/messages/{request['id']}?{EXPAND}").json()["event"]
    assert event["id"] == copy["id"]
    # the series is untouched: its master and other occurrences do not list carol, bob is not told
    assert [a["emailAddress"]["address"] for a in as_alice.get(f"/me/events/{meeting['id']}").json()["attendees"]] \
        == ["bob@contoso.com"]
    assert "carol@contoso.com" not in {a["emailAddress"]["address"] for a in view(as_alice)["2025-03-31"]["attendees"]}
    assert len(requests(as_bob)) == 1
    assert {a["emailAddress"]["address"] for a in view(as_bob)["2025-03-24"]["attendees"]} == {
        "bob@contoso.com", "carol@contoso.com"}


def test_answers_reach_the_organizers_occurrence(as_alice, as_carol):
    meeting = series_meeting(as_alice, [BOB])
    invite_carol(as_alice, meeting)
    (copy,) = calendar(as_carol)
    assert post(as_carol, copy["id"], "accept", sendResponse=True, comment="Sure").status_code == 202
    assert calendar(as_carol)[0]["responseStatus"]["response"] == "accepted"
    organizers = view(as_alice)
    assert status(organizers["2025-03-24"], "carol@contoso.com") == "accepted"
    assert status(organizers["2025-03-24"], "bob@contoso.com") == "none"
    response = only(of_type(messages(as_alice), "eventMessageResponse"))
    assert response["subject"] == "Accepted: Standup" and response["bodyPreview"] == "Sure"
    # the organizer's series, and its other occurrences, do not hear of carol
    assert "carol@contoso.com" not in {a["emailAddress"]["address"]
                                       for a in as_alice.get(f"/me/events/{meeting['id']}").json()["attendees"]}
    assert post(as_carol, copy["id"], "decline", sendResponse=True).status_code == 202
    assert calendar(as_carol) == []
    assert status(view(as_alice)["2025-03-24"], "carol@contoso.com") == "declined"


def test_later_changes_reach_the_same_copy(as_alice, as_carol):
    meeting = series_meeting(as_alice, [BOB])
    invite_carol(as_alice, meeting)
    (copy,) = calendar(as_carol)
    post(as_carol, copy["id"], "accept", sendResponse=True)

    r = as_alice.patch(f"/me/events/{oid(meeting['id'], '2025-03-24')}", json={"subject": "Demo day"})
    assert r.status_code == 200, r.text
    (again,) = calendar(as_carol)
    assert again["id"] == copy["id"] and again["subject"] == "Demo day"
    assert again["type"] == "singleInstance" and again["responseStatus"]["response"] == "accepted"
    assert [m["subject"] for m in requests(as_carol, "informationalUpdate")] == ["Demo day"]

    # the series' new body reaches the occurrence (modified: it has its own attendees) and so carol's copy
    r = as_alice.patch(f"/me/events/{meeting['id']}", json={"body": {"contentType": "text", "content": "Agenda"}})
    assert r.status_code == 200, r.text
    (again,) = calendar(as_carol)
    assert again["id"] == copy["id"] and "Agenda" in again["body"]["content"] and again["subject"] == "Demo day"
    assert len(requests(as_carol, "informationalUpdate")) == 2

    # a new time of that occurrence: a fullUpdate, her answer reset, still one copy
    r = as_alice.patch(f"/me/events/{oid(meeting['id'], '2025-03-24')}", json={
        "start": {"dateTime": "2025-03-25T09:00:00", "timeZone": BERLIN},
        "end": {"dateTime": "2025-03-25T09:30:00", "timeZone": BERLIN}})
    assert r.status_code == 200, r.text
    (again,) = calendar(as_carol)
    assert again["id"] == copy["id"] and again["start"]["dateTime"].startswith("2025-03-25T08:00")
    assert again["responseStatus"]["response"] == "notResponded"
    assert len(requests(as_carol, "fullUpdate")) == 1


def test_removing_or_cancelling_cancels_the_copy(as_alice, as_carol):
    meeting = series_meeting(as_alice, [BOB])
    invite_carol(as_alice, meeting, "2025-03-24")
    invite_carol(as_alice, meeting, "2025-03-31")
    first, second = sorted(calendar(as_carol), key=lambda e: e["start"]["dateTime"])

    r = as_alice.patch(f"/me/events/{oid(meeting['id'], '2025-03-24')}", json={"attendees": [BOB]})
    assert r.status_code == 200, r.text
    got = as_carol.get(f"/me/events/{first['id']}").json()
    assert got["isCancelled"] is True and got["subject"] == "Canceled: Standup"
    assert post(as_alice, oid(meeting["id"], "2025-03-31"), "cancel", comment="Off").status_code == 202
    got = as_carol.get(f"/me/events/{second['id']}").json()
    assert got["isCancelled"] is True and got["subject"] == "Canceled: Standup"
    cancels = of_type(messages(as_carol), "eventMessage")
    assert sorted(m["meetingMessageType"] for m in cancels) == ["meetingCancelled", "meetingCancelled"]
    assert_error(post(as_carol, second["id"], "accept"), 400, "ErrorCalendarIsCancelledForAccept")
    assert sorted(view(as_alice)) == ["2025-03-17", "2025-03-24", "2025-04-07"]


def test_deleting_cancelling_or_moving_the_series_cancels_the_copy(as_alice, as_carol):
    for change in ("delete", "cancel", "move"):
        meeting = series_meeting(as_alice, [BOB])
        invite_carol(as_alice, meeting)
        copy = [e for e in calendar(as_carol) if not e["isCancelled"]][-1]
        if change == "delete":
            assert as_alice.delete(f"/me/events/{meeting['id']}").status_code == 204
        elif change == "cancel":
            assert post(as_alice, meeting["id"], "cancel", comment="Off").status_code == 202
        else:
            r = as_alice.patch(f"/me/events/{meeting['id']}", json={
                "start": {"dateTime": "2025-03-17T10:00:00", "timeZone": BERLIN},
                "end": {"dateTime": "2025-03-17T10:30:00", "timeZone": BERLIN}})
            assert r.status_code == 200, r.text
            assert {a["emailAddress"]["address"] for o in view(as_alice).values() for a in o["attendees"]} == {
                "bob@contoso.com"}
        got = as_carol.get(f"/me/events/{copy['id']}").json()
        assert got["isCancelled"] is True, change
        assert got["subject"] == "Canceled: Standup" and entry(got, "carol@contoso.com")
        as_alice.delete(f"/me/events/{meeting['id']}")
    assert len(of_type(messages(as_carol), "eventMessage")) == 3


def test_joining_the_series_replaces_the_copy_of_the_occurrence(as_alice, as_carol):
    meeting = series_meeting(as_alice, [BOB])
    invite_carol(as_alice, meeting)
    (solo,) = calendar(as_carol)
    post(as_carol, solo["id"], "tentativelyAccept", sendResponse=True)
    r = as_alice.patch(f"/me/events/{meeting['id']}", json={"attendees": [BOB, CAROL]})
    assert r.status_code == 200, r.text
    mine = calendar(as_carol)
    assert [(e["type"], e["originalStart"][:10]) for e in mine] == [
        ("occurrence", "2025-03-17"), ("exception", "2025-03-24"), ("occurrence", "2025-03-31"),
        ("occurrence", "2025-04-07")]  # 24 March once, as an exception of her series copy
    assert mine[1]["responseStatus"]["response"] == "tentativelyAccepted"
    assert len({e["seriesMasterId"] for e in mine}) == 1
    assert_error(as_carol.get(f"/me/events/{solo['id']}"), 404, "ErrorItemNotFound")
    # her answer on that occurrence now goes through the series copy, to the same organizer's occurrence
    assert post(as_carol, mine[1]["id"], "accept", sendResponse=True).status_code == 202
    assert status(view(as_alice)["2025-03-24"], "carol@contoso.com") == "accepted"
    # and a change of the series that reaches 24 March finds one occurrence to update
    assert as_alice.patch(f"/me/events/{meeting['id']}", json={"subject": "All hands"}).status_code == 200
    assert [e["subject"] for e in calendar(as_carol)] == ["All hands"] * 4
