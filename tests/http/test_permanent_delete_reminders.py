"""permanentDelete of events and calendars, and reminderView."""

from __future__ import annotations

from tests.http.conftest import assert_error, event_body
from tests.http.test_meeting_invitations import create_meeting, messages, of_type, person

DAILY = {"pattern": {"type": "daily", "interval": 1},
         "range": {"type": "numbered", "startDate": "2025-01-15", "numberOfOccurrences": 3}}


def deleted_items(api) -> list[dict]:
    r = api.get("/me/mailFolders/deleteditems/messages?$top=100")
    assert r.status_code == 200, r.text
    return r.json()["value"]


def test_delete_keeps_the_meeting_in_deleted_items_permanent_delete_does_not(as_alice, as_bob, bob):
    kept = create_meeting(as_alice, [person(bob.address)], subject="Kept")
    gone = create_meeting(as_alice, [person(bob.address)], subject="Gone")
    assert as_alice.delete(f"/me/events/{kept['id']}").status_code == 204
    r = as_alice.post(f"/me/events('{gone['id']}')/permanentDelete")
    assert r.status_code == 204, r.text
    assert [e["subject"] for e in deleted_items(as_alice)] == ["Kept"]
    assert_error(as_alice.get(f"/me/events/{gone['id']}"), 404, "ErrorItemNotFound")
    # the attendee hears of both as of a cancel
    cancelled = sorted(m["subject"] for m in of_type(messages(as_bob), "eventMessage"))
    assert cancelled == ["Canceled: Gone", "Canceled: Kept"]
    assert all(e["isCancelled"] for e in as_bob.get("/me/events").json()["value"])
    assert_error(as_alice.post(f"/me/events/{gone['id']}/permanentDelete"), 404, "ErrorItemNotFound")


def test_permanent_delete_of_plain_events_series_and_occurrences(as_alice):
    plain = as_alice.post("/me/events", json=event_body("plain")).json()
    master = as_alice.post("/me/events", json=event_body("series", recurrence=DAILY)).json()
    occurrences = as_alice.get(f"/me/events/{master['id']}/instances?startDateTime=2025-01-01T00:00:00Z"
                               "&endDateTime=2025-02-01T00:00:00Z").json()["value"]
    assert as_alice.post(f"/me/calendar/events/{occurrences[1]['id']}/permanentDelete").status_code == 204
    left = as_alice.get(f"/me/events/{master['id']}/instances?startDateTime=2025-01-01T00:00:00Z"
                        "&endDateTime=2025-02-01T00:00:00Z").json()["value"]
    assert [o["id"] for o in left] == [occurrences[0]["id"], occurrences[2]["id"]]
    for ev in (plain, master):
        assert as_alice.post(f"/me/events/{ev['id']}/permanentDelete").status_code == 204
    assert as_alice.get("/me/events").json()["value"] == [] and deleted_items(as_alice) == []
    assert_error(as_alice.post(f"/me/events/{plain['id']}/permanentDelete", json={}), 404, "ErrorItemNotFound")


def test_permanent_delete_of_a_calendar_cancels_its_meetings(as_alice, as_bob, bob):
    cal = as_alice.post("/me/calendars", json={"name": "Projects"}).json()
    meeting = create_meeting(as_alice, [person(bob.address)], path=f"/me/calendars/{cal['id']}/events")
    as_alice.post(f"/me/calendars/{cal['id']}/events", json=event_body("solo"))
    r = as_alice.post(f"/me/calendars('{cal['id']}')/permanentDelete")
    assert r.status_code == 204, r.text
    assert_error(as_alice.get(f"/me/calendars/{cal['id']}"), 404, "ErrorItemNotFound")
    assert_error(as_alice.get(f"/me/events/{meeting['id']}"), 404, "ErrorItemNotFound")
    assert deleted_items(as_alice) == []
    assert [m["subject"] for m in of_type(messages(as_bob), "eventMessage")] == ["Canceled: Planning"]
    default = as_alice.get("/me/calendar").json()
    assert_error(as_alice.post(f"/me/calendars/{default['id']}/permanentDelete"), 400, "ErrorCannotDeleteObject")
    assert_error(as_bob.post(f"/users/alice@contoso.com/calendars/{default['id']}/permanentDelete"), 403,
                 "ErrorAccessDenied")


def reminders(api, start="2025-01-01T00:00:00", end="2025-02-01T00:00:00", **headers) -> list[dict]:
    r = api.get(f"/me/reminderView(startDateTime='{start}',endDateTime='{end}')", headers=headers)
    assert r.status_code == 200, r.text
    assert r.json()["@odata.context"].endswith("$metadata#Collection(microsoft.graph.reminder)")
    return r.json()["value"]


def test_reminder_view_lists_occurrences_and_honours_snooze_and_dismiss(as_alice):
    single = as_alice.post("/me/events", json=event_body("single", start="2025-01-20T09:00:00", end="2025-01-20T10:00:00",
                                                         zone="UTC", reminderMinutesBeforeStart=30)).json()
    master = as_alice.post("/me/events", json=event_body("daily", start="2025-01-15T08:00:00",
                                                         end="2025-01-15T08:30:00", zone="UTC", recurrence=DAILY)).json()
    as_alice.post("/me/events", json=event_body("quiet", zone="UTC", isReminderOn=False))
    as_alice.post("/me/events", json=event_body("later", start="2025-03-01T08:00:00", end="2025-03-01T09:00:00"))
    got = reminders(as_alice)
    assert [r["eventSubject"] for r in got] == ["daily", "daily", "daily", "single"]
    first = got[0]
    assert first["reminderFireTime"] == {"dateTime": "2025-01-15T07:45:00.0000000", "timeZone": "UTC"}
    assert first["eventStartTime"] == {"dateTime": "2025-01-15T08:00:00.0000000", "timeZone": "UTC"}
    assert got[3]["eventId"] == single["id"] and got[3]["changeKey"] == single["changeKey"]
    assert got[3]["reminderFireTime"]["dateTime"] == "2025-01-20T08:30:00.0000000"
    assert set(first) == {"eventId", "changeKey", "eventSubject", "eventStartTime", "eventEndTime", "eventLocation",
                          "eventWebLink", "reminderFireTime"}

    snooze = {"newReminderTime": {"dateTime": "2025-01-20T08:50:00", "timeZone": "UTC"}}
    assert as_alice.post(f"/me/events/{single['id']}/snoozeReminder", json=snooze).status_code == 200
    assert reminders(as_alice)[3]["reminderFireTime"]["dateTime"] == "2025-01-20T08:50:00.0000000"
    zoned = reminders(as_alice, Prefer='outlook.timezone="Pacific Standard Time"')
    assert zoned[3]["reminderFireTime"] == {"dateTime": "2025-01-20T00:50:00.0000000", "timeZone": "Pacific Standard Time"}
    assert as_alice.post(f"/me/events/{master['id']}/dismissReminder").status_code == 200
    assert [r["eventSubject"] for r in reminders(as_alice)] == ["single"]
    # the window: events overlapping it; the query-option form too
    r = as_alice.get("/me/reminderView?startDateTime=2025-01-20T09:30:00Z&endDateTime=2025-01-21T00:00:00Z")
    assert [x["eventSubject"] for x in r.json()["value"]] == ["single"]
    assert_error(as_alice.get("/me/reminderView(startDateTime='2025-01-01T00:00:00')"), 400, "BadRequest")
    assert_error(as_alice.get("/me/reminderView"), 400, "ErrorInvalidParameter")
