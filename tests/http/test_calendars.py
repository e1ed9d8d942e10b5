"""Calendars and calendar groups over HTTP: /me, /users/{…} twins, group mailboxes, errors, $select."""

from __future__ import annotations

import pytest

from tests.http.conftest import assert_error, event_body

ROOT = "http://testserver/v1.0/$metadata#"
UNKNOWN_ID = "AAMk" + "B" * 60 + "AAA="


def default_group(api, prefix: str = "/me") -> dict:
    [group] = [g for g in api.get(f"{prefix}/calendarGroups").json()["value"] if g["name"] == "My Calendars"]
    return group


class TestDefaults:
    def test_default_calendar(self, as_alice, alice):
        r = as_alice.get("/me/calendar")
        assert r.status_code == 200, r.text
        cal = r.json()
        assert cal["@odata.context"] == f"{ROOT}users('{alice.id}')/calendar/$entity"
        assert cal["name"] == "Calendar" and cal["isDefaultCalendar"] is True
        assert cal["canEdit"] is True and cal["canShare"] is True and cal["isRemovable"] is False
        assert cal["owner"] == {"name": "Alice Adams", "address": "alice@contoso.com"}
        assert cal["color"] == "auto"
        assert cal["id"].startswith("AAMk") and cal["changeKey"]

    def test_default_calendar_is_listed_in_my_calendars(self, as_alice, alice):
        cal = as_alice.get("/me/calendar").json()
        listed = as_alice.get("/me/calendars").json()
        assert listed["@odata.context"] == f"{ROOT}users('{alice.id}')/calendars"
        assert [c["id"] for c in listed["value"]] == [cal["id"]]
        groups = as_alice.get("/me/calendarGroups").json()
        assert groups["@odata.context"] == f"{ROOT}users('{alice.id}')/calendarGroups"
        assert [g["name"] for g in groups["value"]] == ["My Calendars"]
        group = groups["value"][0]
        assert group["classId"] == "0006f0b7-0000-0000-c000-000000000046"
        inside = as_alice.get(f"/me/calendarGroups/{group['id']}/calendars").json()["value"]
        assert [c["id"] for c in inside] == [cal["id"]]
        by_id = as_alice.get(f"/me/calendars/{cal['id']}").json()
        assert by_id["@odata.context"] == f"{ROOT}users('{alice.id}')/calendars/$entity"
        assert {k: v for k, v in by_id.items() if k != "@odata.context"} == \
            {k: v for k, v in cal.items() if k != "@odata.context"}
        beta_alias = as_alice.get(f"/beta/me/calendargroup/calendars/{cal['id']}")
        assert beta_alias.status_code == 200 and beta_alias.json()["id"] == cal["id"]


class TestCalendarCrud:
    def test_create_in_default_group(self, as_alice, alice):
        r = as_alice.post("/me/calendars", json={"name": "Volunteer", "color": "lightGreen"})
        assert r.status_code == 201, r.text
        cal = r.json()
        assert cal["@odata.context"] == f"{ROOT}users('{alice.id}')/calendars/$entity"
        assert cal["name"] == "Volunteer" and cal["color"] == "lightGreen"
        assert cal["isDefaultCalendar"] is False and cal["isRemovable"] is True
        names = [c["name"] for c in as_alice.get("/me/calendars").json()["value"]]
        assert names == ["Calendar", "Volunteer"]
        group = default_group(as_alice)
        inside = as_alice.get(f"/me/calendarGroups/{group['id']}/calendars").json()["value"]
        assert [c["name"] for c in inside] == ["Calendar", "Volunteer"]

    def test_create_in_a_specific_group(self, as_alice):
        group = as_alice.post("/me/calendarGroups", json={"name": "Sports"}).json()
        r = as_alice.post(f"/me/calendarGroups/{group['id']}/calendars", json={"name": "Football"})
        assert r.status_code == 201, r.text
        cal = r.json()
        inside = as_alice.get(f"/me/calendarGroups/{group['id']}/calendars").json()["value"]
        assert [c["id"] for c in inside] == [cal["id"]]
        mine = default_group(as_alice)
        assert cal["id"] not in [c["id"] for c in
                                 as_alice.get(f"/me/calendarGroups/{mine['id']}/calendars").json()["value"]]
        assert cal["id"] in [c["id"] for c in as_alice.get("/me/calendars").json()["value"]]
        got = as_alice.get(f"/me/calendarGroups/{group['id']}/calendars/{cal['id']}")
        assert got.status_code == 200 and got.json()["name"] == "Football"
        # events through the group-qualified route
        ev = as_alice.post(f"/me/calendarGroups/{group['id']}/calendars/{cal['id']}/events", json=event_body())
        assert ev.status_code == 201, ev.text
        assert [e["id"] for e in as_alice.get(f"/me/calendars/{cal['id']}/events").json()["value"]] == [ev.json()["id"]]

    @pytest.mark.parametrize("name", ["Calendar", "calendar", "  CALENDAR  "])
    def test_duplicate_name_is_409(self, as_alice, name):
        assert_error(as_alice.post("/me/calendars", json={"name": name}), 409, "ErrorFolderExists",
                     "A folder with the specified name already exists.")

    def test_duplicate_name_in_another_group_is_409(self, as_alice):
        as_alice.post("/me/calendars", json={"name": "Shared Name"})
        group = as_alice.post("/me/calendarGroups", json={"name": "Other"}).json()
        assert_error(as_alice.post(f"/me/calendarGroups/{group['id']}/calendars", json={"name": "Shared Name"}),
                     409, "ErrorFolderExists")

    @pytest.mark.parametrize("body", [{}, {"name": ""}, {"name": "   "}, {"name": None}, {"color": "lightBlue"}])
    def test_missing_name_is_400(self, as_alice, body):
        r = as_alice.post("/me/calendars", json=body)
        assert r.status_code == 400, r.text
        assert set(r.json()["error"]) >= {"code", "message", "innerError"}
        assert len(as_alice.get("/me/calendars").json()["value"]) == 1

    @pytest.mark.parametrize("body", [{"name": 5}, {"name": ["x"]}, {"name": "X", "color": "ultraviolet"},
                                      {"name": "X", "color": 3}, {"name": "n" * 256},
                                      {"name": "X", "hexColor": "red"}, {"name": "X", "hexColor": "#" + "F" * 40}])
    def test_bad_values_are_400(self, as_alice, body):
        assert_error(as_alice.post("/me/calendars", json=body), 400, "RequestBodyRead")

    def test_long_names_up_to_the_limit(self, as_alice):
        cal = as_alice.post("/me/calendars", json={"name": "n" * 255, "hexColor": "#A1B2C3"})
        assert cal.status_code == 201, cal.text
        assert cal.json()["name"] == "n" * 255 and cal.json()["hexColor"] == "#A1B2C3"
        assert_error(as_alice.patch(f"/me/calendars/{cal.json()['id']}", json={"name": "m" * 256}), 400,
                     "RequestBodyRead")
        assert_error(as_alice.post("/me/calendarGroups", json={"name": "g" * 256}), 400, "RequestBodyRead")
        assert as_alice.post("/me/calendarGroups", json={"name": "g" * 255}).status_code == 201

    def test_get_patch_delete(self, as_alice):
        cal = as_alice.post("/me/calendars", json={"name": "Work"}).json()
        got = as_alice.get(f"/me/calendars/{cal['id']}")
        assert got.status_code == 200 and got.json()["name"] == "Work"
        renamed = as_alice.patch(f"/me/calendars/{cal['id']}", json={"name": "Job", "color": "lightRed"})
        assert renamed.status_code == 200, renamed.text
        assert renamed.json()["name"] == "Job" and renamed.json()["color"] == "lightRed"
        assert renamed.json()["changeKey"] != cal["changeKey"]
        assert renamed.json()["id"] == cal["id"]
        recolored = as_alice.patch(f"/me/calendars/{cal['id']}", json={"color": "LIGHTBLUE"}).json()
        assert recolored["color"] == "lightBlue" and recolored["name"] == "Job"
        assert as_alice.get(f"/me/calendars/{cal['id']}").json()["name"] == "Job"
        same_name_new_case = as_alice.patch(f"/me/calendars/{cal['id']}", json={"name": "JOB"})
        assert same_name_new_case.status_code == 200 and same_name_new_case.json()["name"] == "JOB"
        assert_error(as_alice.patch(f"/me/calendars/{cal['id']}", json={"name": "calendar"}), 409, "ErrorFolderExists")
        assert as_alice.patch(f"/me/calendars/{cal['id']}", json={"name": ""}).status_code == 400
        assert as_alice.delete(f"/me/calendars/{cal['id']}").status_code == 204
        assert_error(as_alice.get(f"/me/calendars/{cal['id']}"), 404, "ErrorItemNotFound",
                     "The specified object was not found in the store.")
        assert_error(as_alice.delete(f"/me/calendars/{cal['id']}"), 404, "ErrorItemNotFound")
        assert [c["name"] for c in as_alice.get("/me/calendars").json()["value"]] == ["Calendar"]

    def test_rename_default_calendar(self, as_alice):
        r = as_alice.patch("/me/calendar", json={"name": "Main"})
        assert r.status_code == 200, r.text
        assert r.json()["name"] == "Main" and r.json()["isDefaultCalendar"] is True
        assert as_alice.get("/me/calendar").json()["name"] == "Main"

    def test_default_calendar_cannot_be_deleted(self, as_alice):
        cal = as_alice.get("/me/calendar").json()
        for path in ["/me/calendar", f"/me/calendars/{cal['id']}"]:
            r = as_alice.delete(path)
            assert r.status_code == 400, r.text
            assert "error" in r.json()
        assert as_alice.get("/me/calendar").json()["id"] == cal["id"]

    def test_deleting_a_calendar_removes_its_events(self, as_alice):
        cal = as_alice.post("/me/calendars", json={"name": "Temp"}).json()
        eid = as_alice.post(f"/me/calendars/{cal['id']}/events", json=event_body()).json()["id"]
        keep = as_alice.post("/me/events", json=event_body(subject="Keep")).json()["id"]
        assert as_alice.get(f"/me/events/{eid}").status_code == 200
        assert as_alice.delete(f"/me/calendars/{cal['id']}").status_code == 204
        assert_error(as_alice.get(f"/me/events/{eid}"), 404, "ErrorItemNotFound")
        assert_error(as_alice.get(f"/me/calendars/{cal['id']}/events"), 404, "ErrorItemNotFound")
        assert [e["id"] for e in as_alice.get("/me/events").json()["value"]] == [keep]
        # the name is free again
        assert as_alice.post("/me/calendars", json={"name": "Temp"}).status_code == 201


class TestCalendarGroups:
    def test_crud(self, as_alice, alice):
        r = as_alice.post("/me/calendarGroups", json={"name": "Personal"})
        assert r.status_code == 201, r.text
        group = r.json()
        assert group["@odata.context"] == f"{ROOT}users('{alice.id}')/calendarGroups/$entity"
        assert group["name"] == "Personal" and group["classId"] and group["changeKey"]
        assert [g["name"] for g in as_alice.get("/me/calendarGroups").json()["value"]] == ["My Calendars", "Personal"]
        got = as_alice.get(f"/me/calendarGroups/{group['id']}")
        assert got.status_code == 200 and got.json()["name"] == "Personal"
        assert as_alice.get(f"/me/calendargroups/{group['id']}").json()["id"] == group["id"]
        patched = as_alice.patch(f"/me/calendarGroups/{group['id']}", json={"name": "Private"})
        assert patched.status_code == 200, patched.text
        assert patched.json()["name"] == "Private" and patched.json()["changeKey"] != group["changeKey"]
        assert as_alice.get(f"/me/calendarGroups/{group['id']}").json()["name"] == "Private"
        assert as_alice.get(f"/me/calendarGroups/{group['id']}/calendars").json()["value"] == []
        assert as_alice.delete(f"/me/calendarGroups/{group['id']}").status_code == 204
        assert_error(as_alice.get(f"/me/calendarGroups/{group['id']}"), 404, "ErrorItemNotFound")
        assert_error(as_alice.delete(f"/me/calendarGroups/{group['id']}"), 404, "ErrorItemNotFound")
        assert [g["name"] for g in as_alice.get("/me/calendarGroups").json()["value"]] == ["My Calendars"]

    def test_duplicate_and_missing_names(self, as_alice):
        assert_error(as_alice.post("/me/calendarGroups", json={"name": "my calendars"}), 409, "ErrorFolderExists")
        other = as_alice.post("/me/calendarGroups", json={"name": "A"}).json()
        assert_error(as_alice.patch(f"/me/calendarGroups/{other['id']}", json={"name": "My Calendars"}), 409,
                     "ErrorFolderExists")
        assert as_alice.post("/me/calendarGroups", json={}).status_code == 400
        assert as_alice.post("/me/calendarGroups", json={"name": " "}).status_code == 400

    def test_default_group_cannot_be_deleted(self, as_alice):
        group = default_group(as_alice)
        r = as_alice.delete(f"/me/calendarGroups/{group['id']}")
        assert r.status_code == 400, r.text
        assert "error" in r.json()
        assert default_group(as_alice)["id"] == group["id"]

    def test_non_empty_group_cannot_be_deleted(self, as_alice):
        group = as_alice.post("/me/calendarGroups", json={"name": "Busy"}).json()
        cal = as_alice.post(f"/me/calendarGroups/{group['id']}/calendars", json={"name": "Inside"}).json()
        r = as_alice.delete(f"/me/calendarGroups/{group['id']}")
        assert r.status_code == 400, r.text
        assert as_alice.get(f"/me/calendarGroups/{group['id']}").status_code == 200
        assert as_alice.delete(f"/me/calendars/{cal['id']}").status_code == 204
        assert as_alice.delete(f"/me/calendarGroups/{group['id']}").status_code == 204

    def test_calendar_not_in_that_group_is_404(self, as_alice):
        group = as_alice.post("/me/calendarGroups", json={"name": "Elsewhere"}).json()
        cal = as_alice.get("/me/calendar").json()      # lives in "My Calendars"
        path = f"/me/calendarGroups/{group['id']}/calendars/{cal['id']}"
        assert_error(as_alice.get(path), 404, "ErrorItemNotFound")
        assert_error(as_alice.patch(path, json={"name": "x"}), 404, "ErrorItemNotFound")
        assert_error(as_alice.get(f"{path}/events"), 404, "ErrorItemNotFound")
        assert as_alice.get("/me/calendar").json()["name"] == "Calendar"

    def test_unknown_group(self, as_alice):
        assert_error(as_alice.get(f"/me/calendarGroups/{UNKNOWN_ID}"), 404, "ErrorItemNotFound")
        assert_error(as_alice.get(f"/me/calendarGroups/{UNKNOWN_ID}/calendars"), 404, "ErrorItemNotFound")
        assert_error(as_alice.post(f"/me/calendarGroups/{UNKNOWN_ID}/calendars", json={"name": "x"}), 404,
                     "ErrorItemNotFound")
        assert_error(as_alice.get("/me/calendarGroups/bad-id"), 400, "ErrorInvalidIdMalformed", "Id is malformed.")


class TestIdsAndErrors:
    def test_unknown_calendar_is_404(self, as_alice):
        for method, kw in [("GET", {}), ("PATCH", {"json": {"name": "x"}}), ("DELETE", {})]:
            assert_error(as_alice.request(method, f"/me/calendars/{UNKNOWN_ID}", **kw), 404, "ErrorItemNotFound",
                         "The specified object was not found in the store.")
        assert_error(as_alice.get(f"/me/calendars/{UNKNOWN_ID}/events"), 404, "ErrorItemNotFound")

    @pytest.mark.parametrize("bad", ["nope", "AAMk", "AAMk%2Fabc", "12345", "AAMk" + "A" * 300])
    def test_malformed_calendar_id_is_400(self, as_alice, bad):
        assert_error(as_alice.get(f"/me/calendars/{bad}"), 400, "ErrorInvalidIdMalformed", "Id is malformed.")

    def test_another_users_calendar_id_is_not_found_under_me(self, as_alice, as_bob):
        bobs = as_bob.get("/me/calendar").json()["id"]
        assert_error(as_alice.get(f"/me/calendars/{bobs}"), 404, "ErrorItemNotFound")


class TestUsersTwins:
    def test_users_upn_and_id_routes(self, as_alice, alice):
        for prefix in ["/users/alice@contoso.com", f"/users/{alice.id}", "/users/ALICE%40CONTOSO.COM"]:
            cal = as_alice.get(f"{prefix}/calendar")
            assert cal.status_code == 200, (prefix, cal.text)
            assert cal.json()["@odata.context"] == f"{ROOT}users('{alice.id}')/calendar/$entity"
            assert [c["name"] for c in as_alice.get(f"{prefix}/calendars").json()["value"]][0] == "Calendar"
            assert as_alice.get(f"{prefix}/calendarGroups").status_code == 200
        made = as_alice.post("/users/alice@contoso.com/calendars", json={"name": "Twin"})
        assert made.status_code == 201, made.text
        cid = made.json()["id"]
        assert as_alice.get(f"/me/calendars/{cid}").json()["name"] == "Twin"
        assert as_alice.patch(f"/users/{alice.id}/calendars/{cid}", json={"name": "Twin2"}).json()["name"] == "Twin2"
        group = as_alice.post(f"/users/{alice.id}/calendarGroups", json={"name": "TwinGroup"})
        assert group.status_code == 201
        gid = group.json()["id"]
        inner = as_alice.post(f"/users/alice@contoso.com/calendarGroups/{gid}/calendars", json={"name": "Inner"})
        assert inner.status_code == 201
        assert [c["name"] for c in as_alice.get(f"/me/calendarGroups/{gid}/calendars").json()["value"]] == ["Inner"]
        assert as_alice.delete(f"/users/{alice.id}/calendars/{cid}").status_code == 204
        assert as_alice.delete(f"/users/alice@contoso.com/calendars/{inner.json()['id']}").status_code == 204
        assert as_alice.delete(f"/users/alice@contoso.com/calendarGroups/{gid}").status_code == 204

    def test_unknown_user(self, as_alice):
        assert_error(as_alice.get("/users/nobody@contoso.com/calendars"), 404, "ErrorInvalidUser",
                     "The requested user 'nobody@contoso.com' is invalid.")
        assert_error(as_alice.post("/users/nobody@contoso.com/calendars", json={"name": "x"}), 404,
                     "ErrorInvalidUser")


class TestGroupMailbox:
    def test_group_calendar(self, tenant, alice, bob):
        group = tenant.group("team@contoso.com", "Team", [alice.address])
        as_alice, as_bob = tenant.api(alice), tenant.api(bob)
        r = as_alice.get(f"/groups/{group.id}/calendar")
        assert r.status_code == 200, r.text
        cal = r.json()
        assert cal["@odata.context"] == f"{ROOT}groups('{group.id}')/calendar/$entity"
        assert cal["name"] == "Calendar" and cal["isDefaultCalendar"] is True
        assert cal["owner"] == {"name": "Team", "address": "team@contoso.com"}
        assert cal["canShare"] is False
        assert_error(as_bob.get(f"/groups/{group.id}/calendar"), 403, "ErrorAccessDenied")
        assert tenant.app_api(["Calendars.Read"]).get(f"/groups/{group.id}/calendar").status_code == 200
        assert tenant.app_api(["Group.Read.All"]).get(f"/groups/{group.id}/calendar").status_code == 200
        # groups have neither calendar groups nor a calendars collection
        assert as_alice.get(f"/groups/{group.id}/calendars").status_code == 404
        assert as_alice.get(f"/groups/{group.id}/calendarGroups").status_code == 404

    def test_unknown_group_mailbox(self, as_alice):
        r = as_alice.get("/groups/00000000-0000-0000-0000-000000000000/calendar")
        assert r.status_code == 404, r.text
        assert "error" in r.json()


class TestSelectAndContext:
    def test_select_on_list(self, as_alice, alice):
        as_alice.post("/me/calendars", json={"name": "Second"})
        r = as_alice.get("/me/calendars?$select=name,color")
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["@odata.context"] == f"{ROOT}users('{alice.id}')/calendars(name,color)"
        assert [set(c) for c in body["value"]] == [{"id", "name", "color"}] * 2

    def test_select_on_single_and_groups(self, as_alice, alice):
        r = as_alice.get("/me/calendar?$select=name,isDefaultCalendar")
        assert r.status_code == 200, r.text
        assert r.json() == {
            "@odata.context": f"{ROOT}users('{alice.id}')/calendar(name,isDefaultCalendar)/$entity",
            "id": r.json()["id"], "name": "Calendar", "isDefaultCalendar": True,
        }
        groups = as_alice.get("/me/calendarGroups?$select=name").json()
        assert groups["@odata.context"].endswith("/calendarGroups(name)")
        assert set(groups["value"][0]) == {"id", "name"}

    def test_bad_select_is_400(self, as_alice):
        assert_error(as_alice.get("/me/calendars?$select=nosuch"), 400, "RequestBroker--ParseUri",
                     "Could not find a property named 'nosuch' on type 'microsoft.graph.calendar'.")
        assert as_alice.get("/me/calendar?$select=subject").status_code == 400
        assert as_alice.get("/me/calendar?$top=1").status_code == 400

    def test_top_and_paging(self, as_alice):
        for i in range(3):
            as_alice.post("/me/calendars", json={"name": f"C{i}"})
        first = as_alice.get("/me/calendars?$top=2&$count=true").json()
        assert [c["name"] for c in first["value"]] == ["Calendar", "C0"]
        assert first["@odata.count"] == 4
        assert first["@odata.nextLink"].startswith("http://testserver/v1.0/me/calendars?")
        nxt = first["@odata.nextLink"].removeprefix("http://testserver")
        assert [c["name"] for c in as_alice.get(nxt).json()["value"]] == ["C1", "C2"]
