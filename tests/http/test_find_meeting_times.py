"""findMeetingTimes over HTTP: the worked examples, working hours from mailboxSettings in each person's zone,
rooms and locationConstraint, Prefer, the body spellings clients send, errors and permissions."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tests.http.availability_helpers import add_room, api, create, event, utc
from tests.http.conftest import assert_error


def monday(week: int = 1) -> datetime:
    today = datetime.now(timezone.utc).date()
    day = today + timedelta(days=(7 - today.weekday()) % 7 or 7) + timedelta(weeks=week - 1)
    return datetime(day.year, day.month, day.day)


def t(hour: float, days: int = 0) -> str:
    return (monday() + timedelta(days=days, hours=hour)).isoformat()


@pytest.fixture
def office(tenant):
    alex = tenant.user("alex@contoso.com", "Alex Wilber")
    adele = tenant.user("adele@contoso.com", "Adele Vance")
    megan = tenant.user("megan@contoso.com", "Megan Bowen")
    as_alex, as_adele, as_megan = api(tenant, alex), api(tenant, adele), api(tenant, megan)
    create(as_alex, event("Alex busy", t(9), t(10)))
    create(as_adele, event("Standup", t(9), t(9.25)))
    create(as_adele, event("Tentative", t(10), t(11), showAs="tentative"))
    create(as_adele, event("Busy", t(10.5), t(11.5)))
    create(as_adele, event("Free", t(11.5), t(12.5), showAs="free"))
    create(as_megan, event("Vacation", t(0), t(0, 1), isAllDay=True, showAs="oof"))
    return {"alex": as_alex, "adele": as_adele, "megan": as_megan}


def _attendee(address: str, type_: str = "required") -> dict:
    return {"type": type_, "emailAddress": {"name": address.split("@")[0], "address": address}}


def _constraint(start: str, end: str, domain: str = "work") -> dict:
    return {"activityDomain": domain, "timeSlots": [{"start": utc(start), "end": utc(end)}]}


def test_worked_example_f1(office):
    response = office["alex"].post("/me/findMeetingTimes", json={
        "attendees": [_attendee("adele@contoso.com")], "timeConstraint": _constraint(t(9), t(14)),
        "meetingDuration": "PT1H", "maxCandidates": 3, "returnSuggestionReasons": True})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["@odata.context"] == ("http://testserver/v1.0/$metadata#microsoft.graph."
                                      "meetingTimeSuggestionsResult")
    assert body["emptySuggestionsReason"] == ""
    first = body["meetingTimeSuggestions"][0]
    assert first == {
        "confidence": 100.0, "order": 1, "organizerAvailability": "free",
        "suggestionReason": "Suggested because it is one of the nearest times when all attendees are available.",
        "attendeeAvailability": [{"availability": "free", "attendee": {
            "type": "required", "emailAddress": {"address": "adele@contoso.com"}}}],
        "locations": [],
        "meetingTimeSlot": {"start": utc(t(11.5) + ".0000000"), "end": utc(t(12.5) + ".0000000")}}
    assert [(s["order"], s["meetingTimeSlot"]["start"]["dateTime"][11:16]) for s in body["meetingTimeSuggestions"]] == [
        (1, "11:30"), (2, "12:00"), (3, "12:30")]


def test_unknown_attendee_threshold_and_reasons_f2_f3(office):
    base = {"timeConstraint": _constraint(t(11.5), t(12.5)), "meetingDuration": "PT1H"}
    body = office["alex"].post("/me/findMeetingTimes", json={
        **base, "attendees": [_attendee("adele@contoso.com"), _attendee("nobody@contoso.com")]}).json()
    suggestion, = body["meetingTimeSuggestions"]
    assert suggestion["confidence"] == 74.5 and "suggestionReason" not in suggestion
    assert suggestion["attendeeAvailability"][1]["availability"] == "unknown"
    strict = office["alex"].post("/me/findMeetingTimes", json={
        **base, "attendees": [_attendee("adele@contoso.com"), _attendee("nobody@contoso.com")],
        "minimumAttendeePercentage": "80"}).json()
    assert strict == {"@odata.context": strict["@odata.context"],
                      "emptySuggestionsReason": "AttendeesUnavailableOrUnknown", "meetingTimeSuggestions": []}
    f3 = office["alex"].post("/me/findMeetingTimes", json={
        "attendees": [_attendee("adele@contoso.com")], "timeConstraint": _constraint(t(10), t(11.5)),
        "meetingDuration": "PT1H", "minimumAttendeePercentage": 100}).json()
    assert f3["emptySuggestionsReason"] == "AttendeesUnavailable"
    with_megan = office["alex"].post("/me/findMeetingTimes", json={
        "attendees": [_attendee("adele@contoso.com"), _attendee("megan@contoso.com", "optional")],
        "timeConstraint": _constraint(t(9), t(14)), "meetingDuration": "PT1H"}).json()
    assert {s["confidence"] for s in with_megan["meetingTimeSuggestions"]} == {50.0}


def test_weekend_and_activity_domains_f4(office):
    saturday = {"attendees": [_attendee("adele@contoso.com")], "meetingDuration": "PT1H"}
    work = office["alex"].post("/me/findMeetingTimes", json={**saturday, "timeConstraint": _constraint(
        t(10, 5), t(12, 5))}).json()
    assert work["emptySuggestionsReason"] == "OrganizerUnavailable"
    for domain in ("unrestricted", "Personal"):
        found = office["alex"].post("/me/findMeetingTimes", json={**saturday, "timeConstraint": _constraint(
            t(10, 5), t(12, 5), domain)}).json()["meetingTimeSuggestions"]
        assert [s["meetingTimeSlot"]["start"]["dateTime"][11:16] for s in found] == ["10:00", "10:30", "11:00"]


def test_working_hours_from_mailbox_settings_in_their_zone(office):
    """Adele works 08-17 in Tokyo: only 23:00-08:00 UTC around her weekdays is inside them."""
    assert office["adele"].patch("/me/mailboxSettings", json={"workingHours": {
        "timeZone": {"name": "Tokyo Standard Time"}}}).status_code == 200
    body = office["alex"].post("/me/findMeetingTimes", json={
        "attendees": [_attendee("adele@contoso.com")], "isOrganizerOptional": "true",
        "timeConstraint": _constraint(t(-1, 1), t(12, 1)), "meetingDuration": "PT2H", "maxCandidates": 50}).json()
    starts = [s["meetingTimeSlot"]["start"]["dateTime"][11:16] for s in body["meetingTimeSuggestions"]]
    assert starts[:4] == ["23:00", "23:30", "00:00", "00:30"]
    assert all(s in ("23:00", "23:30") or "00:00" <= s <= "06:00" for s in starts)


def test_rooms_locations_and_prefer(tenant, office):
    add_room(tenant, "hood@contoso.com", "Conf Room Hood")
    add_room(tenant, "adams@contoso.com", "Conf Room Adams")
    create(office["megan"], event("Room taken", t(12), t(13), attendees=[_attendee("hood@contoso.com", "resource")]))
    response = office["alex"].post("/me/findMeetingTimes", headers={"Prefer": 'outlook.timezone="Tokyo Standard Time"'},
                                   json={"attendees": [_attendee("adele@contoso.com")],
                                         "timeConstraint": _constraint(t(11.5), t(14)), "meetingDuration": "PT1H",
                                         "locationConstraint": {"isRequired": "false", "suggestLocation": False,
                                                                "locations": [{"displayName": "Conf Room Hood",
                                                                               "locationEmailAddress": "hood@contoso.com"}]}})
    found = response.json()["meetingTimeSuggestions"]
    by_start = {s["meetingTimeSlot"]["start"]["dateTime"][11:16]: s["locations"] for s in found}
    assert by_start["22:00"] == [{"displayName": "Conf Room Hood", "locationEmailAddress": "hood@contoso.com"}]
    assert by_start["20:30"] == [{"displayName": "Conf Room Adams", "locationEmailAddress": "adams@contoso.com"}]
    assert found[0]["meetingTimeSlot"]["start"]["timeZone"] == "Tokyo Standard Time"
    suggested = office["alex"].post("/me/findMeetingTimes", json={
        "timeConstraint": _constraint(t(12), t(13)), "meetingDuration": "PT1H",
        "locationConstraint": {"isRequired": True, "suggestLocation": True}}).json()["meetingTimeSuggestions"]
    assert suggested[0]["locations"] == [{"displayName": "Conf Room Adams", "locationEmailAddress": "adams@contoso.com"}]
    resource = office["alex"].post("/me/findMeetingTimes", json={
        "attendees": [_attendee("hood@contoso.com", "resource")], "timeConstraint": _constraint(t(12), t(13)),
        "meetingDuration": "PT1H"}).json()
    assert resource["emptySuggestionsReason"] == "AttendeesUnavailable"


def test_empty_body_uses_the_defaults(office):
    body = office["alex"].post("/me/findMeetingTimes", json={}).json()
    assert len(body["meetingTimeSuggestions"]) <= 5


@pytest.mark.parametrize("body, code, message", [
    ({"meetingDuration": "InvalidTimeFormat"}, "RequestBodyRead",
     "Cannot convert the literal 'InvalidTimeFormat' to the expected type 'Edm.Duration'."),
    ({"meetingDuration": "PT0M"}, "ErrorInvalidParameter", "The value of parameter 'MeetingDuration' is invalid."),
    ({"maxCandidates": 0}, "ErrorInvalidParameter", "The value of parameter 'MaxCandidates' is invalid."),
    ({"minimumAttendeePercentage": 101}, "ErrorInvalidParameter", None),
    ({"attendees": [{"type": "boss", "emailAddress": {"address": "a@contoso.com"}}]}, "ErrorInvalidParameter", None),
    ({"attendees": [_attendee(f"p{n}@contoso.com") for n in range(101)]}, "ErrorMailboxDataArrayTooBig", None),
    ({"timeConstraint": {"timeSlots": [{"start": utc("2030-01-01T00:00:00"), "end": utc("2030-03-05T00:00:00")}]}},
     "ErrorTimeIntervalTooBig", None),
    ({"timeConstraint": {"timeSlots": [{"start": {"dateTime": "2030-01-01T00:00:00", "timeZone": "Mars"},
                                        "end": utc("2030-01-02T00:00:00")}]}}, "TimeZoneNotSupportedException", None),
])
def test_errors(office, body, code, message):
    assert_error(office["alex"].post("/me/findMeetingTimes", json=body), 400, code, message)


def test_permissions(tenant, office):
    with tenant.store.unit_of_work() as uow:
        alex, adele = uow.get_mailbox("alex@contoso.com"), uow.get_mailbox("adele@contoso.com")
    assert_error(tenant.app_api(["Calendars.ReadWrite"]).post(f"/users/{alex.id}/findMeetingTimes", json={}),
                 403, "ErrorAccessDenied")
    assert_error(api(tenant, alex, ["Calendars.ReadBasic"]).post("/me/findMeetingTimes", json={}),
                 403, "ErrorAccessDenied")
    assert_error(office["alex"].post(f"/users/{adele.id}/findMeetingTimes", json={}), 403, "ErrorAccessDenied")
    assert office["alex"].post(f"/users/{alex.address}/findMeetingTimes", json={}).status_code == 200
