"""Table-driven checks of calgraph.core.permissions (spec §8, decision 28)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from calgraph.core.errors import AccessDenied
from calgraph.core.model import Mailbox
from calgraph.core.permissions import Principal, may_read_body, require_calendar, require_mail

T0 = datetime(2024, 1, 1, tzinfo=timezone.utc)
ME = Mailbox("u-me", "user", "me@contoso.com", "Me", T0)
OTHER = Mailbox("u-other", "user", "other@contoso.com", "Other", T0)
GROUP = Mailbox("g-1", "group", "team@contoso.com", "Team", T0)

NEEDS = ("readBasic", "read", "write")
ALL_ROLES = (None, "none", "freeBusyRead", "limitedRead", "read", "write",
             "delegateWithoutPrivateEventAccess", "delegateWithPrivateEventAccess", "custom")


def user(*scopes: str) -> Principal:
    return Principal("u-me", frozenset(scopes))


def app(*roles: str) -> Principal:
    return Principal(None, frozenset(roles), app_id="app-1")


def allowed(principal: Principal, owner: Mailbox, need: str, **kw: object) -> bool:
    try:
        require_calendar(principal, owner, need, **kw)  # type: ignore[arg-type]
    except AccessDenied:
        return False
    return True


def mail_allowed(principal: Principal, owner: Mailbox, need: str) -> bool:
    try:
        require_mail(principal, owner, need)  # type: ignore[arg-type]
    except AccessDenied:
        return False
    return True


def test_principal_basics() -> None:
    p = Principal("u", frozenset({"Calendars.ReadWrite", "User.Read"}))
    assert not p.is_app and p.scopes == {"calendars.readwrite", "user.read"}
    assert p.has("CALENDARS.READ") and p.has("nope", "calendars.readbasic") and not p.has("Mail.Read")
    assert app("Calendars.Read").is_app
    assert Principal("u", frozenset({"a"})) == Principal("u", frozenset({"A"}))


def test_access_denied_is_graphs_403() -> None:
    with pytest.raises(AccessDenied) as e:
        require_calendar(user(), ME, "read")
    assert (e.value.status, e.value.code) == (403, "ErrorAccessDenied")
    assert e.value.message == "Access is denied. Check credentials and try again."


# (scopes, {need: allowed}) on the signed-in user's own mailbox
OWN = [
    ((), (False, False, False)),
    (("User.Read", "Mail.ReadWrite"), (False, False, False)),
    (("Calendars.ReadBasic",), (True, False, False)),
    (("Calendars.Read",), (True, True, False)),
    (("Calendars.Read.Shared",), (True, True, False)),
    (("Calendars.ReadWrite",), (True, True, True)),
    (("Calendars.ReadWrite.Shared",), (True, True, True)),
    (("calendars.readwrite",), (True, True, True)),
    (("Calendars.ReadBasic.All",), (False, False, False)),   # an application role, not a scope
    (("Group.ReadWrite.All",), (False, False, False)),
]


@pytest.mark.parametrize("scopes,expected", OWN)
def test_delegated_own_calendar(scopes: tuple[str, ...], expected: tuple[bool, ...]) -> None:
    assert tuple(allowed(user(*scopes), ME, n) for n in NEEDS) == expected


APP = [
    ((), (False, False, False)),
    (("Mail.ReadWrite", "User.Read.All"), (False, False, False)),
    (("Calendars.ReadBasic.All",), (True, False, False)),
    (("Calendars.Read",), (True, True, False)),
    (("Calendars.ReadWrite",), (True, True, True)),
]


@pytest.mark.parametrize("owner", [ME, OTHER, GROUP], ids=["me", "other", "group"])
@pytest.mark.parametrize("roles,expected", APP)
def test_application_any_mailbox(owner: Mailbox, roles: tuple[str, ...], expected: tuple[bool, ...]) -> None:
    assert tuple(allowed(app(*roles), owner, n) for n in NEEDS) == expected


@pytest.mark.parametrize("roles,expected", [
    (("Group.Read.All",), (True, True, False)),
    (("Group.ReadWrite.All",), (True, True, True)),
])
def test_application_group_roles_on_groups_only(roles: tuple[str, ...], expected: tuple[bool, ...]) -> None:
    assert tuple(allowed(app(*roles), GROUP, n) for n in NEEDS) == expected
    assert not any(allowed(app(*roles), OTHER, n) for n in NEEDS)


READERS = {"read", "write", "delegateWithoutPrivateEventAccess", "delegateWithPrivateEventAccess"}
WRITERS = {"write", "delegateWithoutPrivateEventAccess", "delegateWithPrivateEventAccess"}


@pytest.mark.parametrize("role", ALL_ROLES)
@pytest.mark.parametrize("scopes", [
    (), ("Calendars.ReadWrite",), ("Calendars.Read",), ("Calendars.Read.Shared",),
    ("Calendars.ReadWrite.Shared",), ("Calendars.ReadWrite", "Calendars.Read.Shared"),
])
def test_delegated_other_users_calendar(scopes: tuple[str, ...], role: str | None) -> None:
    p = user(*scopes)
    can_read = p.has("calendars.read.shared") and role in READERS
    can_write = p.has("calendars.readwrite.shared") and role in WRITERS
    assert allowed(p, OTHER, "readBasic", shared_role=role) == can_read
    assert allowed(p, OTHER, "read", shared_role=role) == can_read
    assert allowed(p, OTHER, "write", shared_role=role) == can_write


def test_shared_role_matches_case_insensitively() -> None:
    assert allowed(user("Calendars.ReadWrite.Shared"), OTHER, "write", shared_role="DelegateWithPrivateEventAccess")


def test_membership_flag_does_not_open_other_users() -> None:
    assert not allowed(user("Calendars.ReadWrite.Shared"), OTHER, "read", is_member=True)


GROUPS = [
    ((), (False, False, False)),
    (("Calendars.ReadBasic",), (True, False, False)),
    (("Calendars.Read",), (True, True, False)),
    (("Calendars.ReadWrite",), (True, True, True)),
    (("Calendars.ReadWrite.Shared",), (True, True, True)),
    (("Group.Read.All",), (True, True, False)),
    (("Group.ReadWrite.All",), (True, True, True)),
    (("Mail.ReadWrite", "User.Read"), (False, False, False)),
]


@pytest.mark.parametrize("scopes,expected", GROUPS)
def test_delegated_group_calendar(scopes: tuple[str, ...], expected: tuple[bool, ...]) -> None:
    p = user(*scopes)
    assert tuple(allowed(p, GROUP, n, is_member=True) for n in NEEDS) == expected
    # a non-member is denied whatever the scopes (decision 28)
    assert not any(allowed(p, GROUP, n, is_member=False) for n in NEEDS)
    assert not any(allowed(p, GROUP, n, shared_role="write") for n in NEEDS)


def test_group_ids_never_count_as_own_mailbox() -> None:
    p = Principal(GROUP.id, frozenset({"Calendars.ReadWrite"}))
    assert not allowed(p, GROUP, "read")


@pytest.mark.parametrize("principal,owner,expected", [
    (user("Calendars.ReadBasic"), ME, False),
    (user("Calendars.Read"), ME, True),
    (user("Calendars.ReadWrite"), ME, True),
    (user("Calendars.ReadWrite.Shared"), OTHER, True),
    (user("Calendars.Read.Shared"), OTHER, True),
    (user("Calendars.ReadWrite"), OTHER, False),
    (user("Calendars.ReadBasic"), GROUP, False),
    (user("Calendars.Read"), GROUP, True),
    (user("Group.Read.All"), GROUP, True),
    (app("Calendars.ReadBasic.All"), OTHER, False),
    (app("Calendars.Read"), OTHER, True),
    (app("Calendars.ReadWrite"), GROUP, True),
    (app("Calendars.ReadBasic.All"), GROUP, False),
])
def test_may_read_body(principal: Principal, owner: Mailbox, expected: bool) -> None:
    assert may_read_body(principal, owner) is expected


MAIL = [
    # principal, owner, (read, write)
    (user(), ME, (False, False)),
    (user("Calendars.ReadWrite"), ME, (False, False)),
    (user("Mail.Read"), ME, (True, False)),
    (user("Mail.ReadWrite"), ME, (True, True)),
    (user("mail.readwrite"), ME, (True, True)),
    (user("Mail.ReadWrite"), OTHER, (False, False)),
    (user("Mail.ReadWrite", "Calendars.ReadWrite.Shared"), OTHER, (False, False)),
    (user("Mail.ReadWrite", "Group.ReadWrite.All"), GROUP, (False, False)),
    (app(), OTHER, (False, False)),
    (app("Calendars.ReadWrite"), OTHER, (False, False)),
    (app("Mail.Read"), OTHER, (True, False)),
    (app("Mail.ReadWrite"), OTHER, (True, True)),
    (app("Mail.ReadWrite"), GROUP, (True, True)),
]


@pytest.mark.parametrize("principal,owner,expected", MAIL)
def test_mail(principal: Principal, owner: Mailbox, expected: tuple[bool, bool]) -> None:
    assert (mail_allowed(principal, owner, "read"), mail_allowed(principal, owner, "write")) == expected
