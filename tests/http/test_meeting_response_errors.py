"""The refusals of accept / tentativelyAccept / decline over HTTP (§3.1, §3.10, decisions 3-7, 16-17).

Every refusal has its exact status, code and message in Graph's envelope, and leaves the attendee's
copy, the organizer's event and both mailboxes as they were.
"""

from __future__ import annotations

import pytest

from tests.http.conftest import assert_error, event_body
from tests.http.test_meeting_responses import (
    ACTIONS,
    DOC_BODIES,
    DOC_PROPOSAL,
    assert_untouched,
    copy_of,
    get_event,
    invite,
    requests_in_inbox,
    respond,
)

PROPOSING = ("tentativelyAccept", "decline")
CANT = "Your request can't be completed. "
ORGANIZER_CANNOT_RESPOND = CANT + "You can't respond to this meeting because you're the meeting organizer."
NO_PROPOSALS = CANT + "The organizer of this meeting doesn't allow new time proposals."
CANCELLED = CANT + "The meeting has been canceled."
PROPOSAL_NEEDS_SEND = "'SendResponse' must be true when 'ProposedNewTime' is not null."
COMMENT_NEEDS_SEND = "'SendResponse' must be true when 'Comment' is not null."
NOT_FOUND = "The specified object was not found in the store."
UNKNOWN_ID = "AAMk" + "C" * 60 + "AAA="


@pytest.fixture
def meeting(as_alice, bob):
    return invite(as_alice, bob.address)


@pytest.fixture
def copy(as_bob, meeting):
    return copy_of(as_bob, meeting)


def slot(start: str, end: str, zone: str = "Pacific Standard Time") -> dict:
    return {"start": {"dateTime": start, "timeZone": zone}, "end": {"dateTime": end, "timeZone": zone}}


class TestBody:
    @pytest.mark.parametrize("action", ACTIONS)
    def test_no_body(self, as_alice, as_bob, meeting, copy, action):
        r = as_bob.post(f"/me/events/{copy['id']}/{action}")
        assert_error(r, 400, "BadRequest", "Empty Payload. JSON content expected.")
        r = as_bob.post(f"/me/events/{copy['id']}/{action}", content=b"",
                        headers={"Content-Type": "application/json"})
        assert_error(r, 400, "BadRequest", "Empty Payload. JSON content expected.")
        assert_untouched(as_alice, as_bob, meeting, copy)

    @pytest.mark.parametrize("action", PROPOSING)
    def test_proposal_without_send_response(self, as_alice, as_bob, meeting, copy, action):
        r = respond(as_bob, copy["id"], action, {"sendResponse": False, "proposedNewTime": DOC_PROPOSAL})
        assert_error(r, 400, "ErrorInvalidParameter", PROPOSAL_NEEDS_SEND)
        assert_untouched(as_alice, as_bob, meeting, copy)

    @pytest.mark.parametrize("action", ACTIONS)
    def test_comment_without_send_response(self, as_alice, as_bob, meeting, copy, action):
        r = respond(as_bob, copy["id"], action, {"comment": "Sorry", "sendResponse": False})
        assert_error(r, 400, "ErrorInvalidParameter", COMMENT_NEEDS_SEND)
        assert_untouched(as_alice, as_bob, meeting, copy)

    @pytest.mark.parametrize("action", PROPOSING)
    def test_proposal_rule_is_reported_before_comment_rule(self, as_alice, as_bob, meeting, copy, action):
        for body in (DOC_BODIES[action] | {"sendResponse": False},
                     {"Comment": "x", "SendResponse": "false", "ProposedNewTime": DOC_PROPOSAL}):
            assert_error(respond(as_bob, copy["id"], action, body), 400, "ErrorInvalidParameter",
                         PROPOSAL_NEEDS_SEND)
        assert_untouched(as_alice, as_bob, meeting, copy)

    def test_pascal_case_comment_without_send_response(self, as_bob, copy):
        """msgraph-sdk sends "SendResponse": false unless told otherwise (client.md)."""
        assert_error(respond(as_bob, copy["id"], "accept", {"Comment": "Hi", "SendResponse": False}), 400,
                     "ErrorInvalidParameter", COMMENT_NEEDS_SEND)

    def test_empty_comment_is_a_comment(self, as_bob, copy):
        assert_error(respond(as_bob, copy["id"], "decline", {"comment": "", "sendResponse": False}), 400,
                     "ErrorInvalidParameter", COMMENT_NEEDS_SEND)

    def test_null_comment_and_proposal_are_absent(self, as_bob, copy):
        r = respond(as_bob, copy["id"], "decline",
                    {"comment": None, "proposedNewTime": None, "sendResponse": False})
        assert r.status_code == 202, r.text

    @pytest.mark.parametrize(("body", "code"), [
        ([], "BadRequest"),
        ("accept", "BadRequest"),
        ({"sendResponse": "maybe"}, "RequestBodyRead"),
        ({"comment": 42}, "RequestBodyRead"),
        ({"proposedNewTime": "tomorrow"}, "RequestBodyRead"),
        ({"proposedNewTime": slot("soon", "2019-12-02T19:00:00")}, "RequestBodyRead"),
    ])
    def test_unreadable_bodies(self, as_alice, as_bob, meeting, copy, body, code):
        assert_error(respond(as_bob, copy["id"], "tentativelyAccept", body), 400, code)
        assert_untouched(as_alice, as_bob, meeting, copy)


class TestWhoMayRespond:
    @pytest.mark.parametrize("action", ACTIONS)
    def test_organizer_cannot_respond(self, as_alice, as_bob, meeting, copy, action):
        r = respond(as_alice, meeting["id"], action, DOC_BODIES[action])
        assert_error(r, 400, "ErrorInvalidRequest", ORGANIZER_CANNOT_RESPOND)
        assert_untouched(as_alice, as_bob, meeting, copy)
        assert get_event(as_alice, meeting["id"])["responseStatus"]["response"] == "organizer"

    @pytest.mark.parametrize("action", ACTIONS)
    def test_plain_appointment_counts_as_organizer(self, as_alice, action):
        ev = as_alice.post("/me/events", json=event_body()).json()
        assert_error(respond(as_alice, ev["id"], action, {}), 400, "ErrorInvalidRequest",
                     ORGANIZER_CANNOT_RESPOND)

    @pytest.mark.parametrize(("action", "code"), [
        ("accept", "ErrorCalendarIsCancelledForAccept"),
        ("tentativelyAccept", "ErrorCalendarIsCancelledForTentative"),
        ("decline", "ErrorCalendarIsCancelledForDecline"),
    ])
    def test_meeting_cancelled_by_the_organizer(self, as_alice, as_bob, meeting, copy, action, code):
        r = as_alice.post(f"/me/events/{meeting['id']}/cancel", json={"comment": "Off"})
        assert r.status_code == 202, r.text
        cancelled = get_event(as_bob, copy["id"])
        assert cancelled["isCancelled"] is True
        assert_error(respond(as_bob, copy["id"], action, DOC_BODIES[action]), 400, code, CANCELLED)
        assert_error(respond(as_bob, copy["id"], action, {"sendResponse": False}), 400, code, CANCELLED)
        assert get_event(as_bob, copy["id"])["@odata.etag"] == cancelled["@odata.etag"]

    @pytest.mark.parametrize("action", ACTIONS)
    def test_meeting_deleted_by_the_organizer(self, as_alice, as_bob, meeting, copy, action):
        assert as_alice.delete(f"/me/events/{meeting['id']}").status_code == 204
        assert_error(respond(as_bob, copy["id"], action, {}), 400,
                     {"accept": "ErrorCalendarIsCancelledForAccept",
                      "tentativelyAccept": "ErrorCalendarIsCancelledForTentative",
                      "decline": "ErrorCalendarIsCancelledForDecline"}[action], CANCELLED)


class TestProposals:
    @pytest.mark.parametrize("action", PROPOSING)
    def test_not_allowed_by_the_organizer(self, as_alice, as_bob, bob, action):
        meeting = invite(as_alice, bob.address, allowNewTimeProposals=False)
        copy = copy_of(as_bob, meeting)
        assert copy["allowNewTimeProposals"] is False
        assert_error(respond(as_bob, copy["id"], action, DOC_BODIES[action]), 400, "ErrorInvalidRequest",
                     NO_PROPOSALS)
        assert_untouched(as_alice, as_bob, meeting, copy)
        r = respond(as_bob, copy["id"], action, {"comment": "No proposal"})
        assert r.status_code == 202, r.text

    @pytest.mark.parametrize("action", PROPOSING)
    @pytest.mark.parametrize("proposal", [
        slot("2019-12-02T18:00:00", "2019-12-02T18:00:00"),
        slot("2019-12-02T19:00:00", "2019-12-02T18:00:00"),
        # 18:00 PST is 02:00 UTC the next day: an end of 01:00 UTC is before it
        {"start": {"dateTime": "2019-12-02T18:00:00", "timeZone": "Pacific Standard Time"},
         "end": {"dateTime": "2019-12-03T01:00:00", "timeZone": "UTC"}},
    ], ids=["empty", "reversed", "reversed-across-zones"])
    def test_end_must_be_after_start(self, as_alice, as_bob, meeting, copy, action, proposal):
        assert_error(respond(as_bob, copy["id"], action, {"proposedNewTime": proposal}), 400,
                     "ErrorInvalidParameter")
        assert_untouched(as_alice, as_bob, meeting, copy)

    @pytest.mark.parametrize("action", PROPOSING)
    def test_unknown_time_zone(self, as_alice, as_bob, meeting, copy, action):
        proposal = slot("2019-12-02T18:00:00", "2019-12-02T19:00:00", "Mars Standard Time")
        assert_error(respond(as_bob, copy["id"], action, {"proposedNewTime": proposal}), 400,
                     "TimeZoneNotSupportedException",
                     "A valid TimeZone value must be specified. "
                     "The following TimeZone value is not supported: 'Mars Standard Time'.")
        assert_untouched(as_alice, as_bob, meeting, copy)


class TestWhichEvent:
    @pytest.mark.parametrize("action", ACTIONS)
    def test_unknown_id(self, as_bob, action):
        assert_error(respond(as_bob, UNKNOWN_ID, action, {}), 404, "ErrorItemNotFound", NOT_FOUND)

    @pytest.mark.parametrize("action", ACTIONS)
    @pytest.mark.parametrize("bad_id", ["not-an-id", "AAMk%2Fabc", "12345"])
    def test_malformed_id(self, as_bob, action, bad_id):
        assert_error(respond(as_bob, bad_id, action, {}), 400, "ErrorInvalidIdMalformed", "Id is malformed.")

    @pytest.mark.parametrize("action", ACTIONS)
    def test_id_of_another_mailbox(self, as_alice, as_bob, meeting, copy, action):
        # the organizer's id in the attendee's mailbox, and the attendee's copy id in the organizer's
        assert_error(respond(as_bob, meeting["id"], action, {}), 404, "ErrorItemNotFound", NOT_FOUND)
        assert_error(respond(as_alice, copy["id"], action, {}), 404, "ErrorItemNotFound", NOT_FOUND)
        assert_untouched(as_alice, as_bob, meeting, copy)

    @pytest.mark.parametrize("action", ACTIONS)
    def test_calendar_that_does_not_hold_the_event(self, as_alice, as_bob, meeting, copy, action):
        side = as_bob.post("/me/calendars", json={"name": "Side"}).json()
        for version in ("v1.0", "beta"):
            r = as_bob.post(f"/{version}/me/calendars/{side['id']}/events/{copy['id']}/{action}", json={})
            assert_error(r, 404, "ErrorItemNotFound", NOT_FOUND)
        assert_untouched(as_alice, as_bob, meeting, copy)

    @pytest.mark.parametrize("action", ACTIONS)
    def test_calendar_group_that_does_not_hold_the_calendar(self, as_alice, as_bob, bob, meeting, copy, action):
        cal = as_bob.get("/me/calendar").json()["id"]
        other = as_bob.post("/me/calendarGroups", json={"name": "Other"}).json()
        for prefix in ("/me", f"/users/{bob.address}"):
            r = as_bob.post(f"{prefix}/calendarGroups/{other['id']}/calendars/{cal}/events/{copy['id']}/{action}",
                            json={})
            assert_error(r, 404, "ErrorItemNotFound", NOT_FOUND)
        assert_untouched(as_alice, as_bob, meeting, copy)

    @pytest.mark.parametrize("action", ACTIONS)
    def test_unknown_calendar(self, as_bob, copy, action):
        r = as_bob.post(f"/me/calendars/{UNKNOWN_ID}/events/{copy['id']}/{action}", json={})
        assert_error(r, 404, "ErrorItemNotFound", NOT_FOUND)

    @pytest.mark.parametrize("action", ACTIONS)
    def test_declined_copy_cannot_be_answered_again(self, as_bob, copy, action):
        """decline moved it to Deleted Items: it is no longer in the calendar (decision 9)."""
        assert respond(as_bob, copy["id"], "decline", {}).status_code == 202
        assert_error(respond(as_bob, copy["id"], action, {}), 404, "ErrorItemNotFound", NOT_FOUND)


class TestGroupRoutes:
    @pytest.mark.parametrize("action", ACTIONS)
    @pytest.mark.parametrize("version", ["v1.0", "beta"])
    def test_no_group_routes(self, tenant, alice, bob, as_alice, as_bob, action, version):
        group = tenant.group("team@contoso.com", "Team", [alice.address, bob.address])
        ev = as_alice.post(f"/groups/{group.id}/events", json=event_body(subject="Standup"))
        assert ev.status_code == 201, ev.text
        for container in ("events", "calendar/events"):
            r = as_bob.post(f"/{version}/groups/{group.id}/{container}/{ev.json()['id']}/{action}",
                            json=DOC_BODIES[action])
            assert_error(r, 404, "UnknownError", f"Resource not found for the segment '{action}'.")
        # the member's own copy of the group's meeting is answered through a user route
        [request] = [m for m in requests_in_inbox(as_bob) if m["subject"] == "Standup"]
        assert respond(as_bob, request["event"]["id"], action, {}).status_code == 202
