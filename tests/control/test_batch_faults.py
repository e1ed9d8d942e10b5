"""A batch's items meet fault rules (and throttling) one by one, as lone requests do: 429/503 with
Retry-After inside the item, the batch itself 200."""

from __future__ import annotations

from tests.http.conftest import event_body


def test_fault_rule_reaches_one_batch_item(admin, as_alice):
    event = as_alice.post("/me/events", json=event_body()).json()
    admin.post("/faults", json={"method": "PATCH", "path": "/me/events/*", "status": 429, "retryAfter": 3,
                                "times": 1})
    patch = {"method": "PATCH", "url": f"/me/events/{event['id']}", "headers": {"Content-Type": "application/json"},
             "body": {"subject": "Changed"}}
    r = as_alice.post("/v1.0/$batch", json={"requests": [
        {"id": "1", **patch}, {"id": "2", "method": "GET", "url": f"/me/events/{event['id']}"}, {"id": "3", **patch}]})
    assert r.status_code == 200
    first, read, second = r.json()["responses"]
    assert first["status"] == 429 and first["headers"]["Retry-After"] == "3"
    assert first["body"]["error"]["code"]
    assert read["status"] == 200 and read["body"]["subject"] == "Lunch"       # the throttled PATCH changed nothing
    assert second["status"] == 200 and second["body"]["subject"] == "Changed"


def test_delta_tokens_from_before_a_restore_are_gone(admin, as_alice):
    window = "startDateTime=2025-01-01T00:00:00Z&endDateTime=2025-02-01T00:00:00Z"
    assert admin.post("/snapshots", json={"name": "before"}).status_code in (200, 201)
    as_alice.post("/me/events", json=event_body("After the snapshot"))
    link = as_alice.get(f"/me/calendarView/delta?{window}").json()["@odata.deltaLink"]
    assert as_alice.get(link).status_code == 200
    assert admin.post("/snapshots/before/restore").status_code == 204
    gone = as_alice.get(link)
    assert gone.status_code == 410 and gone.json()["error"]["code"] == "SyncStateNotFound"
    fresh = as_alice.get(f"/me/calendarView/delta?{window}").json()
    assert fresh["value"] == [] and "@odata.deltaLink" in fresh
