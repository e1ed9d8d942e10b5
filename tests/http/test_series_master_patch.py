"""The PATCH of a series master that keeps its time and pattern (§6.2): each exception follows the change
of every property it did not set itself, on the organizer's side and in the attendees' copies; a meeting
sends one informationalUpdate about the series plus one per separately modified occurrence."""

from __future__ import annotations

from typing import Any

from tests.http.conftest import event_body
from tests.http.test_calendar_view import BERLIN, make_series
from tests.http.test_meeting_invitations import BOB, CAROL, EXPAND, messages, of_type, only, person
from tests.http.test_series_meetings import DAYS, master_of, post, series_meeting, status, view

def oid(master_id: str, day: str) -> str:
    return f"OID.{master_id}.{day}"


def updates(api, kind: str = "informationalUpdate", folder: str = "inbox") -> list[dict[str, Any]]:
    return [m for m in of_type(messages(api, folder), "eventMessageRequest") if m["meetingRequestType"] == kind]


def text(event: dict[str, Any]) -> str:
    return event["body"]["content"]


def test_exceptions_of_a_plain_series_follow_what_they_did_not_set(as_alice):
    master = make_series(as_alice)
    as_alice.patch(f"/me/events/{oid(master['id'], '2025-03-24')}", json={"subject": "Own title"})
    as_alice.patch(f"/me/events/{oid(master['id'], '2025-03-31')}", json={
        "location": {"displayName": "Room 2"}, "categories": ["Blue"]})
    r = as_alice.patch(f"/me/events/{master['id']}", json={
        "subject": "Daily sync", "body": {"contentType": "text", "content": "New agenda"},
        "location": {"displayName": "Room 1"}, "categories": ["Red"], "importance": "high"})
    assert r.status_code == 200, r.text

    days = view(as_alice)
    assert sorted(days) == DAYS
    assert [days[d]["subject"] for d in DAYS] == ["Daily sync", "Own title", "Daily sync", "Daily sync"]
    assert [days[d]["location"]["displayName"] for d in DAYS] == ["Room 1", "Room 1", "Room 2", "Room 1"]
    assert [days[d]["categories"] for d in DAYS] == [["Red"], ["Red"], ["Blue"], ["Red"]]
    assert {days[d]["importance"] for d in DAYS} == {"high"}
    assert all("New agenda" in text(days[d]) for d in DAYS)
    assert [days[d]["type"] for d in DAYS] == ["occurrence", "exception", "exception", "occurrence"]
    # the exception's change key moved with it
    assert days["2025-03-24"]["changeKey"] != master["changeKey"]

    # a change of a property no exception set reaches them all; setting it back is a change too
    as_alice.patch(f"/me/events/{master['id']}", json={"subject": "Own title"})
    assert {view(as_alice)[d]["subject"] for d in DAYS} == {"Own title"}
    as_alice.patch(f"/me/events/{master['id']}", json={"subject": "Weekly"})
    # 24 March's subject equalled the series' one: it is no longer told apart, and follows
    assert {view(as_alice)[d]["subject"] for d in DAYS} == {"Weekly"}


def test_organizer_master_patch_reaches_exceptions_and_attendees(as_alice, as_bob, as_carol):
    meeting = series_meeting(as_alice)
    # 24: its own subject; 31: its own location; 7 April: holds bob's answer only
    as_alice.patch(f"/me/events/{oid(meeting['id'], '2025-03-24')}", json={"subject": "Own title"})
    as_alice.patch(f"/me/events/{oid(meeting['id'], '2025-03-31')}", json={"location": {"displayName": "Room 2"}})
    bob_copy = master_of(as_bob, meeting["iCalUId"])
    carol_copy = master_of(as_carol, meeting["iCalUId"])
    assert post(as_bob, oid(bob_copy["id"], "2025-04-07"), "accept", sendResponse=True).status_code == 202
    assert post(as_carol, oid(carol_copy["id"], "2025-03-31"), "decline", sendResponse=True).status_code == 202
    before = {api: {m["id"] for m in messages(api)} for api in (as_bob, as_carol)}
    sent_before = {m["id"] for m in messages(as_alice, "sentitems")}

    r = as_alice.patch(f"/me/events/{meeting['id']}", json={
        "subject": "Standup v2", "body": {"contentType": "text", "content": "New agenda"}})
    assert r.status_code == 200, r.text

    for api, who in ((as_alice, "organizer"), (as_bob, "bob"), (as_carol, "carol")):
        days = view(api)
        shown = DAYS if who != "carol" else ["2025-03-17", "2025-03-24", "2025-04-07"]
        assert sorted(days) == shown, who
        assert {d: days[d]["subject"] for d in shown} == {
            d: "Own title" if d == "2025-03-24" else "Standup v2" for d in shown}, who
        assert all("New agenda" in text(days[d]) for d in shown), who
        if "2025-03-31" in days:
            assert days["2025-03-31"]["location"]["displayName"] == "Room 2", who
    assert status(view(as_alice)["2025-04-07"], "bob@contoso.com") == "accepted"  # answers stay
    assert view(as_bob)["2025-04-07"]["responseStatus"]["response"] == "accepted"
    assert status(view(as_alice)["2025-03-31"], "carol@contoso.com") == "declined"

    # one update about the series plus one per separately modified occurrence (24 and 31; 7 April only
    # holds an answer); carol declined 31 and is told about 24 only
    for api, copy, dates in ((as_bob, bob_copy, ["2025-03-24", "2025-03-31"]), (as_carol, carol_copy, ["2025-03-24"])):
        new = [m for m in updates(api) if m["id"] not in before[api]]
        assert sorted(m["type"] for m in new) == ["exception"] * len(dates) + ["seriesMaster"]
        per_instance = sorted((m for m in new if m["type"] == "exception"), key=lambda m: m["startDateTime"]["dateTime"])
        assert [m["startDateTime"]["dateTime"][:10] for m in per_instance] == dates
        for message, day in zip(per_instance, dates):
            event = api.get(f"/me/messages/{message['id']}?{EXPAND}").json()["event"]
            assert event["type"] == "exception" and event["seriesMasterId"] == copy["id"]
            assert event["id"] == view(api)[day]["id"]
            assert message["subject"] == ("Own title" if day == "2025-03-24" else "Standup v2")
    sent = [m for m in updates(as_alice, folder="sentitems") if m["id"] not in sent_before]
    assert sorted(m["type"] for m in sent) == ["exception", "exception", "seriesMaster"]
    # the earlier update about 24 March is now out of date
    older = [m for m in updates(as_bob) if m["id"] in before[as_bob] and m["subject"] == "Own title"]
    assert only(older)["isOutOfDate"] is True


def test_nothing_visible_changed_sends_nothing(as_alice, as_bob):
    meeting = series_meeting(as_alice, [BOB])
    as_alice.patch(f"/me/events/{oid(meeting['id'], '2025-03-24')}", json={"subject": "Own title"})
    count = len(messages(as_bob))
    r = as_alice.patch(f"/me/events/{meeting['id']}", json={"categories": ["Red"], "isReminderOn": False})
    assert r.status_code == 200, r.text
    assert len(messages(as_bob)) == count
    assert view(as_alice)["2025-03-24"]["categories"] == ["Red"]
    assert view(as_alice)["2025-03-24"]["isReminderOn"] is False
    # a subject change the modified occurrence overrides: the series update only
    as_alice.patch(f"/me/events/{meeting['id']}", json={"subject": "Renamed"})
    new = messages(as_bob)[: len(messages(as_bob)) - count]
    assert [m["type"] for m in of_type(new, "eventMessageRequest")] == ["seriesMaster"]
    assert view(as_bob)["2025-03-24"]["subject"] == "Own title"


def test_attendee_added_to_the_series_gets_the_modified_occurrences(tenant, as_alice, as_bob):
    dave = tenant.user("dave@contoso.com", "Dave Diaz")
    as_dave = tenant.api(dave)
    meeting = series_meeting(as_alice, [BOB])
    as_alice.patch(f"/me/events/{oid(meeting['id'], '2025-03-31')}", json={"subject": "Own title"})
    r = as_alice.patch(f"/me/events/{meeting['id']}", json={
        "attendees": [BOB, person("dave@contoso.com", "Dave Diaz")]})
    assert r.status_code == 200, r.text
    days = view(as_dave)
    assert sorted(days) == DAYS
    assert days["2025-03-31"]["subject"] == "Own title" and days["2025-03-31"]["type"] == "exception"
    copy = master_of(as_dave, meeting["iCalUId"])
    assert {days[d]["seriesMasterId"] for d in DAYS} == {copy["id"]}
    got = [(m["meetingRequestType"], m["type"]) for m in of_type(messages(as_dave), "eventMessageRequest")]
    assert sorted(got) == [("informationalUpdate", "exception"), ("newMeetingRequest", "seriesMaster")]
    # the organizer's exception lists dave too, and bob's occurrence shows him
    organizers = view(as_alice)["2025-03-31"]
    assert {a["emailAddress"]["address"] for a in organizers["attendees"]} == {"bob@contoso.com", "dave@contoso.com"}
    assert {a["emailAddress"]["address"] for a in view(as_bob)["2025-03-31"]["attendees"]} == {
        "bob@contoso.com", "dave@contoso.com"}


def test_an_exception_with_its_own_attendees_keeps_them(tenant, as_alice, as_bob, as_carol):
    meeting = series_meeting(as_alice, [BOB])
    # 24 March without bob (he is told it is cancelled for him)
    r = as_alice.patch(f"/me/events/{oid(meeting['id'], '2025-03-24')}", json={"attendees": [CAROL]})
    assert r.status_code == 200, r.text
    as_alice.patch(f"/me/events/{meeting['id']}", json={"subject": "Renamed"})
    organizers = view(as_alice)["2025-03-24"]
    assert [a["emailAddress"]["address"] for a in organizers["attendees"]] == ["carol@contoso.com"]
    assert organizers["subject"] == "Renamed"


def test_attendee_patch_of_their_copy_reaches_their_exceptions(as_alice, as_bob):
    meeting = series_meeting(as_alice, [BOB])
    copy = master_of(as_bob, meeting["iCalUId"])
    post(as_bob, oid(copy["id"], "2025-03-24"), "tentativelyAccept", sendResponse=False)
    r = as_bob.patch(f"/me/events/{copy['id']}", json={"categories": ["Green"], "reminderMinutesBeforeStart": 5})
    assert r.status_code == 200, r.text
    days = view(as_bob)
    assert {days[d]["categories"][0] for d in DAYS} == {"Green"}
    assert {days[d]["reminderMinutesBeforeStart"] for d in DAYS} == {5}
    assert days["2025-03-24"]["responseStatus"]["response"] == "tentativelyAccepted"
    assert view(as_alice)["2025-03-24"]["categories"] == []  # the organizer's are the organizer's


def test_a_new_time_still_rebuilds(as_alice, as_bob):
    meeting = series_meeting(as_alice, [BOB])
    as_alice.patch(f"/me/events/{oid(meeting['id'], '2025-03-24')}", json={"subject": "Own title"})
    r = as_alice.patch(f"/me/events/{meeting['id']}", json={
        "subject": "Later", "start": {"dateTime": "2025-03-17T10:00:00", "timeZone": BERLIN},
        "end": {"dateTime": "2025-03-17T10:30:00", "timeZone": BERLIN}})
    assert r.status_code == 200, r.text
    for api in (as_alice, as_bob):
        days = view(api)
        assert {days[d]["subject"] for d in DAYS} == {"Later"} and {days[d]["type"] for d in DAYS} == {"occurrence"}
    assert [m["type"] for m in updates(as_bob, "fullUpdate")] == ["seriesMaster"]


def test_single_events_are_unchanged(as_alice, as_bob):
    single = as_alice.post("/me/events", json=event_body("One", attendees=[BOB])).json()
    as_alice.patch(f"/me/events/{single['id']}", json={"subject": "Two"})
    assert [m["subject"] for m in updates(as_bob)] == ["Two"]
