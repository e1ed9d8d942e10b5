"""Attachments over HTTP: file, item and reference attachments on events (every route form, occurrences
too) and messages, $value, $expand, the size limit and the quota, and upload sessions."""

from __future__ import annotations

import base64
import os

import pytest

from calgraph.app import create_app
from calgraph.services.runtime import Runtime
from calgraph.settings import Settings
from starlette.testclient import TestClient
from tests.http.conftest import Tenant, assert_error, event_body
from tests.http.test_meeting_invitations import create_meeting, messages, person

DAILY = {"pattern": {"type": "daily", "interval": 1},
         "range": {"type": "numbered", "startDate": "2025-01-15", "numberOfOccurrences": 3}}


def file_body(name: str = "agenda.txt", content: bytes = b"1. Budget\n2. Hiring\n", **extra) -> dict:
    return {"@odata.type": "#microsoft.graph.fileAttachment", "name": name, "contentType": "text/plain",
            "contentBytes": base64.b64encode(content).decode(), **extra}


def test_file_attachment_on_an_event(as_alice):
    ev = as_alice.post("/me/events", json=event_body()).json()
    assert ev["hasAttachments"] is False
    r = as_alice.post(f"/me/events/{ev['id']}/attachments", json=file_body(isInline=True, contentId="c1"))
    assert r.status_code == 201, r.text
    made = r.json()
    assert made["@odata.type"] == "#microsoft.graph.fileAttachment" and made["size"] == 20
    assert made["name"] == "agenda.txt" and made["isInline"] is True and made["contentId"] == "c1"
    assert base64.b64decode(made["contentBytes"]) == b"1. Budget\n2. Hiring\n"
    after = as_alice.get(f"/me/events/{ev['id']}").json()
    assert after["hasAttachments"] is True and after["changeKey"] != ev["changeKey"]

    for path in (f"/me/events/{ev['id']}/attachments/{made['id']}", f"/me/calendar/events('{ev['id']}')/attachments('{made['id']}')"):
        got = as_alice.get(path)
        assert got.status_code == 200 and got.json()["contentBytes"] == made["contentBytes"], got.text
    raw = as_alice.get(f"/me/events/{ev['id']}/attachments/{made['id']}/$value")
    assert raw.status_code == 200 and raw.content == b"1. Budget\n2. Hiring\n"
    assert raw.headers["content-type"].startswith("text/plain") and raw.headers["content-length"] == "20"
    listed = as_alice.get(f"/me/events/{ev['id']}/attachments").json()["value"]
    assert [a["id"] for a in listed] == [made["id"]]
    expanded = as_alice.get(f"/me/events/{ev['id']}?$expand=attachments").json()["attachments"]
    assert [a["name"] for a in expanded] == ["agenda.txt"]
    assert as_alice.get("/me/events?$expand=attachments").json()["value"][0]["attachments"][0]["size"] == 20

    assert as_alice.delete(f"/me/events/{ev['id']}/attachments/{made['id']}").status_code == 204
    assert as_alice.get(f"/me/events/{ev['id']}").json()["hasAttachments"] is False
    assert_error(as_alice.get(f"/me/events/{ev['id']}/attachments/{made['id']}"), 404, "ErrorItemNotFound")
    assert_error(as_alice.get(f"/me/events/{ev['id']}/attachments/{made['id']}/$value"), 404, "ErrorItemNotFound")
    assert_error(as_alice.delete(f"/me/events/{ev['id']}/attachments/nonsense"), 400, "ErrorInvalidIdMalformed")


def test_item_and_reference_attachments(as_alice):
    ev = as_alice.post("/me/events", json=event_body()).json()
    item = {"@odata.type": "#microsoft.graph.itemAttachment", "name": "Holiday event",
            "item": {"@odata.type": "microsoft.graph.event", "subject": "Discuss gifts",
                     "start": {"dateTime": "2025-12-02T18:00:00", "timeZone": "UTC"}}}
    r = as_alice.post(f"/me/events/{ev['id']}/attachments", json=item)
    assert r.status_code == 201, r.text
    made = r.json()
    assert made["@odata.type"] == "#microsoft.graph.itemAttachment" and "item" not in made and made["size"] > 0
    got = as_alice.get(f"/me/events/{ev['id']}/attachments/{made['id']}?$expand=microsoft.graph.itemattachment/item").json()
    assert got["item"]["subject"] == "Discuss gifts"
    raw = as_alice.get(f"/me/events/{ev['id']}/attachments/{made['id']}/$value")   # iCalendar (test_attachments_series)
    assert raw.status_code == 200 and b"SUMMARY:Discuss gifts" in raw.content
    link = {"@odata.type": "#microsoft.graph.referenceAttachment", "name": "Plan", "sourceUrl": "https://contoso.sharepoint.com/plan.docx",
            "providerType": "oneDriveBusiness", "permission": "edit", "isFolder": False}
    r = as_alice.post(f"/me/events/{ev['id']}/attachments", json=link)
    assert r.status_code == 201 and r.json()["sourceUrl"] == link["sourceUrl"] and r.json()["permission"] == "edit"
    no_bytes = assert_error(as_alice.get(f"/me/events/{ev['id']}/attachments/{r.json()['id']}/$value"), 405, "ErrorInvalidRequest")
    assert no_bytes["message"].startswith("'$value' segment is not supported for the given attachment.")
    assert_error(as_alice.post(f"/me/events/{ev['id']}/attachments", json={**link, "sourceUrl": None}), 400, "ErrorInvalidRequest")
    assert_error(as_alice.post(f"/me/events/{ev['id']}/attachments", json={"@odata.type": "#microsoft.graph.bogus", "name": "x"}),
                 400, "ErrorInvalidRequest")
    assert len(as_alice.get(f"/me/events/{ev['id']}/attachments").json()["value"]) == 2


def test_inline_limit_and_errors(as_alice):
    ev = as_alice.post("/me/events", json=event_body()).json()
    at_limit = os.urandom(3 * 1024 * 1024)
    r = as_alice.post(f"/me/events/{ev['id']}/attachments", json=file_body("big.bin", at_limit))
    assert r.status_code == 201, r.text
    assert as_alice.get(f"/me/events/{ev['id']}/attachments/{r.json()['id']}/$value").content == at_limit
    over = file_body("bigger.bin", at_limit + b"x")
    assert_error(as_alice.post(f"/me/events/{ev['id']}/attachments", json=over), 413, "ErrorAttachmentSizeLimitExceeded")
    assert_error(as_alice.post(f"/me/events/{ev['id']}/attachments", json={**file_body(), "contentBytes": "%%%"}),
                 400, "ErrorInvalidRequest")
    assert_error(as_alice.post(f"/me/events/{ev['id']}/attachments", json={**file_body(), "name": ""}), 400, "ErrorInvalidRequest")
    assert_error(as_alice.post("/me/events/AAMk" + "A" * 60 + "/attachments", json=file_body()), 404, "ErrorItemNotFound")


def test_occurrences_and_messages(as_alice, as_bob):
    master = as_alice.post("/me/events", json=event_body(recurrence=DAILY)).json()
    on_master = as_alice.post(f"/me/events/{master['id']}/attachments", json=file_body("series.txt")).json()
    occurrences = as_alice.get(f"/me/events/{master['id']}/instances?startDateTime=2025-01-01T00:00:00Z"
                               "&endDateTime=2025-02-01T00:00:00Z").json()["value"]
    first, second, third = (o["id"] for o in occurrences)
    # an occurrence shows the series' attachments
    assert [a["name"] for a in as_alice.get(f"/me/events/{first}/attachments").json()["value"]] == ["series.txt"]
    assert as_alice.get(f"/me/events/{first}/attachments/{on_master['id']}/$value").content.startswith(b"1. Budget")
    # one of its own makes it an exception, which keeps the series' too
    r = as_alice.post(f"/me/events/{master['id']}/instances/{second}/attachments", json=file_body())
    assert r.status_code == 201, r.text
    got = as_alice.get(f"/me/events/{second}?$expand=attachments").json()
    assert got["type"] == "exception" and got["hasAttachments"] is True
    assert [a["name"] for a in got["attachments"]] == ["series.txt", "agenda.txt"]
    assert [a["name"] for a in as_alice.get(f"/me/events/{first}/attachments").json()["value"]] == ["series.txt"]
    # deleting the series' attachment from one occurrence leaves the others theirs
    assert as_alice.delete(f"/me/events/{third}/attachments/{on_master['id']}").status_code == 204
    assert as_alice.get(f"/me/events/{third}/attachments").json()["value"] == []
    assert as_alice.get(f"/me/events/{third}").json()["hasAttachments"] is False
    assert [a["name"] for a in as_alice.get(f"/me/events/{master['id']}/attachments").json()["value"]] == ["series.txt"]
    draft = as_alice.post("/me/messages", json={"subject": "notes"}).json()
    r = as_alice.post(f"/me/messages/{draft['id']}/attachments", json=file_body("notes.txt", b"hello"))
    assert r.status_code == 201, r.text
    msg = as_alice.get(f"/me/messages/{draft['id']}?$expand=attachments").json()
    assert msg["hasAttachments"] is True and msg["attachments"][0]["name"] == "notes.txt"
    assert as_alice.get(f"/me/mailFolders/drafts/messages/{draft['id']}/attachments/{r.json()['id']}/$value").content == b"hello"
    assert_error(as_bob.get(f"/users/alice@contoso.com/messages/{draft['id']}/attachments"), 403, "ErrorAccessDenied")


def test_attachments_reach_the_attendees_copies(as_alice, as_bob, bob, tenant):
    meeting = create_meeting(as_alice, [person(bob.address)])
    r = as_alice.post(f"/me/events/{meeting['id']}/attachments", json=file_body())
    assert r.status_code == 201
    copy = as_bob.get("/me/events?$expand=attachments").json()["value"][0]
    assert copy["hasAttachments"] is True and [a["name"] for a in copy["attachments"]] == ["agenda.txt"]
    assert copy["attachments"][0]["id"] != r.json()["id"]
    assert as_bob.get(f"/me/events/{copy['id']}/attachments/{copy['attachments'][0]['id']}/$value").content.startswith(b"1. Budget")
    # an invitee added later gets them with the invitation; an update keeps them; a cancel leaves them
    carol = tenant.user("carol@contoso.com", "Carol Cole")
    as_carol = tenant.api(carol)
    attendees = [person(bob.address), person(carol.address)]
    assert as_alice.patch(f"/me/events/{meeting['id']}", json={"attendees": attendees, "subject": "Moved"}).status_code == 200
    for api in (as_bob, as_carol):
        theirs = api.get("/me/events?$expand=attachments").json()["value"][0]
        assert [a["name"] for a in theirs["attachments"]] == ["agenda.txt"], theirs
        # the update's meeting request carries them too
        request = [m for m in messages(api) if m["@odata.type"].endswith("eventMessageRequest") and m["hasAttachments"]]
        assert len(request) == 1 and request[0]["subject"] == "Moved"
        got = api.get(f"/me/messages/{request[0]['id']}/attachments").json()["value"]
        assert [a["name"] for a in got] == ["agenda.txt"] and base64.b64decode(got[0]["contentBytes"]).startswith(b"1. Budget")
    assert as_alice.post(f"/me/events/{meeting['id']}/cancel", json={}).status_code == 202
    cancelled = as_bob.get("/me/events?$expand=attachments").json()["value"][0]
    assert cancelled["isCancelled"] and len(cancelled["attachments"]) == 1
    # the organizer's delete of an attachment reaches the copies too
    meeting2 = create_meeting(as_alice, [person(bob.address)], subject="Second")
    made = as_alice.post(f"/me/events/{meeting2['id']}/attachments", json=file_body()).json()
    assert as_alice.delete(f"/me/events/{meeting2['id']}/attachments/{made['id']}").status_code == 204
    second = [e for e in as_bob.get("/me/events?$expand=attachments").json()["value"] if e["subject"] == "Second"][0]
    assert second["attachments"] == [] and second["hasAttachments"] is False


def test_quota_per_mailbox(store, tenant):
    small = create_app(Settings(db_url="unused"), store, Runtime(store, attachment_quota=100))
    with TestClient(small, base_url="http://testserver") as client:
        limited = Tenant(store, client)
        dave = limited.user("dave@contoso.com", "Dave")
        api = limited.api(dave)
        ev = api.post("/me/events", json=event_body()).json()
        assert api.post(f"/me/events/{ev['id']}/attachments", json=file_body("a", b"x" * 60)).status_code == 201
        assert_error(api.post(f"/me/events/{ev['id']}/attachments", json=file_body("b", b"x" * 60)), 507, "ErrorQuotaExceeded")
        r = api.post(f"/me/events/{ev['id']}/attachments/createUploadSession",
                     json={"AttachmentItem": {"attachmentType": "file", "name": "c", "size": 50}})
        assert_error(r, 507, "ErrorQuotaExceeded")
        assert len(api.get(f"/me/events/{ev['id']}/attachments").json()["value"]) == 1


def _session(api, path: str, size: int, name: str = "video.bin") -> str:
    r = api.post(f"{path}/attachments/createUploadSession",
                 json={"AttachmentItem": {"attachmentType": "file", "name": name, "size": size, "contentType": "video/mp4"}})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["nextExpectedRanges"] == ["0"] and "authtoken=" in body["uploadUrl"]
    assert body["@odata.context"].endswith("$metadata#microsoft.graph.uploadSession")
    return body["uploadUrl"]


def _put(client, url: str, data: bytes, first: int, total: int, **headers):
    rng = f"bytes {first}-{first + len(data) - 1}/{total}"
    return client.put(url, content=data, headers={"Content-Range": rng, **headers})


def test_upload_session_in_ranges(as_alice, tenant):
    ev = as_alice.post("/me/events", json=event_body()).json()
    data = os.urandom(5 * 1024 * 1024 + 123)
    url = _session(as_alice, f"/me/events/{ev['id']}", len(data))
    client = tenant.client   # no bearer token: the URL carries its own authorization
    step = 2 * 1024 * 1024
    r = _put(client, url, data[:step], 0, len(data))
    assert r.status_code == 200 and r.json()["nextExpectedRanges"] == [str(step)], r.text
    # out of order, overlapping, wrong total, a wrong token: Graph's errors, nothing stored
    assert_error(_put(client, url, data[step + 10:step + 20], step + 10, len(data)), 416, "InvalidRange")
    assert_error(_put(client, url, data[step - 5:step + 5], step - 5, len(data)), 416, "InvalidRange")
    assert_error(_put(client, url, data[step:step + 5], step, len(data) + 1), 416, "InvalidRange")
    assert_error(client.put(url, content=data[step:step + 5]), 416, "InvalidRange")
    wrong = url.split("authtoken=")[0] + "authtoken=forged"
    assert_error(_put(client, wrong, data[step:step + 5], step, len(data)), 404, "ErrorItemNotFound")
    assert client.get(url).json()["nextExpectedRanges"] == [str(step)]       # resumable: where to go on
    assert as_alice.get(f"/me/events/{ev['id']}/attachments").json()["value"] == []   # not listed until done
    r = _put(client, url, data[step:2 * step], step, len(data))
    assert r.status_code == 200 and r.json()["nextExpectedRanges"] == [str(2 * step)]
    r = _put(client, url, data[2 * step:], 2 * step, len(data))
    assert r.status_code == 201, r.text
    assert f"/events('{ev['id']}')/attachments('" in r.headers["location"]
    listed = as_alice.get(f"/me/events/{ev['id']}/attachments").json()["value"]
    assert len(listed) == 1 and listed[0]["size"] == len(data) and listed[0]["contentBytes"] is None
    got = as_alice.get(f"/me/events/{ev['id']}/attachments/{listed[0]['id']}/$value")
    assert got.content == data and got.headers["content-type"] == "video/mp4"
    assert as_alice.get(f"/me/events/{ev['id']}").json()["hasAttachments"] is True
    assert_error(_put(client, url, data[:5], 0, len(data)), 404, "ErrorItemNotFound")   # the session is over


def test_upload_session_errors_and_expiry(as_alice, tenant, store):
    ev = as_alice.post("/me/events", json=event_body()).json()
    path = f"/me/events/{ev['id']}/attachments/createUploadSession"
    too_big = {"AttachmentItem": {"attachmentType": "file", "name": "huge", "size": 150 * 1024 * 1024 + 1}}
    assert_error(as_alice.post(path, json=too_big), 413, "ErrorAttachmentSizeLimitExceeded")
    assert_error(as_alice.post(path, json={"AttachmentItem": {"attachmentType": "file", "name": "x"}}), 400, "ErrorInvalidRequest")
    assert_error(as_alice.post(path, json={}), 400, "ErrorInvalidRequest")
    url = _session(as_alice, f"/me/events/{ev['id']}", 10)
    assert tenant.client.delete(url).status_code == 204
    assert_error(tenant.client.get(url), 404, "ErrorItemNotFound")
    url = _session(as_alice, f"/me/events/{ev['id']}", 10)
    session_id = url.split("/attachmentSessions/")[1].split("?")[0]
    with store.unit_of_work(write=True) as uow:   # idle past its expiry
        session = uow.get_upload_session(session_id)
        from datetime import datetime, timezone
        uow.advance_upload_session(session, 0, datetime(2000, 1, 1, tzinfo=timezone.utc))
    assert_error(_put(tenant.client, url, b"0123456789", 0, 10), 404, "ErrorItemNotFound", "The upload session has expired.")
    with store.unit_of_work() as uow:
        assert uow.get_upload_session(session_id) is not None
    _session(as_alice, f"/me/events/{ev['id']}", 10)          # a new session clears the expired one away
    with store.unit_of_work() as uow:
        assert uow.get_upload_session(session_id) is None


def test_upload_to_a_message(as_alice, tenant):
    draft = as_alice.post("/me/messages", json={"subject": "with video"}).json()
    url = _session(as_alice, f"/me/messages/{draft['id']}", 7)
    assert _put(tenant.client, url, b"abcdefg", 0, 7).status_code == 201
    msg = as_alice.get(f"/me/messages/{draft['id']}?$expand=attachments").json()
    assert msg["hasAttachments"] is True and base64.b64decode(msg["attachments"][0]["contentBytes"]) == b"abcdefg"


def test_read_basic_sees_no_attachments_or_extensions(as_alice, alice, tenant):
    ev = as_alice.post("/me/events", json=event_body(extensions=[{"extensionName": "A.B", "v": 1}])).json()
    as_alice.post(f"/me/events/{ev['id']}/attachments", json=file_body())
    basic = tenant.api(alice, ["Calendars.ReadBasic"])
    assert_error(basic.get(f"/me/events/{ev['id']}/attachments"), 403, "ErrorAccessDenied")
    assert_error(basic.get(f"/me/events/{ev['id']}/extensions"), 403, "ErrorAccessDenied")
    reader = tenant.api(alice, ["Calendars.Read"])
    assert len(reader.get(f"/me/events/{ev['id']}/attachments").json()["value"]) == 1
    assert_error(reader.post(f"/me/events/{ev['id']}/attachments", json=file_body()), 403, "ErrorAccessDenied")
