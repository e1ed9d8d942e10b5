"""Calendar sharing over HTTP: calendarPermissions CRUD and what a grantee may then do (§8)."""

from __future__ import annotations

import pytest

from tests.http.conftest import assert_error, event_body

ROOT = "http://testserver/v1.0/$metadata#"
ACCESS_DENIED = "Access is denied. Check credentials and try again."
UNKNOWN_ID = "AAMk" + "C" * 60 + "AAA="
READ_SHARED = ["Calendars.Read.Shared"]
VIEW = "calendarView?startDateTime=2025-01-15T00:00:00Z&endDateTime=2025-01-16T00:00:00Z"
WRITE_SHARED = ["Calendars.ReadWrite.Shared"]


def share(api, role: str = "read", address: str = "bob@contoso.com", path: str = "/me/calendar") -> dict:
    r = api.post(f"{path}/calendarPermissions", json={"emailAddress": {"address": address, "name": "Bob"},
                                                        "role": role})
    assert r.status_code == 201, r.text
    return r.json()


class TestPermissionCrud:
    def test_create_returns_permission(self, as_alice, alice):
        perm = share(as_alice)
        assert perm["@odata.context"] == f"{ROOT}users('{alice.id}')/calendar/calendarPermissions/$entity"
        assert perm["id"].startswith("AAMk")
        assert perm["role"] == "read"
        assert perm["emailAddress"] == {"name": "Bob", "address": "bob@contoso.com"}
        assert perm["isInsideOrganization"] is True and perm["isRemovable"] is True
        assert {"none", "freeBusyRead", "limitedRead", "read", "write"} <= set(perm["allowedRoles"])

    def test_list_get_patch_delete(self, as_alice, alice):
        perm = share(as_alice)
        listed = as_alice.get("/me/calendar/calendarPermissions")
        assert listed.status_code == 200, listed.text
        assert listed.json()["@odata.context"] == f"{ROOT}users('{alice.id}')/calendar/calendarPermissions"
        assert [p["id"] for p in listed.json()["value"]] == [perm["id"]]
        got = as_alice.get(f"/me/calendar/calendarPermissions/{perm['id']}")
        assert got.status_code == 200 and got.json()["role"] == "read"
        patched = as_alice.patch(f"/me/calendar/calendarPermissions/{perm['id']}", json={"role": "write"})
        assert patched.status_code == 200, patched.text
        assert patched.json()["role"] == "write" and patched.json()["id"] == perm["id"]
        assert as_alice.get(f"/me/calendar/calendarPermissions/{perm['id']}").json()["role"] == "write"
        assert as_alice.delete(f"/me/calendar/calendarPermissions/{perm['id']}").status_code == 204
        assert_error(as_alice.get(f"/me/calendar/calendarPermissions/{perm['id']}"), 404, "ErrorItemNotFound")
        assert as_alice.get("/me/calendar/calendarPermissions").json()["value"] == []

    def test_same_permissions_through_calendar_id_and_users_routes(self, as_alice, alice):
        perm = share(as_alice)
        cal = as_alice.get("/me/calendar").json()
        for path in [f"/me/calendars/{cal['id']}", f"/users/{alice.id}/calendar",
                     f"/users/alice@contoso.com/calendars/{cal['id']}"]:
            listed = as_alice.get(f"{path}/calendarPermissions")
            assert listed.status_code == 200, (path, listed.text)
            assert [p["id"] for p in listed.json()["value"]] == [perm["id"]]
        by_id = as_alice.get(f"/me/calendars/{cal['id']}/calendarPermissions/{perm['id']}").json()
        assert by_id["@odata.context"] == \
            f"{ROOT}users('{alice.id}')/calendars('{cal['id']}')/calendarPermissions/$entity"

    def test_role_names_are_case_insensitive_and_validated(self, as_alice):
        perm = share(as_alice, role="FreeBusyRead")
        assert perm["role"] == "freeBusyRead"
        assert_error(as_alice.patch(f"/me/calendar/calendarPermissions/{perm['id']}", json={"role": "owner"}),
                     400, "RequestBodyRead")
        r = as_alice.post("/me/calendar/calendarPermissions",
                          json={"emailAddress": {"address": "carol@contoso.com"}, "role": "superuser"})
        assert_error(r, 400, "RequestBodyRead")

    @pytest.mark.parametrize("body", [
        {"role": "read"},
        {"emailAddress": {"address": "not-an-address"}, "role": "read"},
        {"emailAddress": {"address": "alice@contoso.com"}, "role": "read"},   # the owner
        {"emailAddress": "bob@contoso.com", "role": "read"},
        {"emailAddress": {"address": "b" * 400 + "@contoso.com"}, "role": "read"},
        {"emailAddress": {"address": "bob@contoso.com", "name": "n" * 1000}, "role": "read"},
    ])
    def test_invalid_grants_are_400(self, as_alice, body):
        r = as_alice.post("/me/calendar/calendarPermissions", json=body)
        assert r.status_code == 400, r.text
        assert set(r.json()["error"]) >= {"code", "message", "innerError"}
        assert as_alice.get("/me/calendar/calendarPermissions").json()["value"] == []

    def test_sharing_twice_with_the_same_address_is_rejected(self, as_alice):
        share(as_alice)
        r = as_alice.post("/me/calendar/calendarPermissions",
                          json={"emailAddress": {"address": "BOB@contoso.com"}, "role": "write"})
        assert 400 <= r.status_code < 500 and "error" in r.json()
        assert len(as_alice.get("/me/calendar/calendarPermissions").json()["value"]) == 1

    def test_unknown_permission_id(self, as_alice):
        share(as_alice)
        for method, kw in [("GET", {}), ("PATCH", {"json": {"role": "write"}}), ("DELETE", {})]:
            assert_error(as_alice.request(method, f"/me/calendar/calendarPermissions/{UNKNOWN_ID}", **kw),
                         404, "ErrorItemNotFound", "The specified object was not found in the store.")

    def test_permission_of_another_calendar_is_not_found(self, as_alice):
        perm = share(as_alice)
        side = as_alice.post("/me/calendars", json={"name": "Side"}).json()
        assert_error(as_alice.get(f"/me/calendars/{side['id']}/calendarPermissions/{perm['id']}"), 404,
                     "ErrorItemNotFound")
        assert as_alice.get(f"/me/calendars/{side['id']}/calendarPermissions").json()["value"] == []

    def test_owner_needs_write_scope_to_share(self, tenant, alice):
        reader = tenant.api(alice, ["Calendars.Read"])
        assert reader.get("/me/calendar/calendarPermissions").status_code == 200
        assert_error(reader.post("/me/calendar/calendarPermissions",
                                 json={"emailAddress": {"address": "bob@contoso.com"}, "role": "read"}),
                     403, "ErrorAccessDenied", ACCESS_DENIED)

    def test_app_can_manage_permissions(self, tenant, alice, bob):
        app = tenant.app_api(["Calendars.ReadWrite"])
        r = app.post(f"/users/{alice.id}/calendar/calendarPermissions",
                     json={"emailAddress": {"address": "bob@contoso.com"}, "role": "read"})
        assert r.status_code == 201, r.text
        assert tenant.api(bob, READ_SHARED).get(f"/users/{alice.id}/events").status_code == 200


class TestGrantee:
    def test_read_share(self, tenant, alice, bob, as_alice):
        eid = as_alice.post("/me/events", json=event_body(body={"contentType": "text", "content": "agenda"})).json()["id"]
        share(as_alice, "read")
        reader = tenant.api(bob, READ_SHARED)
        listed = reader.get(f"/users/{alice.id}/events")
        assert listed.status_code == 200, listed.text
        assert listed.json()["@odata.context"] == f"{ROOT}users('{alice.id}')/events"
        assert [e["id"] for e in listed.json()["value"]] == [eid]
        assert reader.get("/users/alice@contoso.com/events").status_code == 200
        one = reader.get(f"/users/{alice.id}/calendar/events/{eid}")
        assert one.status_code == 200, one.text
        assert one.json()["bodyPreview"] == "agenda"
        assert reader.get(f"/users/{alice.id}/events/{eid}").status_code == 200
        for path in (f"/users/{alice.id}/{VIEW}", f"/users/alice@contoso.com/calendar/{VIEW}"):
            view = reader.get(path)
            assert view.status_code == 200, view.text
            assert [e["id"] for e in view.json()["value"]] == [eid]
        cal = reader.get(f"/users/{alice.id}/calendar")
        assert cal.status_code == 200 and cal.json()["canEdit"] is False
        assert_error(reader.patch(f"/users/{alice.id}/events/{eid}", json={"subject": "hijack"}), 403,
                     "ErrorAccessDenied", ACCESS_DENIED)
        assert_error(reader.delete(f"/users/{alice.id}/calendar/events/{eid}"), 403, "ErrorAccessDenied")
        assert_error(reader.post(f"/users/{alice.id}/events", json=event_body()), 403, "ErrorAccessDenied")
        # even a .ReadWrite.Shared token cannot write through a read share
        writer = tenant.api(bob, WRITE_SHARED)
        assert_error(writer.patch(f"/users/{alice.id}/events/{eid}", json={"subject": "hijack"}), 403,
                     "ErrorAccessDenied")
        assert as_alice.get(f"/me/events/{eid}").json()["subject"] == "Lunch"

    def test_write_share(self, tenant, alice, bob, as_alice):
        eid = as_alice.post("/me/events", json=event_body()).json()["id"]
        perm = share(as_alice, "read")
        as_alice.patch(f"/me/calendar/calendarPermissions/{perm['id']}", json={"role": "write"})
        writer = tenant.api(bob, WRITE_SHARED)
        created = writer.post(f"/users/{alice.id}/events", json=event_body(subject="By Bob"))
        assert created.status_code == 201, created.text
        assert created.json()["@odata.context"] == f"{ROOT}users('{alice.id}')/events/$entity"
        # a delegate creates the event on the owner's behalf: the owner organizes it
        assert created.json()["organizer"]["emailAddress"]["address"] == "alice@contoso.com"
        assert created.json()["isOrganizer"] is True
        patched = writer.patch(f"/users/alice@contoso.com/events/{eid}", json={"subject": "Moved"})
        assert patched.status_code == 200, patched.text
        assert patched.json()["subject"] == "Moved"
        subjects = sorted(e["subject"] for e in as_alice.get("/me/events").json()["value"])
        assert subjects == ["By Bob", "Moved"]
        # the event went into Alice's mailbox, not Bob's
        assert tenant.api(bob).get("/me/events").json()["value"] == []
        # Calendars.Read.Shared alone still only reads
        assert_error(tenant.api(bob, READ_SHARED).patch(f"/users/{alice.id}/events/{eid}", json={"subject": "x"}),
                     403, "ErrorAccessDenied")

    def test_after_delete_access_is_gone(self, tenant, alice, bob, as_alice):
        eid = as_alice.post("/me/events", json=event_body()).json()["id"]
        perm = share(as_alice, "write")
        writer = tenant.api(bob, WRITE_SHARED)
        assert writer.get(f"/users/{alice.id}/events/{eid}").status_code == 200
        assert as_alice.delete(f"/me/calendar/calendarPermissions/{perm['id']}").status_code == 204
        assert_error(writer.get(f"/users/{alice.id}/events"), 403, "ErrorAccessDenied", ACCESS_DENIED)
        assert_error(writer.get(f"/users/{alice.id}/events/{eid}"), 403, "ErrorAccessDenied")
        assert_error(writer.get(f"/users/{alice.id}/{VIEW}"), 403, "ErrorAccessDenied", ACCESS_DENIED)
        assert_error(writer.post(f"/users/{alice.id}/events", json=event_body()), 403, "ErrorAccessDenied")

    @pytest.mark.parametrize("scopes", [["Calendars.ReadWrite"], ["Calendars.Read"], ["User.Read"]])
    def test_grantee_without_shared_scope(self, tenant, alice, bob, as_alice, scopes):
        eid = as_alice.post("/me/events", json=event_body()).json()["id"]
        share(as_alice, "write")
        api = tenant.api(bob, scopes)
        assert_error(api.get(f"/users/{alice.id}/events"), 403, "ErrorAccessDenied", ACCESS_DENIED)
        assert_error(api.get(f"/users/{alice.id}/{VIEW}"), 403, "ErrorAccessDenied", ACCESS_DENIED)
        assert_error(api.get(f"/users/{alice.id}/events/{eid}"), 403, "ErrorAccessDenied")
        assert_error(api.post(f"/users/{alice.id}/events", json=event_body()), 403, "ErrorAccessDenied")

    def test_grantee_cannot_manage_owners_permissions(self, tenant, alice, bob, as_alice):
        perm = share(as_alice, "write")
        api = tenant.api(bob)   # full scopes, including Calendars.ReadWrite.Shared
        base = f"/users/{alice.id}/calendar/calendarPermissions"
        assert_error(api.get(base), 403, "ErrorAccessDenied", ACCESS_DENIED)
        assert_error(api.get(f"{base}/{perm['id']}"), 403, "ErrorAccessDenied")
        assert_error(api.post(base, json={"emailAddress": {"address": "carol@contoso.com"}, "role": "write"}),
                     403, "ErrorAccessDenied")
        assert_error(api.patch(f"{base}/{perm['id']}", json={"role": "read"}), 403, "ErrorAccessDenied")
        assert_error(api.delete(f"{base}/{perm['id']}"), 403, "ErrorAccessDenied")
        assert as_alice.get(f"/me/calendar/calendarPermissions/{perm['id']}").json()["role"] == "write"
        # nor create or delete the owner's calendars
        assert_error(api.post(f"/users/{alice.id}/calendars", json={"name": "Bobs"}), 403, "ErrorAccessDenied")
        cal = as_alice.get("/me/calendar").json()
        assert_error(api.delete(f"/users/{alice.id}/calendars/{cal['id']}"), 403, "ErrorAccessDenied")

    @pytest.mark.parametrize("role", ["freeBusyRead", "limitedRead", "none"])
    def test_weak_roles_cannot_read_events(self, tenant, alice, bob, as_alice, role):
        eid = as_alice.post("/me/events", json=event_body()).json()["id"]
        share(as_alice, role)
        api = tenant.api(bob)
        assert_error(api.get(f"/users/{alice.id}/events"), 403, "ErrorAccessDenied", ACCESS_DENIED)
        assert_error(api.get(f"/users/{alice.id}/{VIEW}"), 403, "ErrorAccessDenied", ACCESS_DENIED)
        assert_error(api.get(f"/users/{alice.id}/events/{eid}"), 403, "ErrorAccessDenied")

    def test_share_with_someone_else_does_not_help(self, tenant, alice, bob, as_alice):
        tenant.user("carol@contoso.com", "Carol")
        share(as_alice, "write", address="carol@contoso.com")
        assert_error(tenant.api(bob).get(f"/users/{alice.id}/events"), 403, "ErrorAccessDenied")

    def test_secondary_calendar_shared_alone(self, tenant, alice, bob, as_alice):
        side = as_alice.post("/me/calendars", json={"name": "Team Rota"}).json()
        as_alice.post("/me/calendars", json={"name": "Private"})
        eid = as_alice.post(f"/me/calendars/{side['id']}/events", json=event_body(subject="Rota")).json()["id"]
        as_alice.post("/me/events", json=event_body(subject="Default"))
        perm = share(as_alice, "read", path=f"/me/calendars/{side['id']}")
        assert perm["@odata.context"] == \
            f"{ROOT}users('{alice.id}')/calendars('{side['id']}')/calendarPermissions/$entity"
        reader = tenant.api(bob, READ_SHARED)
        listed = reader.get(f"/users/{alice.id}/calendars")
        assert listed.status_code == 200, listed.text
        assert [c["id"] for c in listed.json()["value"]] == [side["id"]]
        assert listed.json()["value"][0]["canEdit"] is False
        events = reader.get(f"/users/{alice.id}/calendars/{side['id']}/events")
        assert events.status_code == 200, events.text
        assert [e["subject"] for e in events.json()["value"]] == ["Rota"]
        assert reader.get(f"/users/{alice.id}/calendars/{side['id']}/events/{eid}").status_code == 200
        # the default calendar stays private
        assert_error(reader.get(f"/users/{alice.id}/events"), 403, "ErrorAccessDenied")
        assert_error(reader.get(f"/users/{alice.id}/calendar"), 403, "ErrorAccessDenied")
        assert_error(reader.get(f"/users/{alice.id}/calendar/events"), 403, "ErrorAccessDenied")
        # and the other calendars are hidden
        private = [c for c in as_alice.get("/me/calendars").json()["value"] if c["name"] == "Private"][0]
        assert_error(reader.get(f"/users/{alice.id}/calendars/{private['id']}"), 403, "ErrorAccessDenied")
        assert_error(reader.get(f"/users/{alice.id}/calendars/{private['id']}/events"), 403, "ErrorAccessDenied")

    def test_write_share_on_secondary_calendar(self, tenant, alice, bob, as_alice):
        side = as_alice.post("/me/calendars", json={"name": "Shared"}).json()
        share(as_alice, "write", path=f"/me/calendars/{side['id']}")
        writer = tenant.api(bob, WRITE_SHARED)
        r = writer.post(f"/users/{alice.id}/calendars/{side['id']}/events", json=event_body(subject="Bob's"))
        assert r.status_code == 201, r.text
        assert [e["subject"] for e in as_alice.get(f"/me/calendars/{side['id']}/events").json()["value"]] == ["Bob's"]
        assert_error(writer.post(f"/users/{alice.id}/events", json=event_body()), 403, "ErrorAccessDenied")


def test_event_in_a_shared_secondary_calendar_is_found_by_id_alone(tenant, alice, bob):
    owner = tenant.api(alice)
    side = owner.post("/me/calendars", json={"name": "Shared side"}).json()
    eid = owner.post(f"/me/calendars/{side['id']}/events", json={
        "subject": "Side", "start": {"dateTime": "2025-05-01T10:00", "timeZone": "UTC"},
        "end": {"dateTime": "2025-05-01T11:00", "timeZone": "UTC"}}).json()["id"]
    assert owner.post(f"/me/calendars/{side['id']}/calendarPermissions",
                      json={"emailAddress": {"address": bob.address}, "role": "read"}).status_code == 201
    grantee = tenant.api(bob, ["Calendars.Read.Shared"])
    assert grantee.get(f"/users/{alice.address}/events/{eid}").status_code == 200
    assert grantee.get(f"/users/{alice.address}/events/AAMk{'B' * 60}AAA=").status_code == 404
    stranger = tenant.api(tenant.user("carol@contoso.com"), ["Calendars.Read.Shared"])
    assert stranger.get(f"/users/{alice.address}/events/{eid}").status_code == 403
