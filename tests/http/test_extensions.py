"""Open extensions on events (every route form, occurrences too) and messages over HTTP."""

from __future__ import annotations

from tests.http.conftest import assert_error, event_body
from tests.http.test_meeting_invitations import create_meeting, messages, person

EXT = "Microsoft.OutlookServices.OpenTypeExtension."
REFERRAL = {"@odata.type": "microsoft.graph.openTypeExtension", "extensionName": "Com.Contoso.Referral",
            "companyName": "Wingtip Toys", "dealValue": 500050, "expirationDate": "2015-12-03T10:00:00.000Z"}


def test_extension_crud_on_an_event(as_alice):
    ev = as_alice.post("/me/events", json=event_body()).json()
    r = as_alice.post(f"/me/events/{ev['id']}/extensions", json=REFERRAL)
    assert r.status_code == 201, r.text
    made = r.json()
    assert made["id"] == EXT + "Com.Contoso.Referral" and made["extensionName"] == "Com.Contoso.Referral"
    assert made["@odata.type"] == "#microsoft.graph.openTypeExtension"
    assert made["companyName"] == "Wingtip Toys" and made["dealValue"] == 500050
    assert "/events('" in made["@odata.context"] and made["@odata.context"].endswith("/extensions/$entity")

    # by name or by id, OData key syntax too; the event's change key moved on
    for path in (f"/me/events/{ev['id']}/extensions/Com.Contoso.Referral",
                 f"/me/calendar/events('{ev['id']}')/extensions('{EXT}Com.Contoso.Referral')"):
        got = as_alice.get(path)
        assert got.status_code == 200 and got.json()["dealValue"] == 500050, got.text
    assert as_alice.get(f"/me/events/{ev['id']}").json()["changeKey"] != ev["changeKey"]

    clash = as_alice.post(f"/me/events/{ev['id']}/extensions", json={**REFERRAL, "extensionName": "com.contoso.REFERRAL"})
    assert_error(clash, 409, "NameAlreadyExists")
    assert_error(as_alice.post(f"/me/events/{ev['id']}/extensions", json={"x": 1}), 400, "ErrorInvalidRequest")

    r = as_alice.patch(f"/me/events/{ev['id']}/extensions/Com.Contoso.Referral", json={"dealValue": 1, "note": "n"})
    assert r.status_code == 200 and r.json()["dealValue"] == 1 and r.json()["companyName"] == "Wingtip Toys"
    listed = as_alice.get(f"/me/events/{ev['id']}/extensions").json()["value"]
    assert [e["extensionName"] for e in listed] == ["Com.Contoso.Referral"] and listed[0]["note"] == "n"

    assert as_alice.delete(f"/me/events/{ev['id']}/extensions/Com.Contoso.Referral").status_code == 204
    assert_error(as_alice.get(f"/me/events/{ev['id']}/extensions/Com.Contoso.Referral"), 404, "ErrorItemNotFound")
    assert_error(as_alice.delete(f"/me/events/{ev['id']}/extensions/Com.Contoso.Referral"), 404, "ErrorItemNotFound")
    assert as_alice.get(f"/me/events/{ev['id']}/extensions").json()["value"] == []


def test_extensions_in_the_create_body_and_expand_with_filter(as_alice):
    second = {"extensionName": "Org.Example.Other", "flag": True}
    r = as_alice.post("/me/events", json=event_body(extensions=[REFERRAL, second]))
    assert r.status_code == 201, r.text
    ev = r.json()
    assert "extensions" not in ev
    got = as_alice.get(f"/me/events/{ev['id']}?$expand=extensions($filter=id eq '{EXT}Com.Contoso.Referral')").json()
    assert [e["extensionName"] for e in got["extensions"]] == ["Com.Contoso.Referral"]
    got = as_alice.get(f"/me/events/{ev['id']}?$expand=extensions($filter=id eq 'Org.Example.Other')").json()
    assert got["extensions"] == [{"@odata.type": "#microsoft.graph.openTypeExtension", "id": EXT + "Org.Example.Other",
                                  "extensionName": "Org.Example.Other", "flag": True}]
    listed = as_alice.get("/me/events?$expand=extensions").json()["value"]
    assert len(listed[0]["extensions"]) == 2
    view = as_alice.get("/me/calendarView?startDateTime=2025-01-15T00:00:00Z&endDateTime=2025-01-16T00:00:00Z"
                        "&$expand=extensions($filter=id eq 'Org.Example.Other')").json()["value"]
    assert [e["extensionName"] for e in view[0]["extensions"]] == ["Org.Example.Other"]
    dup = as_alice.post("/me/events", json=event_body(extensions=[REFERRAL, REFERRAL]))
    assert_error(dup, 409, "NameAlreadyExists")
    assert_error(as_alice.get(f"/me/events/{ev['id']}?$expand=extensions($filter=subject eq 'x')"), 400, "BadRequest")


def test_extension_on_an_occurrence_makes_it_an_exception(as_alice):
    recurrence = {"pattern": {"type": "daily", "interval": 1},
                  "range": {"type": "numbered", "startDate": "2025-01-15", "numberOfOccurrences": 3}}
    master = as_alice.post("/me/events", json=event_body(recurrence=recurrence)).json()
    occurrences = as_alice.get(f"/me/events/{master['id']}/instances?startDateTime=2025-01-01T00:00:00Z"
                               "&endDateTime=2025-02-01T00:00:00Z").json()["value"]
    second = occurrences[1]["id"]
    r = as_alice.post(f"/me/events/{master['id']}/instances/{second}/extensions", json=REFERRAL)
    assert r.status_code == 201, r.text
    got = as_alice.get(f"/me/events/{second}?$expand=extensions").json()
    assert got["type"] == "exception" and got["extensions"][0]["extensionName"] == "Com.Contoso.Referral"
    assert as_alice.get(f"/me/events/{occurrences[0]['id']}/extensions").json()["value"] == []


def test_extensions_on_messages_and_meeting_flows(tenant, as_alice, as_bob, bob):
    meeting = create_meeting(as_alice, [person(bob.address)], extensions=[REFERRAL])
    # the attendee's copy does not carry the organizer's extension; the attendee adds its own
    copy = as_bob.get("/me/events").json()["value"][0]
    assert as_bob.get(f"/me/events/{copy['id']}/extensions").json()["value"] == []
    assert as_bob.post(f"/me/events/{copy['id']}/extensions", json={"extensionName": "Bob.Notes", "n": 1}).status_code == 201
    # an update and a cancel keep both sides' extensions
    assert as_alice.patch(f"/me/events/{meeting['id']}", json={"subject": "Moved"}).status_code == 200
    assert as_bob.get(f"/me/events/{copy['id']}/extensions/Bob.Notes").json()["n"] == 1
    assert as_alice.get(f"/me/events/{meeting['id']}/extensions/Com.Contoso.Referral").status_code == 200
    assert as_alice.post(f"/me/events/{meeting['id']}/cancel", json={}).status_code == 202
    assert as_bob.get(f"/me/events/{copy['id']}/extensions/Bob.Notes").json()["n"] == 1

    request = next(m for m in messages(as_bob) if m["@odata.type"].endswith("eventMessageRequest"))
    r = as_bob.post(f"/me/messages('{request['id']}')/extensions", json={"extensionName": "Crm.Link", "id": "x", "crm": 7})
    assert r.status_code == 201, r.text
    got = as_bob.get(f"/me/mailFolders/inbox/messages/{request['id']}?$expand=extensions").json()
    assert got["extensions"][0] == {"@odata.type": "#microsoft.graph.openTypeExtension",
                                    "id": EXT + "Crm.Link", "extensionName": "Crm.Link", "crm": 7}
    draft = as_bob.post("/me/messages", json={"subject": "d", "extensions": [{"extensionName": "A.B", "v": "w"}]}).json()
    assert as_bob.get(f"/me/messages/{draft['id']}/extensions/A.B").json()["v"] == "w"
    assert as_bob.delete(f"/me/messages/{draft['id']}/extensions/A.B").status_code == 204
    assert_error(as_alice.get(f"/me/messages/{draft['id']}/extensions"), 404, "ErrorItemNotFound")
