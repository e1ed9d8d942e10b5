"""accept / tentativelyAccept / decline over HTTP (§3.2-3.4, §3.9, §4, §5, decisions 1-2, 9-11, 17-18, 20-21).

Alice organizes, Bob (and Carol) are invited. Each test finds the attendee's copy the way a client does:
through the `event` navigation of the request in their Inbox (`$expand=microsoft.graph.eventMessage/event`)
or through GET /me/events. The errors of these actions are in test_meeting_response_errors.py.
"""

from __future__ import annotations

from typing import Any

import pytest

from calgraph.core.model import Mailbox
from tests.http.conftest import Api, Tenant, assert_error, event_body

EXPAND = "$expand=microsoft.graph.eventMessage/event"
PST = "Pacific Standard Time"
PREFER_PST = {"Prefer": f'outlook.timezone="{PST}"'}
NEVER = "0001-01-01T00:00:00Z"
ACTIONS = ("accept", "tentativelyAccept", "decline")
RESPONSE = {"accept": "accepted", "tentativelyAccept": "tentativelyAccepted", "decline": "declined"}

# The Graph docs' example bodies (event-accept.md, event-tentativelyaccept.md, event-decline.md), verbatim.
DOC_PROPOSAL = {
    "start": {"dateTime": "2019-12-02T18:00:00", "timeZone": "Pacific Standard Time"},
    "end": {"dateTime": "2019-12-02T19:00:00", "timeZone": "Pacific Standard Time"},
}
DOC_BODIES: dict[str, dict[str, Any]] = {
    "accept": {"comment": "comment-value", "sendResponse": True},
    "tentativelyAccept": {"comment": "I may not be able to make this week. How about next week?",
                          "sendResponse": True, "proposedNewTime": DOC_PROPOSAL},
    "decline": {"comment": "I won't be able to make this week. How about next week?", "sendResponse": True,
                "proposedNewTime": DOC_PROPOSAL},
}
# DOC_PROPOSAL in UTC (PST is UTC-8 in December), as the organizer's event shows it without Prefer
PROPOSAL_UTC = {
    "start": {"dateTime": "2019-12-03T02:00:00.0000000", "timeZone": "UTC"},
    "end": {"dateTime": "2019-12-03T03:00:00.0000000", "timeZone": "UTC"},
}
PROPOSAL_PST = {
    "start": {"dateTime": "2019-12-02T18:00:00.0000000", "timeZone": PST},
    "end": {"dateTime": "2019-12-02T19:00:00.0000000", "timeZone": PST},
}


# helpers ------------------------------------------------------------------------------------------

def invite(organizer: Api, *addresses: str, **extra: Any) -> dict[str, Any]:
    """The organizer's new meeting ("Lunch", 2025-01-15 12:00-13:00 PST) with these attendees."""
    attendees = [{"emailAddress": {"address": a}, "type": "required"} for a in addresses]
    r = organizer.post("/me/events", json=event_body(attendees=attendees, **extra))
    assert r.status_code == 201, r.text
    return r.json()


def requests_in_inbox(attendee: Api) -> list[dict[str, Any]]:
    r = attendee.get(f"/me/mailFolders/inbox/messages?{EXPAND}")
    assert r.status_code == 200, r.text
    return [m for m in r.json()["value"] if m["@odata.type"] == "#microsoft.graph.eventMessageRequest"]


def copy_of(attendee: Api, meeting: dict[str, Any]) -> dict[str, Any]:
    """The attendee's copy of `meeting`, through the `event` navigation of the request in their Inbox."""
    [request] = [m for m in requests_in_inbox(attendee) if m["event"]["iCalUId"] == meeting["iCalUId"]]
    return request["event"]


def respond(api: Api, event_id: str, action: str, body: dict[str, Any] | None = None, *,
            prefix: str = "/me/events", **kw: Any):
    return api.post(f"{prefix}/{event_id}/{action}", json={} if body is None else body, **kw)


def responded(api: Api, event_id: str, action: str, body: dict[str, Any] | None = None, **kw: Any) -> None:
    r = respond(api, event_id, action, body, **kw)
    assert r.status_code == 202, r.text
    assert r.content == b""


def messages(api: Api, folder: str, *, version: str = "v1.0", headers: dict[str, str] | None = None,
             expand: bool = False) -> list[dict[str, Any]]:
    query = f"?{EXPAND}" if expand else ""
    r = api.get(f"/{version}/me/mailFolders/{folder}/messages{query}", headers=headers)
    assert r.status_code == 200, r.text
    return r.json()["value"]


def responses(api: Api, folder: str = "inbox", **kw: Any) -> list[dict[str, Any]]:
    return [m for m in messages(api, folder, **kw) if m["@odata.type"] == "#microsoft.graph.eventMessageResponse"]


def entry(meeting: dict[str, Any], address: str) -> dict[str, Any]:
    """The attendee entry of `address` in an event's JSON."""
    [found] = [a for a in meeting["attendees"] if a["emailAddress"]["address"] == address]
    return found


def get_event(api: Api, event_id: str, **kw: Any) -> dict[str, Any]:
    r = api.get(f"/me/events/{event_id}", **kw)
    assert r.status_code == 200, r.text
    return r.json()


def in_deleted_items(tenant: Tenant, mailbox: Mailbox, event_id: str) -> bool:
    with tenant.store.unit_of_work() as uow:
        folder = uow.get_mail_folder(mailbox.id, "deleteditems")
        assert folder is not None
        return event_id in {e.id for e in uow.query_folder_events(folder.id)}


def assert_untouched(organizer: Api, attendee: Api, meeting: dict[str, Any], copy: dict[str, Any],
                     address: str = "bob@contoso.com") -> None:
    """Nothing happened: the copy is unanswered, the organizer's entry too, and no response was sent."""
    now = get_event(attendee, copy["id"])
    assert now["responseStatus"] == {"response": "notResponded", "time": NEVER}
    assert now["@odata.etag"] == copy["@odata.etag"]
    assert entry(get_event(organizer, meeting["id"]), address)["status"] == {"response": "none", "time": NEVER}
    assert responses(organizer) == [] and responses(attendee, "sentitems") == []


@pytest.fixture
def meeting(as_alice: Api, bob: Mailbox) -> dict[str, Any]:
    return invite(as_alice, bob.address)


@pytest.fixture
def copy(as_bob: Api, meeting: dict[str, Any]) -> dict[str, Any]:
    return copy_of(as_bob, meeting)


# 1. every route form of the docs, v1.0 and beta ---------------------------------------------------

ROUTE_FORMS = [
    "/me/events/{id}",
    "/users/{uid}/events/{id}",
    "/users/{upn}/events/{id}",
    "/me/calendar/events/{id}",
    "/users/{upn}/calendar/events/{id}",
    "/me/calendars/{cal}/events/{id}",
    "/users/{uid}/calendars/{cal}/events/{id}",
    "/me/calendarGroups/{group}/calendars/{cal}/events/{id}",
    "/users/{upn}/calendarGroups/{group}/calendars/{cal}/events/{id}",
]
ROUTES = [(version, form) for version in ("v1.0", "beta") for form in ROUTE_FORMS] + [
    ("beta", "/me/calendargroup/calendars/{cal}/events/{id}"),  # older beta pages' singular alias
]


class TestRouteForms:
    @pytest.mark.parametrize("action", ACTIONS)
    @pytest.mark.parametrize(("version", "form"), ROUTES, ids=[f"{v}{f}" for v, f in ROUTES])
    def test_every_route_form_answers(self, as_alice, as_bob, bob, meeting, copy, tenant, version, form, action):
        cal = as_bob.get("/me/calendar").json()["id"]
        [group] = as_bob.get("/me/calendarGroups").json()["value"]
        path = form.format(uid=bob.id, upn=bob.address, cal=cal, group=group["id"], id=copy["id"])
        r = as_bob.post(f"/{version}{path}/{action}", json=DOC_BODIES[action])
        assert r.status_code == 202, r.text
        assert r.content == b""

        organizer_view = entry(get_event(as_alice, meeting["id"]), bob.address)
        assert organizer_view["status"]["response"] == RESPONSE[action]
        if action == "decline":
            assert_error(as_bob.get(f"/me/events/{copy['id']}"), 404, "ErrorItemNotFound")
            assert in_deleted_items(tenant, bob, copy["id"])
        else:
            assert get_event(as_bob, copy["id"])["responseStatus"]["response"] == RESPONSE[action]
        [message] = responses(as_alice)
        assert message["responseType"] == RESPONSE[action]

    def test_copy_id_from_the_events_list_works_too(self, as_alice, as_bob, meeting):
        [listed] = as_bob.get("/me/events").json()["value"]
        assert listed["iCalUId"] == meeting["iCalUId"] and listed["isOrganizer"] is False
        responded(as_bob, listed["id"], "accept", {})
        assert get_event(as_bob, listed["id"])["responseStatus"]["response"] == "accepted"

    def test_path_segments_match_case_insensitively(self, as_bob, copy):
        cal = as_bob.get("/me/calendar").json()["id"]
        r = as_bob.post(f"/v1.0/ME/CALENDARS/{cal}/Events/{copy['id']}/TentativelyAccept", json={})
        assert r.status_code == 202, r.text
        assert get_event(as_bob, copy["id"])["responseStatus"]["response"] == "tentativelyAccepted"


# 2. the docs' example bodies and their full effects ----------------------------------------------

class TestDeclineDocExample:
    def test_copy_moves_to_deleted_items(self, tenant, as_bob, bob, copy):
        responded(as_bob, copy["id"], "decline", DOC_BODIES["decline"])
        assert_error(as_bob.get(f"/me/events/{copy['id']}"), 404, "ErrorItemNotFound",
                     "The specified object was not found in the store.")
        assert in_deleted_items(tenant, bob, copy["id"])
        assert as_bob.get("/me/events").json()["value"] == []

    def test_organizer_entry_records_status_and_proposal(self, as_alice, as_bob, bob, meeting, copy):
        responded(as_bob, copy["id"], "decline", DOC_BODIES["decline"])
        organizer_event = get_event(as_alice, meeting["id"])
        bob_entry = entry(organizer_event, bob.address)
        assert bob_entry["status"]["response"] == "declined"
        assert bob_entry["status"]["time"] == organizer_event["lastModifiedDateTime"]
        assert bob_entry["status"]["time"] != NEVER
        assert bob_entry["proposedNewTime"] == PROPOSAL_UTC
        assert bob_entry["type"] == "required"
        assert organizer_event["@odata.etag"] != meeting["@odata.etag"]
        # nothing else of the organizer's event changes
        assert organizer_event["start"] == meeting["start"] and organizer_event["end"] == meeting["end"]
        assert organizer_event["responseStatus"] == meeting["responseStatus"]

        r = as_alice.get(f"/me/events/{meeting['id']}", headers=PREFER_PST)
        assert r.headers["Preference-Applied"] == f'outlook.timezone="{PST}"'
        assert entry(r.json(), bob.address)["proposedNewTime"] == PROPOSAL_PST

    def test_response_message_in_organizers_inbox(self, as_alice, as_bob, alice, bob, meeting, copy):
        responded(as_bob, copy["id"], "decline", DOC_BODIES["decline"])
        [message] = messages(as_alice, "inbox", expand=True)
        assert message["@odata.type"] == "#microsoft.graph.eventMessageResponse"
        assert message["subject"] == "New Time Proposed: Lunch"
        assert message["meetingMessageType"] == "meetingDeclined"
        assert message["responseType"] == "declined"
        assert message["proposedNewTime"] == DOC_PROPOSAL  # echoed as sent: its own zone, no fraction
        assert message["bodyPreview"] == "I won't be able to make this week. How about next week?"
        assert "I won't be able to make this week. How about next week?" in message["body"]["content"]
        assert message["from"] == message["sender"] == {"emailAddress": {"name": bob.display_name,
                                                                          "address": bob.address}}
        assert [r["emailAddress"]["address"] for r in message["toRecipients"]] == [alice.address]
        assert message["startDateTime"] == {"dateTime": "2025-01-15T20:00:00.0000000", "timeZone": "UTC"}
        assert message["endDateTime"] == {"dateTime": "2025-01-15T21:00:00.0000000", "timeZone": "UTC"}
        assert message["isRead"] is False and message["isDraft"] is False
        assert message["isOutOfDate"] is False and message["type"] == "singleInstance"
        assert message["receivedDateTime"].endswith("Z") and "." not in message["receivedDateTime"]
        assert message["event"]["id"] == meeting["id"] and message["event"]["isOrganizer"] is True
        assert entry(message["event"], bob.address)["status"]["response"] == "declined"
        assert message["event@odata.context"].endswith(
            f"/messages('{message['id']}')/microsoft.graph.eventMessage/event/$entity")

    def test_response_message_under_prefer_timezone(self, as_alice, as_bob, copy):
        responded(as_bob, copy["id"], "decline", DOC_BODIES["decline"])
        [message] = messages(as_alice, "inbox", headers=PREFER_PST)
        assert message["proposedNewTime"] == PROPOSAL_PST
        assert message["startDateTime"] == {"dateTime": "2025-01-15T12:00:00.0000000", "timeZone": PST}

    def test_single_message_by_id_with_expand(self, as_alice, as_bob, meeting, copy):
        responded(as_bob, copy["id"], "decline", DOC_BODIES["decline"])
        [listed] = messages(as_alice, "inbox")
        r = as_alice.get(f"/me/messages/{listed['id']}?{EXPAND}")
        assert r.status_code == 200, r.text
        assert r.json()["event"]["id"] == meeting["id"]
        assert r.json()["responseType"] == "declined"

    def test_copy_of_the_response_in_attendees_sent_items(self, as_bob, alice, copy):
        responded(as_bob, copy["id"], "decline", DOC_BODIES["decline"])
        [sent] = responses(as_bob, "sentitems")
        assert sent["subject"] == "New Time Proposed: Lunch"
        assert sent["meetingMessageType"] == "meetingDeclined"
        assert sent["responseType"] == "declined"
        assert sent["proposedNewTime"] == DOC_PROPOSAL
        assert sent["isRead"] is True
        assert [r["emailAddress"]["address"] for r in sent["toRecipients"]] == [alice.address]
        assert responses(as_bob, "inbox") == []


class TestTentativelyAcceptDocExample:
    def test_copy_is_tentative_with_the_response_time(self, as_bob, bob, copy):
        responded(as_bob, copy["id"], "tentativelyAccept", DOC_BODIES["tentativelyAccept"])
        now = get_event(as_bob, copy["id"])
        assert now["responseStatus"]["response"] == "tentativelyAccepted"
        assert now["responseStatus"]["time"] == now["lastModifiedDateTime"] != NEVER
        assert now["showAs"] == "tentative"
        assert now["isOrganizer"] is False and now["isCancelled"] is False
        assert now["@odata.etag"] != copy["@odata.etag"]
        # the attendee's own entry shows the answer with the 'never' time (§3.9), and no proposal
        own = entry(now, bob.address)
        assert own["status"] == {"response": "tentativelyAccepted", "time": NEVER}
        assert "proposedNewTime" not in own

    def test_organizer_entry_and_message(self, as_alice, as_bob, bob, meeting, copy):
        responded(as_bob, copy["id"], "tentativelyAccept", DOC_BODIES["tentativelyAccept"])
        bob_entry = entry(get_event(as_alice, meeting["id"]), bob.address)
        assert bob_entry["status"]["response"] == "tentativelyAccepted"
        assert bob_entry["status"]["time"] == get_event(as_bob, copy["id"])["responseStatus"]["time"]
        assert bob_entry["proposedNewTime"] == PROPOSAL_UTC
        pst = as_alice.get(f"/me/events/{meeting['id']}", headers=PREFER_PST).json()
        assert entry(pst, bob.address)["proposedNewTime"] == PROPOSAL_PST

        [message] = messages(as_alice, "inbox", expand=True)
        assert message["@odata.type"] == "#microsoft.graph.eventMessageResponse"
        assert message["subject"] == "New Time Proposed: Lunch"
        assert message["meetingMessageType"] == "meetingTenativelyAccepted"  # sic, v1.0 (decision 21)
        assert message["responseType"] == "tentativelyAccepted"
        assert message["proposedNewTime"] == DOC_PROPOSAL
        assert message["bodyPreview"] == "I may not be able to make this week. How about next week?"
        assert message["event"]["id"] == meeting["id"]
        [sent] = responses(as_bob, "sentitems")
        assert sent["subject"] == "New Time Proposed: Lunch" and sent["proposedNewTime"] == DOC_PROPOSAL

    def test_beta_spells_tentatively_correctly(self, as_alice, as_bob, copy):
        responded(as_bob, copy["id"], "tentativelyAccept", DOC_BODIES["tentativelyAccept"])
        [v1] = messages(as_alice, "inbox")
        [beta] = messages(as_alice, "inbox", version="beta")
        assert v1["meetingMessageType"] == "meetingTenativelyAccepted"
        assert beta["meetingMessageType"] == "meetingTentativelyAccepted"
        one = as_alice.get(f"/beta/me/messages/{v1['id']}").json()
        assert one["meetingMessageType"] == "meetingTentativelyAccepted"
        [sent] = messages(as_bob, "sentitems", version="beta")
        assert sent["meetingMessageType"] == "meetingTentativelyAccepted"

    def test_prefer_converts_the_message_proposal(self, as_alice, as_bob, copy):
        responded(as_bob, copy["id"], "tentativelyAccept", DOC_BODIES["tentativelyAccept"])
        [message] = messages(as_alice, "inbox", headers={"Prefer": 'outlook.timezone="UTC"'})
        assert message["proposedNewTime"] == PROPOSAL_UTC


class TestAcceptDocExample:
    def test_copy_takes_the_organizers_show_as(self, as_alice, as_bob, bob):
        meeting = invite(as_alice, bob.address, showAs="oof")
        copy = copy_of(as_bob, meeting)
        assert copy["showAs"] == "tentative"
        responded(as_bob, copy["id"], "accept", DOC_BODIES["accept"])
        now = get_event(as_bob, copy["id"])
        assert now["responseStatus"]["response"] == "accepted"
        assert now["responseStatus"]["time"] == now["lastModifiedDateTime"] != NEVER
        assert now["showAs"] == "oof"
        assert entry(now, bob.address)["status"] == {"response": "accepted", "time": NEVER}

    def test_default_show_as_busy(self, as_bob, copy):
        responded(as_bob, copy["id"], "accept", DOC_BODIES["accept"])
        assert get_event(as_bob, copy["id"])["showAs"] == "busy"

    def test_organizer_entry_and_message_without_proposal(self, as_alice, as_bob, alice, bob, meeting, copy):
        responded(as_bob, copy["id"], "accept", DOC_BODIES["accept"])
        bob_entry = entry(get_event(as_alice, meeting["id"]), bob.address)
        assert bob_entry["status"]["response"] == "accepted"
        assert bob_entry["status"]["time"] == get_event(as_bob, copy["id"])["responseStatus"]["time"]
        assert "proposedNewTime" not in bob_entry

        [message] = messages(as_alice, "inbox", expand=True)
        assert message["@odata.type"] == "#microsoft.graph.eventMessageResponse"
        assert message["subject"] == "Accepted: Lunch"
        assert message["meetingMessageType"] == "meetingAccepted"
        assert message["responseType"] == "accepted"
        assert message.get("proposedNewTime") is None
        assert message["bodyPreview"] == "comment-value"
        assert message["from"]["emailAddress"]["address"] == bob.address
        assert [r["emailAddress"]["address"] for r in message["toRecipients"]] == [alice.address]
        assert message["event"]["id"] == meeting["id"]
        [sent] = responses(as_bob, "sentitems")
        assert sent["subject"] == "Accepted: Lunch" and sent.get("proposedNewTime") is None
        [beta] = messages(as_alice, "inbox", version="beta")
        assert beta["meetingMessageType"] == "meetingAccepted"


class TestResponsesWithoutProposal:
    @pytest.mark.parametrize(("action", "subject", "message_type"), [
        ("tentativelyAccept", "Tentative: Lunch", "meetingTenativelyAccepted"),
        ("decline", "Declined: Lunch", "meetingDeclined"),
    ])
    def test_no_proposed_new_time_anywhere(self, as_alice, as_bob, bob, meeting, copy, action, subject,
                                           message_type):
        responded(as_bob, copy["id"], action, {"comment": "Sorry", "sendResponse": True})
        assert "proposedNewTime" not in entry(get_event(as_alice, meeting["id"]), bob.address)
        [message] = messages(as_alice, "inbox")
        assert message["subject"] == subject
        assert message["meetingMessageType"] == message_type
        assert message["responseType"] == RESPONSE[action]
        assert message.get("proposedNewTime") is None
        [sent] = responses(as_bob, "sentitems")
        assert sent.get("proposedNewTime") is None

    def test_accept_ignores_a_proposed_new_time(self, as_alice, as_bob, bob, meeting, copy):
        """accept has no proposedNewTime parameter; unknown parameters are ignored (decision 2)."""
        responded(as_bob, copy["id"], "accept", {"proposedNewTime": DOC_PROPOSAL})
        assert "proposedNewTime" not in entry(get_event(as_alice, meeting["id"]), bob.address)
        [message] = messages(as_alice, "inbox")
        assert message["subject"] == "Accepted: Lunch" and message.get("proposedNewTime") is None


# 3. body variants --------------------------------------------------------------------------------

class TestBodyVariants:
    @pytest.mark.parametrize("action", ACTIONS)
    def test_send_response_false_changes_only_the_copy(self, tenant, as_alice, as_bob, bob, meeting, copy,
                                                       action):
        responded(as_bob, copy["id"], action, {"sendResponse": False})
        if action == "decline":
            assert in_deleted_items(tenant, bob, copy["id"])
            assert_error(as_bob.get(f"/me/events/{copy['id']}"), 404, "ErrorItemNotFound")
        else:
            assert get_event(as_bob, copy["id"])["responseStatus"]["response"] == RESPONSE[action]
        organizer_event = get_event(as_alice, meeting["id"])
        assert organizer_event["@odata.etag"] == meeting["@odata.etag"]
        assert entry(organizer_event, bob.address)["status"] == {"response": "none", "time": NEVER}
        assert messages(as_alice, "inbox") == []
        assert responses(as_bob, "sentitems") == []

    def test_pascal_case_comment_and_send_response(self, as_alice, as_bob, bob, meeting, copy):
        responded(as_bob, copy["id"], "accept", {"Comment": "See you there", "SendResponse": True})
        [message] = messages(as_alice, "inbox")
        assert message["bodyPreview"] == "See you there" and message["subject"] == "Accepted: Lunch"
        assert entry(get_event(as_alice, meeting["id"]), bob.address)["status"]["response"] == "accepted"

    def test_pascal_case_send_response_false(self, as_alice, as_bob, copy):
        """What msgraph-sdk sends when the caller sets nothing (client.md)."""
        responded(as_bob, copy["id"], "tentativelyAccept", {"SendResponse": False})
        assert get_event(as_bob, copy["id"])["responseStatus"]["response"] == "tentativelyAccepted"
        assert messages(as_alice, "inbox") == []

    def test_pascal_case_proposed_new_time(self, as_alice, as_bob, bob, meeting, copy):
        body = {"SendResponse": True, "ProposedNewTime": {
            "Start": {"DateTime": "2019-12-02T18:00:00", "TimeZone": PST},
            "End": {"DateTime": "2019-12-02T19:00:00", "TimeZone": PST}}}
        responded(as_bob, copy["id"], "decline", body)
        assert entry(get_event(as_alice, meeting["id"]), bob.address)["proposedNewTime"] == PROPOSAL_UTC
        [message] = messages(as_alice, "inbox")
        assert message["proposedNewTime"] == DOC_PROPOSAL
        assert message["subject"] == "New Time Proposed: Lunch"

    def test_mixed_case_doc_style_proposal(self, as_alice, as_bob, bob, meeting, copy):
        body = {"sendResponse": True, "proposedNewTime": {
            "Start": {"DateTime": "2019-12-02T18:00:00", "TimeZone": PST},
            "end": {"dateTime": "2019-12-02T19:00:00", "timeZone": PST}}}
        responded(as_bob, copy["id"], "tentativelyAccept", body)
        assert entry(get_event(as_alice, meeting["id"]), bob.address)["proposedNewTime"] == PROPOSAL_UTC

    def test_string_true_sends_the_response(self, as_alice, as_bob, bob, meeting, copy):
        """The proposals walkthrough sends "sendResponse": "true" (§3.1)."""
        responded(as_bob, copy["id"], "tentativelyAccept",
                  {"sendResponse": "true", "proposedNewTime": DOC_PROPOSAL})
        assert entry(get_event(as_alice, meeting["id"]), bob.address)["proposedNewTime"] == PROPOSAL_UTC
        assert len(messages(as_alice, "inbox")) == 1

    def test_string_false_sends_nothing(self, as_alice, as_bob, copy):
        responded(as_bob, copy["id"], "accept", {"sendResponse": "false"})
        assert get_event(as_bob, copy["id"])["responseStatus"]["response"] == "accepted"
        assert messages(as_alice, "inbox") == []

    @pytest.mark.parametrize("action", ACTIONS)
    def test_empty_object_sends_the_response_by_default(self, as_alice, as_bob, bob, meeting, copy, action):
        responded(as_bob, copy["id"], action, {})
        assert entry(get_event(as_alice, meeting["id"]), bob.address)["status"]["response"] == RESPONSE[action]
        [message] = messages(as_alice, "inbox")
        assert message["responseType"] == RESPONSE[action]
        assert message["bodyPreview"] == ""
        assert len(responses(as_bob, "sentitems")) == 1

    def test_iana_zone_in_the_proposal(self, as_alice, as_bob, bob, meeting, copy):
        proposal = {"start": {"dateTime": "2019-12-02T18:00:00", "timeZone": "America/Los_Angeles"},
                    "end": {"dateTime": "2019-12-02T19:00:00", "timeZone": "America/Los_Angeles"}}
        responded(as_bob, copy["id"], "decline", {"proposedNewTime": proposal})
        assert entry(get_event(as_alice, meeting["id"]), bob.address)["proposedNewTime"] == PROPOSAL_UTC
        [message] = messages(as_alice, "inbox")
        assert message["proposedNewTime"] == proposal
        [pst] = messages(as_alice, "inbox", headers=PREFER_PST)
        assert pst["proposedNewTime"] == PROPOSAL_PST

    def test_unknown_parameters_are_ignored(self, as_alice, as_bob, copy):
        responded(as_bob, copy["id"], "accept", {"sendResponse": True, "color": "blue", "@odata.type": "x"})
        assert len(messages(as_alice, "inbox")) == 1


# 5. permissions and If-Match ---------------------------------------------------------------------

ACCESS_DENIED = "Access is denied. Check credentials and try again."


def share_calendar(owner: Api, grantee: str, role: str) -> None:
    r = owner.post("/me/calendar/calendarPermissions",
                   json={"emailAddress": {"address": grantee}, "role": role})
    assert r.status_code == 201, r.text


class TestPermissions:
    @pytest.mark.parametrize("action", ACTIONS)
    def test_calendars_read_is_not_enough(self, tenant, as_alice, as_bob, bob, meeting, copy, action):
        reader = tenant.api(bob, ["Calendars.Read", "Mail.Read"])
        assert_error(respond(reader, copy["id"], action, {}), 403, "ErrorAccessDenied", ACCESS_DENIED)
        assert_untouched(as_alice, as_bob, meeting, copy)

    def test_another_users_calendar_without_share(self, tenant, as_alice, as_bob, bob, carol, meeting, copy):
        as_carol = tenant.api(carol)
        for prefix in (f"/users/{bob.address}/events", f"/users/{bob.id}/calendar/events"):
            assert_error(respond(as_carol, copy["id"], "accept", {}, prefix=prefix), 403, "ErrorAccessDenied",
                         ACCESS_DENIED)
        assert_untouched(as_alice, as_bob, meeting, copy)

    def test_read_share_is_not_enough(self, tenant, as_alice, as_bob, bob, carol, meeting, copy):
        share_calendar(as_bob, carol.address, "read")
        as_carol = tenant.api(carol)
        assert_error(respond(as_carol, copy["id"], "accept", {}, prefix=f"/users/{bob.address}/events"),
                     403, "ErrorAccessDenied", ACCESS_DENIED)
        assert_untouched(as_alice, as_bob, meeting, copy)

    def test_write_share_without_shared_scope(self, tenant, as_alice, as_bob, bob, carol, meeting, copy):
        share_calendar(as_bob, carol.address, "write")
        as_carol = tenant.api(carol, ["Calendars.ReadWrite", "Mail.ReadWrite"])
        assert_error(respond(as_carol, copy["id"], "accept", {}, prefix=f"/users/{bob.address}/events"),
                     403, "ErrorAccessDenied", ACCESS_DENIED)
        assert_untouched(as_alice, as_bob, meeting, copy)

    def test_write_share_with_shared_scope(self, tenant, as_alice, as_bob, bob, carol, meeting, copy):
        share_calendar(as_bob, carol.address, "write")
        delegate = tenant.api(carol, ["Calendars.ReadWrite.Shared", "Mail.Read"])
        responded(delegate, copy["id"], "tentativelyAccept", DOC_BODIES["tentativelyAccept"],
                  prefix=f"/users/{bob.address}/events")
        assert get_event(as_bob, copy["id"])["responseStatus"]["response"] == "tentativelyAccepted"
        bob_entry = entry(get_event(as_alice, meeting["id"]), bob.address)
        assert bob_entry["status"]["response"] == "tentativelyAccepted"
        [message] = messages(as_alice, "inbox")
        assert message["from"]["emailAddress"]["address"] == bob.address  # the response is Bob's
        assert len(responses(as_bob, "sentitems")) == 1

    def test_write_share_through_calendar_route(self, tenant, as_alice, as_bob, bob, carol, meeting, copy):
        share_calendar(as_bob, carol.address, "write")
        cal = as_bob.get("/me/calendar").json()["id"]
        delegate = tenant.api(carol, ["Calendars.ReadWrite.Shared"])
        responded(delegate, copy["id"], "accept", {}, prefix=f"/users/{bob.id}/calendars/{cal}/events")
        assert entry(get_event(as_alice, meeting["id"]), bob.address)["status"]["response"] == "accepted"

    @pytest.mark.parametrize("action", ACTIONS)
    def test_app_token_with_calendars_read_write(self, tenant, as_alice, bob, meeting, copy, action):
        app = tenant.app_api(["Calendars.ReadWrite"])
        responded(app, copy["id"], action, DOC_BODIES[action], prefix=f"/users/{bob.id}/events")
        assert entry(get_event(as_alice, meeting["id"]), bob.address)["status"]["response"] == RESPONSE[action]
        assert len(responses(as_alice)) == 1

    def test_app_token_with_calendars_read(self, tenant, as_alice, as_bob, bob, meeting, copy):
        app = tenant.app_api(["Calendars.Read"])
        assert_error(respond(app, copy["id"], "accept", {}, prefix=f"/users/{bob.id}/events"), 403,
                     "ErrorAccessDenied", ACCESS_DENIED)
        assert_untouched(as_alice, as_bob, meeting, copy)

    @pytest.mark.parametrize("action", ACTIONS)
    def test_stale_if_match(self, as_alice, as_bob, bob, meeting, copy, action):
        stale = copy["@odata.etag"]
        assert as_bob.patch(f"/me/events/{copy['id']}", json={"categories": ["Red"]}).status_code == 200
        changed = get_event(as_bob, copy["id"])
        assert changed["@odata.etag"] != stale
        r = respond(as_bob, copy["id"], action, {}, headers={"If-Match": stale})
        assert_error(r, 412, "ErrorIrresolvableConflict",
                     "The send or update operation could not be performed because the change key passed in "
                     "the request does not match the current change key for the item.")
        assert get_event(as_bob, copy["id"])["responseStatus"]["response"] == "notResponded"
        assert responses(as_alice) == []
        assert entry(get_event(as_alice, meeting["id"]), bob.address)["status"]["response"] == "none"

    @pytest.mark.parametrize("action", ACTIONS)
    def test_fresh_if_match(self, as_alice, as_bob, copy, action):
        current = get_event(as_bob, copy["id"])["@odata.etag"]
        responded(as_bob, copy["id"], action, {}, headers={"If-Match": current})
        [message] = responses(as_alice)
        assert message["responseType"] == RESPONSE[action]


# 6. several attendees, answering again -----------------------------------------------------------

class TestSeveralAttendees:
    def test_organizer_sees_each_answer(self, as_alice, as_bob, as_carol, bob, carol):
        meeting = invite(as_alice, bob.address, carol.address)
        responded(as_bob, copy_of(as_bob, meeting)["id"], "accept", {"comment": "Yes"})
        responded(as_carol, copy_of(as_carol, meeting)["id"], "decline", DOC_BODIES["decline"])

        organizer_event = get_event(as_alice, meeting["id"])
        bob_entry, carol_entry = entry(organizer_event, bob.address), entry(organizer_event, carol.address)
        assert bob_entry["status"]["response"] == "accepted" and "proposedNewTime" not in bob_entry
        assert carol_entry["status"]["response"] == "declined"
        assert carol_entry["proposedNewTime"] == PROPOSAL_UTC
        by_sender = {m["from"]["emailAddress"]["address"]: m for m in messages(as_alice, "inbox")}
        assert by_sender[bob.address]["subject"] == "Accepted: Lunch"
        assert by_sender[carol.address]["subject"] == "New Time Proposed: Lunch"
        assert set(by_sender) == {bob.address, carol.address}

    def test_an_attendees_copy_does_not_show_others_answers(self, as_alice, as_bob, as_carol, bob, carol):
        meeting = invite(as_alice, bob.address, carol.address)
        responded(as_bob, copy_of(as_bob, meeting)["id"], "decline", DOC_BODIES["decline"])
        carols = get_event(as_carol, copy_of(as_carol, meeting)["id"])
        assert entry(carols, bob.address)["status"] == {"response": "none", "time": NEVER}
        assert "proposedNewTime" not in entry(carols, bob.address)

    def test_answering_again_replaces_status_and_proposal(self, as_alice, as_bob, as_carol, bob, carol):
        meeting = invite(as_alice, bob.address, carol.address)
        bobs = copy_of(as_bob, meeting)
        responded(as_carol, copy_of(as_carol, meeting)["id"], "tentativelyAccept", DOC_BODIES["tentativelyAccept"])

        responded(as_bob, bobs["id"], "tentativelyAccept", DOC_BODIES["tentativelyAccept"])
        assert entry(get_event(as_alice, meeting["id"]), bob.address)["proposedNewTime"] == PROPOSAL_UTC

        later = {"start": {"dateTime": "2019-12-09T09:00:00", "timeZone": "UTC"},
                 "end": {"dateTime": "2019-12-09T09:30:00", "timeZone": "UTC"}}
        responded(as_bob, bobs["id"], "tentativelyAccept", {"proposedNewTime": later})
        bob_entry = entry(get_event(as_alice, meeting["id"]), bob.address)
        assert bob_entry["status"]["response"] == "tentativelyAccepted"
        assert bob_entry["proposedNewTime"] == {
            "start": {"dateTime": "2019-12-09T09:00:00.0000000", "timeZone": "UTC"},
            "end": {"dateTime": "2019-12-09T09:30:00.0000000", "timeZone": "UTC"}}

        responded(as_bob, bobs["id"], "accept", {})
        organizer_event = get_event(as_alice, meeting["id"])
        bob_entry = entry(organizer_event, bob.address)
        assert bob_entry["status"]["response"] == "accepted"
        assert "proposedNewTime" not in bob_entry
        assert get_event(as_bob, bobs["id"])["responseStatus"]["response"] == "accepted"
        # Carol's answer is untouched by Bob's
        carol_entry = entry(organizer_event, carol.address)
        assert carol_entry["status"]["response"] == "tentativelyAccepted"
        assert carol_entry["proposedNewTime"] == PROPOSAL_UTC
        subjects = sorted(m["subject"] for m in messages(as_alice, "inbox")
                          if m["from"]["emailAddress"]["address"] == bob.address)
        assert subjects == ["Accepted: Lunch", "New Time Proposed: Lunch", "New Time Proposed: Lunch"]

    def test_declining_after_accepting(self, tenant, as_alice, as_bob, bob, meeting, copy):
        responded(as_bob, copy["id"], "accept", {})
        responded(as_bob, copy["id"], "decline", {"comment": "Changed my mind"})
        assert in_deleted_items(tenant, bob, copy["id"])
        assert entry(get_event(as_alice, meeting["id"]), bob.address)["status"]["response"] == "declined"
        declined = [m["subject"] for m in responses(as_alice) if m["responseType"] == "declined"]
        assert declined == ["Declined: Lunch"]
