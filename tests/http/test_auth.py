"""Authentication and permissions over HTTP: tokens (§7.1, §8, §3.10) and what each scope allows."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from starlette.testclient import TestClient

from calgraph.app import create_app
from calgraph.services.tokens import AUDIENCE, TokenService
from calgraph.settings import Settings
from tests.http.conftest import Api, assert_error, event_body

OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
ACCESS_DENIED = "Access is denied. Check credentials and try again."
EMPTY = "Access token is empty."
EXPIRED = "Access token has expired or is not yet valid."
INVALID = "Access token validation failure."
WWW_AUTHENTICATE = (
    'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", '
    'client_id="00000003-0000-0000-c000-000000000000"'
)


def raw(tenant, headers: dict[str, str], path: str = "/v1.0/me/events", method: str = "GET"):
    return tenant.client.request(method, path, headers=headers)


def assert_401(response, message: str) -> None:
    assert_error(response, 401, "InvalidAuthenticationToken", message)
    assert response.headers["WWW-Authenticate"] == WWW_AUTHENTICATE


def forged(tenant, user, key=None, **overrides) -> str:
    """A token shaped like the server's, signed with `key` (an RSA key; default: the server's current key,
    with its kid) and `overrides` applied."""
    now = int(datetime.now(timezone.utc).timestamp())
    claims = {
        "aud": AUDIENCE, "iss": tenant.tokens.issuer, "iat": now, "nbf": now, "exp": now + 3600,
        "tid": tenant.tokens.tenant_id, "oid": user.id, "scp": "Calendars.ReadWrite", "idtyp": "user",
    }
    claims.update(overrides)
    claims = {k: v for k, v in claims.items() if v is not None}
    kid, current = tenant.tokens.keys.current()
    return jwt.encode(claims, key or current, algorithm="RS256", headers={"kid": kid})


# -- 401s -----------------------------------------------------------------------------------------

class TestTokens:
    def test_no_authorization_header(self, tenant, alice):
        assert_401(raw(tenant, {}), EMPTY)
        assert_401(raw(tenant, {}, "/v1.0/users"), EMPTY)
        assert_401(raw(tenant, {}, "/v1.0/me/calendars", "POST"), EMPTY)

    @pytest.mark.parametrize("value", ["", "Bearer", "Bearer   ", "Basic dXNlcjpwYXNz"])
    def test_empty_or_other_scheme(self, tenant, alice, value):
        assert_401(raw(tenant, {"Authorization": value}), EMPTY)

    @pytest.mark.parametrize("token", ["garbage", "a.b.c", "not-a-jwt!!", "e30.e30"])
    def test_garbage_token(self, tenant, alice, token):
        assert_401(raw(tenant, {"Authorization": f"Bearer {token}"}), INVALID)

    def test_scheme_is_case_insensitive(self, tenant, alice):
        token = tenant.tokens.issue_delegated(alice, ["Calendars.Read"])
        assert raw(tenant, {"Authorization": f"bearer {token}"}).status_code == 200

    def test_token_signed_with_another_key(self, tenant, alice):
        assert_401(raw(tenant, {"Authorization": f"Bearer {forged(tenant, alice, key=OTHER_KEY)}"}), INVALID)

    def test_tampered_token(self, tenant, alice):
        token = tenant.tokens.issue_delegated(alice, ["Calendars.Read"])
        head, payload, sig = token.split(".")
        other = forged(tenant, alice, scp="Calendars.ReadWrite Mail.ReadWrite").split(".")[1]
        assert_401(raw(tenant, {"Authorization": f"Bearer {head}.{other}.{sig}"}), INVALID)

    def test_wrong_audience_issuer_tenant_or_unknown_user(self, tenant, alice):
        for token in [
            forged(tenant, alice, aud="https://outlook.office.com"),
            forged(tenant, alice, iss="https://sts.windows.net/other/"),
            forged(tenant, alice, tid="00000000-0000-0000-0000-000000000000"),
            forged(tenant, alice, oid="11111111-1111-1111-1111-111111111111"),
            forged(tenant, alice, scp=None),
            forged(tenant, alice, exp=None),
        ]:
            assert_401(raw(tenant, {"Authorization": f"Bearer {token}"}), INVALID)

    def test_expired_token_from_a_clock_in_the_past(self, tenant, store, alice):
        past = TokenService(store, clock=lambda: datetime.now(timezone.utc) - timedelta(days=3))
        token = past.issue_delegated(alice, ["Calendars.Read"], expires_in=3600)
        assert_401(raw(tenant, {"Authorization": f"Bearer {token}"}), EXPIRED)

    def test_negative_expires_in(self, tenant, alice):
        token = tenant.tokens.issue_delegated(alice, ["Calendars.Read"], expires_in=-5)
        assert_401(raw(tenant, {"Authorization": f"Bearer {token}"}), EXPIRED)
        app_token = tenant.tokens.issue_app(["Calendars.Read"], expires_in=-5)
        assert_401(raw(tenant, {"Authorization": f"Bearer {app_token}"}, f"/v1.0/users/{alice.id}/events"),
                   EXPIRED)

    def test_not_yet_valid(self, tenant, alice):
        later = int(datetime.now(timezone.utc).timestamp()) + 600
        token = forged(tenant, alice, nbf=later, iat=later, exp=later + 3600)
        assert_401(raw(tenant, {"Authorization": f"Bearer {token}"}), EXPIRED)

    def test_valid_token_passes(self, tenant, alice):
        token = tenant.tokens.issue_delegated(alice, ["Calendars.Read"])
        assert raw(tenant, {"Authorization": f"Bearer {token}"}).status_code == 200

    def test_tokens_work_across_app_instances_on_one_store(self, tenant, store, alice):
        second = create_app(Settings(db_url="unused"), store)
        with TestClient(second, base_url="http://testserver") as client:
            # issued by the fixture's TokenService, accepted by the second app
            assert tenant.api(alice).client is not client
            r = Api(client, tenant.tokens.issue_delegated(alice, ["Calendars.ReadWrite"])).post(
                "/me/events", json=event_body())
            assert r.status_code == 201, r.text
            # issued by a fresh TokenService on the same store, accepted by the first app
            fresh = TokenService(store).issue_delegated(alice, ["Calendars.Read"])
            listed = Api(tenant.client, fresh).get("/me/events")
            assert listed.status_code == 200 and [e["id"] for e in listed.json()["value"]] == [r.json()["id"]]
            app_token = TokenService(store).issue_app(["Calendars.Read"])
            assert Api(client, app_token).get(f"/users/{alice.id}/events").status_code == 200


# -- application tokens -----------------------------------------------------------------------------

class TestAppTokens:
    def test_me_with_app_token_is_400(self, tenant, alice):
        app = tenant.app_api(["Calendars.ReadWrite", "User.Read.All"])
        for path in ["/me", "/me/events", "/me/calendar", "/me/calendars", "/me/mailFolders"]:
            assert_error(app.get(path), 400, "BadRequest",
                         "/me request is only valid with delegated authentication flow.")
        assert_error(app.post("/me/events", json=event_body()), 400, "BadRequest",
                     "/me request is only valid with delegated authentication flow.")

    def test_read_write_app_uses_users_routes(self, tenant, alice):
        app = tenant.app_api(["Calendars.ReadWrite"])
        created = app.post(f"/users/{alice.id}/events", json=event_body())
        assert created.status_code == 201, created.text
        assert created.json()["organizer"]["emailAddress"]["address"] == "alice@contoso.com"
        listed = app.get(f"/users/{alice.id}/events").json()["value"]
        assert [e["id"] for e in listed] == [created.json()["id"]]
        cals = app.get("/users/alice@contoso.com/calendars")
        assert cals.status_code == 200, cals.text
        assert [c["name"] for c in cals.json()["value"]] == ["Calendar"]
        made = app.post("/users/alice@contoso.com/calendars", json={"name": "Ops"})
        assert made.status_code == 201, made.text
        assert app.patch(f"/users/{alice.id}/events/{created.json()['id']}", json={"subject": "x"}).status_code == 200
        assert app.delete(f"/users/{alice.id}/events/{created.json()['id']}").status_code == 204

    def test_read_only_app_cannot_write(self, tenant, alice):
        eid = tenant.api(alice).post("/me/events", json=event_body()).json()["id"]
        app = tenant.app_api(["Calendars.Read"])
        got = app.get(f"/users/{alice.id}/events/{eid}")
        assert got.status_code == 200 and "body" in got.json()
        assert app.get("/users/alice@contoso.com/calendars").status_code == 200
        for response in [
            app.post(f"/users/{alice.id}/events", json=event_body()),
            app.patch(f"/users/{alice.id}/events/{eid}", json={"subject": "x"}),
            app.delete(f"/users/{alice.id}/events/{eid}"),
            app.post(f"/users/{alice.id}/calendars", json={"name": "Nope"}),
        ]:
            assert_error(response, 403, "ErrorAccessDenied", ACCESS_DENIED)

    def test_app_without_calendar_roles(self, tenant, alice):
        app = tenant.app_api(["User.Read.All"])
        assert_error(app.get(f"/users/{alice.id}/events"), 403, "ErrorAccessDenied", ACCESS_DENIED)
        assert_error(app.get(f"/users/{alice.id}/calendars"), 403, "ErrorAccessDenied", ACCESS_DENIED)
        assert app.get(f"/users/{alice.id}").status_code == 200

    def test_read_basic_all_app_sees_no_body(self, tenant, alice):
        eid = tenant.api(alice).post("/me/events", json=event_body(
            body={"contentType": "text", "content": "secret"})).json()["id"]
        app = tenant.app_api(["Calendars.ReadBasic.All"])
        ev = app.get(f"/users/{alice.id}/events/{eid}")
        assert ev.status_code == 200, ev.text
        assert "body" not in ev.json() and "bodyPreview" not in ev.json()


# -- delegated scopes --------------------------------------------------------------------------------

class TestDelegatedScopes:
    def test_read_basic_lists_without_body(self, tenant, alice, as_alice):
        eid = as_alice.post("/me/events", json=event_body(body={"contentType": "text", "content": "secret"})).json()["id"]
        basic = tenant.api(alice, ["Calendars.ReadBasic"])
        listed = basic.get("/me/events")
        assert listed.status_code == 200, listed.text
        [item] = listed.json()["value"]
        assert item["subject"] == "Lunch" and "body" not in item and "bodyPreview" not in item
        one = basic.get(f"/me/events/{eid}").json()
        assert one["id"] == eid and "body" not in one and "bodyPreview" not in one
        assert basic.get("/me/calendars").status_code == 200
        assert_error(basic.post("/me/events", json=event_body()), 403, "ErrorAccessDenied", ACCESS_DENIED)
        # full Calendars.Read shows the body
        full = tenant.api(alice, ["Calendars.Read"]).get(f"/me/events/{eid}").json()
        assert "secret" in full["body"]["content"] and full["bodyPreview"] == "secret"

    def test_calendars_read_cannot_write(self, tenant, alice, as_alice):
        cal = as_alice.post("/me/calendars", json={"name": "Side"}).json()
        eid = as_alice.post("/me/events", json=event_body()).json()["id"]
        reader = tenant.api(alice, ["Calendars.Read"])
        assert reader.get(f"/me/events/{eid}").status_code == 200
        assert reader.get(f"/me/calendars/{cal['id']}").json()["canEdit"] is False
        assert [c["canEdit"] for c in reader.get("/me/calendars").json()["value"]] == [False, False]
        assert [c["canEdit"] for c in as_alice.get("/me/calendars").json()["value"]] == [True, True]
        for response in [
            reader.post("/me/events", json=event_body()),
            reader.patch(f"/me/events/{eid}", json={"subject": "x"}),
            reader.delete(f"/me/events/{eid}"),
            reader.post("/me/calendars", json={"name": "Other"}),
            reader.patch(f"/me/calendars/{cal['id']}", json={"name": "Renamed"}),
            reader.delete(f"/me/calendars/{cal['id']}"),
            reader.post("/me/calendarGroups", json={"name": "G"}),
        ]:
            assert_error(response, 403, "ErrorAccessDenied", ACCESS_DENIED)
        assert as_alice.get(f"/me/events/{eid}").json()["subject"] == "Lunch"

    def test_no_calendar_scope(self, tenant, alice):
        api = tenant.api(alice, ["User.Read"])
        assert api.get("/me").status_code == 200
        assert_error(api.get("/me/events"), 403, "ErrorAccessDenied", ACCESS_DENIED)
        assert_error(api.get("/me/calendars"), 403, "ErrorAccessDenied", ACCESS_DENIED)

    def test_scope_names_are_case_insensitive(self, tenant, alice):
        api = tenant.api(alice, ["calendars.readwrite"])
        assert api.post("/me/events", json=event_body()).status_code == 201

    def test_other_users_calendar_without_sharing(self, tenant, alice, bob, as_alice, as_bob):
        eid = as_alice.post("/me/events", json=event_body()).json()["id"]
        cal = as_alice.get("/me/calendar").json()
        for path in [
            f"/users/{alice.id}/events", "/users/alice@contoso.com/calendar/events",
            f"/users/{alice.id}/events/{eid}", f"/users/{alice.id}/calendar",
            f"/users/{alice.id}/calendars", f"/users/{alice.id}/calendars/{cal['id']}",
            f"/users/{alice.id}/calendarGroups",
        ]:
            assert_error(as_bob.get(path), 403, "ErrorAccessDenied", ACCESS_DENIED)
        assert_error(as_bob.post(f"/users/{alice.id}/events", json=event_body()), 403, "ErrorAccessDenied")
        assert_error(as_bob.patch(f"/users/{alice.id}/events/{eid}", json={"subject": "x"}), 403,
                     "ErrorAccessDenied")
        assert_error(as_bob.delete(f"/users/{alice.id}/events/{eid}"), 403, "ErrorAccessDenied")
        assert as_alice.get(f"/me/events/{eid}").json()["subject"] == "Lunch"

    def test_event_id_from_another_mailbox_is_not_found(self, as_alice, as_bob):
        eid = as_alice.post("/me/events", json=event_body()).json()["id"]
        assert_error(as_bob.get(f"/me/events/{eid}"), 404, "ErrorItemNotFound")


class TestMailScopes:
    def test_mail_read_is_needed(self, tenant, alice):
        api = tenant.api(alice, ["Calendars.ReadWrite"])
        for path in ["/me/mailFolders", "/me/mailFolders/inbox", "/me/messages", "/me/mailFolders/inbox/messages"]:
            assert_error(api.get(path), 403, "ErrorAccessDenied", ACCESS_DENIED)
        assert_error(api.post("/me/messages", json={"subject": "x"}), 403, "ErrorAccessDenied")

    def test_mail_read_can_read_not_write(self, tenant, alice):
        mid = tenant.api(alice).post("/me/messages", json={"subject": "draft"}).json()["id"]
        reader = tenant.api(alice, ["Mail.Read"])
        assert reader.get("/me/mailFolders").status_code == 200
        assert reader.get(f"/me/messages/{mid}").status_code == 200
        assert [m["id"] for m in reader.get("/me/mailFolders/drafts/messages").json()["value"]] == [mid]
        for response in [
            reader.post("/me/messages", json={"subject": "x"}),
            reader.post("/me/mailFolders/inbox/messages", json={"subject": "x"}),
            reader.patch(f"/me/messages/{mid}", json={"isRead": False}),
            reader.delete(f"/me/messages/{mid}"),
        ]:
            assert_error(response, 403, "ErrorAccessDenied", ACCESS_DENIED)

    def test_other_users_mail_is_denied_even_with_full_scopes(self, alice, bob, as_bob):
        assert_error(as_bob.get(f"/users/{alice.id}/messages"), 403, "ErrorAccessDenied")
        assert_error(as_bob.get("/users/alice@contoso.com/mailFolders"), 403, "ErrorAccessDenied")

    def test_app_mail_roles(self, tenant, alice):
        assert tenant.app_api(["Mail.Read"]).get(f"/users/{alice.id}/mailFolders").status_code == 200
        assert_error(tenant.app_api(["Mail.Read"]).post(f"/users/{alice.id}/messages", json={"subject": "x"}),
                     403, "ErrorAccessDenied")
        assert_error(tenant.app_api(["Calendars.ReadWrite"]).get(f"/users/{alice.id}/messages"), 403,
                     "ErrorAccessDenied")
        assert tenant.app_api(["Mail.ReadWrite"]).post(f"/users/{alice.id}/messages",
                                                       json={"subject": "x"}).status_code == 201
