"""POST /{tenant}/oauth2/v2.0/token, in process: every grant and every error of the catalogue."""

from __future__ import annotations

import base64
import json

import jwt
import pytest

from calgraph.core.identity.grants import digest
from tests.signin.conftest import PASSWORD, assert_aad_error, assertion

GRAPH_DEFAULT = "https://graph.microsoft.com/.default"
DEVICE = "urn:ietf:params:oauth:grant-type:device_code"


def claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


# -- client credentials ---------------------------------------------------------------------------------

def test_client_credentials_with_secret(ident):
    app = ident.secret_app
    r = ident.token(client_id=app.app.client_id, client_secret=app.secret, grant_type="client_credentials",
                    client_info="1", scope=GRAPH_DEFAULT,
                    claims=json.dumps({"access_token": {"xms_cc": {"values": ["CP1"]}}}))
    assert r.status_code == 200, r.text
    assert r.headers["cache-control"] == "no-store, no-cache" and r.headers["pragma"] == "no-cache"
    body = r.json()
    assert set(body) == {"token_type", "expires_in", "ext_expires_in", "access_token"}
    assert body["token_type"] == "Bearer" and body["expires_in"] == body["ext_expires_in"] == 3599
    header, c = jwt.get_unverified_header(body["access_token"]), claims(body["access_token"])
    assert header["alg"] == "RS256" and header["kid"] == header["x5t"]
    assert c["aud"] == "https://graph.microsoft.com" and c["iss"] == f"https://sts.windows.net/{ident.tenant_id}/"
    assert c["tid"] == ident.tenant_id and c["appid"] == app.app.client_id and c["appidacr"] == "1"
    assert c["idtyp"] == "app" and c["roles"] == ["Calendars.Read"] and "scp" not in c
    assert c["oid"] == c["sub"] == app.app.service_principal_id and c["xms_cc"] == ["CP1"]
    assert c["ver"] == "1.0" and c["exp"] - c["iat"] == 3599 and c["app_displayname"] == "Secret app"
    # the same app by the GUID form of Graph's resource, by HTTP Basic, on the tenant's domain
    basic = base64.b64encode(f"{app.app.client_id}:{app.secret}".encode()).decode()
    r = ident.client.post("/contoso.com/oauth2/v2.0/token", headers={"Authorization": f"Basic {basic}"},
                          data={"grant_type": "client_credentials",
                                "scope": "00000003-0000-0000-c000-000000000000/.default"})
    assert r.status_code == 200, r.text


def test_client_credentials_errors(ident):
    app = ident.secret_app
    cid = app.app.client_id
    base = {"client_id": cid, "client_secret": app.secret, "grant_type": "client_credentials",
            "scope": GRAPH_DEFAULT}
    assert_aad_error(ident.token(**{**base, "client_secret": "wrong"}), 401, "invalid_client", 7000215)
    assert_aad_error(ident.token(**{k: v for k, v in base.items() if k != "client_secret"}),
                     401, "invalid_client", 7000218)
    body = assert_aad_error(ident.token(**{**base, "client_id": "6d1f6b9e-3c1f-4f7e-9a55-3a0f5a1f0c01"}),
                            400, "unauthorized_client", 700016)
    assert "6d1f6b9e-3c1f-4f7e-9a55-3a0f5a1f0c01" in body["error_description"]
    assert_aad_error(ident.token(**{**base, "scope": "Calendars.Read"}), 400, "invalid_scope", 1002012)
    assert_aad_error(ident.token(**{**base, "scope": "api://other/.default"}), 400, "invalid_resource", 500011)
    assert_aad_error(ident.token(**{**base, "scope": "https://graph.microsoft.com/Nope.Nope"}),
                     400, "invalid_scope", 70011)
    assert_aad_error(ident.token("common", **base), 400, "invalid_request", 50059)
    assert_aad_error(ident.token("fabrikam.com", **base), 400, "invalid_request", 90002)
    assert_aad_error(ident.token(**{**base, "grant_type": "implicit"}), 400, "unsupported_grant_type", 70003)
    assert_aad_error(ident.token(**{k: v for k, v in base.items() if k != "grant_type"}),
                     400, "invalid_request", 900144)
    public = ident.public_app.app.client_id
    assert_aad_error(ident.token(**{**base, "client_id": public}), 401, "invalid_client", 700025)
    assert_aad_error(ident.token(client_id=public, grant_type="client_credentials", scope=GRAPH_DEFAULT),
                     401, "invalid_client", 7000218)
    # the correlation id echoes client-request-id
    r = ident.client.post(f"/{ident.tenant_id}/oauth2/v2.0/token", data={**base, "client_secret": "x"},
                          headers={"client-request-id": "abc-123"})
    assert r.json()["correlation_id"] == "abc-123"
    # a body that is not a form
    r = ident.client.post(f"/{ident.tenant_id}/oauth2/v2.0/token", content=b"\xff\xfe",
                          headers={"content-type": "application/x-www-form-urlencoded"})
    assert_aad_error(r, 400, "invalid_request", 90014)


def test_client_credentials_with_certificate(ident):
    cid = ident.cert_app.app.client_id
    aud = f"https://login.microsoftonline.com/{ident.tenant_id}/oauth2/v2.0/token"
    form = {"client_id": cid, "grant_type": "client_credentials", "scope": GRAPH_DEFAULT,
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"}
    r = ident.token(**form, client_assertion=assertion(ident.cert_key, ident.cert, cid, aud))
    assert r.status_code == 200, r.text
    c = claims(r.json()["access_token"])
    assert c["appidacr"] == "2" and c["roles"] == ["Calendars.ReadWrite"]
    # aio azure-identity's form: PS256 and x5t#S256, integer times
    from cryptography.hazmat.primitives import serialization
    import hashlib
    import time
    der = ident.cert.public_bytes(serialization.Encoding.DER)
    s256 = base64.urlsafe_b64encode(hashlib.sha256(der).digest()).decode()
    now = int(time.time())
    ps = jwt.encode({"aud": aud, "iss": cid, "sub": cid, "nbf": now, "exp": now + 1800, "jti": "j"},
                    ident.cert_key, algorithm="PS256", headers={"x5t#S256": s256})
    assert ident.token(**form, client_assertion=ps).status_code == 200

    from tests.signin.conftest import make_certificate
    other_key, other_cert, _ = make_certificate("someone else")
    assert_aad_error(ident.token(**form, client_assertion=assertion(other_key, other_cert, cid, aud)),
                     401, "invalid_client", 700027)
    forged = assertion(other_key, ident.cert, cid, aud)   # the right thumbprint, the wrong key
    assert_aad_error(ident.token(**form, client_assertion=forged), 401, "invalid_client", 700027)
    assert_aad_error(ident.token(**form, client_assertion=assertion(ident.cert_key, ident.cert, cid, aud,
                                                                    iss="someone")),
                     401, "invalid_client", 700021)
    assert_aad_error(ident.token(**form, client_assertion=assertion(ident.cert_key, ident.cert, cid, aud,
                                                                    iat=now - 7200, exp=now - 3600)),
                     401, "invalid_client", 700024)
    assert_aad_error(ident.token(**form, client_assertion="not.a.jwt"), 401, "invalid_client", 700027)
    assert_aad_error(ident.token(**{**form, "client_assertion_type": "other"}, client_assertion=ps),
                     400, "invalid_request", 90014)
    # a secret app cannot present an assertion, a certificate app no secret
    assert_aad_error(ident.token(**{**form, "client_id": ident.secret_app.app.client_id},
                                 client_assertion=assertion(ident.cert_key, ident.cert,
                                                            ident.secret_app.app.client_id, aud)),
                     401, "invalid_client", 700027)
    assert_aad_error(ident.token(client_id=cid, client_secret="x", grant_type="client_credentials",
                                 scope=GRAPH_DEFAULT), 401, "invalid_client", 7000215)


# -- password and refresh -----------------------------------------------------------------------------------

def password_form(ident, **overrides):
    return {"client_id": ident.public_app.app.client_id, "grant_type": "password", "client_info": "1",
            "username": "alice@contoso.com", "password": PASSWORD,
            "scope": "Calendars.ReadWrite offline_access openid profile", **overrides}


def test_password_grant_and_refresh(ident):
    r = ident.token("contoso.com", **password_form(ident))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["scope"] == "Calendars.ReadWrite openid profile email"
    assert {"access_token", "refresh_token", "id_token", "client_info", "expires_in"} <= set(body)
    access, id_token = claims(body["access_token"]), claims(body["id_token"])
    assert access["scp"] == "Calendars.ReadWrite" and access["oid"] == ident.alice.id and access["idtyp"] == "user"
    assert access["upn"] == "alice@contoso.com" and access["appidacr"] == "0" and access["amr"] == ["pwd"]
    assert id_token["aud"] == ident.public_app.app.client_id and id_token["tid"] == ident.tenant_id
    assert id_token["iss"] == f"https://login.microsoftonline.com/{ident.tenant_id}/v2.0"
    assert id_token["preferred_username"] == "alice@contoso.com" and id_token["ver"] == "2.0"
    info = json.loads(base64.urlsafe_b64decode(body["client_info"] + "=="))
    assert info == {"uid": ident.alice.id, "utid": ident.tenant_id}
    assert ident.graph(body["access_token"]).status_code == 200
    # the refresh token is used once and replaced
    refresh = {"client_id": ident.public_app.app.client_id, "grant_type": "refresh_token",
               "refresh_token": body["refresh_token"], "scope": "https://graph.microsoft.com/User.Read offline_access"}
    r = ident.token(**refresh)
    assert r.status_code == 200, r.text
    assert claims(r.json()["access_token"])["scp"] == "User.Read"
    assert r.json()["refresh_token"] != body["refresh_token"]
    assert_aad_error(ident.token(**refresh), 400, "invalid_grant", 9002313)
    assert_aad_error(ident.token(**{**refresh, "refresh_token": "nonsense"}), 400, "invalid_grant", 9002313)
    other = {**refresh, "refresh_token": r.json()["refresh_token"], "client_id": ident.secret_app.app.client_id,
             "client_secret": ident.secret_app.secret}
    assert_aad_error(ident.token(**other), 400, "invalid_grant", 9002313)   # another app's refresh token


def test_password_grant_errors(ident):
    assert_aad_error(ident.token(**password_form(ident, password="wrong")), 400, "invalid_grant", 50126)
    assert_aad_error(ident.token(**password_form(ident, username="bob@contoso.com")),   # has no password
                     400, "invalid_grant", 50126)
    assert_aad_error(ident.token(**password_form(ident, username="zed@contoso.com")), 400, "invalid_grant", 50034)
    assert_aad_error(ident.token(**password_form(ident, scope="Mail.ReadWrite openid")),   # not registered
                     400, "invalid_scope", 70011)
    assert_aad_error(ident.token(**password_form(ident, scope="Calendars.Bogus")), 400, "invalid_scope", 70011)
    assert_aad_error(ident.token(**password_form(ident, client_secret="x")), 401, "invalid_client", 700025)


def test_expired_refresh_token(ident):
    r = ident.token(**password_form(ident))
    refresh = r.json()["refresh_token"]
    from sqlalchemy import update
    from calgraph.store.schema import grants
    with ident.store.unit_of_work(write=True) as uow:
        uow.conn.execute(update(grants).where(grants.c.id == digest(refresh)).values(expires=1))
    assert_aad_error(ident.token(client_id=ident.public_app.app.client_id, grant_type="refresh_token",
                                 refresh_token=refresh), 400, "invalid_grant", 70008)


# -- device code ---------------------------------------------------------------------------------------------

def test_device_code_flow(ident):
    cid = ident.public_app.app.client_id
    r = ident.client.post(f"/{ident.tenant_id}/oauth2/v2.0/devicecode",
                          data={"client_id": cid, "scope": "Calendars.ReadWrite offline_access openid profile"})
    assert r.status_code == 200, r.text
    start = r.json()
    assert start["verification_uri"] == "https://login.microsoftonline.com/devicelogin"
    assert start["interval"] == 1 and start["expires_in"] == 900 and start["user_code"] in start["message"]
    poll = {"client_id": cid, "grant_type": DEVICE, "client_info": "1", "code": start["device_code"],
            "device_code": start["device_code"]}
    assert_aad_error(ident.token(**poll), 400, "authorization_pending", 70016)
    ident.app.state.signin.answer_device_code(start["user_code"].lower(), "alice@contoso.com")
    r = ident.token(**poll)
    assert r.status_code == 200, r.text
    assert claims(r.json()["access_token"])["oid"] == ident.alice.id and "id_token" in r.json()
    assert_aad_error(ident.token(**poll), 400, "invalid_grant", 54005)   # once only
    assert_aad_error(ident.token(**{**poll, "device_code": "nope", "code": "nope"}),
                     400, "bad_verification_code", 70018)


def test_device_code_declined_expired_and_errors(ident):
    cid = ident.public_app.app.client_id
    def start():
        return ident.client.post(f"/{ident.tenant_id}/oauth2/v2.0/devicecode",
                                 data={"client_id": cid, "scope": "Calendars.ReadWrite"}).json()
    declined = start()
    ident.app.state.signin.answer_device_code(declined["user_code"], "alice@contoso.com", approve=False)
    poll = {"client_id": cid, "grant_type": DEVICE, "device_code": declined["device_code"]}
    assert_aad_error(ident.token(**poll), 400, "authorization_declined", None)
    expired = start()
    from sqlalchemy import update
    from calgraph.store.schema import grants
    with ident.store.unit_of_work(write=True) as uow:
        uow.conn.execute(update(grants).where(grants.c.id == digest(expired["device_code"])).values(expires=1))
    assert_aad_error(ident.token(**{**poll, "device_code": expired["device_code"]}), 400, "expired_token", 70019)
    from calgraph.core.errors import InvalidParameter
    for code, user in ((expired["user_code"], "alice@contoso.com"), ("ZZZZ", "alice@contoso.com"),
                       (start()["user_code"], "nobody@contoso.com"), (declined["user_code"], "alice@contoso.com")):
        with pytest.raises(InvalidParameter):
            ident.app.state.signin.answer_device_code(code, user)
    r = ident.client.post(f"/{ident.tenant_id}/oauth2/v2.0/devicecode", data={"client_id": cid, "scope": "X.Y"})
    assert_aad_error(r, 400, "invalid_scope", 70011)
    r = ident.client.post(f"/{ident.tenant_id}/oauth2/v2.0/devicecode", data={"client_id": "x", "scope": "openid"})
    assert_aad_error(r, 400, "unauthorized_client", 700016)


def test_sign_in_only_scopes_never_get_more(ident):
    with ident.store.unit_of_work(write=True) as uow:
        from calgraph.services import apps
        narrow = apps.register(uow, "Narrow", roles=[], scopes=["Calendars.Read"], redirect_uris=[], public=True)
    r = ident.token(client_id=narrow.app.client_id, grant_type="password", username="alice@contoso.com",
                    password=PASSWORD, scope="openid profile offline_access")
    assert r.status_code == 200, r.text
    scp = claims(r.json()["access_token"])["scp"].split()
    assert sorted(scp) == ["offline_access", "openid", "profile"]
    assert ident.graph(r.json()["access_token"]).status_code == 403
