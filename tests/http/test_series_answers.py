"""Answers to a whole series and to one of its occurrences, in either order (§6.2, decisions 9 and 15):
an occurrence's answer is that occurrence's and outlives a later answer to the series; declining the
series takes it, every occurrence with it, out of the attendee's calendar, so its occurrences can no longer
be answered (404, as the declined series itself)."""

from __future__ import annotations

from tests.http.conftest import assert_error
from tests.http.test_calendar_view import BERLIN
from tests.http.test_meeting_invitations import BOB, messages, of_type
from tests.http.test_series_meetings import DAYS, master_of, post, series_meeting, status, view


def oid(master_id: str, day: str) -> str:
    return f"OID.{master_id}.{day}"


def deleted_items(api) -> list[dict]:
    return [m for m in messages(api, "deleteditems") if m.get("@odata.type") == "#microsoft.graph.event"]


def test_occurrences_of_a_declined_series_cannot_be_answered(as_alice, as_bob):
    meeting = series_meeting(as_alice, [BOB])
    copy = master_of(as_bob, meeting["iCalUId"])
    second = view(as_bob)["2025-03-24"]
    assert post(as_bob, copy["id"], "decline", sendResponse=True).status_code == 202
    assert view(as_bob) == {}
    assert [e["id"] for e in deleted_items(as_bob)] == [copy["id"]]  # the series is in Deleted Items
    assert status(as_alice.get(f"/me/events/{meeting['id']}").json(), "bob@contoso.com") == "declined"

    for event_id in (second["id"], oid(copy["id"], "2025-03-24"), copy["id"]):
        for action in ("accept", "tentativelyAccept", "decline"):
            assert_error(post(as_bob, event_id, action, sendResponse=True), 404, "ErrorItemNotFound")
        assert_error(as_bob.get(f"/me/events/{event_id}"), 404, "ErrorItemNotFound")
        assert_error(as_bob.patch(f"/me/events/{event_id}", json={"subject": "x"}), 404, "ErrorItemNotFound")
    # nothing reached the organizer: the series answer stands for every occurrence
    assert len(of_type(messages(as_alice), "eventMessageResponse")) == 1
    assert {status(o, "bob@contoso.com") for o in view(as_alice).values()} == {"declined"}
    assert {o["type"] for o in view(as_alice).values()} == {"occurrence"}


def test_a_declined_series_comes_back_with_a_new_time(as_alice, as_bob):
    meeting = series_meeting(as_alice, [BOB])
    copy = master_of(as_bob, meeting["iCalUId"])
    post(as_bob, copy["id"], "decline", sendResponse=True)
    r = as_alice.patch(f"/me/events/{meeting['id']}", json={
        "start": {"dateTime": "2025-03-17T11:00:00", "timeZone": BERLIN},
        "end": {"dateTime": "2025-03-17T11:30:00", "timeZone": BERLIN}})
    assert r.status_code == 200, r.text
    assert sorted(view(as_bob)) == DAYS
    assert post(as_bob, oid(copy["id"], "2025-03-24"), "accept", sendResponse=True).status_code == 202
    assert status(view(as_alice)["2025-03-24"], "bob@contoso.com") == "accepted"


def test_organizer_change_of_one_occurrence_of_a_declined_series(as_alice, as_bob):
    meeting = series_meeting(as_alice, [BOB])
    copy = master_of(as_bob, meeting["iCalUId"])
    post(as_bob, copy["id"], "decline", sendResponse=True)
    inbox = len(messages(as_bob))
    # a new subject: nothing comes back to bob's calendar, and no row hangs off his deleted series
    r = as_alice.patch(f"/me/events/{oid(meeting['id'], '2025-03-24')}", json={"subject": "Special"})
    assert r.status_code == 200, r.text
    assert view(as_bob) == {} and len(messages(as_bob)) == inbox
    assert [e["id"] for e in deleted_items(as_bob)] == [copy["id"]]
    # a new time: that occurrence is offered again, as a meeting of its own, which bob can answer
    r = as_alice.patch(f"/me/events/{oid(meeting['id'], '2025-03-24')}", json={
        "start": {"dateTime": "2025-03-25T09:00:00", "timeZone": BERLIN},
        "end": {"dateTime": "2025-03-25T09:30:00", "timeZone": BERLIN}})
    assert r.status_code == 200, r.text
    shown = as_bob.get("/me/calendarView?startDateTime=2025-03-17T00:00:00Z&endDateTime=2025-04-08T00:00:00Z").json()
    (single,) = shown["value"]
    assert single["type"] == "singleInstance" and single["seriesMasterId"] is None
    assert single["subject"] == "Special" and single["start"]["dateTime"].startswith("2025-03-25T08:00")
    assert single["iCalUId"] == view(as_alice)["2025-03-24"]["iCalUId"]
    update = [m for m in of_type(messages(as_bob), "eventMessageRequest") if m["meetingRequestType"] == "fullUpdate"]
    assert len(update) == 1
    assert post(as_bob, single["id"], "accept", sendResponse=True).status_code == 202
    assert status(view(as_alice)["2025-03-24"], "bob@contoso.com") == "accepted"
    assert status(as_alice.get(f"/me/events/{meeting['id']}").json(), "bob@contoso.com") == "declined"


def test_an_occurrence_answer_outlives_a_later_series_answer(as_alice, as_bob):
    meeting = series_meeting(as_alice, [BOB])
    copy = master_of(as_bob, meeting["iCalUId"])
    assert post(as_bob, oid(copy["id"], "2025-03-24"), "tentativelyAccept", sendResponse=True).status_code == 202
    assert post(as_bob, oid(copy["id"], "2025-03-31"), "decline", sendResponse=True).status_code == 202
    assert post(as_bob, copy["id"], "accept", sendResponse=True).status_code == 202

    mine = view(as_bob)
    assert sorted(mine) == ["2025-03-17", "2025-03-24", "2025-04-07"]  # 31 March stays declined (removed)
    assert {d: mine[d]["responseStatus"]["response"] for d in mine} == {
        "2025-03-17": "accepted", "2025-03-24": "tentativelyAccepted", "2025-04-07": "accepted"}
    organizers = view(as_alice)
    assert {d: status(organizers[d], "bob@contoso.com") for d in DAYS} == {
        "2025-03-17": "accepted", "2025-03-24": "tentativelyAccepted", "2025-03-31": "declined",
        "2025-04-07": "accepted"}
    # and the occurrence can still be answered after the series
    assert post(as_bob, oid(copy["id"], "2025-03-24"), "accept", sendResponse=True).status_code == 202
    assert status(view(as_alice)["2025-03-24"], "bob@contoso.com") == "accepted"
    # a declined occurrence is gone: answering it again is 404
    assert_error(post(as_bob, oid(copy["id"], "2025-03-31"), "accept"), 404, "ErrorItemNotFound")


def test_declining_the_series_after_answering_an_occurrence(as_alice, as_bob):
    meeting = series_meeting(as_alice, [BOB])
    copy = master_of(as_bob, meeting["iCalUId"])
    accepted = oid(copy["id"], "2025-03-24")
    assert post(as_bob, accepted, "accept", sendResponse=True).status_code == 202
    assert post(as_bob, copy["id"], "decline", sendResponse=True).status_code == 202
    assert view(as_bob) == {}  # the whole series left the calendar, the answered occurrence with it
    assert [e["id"] for e in deleted_items(as_bob)] == [copy["id"]]
    assert_error(as_bob.get(f"/me/events/{accepted}"), 404, "ErrorItemNotFound")
    assert_error(post(as_bob, accepted, "tentativelyAccept"), 404, "ErrorItemNotFound")
    assert status(as_alice.get(f"/me/events/{meeting['id']}").json(), "bob@contoso.com") == "declined"
    # the organizer's exception that held Bob's accept of that occurrence records the decline too
    organizers = view(as_alice)
    assert organizers["2025-03-24"]["type"] == "exception"
    assert {status(o, "bob@contoso.com") for o in organizers.values()} == {"declined"}


def test_organizer_change_of_an_occurrence_the_attendee_declined(as_alice, as_bob):
    meeting = series_meeting(as_alice, [BOB])
    copy = master_of(as_bob, meeting["iCalUId"])
    assert post(as_bob, oid(copy["id"], "2025-03-31"), "decline", sendResponse=True).status_code == 202
    inbox = len(messages(as_bob))
    assert as_alice.patch(f"/me/events/{oid(meeting['id'], '2025-03-31')}", json={"subject": "x"}).status_code == 200
    assert len(messages(as_bob)) == inbox and sorted(view(as_bob)) == ["2025-03-17", "2025-03-24", "2025-04-07"]
    assert_error(as_bob.get(f"/me/events/{oid(copy['id'], '2025-03-31')}"), 404, "ErrorItemNotFound")
    r = as_alice.patch(f"/me/events/{oid(meeting['id'], '2025-03-31')}", json={
        "start": {"dateTime": "2025-04-01T09:00:00", "timeZone": BERLIN},
        "end": {"dateTime": "2025-04-01T09:30:00", "timeZone": BERLIN}})
    assert r.status_code == 200, r.text
    shown = as_bob.get("/me/calendarView?startDateTime=2025-03-17T00:00:00Z&endDateTime=2025-04-08T00:00:00Z"
                       "&$top=50").json()["value"]
    assert [(e["type"], e["start"]["dateTime"][:10]) for e in shown] == [
        ("occurrence", "2025-03-17"), ("occurrence", "2025-03-24"), ("singleInstance", "2025-04-01"),
        ("occurrence", "2025-04-07")]
    assert status(view(as_alice)["2025-03-31"], "bob@contoso.com") == "none"  # the new time reset it
