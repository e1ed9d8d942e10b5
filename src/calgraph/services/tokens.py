"""Access tokens: RS256 JWTs shaped like the v1.0 tokens Entra ID issues for Microsoft Graph.

The signing keys (services/signing_keys.py) and the tenant id live in the database, created on first
use, so every server process (and the CLI) on the same database issues and accepts the same tokens.
Only calgraph's own tokens are accepted: its keys, its issuer, Graph's audience, its tenant.
"""

from __future__ import annotations

import uuid
from typing import Any

import jwt

from calgraph.core.errors import InvalidAuthenticationToken
from calgraph.core.ids import Clock, utc_now
from calgraph.core.model import Mailbox
from calgraph.core.permissions import Principal
from calgraph.services.signing_keys import KeyRing
from calgraph.store.interface import Store

AUDIENCE = "https://graph.microsoft.com"
ACCEPTED_AUDIENCES = (AUDIENCE, AUDIENCE + "/", "00000003-0000-0000-c000-000000000000")
DEFAULT_APP_ID = "c41c9a1e-0a1d-4b7e-9c3f-ca1c0a1a9a70"   # the calgraph CLI, as a client application
DEFAULT_EXPIRES_IN = 24 * 3600

DEFAULT_SCOPES = (
    "User.Read", "Calendars.ReadWrite", "Calendars.ReadWrite.Shared", "Mail.ReadWrite", "Group.Read.All",
    "MailboxSettings.ReadWrite", "Place.Read.All",
)
DEFAULT_APP_ROLES = ("Calendars.ReadWrite", "Mail.ReadWrite", "User.Read.All", "Group.Read.All",
                     "MailboxSettings.Read", "Place.Read.All")

TENANT_SETTING = "tenant_id"

EMPTY = "Access token is empty."
EXPIRED = "Access token has expired or is not yet valid."
INVALID = "Access token validation failure."


def split_scopes(values: list[str] | tuple[str, ...]) -> list[str]:
    """["a b", "c"] -> ["a", "b", "c"], keeping order, dropping duplicates (case-insensitively)."""
    out: dict[str, str] = {}
    for value in values:
        for name in value.split():
            out.setdefault(name.lower(), name)
    return list(out.values())


def sts_issuer(tenant_id: str) -> str:
    """The v1.0 issuer Graph's tokens carry, whichever endpoint issued them."""
    return f"https://sts.windows.net/{tenant_id}/"


MAX_VERIFIED = 10_000   # tokens remembered as verified, per process


class TokenService:
    def __init__(self, store: Store, clock: Clock = utc_now, keys: KeyRing | None = None) -> None:
        self._store = store
        self._clock = clock
        self.keys = keys or KeyRing(store, clock)
        self._tenant: str | None = None
        self._known_users: set[str] = set()              # user ids verified to exist
        self._verified: dict[str, tuple[Principal, float, float]] = {}  # token -> (caller, nbf, exp)

    # -- issuing ------------------------------------------------------------------------------

    def issue_delegated(self, user: Mailbox, scopes: list[str] | tuple[str, ...],
                        expires_in: int = DEFAULT_EXPIRES_IN, app_id: str = DEFAULT_APP_ID,
                        extra: dict[str, Any] | None = None) -> str:
        """A delegated (user) token carrying `scp`. Empty `scopes` means DEFAULT_SCOPES."""
        if user.kind != "user":
            raise ValueError(f"{user.address} is a group; delegated tokens are for users")
        return self._sign({
            "oid": user.id,
            "sub": user.id,
            "upn": user.address,
            "unique_name": user.address,
            "preferred_username": user.address,
            "name": user.display_name,
            "scp": " ".join(split_scopes(list(scopes) or list(DEFAULT_SCOPES))),
            "idtyp": "user",
            "amr": ["pwd"], "acct": 0, "acr": "1", "appidacr": "0",
            **(extra or {}),
        }, expires_in, app_id)

    def issue_app(self, roles: list[str] | tuple[str, ...], expires_in: int = DEFAULT_EXPIRES_IN,
                  app_id: str = DEFAULT_APP_ID, extra: dict[str, Any] | None = None) -> str:
        """An application (app-only) token carrying `roles`. Empty `roles` means DEFAULT_APP_ROLES."""
        return self._sign({
            "sub": app_id,
            "roles": split_scopes(list(roles) or list(DEFAULT_APP_ROLES)),
            "idtyp": "app",
            "appidacr": "1",
            **(extra or {}),
        }, expires_in, app_id)

    def _sign(self, claims: dict[str, Any], expires_in: int, app_id: str) -> str:
        tenant = self.tenant_id
        now = int(self._clock().timestamp())
        payload = {
            "aud": AUDIENCE, "iss": sts_issuer(tenant), "idp": sts_issuer(tenant),
            "iat": now, "nbf": now, "exp": now + expires_in,
            "tid": tenant, "appid": app_id, "app_displayname": "calgraph",
            "ver": "1.0", "uti": uuid.uuid4().hex, **claims,
        }
        return self.sign(payload)

    def sign(self, payload: dict[str, Any]) -> str:
        """Any JWT (access or id token) with the current signing key: RS256, `kid` and `x5t` in the header."""
        kid, key = self.keys.current()
        return jwt.encode(payload, key, algorithm="RS256", headers={"kid": kid, "x5t": kid, "typ": "JWT"})

    # -- verifying ------------------------------------------------------------------------------

    def verify(self, token: str) -> Principal:
        """The caller a token stands for, or InvalidAuthenticationToken (401) with Graph's message."""
        token = (token or "").strip()
        if not token:
            raise InvalidAuthenticationToken(EMPTY)
        known = self._verified.get(token)
        if known is not None:  # signature, tenant and user already checked: only the clock can change
            principal, not_before, expires = known
            if not_before <= self._clock().timestamp() < expires:
                return principal
            raise InvalidAuthenticationToken(EXPIRED)
        tenant = self.tenant_id
        try:
            header = jwt.get_unverified_header(token)
            kid = header.get("kid")
            public = self.keys.public_key(kid) if isinstance(kid, str) and header.get("alg") == "RS256" else None
            if public is None:
                raise InvalidAuthenticationToken(INVALID)
            claims = jwt.decode(
                token, public, algorithms=["RS256"], audience=list(ACCEPTED_AUDIENCES), issuer=sts_issuer(tenant),
                options={"verify_exp": False, "verify_nbf": False, "verify_iat": False,
                         "require": ["exp", "nbf", "aud", "iss"]},
            )
        except jwt.PyJWTError:
            raise InvalidAuthenticationToken(INVALID) from None
        now = self._clock().timestamp()
        try:
            valid_now = float(claims["nbf"]) <= now < float(claims["exp"])
        except (TypeError, ValueError):
            raise InvalidAuthenticationToken(INVALID) from None
        if not valid_now:
            raise InvalidAuthenticationToken(EXPIRED)
        if claims.get("tid") != tenant:
            raise InvalidAuthenticationToken(INVALID)
        principal = self._principal(claims)
        if len(self._verified) >= MAX_VERIFIED:
            self._verified.clear()
        self._verified[token] = (principal, float(claims["nbf"]), float(claims["exp"]))
        return principal

    def _principal(self, claims: dict[str, Any]) -> Principal:
        app_id = str(claims.get("appid") or claims.get("azp") or "")
        if claims.get("idtyp") == "app":
            roles = claims.get("roles") or []
            if not isinstance(roles, list):
                raise InvalidAuthenticationToken(INVALID)
            return Principal(None, frozenset(str(r) for r in roles), app_id=app_id)
        user_id, scp = claims.get("oid"), claims.get("scp")
        if not isinstance(user_id, str) or not isinstance(scp, str):
            raise InvalidAuthenticationToken(INVALID)
        if user_id not in self._known_users:  # users are never deleted: checking once per process is enough
            with self._store.unit_of_work() as uow:
                user = uow.get_mailbox(user_id)
            if user is None or user.kind != "user" or user.id != user_id:
                raise InvalidAuthenticationToken(INVALID)
            if len(self._known_users) > 100_000:
                self._known_users.clear()
            self._known_users.add(user_id)
        return Principal(user_id, frozenset(scp.split()), app_id=app_id)

    def forget_users(self) -> None:
        """After a tenant reset or restore: users checked before may be gone."""
        self._known_users.clear()
        self._verified.clear()

    # -- tenant ---------------------------------------------------------------------------------

    @property
    def tenant_id(self) -> str:
        if self._tenant is None:
            with self._store.unit_of_work() as uow:
                tenant = uow.get_setting(TENANT_SETTING)
            if tenant is None:
                with self._store.unit_of_work(write=True) as uow:
                    tenant = uow.put_setting_if_absent(TENANT_SETTING, str(uuid.uuid4()))
            self._tenant = tenant
        return self._tenant

    @property
    def issuer(self) -> str:
        return sts_issuer(self.tenant_id)
