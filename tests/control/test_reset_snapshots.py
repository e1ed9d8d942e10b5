"""POST /_calgraph/reset and the snapshots: tenant rows go, keys and tokens stay."""

from __future__ import annotations

from tests.http.conftest import assert_error, event_body


def test_reset_to_empty_removes_users_and_events_but_tokens_survive(tenant, admin, alice, as_alice):
    assert as_alice.post("/me/events", json=event_body()).status_code == 201
    app_api = tenant.app_api()
    assert admin.post("/reset", json={"to": "empty"}).status_code == 204
    assert app_api.get("/users").json()["value"] == []          # the app token still verifies
    assert_error(as_alice.get("/me/events"), 401, "InvalidAuthenticationToken")   # its user is gone
    again = tenant.user("alice@contoso.com")
    assert tenant.api(again).get("/me/events").json()["value"] == []


def test_reset_without_a_seed_empties_the_tenant(tenant, admin, alice):
    assert admin.post("/reset").status_code == 204
    assert tenant.app_api().get("/users").json()["value"] == []


def test_snapshot_save_list_restore_delete(tenant, admin, alice, bob, as_alice):
    meeting = event_body("Plan", attendees=[{"emailAddress": {"address": "bob@contoso.com"}, "type": "required"}])
    created = as_alice.post("/me/events", json=meeting).json()
    saved = admin.post("/snapshots", json={"name": "planned"})
    assert saved.status_code == 201 and saved.json()["name"] == "planned"
    assert saved.json()["createdDateTime"].endswith("Z")

    as_alice.delete(f"/me/events/{created['id']}")
    tenant.user("dave@contoso.com")
    listed = admin.get("/snapshots").json()["value"]
    assert [s["name"] for s in listed] == ["planned"]

    assert admin.post("/snapshots/planned/restore").status_code == 204
    assert as_alice.get(f"/me/events/{created['id']}").json()["subject"] == "Plan"
    bob_events = tenant.api(bob).get("/me/events").json()["value"]
    assert [e["subject"] for e in bob_events] == ["Plan"]
    addresses = {u["mail"] for u in tenant.app_api().get("/users").json()["value"]}
    assert addresses == {"alice@contoso.com", "bob@contoso.com"}        # dave was not in the snapshot

    assert admin.delete("/snapshots/planned").status_code == 204
    assert admin.get("/snapshots").json() == {"value": []}


def test_saving_a_name_again_replaces_the_snapshot(tenant, admin, alice):
    admin.post("/snapshots", json={"name": "s1"})
    tenant.user("bob@contoso.com")
    admin.post("/snapshots", json={"name": "s1"})
    admin.post("/reset", json={"to": "empty"})
    admin.post("/snapshots/s1/restore")
    assert len(tenant.app_api().get("/users").json()["value"]) == 2


def test_unknown_snapshot_and_bad_bodies(admin):
    assert_error(admin.post("/snapshots/nope/restore"), 404, "ErrorItemNotFound", "There is no snapshot named 'nope'.")
    assert_error(admin.delete("/snapshots/nope"), 404, "ErrorItemNotFound")
    assert_error(admin.post("/snapshots", json={"name": "../x"}), 400, "BadRequest")
    assert_error(admin.post("/snapshots", json={}), 400, "BadRequest")
    assert_error(admin.post("/snapshots", content=b"[1]"), 400, "BadRequest")
    assert_error(admin.post("/reset", json={"to": "yesterday"}), 400, "BadRequest", "'to' must be one of seed, empty.")
    assert_error(admin.request("PATCH", "/reset"), 405, "Request_BadRequest")
    assert_error(admin.get("/nothing-here"), 404, "UnknownError")
