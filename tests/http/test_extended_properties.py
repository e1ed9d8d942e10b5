"""Single- and multi-value extended properties: set on create and PATCH, $expand with $filter, found with
$filter=singleValueExtendedProperties/any(...), ids validated as Graph does."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.http.conftest import assert_error, event_body
from tests.http.test_meeting_invitations import create_meeting, person

GUID = "66f5a359-4659-4830-9070-00047ec6ac6e"
COLOR = f"String {{{GUID}}} Name Color"
TAGS = f"StringArray {{{GUID}}} Name Tags"


def q(text: str) -> str:
    return quote(text, safe="=$&'(),/:?")


def test_set_on_create_and_patch_then_expand_with_filter(as_alice):
    body = event_body(singleValueExtendedProperties=[{"id": COLOR, "value": "Green"},
                                                     {"id": "Integer 0x8001", "value": "42"}],
                      multiValueExtendedProperties=[{"id": TAGS, "value": ["a", "b"]}])
    r = as_alice.post("/me/events", json=body)
    assert r.status_code == 201, r.text
    ev = r.json()
    assert "singleValueExtendedProperties" not in ev
    got = as_alice.get(q(f"/me/events/{ev['id']}?$expand=singleValueExtendedProperties($filter=id eq '{COLOR}')")).json()
    assert got["singleValueExtendedProperties"] == [{"id": COLOR, "value": "Green"}]
    # the id matches in any case and spelling of its guid; Graph answers with the canonical one
    upper = f"string {{{GUID.upper()}}} Name Color"
    got = as_alice.get(q(f"/me/events/{ev['id']}?$expand=singleValueExtendedProperties($filter=id eq '{upper}' "
                         f"or id eq 'Integer 0x8001'),multiValueExtendedProperties($filter=id eq '{TAGS}')")).json()
    assert got["singleValueExtendedProperties"] == [{"id": COLOR, "value": "Green"},
                                                     {"id": "Integer 0x8001", "value": "42"}]
    assert got["multiValueExtendedProperties"] == [{"id": TAGS, "value": ["a", "b"]}]

    r = as_alice.patch(f"/me/events/{ev['id']}", json={"singleValueExtendedProperties": [
        {"id": COLOR, "value": "Blue"}, {"id": "Boolean 0x8002", "value": "true"}]})
    assert r.status_code == 200, r.text
    got = as_alice.get(f"/me/events/{ev['id']}?$expand=singleValueExtendedProperties").json()
    assert got["singleValueExtendedProperties"] == [{"id": COLOR, "value": "Blue"},
                                                     {"id": "Integer 0x8001", "value": "42"},
                                                     {"id": "Boolean 0x8002", "value": "true"}]


def test_filter_finds_events_by_property(as_alice):
    for subject, color in (("a", "Green"), ("b", "Blue"), ("c", None)):
        props = [{"id": COLOR, "value": color}] if color else []
        assert as_alice.post("/me/events", json=event_body(subject, singleValueExtendedProperties=props)).status_code == 201

    def subjects(flt: str, path: str = "/me/events") -> list[str]:
        r = as_alice.get(path + ("&" if "?" in path else "?") + "$filter=" + quote(flt))
        assert r.status_code == 200, r.text
        return sorted(e["subject"] for e in r.json()["value"])

    assert subjects(f"singleValueExtendedProperties/Any(ep: ep/id eq '{COLOR}' and ep/value eq 'green')") == ["a"]
    assert subjects(f"singleValueExtendedProperties/any(ep: ep/value eq 'Blue' and ep/id eq '{COLOR}')") == ["b"]
    assert subjects(f"singleValueExtendedProperties/any(ep: ep/id eq '{COLOR}')") == ["a", "b"]
    assert subjects(f"not singleValueExtendedProperties/any(ep: ep/id eq '{COLOR}') and subject ne 'zz'") == ["c"]
    assert subjects(f"singleValueExtendedProperties/any(ep: ep/id eq '{COLOR}' and ep/value ne 'green')") == ["b"]
    window = "/me/calendarView?startDateTime=2025-01-15T00:00:00Z&endDateTime=2025-01-16T00:00:00Z"
    assert subjects(f"singleValueExtendedProperties/any(ep: ep/id eq '{COLOR}' and ep/value eq 'Blue')", window) == ["b"]
    bad = as_alice.get("/me/events?$filter=" + quote("singleValueExtendedProperties/any(ep: ep/id eq 'Nonsense')"))
    assert_error(bad, 400, "ErrorInvalidProperty")
    bad = as_alice.get("/me/events?$filter=" + quote("singleValueExtendedProperties/any(ep: ep/value eq 'x')"))
    assert_error(bad, 400, "BadRequest")
    assert_error(as_alice.get("/me/events?$orderby=singleValueExtendedProperties"), 400, "BadRequest")


@pytest.mark.parametrize("prop,code", [
    ({"id": "String Name Color", "value": "x"}, "ErrorInvalidProperty"),
    ({"id": "Text {66f5a359-4659-4830-9070-00047ec6ac6e} Name Color", "value": "x"}, "ErrorInvalidProperty"),
    ({"id": "String {not-a-guid} Name Color", "value": "x"}, "ErrorInvalidProperty"),
    ({"id": "String {66f5a359-4659-4830-9070-00047ec6ac6e} Label Color", "value": "x"}, "ErrorInvalidProperty"),
    ({"id": "String 0x1FFFFF", "value": "x"}, "ErrorInvalidProperty"),
    ({"id": "StringArray 0x8001", "value": "x"}, "ErrorInvalidExtendedProperty"),
    ({"id": "Integer 0x8001", "value": "forty"}, "ErrorInvalidExtendedPropertyValue"),
    ({"id": "Boolean 0x8001", "value": "yes"}, "ErrorInvalidExtendedPropertyValue"),
    ({"id": "SystemTime 0x8001", "value": "soon"}, "ErrorInvalidExtendedPropertyValue"),
])
def test_malformed_ids_and_values_are_graph_errors(as_alice, prop, code):
    r = as_alice.post("/me/events", json=event_body(singleValueExtendedProperties=[prop]))
    assert_error(r, 400, code)
    assert as_alice.get("/me/events").json()["value"] == []   # nothing half-made


def test_multi_value_needs_an_array_type_and_a_list(as_alice):
    r = as_alice.post("/me/events", json=event_body(multiValueExtendedProperties=[{"id": COLOR, "value": ["x"]}]))
    assert_error(r, 400, "ErrorInvalidExtendedProperty")
    r = as_alice.post("/me/events", json=event_body(multiValueExtendedProperties=[{"id": TAGS, "value": "x"}]))
    assert_error(r, 400, "ErrorInvalidExtendedPropertyValue")


def test_properties_on_messages_and_meeting_copies(as_alice, as_bob, bob):
    meeting = create_meeting(as_alice, [person(bob.address)], singleValueExtendedProperties=[{"id": COLOR, "value": "Red"}])
    copy = as_bob.get("/me/events?$expand=singleValueExtendedProperties").json()["value"][0]
    assert copy["singleValueExtendedProperties"] == []     # the organizer's own, not copied
    assert as_alice.patch(f"/me/events/{meeting['id']}", json={"subject": "Moved"}).status_code == 200
    got = as_alice.get(f"/me/events/{meeting['id']}?$expand=singleValueExtendedProperties").json()
    assert got["singleValueExtendedProperties"] == [{"id": COLOR, "value": "Red"}]
    request = as_bob.get("/me/mailFolders/inbox/messages").json()["value"][0]
    r = as_bob.patch(f"/me/messages/{request['id']}", json={"singleValueExtendedProperties": [{"id": COLOR, "value": "Y"}]})
    assert r.status_code == 200, r.text
    got = as_bob.get(f"/me/messages/{request['id']}?$expand=singleValueExtendedProperties").json()
    assert got["singleValueExtendedProperties"] == [{"id": COLOR, "value": "Y"}]


def test_filter_finds_messages_by_property(as_alice):
    def post(path: str, subject: str, color: str | None) -> dict:
        props = [{"id": COLOR, "value": color}] if color else []
        r = as_alice.post(path, json={"subject": subject, "singleValueExtendedProperties": props})
        assert r.status_code == 201, r.text
        return r.json()

    post("/me/messages", "draft green", "Green")
    inbox_blue = post("/me/mailFolders/inbox/messages", "inbox blue", "Blue")
    post("/me/mailFolders/inbox/messages", "inbox plain", None)

    def subjects(flt: str, path: str = "/me/messages") -> list[str]:
        r = as_alice.get(path + "?$filter=" + quote(flt))
        assert r.status_code == 200, r.text
        return sorted(m["subject"] for m in r.json()["value"])

    has_color = f"singleValueExtendedProperties/any(ep: ep/id eq '{COLOR}')"
    assert subjects(has_color) == ["draft green", "inbox blue"]
    assert subjects(f"singleValueExtendedProperties/Any(ep: ep/id eq '{COLOR}' and ep/value eq 'GREEN')") == [
        "draft green"]
    assert subjects(has_color, "/me/mailFolders/inbox/messages") == ["inbox blue"]
    assert subjects(f"not {has_color}", "/me/mailFolders/inbox/messages") == ["inbox plain"]
    assert subjects(f"{has_color} and startswith(subject, 'inbox')") == ["inbox blue"]

    # PATCH replaces what $filter finds
    r = as_alice.patch(f"/me/messages/{inbox_blue['id']}",
                       json={"singleValueExtendedProperties": [{"id": COLOR, "value": "Green"}]})
    assert r.status_code == 200, r.text
    green = f"singleValueExtendedProperties/any(ep: ep/id eq '{COLOR}' and ep/value eq 'green')"
    assert subjects(green) == ["draft green", "inbox blue"]

    # Deleted Items holding a calendar item is listed in memory: the same filter still applies
    event = as_alice.post("/me/events", json=event_body(
        "gone", singleValueExtendedProperties=[{"id": COLOR, "value": "Green"}])).json()
    assert as_alice.post(f"/me/events/{event['id']}/cancel", json={}).status_code == 202
    assert as_alice.delete(f"/me/messages/{inbox_blue['id']}").status_code == 204
    assert subjects(green, "/me/mailFolders/deleteditems/messages") == ["gone", "inbox blue"]
    assert subjects(green) == ["draft green", "inbox blue"]

    bad = as_alice.get("/me/messages?$filter=" + quote("singleValueExtendedProperties/any(ep: ep/id eq 'Nonsense')"))
    assert_error(bad, 400, "ErrorInvalidProperty")
