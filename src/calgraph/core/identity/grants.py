"""Rules for one-time grants: authorization codes with PKCE, device codes, refresh tokens."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
from dataclasses import dataclass, field

from calgraph.core.identity import errors

AUTH_CODE_SECONDS = 600
DEVICE_CODE_SECONDS = 900
DEVICE_POLL_INTERVAL = 5
REFRESH_TOKEN_SECONDS = 90 * 24 * 3600
ACCESS_TOKEN_SECONDS = 3599

USER_CODE_ALPHABET = "BCDFGHJKLMNPQRSTVWXZ23456789"   # no vowels, no look-alikes
USER_CODE_LENGTH = 9


@dataclass(frozen=True)
class Grant:
    """A stored grant. `id` is the SHA-256 of the opaque value handed out (never the value itself)."""

    id: str
    kind: str              # "code" | "device" | "refresh"
    client_id: str
    tenant_id: str
    scope: str             # the scope parameter as asked
    expires: float         # epoch seconds
    state: str = "pending"  # device: pending | approved | declined | used; code/refresh: active | used
    user_id: str | None = None
    user_code: str | None = None
    data: dict[str, str] = field(default_factory=dict)   # redirect_uri, code_challenge, nonce, ...

    def to_json(self) -> str:
        return json.dumps(self.data, sort_keys=True)


def digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def new_opaque() -> str:
    return secrets.token_urlsafe(32)


def new_user_code() -> str:
    return "".join(secrets.choice(USER_CODE_ALPHABET) for _ in range(USER_CODE_LENGTH))


def normalize_user_code(value: str) -> str:
    return "".join(ch for ch in value.upper() if ch.isalnum())


def pkce_matches(verifier: str, challenge: str, method: str) -> bool:
    if method.upper() == "S256":
        computed = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    elif method.lower() == "plain" or not method:
        computed = verifier
    else:
        return False
    return hmac.compare_digest(computed, challenge)


def check_code(grant: Grant | None, client_id: str, redirect_uri: str, verifier: str, now: float) -> Grant:
    """An authorization code may be redeemed once, by its client, with its redirect URI and verifier."""
    if grant is None or grant.kind != "code" or grant.client_id != client_id:
        raise errors.malformed_grant()
    if grant.state != "active":
        raise errors.code_redeemed()
    if now >= grant.expires:
        raise errors.grant_expired()
    if grant.data.get("redirect_uri", "") != redirect_uri:
        raise errors.redirect_mismatch()
    challenge = grant.data.get("code_challenge", "")
    if challenge and not pkce_matches(verifier, challenge, grant.data.get("code_challenge_method", "plain")):
        raise errors.pkce_mismatch()
    return grant


def check_device(grant: Grant | None, client_id: str, now: float) -> Grant:
    if grant is None or grant.kind != "device" or grant.client_id != client_id:
        raise errors.bad_device_code()
    if grant.state == "used":
        raise errors.code_redeemed()
    if now >= grant.expires:
        raise errors.device_code_expired()
    if grant.state == "declined":
        raise errors.device_code_declined()
    if grant.state != "approved" or grant.user_id is None:
        raise errors.authorization_pending()
    return grant


def check_refresh(grant: Grant | None, client_id: str, now: float) -> Grant:
    if grant is None or grant.kind != "refresh" or grant.client_id != client_id or grant.state != "active":
        raise errors.malformed_grant()
    if now >= grant.expires:
        raise errors.grant_expired()
    return grant
