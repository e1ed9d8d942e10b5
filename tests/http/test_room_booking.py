"""Rooms that book themselves, over HTTP: accept when free, decline on a conflict with the response in the
organizer's Inbox, the booking window, maximum duration, reserved rooms, recurring meetings occurrence by
occurrence, freeing the slot on cancel, delete, move and removal, and what the room's calendar shows."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from tests.http.availability_helpers import add_room, api, create, event, set_policy

ROOM = {"type": "resource", "emailAddress": {"name": "Conf Room Hood", "address": "hood@contoso.com"}}
LOCATION = {"displayName": "Conf Room Hood", "locationEmailAddress": "hood@contoso.com"}


def day(offset: int, hour: int, minute: int = 0) -> str:
    """`offset` days from today (UTC), at hour:minute."""
    base = datetime.now(timezone.utc).date() + timedelta(days=offset)
    return datetime(base.year, base.month, base.day, hour, minute).isoformat()


@pytest.fixture
def org(tenant):
    alex = tenant.user("alex@contoso.com", "Alex Wilber")
    megan = tenant.user("megan@contoso.com", "Megan Bowen")
    add_room(tenant, "hood@contoso.com", "Conf Room Hood", capacity=10)
    return {"alex": api(tenant, alex), "megan": api(tenant, megan), "app": tenant.app_api(["Calendars.Read",
                                                                                            "Mail.Read"])}


def room_status(body: dict) -> str:
    return next(a["status"]["response"] for a in body["attendees"] if a["emailAddress"]["address"] == "hood@contoso.com")


def inbox(client) -> list[dict]:
    return client.get("/me/mailFolders/inbox/messages?$orderby=receivedDateTime asc&$top=50").json()["value"]


def room_events(org) -> list[dict]:
    return org["app"].get("/users/hood@contoso.com/calendar/events").json()["value"]


def book(client, subject: str, start: str, end: str, **extra) -> dict:
    return create(client, event(subject, start, end, attendees=[ROOM], location=LOCATION, **extra))


def test_accept_then_decline_the_same_slot(org):
    planning = book(org["alex"], "Planning", day(3, 14), day(3, 15))
    assert room_status(planning) == "accepted"
    assert org["alex"].get(f"/me/events/{planning['id']}").json()["attendees"][0]["status"]["response"] == "accepted"
    accepted = inbox(org["alex"])[-1]
    assert (accepted["subject"], accepted["from"]["emailAddress"]["address"]) == ("Accepted: Planning",
                                                                                  "hood@contoso.com")
    assert (accepted["meetingMessageType"], accepted["responseType"]) == ("meetingAccepted", "accepted")
    copy, = room_events(org)
    assert (copy["subject"], copy["showAs"], copy["responseStatus"]["response"]) == ("Alex Wilber", "busy", "accepted")
    assert copy["body"]["content"] == ""

    sync = book(org["megan"], "Sync", day(3, 14, 30), day(3, 15, 30))
    assert room_status(sync) == "declined"
    declined = inbox(org["megan"])[-1]
    assert declined["subject"] == "Declined: Sync" and declined["meetingMessageType"] == "meetingDeclined"
    assert "Your request was declined because there are conflicts." in declined["body"]["content"]
    assert len(room_events(org)) == 1

    schedule = org["alex"].post("/me/calendar/getSchedule", json={
        "schedules": ["hood@contoso.com"], "startTime": {"dateTime": day(3, 14), "timeZone": "UTC"},
        "endTime": {"dateTime": day(3, 15), "timeZone": "UTC"}}).json()["value"][0]
    assert schedule["availabilityView"] == "22"
    item, = schedule["scheduleItems"]
    assert (item["isPrivate"], item["subject"], item["location"]) == (False, "Alex Wilber", "Conf Room Hood")


def test_adjacent_meetings_and_location_alone(org):
    assert room_status(book(org["alex"], "First", day(3, 9), day(3, 10))) == "accepted"
    assert room_status(book(org["megan"], "Next", day(3, 10), day(3, 11))) == "accepted"
    create(org["megan"], event("Just a location", day(3, 9), day(3, 10), location=LOCATION))
    assert len(room_events(org)) == 2


def test_cancel_delete_move_and_removal_free_the_slot(org):
    alex, megan = org["alex"], org["megan"]
    first = book(alex, "First", day(4, 9), day(4, 10))
    assert alex.post(f"/me/events/{first['id']}/cancel", json={}).status_code == 202
    assert room_events(org) == []
    second = book(alex, "Second", day(4, 9), day(4, 10))
    assert alex.delete(f"/me/events/{second['id']}").status_code == 204
    assert room_events(org) == []
    third = book(alex, "Third", day(4, 9), day(4, 10))
    moved = alex.patch(f"/me/events/{third['id']}", json={"start": {"dateTime": day(4, 11), "timeZone": "UTC"},
                                                           "end": {"dateTime": day(4, 12), "timeZone": "UTC"}})
    assert room_status(moved.json()) == "accepted"
    assert [e["start"]["dateTime"][:16] for e in room_events(org)] == [day(4, 11)[:16]]
    assert room_status(book(megan, "Takes the old slot", day(4, 9), day(4, 10))) == "accepted"
    clash = alex.patch(f"/me/events/{third['id']}", json={"start": {"dateTime": day(4, 9), "timeZone": "UTC"},
                                                           "end": {"dateTime": day(4, 10), "timeZone": "UTC"}})
    assert room_status(clash.json()) == "declined"
    assert len(room_events(org)) == 1
    retitled = alex.patch(f"/me/events/{third['id']}", json={"subject": "Renamed"})
    assert room_status(retitled.json()) == "declined"   # no new time: the answer stands
    fourth = book(alex, "Fourth", day(5, 9), day(5, 10))
    alex.patch(f"/me/events/{fourth['id']}", json={"attendees": []})
    assert [e["subject"] for e in room_events(org)] == ["Megan Bowen"]


@pytest.mark.parametrize("policy, start, end, text", [
    ({}, (200, 9), (200, 10), "This resource can only be scheduled up to 180 days in advance."),
    ({"max_duration_minutes": 60}, (3, 9), (3, 11), "This resource doesn't accept meetings longer than 60 minutes."),
    ({}, (-2, 9), (-2, 10), "The invitation was declined because it occurred in the past."),
    ({"work_hours_only": True}, (3, 18), (3, 19), "This resource can only be scheduled during the working hours"),
])
def test_policy_declines(tenant, org, policy, start, end, text):
    if policy:
        set_policy(tenant, "hood@contoso.com", **policy)
    answer = book(org["alex"], "Ask", day(*start), day(*end))
    assert room_status(answer) == "declined"
    assert text in inbox(org["alex"])[-1]["body"]["content"]
    assert room_events(org) == []


def test_reserved_room_declines(tenant, alice, org):
    writer = api(tenant, alice, ["Place.ReadWrite.All"])
    assert writer.patch("/places/hood@contoso.com", json={"bookingType": "reserved"}).status_code == 200
    assert room_status(book(org["alex"], "Ask", day(3, 9), day(3, 10))) == "declined"
    assert "You don't have permission to book this resource." in inbox(org["alex"])[-1]["body"]["content"]


def _weekly(first: date, count: int | None) -> dict:
    rng = ({"type": "numbered", "startDate": first.isoformat(), "numberOfOccurrences": count} if count
           else {"type": "noEnd", "startDate": first.isoformat()})
    return {"pattern": {"type": "weekly", "interval": 1, "daysOfWeek": [first.strftime("%A").lower()]}, "range": rng}


def test_series_occurrence_by_occurrence(tenant, org):
    first = date.fromisoformat(day(7, 0)[:10])
    book(org["megan"], "Blocker", day(14, 9), day(14, 10))      # the second occurrence's slot
    whole = book(org["alex"], "Weekly", day(7, 9), day(7, 10), recurrence=_weekly(first, 4))
    assert room_status(whole) == "declined"                      # default: no conflicting occurrence allowed
    assert "conflicts" in inbox(org["alex"])[-1]["body"]["content"]
    assert org["alex"].delete(f"/me/events/{whole['id']}").status_code == 204

    set_policy(tenant, "hood@contoso.com", conflict_percentage_allowed=50, max_conflict_instances=1)
    series = book(org["alex"], "Weekly", day(7, 9), day(7, 10), recurrence=_weekly(first, 4))
    assert room_status(series) == "accepted"
    subjects = [m["subject"] for m in inbox(org["alex"])]
    assert subjects[-2:] == ["Accepted: Weekly", "Declined: Weekly"]
    view = org["app"].get(f"/users/hood@contoso.com/calendarView?startDateTime={day(6, 0)}Z"
                          f"&endDateTime={day(36, 0)}Z").json()["value"]
    starts = sorted((e["subject"], e["start"]["dateTime"][:10]) for e in view)
    assert starts == sorted([("Alex Wilber", day(7, 0)[:10]), ("Megan Bowen", day(14, 0)[:10]),
                             ("Alex Wilber", day(21, 0)[:10]), ("Alex Wilber", day(28, 0)[:10])])


def test_series_without_end_or_when_recurring_is_refused(tenant, org):
    first = date.fromisoformat(day(7, 0)[:10])
    endless = book(org["alex"], "Forever", day(7, 9), day(7, 10), recurrence=_weekly(first, None))
    assert room_status(endless) == "declined"
    assert "days in advance" in inbox(org["alex"])[-1]["body"]["content"]
    set_policy(tenant, "hood@contoso.com", allow_recurring=False)
    assert room_status(book(org["alex"], "Weekly", day(7, 11), day(7, 12), recurrence=_weekly(first, 2))) == "declined"
    assert "This resource doesn't accept repeating meetings." in inbox(org["alex"])[-1]["body"]["content"]


def test_auto_update_room_keeps_requests_pending(tenant, org):
    set_policy(tenant, "hood@contoso.com", automate="AutoUpdate")
    pending = book(org["alex"], "Pending", day(3, 9), day(3, 10))
    assert room_status(pending) == "none"
    copy, = room_events(org)
    assert (copy["showAs"], copy["responseStatus"]["response"]) == ("tentative", "notResponded")
    assert not [m for m in inbox(org["alex"]) if m["from"]["emailAddress"]["address"] == "hood@contoso.com"]
    set_policy(tenant, "hood@contoso.com", automate="None")
    assert room_status(book(org["megan"], "Ignored", day(3, 11), day(3, 12))) == "none"
    assert len(room_events(org)) == 1


def test_one_occurrence_cancelled_or_moved_frees_its_slot(org):
    first = date.fromisoformat(day(7, 0)[:10])
    series = book(org["alex"], "Weekly", day(7, 9), day(7, 10), recurrence=_weekly(first, 4))
    assert room_status(series) == "accepted"
    occurrences = org["alex"].get(f"/me/events/{series['id']}/instances?startDateTime={day(6, 0)}Z"
                                  f"&endDateTime={day(36, 0)}Z").json()["value"]
    assert len(occurrences) == 4
    assert org["alex"].post(f"/me/events/{occurrences[1]['id']}/cancel", json={}).status_code == 202
    moved = org["alex"].patch(f"/me/events/{occurrences[2]['id']}", json={
        "start": {"dateTime": day(21, 13), "timeZone": "UTC"}, "end": {"dateTime": day(21, 14), "timeZone": "UTC"}})
    assert moved.status_code == 200, moved.text
    view = org["app"].get(f"/users/hood@contoso.com/calendarView?startDateTime={day(6, 0)}Z"
                          f"&endDateTime={day(36, 0)}Z").json()["value"]
    assert sorted(e["start"]["dateTime"][:16] for e in view) == sorted(
        [day(7, 9)[:16], day(21, 13)[:16], day(28, 9)[:16]])
    assert room_status(book(org["megan"], "Cancelled slot", day(14, 9), day(14, 10))) == "accepted"
    assert room_status(book(org["megan"], "Old slot", day(21, 9), day(21, 10))) == "accepted"
    assert room_status(book(org["megan"], "New slot", day(21, 13), day(21, 14))) == "declined"
    assert org["alex"].delete(f"/me/events/{series['id']}").status_code == 204
    left = org["app"].get(f"/users/hood@contoso.com/calendarView?startDateTime={day(6, 0)}Z"
                          f"&endDateTime={day(36, 0)}Z").json()["value"]
    assert sorted(e["subject"] for e in left) == ["Megan Bowen", "Megan Bowen"]
