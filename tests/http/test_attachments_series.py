"""Attachments of a series' exceptions (however the exception arises), what Calendars.ReadBasic may see of
them, and `$value` of an item attachment (iCalendar for an event, MIME for a message)."""

from __future__ import annotations

from tests.http.conftest import assert_error, event_body
from tests.http.test_attachments import DAILY, file_body
from tests.http.test_meeting_invitations import create_meeting, person

WINDOW = "startDateTime=2025-01-01T00:00:00Z&endDateTime=2025-02-01T00:00:00Z"


def instances(api, master_id: str) -> list[dict]:
    r = api.get(f"/me/events/{master_id}/instances?{WINDOW}")
    assert r.status_code == 200, r.text
    return r.json()["value"]


def names(api, event_id: str) -> list[str]:
    r = api.get(f"/me/events/{event_id}/attachments")
    assert r.status_code == 200, r.text
    return [a["name"] for a in r.json()["value"]]


def test_a_patched_occurrence_keeps_the_series_attachments(as_alice):
    master = as_alice.post("/me/events", json=event_body(recurrence=DAILY)).json()
    for name in ("agenda.txt", "notes.txt"):
        r = as_alice.post(f"/me/events/{master['id']}/attachments", json=file_body(name, name.encode()))
        assert r.status_code == 201, r.text
    first, second, _ = (o["id"] for o in instances(as_alice, master["id"]))
    r = as_alice.patch(f"/me/events/{second}", json={"subject": "Moved on"})
    assert r.status_code == 200, r.text
    exception = as_alice.get(f"/me/events/{second}?$expand=attachments").json()
    assert exception["type"] == "exception" and exception["hasAttachments"] is True
    assert [a["name"] for a in exception["attachments"]] == ["agenda.txt", "notes.txt"]
    own = exception["attachments"][1]["id"]
    r = as_alice.get(f"/me/events/{second}/attachments/{own}/$value")
    assert r.status_code == 200 and r.content == b"notes.txt"
    # the exception's are its own copies: deleting one leaves the series' and the other occurrences' alone
    assert as_alice.delete(f"/me/events/{second}/attachments/{own}").status_code == 204
    assert names(as_alice, second) == ["agenda.txt"]
    assert names(as_alice, master["id"]) == names(as_alice, first) == ["agenda.txt", "notes.txt"]
    # a second PATCH copies nothing more
    assert as_alice.patch(f"/me/events/{second}", json={"subject": "Again"}).status_code == 200
    assert names(as_alice, second) == ["agenda.txt"]
    # an extension written on an occurrence makes an exception the same way
    third = instances(as_alice, master["id"])[2]["id"]
    r = as_alice.post(f"/me/events/{third}/extensions", json={"extensionName": "Com.Contoso.X", "n": 1})
    assert r.status_code == 201, r.text
    assert names(as_alice, third) == ["agenda.txt", "notes.txt"]


def test_meeting_occurrence_updates_keep_the_attachments_on_every_side(as_alice, as_bob, bob):
    meeting = create_meeting(as_alice, [person(bob.address)], recurrence=DAILY)
    assert as_alice.post(f"/me/events/{meeting['id']}/attachments", json=file_body()).status_code == 201
    second = instances(as_alice, meeting["id"])[1]
    r = as_alice.patch(f"/me/events/{second['id']}", json={"location": {"displayName": "Room 2"}})
    assert r.status_code == 200, r.text
    assert names(as_alice, second["id"]) == ["agenda.txt"]
    copy = as_bob.get("/me/events").json()["value"][0]
    theirs = instances(as_bob, copy["id"])
    assert [o["type"] for o in theirs] == ["occurrence", "exception", "occurrence"]
    assert names(as_bob, theirs[1]["id"]) == ["agenda.txt"]
    # the attendee answering one occurrence makes an exception of it too, attachments kept
    r = as_bob.post(f"/me/events/{theirs[2]['id']}/tentativelyAccept", json={"sendResponse": False})
    assert r.status_code == 202, r.text
    assert names(as_bob, theirs[2]["id"]) == ["agenda.txt"]
    assert as_bob.get(f"/me/events/{theirs[2]['id']}").json()["type"] == "exception"


def test_read_basic_cannot_expand_attachments_or_extensions(as_alice, alice, tenant):
    single = as_alice.post("/me/events", json=event_body(extensions=[{"extensionName": "A.B", "v": 1}])).json()
    series = as_alice.post("/me/events", json=event_body("series", recurrence=DAILY)).json()
    for ev in (single, series):
        assert as_alice.post(f"/me/events/{ev['id']}/attachments", json=file_body()).status_code == 201
    view = f"/me/calendarView?{WINDOW}"
    lists = ["/me/events", "/me/calendar/events", view, f"/me/events/{series['id']}/instances?{WINDOW}"]
    basic = tenant.api(alice, ["Calendars.ReadBasic"])
    for path in [*lists, f"/me/events/{single['id']}"]:
        glue = "&" if "?" in path else "?"
        for expand in ("attachments", "extensions($filter=id eq 'A.B')", "singleValueExtendedProperties,attachments"):
            assert_error(basic.get(f"{path}{glue}$expand={expand}"), 403, "ErrorAccessDenied")
        r = basic.get(path)   # the events themselves, without bodies, as before
        assert r.status_code == 200, r.text
    reader = tenant.api(alice, ["Calendars.Read"])
    for path in lists:
        glue = "&" if "?" in path else "?"
        r = reader.get(f"{path}{glue}$expand=attachments")
        assert r.status_code == 200, r.text
        assert all(e["attachments"][0]["name"] == "agenda.txt" for e in r.json()["value"])
