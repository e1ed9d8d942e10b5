"""Fault rules: matching Graph requests get the rule's error (and change nothing); the rest run."""

from __future__ import annotations

from tests.http.conftest import assert_error, event_body


def test_rule_answers_matching_requests_and_changes_nothing(admin, as_alice):
    event = as_alice.post("/me/events", json=event_body()).json()
    rule = admin.post("/faults", json={"method": "PATCH", "path": "/me/events/*", "status": 503,
                                       "retryAfter": 7, "message": "Down for a moment"})
    assert rule.status_code == 201
    assert rule.json()["code"] == "ServiceUnavailable" and rule.json()["id"]
    answer = as_alice.patch(f"/me/events/{event['id']}", json={"subject": "Changed"})
    assert_error(answer, 503, "ServiceUnavailable", "Down for a moment")
    assert answer.headers["Retry-After"] == "7"
    assert as_alice.get(f"/me/events/{event['id']}").json()["subject"] == "Lunch"   # GET: not matched

    assert admin.delete(f"/faults/{rule.json()['id']}").status_code == 204
    assert as_alice.patch(f"/me/events/{event['id']}", json={"subject": "Changed"}).status_code == 200


def test_times_limits_matches_and_glob_segments(admin, as_alice):
    event = as_alice.post("/me/events", json=event_body()).json()
    admin.post("/faults", json={"path": "/me/events/*/decline", "status": 500, "code": "generalException",
                                "times": 1})
    admin.post("/faults", json={"path": "/me/events/*", "status": 409, "times": 2})
    assert_error(as_alice.get(f"/me/events/{event['id']}"), 409, "ErrorIrresolvableConflict")
    assert_error(as_alice.get(f"/me/events/{event['id']}"), 409, "ErrorIrresolvableConflict")
    assert as_alice.get(f"/me/events/{event['id']}").status_code == 200     # two used up
    assert as_alice.get("/me/events").status_code == 200                      # * is one segment
    left = {r["path"]: r["remaining"] for r in admin.get("/faults").json()["value"]}
    assert left == {"/me/events/*/decline": 1, "/me/events/*": 0}


def test_mailbox_and_app_matching(tenant, admin, alice, bob, as_alice, as_bob):
    admin.post("/faults", json={"mailbox": "bob@contoso.com", "status": 404})
    assert as_alice.get("/me/events").status_code == 200
    assert_error(as_bob.get("/me/events"), 404, "ErrorItemNotFound")
    app = tenant.app_api()
    assert_error(app.get(f"/users/{bob.id}/events"), 404, "ErrorItemNotFound")
    assert admin.delete("/faults").status_code == 204
    admin.post("/faults", json={"app": "00000000-0000-0000-0000-000000000001", "status": 500})
    assert app.get(f"/users/{bob.id}/events").status_code == 200


def test_probability_zero_never_fires_and_latency_only_rules_pass(admin, as_alice):
    admin.post("/faults", json={"status": 500, "probability": 0})
    admin.post("/faults", json={"latencyMs": 30})
    assert as_alice.get("/me/events").status_code == 200
    rules = admin.get("/faults").json()["value"]
    assert [r["status"] for r in rules] == [500, None]


def test_bad_rules(admin):
    assert_error(admin.post("/faults", json={"path": "/me"}), 400, "BadRequest")
    assert_error(admin.post("/faults", json={"status": 99}), 400, "BadRequest", "'status' must be a whole number from 100 to 599.")
    assert_error(admin.post("/faults", json={"status": 500, "method": "FETCH"}), 400, "BadRequest")
    assert_error(admin.post("/faults", json={"status": 500, "path": "me"}), 400, "BadRequest")
    assert_error(admin.post("/faults", json={"status": 500, "probability": 2}), 400, "BadRequest")
    assert_error(admin.post("/faults", json={"status": 500, "times": 0}), 400, "BadRequest")
    assert_error(admin.post("/faults", json={"status": 500, "color": "red"}), 400, "BadRequest",
                 "'color' is not a property of a fault rule.")
    assert_error(admin.delete("/faults/nope"), 404, "ErrorItemNotFound")


def test_request_log_records_faulted_requests(admin, alice, as_alice):
    admin.post("/faults", json={"path": "/me/calendar", "status": 429, "retryAfter": 1})
    as_alice.get("/me/calendar")
    as_alice.get("/me/events")
    log = admin.get("/requests?top=2").json()["value"]
    assert [(r["method"], r["path"], r["status"]) for r in log] == [
        ("GET", "/v1.0/me/events", 200), ("GET", "/v1.0/me/calendar", 429)]
    assert log[0]["caller"] == "alice@contoso.com" and log[0]["durationMs"] >= 0
    assert log[0]["dateTime"].endswith("Z")
    assert_error(admin.get("/requests?top=0"), 400, "BadRequest")


def test_action_matching(admin, alice, bob, as_alice, as_bob):
    meeting = event_body("Sync", attendees=[{"emailAddress": {"address": "bob@contoso.com"}, "type": "required"}])
    as_alice.post("/me/events", json=meeting)
    copy = as_bob.get("/me/events").json()["value"][0]
    admin.post("/faults", json={"action": "decline", "status": 500, "code": "generalException"})
    assert_error(as_bob.post(f"/me/events/{copy['id']}/decline", json={}), 500, "generalException")
    assert as_bob.post(f"/me/events/{copy['id']}/accept", json={}).status_code == 202
    assert admin.get("/faults").json()["value"][0]["action"] == "decline"
