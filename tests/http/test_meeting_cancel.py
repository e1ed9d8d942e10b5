"""cancel over HTTP (§3.5, decisions 8, 15, 16, 20, 28) on all ten route forms of the Graph docs plus
beta, and DELETE of a meeting: what the organizer, the attendees and their mailboxes see afterwards,
and every refusal (attendee, stale If-Match, non-member, read-only token, already cancelled)."""

from __future__ import annotations

from typing import Any

import pytest

from calgraph.core.model import Mailbox
from tests.http.conftest import Api, Tenant, assert_error
from tests.http.test_meeting_invitations import (
    BOB,
    NONE,
    calendar_events,
    copies,
    copy_of,
    create_meeting,
    entry,
    messages,
    of_type,
    only,
)

DOCS_COMMENT = "Cancelling for this week due to all hands"
NOT_ORGANIZER = "Your request can't be completed. You need to be an organizer to cancel a meeting."
CANCELLED = "Your request can't be completed. The meeting has been canceled."
STALE = ("The send or update operation could not be performed because the change key passed in the request "
         "does not match the current change key for the item.")
ACCESS_DENIED = "Access is denied. Check credentials and try again."

# {e}: the event, {cal}/{cg}: the calendar holding it and its calendar group, {uid}/{upn}: alice, {gid}: the group
ROUTES = [
    "/me/events/{e}",
    "/users/{uid}/events/{e}",
    "/users/{upn}/events/{e}",
    "/groups/{gid}/events/{e}",
    "/me/calendar/events/{e}",
    "/users/{uid}/calendar/events/{e}",
    "/users/{upn}/calendar/events/{e}",
    "/groups/{gid}/calendar/events/{e}",
    "/me/calendars/{cal}/events/{e}",
    "/users/{uid}/calendars/{cal}/events/{e}",
    "/users/{upn}/calendars/{cal}/events/{e}",
    "/me/calendarGroups/{cg}/calendars/{cal}/events/{e}",
    "/users/{uid}/calendarGroups/{cg}/calendars/{cal}/events/{e}",
    "/users/{upn}/calendarGroups/{cg}/calendars/{cal}/events/{e}",
    "/beta/me/events/{e}",
    "/beta/users/{upn}/calendarGroups/{cg}/calendars/{cal}/events/{e}",
    "/beta/groups/{gid}/calendar/events/{e}",
]


def cancel(api: Api, path: str, body: dict[str, Any] | None = None, **kw: Any):
    return api.post(f"{path}/cancel", json={"comment": DOCS_COMMENT} if body is None else body, **kw)


def cancellation(api: Api, folder: str = "inbox") -> dict[str, Any]:
    found = only(of_type(messages(api, folder), "eventMessage"))
    assert found["meetingMessageType"] == "meetingCancelled"
    return found


def assert_cancelled_for(api: Api, ical_uid: str, subject: str = "Planning") -> dict[str, Any]:
    """The attendee's copy stays, cancelled and renamed."""
    copy = copy_of(api, ical_uid)
    assert copy["isCancelled"] is True
    assert copy["subject"] == f"Canceled: {subject}"
    return copy


@pytest.fixture
def team(tenant: Tenant, alice: Mailbox, bob: Mailbox) -> Mailbox:
    return tenant.group("team@contoso.com", "Team", [alice.address, bob.address])


class TestRouteForms:
    @pytest.mark.parametrize("route", ROUTES)
    def test_cancel_on_every_route_form(self, as_alice: Api, as_bob: Api, alice: Mailbox, team: Mailbox,
                                        route: str) -> None:
        if "{cal}" in route:  # a secondary calendar in a calendar group of its own
            group = as_alice.post("/me/calendarGroups", json={"name": "Work"}).json()
            cal = as_alice.post(f"/me/calendarGroups/{group['id']}/calendars", json={"name": "Projects"}).json()
            ids = {"cg": group["id"], "cal": cal["id"]}
            meeting = create_meeting(as_alice, [BOB], path=f"/me/calendars/{cal['id']}/events")
        elif "{gid}" in route:  # a group event: the group organizes, its members are invited
            ids = {}
            meeting = create_meeting(as_alice, [], path=f"/groups/{team.id}/events")
        else:
            ids = {}
            meeting = create_meeting(as_alice, [BOB])
        path = route.format(e=meeting["id"], uid=alice.id, upn=alice.address, gid=team.id, **ids)

        r = cancel(as_alice, path)
        assert r.status_code == 202, r.text
        assert r.content == b""
        assert_error(as_alice.get(path), 404, "ErrorItemNotFound")
        copy = assert_cancelled_for(as_bob, meeting["iCalUId"])
        message = cancellation(as_bob)
        assert message["subject"] == "Canceled: Planning"
        assert DOCS_COMMENT in message["body"]["content"]
        assert message["bodyPreview"] == DOCS_COMMENT
        assert message["from"] == meeting["organizer"]
        expanded = as_bob.get(f"/me/messages/{message['id']}?$expand=microsoft.graph.eventMessage/event").json()
        assert expanded["event"]["id"] == copy["id"]
        if "{gid}" not in route:
            sent = cancellation(as_alice, "sentitems")
            assert [r["emailAddress"]["address"] for r in sent["toRecipients"]] == ["bob@contoso.com"]
            assert meeting["id"] not in [e["id"] for e in calendar_events(as_alice)]


class TestCancel:
    @pytest.mark.parametrize("body,comment", [
        ({"comment": DOCS_COMMENT}, DOCS_COMMENT),         # the docs' example, verbatim
        ({"Comment": "Cancelling for this week"}, "Cancelling for this week"),   # what msgraph-sdk sends
        ({}, ""),
        ({"comment": None}, ""),
    ])
    def test_bodies(self, as_alice: Api, as_bob: Api, body: dict[str, Any], comment: str) -> None:
        meeting = create_meeting(as_alice, [BOB])
        r = cancel(as_alice, f"/me/events/{meeting['id']}", body)
        assert r.status_code == 202, r.text
        assert_cancelled_for(as_bob, meeting["iCalUId"])
        message = cancellation(as_bob)
        assert message["bodyPreview"] == comment
        assert cancellation(as_alice, "sentitems")["bodyPreview"] == comment

    def test_without_a_body_is_400(self, as_alice: Api, as_bob: Api) -> None:
        meeting = create_meeting(as_alice, [BOB])
        r = as_alice.post(f"/me/events/{meeting['id']}/cancel")
        assert_error(r, 400, "BadRequest", "Empty Payload. JSON content expected.")
        assert as_alice.get(f"/me/events/{meeting['id']}").status_code == 200

    def test_organizers_event_moves_to_deleted_items(self, as_alice: Api, as_bob: Api) -> None:
        meeting = create_meeting(as_alice, [BOB])
        assert cancel(as_alice, f"/me/events/{meeting['id']}").status_code == 202
        assert_error(as_alice.get(f"/me/events/{meeting['id']}"), 404, "ErrorItemNotFound",
                     "The specified object was not found in the store.")
        assert calendar_events(as_alice) == []
        copy = assert_cancelled_for(as_bob, meeting["iCalUId"])
        assert copy["responseStatus"]["response"] == "notResponded"   # the answer is left as it was

    def test_every_attendee_is_told(self, tenant: Tenant, as_alice: Api, as_bob: Api) -> None:
        carol = tenant.api(tenant.user("carol@contoso.com", "Carol Cole"))
        meeting = create_meeting(as_alice, [BOB, {"emailAddress": {"address": "carol@contoso.com"}},
                                            {"emailAddress": {"address": "dana@fabrikam.com"}}])
        assert cancel(as_alice, f"/me/events/{meeting['id']}").status_code == 202
        for api in (as_bob, carol):
            assert_cancelled_for(api, meeting["iCalUId"])
            assert DOCS_COMMENT in cancellation(api)["body"]["content"]
        sent = cancellation(as_alice, "sentitems")
        assert [r["emailAddress"]["address"] for r in sent["toRecipients"]] == \
            ["bob@contoso.com", "carol@contoso.com", "dana@fabrikam.com"]

    def test_attendee_cannot_cancel(self, as_alice: Api, as_bob: Api) -> None:
        meeting = create_meeting(as_alice, [BOB])
        copy = copy_of(as_bob, meeting["iCalUId"])
        assert_error(cancel(as_bob, f"/me/events/{copy['id']}"), 400, "ErrorInvalidRequest", NOT_ORGANIZER)
        assert_error(cancel(as_bob, f"/me/events/{copy['id']}", {}), 400, "ErrorInvalidRequest", NOT_ORGANIZER)
        assert copy_of(as_bob, meeting["iCalUId"])["isCancelled"] is False
        assert as_alice.get(f"/me/events/{meeting['id']}").json()["changeKey"] == meeting["changeKey"]
        assert messages(as_alice) == []

    def test_plain_event_without_attendees(self, as_alice: Api) -> None:
        event = create_meeting(as_alice, [])
        r = cancel(as_alice, f"/me/events/{event['id']}")
        assert r.status_code == 202, r.text
        assert_error(as_alice.get(f"/me/events/{event['id']}"), 404, "ErrorItemNotFound")
        assert calendar_events(as_alice) == []
        assert messages(as_alice, "sentitems") == []

    def test_cancelling_twice_is_404(self, as_alice: Api, as_bob: Api) -> None:
        meeting = create_meeting(as_alice, [BOB])
        assert cancel(as_alice, f"/me/events/{meeting['id']}").status_code == 202
        assert_error(cancel(as_alice, f"/me/events/{meeting['id']}"), 404, "ErrorItemNotFound")
        assert len(of_type(messages(as_bob), "eventMessage")) == 1

    @pytest.mark.parametrize("action,code", [
        ("accept", "ErrorCalendarIsCancelledForAccept"),
        ("tentativelyAccept", "ErrorCalendarIsCancelledForTentative"),
        ("decline", "ErrorCalendarIsCancelledForDecline"),
    ])
    def test_responding_after_cancel_is_400(self, as_alice: Api, as_bob: Api, action: str, code: str) -> None:
        meeting = create_meeting(as_alice, [BOB])
        copy = copy_of(as_bob, meeting["iCalUId"])
        assert cancel(as_alice, f"/me/events/{meeting['id']}").status_code == 202
        r = as_bob.post(f"/me/events/{copy['id']}/{action}", json={"comment": "ok", "sendResponse": True})
        assert_error(r, 400, code, CANCELLED)
        assert messages(as_alice) == []

    def test_stale_if_match_is_412(self, as_alice: Api, as_bob: Api) -> None:
        meeting = create_meeting(as_alice, [BOB])
        stale = meeting["@odata.etag"]
        assert as_alice.patch(f"/me/events/{meeting['id']}", json={"categories": ["Red"]}).status_code == 200
        r = cancel(as_alice, f"/me/events/{meeting['id']}", headers={"If-Match": stale})
        assert_error(r, 412, "ErrorIrresolvableConflict", STALE)
        assert as_alice.get(f"/me/events/{meeting['id']}").status_code == 200
        assert copy_of(as_bob, meeting["iCalUId"])["isCancelled"] is False
        assert of_type(messages(as_bob), "eventMessage") == []

        current = as_alice.get(f"/me/events/{meeting['id']}").json()["@odata.etag"]
        assert cancel(as_alice, f"/me/events/{meeting['id']}", headers={"If-Match": current}).status_code == 202

    def test_app_token_cancels_for_a_user(self, tenant: Tenant, alice: Mailbox, as_alice: Api,
                                          as_bob: Api) -> None:
        meeting = create_meeting(as_alice, [BOB])
        r = cancel(tenant.app_api(), f"/users/{alice.id}/events/{meeting['id']}")
        assert r.status_code == 202, r.text
        assert_cancelled_for(as_bob, meeting["iCalUId"])


class TestCancelRefusals:
    def test_non_member_on_a_group_route_is_403(self, tenant: Tenant, team: Mailbox, as_alice: Api,
                                                as_bob: Api) -> None:
        stranger = tenant.api(tenant.user("carol@contoso.com", "Carol Cole"))
        meeting = create_meeting(as_alice, [], path=f"/groups/{team.id}/events")
        for path in (f"/groups/{team.id}/events/{meeting['id']}", f"/groups/{team.id}/calendar/events/{meeting['id']}"):
            assert_error(cancel(stranger, path), 403, "ErrorAccessDenied", ACCESS_DENIED)
        assert as_alice.get(f"/groups/{team.id}/events/{meeting['id']}").status_code == 200
        assert copy_of(as_bob, meeting["iCalUId"])["isCancelled"] is False

    @pytest.mark.parametrize("route", ["/me/events/{e}", "/users/{upn}/calendar/events/{e}"])
    def test_read_only_token_is_403(self, tenant: Tenant, alice: Mailbox, as_alice: Api, as_bob: Api,
                                    route: str) -> None:
        meeting = create_meeting(as_alice, [BOB])
        reader = tenant.api(alice, ["Calendars.Read", "Mail.Read"])
        path = route.format(e=meeting["id"], upn=alice.address)
        assert_error(cancel(reader, path), 403, "ErrorAccessDenied", ACCESS_DENIED)
        assert as_alice.get(f"/me/events/{meeting['id']}").status_code == 200
        assert copy_of(as_bob, meeting["iCalUId"])["isCancelled"] is False

    def test_read_only_member_on_a_group_route_is_403(self, tenant: Tenant, alice: Mailbox, team: Mailbox,
                                                      as_alice: Api) -> None:
        meeting = create_meeting(as_alice, [], path=f"/groups/{team.id}/events")
        reader = tenant.api(alice, ["Calendars.Read"])
        assert_error(cancel(reader, f"/groups/{team.id}/events/{meeting['id']}"), 403, "ErrorAccessDenied")


class TestDelete:
    def test_organizer_delete_cancels_without_comment(self, as_alice: Api, as_bob: Api) -> None:
        meeting = create_meeting(as_alice, [BOB])
        r = as_alice.delete(f"/me/events/{meeting['id']}")
        assert r.status_code == 204, r.text
        assert_error(as_alice.get(f"/me/events/{meeting['id']}"), 404, "ErrorItemNotFound")
        assert_cancelled_for(as_bob, meeting["iCalUId"])
        message = cancellation(as_bob)
        assert message["subject"] == "Canceled: Planning"
        assert message["bodyPreview"] == ""
        assert cancellation(as_alice, "sentitems")["bodyPreview"] == ""

    def test_attendee_delete_only_removes_their_copy(self, as_alice: Api, as_bob: Api) -> None:
        meeting = create_meeting(as_alice, [BOB])
        copy = copy_of(as_bob, meeting["iCalUId"])
        assert as_bob.delete(f"/me/events/{copy['id']}").status_code == 204
        assert_error(as_bob.get(f"/me/events/{copy['id']}"), 404, "ErrorItemNotFound")
        assert copies(as_bob, meeting["iCalUId"]) == []
        organizers = as_alice.get(f"/me/events/{meeting['id']}").json()
        assert organizers["changeKey"] == meeting["changeKey"]
        assert entry(organizers, "bob@contoso.com")["status"] == NONE
        assert messages(as_alice) == []
        assert of_type(messages(as_bob), "eventMessage") == []
        assert of_type(messages(as_bob, "sentitems"), "eventMessage") == []
