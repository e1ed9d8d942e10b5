"""/me/outlook/masterCategories: the master list of categories, and event categories filtering beside it."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.http.conftest import assert_error, event_body


def test_master_categories_crud(as_alice, alice):
    r = as_alice.post("/me/outlook/masterCategories", json={"displayName": "Project expenses", "color": "Preset9"})
    assert r.status_code == 201, r.text
    made = r.json()
    assert made["displayName"] == "Project expenses" and made["color"] == "preset9" and made["id"]
    assert made["@odata.context"] == f"http://testserver/v1.0/$metadata#users('{alice.id}')/outlook/masterCategories/$entity"
    plain = as_alice.post("/me/outlook/masterCategories", json={"displayName": "Red"}).json()
    assert plain["color"] == "none"

    assert_error(as_alice.post("/me/outlook/masterCategories", json={"displayName": "project EXPENSES"}),
                 409, "ErrorDuplicateCategory")
    assert_error(as_alice.post("/me/outlook/masterCategories", json={"displayName": "x", "color": "preset25"}),
                 400, "ErrorInvalidRequest")
    assert_error(as_alice.post("/me/outlook/masterCategories", json={"color": "preset1"}), 400, "ErrorInvalidRequest")

    listed = as_alice.get("/me/outlook/masterCategories").json()["value"]
    assert [c["displayName"] for c in listed] == ["Project expenses", "Red"]
    by_filter = as_alice.get("/me/outlook/masterCategories?$filter=" + quote("color eq 'preset9'")).json()["value"]
    assert [c["id"] for c in by_filter] == [made["id"]]
    assert as_alice.get(f"/users/{alice.address}/outlook/masterCategories('{made['id']}')").json()["color"] == "preset9"

    r = as_alice.patch(f"/me/outlook/masterCategories/{made['id']}", json={"color": "preset0"})
    assert r.status_code == 200 and r.json()["color"] == "preset0"
    assert_error(as_alice.patch(f"/me/outlook/masterCategories/{made['id']}", json={"displayName": "New"}),
                 400, "ErrorInvalidRequest")
    assert as_alice.delete(f"/me/outlook/masterCategories/{made['id']}").status_code == 204
    assert_error(as_alice.get(f"/me/outlook/masterCategories/{made['id']}"), 404, "ErrorItemNotFound")
    assert [c["displayName"] for c in as_alice.get("/me/outlook/masterCategories").json()["value"]] == ["Red"]


def test_categories_are_per_mailbox_and_need_the_owner(as_alice, as_bob, alice, tenant):
    as_alice.post("/me/outlook/masterCategories", json={"displayName": "Mine"})
    assert as_bob.get("/me/outlook/masterCategories").json()["value"] == []
    assert as_bob.post("/me/outlook/masterCategories", json={"displayName": "Mine"}).status_code == 201
    assert_error(as_bob.get(f"/users/{alice.id}/outlook/masterCategories"), 403, "ErrorAccessDenied")
    reader = tenant.api(alice, ["User.Read", "Calendars.Read"])
    assert reader.get("/me/outlook/masterCategories").status_code == 200
    assert_error(reader.post("/me/outlook/masterCategories", json={"displayName": "No"}), 403, "ErrorAccessDenied")
    assert tenant.app_api().get(f"/users/{alice.id}/outlook/masterCategories").json()["value"][0]["displayName"] == "Mine"


def test_event_categories_filter_beside_the_master_list(as_alice):
    as_alice.post("/me/outlook/masterCategories", json={"displayName": "Blue category", "color": "preset7"})
    as_alice.post("/me/events", json=event_body("tagged", categories=["Blue category"]))
    as_alice.post("/me/events", json=event_body("plain"))
    found = as_alice.get("/me/events?$filter=" + quote("categories/any(c: c eq 'blue category')")).json()["value"]
    assert [e["subject"] for e in found] == ["tagged"] and found[0]["categories"] == ["Blue category"]


@pytest.mark.parametrize("method", ["PUT"])
def test_unsupported_method(as_alice, method):
    assert_error(as_alice.request(method, "/me/outlook/masterCategories", json={}), 405, "Request_BadRequest")
