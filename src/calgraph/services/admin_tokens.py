"""Admin tokens for the control plane (/_calgraph/...) and the inspector's one-time login links.

Signed with a key of their own (never the Graph signing key) and an audience of their own, so a Graph
token is never accepted on a control route and an admin token never on a Graph route."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
import uuid

import jwt

from calgraph.store.interface import Store

KEY_SETTING = "admin_token_key"
AUDIENCE = "urn:calgraph:control"
LOGIN_AUDIENCE = "urn:calgraph:inspector-login"
ISSUER = "https://calgraph.local/control"
ADMIN_EXPIRES_IN = 365 * 24 * 3600
LOGIN_EXPIRES_IN = 24 * 3600


class AdminTokens:
    """Token validation keeps real time: moving the tenant's clock never locks anyone out."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._key: str | None = None
        self._used_logins: set[str] = set()
        self._lock = threading.Lock()

    def issue(self, expires_in: int = ADMIN_EXPIRES_IN) -> str:
        return self._sign(AUDIENCE, expires_in)

    def issue_login(self) -> str:
        """A one-time code for /_calgraph/ui?login=…"""
        return self._sign(LOGIN_AUDIENCE, LOGIN_EXPIRES_IN)

    def verify(self, token: str) -> bool:
        return self._claims(token, AUDIENCE) is not None

    def redeem_login(self, code: str) -> bool:
        """True once per code (per process), while it has not expired."""
        claims = self._claims(code, LOGIN_AUDIENCE)
        if claims is None:
            return False
        with self._lock:
            if claims["jti"] in self._used_logins:
                return False
            self._used_logins.add(claims["jti"])
        return True

    def csrf_token(self, session: str) -> str:
        return hmac.new(self._load().encode(), b"csrf:" + session.encode(), hashlib.sha256).hexdigest()

    def csrf_matches(self, session: str, given: str) -> bool:
        return hmac.compare_digest(self.csrf_token(session), given or "")

    def _sign(self, audience: str, expires_in: int) -> str:
        now = int(time.time())
        claims = {"aud": audience, "iss": ISSUER, "sub": "calgraph-admin", "iat": now, "nbf": now,
                  "exp": now + expires_in, "jti": uuid.uuid4().hex}
        return jwt.encode(claims, self._load(), algorithm="HS256")

    def _claims(self, token: str, audience: str) -> dict | None:
        if not token:
            return None
        try:
            return jwt.decode(token.strip(), self._load(), algorithms=["HS256"], audience=audience, issuer=ISSUER,
                              options={"require": ["exp", "nbf", "aud", "iss", "jti"]})
        except jwt.PyJWTError:
            return None

    def _load(self) -> str:
        if self._key is None:
            with self._store.unit_of_work() as uow:
                key = uow.get_setting(KEY_SETTING)
            if key is None:
                with self._store.unit_of_work(write=True) as uow:
                    key = uow.put_setting_if_absent(KEY_SETTING, secrets.token_urlsafe(48))
            self._key = key
        return self._key
