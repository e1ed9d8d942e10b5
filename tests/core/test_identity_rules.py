"""Pure sign-in rules: scopes, PKCE, grants, redirect URIs, tenants, secret hashing."""

from __future__ import annotations

import pytest

from calgraph.core.identity import errors, grants, redirects, scopes, tenants
from calgraph.core.identity.errors import SignInError
from calgraph.core.identity.grants import Grant
from calgraph.core.identity.hashing import hash_secret, verify_secret


def code(**kw):
    base = dict(id="g", kind="code", client_id="c", tenant_id="t", scope="", expires=100.0, state="active",
                user_id="u", data={"redirect_uri": "http://localhost", "code_challenge":
                                   "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "code_challenge_method": "S256"})
    return Grant(**{**base, **kw})


def test_scope_parsing_and_echo():
    r = scopes.parse("https://graph.microsoft.com/Calendars.ReadWrite offline_access openid profile")
    assert r.permissions == ("Calendars.ReadWrite",) and r.refresh and r.id_token and not r.default
    assert scopes.echo(r, ("Calendars.ReadWrite",)) == "https://graph.microsoft.com/Calendars.ReadWrite openid profile email"
    bare = scopes.parse("calendars.readwrite")
    assert scopes.delegated_scopes(bare, ("Calendars.ReadWrite",)) == ("Calendars.ReadWrite",)
    assert scopes.echo(bare, ("Calendars.ReadWrite",)) == "calendars.readwrite"
    default = scopes.parse("00000003-0000-0000-c000-000000000000/.default")
    assert default.default and scopes.app_roles(default, "", ("A",)) == ("A",)
    assert scopes.delegated_scopes(scopes.parse("https://graph.microsoft.com/.default"), ("A", "B")) == ("A", "B")
    for bad, code_ in (("Calendars.Nope", 70011), ("api://x/.default", 500011), ("https://other/.default", 500011)):
        with pytest.raises(SignInError) as e:
            scopes.parse(bad)
        assert e.value.code == code_
    with pytest.raises(SignInError) as e:
        scopes.app_roles(scopes.parse("Calendars.Read"), "Calendars.Read", ("A",))
    assert e.value.code == 1002012
    with pytest.raises(SignInError) as e:
        scopes.delegated_scopes(scopes.parse("Mail.Read"), ("Calendars.Read",))
    assert e.value.code == 70011


def test_pkce_and_codes():
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    assert grants.pkce_matches(verifier, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "S256")   # RFC 7636 B
    assert grants.pkce_matches("abc", "abc", "plain") and not grants.pkce_matches("abc", "abc", "S512")
    assert grants.check_code(code(), "c", "http://localhost", verifier, 50.0).id == "g"
    cases = [((None, "c", "http://localhost", verifier, 50.0), 9002313),
             ((code(client_id="x"), "c", "http://localhost", verifier, 50.0), 9002313),
             ((code(state="used"), "c", "http://localhost", verifier, 50.0), 54005),
             ((code(), "c", "http://localhost", verifier, 100.0), 70008),
             ((code(), "c", "http://localhost:1", verifier, 50.0), 50011),
             ((code(), "c", "http://localhost", "wrong", 50.0), 501481)]
    for args, expected in cases:
        with pytest.raises(SignInError) as e:
            grants.check_code(*args)
        assert e.value.code == expected


def test_device_states():
    device = Grant("d", "device", "c", "t", "", 100.0, "pending")
    expectations = {"pending": "authorization_pending", "declined": "authorization_declined",
                    "used": "invalid_grant"}
    for state, error in expectations.items():
        with pytest.raises(SignInError) as e:
            grants.check_device(Grant(**{**device.__dict__, "state": state}), "c", 1.0)
        assert e.value.error == error
    with pytest.raises(SignInError) as e:
        grants.check_device(device, "c", 100.0)
    assert e.value.error == "expired_token"
    approved = Grant(**{**device.__dict__, "state": "approved", "user_id": "u"})
    assert grants.check_device(approved, "c", 1.0) is approved
    assert grants.normalize_user_code(" bcd-fg ") == "BCDFG"
    assert len(grants.new_user_code()) == grants.USER_CODE_LENGTH


def test_redirects_tenants_hashing():
    assert redirects.matches("http://localhost:8400", ("http://localhost",))
    assert redirects.matches("http://127.0.0.1:9000/cb", ("http://localhost/cb",))
    assert not redirects.matches("https://localhost:8400", ("http://localhost",))
    assert not redirects.matches("http://evil.example", ("http://localhost",))
    assert not redirects.matches("http://localhost:99999", ("http://localhost",))
    assert redirects.matches("https://app.example/cb", ("https://app.example/cb",))
    assert tenants.classify("COMMON", "tid", frozenset()) == "multi"
    assert tenants.classify("TID", "tid", frozenset()) == "id"
    assert tenants.classify("Contoso.com", "tid", frozenset({"contoso.com"})) == "domain"
    with pytest.raises(SignInError):
        tenants.classify("consumers", "tid", frozenset())
    stored = hash_secret("s3cret")
    assert stored.startswith("scrypt$") and "s3cret" not in stored and stored != hash_secret("s3cret")  # salted
    assert verify_secret("s3cret", stored) and not verify_secret("s3cret!", stored)
    assert not verify_secret("x", None) and not verify_secret("x", "garbage")
    assert errors.invalid_secret("c").status == 401 and errors.wrong_password().status == 400


def test_sign_in_only_scopes_grant_the_profile_at_most():
    oidc = scopes.parse("openid profile offline_access")
    assert scopes.delegated_scopes(oidc, ("Calendars.Read", "User.Read")) == ("User.Read",)
    assert scopes.delegated_scopes(oidc, ("Calendars.Read",)) == ()
