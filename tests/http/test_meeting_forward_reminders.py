"""forward (§3.6) and dismissReminder / snoozeReminder (§3.7) over HTTP: who is invited by a forward
and what the organizer learns of it; the reminders' 200-empty answers, their effect on isReminderOn,
their required parameter and their absence from group routes."""

from __future__ import annotations

from typing import Any

import pytest

from calgraph.core.model import Mailbox
from tests.http.conftest import Api, Tenant, assert_error, event_body
from tests.http.test_meeting_invitations import (
    BOB,
    NONE,
    addresses,
    copies,
    copy_of,
    create_meeting,
    entry,
    messages,
    of_type,
    only,
    pst,
)

DOCS_COMMENT = "Dana, hope you can make this meeting."
CAROL_RECIPIENT = {"EmailAddress": {"Address": "carol@contoso.com", "Name": "Carol Cole"}}
DANA_RECIPIENT = {"EmailAddress": {"Address": "danas@fabrikam.com", "Name": "Dana Swope"}}
STALE = ("The send or update operation could not be performed because the change key passed in the request "
         "does not match the current change key for the item.")


def forward(api: Api, event_id: str, recipients: list[dict[str, Any]], comment: str | None = DOCS_COMMENT,
            prefix: str = "/me/events"):
    body: dict[str, Any] = {"ToRecipients": recipients}
    if comment is not None:
        body["Comment"] = comment
    return api.post(f"{prefix}/{event_id}/forward", json=body)


def requests(api: Api, folder: str = "inbox") -> list[dict[str, Any]]:
    return of_type(messages(api, folder), "eventMessageRequest")


class TestForwardByOrganizer:
    def test_recipients_are_invited_and_join_as_optional(self, as_alice: Api, as_bob: Api,
                                                        as_carol: Api) -> None:
        meeting = create_meeting(as_alice, [BOB])
        r = forward(as_alice, meeting["id"], [CAROL_RECIPIENT, DANA_RECIPIENT])
        assert r.status_code == 202, r.text
        assert r.content == b""

        copy = copy_of(as_carol, meeting["iCalUId"])
        assert copy["isOrganizer"] is False and copy["id"] != meeting["id"]
        assert copy["responseStatus"] == {"response": "notResponded", "time": "0001-01-01T00:00:00Z"}
        assert copy["organizer"] == meeting["organizer"] and copy["subject"] == "Planning"
        request = only(messages(as_carol))
        assert request["@odata.type"] == "#microsoft.graph.eventMessageRequest"
        assert request["meetingMessageType"] == "meetingRequest"
        assert DOCS_COMMENT in request["body"]["content"]
        assert addresses(request["toRecipients"]) == ["carol@contoso.com", "danas@fabrikam.com"]
        expanded = as_carol.get(f"/me/messages/{request['id']}?$expand=microsoft.graph.eventMessage/event").json()
        assert expanded["event"]["id"] == copy["id"]

        organizers = as_alice.get(f"/me/events/{meeting['id']}").json()
        assert entry(organizers, "bob@contoso.com")["type"] == "required"
        for address, name in (("carol@contoso.com", "Carol Cole"), ("danas@fabrikam.com", "Dana Swope")):
            added = entry(organizers, address)
            assert added["type"] == "optional" and added["status"] == NONE
            assert added["emailAddress"] == {"address": address, "name": name}
        sent = [m for m in requests(as_alice, "sentitems") if "carol@contoso.com" in addresses(m["toRecipients"])]
        assert addresses(only(sent)["toRecipients"]) == ["carol@contoso.com", "danas@fabrikam.com"]
        assert len(messages(as_bob)) == 1          # the original invitation only
        assert messages(as_alice) == []            # no notification when the organizer forwards

    def test_external_recipients_only(self, as_alice: Api, bob: Mailbox) -> None:
        meeting = create_meeting(as_alice, [BOB])
        assert forward(as_alice, meeting["id"], [DANA_RECIPIENT]).status_code == 202
        organizers = as_alice.get(f"/me/events/{meeting['id']}").json()
        assert entry(organizers, "danas@fabrikam.com")["type"] == "optional"
        assert any(addresses(m["toRecipients"]) == ["danas@fabrikam.com"] for m in requests(as_alice, "sentitems"))

    def test_forward_to_an_invitee_does_not_invite_twice(self, as_alice: Api, as_bob: Api) -> None:
        meeting = create_meeting(as_alice, [BOB])
        bob_recipient = {"emailAddress": {"address": "BOB@contoso.com"}}
        assert forward(as_alice, meeting["id"], [bob_recipient, bob_recipient]).status_code == 202
        assert len(copies(as_bob, meeting["iCalUId"])) == 1
        organizers = as_alice.get(f"/me/events/{meeting['id']}").json()
        assert [a["emailAddress"]["address"] for a in organizers["attendees"]] == ["bob@contoso.com"]

    @pytest.mark.parametrize("comment", [None, ""])
    def test_comment_is_optional(self, as_alice: Api, as_carol: Api, comment: str | None) -> None:
        meeting = create_meeting(as_alice, [BOB], body={"contentType": "text", "content": "Agenda"})
        assert forward(as_alice, meeting["id"], [CAROL_RECIPIENT], comment=comment).status_code == 202
        request = only(messages(as_carol))
        assert request["bodyPreview"] == "Agenda"
        assert copy_of(as_carol, meeting["iCalUId"])["subject"] == "Planning"

    def test_camel_case_body(self, as_alice: Api, as_carol: Api) -> None:
        meeting = create_meeting(as_alice, [BOB])
        r = as_alice.post(f"/me/events/{meeting['id']}/forward", json={
            "toRecipients": [{"emailAddress": {"address": "carol@contoso.com", "name": "Carol Cole"}}],
            "comment": "FYI"})
        assert r.status_code == 202, r.text
        assert "FYI" in only(messages(as_carol))["body"]["content"]

    @pytest.mark.parametrize("body", [{"Comment": "FYI"}, {"ToRecipients": []}, {}, {"toRecipients": None}])
    def test_recipients_are_required(self, as_alice: Api, bob: Mailbox, body: dict[str, Any]) -> None:
        meeting = create_meeting(as_alice, [BOB])
        sent = len(messages(as_alice, "sentitems"))
        r = as_alice.post(f"/me/events/{meeting['id']}/forward", json=body)
        assert_error(r, 400, "ErrorInvalidParameter")
        assert len(messages(as_alice, "sentitems")) == sent

    def test_without_a_body_is_400(self, as_alice: Api, bob: Mailbox) -> None:
        meeting = create_meeting(as_alice, [BOB])
        assert_error(as_alice.post(f"/me/events/{meeting['id']}/forward"), 400, "BadRequest",
                     "Empty Payload. JSON content expected.")

    def test_group_route(self, tenant: Tenant, alice: Mailbox, bob: Mailbox, as_alice: Api,
                         as_carol: Api) -> None:
        team = tenant.group("team@contoso.com", "Team", [alice.address, bob.address])
        meeting = create_meeting(as_alice, [], path=f"/groups/{team.id}/events")
        r = forward(as_alice, meeting["id"], [CAROL_RECIPIENT], prefix=f"/groups/{team.id}/events")
        assert r.status_code == 202, r.text
        copy = copy_of(as_carol, meeting["iCalUId"])
        assert copy["organizer"]["emailAddress"]["address"] == "team@contoso.com"
        only(messages(as_carol))
        organizers = as_alice.get(f"/groups/{team.id}/events/{meeting['id']}").json()
        assert entry(organizers, "carol@contoso.com")["type"] == "optional"


class TestForwardByAttendee:
    def test_organizer_is_notified_and_recipient_invited(self, as_alice: Api, as_bob: Api,
                                                        as_carol: Api) -> None:
        meeting = create_meeting(as_alice, [BOB])
        bobs = copy_of(as_bob, meeting["iCalUId"])
        r = forward(as_bob, bobs["id"], [CAROL_RECIPIENT])
        assert r.status_code == 202, r.text

        copy = copy_of(as_carol, meeting["iCalUId"])
        assert copy["organizer"] == meeting["organizer"]      # still alice's meeting
        request = only(messages(as_carol))
        assert request["@odata.type"] == "#microsoft.graph.eventMessageRequest"
        assert request["from"]["emailAddress"]["address"] == "bob@contoso.com"
        assert DOCS_COMMENT in request["body"]["content"]

        organizers = as_alice.get(f"/me/events/{meeting['id']}").json()
        assert entry(organizers, "carol@contoso.com")["type"] == "optional"
        notification = only(messages(as_alice))
        assert notification["@odata.type"] == "#microsoft.graph.eventMessage"
        assert notification["subject"] == "Meeting Forward Notification: Planning"
        assert notification["from"]["emailAddress"]["address"] == "bob@contoso.com"
        assert addresses(only(requests(as_bob, "sentitems"))["toRecipients"]) == ["carol@contoso.com"]

        # the forwarded invitee is a full attendee: their answer reaches the organizer
        assert as_carol.post(f"/me/events/{copy['id']}/accept", json={}).status_code == 202
        organizers = as_alice.get(f"/me/events/{meeting['id']}").json()
        assert entry(organizers, "carol@contoso.com")["status"]["response"] == "accepted"

    def test_forward_to_an_external_address(self, as_alice: Api, as_bob: Api) -> None:
        meeting = create_meeting(as_alice, [BOB])
        assert forward(as_bob, copy_of(as_bob, meeting["iCalUId"])["id"], [DANA_RECIPIENT]).status_code == 202
        organizers = as_alice.get(f"/me/events/{meeting['id']}").json()
        assert entry(organizers, "danas@fabrikam.com") == {
            "type": "optional", "status": NONE,
            "emailAddress": {"address": "danas@fabrikam.com", "name": "Dana Swope"}}
        assert only(messages(as_alice))["subject"] == "Meeting Forward Notification: Planning"

    def test_stale_if_match_is_412(self, as_alice: Api, as_bob: Api, carol: Mailbox) -> None:
        meeting = create_meeting(as_alice, [BOB])
        bobs = copy_of(as_bob, meeting["iCalUId"])
        assert as_bob.patch(f"/me/events/{bobs['id']}", json={"categories": ["Blue"]}).status_code == 200
        r = as_bob.post(f"/me/events/{bobs['id']}/forward", json={"ToRecipients": [CAROL_RECIPIENT]},
                        headers={"If-Match": bobs["@odata.etag"]})
        assert_error(r, 412, "ErrorIrresolvableConflict", STALE)
        assert messages(as_alice) == []


# -- reminders ---------------------------------------------------------------------------------------

SNOOZE_TIME = pst("2025-01-15T11:55:00")


def event_with_reminder(api: Api) -> dict[str, Any]:
    r = api.post("/me/events", json=event_body(isReminderOn=True, reminderMinutesBeforeStart=15))
    assert r.status_code == 201, r.text
    return r.json()


class TestReminders:
    @pytest.mark.parametrize("body", [None, {}])
    def test_dismiss(self, as_alice: Api, body: dict[str, Any] | None) -> None:
        event = event_with_reminder(as_alice)
        r = as_alice.post(f"/me/events/{event['id']}/dismissReminder", json=body)
        assert r.status_code == 200, r.text
        assert r.content == b""
        after = as_alice.get(f"/me/events/{event['id']}").json()
        assert after["isReminderOn"] is False
        assert after["changeKey"] != event["changeKey"]

    @pytest.mark.parametrize("route", [
        "/me/calendar/events/{e}", "/users/{upn}/events/{e}", "/me/calendars/{cal}/events/{e}",
        "/beta/me/events/{e}",
    ])
    def test_dismiss_on_other_routes(self, as_alice: Api, alice: Mailbox, route: str) -> None:
        event = event_with_reminder(as_alice)
        cal = as_alice.get("/me/calendar").json()["id"]
        r = as_alice.post(f"{route.format(e=event['id'], upn=alice.address, cal=cal)}/dismissReminder")
        assert r.status_code == 200, r.text
        assert as_alice.get(f"/me/events/{event['id']}").json()["isReminderOn"] is False

    @pytest.mark.parametrize("body", [
        {"newReminderTime": SNOOZE_TIME},          # the docs
        {"NewReminderTime": SNOOZE_TIME},          # msgraph-sdk
    ])
    def test_snooze(self, as_alice: Api, body: dict[str, Any]) -> None:
        event = event_with_reminder(as_alice)
        assert as_alice.post(f"/me/events/{event['id']}/dismissReminder").status_code == 200
        r = as_alice.post(f"/me/events/{event['id']}/snoozeReminder", json=body)
        assert r.status_code == 200, r.text
        assert r.content == b""
        assert as_alice.get(f"/me/events/{event['id']}").json()["isReminderOn"] is True

    @pytest.mark.parametrize("body", [{}, {"newReminderTime": None}, {"comment": "later"}])
    def test_snooze_needs_a_new_reminder_time(self, as_alice: Api, body: dict[str, Any]) -> None:
        event = event_with_reminder(as_alice)
        assert_error(as_alice.post(f"/me/events/{event['id']}/snoozeReminder", json=body), 400,
                     "ErrorInvalidParameter")
        assert as_alice.get(f"/me/events/{event['id']}").json()["changeKey"] == event["changeKey"]

    def test_snooze_without_a_body(self, as_alice: Api) -> None:
        event = event_with_reminder(as_alice)
        assert_error(as_alice.post(f"/me/events/{event['id']}/snoozeReminder"), 400, "BadRequest",
                     "Empty Payload. JSON content expected.")

    def test_snooze_with_an_unknown_zone(self, as_alice: Api) -> None:
        event = event_with_reminder(as_alice)
        r = as_alice.post(f"/me/events/{event['id']}/snoozeReminder",
                          json={"newReminderTime": {"dateTime": "2025-01-15T11:55:00", "timeZone": "Mars/Olympus"}})
        assert_error(r, 400, "TimeZoneNotSupportedException")

    def test_attendee_reminders_touch_only_their_copy(self, as_alice: Api, as_bob: Api) -> None:
        meeting = create_meeting(as_alice, [BOB])
        copy = copy_of(as_bob, meeting["iCalUId"])
        assert as_bob.post(f"/me/events/{copy['id']}/dismissReminder").status_code == 200
        assert as_bob.get(f"/me/events/{copy['id']}").json()["isReminderOn"] is False
        organizers = as_alice.get(f"/me/events/{meeting['id']}").json()
        assert organizers["isReminderOn"] is True and organizers["changeKey"] == meeting["changeKey"]
        assert messages(as_alice) == []

    @pytest.mark.parametrize("action,body", [("dismissReminder", None),
                                             ("snoozeReminder", {"NewReminderTime": SNOOZE_TIME})])
    def test_stale_if_match_and_read_only_token(self, tenant: Tenant, alice: Mailbox, as_alice: Api,
                                                action: str, body: dict[str, Any] | None) -> None:
        event = event_with_reminder(as_alice)
        as_alice.patch(f"/me/events/{event['id']}", json={"subject": "Moved on"})
        r = as_alice.post(f"/me/events/{event['id']}/{action}", json=body,
                          headers={"If-Match": event["@odata.etag"]})
        assert_error(r, 412, "ErrorIrresolvableConflict", STALE)
        reader = tenant.api(alice, ["Calendars.Read"])
        assert_error(reader.post(f"/me/events/{event['id']}/{action}", json=body), 403, "ErrorAccessDenied")
        assert as_alice.get(f"/me/events/{event['id']}").json()["isReminderOn"] is True

    @pytest.mark.parametrize("action,body", [("dismissReminder", None), ("dismissReminder", {}),
                                             ("snoozeReminder", {"NewReminderTime": SNOOZE_TIME})])
    @pytest.mark.parametrize("container", ["events", "calendar/events"])
    def test_no_group_routes(self, tenant: Tenant, alice: Mailbox, as_alice: Api, action: str,
                             body: dict[str, Any] | None, container: str) -> None:
        team = tenant.group("team@contoso.com", "Team", [alice.address])
        event = as_alice.post(f"/groups/{team.id}/events", json=event_body()).json()
        r = as_alice.post(f"/groups/{team.id}/{container}/{event['id']}/{action}", json=body)
        assert r.status_code == 404, r.text
        assert set(r.json()["error"]) >= {"code", "message", "innerError"}
        assert as_alice.get(f"/groups/{team.id}/events/{event['id']}").json()["isReminderOn"] is True
