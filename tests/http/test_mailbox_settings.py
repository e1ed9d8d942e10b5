"""mailboxSettings over HTTP: defaults, single members, PATCH merging and Graph's validation errors,
supportedTimeZones in both forms and the SDK spellings, supportedLanguages, permissions."""

from __future__ import annotations

import pytest

from tests.http.availability_helpers import api
from tests.http.conftest import assert_error

DEFAULT_HOURS = {"daysOfWeek": ["monday", "tuesday", "wednesday", "thursday", "friday"],
                 "startTime": "08:00:00.0000000", "endTime": "17:00:00.0000000", "timeZone": {"name": "UTC"}}


@pytest.fixture
def me(tenant, alice):
    return api(tenant, alice)


def test_defaults_of_a_new_mailbox(me, alice):
    body = me.get("/me/mailboxSettings").json()
    assert body["@odata.context"] == f"http://testserver/v1.0/$metadata#users('{alice.id}')/mailboxSettings"
    assert body["timeZone"] == "UTC"
    assert body["workingHours"] == DEFAULT_HOURS
    assert body["language"] == {"locale": "en-US", "displayName": "English (United States)"}
    assert (body["dateFormat"], body["timeFormat"], body["userPurpose"]) == ("M/d/yyyy", "h:mm tt", "user")
    assert body["delegateMeetingMessageDeliveryOptions"] == "sendToDelegateAndInformationToPrincipal"
    replies = body["automaticRepliesSetting"]
    assert (replies["status"], replies["externalAudience"]) == ("disabled", "all")
    assert replies["internalReplyMessage"] == replies["externalReplyMessage"] == ""
    assert replies["scheduledStartDateTime"]["timeZone"] == "UTC"


def test_users_route_by_upn_and_single_members(tenant, me, alice):
    assert me.get("/users/ALICE@contoso.com/mailboxSettings").json()["timeZone"] == "UTC"
    zone = me.get("/me/mailboxSettings/timeZone")
    assert zone.json() == {"@odata.context": f"http://testserver/v1.0/$metadata#users('{alice.id}')/mailboxSettings/timeZone",
                           "value": "UTC"}
    hours = me.get("/me/mailboxSettings/workingHours").json()
    assert hours.pop("@odata.context").endswith("/mailboxSettings/workingHours")
    assert hours == DEFAULT_HOURS
    assert me.get("/me/mailboxSettings/userPurpose").json()["value"] == "user"
    assert me.get("/me/mailboxSettings/language").json()["locale"] == "en-US"
    assert_error(me.get("/me/mailboxSettings/nothing"), 404, "UnknownError")


def test_patch_merges_members_and_answers_what_was_sent(me):
    response = me.patch("/me/mailboxSettings", json={
        "TimeZone": "Pacific Standard Time",
        "workingHours": {"daysOfWeek": ["Monday", "wednesday"], "endTime": "18:30:00",
                         "timeZone": {"name": "Europe/Paris"}},
        "automaticRepliesSetting": {"status": "Scheduled",
                                    "scheduledStartDateTime": {"dateTime": "2030-03-01T00:00:00", "timeZone": "UTC"},
                                    "scheduledEndDateTime": {"dateTime": "2030-03-08T00:00:00", "timeZone": "UTC"},
                                    "internalReplyMessage": "<p>Away</p>"},
        "userPurpose": "room", "language": {"locale": "fr-fr", "displayName": "ignored"},
    })
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"@odata.context", "timeZone", "workingHours", "automaticRepliesSetting", "userPurpose",
                         "language"}
    assert body["timeZone"] == "Pacific Standard Time"
    assert body["workingHours"] == {"daysOfWeek": ["monday", "wednesday"], "startTime": "08:00:00.0000000",
                                    "endTime": "18:30:00.0000000", "timeZone": {"name": "Europe/Paris"}}
    assert body["automaticRepliesSetting"]["status"] == "scheduled"
    assert body["automaticRepliesSetting"]["externalAudience"] == "all"
    assert body["automaticRepliesSetting"]["internalReplyMessage"] == "<p>Away</p>"
    assert body["userPurpose"] == "user"
    assert body["language"] == {"locale": "fr-FR", "displayName": "French (France)"}
    again = me.get("/me/mailboxSettings").json()
    assert again["workingHours"]["startTime"] == "08:00:00.0000000"
    assert again["dateFormat"] == "M/d/yyyy"
    shown = me.get("/me/mailboxSettings/automaticRepliesSetting",
                   headers={"Prefer": 'outlook.timezone="Pacific Standard Time"'}).json()
    assert shown["scheduledStartDateTime"] == {"dateTime": "2030-02-28T16:00:00.0000000",
                                               "timeZone": "Pacific Standard Time"}


def test_custom_time_zone_is_stored_and_echoed(me):
    custom = {"@odata.type": "#microsoft.graph.customTimeZone", "bias": 480, "name": "Customized Time Zone",
              "standardOffset": {"time": "02:00:00.0000000", "dayOccurrence": 1, "dayOfWeek": "sunday",
                                 "month": 11, "year": 0},
              "daylightOffset": {"time": "02:00:00.0000000", "dayOccurrence": 2, "dayOfWeek": "sunday",
                                 "month": 3, "year": 0, "daylightBias": -60}}
    response = me.patch("/me/mailboxSettings", json={"workingHours": {"timeZone": custom}})
    assert response.status_code == 200, response.text
    assert me.get("/me/mailboxSettings/workingHours").json()["timeZone"] == custom


@pytest.mark.parametrize("body, status, code, message", [
    ({"workingHours": {"startTime": "08"}}, 400, "RequestBodyRead",
     "Cannot convert the literal '08' to the expected type 'Edm.TimeOfDay'."),
    ({"workingHours": {"startTime": "18:00:00", "endTime": "09:00:00"}}, 400, "ErrorInvalidTimeSettings",
     "Start Time should occur before End Time."),
    ({"workingHours": {"daysOfWeek": ["monday", "RandomDay"]}}, 400, "InvalidArguments",
     "Requested value 'RandomDay' was not found."),
    ({"workingHours": {"timeZone": {"name": "Mars Standard Time"}}}, 400, "InvalidTimeZone",
     "Time Zone settings provided are invalid."),
    ({"timeZone": "Nowhere/Else"}, 400, "InvalidTimeZone", "Time Zone settings provided are invalid."),
    ({"automaticRepliesSetting": {"status": "scheduled",
                                  "scheduledStartDateTime": {"dateTime": "2030-03-02T00:00:00", "timeZone": "UTC"},
                                  "scheduledEndDateTime": {"dateTime": "2030-03-01T00:00:00", "timeZone": "UTC"}}},
     400, "ErrorInvalidScheduledOofDuration", "The scheduled duration for sending automatic replies isn't valid."),
    ({"automaticRepliesSetting": {"status": "sometimes"}}, 400, "RequestBodyRead", None),
    ({"language": {"locale": "xx-YY"}}, 400, "ErrorInvalidParameter", None),
    ({"delegateMeetingMessageDeliveryOptions": "toNobody"}, 400, "RequestBodyRead", None),
])
def test_patch_errors(me, body, status, code, message):
    assert_error(me.patch("/me/mailboxSettings", json=body), status, code, message)
    assert me.get("/me/mailboxSettings").json()["workingHours"] == DEFAULT_HOURS  # nothing half-written


def test_permissions(tenant, alice, bob):
    read_only = api(tenant, alice, ["MailboxSettings.Read", "User.Read"])
    assert read_only.get("/me/mailboxSettings").status_code == 200
    assert_error(read_only.patch("/me/mailboxSettings", json={"timeZone": "UTC"}), 403, "ErrorAccessDenied")
    calendars_only = api(tenant, alice, ["Calendars.ReadWrite"])
    assert_error(calendars_only.get("/me/mailboxSettings"), 403, "ErrorAccessDenied")
    assert_error(api(tenant, alice).get(f"/users/{bob.id}/mailboxSettings"), 403, "ErrorAccessDenied")
    app = tenant.app_api(["MailboxSettings.Read"])
    assert app.get(f"/users/{bob.address}/mailboxSettings").json()["timeZone"] == "UTC"
    assert_error(app.get("/me/mailboxSettings"), 400, "BadRequest")
    assert_error(app.patch(f"/users/{bob.id}/mailboxSettings", json={"timeZone": "UTC"}), 403, "ErrorAccessDenied")


@pytest.mark.parametrize("path", [
    "/me/outlook/supportedTimeZones", "/me/outlook/supportedTimeZones()",
    "/me/outlook/supportedTimeZones(TimeZoneStandard=microsoft.graph.timeZoneStandard'Windows')",
])
def test_supported_time_zones_windows(me, path):
    body = me.get(path).json()
    assert body["@odata.context"].endswith("$metadata#Collection(microsoft.graph.timeZoneInformation)")
    zones = {z["alias"]: z["displayName"] for z in body["value"]}
    assert zones["Pacific Standard Time"] == "(UTC-08:00) Pacific Time (US & Canada)"
    assert zones["India Standard Time"] == "(UTC+05:30) Chennai, Kolkata, Mumbai, New Delhi"
    assert "Europe/Paris" not in zones


def test_supported_time_zones_iana_and_what_patch_accepts(me, alice):
    path = f"/users/{alice.id}/outlook/supportedTimeZones(TimeZoneStandard=microsoft.graph.timeZoneStandard'iana')"
    zones = me.get(path).json()["value"]
    names = [z["alias"] for z in zones]
    assert "America/Los_Angeles" in names and "Asia/Kolkata" in names
    assert all(z["alias"] == z["displayName"] for z in zones)
    for name in ("America/Los_Angeles", "Tokyo Standard Time"):
        assert me.patch("/me/mailboxSettings", json={"timeZone": name}).status_code == 200
    assert me.get("/me/mailboxSettings/timeZone").json()["value"] == "Tokyo Standard Time"
    bad = "/me/outlook/supportedTimeZones(TimeZoneStandard=microsoft.graph.timeZoneStandard'Martian')"
    assert_error(me.get(bad), 400, "RequestBodyRead")


def test_supported_languages(me):
    languages = me.get("/me/outlook/supportedLanguages").json()["value"]
    assert {"locale": "en-US", "displayName": "English (United States)"} in languages
