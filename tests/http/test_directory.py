"""The directory over HTTP: /me, /users, /users/{id | upn}, /groups, /groups/{id}, /groups/{id}/members."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.http.conftest import assert_error

ROOT = "http://testserver/v1.0/$metadata#"
NO_SUCH_GUID = "0a1b2c3d-0000-4000-8000-00000000abcd"


def follow(api, url: str):
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc) == ("http", "testserver")
    return api.get(parts.path + "?" + parts.query)


@pytest.fixture
def team(tenant, alice, bob):
    return tenant.group("team@contoso.com", "Team Rocket", [alice.address, bob.address])


class TestUsers:
    def test_me(self, as_alice, alice):
        r = as_alice.get("/me")
        assert r.status_code == 200, r.text
        me = r.json()
        assert me["@odata.context"] == f"{ROOT}users/$entity"
        assert me["id"] == alice.id
        assert me["displayName"] == "Alice Adams"
        assert me["givenName"] == "Alice" and me["surname"] == "Adams"
        assert me["mail"] == me["userPrincipalName"] == "alice@contoso.com"
        assert me["businessPhones"] == []

    def test_me_works_with_any_scope(self, tenant, alice):
        assert tenant.api(alice, ["User.Read"]).get("/me").json()["id"] == alice.id
        assert tenant.api(alice, ["Calendars.Read"]).get("/me").json()["id"] == alice.id

    def test_user_by_id_and_upn(self, as_alice, alice, bob):
        by_id = as_alice.get(f"/users/{bob.id}")
        assert by_id.status_code == 200, by_id.text
        assert by_id.json()["@odata.context"] == f"{ROOT}users/$entity"
        assert by_id.json()["mail"] == "bob@contoso.com"
        for key in ["bob@contoso.com", "BOB@Contoso.COM", "bob%40contoso.com", bob.id.upper()]:
            r = as_alice.get(f"/users/{key}")
            assert r.status_code == 200, (key, r.text)
            assert r.json()["id"] == bob.id
        assert as_alice.get(f"/users/{alice.id}").json() == as_alice.get("/me").json()

    def test_unknown_user(self, as_alice):
        assert_error(as_alice.get("/users/x"), 404, "ErrorInvalidUser", "The requested user 'x' is invalid.")
        assert_error(as_alice.get("/users/nobody@contoso.com"), 404, "ErrorInvalidUser",
                     "The requested user 'nobody@contoso.com' is invalid.")
        assert_error(as_alice.get("/users/nobody@contoso.com/events"), 404, "ErrorInvalidUser",
                     "The requested user 'nobody@contoso.com' is invalid.")

    def test_unknown_user_by_object_id_names_the_tenant(self, tenant, as_alice):
        # Graph renders an unknown GUID as {objectId}@{tenantId} (§3.10)
        expected = f"The requested user '{NO_SUCH_GUID}@{tenant.tokens.tenant_id}' is invalid."
        assert_error(as_alice.get(f"/users/{NO_SUCH_GUID}"), 404, "ErrorInvalidUser", expected)
        assert_error(as_alice.get(f"/users/{NO_SUCH_GUID}/calendar"), 404, "ErrorInvalidUser", expected)

    def test_a_group_is_not_a_user(self, as_alice, team):
        assert_error(as_alice.get("/users/team@contoso.com"), 404, "ErrorInvalidUser",
                     "The requested user 'team@contoso.com' is invalid.")
        assert_error(as_alice.get(f"/users/{team.id}/events"), 404, "ErrorInvalidUser")

    def test_list_users(self, tenant, as_alice, alice, bob, team):
        r = as_alice.get("/users")
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["@odata.context"] == f"{ROOT}users"
        assert [u["mail"] for u in body["value"]] == ["alice@contoso.com", "bob@contoso.com"]
        assert all(u["@odata.type"] == "#microsoft.graph.user" for u in body["value"])
        assert tenant.app_api(["User.Read.All"]).get("/users").status_code == 200

    def test_select_users(self, as_alice, alice, bob):
        r = as_alice.get("/users?$select=displayName,mail")
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["@odata.context"] == f"{ROOT}users(displayName,mail)"
        assert [set(u) - {"@odata.type"} for u in body["value"]] == [{"id", "displayName", "mail"}] * 2
        one = as_alice.get(f"/users/{bob.id}?$select=displayName").json()
        assert one["@odata.context"] == f"{ROOT}users(displayName)/$entity"
        assert set(one) - {"@odata.type", "@odata.context"} == {"id", "displayName"}
        assert as_alice.get("/me?$select=userPrincipalName").json()["userPrincipalName"] == "alice@contoso.com"
        assert_error(as_alice.get("/users?$select=salary"), 400, "RequestBroker--ParseUri",
                     "Could not find a property named 'salary' on type 'microsoft.graph.user'.")

    def test_filter_users(self, tenant, as_alice, alice, bob):
        tenant.user("bobby@fabrikam.com", "Bobby Tables")

        def mails(flt: str) -> list[str]:
            r = as_alice.get("/users", params={"$filter": flt})
            assert r.status_code == 200, (flt, r.text)
            return [u["mail"] for u in r.json()["value"]]

        assert mails("startswith(displayName,'Bob')") == ["bob@contoso.com", "bobby@fabrikam.com"]
        assert mails("startswith(displayName,'bob b')") == ["bob@contoso.com"]
        assert mails("mail eq 'bob@contoso.com'") == ["bob@contoso.com"]
        assert mails("mail eq 'BOB@CONTOSO.COM'") == ["bob@contoso.com"]
        assert mails("userPrincipalName eq 'alice@contoso.com' or endswith(mail,'fabrikam.com')") == \
            ["alice@contoso.com", "bobby@fabrikam.com"]
        assert mails(f"id eq '{alice.id}'") == ["alice@contoso.com"]
        assert mails("mail eq 'nobody@contoso.com'") == []
        assert as_alice.get("/users", params={"$filter": "jobTitle eq 'x'"}).status_code == 400
        assert as_alice.get("/users", params={"$filter": "startswith(displayName,"}).status_code == 400

    def test_orderby_and_paging(self, tenant, as_alice, alice, bob):
        for name in ["Zed", "Carol", "Mallory"]:
            tenant.user(f"{name.lower()}@contoso.com", name)
        r = as_alice.get("/users?$orderby=displayName desc&$top=2&$count=true")
        assert r.status_code == 200, r.text
        first = r.json()
        assert [u["displayName"] for u in first["value"]] == ["Zed", "Mallory"]
        assert first["@odata.count"] == 5
        assert first["@odata.nextLink"].startswith("http://testserver/v1.0/users?")
        second = follow(as_alice, first["@odata.nextLink"]).json()
        assert [u["displayName"] for u in second["value"]] == ["Carol", "Bob Brown"]
        third = follow(as_alice, second["@odata.nextLink"]).json()
        assert [u["displayName"] for u in third["value"]] == ["Alice Adams"]
        assert "@odata.nextLink" not in third

    def test_default_page_size(self, tenant, as_alice, alice):
        for i in range(11):
            tenant.user(f"user{i:02d}@contoso.com")
        body = as_alice.get("/users").json()
        assert len(body["value"]) == 10 and "@odata.nextLink" in body
        rest = follow(as_alice, body["@odata.nextLink"]).json()
        assert len(rest["value"]) == 2


class TestGroups:
    def test_get_group(self, as_alice, team):
        r = as_alice.get(f"/groups/{team.id}")
        assert r.status_code == 200, r.text
        group = r.json()
        assert group["@odata.context"] == f"{ROOT}groups/$entity"
        assert group["@odata.type"] == "#microsoft.graph.group"
        assert group["id"] == team.id and group["displayName"] == "Team Rocket"
        assert group["mail"] == "team@contoso.com" and group["mailNickname"] == "team"
        assert group["groupTypes"] == ["Unified"] and group["mailEnabled"] is True
        assert group["createdDateTime"].endswith("Z")
        sel = as_alice.get(f"/groups/{team.id}?$select=displayName").json()
        assert set(sel) - {"@odata.type", "@odata.context"} == {"id", "displayName"}

    def test_list_groups(self, as_alice, team):
        body = as_alice.get("/groups").json()
        assert body["@odata.context"] == f"{ROOT}groups"
        assert [g["id"] for g in body["value"]] == [team.id]

    def test_members(self, as_alice, alice, bob, team):
        r = as_alice.get(f"/groups/{team.id}/members")
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["@odata.context"] == f"{ROOT}directoryObjects"
        assert [m["id"] for m in body["value"]] == [alice.id, bob.id]
        assert all(m["@odata.type"] == "#microsoft.graph.user" for m in body["value"])
        sel = as_alice.get(f"/groups/{team.id}/members?$select=mail&$top=1").json()
        assert [set(m) - {"@odata.type"} for m in sel["value"]] == [{"id", "mail"}]
        assert "@odata.nextLink" in sel

    def test_non_member_may_read_the_directory(self, tenant, team):
        carol = tenant.user("carol@contoso.com", "Carol")
        api = tenant.api(carol, ["User.Read"])
        assert api.get(f"/groups/{team.id}").status_code == 200
        assert api.get(f"/groups/{team.id}/members").status_code == 200

    def test_unknown_group(self, as_alice, alice):
        for path in [f"/groups/{NO_SUCH_GUID}", f"/groups/{NO_SUCH_GUID}/members", "/groups/nope",
                     f"/groups/{alice.id}", f"/groups/{alice.id}/members"]:
            r = as_alice.get(path)
            assert r.status_code == 404, (path, r.text)
            error = r.json()["error"]
            assert error["code"] == "Request_ResourceNotFound"
            assert error["message"].startswith("Resource '")


class TestMethods:
    @pytest.mark.parametrize("method,path", [
        ("POST", "/users"), ("DELETE", "/me"), ("PATCH", "/groups"), ("POST", "/groups/{gid}/members"),
        ("PUT", "/users/{uid}"),
    ])
    def test_directory_is_read_only(self, as_alice, alice, team, method, path):
        r = as_alice.request(method, path.format(gid=team.id, uid=alice.id), json={"displayName": "x"})
        assert r.status_code == 405, r.text
        assert set(r.json()["error"]) == {"code", "message", "innerError"}
