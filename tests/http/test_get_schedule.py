"""getSchedule over HTTP: the worked examples (availabilityView, items and what the caller may see of
them, working hours, per-schedule errors), Prefer, series with exceptions and cancellations, declined
and cancelled meetings, all-day events, rooms and groups, the request errors in Graph's order."""

from __future__ import annotations

import pytest

from calgraph.core.availability import freebusy

from tests.http.availability_helpers import add_room, api, create, event, set_level, utc
from tests.http.conftest import assert_error

WINDOW = {"startTime": utc("2030-03-04T09:00:00"), "endTime": utc("2030-03-04T12:00:00"),
          "availabilityViewInterval": 30}


@pytest.fixture
def people(tenant):
    alex = tenant.user("alex@contoso.com", "Alex Wilber")
    adele = tenant.user("adele@contoso.com", "Adele Vance")
    megan = tenant.user("megan@contoso.com", "Megan Bowen")
    lynne = tenant.user("lynne@contoso.com", "Lynne Robbins")
    as_adele, as_alex, as_megan = api(tenant, adele), api(tenant, alex), api(tenant, megan)
    create(as_adele, event("Standup", "2030-03-04T09:00:00", "2030-03-04T09:15:00"))
    cancelled = create(as_alex, event("Cancelled sync", "2030-03-04T09:30:00", "2030-03-04T10:00:00",
                                      attendees=[{"emailAddress": {"address": "adele@contoso.com"}}]))
    assert as_alex.post(f"/me/events/{cancelled['id']}/cancel", json={}).status_code == 202
    create(api(tenant, lynne), event("Review", "2030-03-04T10:00:00", "2030-03-04T11:00:00",
                           attendees=[{"emailAddress": {"address": "adele@contoso.com"}}]))   # unanswered: tentative
    create(as_adele, event("Private thing", "2030-03-04T10:30:00", "2030-03-04T11:30:00", sensitivity="private",
                           location={"displayName": "Home"}))
    create(as_adele, event("Lunch", "2030-03-04T11:30:00", "2030-03-04T12:30:00", showAs="free"))
    create(as_megan, event("Vacation", "2030-03-04T00:00:00", "2030-03-05T00:00:00", isAllDay=True, showAs="oof"))
    set_level(tenant, megan, "limitedDetails")
    return {"alex": as_alex, "adele": as_adele, "megan": as_megan}


def _post(client, body, path="/me/calendar/getSchedule", **kw):
    return client.post(path, json=body, **kw)


def test_worked_example_g1(people):
    response = _post(people["alex"], {"schedules": ["adele@contoso.com", "MEGAN@contoso.com", "nobody@contoso.com"],
                                      **WINDOW})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["@odata.context"] == ("http://testserver/v1.0/$metadata#Collection("
                                      "microsoft.graph.scheduleInformation)")
    adele, megan, nobody = body["value"]
    assert adele["scheduleId"] == "adele@contoso.com" and "error" not in adele
    assert adele["availabilityView"] == "201220"
    assert [(i["status"], i["start"]["dateTime"][11:16], i["end"]["dateTime"][11:16]) for i in adele["scheduleItems"]] == [
        ("busy", "09:00", "09:15"), ("free", "09:30", "10:00"), ("tentative", "10:00", "11:00"),
        ("busy", "10:30", "11:30"), ("free", "11:30", "12:30")]
    assert all(set(i) == {"status", "start", "end"} for i in adele["scheduleItems"])   # availabilityOnly
    assert adele["scheduleItems"][0]["start"] == {"dateTime": "2030-03-04T09:00:00.0000000", "timeZone": "UTC"}
    assert adele["workingHours"] == {"daysOfWeek": ["monday", "tuesday", "wednesday", "thursday", "friday"],
                                     "startTime": "08:00:00.0000000", "endTime": "17:00:00.0000000",
                                     "timeZone": {"name": "UTC"}}
    assert megan["scheduleId"] == "MEGAN@contoso.com" and megan["availabilityView"] == "333333"
    assert megan["scheduleItems"] == [{"isPrivate": False, "status": "oof", "subject": "Vacation", "location": "",
                                       "start": utc("2030-03-04T00:00:00.0000000"),
                                       "end": utc("2030-03-05T00:00:00.0000000")}]
    assert nobody == {"scheduleId": "nobody@contoso.com", "error": {
        "message": "Unable to resolve e-mail address nobody@contoso.com to an Active Directory object.",
        "responseCode": "5009"}}


def test_prefer_converts_items_only_g2(people):
    response = _post(people["alex"], {"schedules": ["adele@contoso.com"], **WINDOW},
                     headers={"Prefer": 'outlook.timezone="Pacific Standard Time"'})
    adele = response.json()["value"][0]
    assert adele["scheduleItems"][0]["start"] == {"dateTime": "2030-03-04T01:00:00.0000000",
                                                  "timeZone": "Pacific Standard Time"}
    assert adele["availabilityView"] == "201220" and adele["workingHours"]["timeZone"] == {"name": "UTC"}
    assert response.headers["Preference-Applied"] == 'outlook.timezone="Pacific Standard Time"'


def test_own_schedule_shows_private_details_g3(people):
    items = _post(people["adele"], {"schedules": ["adele@contoso.com"], **WINDOW}).json()["value"][0]["scheduleItems"]
    private = next(i for i in items if i.get("isPrivate"))
    assert (private["subject"], private["location"]) == ("Private thing", "Home")
    assert items[0] == {"isPrivate": False, "status": "busy", "subject": "Standup", "location": "",
                        "start": utc("2030-03-04T09:00:00.0000000"), "end": utc("2030-03-04T09:15:00.0000000")}


def test_share_and_app_token_see_limited_details_never_private_subjects(tenant, people):
    share = people["adele"].post("/me/calendar/calendarPermissions", json={
        "emailAddress": {"address": "alex@contoso.com"}, "role": "read"})
    assert share.status_code == 201, share.text
    for client in (people["alex"], tenant.app_api(["Calendars.Read"])):
        path = "/users/alex@contoso.com/calendar/getSchedule"
        items = _post(client, {"schedules": ["adele@contoso.com"], **WINDOW}, path).json()["value"][0]["scheduleItems"]
        assert items[0]["subject"] == "Standup"
        private = next(i for i in items if i["isPrivate"])
        assert set(private) == {"isPrivate", "status", "start", "end"}


def test_level_none_and_too_many_items(tenant, people, monkeypatch):
    monkeypatch.setattr(freebusy, "MAX_ITEMS", 4)
    first, second = _post(people["alex"], {"schedules": ["adele@contoso.com", "megan@contoso.com"], **WINDOW}).json()["value"]
    assert first == {"scheduleId": "adele@contoso.com", "error": {
        "message": "The result set contains too many calendar entries. The allowed size = 4; the actual size = 5.",
        "responseCode": "5006"}}
    assert second["availabilityView"] == "333333"
    with tenant.store.unit_of_work() as uow:
        target = uow.get_mailbox("adele@contoso.com")
    set_level(tenant, target, "none")
    entry = _post(people["alex"], {"schedules": ["adele@contoso.com"], **WINDOW}).json()["value"][0]
    assert entry == {"scheduleId": "adele@contoso.com", "error": {
        "message": "The caller does not have access to free/busy data.", "responseCode": "5037"}}


def test_series_occurrences_exceptions_cancellations_and_declines(tenant, people):
    alex, adele = people["alex"], people["adele"]
    series = create(adele, event("Daily", "2030-03-04T13:00:00", "2030-03-04T13:30:00", recurrence={
        "pattern": {"type": "daily", "interval": 1},
        "range": {"type": "numbered", "startDate": "2030-03-04", "numberOfOccurrences": 5}}))
    occurrences = adele.get(f"/me/events/{series['id']}/instances?startDateTime=2030-03-04T00:00:00Z"
                            "&endDateTime=2030-03-09T00:00:00Z").json()["value"]
    moved = adele.patch(f"/me/events/{occurrences[1]['id']}", json={
        "start": utc("2030-03-05T15:00:00"), "end": utc("2030-03-05T16:00:00"), "showAs": "oof"})
    assert moved.status_code == 200, moved.text
    assert adele.delete(f"/me/events/{occurrences[2]['id']}").status_code == 204
    declined = create(alex, event("Declined one", "2030-03-07T13:00:00", "2030-03-07T14:00:00",
                                  attendees=[{"emailAddress": {"address": "adele@contoso.com"}}]))
    copy = adele.get("/me/events?$filter=subject eq 'Declined one'").json()["value"][0]
    assert adele.post(f"/me/events/{copy['id']}/decline", json={}).status_code == 202
    assert declined["id"]
    body = {"schedules": ["adele@contoso.com"], "startTime": utc("2030-03-04T12:00:00"),
            "endTime": utc("2030-03-08T18:00:00"), "availabilityViewInterval": 1440}
    entry = _post(alex, body).json()["value"][0]
    spans = [(i["status"], i["start"]["dateTime"][:16]) for i in entry["scheduleItems"] if i["start"]["dateTime"] >= "2030-03-04T13"]
    assert spans == [("busy", "2030-03-04T13:00"), ("oof", "2030-03-05T15:00"), ("busy", "2030-03-07T13:00"),
                     ("busy", "2030-03-08T13:00")]
    assert entry["availabilityView"] == "23022"


def test_dst_day_has_23_hourly_slots_and_partial_last_slot(people):
    body = {"schedules": ["adele@contoso.com"],
            "startTime": {"dateTime": "2030-03-10T00:00:00", "timeZone": "Pacific Standard Time"},
            "endTime": {"dateTime": "2030-03-11T00:00:00", "timeZone": "Pacific Standard Time"},
            "availabilityViewInterval": "60"}
    assert len(_post(people["alex"], body).json()["value"][0]["availabilityView"]) == 23
    partial = {"schedules": ["adele@contoso.com"], "startTime": utc("2030-03-04T09:00:00"),
               "endTime": utc("2030-03-04T10:45:00"), "AvailabilityViewInterval": None}
    assert _post(people["alex"], partial).json()["value"][0]["availabilityView"] == "2012"


def test_rooms_groups_and_calendar_routes(tenant, people):
    add_room(tenant, "hood@contoso.com", "Conf Room Hood", capacity=10)
    tenant.group("team@contoso.com", "Team", ["adele@contoso.com"])
    body = {"Schedules": ["hood@contoso.com", "team@contoso.com"], **WINDOW}
    calendars = people["alex"].get("/me/calendars").json()["value"]
    for path in ("/me/calendar/getSchedule", f"/me/calendars/{calendars[0]['id']}/getSchedule",
                 "/users/adele@contoso.com/calendar/getSchedule"):
        room, group = _post(people["alex"], body, path).json()["value"]
        assert room["availabilityView"] == group["availabilityView"] == "000000"
        assert room["workingHours"]["daysOfWeek"][0] == "monday"


@pytest.mark.parametrize("body, code, message", [
    ({"startTime": utc("2030-03-04T09:00:00"), "endTime": utc("2030-03-04T10:00:00")},
     "ErrorMailboxDataArrayEmpty", "The MailboxData array is empty."),
    ({"schedules": [f"u{n}@contoso.com" for n in range(101)], **WINDOW}, "ErrorMailboxDataArrayTooBig",
     "There are too many target users in the EmailAddress array. The allowed size = 100; the actual size = 101."),
    ({"schedules": ["a@contoso.com"], "endTime": utc("2030-03-04T10:00:00")}, "ErrorInvalidParameter",
     "The parameter 'StartTime' is required."),
    ({"schedules": ["a@contoso.com"], "startTime": {"dateTime": "2030-03-04T09:00:00", "timeZone": "Mars"},
      "endTime": utc("2030-03-04T10:00:00")}, "TimeZoneNotSupportedException", None),
    ({"schedules": ["a@contoso.com"], **WINDOW, "availabilityViewInterval": 4}, "ErrorInvalidMergedFreeBusyInterval",
     "The specified merged free/busy interval is not valid. Specify an interval that is less than the free/busy "
     "time window and  between 5 and 1440 minutes."),
    ({"schedules": ["a@contoso.com"], "startTime": utc("2030-03-04T10:00:00"), "endTime": utc("2030-03-04T09:00:00")},
     "ErrorInvalidTimeInterval", "The time duration specified for FreeBusyViewOptions.TimeWindow is invalid."),
    ({"schedules": ["a@contoso.com"], "startTime": utc("2030-03-04T00:00:00"), "endTime": utc("2030-05-06T00:00:00")},
     "ErrorTimeIntervalTooBig", "The requested time duration specified for FreeBusyViewOptions.TimeWindow is too "
     "long. The allowed limit = 62 days; the actual limit = 63 days."),
    ({"schedules": ["a@contoso.com"], "startTime": utc("2030-03-04T09:00:00"), "endTime": utc("2030-03-04T09:20:00")},
     "ErrorInvalidMergedFreeBusyInterval", None),
    ({"schedules": ["a@contoso.com"], **WINDOW, "availabilityViewInterval": "thirty"}, "RequestBodyRead", None),
    ({"schedules": "a@contoso.com", **WINDOW}, "RequestBodyRead", None),
])
def test_request_errors(people, body, code, message):
    assert_error(_post(people["alex"], body), 400, code, message)


def test_window_of_62_days_and_23_hours_passes(people):
    body = {"schedules": ["adele@contoso.com"], "startTime": utc("2030-03-04T00:00:00"),
            "endTime": utc("2030-05-05T23:00:00"), "availabilityViewInterval": 1440}
    assert len(_post(people["alex"], body).json()["value"][0]["availabilityView"]) == 63


def test_permissions(tenant, people):
    with tenant.store.unit_of_work() as uow:
        alex = uow.get_mailbox("alex@contoso.com")
    body = {"schedules": ["adele@contoso.com"], **WINDOW}
    assert _post(api(tenant, alex, ["Calendars.ReadBasic"]), body).status_code == 200
    assert_error(_post(api(tenant, alex, ["User.Read", "Mail.Read"]), body), 403, "ErrorAccessDenied")
    assert_error(_post(tenant.app_api(["Calendars.Read"]), body), 400, "BadRequest")   # /me with an app token
