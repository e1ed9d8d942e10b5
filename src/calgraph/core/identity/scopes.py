"""Scopes of a token request -> what the token carries (`scp` for users, `roles` for apps).

Graph is the one resource: `Calendars.ReadWrite`, `https://graph.microsoft.com/Calendars.ReadWrite` and
`00000003-0000-0000-c000-000000000000/Calendars.ReadWrite` all name the same permission; `/.default`
means "everything granted to the app". `openid profile email offline_access` are OpenID scopes.
"""

from __future__ import annotations

from dataclasses import dataclass

from calgraph.core.identity import errors

GRAPH_RESOURCE = "https://graph.microsoft.com"
GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
_RESOURCE_PREFIXES = (GRAPH_RESOURCE + "/", GRAPH_APP_ID + "/", "https://graph.microsoft.com//")
OIDC_SCOPES = frozenset({"openid", "profile", "email", "offline_access"})

# The delegated permissions calgraph knows (and grants by default), and its application permissions.
DELEGATED_PERMISSIONS = (
    "User.Read", "User.ReadBasic.All", "User.Read.All", "Calendars.Read", "Calendars.ReadBasic",
    "Calendars.ReadWrite", "Calendars.Read.Shared", "Calendars.ReadWrite.Shared", "Mail.Read", "Mail.ReadWrite",
    "Group.Read.All", "Group.ReadWrite.All",
)
APPLICATION_PERMISSIONS = (
    "Calendars.Read", "Calendars.ReadBasic.All", "Calendars.ReadWrite", "Mail.Read", "Mail.ReadWrite",
    "User.Read.All", "Group.Read.All", "Group.ReadWrite.All",
)


def canonical_permission(name: str, known: tuple[str, ...]) -> str | None:
    """The permission's own spelling, looked up case-insensitively; None when unknown."""
    lowered = name.lower()
    return next((p for p in known if p.lower() == lowered), None)


@dataclass(frozen=True)
class ScopeRequest:
    """A parsed `scope` parameter."""

    permissions: tuple[str, ...]   # Graph permission names as asked (bare), in order
    default: bool                  # `/.default` was asked
    oidc: frozenset[str]           # openid, profile, email, offline_access
    raw: tuple[str, ...]           # every entry as sent, for the `scope` echo

    @property
    def refresh(self) -> bool:
        return "offline_access" in self.oidc

    @property
    def id_token(self) -> bool:
        return "openid" in self.oidc


def parse(scope: str, tenant: str = "") -> ScopeRequest:
    """Split `scope`; invalid_resource for another resource, invalid_scope for an unknown permission."""
    permissions: list[str] = []
    oidc: set[str] = set()
    default = False
    raw = tuple(dict.fromkeys(scope.split()))
    for entry in raw:
        lowered = entry.lower()
        if lowered in OIDC_SCOPES:
            oidc.add(lowered)
            continue
        name = entry
        for prefix in _RESOURCE_PREFIXES:
            if lowered.startswith(prefix):
                name = entry[len(prefix):]
                break
        else:
            if "/" in entry or ":" in entry:
                resource = entry.rsplit("/", 1)[0] if "/" in entry else entry
                raise errors.unknown_resource(resource, tenant)
        if name.lower() == ".default":
            default = True
            continue
        if not name or canonical_permission(name, DELEGATED_PERMISSIONS + APPLICATION_PERMISSIONS) is None:
            raise errors.invalid_scope(entry)
        permissions.append(name)
    return ScopeRequest(tuple(permissions), default, frozenset(oidc), raw)


def app_roles(request: ScopeRequest, scope: str, granted_roles: tuple[str, ...]) -> tuple[str, ...]:
    """Client credentials: only `{resource}/.default`, and the token carries the app's roles."""
    if not request.default or request.permissions:
        raise errors.app_scope_needs_default(scope)
    return granted_roles


def delegated_scopes(request: ScopeRequest, app_scopes: tuple[str, ...]) -> tuple[str, ...]:
    """User flows: the asked permissions (or all the app may get for `/.default`), consent always given.
    A permission the app was not registered for is invalid_scope."""
    allowed = {s.lower(): s for s in app_scopes}
    if request.default:
        return tuple(dict.fromkeys((*app_scopes, *(p for p in request.permissions if p.lower() in allowed))))
    out: list[str] = []
    for name in request.permissions:
        if name.lower() not in allowed:
            raise errors.invalid_scope(name)
        out.append(allowed[name.lower()])
    if out:
        return tuple(dict.fromkeys(out))
    if request.oidc:   # sign-in only: Entra's token then reads the user's profile, nothing more
        return (allowed["user.read"],) if "user.read" in allowed else ()
    return tuple(app_scopes)


def echo(request: ScopeRequest, granted: tuple[str, ...]) -> str:
    """The `scope` of a user token response, in the form the client asked (bare stays bare): MSAL's
    cache matches on it."""
    if request.default or not request.permissions:
        names = list(granted)
    else:
        names = [e for e in request.raw if e.lower() not in OIDC_SCOPES]
    names += [s for s in ("openid", "profile", "email") if s in request.oidc]
    if request.oidc & {"openid", "profile"} and "email" not in names:
        names.append("email")
    return " ".join(names)
