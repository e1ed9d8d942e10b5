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


def _attach_item(api, path: str, item: dict) -> str:
    r = api.post(f"{path}/attachments", json={"@odata.type": "#microsoft.graph.itemAttachment",
                                              "name": "attached", "item": item})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def test_value_of_an_attached_event_is_icalendar(as_alice):
    import icalendar

    ev = as_alice.post("/me/events", json=event_body()).json()
    path = f"/me/events/{ev['id']}"
    attached = _attach_item(as_alice, path, {
        "@odata.type": "#microsoft.graph.event", "subject": "Discuss gifts", "iCalUId": "uid-42",
        "start": {"dateTime": "2025-12-02T18:00:00", "timeZone": "Pacific Standard Time"},
        "end": {"dateTime": "2025-12-02T19:30:00", "timeZone": "Pacific Standard Time"},
        "body": {"contentType": "html", "content": "<p>Bring <b>ideas</b></p>"},
        "location": {"displayName": "Cafe"},
        "organizer": {"emailAddress": {"name": "Alice", "address": "alice@contoso.com"}},
        "attendees": [{"type": "optional", "emailAddress": {"name": "Bob", "address": "bob@contoso.com"}}]})
    r = as_alice.get(f"{path}/attachments/{attached}/$value")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith("text/calendar")
    assert int(r.headers["content-length"]) == len(r.content)
    vevent = icalendar.Calendar.from_ical(r.content).walk("VEVENT")[0]
    assert str(vevent["SUMMARY"]) == "Discuss gifts" and str(vevent["UID"]) == "uid-42"
    assert vevent.decoded("DTSTART").isoformat() == "2025-12-03T02:00:00+00:00"   # 18:00 PST
    assert vevent.decoded("DTEND").isoformat() == "2025-12-03T03:30:00+00:00"
    assert "Bring ideas" in str(vevent["DESCRIPTION"]) and str(vevent["LOCATION"]) == "Cafe"
    assert str(vevent["ORGANIZER"]) == "mailto:alice@contoso.com"
    attendee = vevent["ATTENDEE"]
    assert str(attendee) == "mailto:bob@contoso.com" and attendee.params["ROLE"] == "OPT-PARTICIPANT"

    all_day = _attach_item(as_alice, path, {"subject": "Holiday", "isAllDay": True,   # no @odata.type: an event
                                            "start": {"dateTime": "2025-12-25T00:00:00", "timeZone": "UTC"},
                                            "end": {"dateTime": "2025-12-26T00:00:00", "timeZone": "UTC"}})
    vevent = icalendar.Calendar.from_ical(as_alice.get(f"{path}/attachments/{all_day}/$value").content).walk("VEVENT")[0]
    assert vevent.decoded("DTSTART").isoformat() == "2025-12-25" and vevent.decoded("DTEND").isoformat() == "2025-12-26"


def test_value_of_an_attached_message_is_mime(as_alice):
    from email import message_from_bytes, policy

    draft = as_alice.post("/me/messages", json={"subject": "fwd"}).json()
    path = f"/me/messages/{draft['id']}"
    attached = _attach_item(as_alice, path, {
        "@odata.type": "#microsoft.graph.message", "subject": "Quarterly numbers",
        "from": {"emailAddress": {"name": "Bob", "address": "bob@contoso.com"}},
        "toRecipients": [{"emailAddress": {"name": "Alice", "address": "alice@contoso.com"}},
                         {"emailAddress": {"address": "carol@contoso.com"}}],
        "sentDateTime": "2025-01-15T09:30:00Z", "internetMessageId": "<q1@contoso.com>",
        "body": {"contentType": "html", "content": "<p>Up 5 %</p>"}})
    r = as_alice.get(f"/me/mailFolders/drafts/messages/{draft['id']}/attachments/{attached}/$value")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "message/rfc822"
    mime = message_from_bytes(r.content, policy=policy.default)
    assert mime["Subject"] == "Quarterly numbers" and mime["From"] == "Bob <bob@contoso.com>"
    assert mime["To"] == "Alice <alice@contoso.com>, carol@contoso.com"
    assert mime["Message-ID"] == "<q1@contoso.com>" and mime["Date"].datetime.isoformat() == "2025-01-15T09:30:00+00:00"
    assert mime.get_content_type() == "text/html" and mime.get_content().strip() == "<p>Up 5 %</p>"

    contact = _attach_item(as_alice, path, {"@odata.type": "#microsoft.graph.contact", "displayName": "Dan"})
    assert_error(as_alice.get(f"{path}/attachments/{contact}/$value"), 400, "ErrorInvalidRequest")
