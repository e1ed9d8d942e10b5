"""TokenService (JWT issue/verify) and directory provisioning, against the `store` fixture
(a migrated, empty store from tests/conftest.py)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import jwt
import pytest

from calgraph.core.errors import InvalidAuthenticationToken, InvalidParameter, InvalidRequest
from calgraph.core.ids import Ids, is_guid, is_item_id, utc_now
from calgraph.core.model import Mailbox
from calgraph.http.auth import WWW_AUTHENTICATE, authenticate
from calgraph.services import directory
from calgraph.services.tokens import (
    ACCEPTED_AUDIENCES, AUDIENCE, DEFAULT_APP_ROLES, DEFAULT_SCOPES, TENANT_SETTING, TokenService,
)

T0 = datetime(2024, 5, 1, 9, 0, tzinfo=timezone.utc)


def add_user(store, address: str, name: str | None = None):
    with store.unit_of_work(write=True) as uow:
        return directory.add_user(uow, Ids(), lambda: T0, address, name)


def add_group(store, address: str, name: str, members=()):
    with store.unit_of_work(write=True) as uow:
        return directory.add_group(uow, Ids(), lambda: T0, address, name, members)


def reject(tokens: TokenService, token: str) -> str:
    with pytest.raises(InvalidAuthenticationToken) as e:
        tokens.verify(token)
    assert (e.value.status, e.value.code) == (401, "InvalidAuthenticationToken")
    return e.value.message


def signing_key(store):
    """The current RSA signing key (as PEM) and its kid."""
    with store.unit_of_work() as uow:
        key = uow.list_signing_keys()[-1]
    return key.private_pem, key.kid


def resign(claims, store, key=None) -> str:
    pem, kid = signing_key(store)
    return jwt.encode(claims, key or pem, algorithm="RS256", headers={"kid": kid})


# -- tokens ---------------------------------------------------------------------------------------

def test_delegated_round_trip_and_claims(store) -> None:
    alice = add_user(store, "alice@contoso.com", "Alice Liddell")
    tokens = TokenService(store)
    token = tokens.issue_delegated(alice, ["Calendars.Read", "Mail.Read"])
    p = tokens.verify(token)
    assert p.user_id == alice.id and not p.is_app
    assert p.scopes == {"calendars.read", "mail.read"} and p.app_id

    claims = jwt.decode(token, options={"verify_signature": False})
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "RS256" and header["kid"] == signing_key(store)[1]
    assert claims["aud"] == AUDIENCE and claims["idtyp"] == "user"
    assert claims["iss"] == claims["idp"] == f"https://sts.windows.net/{tokens.tenant_id}/" == tokens.issuer
    assert claims["oid"] == alice.id and claims["upn"] == claims["preferred_username"] == "alice@contoso.com"
    assert claims["name"] == "Alice Liddell" and claims["scp"] == "Calendars.Read Mail.Read"
    assert is_guid(claims["tid"]) and claims["tid"] == tokens.tenant_id and claims["appid"] == p.app_id
    assert claims["iat"] == claims["nbf"] and claims["exp"] - claims["iat"] == 86400


def test_delegated_default_scopes_and_space_separated_input(store) -> None:
    alice = add_user(store, "alice@contoso.com")
    tokens = TokenService(store)
    assert tokens.verify(tokens.issue_delegated(alice, [])).scopes == {s.lower() for s in DEFAULT_SCOPES}
    p = tokens.verify(tokens.issue_delegated(alice, ["Calendars.Read User.Read", "calendars.read"]))
    assert p.scopes == {"calendars.read", "user.read"}


def test_app_round_trip(store) -> None:
    tokens = TokenService(store)
    token = tokens.issue_app(["Calendars.Read"], app_id="11111111-2222-4333-8444-555555555555")
    p = tokens.verify(token)
    assert p.is_app and p.user_id is None and p.scopes == {"calendars.read"}
    assert p.app_id == "11111111-2222-4333-8444-555555555555"
    claims = jwt.decode(token, options={"verify_signature": False})
    assert claims["idtyp"] == "app" and claims["roles"] == ["Calendars.Read"] and "oid" not in claims
    assert "scp" not in claims
    assert tokens.verify(tokens.issue_app([])).scopes == {r.lower() for r in DEFAULT_APP_ROLES}


def test_expired_and_not_yet_valid(store) -> None:
    alice = add_user(store, "alice@contoso.com")
    now = [T0]
    tokens = TokenService(store, clock=lambda: now[0])
    token = tokens.issue_delegated(alice, ["Calendars.Read"], expires_in=60)
    assert tokens.verify(token).user_id == alice.id
    now[0] = T0 + timedelta(seconds=60)
    assert reject(tokens, token) == "Access token has expired or is not yet valid."
    now[0] = T0 - timedelta(seconds=1)
    assert reject(tokens, token) == "Access token has expired or is not yet valid."
    # and with the real clock
    real = TokenService(store)
    assert reject(real, real.issue_app([], expires_in=-5)) == "Access token has expired or is not yet valid."


def test_bad_tokens(store) -> None:
    alice = add_user(store, "alice@contoso.com")
    tokens = TokenService(store)
    good = tokens.issue_delegated(alice, [])
    claims = jwt.decode(good, options={"verify_signature": False})
    from cryptography.hazmat.primitives.asymmetric import rsa
    forged_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    assert reject(tokens, "") == "Access token is empty."
    assert reject(tokens, "   ") == "Access token is empty."
    failure = "Access token validation failure."
    assert reject(tokens, "garbage") == failure
    assert reject(tokens, "a.b.c") == failure
    assert reject(tokens, good[:-4] + ("AAAA" if not good.endswith("AAAA") else "BBBB")) == failure
    assert reject(tokens, resign(claims, store, forged_key)) == failure
    assert reject(tokens, resign({**claims, "aud": "api://other"}, store)) == failure
    assert reject(tokens, resign({**claims, "iss": "https://evil/"}, store)) == failure
    assert reject(tokens, resign({**claims, "tid": "other"}, store)) == failure
    no_exp = {k: v for k, v in claims.items() if k != "exp"}
    assert reject(tokens, resign(no_exp, store)) == failure
    assert reject(tokens, jwt.encode(claims, None, algorithm="none")) == failure
    no_oid = {k: v for k, v in claims.items() if k != "oid"}
    assert reject(tokens, resign(no_oid, store)) == failure
    # Graph's other audience spelling is accepted
    alt = resign({**claims, "aud": ACCEPTED_AUDIENCES[-1]}, store)
    assert tokens.verify(alt).user_id == alice.id


def test_token_of_unknown_user_is_rejected(store) -> None:
    alice = add_user(store, "alice@contoso.com")
    group = add_group(store, "team@contoso.com", "Team", ["alice@contoso.com"])
    tokens = TokenService(store)
    claims = jwt.decode(tokens.issue_delegated(alice, []), options={"verify_signature": False})
    for oid in ("6d1f6b9e-3c1f-4f7e-9a55-3a0f5a1f0c01", group.id, "alice@contoso.com"):
        assert reject(tokens, resign({**claims, "oid": oid}, store)) == (
            "Access token validation failure.")
    with pytest.raises(ValueError):
        tokens.issue_delegated(group, [])


def test_instances_on_one_database_share_key_and_tenant(store) -> None:
    alice = add_user(store, "alice@contoso.com")
    first, second = TokenService(store), TokenService(store)
    assert second.verify(first.issue_delegated(alice, ["Calendars.Read"])).user_id == alice.id
    assert first.verify(second.issue_app(["Calendars.Read"])).is_app
    assert first.tenant_id == second.tenant_id
    with store.unit_of_work(write=True) as uow:  # one key, one tenant, never replaced once stored
        assert len(uow.list_signing_keys()) == 1
        assert uow.put_setting_if_absent(TENANT_SETTING, "other") == first.tenant_id


def test_authenticate_header(store) -> None:
    alice = add_user(store, "alice@contoso.com")
    tokens = TokenService(store)
    token = tokens.issue_delegated(alice, [])
    assert authenticate({"Authorization": f"Bearer {token}"}, tokens).user_id == alice.id
    assert authenticate({"authorization": f"bearer  {token} "}, tokens).user_id == alice.id
    for headers in ({}, {"Authorization": ""}, {"Authorization": "Bearer"}, {"Authorization": "Bearer   "},
                    {"Authorization": f"Basic {token}"}):
        with pytest.raises(InvalidAuthenticationToken) as e:
            authenticate(headers, tokens)
        assert e.value.message == "Access token is empty."
    with pytest.raises(InvalidAuthenticationToken) as e:
        authenticate({"Authorization": "Bearer nonsense"}, tokens)
    assert e.value.message == "Access token validation failure."
    assert WWW_AUTHENTICATE == (
        'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", '
        'client_id="00000003-0000-0000-c000-000000000000"'
    )


# -- directory ------------------------------------------------------------------------------------

def test_add_user_provisions_calendar_group_calendar_and_folders(store) -> None:
    alice = add_user(store, "alice@contoso.com", "Alice")
    assert alice.kind == "user" and is_guid(alice.id) and alice.created == T0
    assert (alice.address, alice.display_name) == ("alice@contoso.com", "Alice")
    with store.unit_of_work() as uow:
        assert uow.get_mailbox(alice.id) == alice == uow.get_mailbox("ALICE@contoso.com")
        groups = uow.list_calendar_groups(alice.id)
        calendars = uow.list_calendars(alice.id)
        folders = uow.list_mail_folders(alice.id)
        assert uow.default_calendar_group(alice.id) == groups[0]
        assert uow.default_calendar(alice.id) == calendars[0]
    assert [(g.name, g.is_default) for g in groups] == [("My Calendars", True)]
    assert is_guid(groups[0].class_id) and is_item_id(groups[0].id) and groups[0].change_key
    assert [(c.name, c.is_default, c.calendar_group_id) for c in calendars] == [("Calendar", True, groups[0].id)]
    assert is_item_id(calendars[0].id) and calendars[0].change_key
    assert sorted((f.display_name, f.well_known_name) for f in folders) == [
        ("Deleted Items", "deleteditems"), ("Drafts", "drafts"), ("Inbox", "inbox"), ("Sent Items", "sentitems"),
    ]
    assert all(is_item_id(f.id) for f in folders)


def test_add_user_defaults_and_validation(store) -> None:
    with store.unit_of_work(write=True) as uow:
        bob = directory.add_user(uow, Ids(), utc_now, " bob@contoso.com ")
    assert (bob.address, bob.display_name) == ("bob@contoso.com", "bob")
    for bad in ("", "bob", "@contoso.com", "bob@", "bob@@contoso.com", "b ob@contoso.com", "bob@.com", "bob@x."):
        with pytest.raises(InvalidParameter), store.unit_of_work(write=True) as uow:
            directory.add_user(uow, Ids(), utc_now, bad)
    with pytest.raises(InvalidRequest) as e, store.unit_of_work(write=True) as uow:
        directory.add_user(uow, Ids(), utc_now, "BOB@contoso.com")
    assert "bob@contoso.com" in e.value.message and "already exists" in e.value.message
    with store.unit_of_work() as uow:
        assert [u.address for u in directory.list_users(uow)] == ["bob@contoso.com"]


def test_add_group_with_members(store) -> None:
    alice, bob = add_user(store, "alice@contoso.com"), add_user(store, "bob@contoso.com")
    team = add_group(store, "team@contoso.com", "Team", ["alice@contoso.com", "BOB@contoso.com", "alice@contoso.com"])
    assert team.kind == "group" and team.display_name == "Team" and is_guid(team.id)
    with store.unit_of_work() as uow:
        assert {m.id for m in uow.list_group_members(team.id)} == {alice.id, bob.id}
        assert uow.is_group_member(team.id, alice.id)
        calendars = uow.list_calendars(team.id)
        assert uow.list_calendar_groups(team.id) == []
        folders = {f.well_known_name for f in uow.list_mail_folders(team.id)}
        assert [u.address for u in directory.list_users(uow)] == ["alice@contoso.com", "bob@contoso.com"]
        assert [g.address for g in directory.list_groups(uow)] == ["team@contoso.com"]
    assert [(c.name, c.is_default, c.calendar_group_id) for c in calendars] == [("Calendar", True, None)]
    assert folders == {"inbox", "sentitems", "deleteditems", "drafts"}


def test_add_group_errors(store) -> None:
    add_user(store, "alice@contoso.com")
    add_group(store, "team@contoso.com", "Team")
    with pytest.raises(InvalidRequest) as e:
        add_group(store, "other@contoso.com", "Other", ["alice@contoso.com", "nobody@contoso.com"])
    assert "nobody@contoso.com" in e.value.message
    with pytest.raises(InvalidRequest):   # a group is not a user
        add_group(store, "other@contoso.com", "Other", ["team@contoso.com"])
    with pytest.raises(InvalidRequest):   # address taken, by a group or by a user
        add_group(store, "Team@contoso.com", "Again")
    with pytest.raises(InvalidRequest):
        add_group(store, "alice@contoso.com", "Alice's")
    with pytest.raises(InvalidRequest):
        add_user(store, "team@contoso.com")
    with store.unit_of_work() as uow:   # nothing half-created by the failures
        assert uow.get_mailbox("other@contoso.com") is None
        assert len(directory.list_groups(uow)) == 1


def test_list_users_pages_through_everything(store) -> None:
    ids = Ids()
    with store.unit_of_work(write=True) as uow:
        for i in range(1005):
            uow.add_mailbox(Mailbox(ids.guid(), "user", f"u{i}@x.com", f"U{i}", T0))
    with store.unit_of_work() as uow:
        users = directory.list_users(uow)
    assert len(users) == 1005 and len({u.id for u in users}) == 1005
