"""In-process fixtures for the sign-in endpoints: the app over a fresh store (https, as `serve --tls`),
a user with a password, and three registered apps (secret, certificate, public)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass
from typing import Any

import jwt
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from starlette.testclient import TestClient

from calgraph.app import create_app
from calgraph.core.ids import Ids, utc_now
from calgraph.services import apps, directory
from calgraph.services.passwords import set_password
from calgraph.settings import Settings

PASSWORD = "P@ss w<rd>"


def make_certificate(name: str = "calgraph test app") -> tuple[rsa.RSAPrivateKey, x509.Certificate, bytes]:
    """A self-signed certificate as an app would register it; returns (key, cert, PEM of key + cert)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=30)).sign(key, hashes.SHA256()))
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()) + cert.public_bytes(serialization.Encoding.PEM)
    return key, cert, pem


def assertion(key: rsa.RSAPrivateKey, cert: x509.Certificate, client_id: str, aud: str, **overrides: Any) -> str:
    """A client assertion shaped like MSAL's (RS256, x5t with padding, float times)."""
    der = cert.public_bytes(serialization.Encoding.DER)
    x5t = base64.urlsafe_b64encode(hashlib.sha1(der).digest()).decode()
    now = dt.datetime.now(dt.timezone.utc).timestamp()
    claims = {"aud": aud, "iss": client_id, "sub": client_id, "iat": now, "exp": now + 600,
              "jti": str(uuid.uuid4()), **overrides}
    claims = {k: v for k, v in claims.items() if v is not None}
    return jwt.encode(claims, key, algorithm="RS256", headers={"x5t": x5t})


@dataclass
class Identity:
    client: TestClient
    store: Any
    app: Any
    tenant_id: str
    alice: Any
    secret_app: apps.NewApp
    public_app: apps.NewApp
    cert_app: apps.NewApp
    cert_key: rsa.RSAPrivateKey
    cert: x509.Certificate

    def token(self, tenant: str | None = None, **form: str):
        return self.client.post(f"/{tenant or self.tenant_id}/oauth2/v2.0/token", data=form)

    def graph(self, token: str, path: str = "/v1.0/me/events", method: str = "GET", **kw: Any):
        return self.client.request(method, path, headers={"Authorization": f"Bearer {token}"}, **kw)


@pytest.fixture
def ident(store) -> Identity:
    settings = Settings(db_url="unused", host="127.0.0.1", port=8443, tls=True,
                        tls_names=("localhost", "127.0.0.1", "calgraph", "graph.microsoft.com",
                                   "login.microsoftonline.com"), device_interval=1)
    app = create_app(settings, store)
    key, cert, pem = make_certificate()
    with store.unit_of_work(write=True) as uow:
        alice = directory.add_user(uow, Ids(), utc_now, "alice@contoso.com", "Alice <Adams>")
        directory.add_user(uow, Ids(), utc_now, "bob@contoso.com", "Bob")
        set_password(uow, "alice@contoso.com", PASSWORD)
        secret_app = apps.register(uow, "Secret app", roles=["Calendars.Read"], scopes=[], redirect_uris=[])
        public_app = apps.register(uow, "Public <app>", roles=[], scopes=["Calendars.ReadWrite", "User.Read"],
                                   redirect_uris=[], public=True)
        cert_app = apps.register(uow, "Cert app", roles=["Calendars.ReadWrite"], scopes=[], redirect_uris=[],
                                 certificate_pem=pem)
    with TestClient(app, base_url="https://login.microsoftonline.com") as client:
        tenant_id = app.state.signin.tokens.tenant_id
        yield Identity(client, store, app, tenant_id, alice, secret_app, public_app, cert_app, key, cert)


def assert_aad_error(response, status: int, error: str, code: int | None) -> dict[str, Any]:
    """The identity platform's error JSON: status, `error`, AADSTS code in the description and error_codes."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert body["error"] == error, body
    if code is not None:
        assert body["error_codes"] == [code]
        assert body["error_description"].startswith(f"AADSTS{code}: ")
    assert "Trace ID: " in body["error_description"] and body["trace_id"] and body["correlation_id"]
    assert "Traceback" not in response.text
    return body
