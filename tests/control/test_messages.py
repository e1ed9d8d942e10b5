"""GET /_calgraph/messages: every meeting message delivered, filtered by mailbox, type and time."""

from __future__ import annotations

from tests.http.conftest import assert_error, event_body

ATTENDEES = [{"emailAddress": {"address": "bob@contoso.com"}, "type": "required"},
             {"emailAddress": {"address": "carol@contoso.com"}, "type": "required"}]


def test_invitations_and_answers_are_listed(admin, alice, bob, carol, as_alice, as_bob):
    as_alice.post("/me/events", json=event_body("<b>Plan</b>", attendees=ATTENDEES))
    invitations = admin.get("/messages", params={"type": "meetingRequest"}).json()["value"]
    assert sorted(m["mailbox"] for m in invitations) == ["bob@contoso.com", "carol@contoso.com"]
    first = invitations[0]
    assert first["subject"] == "<b>Plan</b>" and first["folder"] == "Inbox"
    assert first["from"]["emailAddress"]["address"] == "alice@contoso.com"
    assert first["receivedDateTime"].endswith("Z") and first["id"]

    copy = as_bob.get("/me/events").json()["value"][0]
    as_bob.post(f"/me/events/{copy['id']}/tentativelyAccept", json={"sendResponse": True})
    to_alice = admin.get("/messages", params={"mailbox": "alice@contoso.com"}).json()["value"]
    assert [m["meetingMessageType"] for m in to_alice] == ["meetingTentativelyAccepted"]
    assert admin.get("/messages", params={"type": "meetingTenativelyAccepted"}).json()["value"] == to_alice
    everything = admin.get("/messages").json()["value"]
    assert everything[0]["meetingMessageType"] == "meetingTentativelyAccepted"    # newest first
    assert admin.get("/messages", params={"since": "2100-01-01T00:00:00Z"}).json()["value"] == []
    assert len(admin.get("/messages", params={"subject": "PLAN"}).json()["value"]) == 3
    assert admin.get("/messages", params={"subject": "other"}).json()["value"] == []


def test_bad_message_queries(admin):
    assert_error(admin.get("/messages", params={"mailbox": "nobody@contoso.com"}), 404, "ErrorInvalidUser")
    assert_error(admin.get("/messages", params={"since": "soon"}), 400, "BadRequest")
