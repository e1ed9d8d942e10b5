"""Meeting invitations over HTTP (§5, decisions 12, 13, 22, 23, 26): what a new meeting gives each
invitee (a copy in their calendar, an eventMessageRequest in their Inbox), what the organizer keeps
(the request in Sent Items), and what the organizer's later changes send.

The helpers at the top are shared with test_meeting_cancel.py and test_meeting_forward_reminders.py.
"""

from __future__ import annotations

from typing import Any

import pytest

from calgraph.core.model import Mailbox
from tests.http.conftest import Api, Tenant, assert_error, event_body

NEVER = "0001-01-01T00:00:00Z"
NONE = {"response": "none", "time": NEVER}
EXPAND = "$expand=microsoft.graph.eventMessage/event"
# event_body()'s default time: 12:00-13:00 Pacific Standard Time, rendered in UTC
START_UTC = {"dateTime": "2025-01-15T20:00:00.0000000", "timeZone": "UTC"}
END_UTC = {"dateTime": "2025-01-15T21:00:00.0000000", "timeZone": "UTC"}


# -- helpers -----------------------------------------------------------------------------------------

def person(address: str, name: str = "", kind: str = "required") -> dict[str, Any]:
    """An attendee as a client writes it."""
    return {"type": kind, "emailAddress": {"address": address, "name": name}}


def create_meeting(api: Api, attendees: list[dict[str, Any]], path: str = "/me/events",
                   subject: str = "Planning", **extra: Any) -> dict[str, Any]:
    r = api.post(path, json=event_body(subject, attendees=attendees, **extra))
    assert r.status_code == 201, r.text
    return r.json()


def messages(api: Api, folder: str = "inbox") -> list[dict[str, Any]]:
    r = api.get(f"/me/mailFolders/{folder}/messages?$top=100")
    assert r.status_code == 200, r.text
    return r.json()["value"]


def only(items: list[dict[str, Any]]) -> dict[str, Any]:
    assert len(items) == 1, items
    return items[0]


def of_type(items: list[dict[str, Any]], odata_type: str) -> list[dict[str, Any]]:
    return [m for m in items if m["@odata.type"] == f"#microsoft.graph.{odata_type}"]


def calendar_events(api: Api, path: str = "/me/events") -> list[dict[str, Any]]:
    r = api.get(f"{path}?$top=100")
    assert r.status_code == 200, r.text
    return r.json()["value"]


def copies(api: Api, ical_uid: str) -> list[dict[str, Any]]:
    """The caller's events in their default calendar that belong to this meeting."""
    return [e for e in calendar_events(api) if e["iCalUId"] == ical_uid]


def copy_of(api: Api, ical_uid: str) -> dict[str, Any]:
    return only(copies(api, ical_uid))


def addresses(recipients: list[dict[str, Any]]) -> list[str]:
    return [r["emailAddress"]["address"].lower() for r in recipients]


def entry(event: dict[str, Any], address: str) -> dict[str, Any]:
    """One attendee's entry in an event's attendee list."""
    return only([a for a in event["attendees"] if a["emailAddress"]["address"].lower() == address.lower()])


def pst(date_time: str) -> dict[str, str]:
    return {"dateTime": date_time, "timeZone": "Pacific Standard Time"}


BOB = person("bob@contoso.com", "Bob Brown")
CAROL = person("carol@contoso.com", "Carol Cole", "optional")
EXTERNAL = person("dana@fabrikam.com", "Dana Swope")


# -- a new meeting -----------------------------------------------------------------------------------

class TestAttendeeCopy:
    def test_copy_in_the_attendees_default_calendar(self, as_alice: Api, as_bob: Api, carol: Mailbox) -> None:
        meeting = create_meeting(as_alice, [BOB, CAROL], location={"displayName": "Harry's Bar"},
                                 body={"contentType": "text", "content": "Agenda attached"})
        copy = copy_of(as_bob, meeting["iCalUId"])
        assert copy["id"] != meeting["id"]
        assert copy["iCalUId"] == meeting["iCalUId"]
        assert copy["isOrganizer"] is False and meeting["isOrganizer"] is True
        assert copy["responseStatus"] == {"response": "notResponded", "time": NEVER}
        assert copy["showAs"] == "tentative"
        assert copy["isCancelled"] is False and copy["type"] == "singleInstance"
        assert copy["organizer"] == {"emailAddress": {"name": "Alice Adams", "address": "alice@contoso.com"}}
        assert copy["attendees"] == [{**BOB, "status": NONE}, {**CAROL, "status": NONE}]
        for name in ("subject", "start", "end", "location", "locations", "body", "originalStartTimeZone",
                     "allowNewTimeProposals", "responseRequested", "importance", "sensitivity", "isAllDay"):
            assert copy[name] == meeting[name], name
        assert copy["start"] == START_UTC and copy["end"] == END_UTC
        # the copy can be read by its own id, the organizer's id is not the attendee's
        assert as_bob.get(f"/me/events/{copy['id']}").json()["iCalUId"] == meeting["iCalUId"]
        assert_error(as_bob.get(f"/me/events/{meeting['id']}"), 404, "ErrorItemNotFound")

    def test_organizer_view_lists_everyone_with_status_none(self, as_alice: Api, bob: Mailbox,
                                                          carol: Mailbox) -> None:
        meeting = create_meeting(as_alice, [BOB, CAROL])
        assert meeting["attendees"] == [{**BOB, "status": NONE}, {**CAROL, "status": NONE}]
        assert meeting["responseStatus"] == {"response": "organizer", "time": NEVER}
        assert as_alice.get(f"/me/events/{meeting['id']}").json()["attendees"] == meeting["attendees"]

    def test_hide_attendees_shows_each_attendee_only_themselves(self, as_alice: Api, as_bob: Api,
                                                              as_carol: Api) -> None:
        meeting = create_meeting(as_alice, [BOB, CAROL], hideAttendees=True)
        assert len(meeting["attendees"]) == 2  # the organizer sees everyone
        bobs = copy_of(as_bob, meeting["iCalUId"])
        assert bobs["hideAttendees"] is True
        assert bobs["attendees"] == [{**BOB, "status": NONE}]
        assert copy_of(as_carol, meeting["iCalUId"])["attendees"] == [{**CAROL, "status": NONE}]
        assert addresses(only(messages(as_bob))["toRecipients"]) == ["bob@contoso.com"]


class TestInboxRequest:
    def test_request_properties(self, as_alice: Api, as_bob: Api, carol: Mailbox) -> None:
        meeting = create_meeting(as_alice, [BOB, CAROL], location={"displayName": "Harry's Bar"},
                                 body={"contentType": "text", "content": "Agenda attached"})
        request = only(messages(as_bob))
        assert request["@odata.type"] == "#microsoft.graph.eventMessageRequest"
        assert request["meetingMessageType"] == "meetingRequest"
        assert request["meetingRequestType"] == "newMeetingRequest"
        assert request["subject"] == "Planning"
        assert request["startDateTime"] == START_UTC and request["endDateTime"] == END_UTC
        assert request["location"]["displayName"] == "Harry's Bar"
        assert request["allowNewTimeProposals"] is True
        assert request["responseRequested"] is True
        assert request["isOutOfDate"] is False
        assert request["isAllDay"] is False and request["type"] == "singleInstance"
        assert request["previousStartDateTime"] is None and request["previousEndDateTime"] is None
        assert request["from"] == meeting["organizer"] == request["sender"]
        assert addresses(request["toRecipients"]) == ["bob@contoso.com", "carol@contoso.com"]
        assert request["isRead"] is False and request["isDraft"] is False
        assert "Agenda attached" in request["body"]["content"]
        assert request["receivedDateTime"].endswith("Z")

    def test_request_mirrors_the_meetings_flags(self, as_alice: Api, as_bob: Api) -> None:
        create_meeting(as_alice, [BOB], allowNewTimeProposals=False, responseRequested=False)
        request = only(messages(as_bob))
        assert request["allowNewTimeProposals"] is False
        assert request["responseRequested"] is False
        assert copy_of(as_bob, only(calendar_events(as_alice))["iCalUId"])["allowNewTimeProposals"] is False

    def test_prefer_timezone_applies_to_the_request(self, as_alice: Api, as_bob: Api) -> None:
        create_meeting(as_alice, [BOB])
        r = as_bob.get("/me/mailFolders/inbox/messages",
                       headers={"Prefer": 'outlook.timezone="Pacific Standard Time"'})
        request = only(r.json()["value"])
        assert request["startDateTime"] == pst("2025-01-15T12:00:00.0000000")
        assert request["endDateTime"] == pst("2025-01-15T13:00:00.0000000")


class TestExpandEvent:
    def test_get_message_expands_to_the_attendees_copy(self, as_alice: Api, as_bob: Api, bob: Mailbox) -> None:
        meeting = create_meeting(as_alice, [BOB])
        request = only(messages(as_bob))
        r = as_bob.get(f"/me/messages/{request['id']}?{EXPAND}")
        assert r.status_code == 200, r.text
        body = r.json()
        copy = copy_of(as_bob, meeting["iCalUId"])
        assert body["id"] == request["id"]
        assert body["event"]["id"] == copy["id"] != meeting["id"]
        assert body["event"]["isOrganizer"] is False
        assert body["event"]["responseStatus"]["response"] == "notResponded"
        assert body["event@odata.context"].endswith(
            f"users('{bob.id}')/messages('{request['id']}')/microsoft.graph.eventMessage/event/$entity")
        assert "event" not in as_bob.get(f"/me/messages/{request['id']}").json()

    def test_expand_with_select(self, as_alice: Api, as_bob: Api) -> None:
        meeting = create_meeting(as_alice, [BOB])
        request = only(messages(as_bob))
        r = as_bob.get(f"/me/messages/{request['id']}?$select=subject,meetingMessageType&{EXPAND}")
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["subject"] == "Planning" and body["meetingMessageType"] == "meetingRequest"
        assert "startDateTime" not in body and "body" not in body
        assert body["event"]["id"] == copy_of(as_bob, meeting["iCalUId"])["id"]

    @pytest.mark.parametrize("path", ["/me/messages", "/me/mailFolders/inbox/messages"])
    def test_expand_on_a_list(self, as_alice: Api, as_bob: Api, path: str) -> None:
        first = create_meeting(as_alice, [BOB], subject="First")
        second = create_meeting(as_alice, [BOB], subject="Second")
        r = as_bob.get(f"{path}?{EXPAND}")
        assert r.status_code == 200, r.text
        got = {m["subject"]: m["event"]["id"] for m in r.json()["value"]}
        assert got == {"First": copy_of(as_bob, first["iCalUId"])["id"],
                       "Second": copy_of(as_bob, second["iCalUId"])["id"]}


class TestOrganizerSide:
    def test_sent_items_copy_addressed_to_every_invitee(self, as_alice: Api, as_bob: Api,
                                                      carol: Mailbox) -> None:
        meeting = create_meeting(as_alice, [BOB, CAROL, EXTERNAL])
        sent = only(messages(as_alice, "sentitems"))
        assert sent["@odata.type"] == "#microsoft.graph.eventMessageRequest"
        assert sent["meetingRequestType"] == "newMeetingRequest"
        assert addresses(sent["toRecipients"]) == ["bob@contoso.com", "carol@contoso.com", "dana@fabrikam.com"]
        assert sent["from"] == meeting["organizer"] and sent["isRead"] is True
        assert messages(as_alice) == []                       # nothing in the organizer's Inbox
        assert [e["id"] for e in calendar_events(as_alice)] == [meeting["id"]]   # and no copy

    def test_external_attendees_are_kept_with_status_none(self, as_alice: Api, as_bob: Api) -> None:
        meeting = create_meeting(as_alice, [EXTERNAL, BOB])
        assert meeting["attendees"] == [{**EXTERNAL, "status": NONE}, {**BOB, "status": NONE}]
        stored = as_alice.get(f"/me/events/{meeting['id']}").json()
        assert stored["attendees"] == meeting["attendees"]
        assert len(copies(as_bob, meeting["iCalUId"])) == 1   # the local attendee is still invited
        only(messages(as_bob))

    def test_only_external_attendees(self, as_alice: Api) -> None:
        meeting = create_meeting(as_alice, [EXTERNAL])
        assert entry(meeting, "dana@fabrikam.com")["status"] == NONE
        assert addresses(only(messages(as_alice, "sentitems"))["toRecipients"]) == ["dana@fabrikam.com"]

    def test_duplicates_and_the_organizer_are_invited_never_twice(self, as_alice: Api, as_bob: Api) -> None:
        alice_herself = person("ALICE@contoso.com", "Alice Adams")
        meeting = create_meeting(as_alice, [BOB, person("BOB@Contoso.com", "Bob again"), alice_herself])
        assert len(copies(as_bob, meeting["iCalUId"])) == 1
        assert len(messages(as_bob)) == 1
        assert messages(as_alice) == []
        assert [e["id"] for e in calendar_events(as_alice)] == [meeting["id"]]
        assert addresses(only(messages(as_alice, "sentitems"))["toRecipients"]) == ["bob@contoso.com"]

    def test_meeting_on_a_secondary_calendar(self, as_alice: Api, as_bob: Api) -> None:
        side = as_alice.post("/me/calendars", json={"name": "Projects"}).json()
        meeting = create_meeting(as_alice, [BOB], path=f"/me/calendars/{side['id']}/events")
        assert [e["id"] for e in calendar_events(as_alice, f"/me/calendars/{side['id']}/events")] == [meeting["id"]]
        copy = copy_of(as_bob, meeting["iCalUId"])   # lands in the attendee's default calendar
        assert copy["organizer"]["emailAddress"]["address"] == "alice@contoso.com"
        assert only(messages(as_bob))["meetingRequestType"] == "newMeetingRequest"
        only(messages(as_alice, "sentitems"))

    def test_app_token_creates_a_meeting_for_a_user(self, tenant: Tenant, alice: Mailbox, as_alice: Api,
                                                    as_bob: Api) -> None:
        app = tenant.app_api()
        meeting = create_meeting(app, [BOB], path=f"/users/{alice.id}/events")
        assert meeting["organizer"] == {"emailAddress": {"name": "Alice Adams", "address": "alice@contoso.com"}}
        assert meeting["isOrganizer"] is True
        copy = copy_of(as_bob, meeting["iCalUId"])
        assert copy["organizer"] == meeting["organizer"]
        assert only(messages(as_bob))["from"] == meeting["organizer"]
        assert addresses(only(messages(as_alice, "sentitems"))["toRecipients"]) == ["bob@contoso.com"]

    def test_patch_adds_attendees_to_a_plain_event(self, as_alice: Api, as_bob: Api) -> None:
        created = as_alice.post("/me/events", json=event_body("Planning")).json()
        assert messages(as_alice, "sentitems") == []
        r = as_alice.patch(f"/me/events/{created['id']}", json={"attendees": [BOB]})
        assert r.status_code == 200, r.text
        assert r.json()["attendees"] == [{**BOB, "status": NONE}]
        copy = copy_of(as_bob, created["iCalUId"])
        assert copy["responseStatus"] == {"response": "notResponded", "time": NEVER}
        request = only(messages(as_bob))
        assert request["meetingRequestType"] == "newMeetingRequest"
        assert only(messages(as_alice, "sentitems"))["meetingMessageType"] == "meetingRequest"


class TestGroupEvents:
    @pytest.fixture
    def team(self, tenant: Tenant, alice: Mailbox, bob: Mailbox, carol: Mailbox) -> Mailbox:
        return tenant.group("team@contoso.com", "Team", [alice.address, bob.address, carol.address])

    def test_member_creates_group_event_and_every_member_is_invited_once(
            self, tenant: Tenant, team: Mailbox, as_alice: Api, as_bob: Api, as_carol: Api) -> None:
        dave = tenant.user("dave@contoso.com", "Dave Dunn")        # listed, but not a member
        meeting = create_meeting(as_alice, [BOB, person("dave@contoso.com")], path=f"/groups/{team.id}/events")
        group = {"emailAddress": {"name": "Team", "address": "team@contoso.com"}}
        assert meeting["organizer"] == group and meeting["isOrganizer"] is True
        got = as_alice.get(f"/groups/{team.id}/events/{meeting['id']}")
        assert got.status_code == 200, got.text
        for api in (as_alice, as_bob, as_carol, tenant.api(dave)):
            copy = copy_of(api, meeting["iCalUId"])
            assert copy["organizer"] == group and copy["isOrganizer"] is False
            assert copy["responseStatus"]["response"] == "notResponded"
            request = only(messages(api))
            assert request["meetingRequestType"] == "newMeetingRequest"
            assert request["from"] == group


# -- the organizer's later changes -------------------------------------------------------------------

NEW_START, NEW_END = pst("2025-01-16T12:00:00"), pst("2025-01-16T13:00:00")


def respond(api: Api, event_id: str, action: str, **body: Any) -> None:
    r = api.post(f"/me/events/{event_id}/{action}", json={"sendResponse": True, **body})
    assert r.status_code == 202, r.text


def requests(api: Api) -> list[dict[str, Any]]:
    return of_type(messages(api), "eventMessageRequest")


class TestOrganizerUpdates:
    def test_new_time_resets_answers_and_sends_a_full_update(self, as_alice: Api, as_bob: Api,
                                                            as_carol: Api) -> None:
        meeting = create_meeting(as_alice, [BOB, CAROL])
        bobs = copy_of(as_bob, meeting["iCalUId"])
        respond(as_bob, bobs["id"], "tentativelyAccept", proposedNewTime={"start": NEW_START, "end": NEW_END})
        respond(as_carol, copy_of(as_carol, meeting["iCalUId"])["id"], "accept")
        before = as_alice.get(f"/me/events/{meeting['id']}").json()
        assert "proposedNewTime" in entry(before, "bob@contoso.com")
        assert entry(before, "carol@contoso.com")["status"]["response"] == "accepted"

        r = as_alice.patch(f"/me/events/{meeting['id']}", json={"start": NEW_START, "end": NEW_END})
        assert r.status_code == 200, r.text
        for view in (r.json(), as_alice.get(f"/me/events/{meeting['id']}").json()):
            for address in ("bob@contoso.com", "carol@contoso.com"):
                assert entry(view, address)["status"] == NONE
                assert "proposedNewTime" not in entry(view, address)

        new_start = {"dateTime": "2025-01-16T20:00:00.0000000", "timeZone": "UTC"}
        for api in (as_bob, as_carol):
            copy = copy_of(api, meeting["iCalUId"])
            assert copy["responseStatus"] == {"response": "notResponded", "time": NEVER}
            assert copy["start"] == new_start and copy["showAs"] == "tentative"
            older, update = sorted(requests(api), key=lambda m: m["meetingRequestType"] == "fullUpdate")
            assert update["meetingRequestType"] == "fullUpdate" and update["isOutOfDate"] is False
            assert update["startDateTime"] == new_start
            assert update["previousStartDateTime"] == START_UTC
            assert update["previousEndDateTime"] == END_UTC
            assert older["meetingRequestType"] == "newMeetingRequest" and older["isOutOfDate"] is True

    def test_declined_attendee_gets_the_copy_back_on_a_new_time(self, as_alice: Api, as_bob: Api) -> None:
        meeting = create_meeting(as_alice, [BOB])
        bobs = copy_of(as_bob, meeting["iCalUId"])
        respond(as_bob, bobs["id"], "decline")
        assert copies(as_bob, meeting["iCalUId"]) == []
        assert_error(as_bob.get(f"/me/events/{bobs['id']}"), 404, "ErrorItemNotFound")

        r = as_alice.patch(f"/me/events/{meeting['id']}", json={"start": NEW_START, "end": NEW_END})
        assert r.status_code == 200, r.text
        back = copy_of(as_bob, meeting["iCalUId"])
        assert back["responseStatus"] == {"response": "notResponded", "time": NEVER}
        assert back["start"]["dateTime"] == "2025-01-16T20:00:00.0000000"
        assert as_bob.get(f"/me/events/{back['id']}").status_code == 200
        assert sorted(m["meetingRequestType"] for m in requests(as_bob)) == ["fullUpdate", "newMeetingRequest"]

    def test_subject_change_is_informational_and_keeps_answers(self, as_alice: Api, as_bob: Api) -> None:
        meeting = create_meeting(as_alice, [BOB])
        respond(as_bob, copy_of(as_bob, meeting["iCalUId"])["id"], "accept")
        r = as_alice.patch(f"/me/events/{meeting['id']}", json={"subject": "Planning v2"})
        assert r.status_code == 200, r.text
        assert entry(r.json(), "bob@contoso.com")["status"]["response"] == "accepted"
        copy = copy_of(as_bob, meeting["iCalUId"])
        assert copy["subject"] == "Planning v2"
        assert copy["responseStatus"]["response"] == "accepted"
        update = only([m for m in requests(as_bob) if m["meetingRequestType"] != "newMeetingRequest"])
        assert update["meetingRequestType"] == "informationalUpdate"
        assert update["subject"] == "Planning v2"
        assert update["previousStartDateTime"] is None

    def test_categories_only_sends_nothing(self, as_alice: Api, as_bob: Api) -> None:
        meeting = create_meeting(as_alice, [BOB])
        inbox, sent = len(messages(as_bob)), len(messages(as_alice, "sentitems"))
        r = as_alice.patch(f"/me/events/{meeting['id']}", json={"categories": ["Red category"]})
        assert r.status_code == 200, r.text
        assert r.json()["categories"] == ["Red category"]
        assert len(messages(as_bob)) == inbox
        assert len(messages(as_alice, "sentitems")) == sent

    def test_added_attendee_alone_receives_a_request(self, as_alice: Api, as_bob: Api, as_carol: Api) -> None:
        meeting = create_meeting(as_alice, [BOB])
        r = as_alice.patch(f"/me/events/{meeting['id']}", json={"attendees": [BOB, CAROL]})
        assert r.status_code == 200, r.text
        request = only(messages(as_carol))
        assert request["meetingRequestType"] == "newMeetingRequest"
        assert copy_of(as_carol, meeting["iCalUId"])["responseStatus"]["response"] == "notResponded"
        assert len(messages(as_bob)) == 1                       # bob's original request only
        newest = [m for m in messages(as_alice, "sentitems") if "carol@contoso.com" in addresses(m["toRecipients"])]
        assert addresses(only(newest)["toRecipients"]) == ["carol@contoso.com"]

    def test_removed_attendee_receives_a_cancellation(self, as_alice: Api, as_bob: Api, as_carol: Api) -> None:
        meeting = create_meeting(as_alice, [BOB, CAROL])
        r = as_alice.patch(f"/me/events/{meeting['id']}", json={"attendees": [BOB]})
        assert r.status_code == 200, r.text
        cancellation = only(of_type(messages(as_carol), "eventMessage"))
        assert cancellation["meetingMessageType"] == "meetingCancelled"
        assert cancellation["subject"] == "Canceled: Planning"
        copy = copy_of(as_carol, meeting["iCalUId"])
        assert copy["isCancelled"] is True and copy["subject"] == "Canceled: Planning"
        assert len(messages(as_bob)) == 1
        assert copy_of(as_bob, meeting["iCalUId"])["isCancelled"] is False

    def test_attendee_patching_their_copy_sends_nothing(self, as_alice: Api, as_bob: Api) -> None:
        meeting = create_meeting(as_alice, [BOB])
        copy = copy_of(as_bob, meeting["iCalUId"])
        r = as_bob.patch(f"/me/events/{copy['id']}",
                         json={"subject": "My own title", "start": NEW_START, "end": NEW_END})
        assert r.status_code == 200, r.text
        assert r.json()["subject"] == "My own title"
        organizers = as_alice.get(f"/me/events/{meeting['id']}").json()
        assert organizers["subject"] == "Planning" and organizers["start"] == START_UTC
        assert organizers["changeKey"] == meeting["changeKey"]
        assert messages(as_alice) == []
        assert messages(as_bob, "sentitems") == []
        assert len(messages(as_bob)) == 1
