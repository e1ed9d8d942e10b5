"""What the identity side stores: app registrations and signing keys."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class AppRegistration:
    client_id: str
    name: str
    kind: str                          # "confidential" (secret or certificate) | "public"
    created: datetime
    secret_hash: str | None = None     # salted hash, never the secret
    cert_pem: str | None = None        # the public certificate of a certificate credential
    cert_sha1: str | None = None       # base64url thumbprints without padding, for `x5t` / `x5t#S256`
    cert_sha256: str | None = None
    roles: tuple[str, ...] = ()        # application permissions
    scopes: tuple[str, ...] = ()       # delegated permissions the app may be granted
    redirect_uris: tuple[str, ...] = ()
    service_principal_id: str = ""     # the app's object id in the tenant (`oid` of app tokens)

    @property
    def is_public(self) -> bool:
        return self.kind == "public"

    @property
    def credential(self) -> str:
        if self.is_public:
            return "none (public)"
        return "certificate" if self.cert_pem else "secret"


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_pem: str
    created: datetime
