"""Discovery documents, JWKS and key rotation; Graph accepting sign-in tokens (and only calgraph's)."""

from __future__ import annotations

import time

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

from calgraph.services.signing_keys import KeyRing
from tests.signin.conftest import assert_aad_error

GRAPH_DEFAULT = "https://graph.microsoft.com/.default"


def test_openid_configuration(ident):
    for segment in (ident.tenant_id, "contoso.com", "CONTOSO.com", "common", "organizations"):
        r = ident.client.get(f"/{segment}/v2.0/.well-known/openid-configuration")
        assert r.status_code == 200, (segment, r.text)
        doc = r.json()
        base = f"https://login.microsoftonline.com/{segment}"
        assert doc["token_endpoint"] == f"{base}/oauth2/v2.0/token"
        assert doc["authorization_endpoint"] == f"{base}/oauth2/v2.0/authorize"
        assert doc["device_authorization_endpoint"] == f"{base}/oauth2/v2.0/devicecode"
        assert doc["jwks_uri"] == f"{base}/discovery/v2.0/keys"
        assert doc["issuer"] == f"https://login.microsoftonline.com/{ident.tenant_id}/v2.0"
    r = ident.client.get("/fabrikam.com/v2.0/.well-known/openid-configuration")
    assert_aad_error(r, 400, "invalid_tenant", 90002)
    r = ident.client.get("/consumers/v2.0/.well-known/openid-configuration")
    assert_aad_error(r, 400, "invalid_tenant", 90002)
    # the host the client used is the one it is sent back to
    r = ident.client.get(f"/{ident.tenant_id}/v2.0/.well-known/openid-configuration",
                         headers={"host": "calgraph:8443"})
    assert r.json()["token_endpoint"].startswith("https://calgraph:8443/")
    r = ident.client.get(f"/{ident.tenant_id}/v2.0/.well-known/openid-configuration",
                         headers={"host": "evil\"><x"})
    assert r.json()["token_endpoint"].startswith("https://127.0.0.1:8443/")


def test_instance_discovery_and_user_realm(ident):
    r = ident.client.get("/common/discovery/instance", params={
        "api-version": "1.1", "authorization_endpoint": "https://localhost/contoso.com/oauth2/v2.0/authorize"})
    assert r.status_code == 200
    assert r.json()["tenant_discovery_endpoint"] == \
        "https://localhost:8443/contoso.com/v2.0/.well-known/openid-configuration"
    r = ident.client.get("/common/discovery/instance", params={
        "authorization_endpoint": "https://login.microsoftonline.com/common/oauth2/authorize"})
    assert r.json()["tenant_discovery_endpoint"] == \
        "https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration"
    assert "login.windows.net" in r.json()["metadata"][0]["aliases"]
    r = ident.client.get("/common/discovery/instance", params={
        "authorization_endpoint": "https://elsewhere.example/common/oauth2/authorize"})
    assert_aad_error(r, 400, "invalid_instance", 50049)
    for path in ("/common/userrealm/alice@contoso.com", "/common/UserRealm/alice@contoso.com"):
        body = ident.client.get(path, params={"api-version": "1.0"}).json()
        assert body["account_type"] == "Managed" and body["domain_name"] == "contoso.com"


def test_jwks_verifies_tokens_and_rotation_keeps_old_tokens(ident):
    app = ident.secret_app
    form = {"client_id": app.app.client_id, "client_secret": app.secret, "grant_type": "client_credentials",
            "scope": GRAPH_DEFAULT}
    old = ident.token(**form).json()["access_token"]
    keys = ident.client.get(f"/{ident.tenant_id}/discovery/v2.0/keys").json()["keys"]
    assert len(keys) == 1 and keys[0]["kty"] == "RSA" and keys[0]["use"] == "sig"
    assert not {"d", "p", "q", "dp", "dq", "qi"} & set(keys[0])        # never the private part
    verified = jwt.decode(old, jwt.PyJWK(keys[0]).key, algorithms=["RS256"], audience="https://graph.microsoft.com")
    assert verified["appid"] == app.app.client_id

    new_kid = KeyRing(ident.store).rotate()       # as `calgraph keys rotate` does, from another process
    ident.app.state.signin.tokens.keys.refresh()  # a server does this by itself within RELOAD_SECONDS
    new = ident.token(**form).json()["access_token"]
    assert jwt.get_unverified_header(new)["kid"] == new_kid != jwt.get_unverified_header(old)["kid"]
    kids = [k["kid"] for k in ident.client.get(f"/{ident.tenant_id}/discovery/v2.0/keys").json()["keys"]]
    assert len(kids) == 2 and kids[-1] == new_kid
    user = f"/v1.0/users/{ident.alice.id}/events"
    assert ident.graph(old, user).status_code == 200 and ident.graph(new, user).status_code == 200


def test_graph_accepts_only_calgraph_tokens(ident):
    app = ident.secret_app          # roles: Calendars.Read only
    token = ident.token(client_id=app.app.client_id, client_secret=app.secret, grant_type="client_credentials",
                        scope=GRAPH_DEFAULT).json()["access_token"]
    events = f"/v1.0/users/{ident.alice.id}/events"
    assert ident.graph(token, events).status_code == 200
    r = ident.graph(token, events, "POST", json={"subject": "x"})       # another app's role is not granted
    assert r.status_code == 403 and r.json()["error"]["code"] == "ErrorAccessDenied"
    cert_app_claims = jwt.decode(token, options={"verify_signature": False})
    assert cert_app_claims["roles"] == ["Calendars.Read"]
    # the same claims signed by a key calgraph does not hold (even naming calgraph's kid)
    other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    kid = jwt.get_unverified_header(token)["kid"]
    forged = jwt.encode({**cert_app_claims, "roles": ["Calendars.ReadWrite"]}, other, algorithm="RS256",
                        headers={"kid": kid})
    r = ident.graph(forged, events)
    assert r.status_code == 401 and r.json()["error"]["code"] == "InvalidAuthenticationToken"
    unknown_kid = jwt.encode(cert_app_claims, other, algorithm="RS256", headers={"kid": "not-ours"})
    assert ident.graph(unknown_kid, events).status_code == 401
    hs = jwt.encode(cert_app_claims, "secret-of-length-at-least-32-bytes!!", algorithm="HS256", headers={"kid": kid})
    assert ident.graph(hs, events).status_code == 401
    # expired: 401 with Graph's message
    expired = ident.app.state.signin.tokens.issue_app(["Calendars.Read"], expires_in=-1, app_id=app.app.client_id)
    r = ident.graph(expired, events)
    assert r.status_code == 401 and r.json()["error"]["message"] == "Access token has expired or is not yet valid."
    assert r.headers["www-authenticate"].startswith("Bearer ")
    time.sleep(0)   # (no waiting: the expiry is in the past already)


def test_logout_and_wrong_methods(ident):
    r = ident.client.get(f"/{ident.tenant_id}/oauth2/v2.0/logout",
                         params={"post_logout_redirect_uri": "https://evil.example"}, follow_redirects=False)
    assert r.status_code == 200 and "signed out" in r.text
    r = ident.client.get(f"/{ident.tenant_id}/oauth2/v2.0/token")
    assert r.status_code == 405 and "Traceback" not in r.text


def test_a_tenant_reset_keeps_apps_keys_and_ca_but_not_users_or_grants(ident):
    from calgraph.services import snapshots
    from calgraph.services.control import Control
    from calgraph.services.pki import ca_certificate_pem

    app = ident.secret_app
    form = {"client_id": app.app.client_id, "client_secret": app.secret, "grant_type": "client_credentials",
            "scope": GRAPH_DEFAULT}
    before = ident.token(**form).json()["access_token"]
    ca = ca_certificate_pem(ident.store)
    r = ident.token(client_id=ident.public_app.app.client_id, grant_type="password", username="alice@contoso.com",
                    password="P@ss w<rd>", scope="Calendars.ReadWrite offline_access")
    refresh = r.json()["refresh_token"]
    snapshots.reset(Control(ident.store), to="empty")
    after = ident.token(**form)
    assert after.status_code == 200, after.text                    # the app registration survived
    assert jwt.get_unverified_header(after.json()["access_token"])["kid"] == jwt.get_unverified_header(before)["kid"]
    assert ca_certificate_pem(ident.store) == ca
    assert_aad_error(ident.token(client_id=ident.public_app.app.client_id, grant_type="refresh_token",
                                 refresh_token=refresh), 400, "invalid_grant", 9002313)   # tenant state: gone
