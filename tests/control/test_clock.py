"""GET/PUT /_calgraph/clock and advance: tenant data follows the clock, tokens keep real time."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from tests.http.conftest import assert_error, event_body


def test_frozen_clock_stamps_tenant_data_and_tokens_keep_working(admin, as_alice):
    clock = admin.put("/clock", json={"frozenAt": "2040-03-01T09:00:00Z"})
    assert clock.status_code == 200
    assert clock.json()["mode"] == "frozen" and clock.json()["now"] == "2040-03-01T09:00:00.000Z"
    created = as_alice.post("/me/events", json=event_body())   # a token minted in real time still verifies
    assert created.status_code == 201
    assert created.json()["createdDateTime"].startswith("2040-03-01T09:00:00")

    advanced = admin.post("/clock/advance", json={"seconds": 90})
    assert advanced.status_code == 200 and advanced.json()["now"] == "2040-03-01T09:01:30.000Z"
    changed = as_alice.patch(f"/me/events/{created.json()['id']}", json={"subject": "Later"})
    assert changed.json()["lastModifiedDateTime"].startswith("2040-03-01T09:01:30")
    assert admin.get("/clock").json()["now"] == "2040-03-01T09:01:30.000Z"


def test_offset_and_back_to_real(admin, as_alice):
    shifted = admin.put("/clock", json={"offsetSeconds": 86400})
    assert shifted.json()["mode"] == "offset" and shifted.json()["offsetSeconds"] == 86400
    now = datetime.fromisoformat(shifted.json()["now"].replace("Z", "+00:00"))
    assert abs(now - (datetime.now(timezone.utc) + timedelta(days=1))) < timedelta(seconds=30)
    created = as_alice.post("/me/events", json=event_body()).json()
    stamped = datetime.fromisoformat(created["createdDateTime"].replace("Z", "+00:00"))
    assert stamped > datetime.now(timezone.utc) + timedelta(hours=23)

    real = admin.put("/clock", json={"mode": "real"})
    assert real.json()["mode"] == "real"
    assert admin.post("/clock/advance", json={"seconds": 60}).json()["mode"] == "offset"


def test_bad_clock_bodies(admin):
    assert_error(admin.put("/clock", json={"frozenAt": "tomorrow"}), 400, "BadRequest")
    assert_error(admin.put("/clock", json={}), 400, "BadRequest")
    assert_error(admin.put("/clock", json={"mode": "frozen"}), 400, "BadRequest")
    assert_error(admin.put("/clock", json={"offsetSeconds": "10"}), 400, "BadRequest")
    assert_error(admin.post("/clock/advance", json={}), 400, "BadRequest", "'seconds' is required.")
    assert_error(admin.post("/clock/advance", json={"seconds": True}), 400, "BadRequest")


def test_the_clock_stays_within_a_reasonable_range(admin):
    assert_error(admin.post("/clock/advance", json={"seconds": 1e12}), 400, "BadRequest")
    assert_error(admin.put("/clock", json={"offsetSeconds": -1e12}), 400, "BadRequest")
    assert_error(admin.put("/clock", json={"frozenAt": "0001-01-01T00:00:00Z"}), 400, "BadRequest",
                 "'frozenAt' must be between 1900 and 9000.")
    admin.put("/clock", json={"frozenAt": "8999-12-31T00:00:00Z"})
    century = 86400 * 365 * 99
    assert admin.post("/clock/advance", json={"seconds": century}).json()["now"].startswith("9098-")
    for _ in range(9):
        admin.post("/clock/advance", json={"seconds": century})
    assert_error(admin.post("/clock/advance", json={"seconds": century}), 400, "BadRequest",
                 "The clock cannot move that far.")
    assert admin.put("/clock", json={"mode": "real"}).status_code == 200


def test_a_body_too_large_is_refused(admin):
    big = b'{"users": [' + b'{"email": "a@contoso.com"},' * 1_300_000 + b'{"email": "b@contoso.com"}]}'
    answer = admin.post("/seed", content=big)
    assert answer.status_code == 413 and answer.json()["error"]["code"]


def test_upload_sessions_expire_by_the_tenant_clock(tenant, admin, as_alice):
    event = as_alice.post("/me/events", json=event_body()).json()
    made = as_alice.post(f"/me/events/{event['id']}/attachments/createUploadSession",
                         json={"AttachmentItem": {"attachmentType": "file", "name": "a.bin", "size": 10}})
    url = made.json()["uploadUrl"]
    admin.post("/clock/advance", json={"seconds": 2 * 3600})          # an upload session idles out in 1 h
    late = tenant.client.put(url, content=b"0123456789", headers={"Content-Range": "bytes 0-9/10"})
    assert_error(late, 404, "ErrorItemNotFound", "The upload session has expired.")
