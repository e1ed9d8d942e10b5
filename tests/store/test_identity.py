"""Identity rows: app registrations, passwords, signing keys, one-time grants (compare-and-set)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from calgraph.core.identity.grants import Grant
from calgraph.core.identity.model import AppRegistration, SigningKey
from calgraph.core.model import Mailbox
from calgraph.store import SqlStore

T0 = datetime(2026, 1, 1, tzinfo=timezone.utc)


def test_apps(store: SqlStore) -> None:
    first = AppRegistration("c1", "First", "confidential", T0, secret_hash="scrypt$h", roles=("Calendars.Read",),
                            scopes=("User.Read",), redirect_uris=("http://localhost",), service_principal_id="sp1")
    second = AppRegistration("c2", "Second", "confidential", T0, cert_pem="PEM", cert_sha1="a", cert_sha256="b")
    with store.unit_of_work(write=True) as uow:
        uow.add_app(first)
        uow.add_app(second)
        uow.add_grant(Grant("g1", "refresh", "c1", "t", "openid", 10.0, "active", None))
    with store.unit_of_work() as uow:
        assert uow.get_app("c1") == first and uow.get_app("c2") == second and uow.get_app("c3") is None
        assert uow.list_apps() == [first, second]
    with store.unit_of_work(write=True) as uow:
        assert uow.delete_app("c1") and not uow.delete_app("c1")
    with store.unit_of_work() as uow:
        assert uow.list_apps() == [second] and uow.get_grant("g1") is None   # its grants went with it


def test_passwords_and_domains(store: SqlStore, make_mailbox: Callable[..., Mailbox]) -> None:
    user = make_mailbox(1)
    with store.unit_of_work(write=True) as uow:
        uow.add_mailbox(user)
        assert uow.get_password_hash(user.id) is None
        uow.set_password_hash(user.id, "h1")
        uow.set_password_hash(user.id, "h2")
    with store.unit_of_work() as uow:
        assert uow.get_password_hash(user.id) == "h2"
        domain = user.address.split("@")[1]
        assert uow.mailbox_domain_exists(domain.upper()) and not uow.mailbox_domain_exists("elsewhere.com")
        assert not uow.mailbox_domain_exists("%") and not uow.mailbox_domain_exists("_xample.com")


def test_signing_keys_in_order(store: SqlStore) -> None:
    keys = [SigningKey(f"k{n}", f"pem{n}", T0 + timedelta(days=n)) for n in range(3)]
    with store.unit_of_work(write=True) as uow:
        for key in keys:
            uow.add_signing_key(key)
    with store.unit_of_work() as uow:
        assert uow.list_signing_keys() == keys


def test_grants_compare_and_set(store: SqlStore, make_mailbox: Callable[..., Mailbox]) -> None:
    user = make_mailbox(1)
    device = Grant("d1", "device", "c1", "t", "Calendars.Read", 1000.0, "pending", user_code="ABCD",
                   data={"x": "y"})
    with store.unit_of_work(write=True) as uow:
        uow.add_mailbox(user)
        uow.add_grant(device)
        uow.add_grant(Grant("old", "code", "c1", "t", "", 5.0, "active"))
    with store.unit_of_work(write=True) as uow:
        assert uow.find_grant_by_user_code("ABCD") == device
        assert uow.change_grant_state("d1", "pending", "approved", user.id)
        assert not uow.change_grant_state("d1", "pending", "declined", user.id)   # already answered
        assert uow.delete_expired_grants(10.0) == 1
    with store.unit_of_work() as uow:
        got = uow.get_grant("d1")
        assert got is not None and got.state == "approved" and got.user_id == user.id and got.data == {"x": "y"}
        assert uow.get_grant("old") is None
