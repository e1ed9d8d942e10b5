"""App registrations: register, list, remove, and authenticate a client at the token endpoint
(client secret, certificate assertion, or none for public clients)."""

from __future__ import annotations

import base64
import hashlib
import secrets
import uuid
from dataclasses import dataclass, replace

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from calgraph.core.errors import InvalidParameter
from calgraph.core.identity import errors, redirects
from calgraph.core.identity.hashing import hash_secret, verify_secret
from calgraph.core.identity.model import AppRegistration
from calgraph.core.identity.scopes import APPLICATION_PERMISSIONS, DELEGATED_PERMISSIONS, canonical_permission
from calgraph.core.ids import Clock, utc_now
from calgraph.services.tokens import DEFAULT_APP_ROLES
from calgraph.store.interface import UnitOfWork

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ASSERTION_LEEWAY = 300   # seconds of clock skew tolerated on assertion times
TOKEN_PATH_SUFFIX = "/oauth2/v2.0/token"


@dataclass(frozen=True)
class NewApp:
    app: AppRegistration
    secret: str | None      # shown once, never stored


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def load_certificate(pem: bytes) -> x509.Certificate:
    """The first certificate of a PEM file (which may also hold the private key); InvalidParameter if none."""
    try:
        certificates = x509.load_pem_x509_certificates(pem)
    except ValueError:
        certificates = []
    if not certificates:
        raise InvalidParameter("the file holds no PEM certificate (-----BEGIN CERTIFICATE-----).")
    return certificates[0]


def _permissions(names: list[str], known: tuple[str, ...], what: str) -> tuple[str, ...]:
    out = []
    for name in names:
        for part in name.replace(",", " ").split():
            canonical = canonical_permission(part, known)
            if canonical is None:
                raise InvalidParameter(f"unknown {what} '{part}' (known: {', '.join(known)}).")
            out.append(canonical)
    return tuple(dict.fromkeys(out))


def register(uow: UnitOfWork, name: str, *, roles: list[str], scopes: list[str], redirect_uris: list[str],
             public: bool = False, certificate_pem: bytes | None = None, clock: Clock = utc_now) -> NewApp:
    name = name.strip()
    if not name or len(name) > 120:
        raise InvalidParameter("an app needs a name of 1 to 120 characters.")
    if public and certificate_pem is not None:
        raise InvalidParameter("a public client has no credential: give --public or --cert, not both.")
    for uri in redirect_uris:
        if not redirects.is_valid(uri):
            raise InvalidParameter(f"'{uri}' is not a valid redirect URI (an absolute http or https URL).")
    app = AppRegistration(
        client_id=str(uuid.uuid4()), name=name, kind="public" if public else "confidential", created=clock(),
        roles=_permissions(roles, APPLICATION_PERMISSIONS, "application permission") or DEFAULT_APP_ROLES,
        scopes=_permissions(scopes, DELEGATED_PERMISSIONS, "delegated permission") or DELEGATED_PERMISSIONS,
        redirect_uris=tuple(redirect_uris) or (redirects.DEFAULT_PUBLIC_REDIRECTS if public else ()),
        service_principal_id=str(uuid.uuid4()),
    )
    secret = None
    if certificate_pem is not None:
        cert = load_certificate(certificate_pem)
        der = cert.public_bytes(serialization.Encoding.DER)
        app = replace(app, cert_pem=cert.public_bytes(serialization.Encoding.PEM).decode(),
                      cert_sha1=_b64url(hashlib.sha1(der).digest()), cert_sha256=_b64url(hashlib.sha256(der).digest()))
    elif not public:
        secret = secrets.token_urlsafe(30)
        app = replace(app, secret_hash=hash_secret(secret))
    uow.add_app(app)
    return NewApp(app, secret)


def remove(uow: UnitOfWork, client_id: str) -> None:
    if not uow.delete_app(client_id.strip()):
        raise InvalidParameter(f"no app with the client id '{client_id}'.")


# -- client authentication at the token endpoint ------------------------------------------------------

def find_client(uow: UnitOfWork, client_id: str, tenant_label: str) -> AppRegistration:
    app = uow.get_app(client_id) if client_id else None
    if app is None:
        if not client_id:
            raise errors.missing_parameter("client_id")
        raise errors.unknown_client(client_id, tenant_label)
    return app


def authenticate_client(app: AppRegistration, form: dict[str, str], now: float) -> str:
    """Check the client's credential; returns its `appidacr`: "0" public, "1" secret, "2" certificate."""
    secret, assertion = form.get("client_secret"), form.get("client_assertion")
    if app.is_public:
        if secret or assertion:
            raise errors.public_client_credential()
        return "0"
    if assertion:
        if form.get("client_assertion_type") != ASSERTION_TYPE:
            raise errors.bad_parameter("client_assertion_type")
        _check_assertion(app, assertion, now)
        return "2"
    if not secret:
        raise errors.missing_credential()
    if app.secret_hash is None or not verify_secret(secret, app.secret_hash):
        raise errors.invalid_secret(app.client_id)
    return "1"


def _check_assertion(app: AppRegistration, assertion: str, now: float) -> None:
    try:
        header = jwt.get_unverified_header(assertion)
    except jwt.PyJWTError:
        raise errors.bad_assertion_signature() from None
    sha1 = str(header.get("x5t") or "").rstrip("=")
    sha256 = str(header.get("x5t#S256") or "").rstrip("=")
    matched = app.cert_pem and ((sha1 and sha1 == app.cert_sha1) or (sha256 and sha256 == app.cert_sha256))
    if not matched or header.get("alg") not in ("RS256", "PS256", "ES256"):
        raise errors.bad_assertion_signature()
    public = x509.load_pem_x509_certificate(app.cert_pem.encode()).public_key()  # type: ignore[union-attr]
    try:
        claims = jwt.decode(assertion, public, algorithms=[header["alg"]],   # type: ignore[arg-type]
                            options={"verify_aud": False, "verify_exp": False, "verify_nbf": False,
                                     "verify_iat": False, "require": ["exp", "aud", "iss", "sub"]})
    except jwt.PyJWTError:
        raise errors.bad_assertion_signature() from None
    if claims.get("iss") != app.client_id or claims.get("sub") != app.client_id:
        raise errors.assertion_client_mismatch()
    try:
        expires = float(claims["exp"])
        not_before = float(claims.get("nbf", claims.get("iat", expires - 3600)))
    except (TypeError, ValueError):
        raise errors.assertion_time() from None
    if not (not_before - ASSERTION_LEEWAY <= now < expires + ASSERTION_LEEWAY):
        raise errors.assertion_time()
    audiences = claims["aud"] if isinstance(claims["aud"], list) else [claims["aud"]]
    if not any(isinstance(a, str) and a.startswith("https://") and a.rstrip("/").endswith(TOKEN_PATH_SUFFIX)
               for a in audiences):
        raise errors.assertion_audience()
