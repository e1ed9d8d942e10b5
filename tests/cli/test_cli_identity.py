"""The sign-in commands of `calgraph`: their exact output forms and their errors."""

from __future__ import annotations

import json
from pathlib import Path

import jwt
import pytest
from cryptography import x509

from calgraph.core.identity.hashing import verify_secret
from calgraph.core.ids import is_guid
from calgraph.store import open_store
from tests.cli.test_cli import run
from tests.signin.conftest import make_certificate


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'calgraph.db'}"


def test_tenant_and_ca(db: str) -> None:
    tenant = run("tenant", "--db", db).stdout
    assert tenant.count("\n") == 1 and is_guid(tenant.strip())
    assert run("tenant", "--db", db).stdout == tenant
    pem = run("ca", "--db", db).stdout
    assert pem.startswith("-----BEGIN CERTIFICATE-----") and pem.rstrip().endswith("-----END CERTIFICATE-----")
    assert pem.count("BEGIN") == 1 and "PRIVATE" not in pem
    cert = x509.load_pem_x509_certificate(pem.encode())
    assert cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca
    assert run("ca", "--db", db).stdout == pem          # one CA per database


def test_apps_add_forms(db: str, tmp_path: Path) -> None:
    out = run("apps", "add", "Billing", "--role", "Calendars.ReadWrite", "--db", db).stdout.splitlines()
    assert len(out) == 2 and is_guid(out[0]) and len(out[1]) >= 30
    as_json = json.loads(run("apps", "add", "Other", "--json", "--db", db).stdout)
    assert set(as_json) == {"clientId", "clientSecret", "tenantId"}
    assert as_json["tenantId"] == run("tenant", "--db", db).stdout.strip()
    public = run("apps", "add", "Desktop", "--public", "--scope", "Calendars.Read", "--db", db).stdout
    assert public.count("\n") == 1 and is_guid(public.strip())
    _, _, pem = make_certificate()
    (tmp_path / "app.pem").write_bytes(pem)
    cert = run("apps", "add", "Daemon", "--cert", str(tmp_path / "app.pem"), "--db", db).stdout
    assert cert.count("\n") == 1 and is_guid(cert.strip())
    listing = run("apps", "list", "--db", db).stdout
    for name in ("Billing", "Other", "Desktop", "Daemon", "certificate", "public"):
        assert name in listing
    assert out[1] not in listing
    store = open_store(db)
    try:
        with store.unit_of_work() as uow:
            billing = uow.get_app(out[0])
            assert billing.roles == ("Calendars.ReadWrite",) and verify_secret(out[1], billing.secret_hash)
            assert out[1] not in (billing.secret_hash or "")
            assert uow.get_app(public.strip()).scopes == ("Calendars.Read",)
            assert uow.get_app(cert.strip()).cert_sha1
    finally:
        store.dispose()
    run("apps", "remove", out[0], "--db", db)
    assert "Billing" not in run("apps", "list", "--db", db).stdout


def test_apps_errors(db: str, tmp_path: Path) -> None:
    assert "unknown application permission 'Calendars.Everything'" in run(
        "apps", "add", "x", "--role", "Calendars.Everything", "--db", db, ok=False).stderr
    assert "unknown delegated permission" in run("apps", "add", "x", "--scope", "Nope", "--db", db, ok=False).stderr
    assert "not a valid redirect URI" in run("apps", "add", "x", "--redirect-uri", "nope", "--db", db,
                                             ok=False).stderr
    assert "cannot read" in run("apps", "add", "x", "--cert", str(tmp_path / "missing.pem"), "--db", db,
                                ok=False).stderr
    (tmp_path / "bad.pem").write_text("hello")
    assert "no PEM certificate" in run("apps", "add", "x", "--cert", str(tmp_path / "bad.pem"), "--db", db,
                                       ok=False).stderr
    assert "not both" in run("apps", "add", "x", "--public", "--cert", str(tmp_path / "bad.pem"), "--db", db,
                             ok=False).stderr
    assert "no app" in run("apps", "remove", "nope", "--db", db, ok=False).stderr
    assert "name" in run("apps", "add", " ", "--db", db, ok=False).stderr


def test_passwords_device_approval_and_keys(db: str, tmp_path: Path) -> None:
    user_id = run("users", "add", "alice@contoso.com", "--password", "first", "--db", db).stdout.strip()
    run("users", "passwd", "alice@contoso.com", "second", "--db", db)
    assert "not a known user" in run("users", "passwd", "zed@contoso.com", "x", "--db", db, ok=False).stderr
    assert "characters" in run("users", "passwd", "alice@contoso.com", "", "--db", db, ok=False).stderr
    store = open_store(db)
    try:
        with store.unit_of_work() as uow:
            stored = uow.get_password_hash(user_id)
        assert verify_secret("second", stored) and not verify_secret("first", stored)
        from calgraph.services.signin import SignIn
        from calgraph.services.tokens import TokenService
        client = run("apps", "add", "tv", "--public", "--db", db).stdout.strip()
        started = SignIn(store, TokenService(store)).start_device_flow(
            "common", {"client_id": client, "scope": "Calendars.Read"}, "https://localhost:8443")
    finally:
        store.dispose()
    assert "not a known user" in run("device", "approve", started["user_code"], "--user", "zed@contoso.com",
                                     "--db", db, ok=False).stderr
    run("device", "approve", started["user_code"], "--user", "alice@contoso.com", "--db", db)
    assert "already answered" in run("device", "approve", started["user_code"], "--user", "alice@contoso.com",
                                     "--db", db, ok=False).stderr
    assert "no device sign-in" in run("device", "approve", "NOPE", "--user", "alice@contoso.com", "--db", db,
                                      ok=False).stderr
    token = run("token", "alice@contoso.com", "--db", db).stdout.strip()
    old_kid = jwt.get_unverified_header(token)["kid"]
    new_kid = run("keys", "rotate", "--db", db).stdout.strip()
    assert new_kid and new_kid != old_kid
    assert jwt.get_unverified_header(run("token", "--app", "--db", db).stdout.strip())["kid"] == new_kid


def test_env(db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    lines = run("env", "--proxy-port", "8888", "--db", db).stdout.splitlines()
    exported = dict(line.removeprefix("export ").split("=", 1) for line in lines)
    assert all(line.startswith("export ") for line in lines)
    assert exported["HTTPS_PROXY"] == "http://127.0.0.1:8888"
    bundle = tmp_path / "calgraph-ca.pem"
    assert exported["SSL_CERT_FILE"] == exported["REQUESTS_CA_BUNDLE"] == str(bundle)
    assert bundle.read_text().startswith(run("ca", "--db", db).stdout)
    other = tmp_path / "sub dir" / "ca.pem"
    other.parent.mkdir()
    out = run("env", "--proxy-port", "9999", "--ca-file", str(other), "--db", db).stdout
    assert f"export SSL_CERT_FILE='{other}'" in out and other.is_file()
    assert "between 1 and 65535" in run("env", "--proxy-port", "0", "--db", db, ok=False).stderr
