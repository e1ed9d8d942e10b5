"""Which scope (delegated `scp`) or role (application `roles`) allows what on whose mailbox.

Pure rules, no I/O: the service layer passes what it knows (the owner, how the owner shared the
calendar with the caller, whether the caller is a member of a group) and gets AccessDenied or nothing.
Scope names compare case-insensitively; a stronger scope implies the weaker ones
(Calendars.ReadWrite.Shared > Calendars.ReadWrite > Calendars.Read > Calendars.ReadBasic, ...).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from calgraph.core.errors import AccessDenied
from calgraph.core.model import Mailbox

CalendarNeed = Literal["readBasic", "read", "write"]
MailNeed = Literal["read", "write"]

# scope -> the scopes it directly implies (the closure is taken in `_expand`)
_IMPLIES: dict[str, tuple[str, ...]] = {
    "calendars.readwrite.shared": ("calendars.readwrite", "calendars.read.shared"),
    "calendars.read.shared": ("calendars.read",),
    "calendars.readwrite": ("calendars.read",),
    "calendars.read": ("calendars.readbasic", "calendars.readbasic.all"),
    "group.readwrite.all": ("group.read.all",),
    "mail.readwrite": ("mail.read",),
}

_SHARED_READ_ROLES = frozenset({
    "read", "write", "delegatewithoutprivateeventaccess", "delegatewithprivateeventaccess",
})
_SHARED_WRITE_ROLES = frozenset({
    "write", "delegatewithoutprivateeventaccess", "delegatewithprivateeventaccess",
})


def _expand(names: frozenset[str]) -> frozenset[str]:
    out: set[str] = set()
    todo = list(names)
    while todo:
        name = todo.pop()
        if name not in out:
            out.add(name)
            todo.extend(_IMPLIES.get(name, ()))
    return frozenset(out)


@dataclass(frozen=True)
class Principal:
    """The caller: a signed-in user (delegated token) or an application (app-only token)."""

    user_id: str | None          # None for application tokens
    scopes: frozenset[str]       # scp entries or roles, lower-cased
    app_id: str = ""
    _granted: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        scopes = frozenset(s.lower() for s in self.scopes)
        object.__setattr__(self, "scopes", scopes)
        object.__setattr__(self, "_granted", _expand(scopes))

    @property
    def is_app(self) -> bool:
        return self.user_id is None

    def has(self, *names: str) -> bool:
        """True when any of `names` is granted, directly or implied by a stronger scope."""
        return any(n.lower() in self._granted for n in names)


# -- calendars ------------------------------------------------------------------------------------

def _app_calendar(p: Principal, owner: Mailbox, need: CalendarNeed) -> bool:
    group_ok = owner.kind == "group" and (
        p.has("group.readwrite.all") if need == "write" else p.has("group.read.all")
    )
    if need == "write":
        return p.has("calendars.readwrite") or group_ok
    if need == "read":
        return p.has("calendars.read") or group_ok
    return p.has("calendars.readbasic.all") or group_ok


def _own_calendar(p: Principal, need: CalendarNeed) -> bool:
    if need == "write":
        return p.has("calendars.readwrite")
    if need == "read":
        return p.has("calendars.read")
    return p.has("calendars.readbasic")


def _shared_calendar(p: Principal, need: CalendarNeed, shared_role: str | None) -> bool:
    role = (shared_role or "none").lower()
    if need == "write":
        return p.has("calendars.readwrite.shared") and role in _SHARED_WRITE_ROLES
    return p.has("calendars.read.shared") and role in _SHARED_READ_ROLES


def _group_calendar(p: Principal, need: CalendarNeed, is_member: bool) -> bool:
    if not is_member:
        return False
    if need == "write":
        return p.has("calendars.readwrite", "group.readwrite.all")
    if need == "read":
        return p.has("calendars.read", "group.read.all")
    return p.has("calendars.readbasic", "group.read.all")


def require_calendar(
    principal: Principal,
    owner: Mailbox,
    need: CalendarNeed,
    *,
    shared_role: str | None = None,
    is_member: bool = False,
) -> None:
    """Raise AccessDenied unless `principal` may `need` the calendars of `owner`.

    `shared_role`: the role of the caller's permission on the target calendar (another user's);
    `is_member`: whether the caller is a member of `owner` (a group).
    """
    if principal.is_app:
        ok = _app_calendar(principal, owner, need)
    elif owner.kind == "group":
        ok = _group_calendar(principal, need, is_member)
    elif owner.id == principal.user_id:
        ok = _own_calendar(principal, need)
    else:
        ok = _shared_calendar(principal, need, shared_role)
    if not ok:
        raise AccessDenied()


def may_read_body(principal: Principal, owner: Mailbox) -> bool:
    """False when the caller's access to `owner`'s events comes from a ReadBasic grant only
    (events are then rendered without body, attachments and extensions)."""
    if owner.kind == "group":
        return principal.has("calendars.read", "group.read.all")
    if principal.is_app or owner.id == principal.user_id:
        return principal.has("calendars.read")
    return principal.has("calendars.read.shared")


# -- mail -----------------------------------------------------------------------------------------

def require_mail(principal: Principal, owner: Mailbox, need: MailNeed) -> None:
    """Own mailbox with Mail.Read / Mail.ReadWrite; app roles on any mailbox; nothing else."""
    if not principal.is_app and owner.id != principal.user_id:
        raise AccessDenied()
    if not principal.has("mail.readwrite" if need == "write" else "mail.read"):
        raise AccessDenied()
