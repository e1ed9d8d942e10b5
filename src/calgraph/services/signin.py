"""The token endpoint's use cases: client credentials, password, device code, authorization code,
refresh token; and the pieces the sign-in pages need (device approval, issuing a code).

Each function takes the tenant path segment, the request's form and the public origin the client used
(`https://host[:port]`, for the id token's issuer and the device page's address), and returns the
JSON body of a successful answer or raises SignInError.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any, Callable

from calgraph.core.errors import InvalidParameter
from calgraph.core.identity import errors, grants, scopes, tenants
from calgraph.core.identity.grants import Grant
from calgraph.core.identity.hashing import verify_secret
from calgraph.core.identity.model import AppRegistration
from calgraph.core.ids import Clock, utc_now
from calgraph.core.model import Mailbox
from calgraph.services import apps as app_service
from calgraph.services.tokens import TokenService
from calgraph.store.interface import Store

DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


@dataclass(frozen=True)
class Tenant:
    segment: str
    id: str
    multi: bool             # common / organizations


class SignIn:
    def __init__(self, store: Store, tokens: TokenService, clock: Clock = utc_now,
                 device_interval: int = grants.DEVICE_POLL_INTERVAL) -> None:
        self.store = store
        self.tokens = tokens
        self.clock = clock
        self.device_interval = device_interval

    def now(self) -> float:
        return self.clock().timestamp()

    # -- tenants ------------------------------------------------------------------------------------

    def tenant(self, segment: str) -> Tenant:
        tenant_id = self.tokens.tenant_id
        lowered = segment.lower()
        domains: frozenset[str] = frozenset()
        if lowered not in (tenant_id.lower(), *tenants.MULTI_TENANT):
            with self.store.unit_of_work() as uow:
                if uow.mailbox_domain_exists(lowered):
                    domains = frozenset({lowered})
        kind = tenants.classify(segment, tenant_id, domains)
        return Tenant(segment, tenant_id, kind == "multi")

    # -- the token endpoint -------------------------------------------------------------------------

    def token(self, segment: str, form: dict[str, str], origin: str) -> dict[str, Any]:
        tenant = self.tenant(segment)
        grant_type = form.get("grant_type", "")
        if not grant_type:
            raise errors.missing_parameter("grant_type")
        handler = {
            "client_credentials": self._client_credentials,
            "password": self._password,
            DEVICE_GRANT: self._device_code,
            "authorization_code": self._authorization_code,
            "refresh_token": self._refresh_token,
        }.get(grant_type)
        if handler is None:
            raise errors.unsupported_grant(grant_type)
        return handler(tenant, form, origin)

    def _client(self, tenant: Tenant, form: dict[str, str]) -> tuple[AppRegistration, str]:
        with self.store.unit_of_work() as uow:
            app = app_service.find_client(uow, form.get("client_id", "").strip(), tenant.segment)
        return app, app_service.authenticate_client(app, form, self.now())

    def _client_credentials(self, tenant: Tenant, form: dict[str, str], origin: str) -> dict[str, Any]:
        if tenant.multi:
            raise errors.no_tenant()
        app, acr = self._client(tenant, form)
        if app.is_public:   # a public client has no credential to prove it is the app
            raise errors.missing_credential()
        scope = form.get("scope", "")
        roles = scopes.app_roles(scopes.parse(scope, tenant.segment), scope, app.roles)
        token = self.tokens.issue_app(roles, grants.ACCESS_TOKEN_SECONDS, app.client_id, extra={
            "oid": app.service_principal_id, "sub": app.service_principal_id, "app_displayname": app.name,
            "appidacr": acr, **_cae(form),
        })
        return _app_token_body(token)

    def _password(self, tenant: Tenant, form: dict[str, str], origin: str) -> dict[str, Any]:
        app, acr = self._client(tenant, form)
        request = scopes.parse(_required(form, "scope"), tenant.segment)
        granted = scopes.delegated_scopes(request, app.scopes)
        username, password = _required(form, "username"), form.get("password", "")
        with self.store.unit_of_work() as uow:
            user = uow.get_mailbox(username.strip())
            stored = uow.get_password_hash(user.id) if user is not None and user.kind == "user" else None
        if user is None or user.kind != "user":
            raise errors.unknown_user(tenant.id)
        if not verify_secret(password, stored):
            raise errors.wrong_password()
        return self._user_tokens(app, acr, user, request, granted, form, origin)

    def _device_code(self, tenant: Tenant, form: dict[str, str], origin: str) -> dict[str, Any]:
        app, acr = self._client(tenant, form)
        value = form.get("device_code") or form.get("code") or ""
        if not value:
            raise errors.missing_parameter("device_code")
        grant, user = self._redeem(value, lambda stored: grants.check_device(stored, app.client_id, self.now()),
                                   "approved", errors.code_redeemed)
        return self._issue_for_grant(app, acr, user, grant, form, origin)

    def _authorization_code(self, tenant: Tenant, form: dict[str, str], origin: str) -> dict[str, Any]:
        app, acr = self._client(tenant, form)
        code = _required(form, "code")
        grant, user = self._redeem(code, lambda stored: grants.check_code(
            stored, app.client_id, form.get("redirect_uri", ""), form.get("code_verifier", ""), self.now()),
            "active", errors.code_redeemed)
        return self._issue_for_grant(app, acr, user, grant, form, origin)

    def _refresh_token(self, tenant: Tenant, form: dict[str, str], origin: str) -> dict[str, Any]:
        app, acr = self._client(tenant, form)
        value = _required(form, "refresh_token")
        grant, user = self._redeem(value, lambda stored: grants.check_refresh(stored, app.client_id, self.now()),
                                   "active", errors.malformed_grant)   # each refresh token is used once
        scope = form.get("scope") or grant.scope
        return self._issue_for_grant(app, acr, user, Grant(**{**grant.__dict__, "scope": scope}), form, origin)

    def _redeem(self, value: str, check: Callable[[Grant | None], Grant], redeemable: str,
                spent: Callable[[], errors.SignInError]) -> tuple[Grant, Mailbox | None]:
        """The grant `value` names, checked by `check`, then moved from `redeemable` to used: of two
        concurrent redeemers only one gets past that, the other gets `spent()`. Returns it and its user."""
        with self.store.unit_of_work() as uow:
            grant = check(uow.get_grant(grants.digest(value)))
        with self.store.unit_of_work(write=True) as uow:
            if not uow.change_grant_state(grant.id, redeemable, "used"):
                raise spent()
            user = uow.get_mailbox(grant.user_id or "")
        return grant, user

    def _issue_for_grant(self, app: AppRegistration, acr: str, user: Mailbox | None, grant: Grant,
                         form: dict[str, str], origin: str) -> dict[str, Any]:
        if user is None or user.kind != "user":
            raise errors.malformed_grant()
        request = scopes.parse(grant.scope)
        granted = scopes.delegated_scopes(request, app.scopes)
        return self._user_tokens(app, acr, user, request, granted, form, origin, nonce=grant.data.get("nonce"))

    def _user_tokens(self, app: AppRegistration, acr: str, user: Mailbox, request: scopes.ScopeRequest,
                     granted: tuple[str, ...], form: dict[str, str], origin: str,
                     nonce: str | None = None) -> dict[str, Any]:
        tenant_id = self.tokens.tenant_id
        now = int(self.now())
        scp = granted or tuple(sorted(request.oidc))   # never the CLI's default scopes
        access = self.tokens.issue_delegated(user, scp, grants.ACCESS_TOKEN_SECONDS, app.client_id, extra={
            "app_displayname": app.name, "appidacr": acr, **_cae(form)})
        body: dict[str, Any] = {
            "token_type": "Bearer", "scope": scopes.echo(request, granted),
            "expires_in": grants.ACCESS_TOKEN_SECONDS, "ext_expires_in": grants.ACCESS_TOKEN_SECONDS,
            "access_token": access,
        }
        if request.refresh or request.id_token:
            refresh = grants.new_opaque()
            scope = " ".join(request.raw)
            with self.store.unit_of_work(write=True) as uow:
                uow.add_grant(Grant(grants.digest(refresh), "refresh", app.client_id, tenant_id, scope,
                                    now + grants.REFRESH_TOKEN_SECONDS, "active", user.id))
            body["refresh_token"] = refresh
        if request.id_token or request.refresh:
            id_claims = {
                "aud": app.client_id, "iss": f"{origin}/{tenant_id}/v2.0", "iat": now, "nbf": now,
                "exp": now + grants.ACCESS_TOKEN_SECONDS, "sub": user.id, "oid": user.id, "tid": tenant_id,
                "preferred_username": user.address, "name": user.display_name, "ver": "2.0",
            }
            if nonce:
                id_claims["nonce"] = nonce
            body["id_token"] = self.tokens.sign(id_claims)
            body["client_info"] = base64.urlsafe_b64encode(
                json.dumps({"uid": user.id, "utid": tenant_id}).encode()).rstrip(b"=").decode()
        return body

    # -- device code --------------------------------------------------------------------------------

    def start_device_flow(self, segment: str, form: dict[str, str], origin: str) -> dict[str, Any]:
        tenant = self.tenant(segment)
        client_id = form.get("client_id", "").strip()
        with self.store.unit_of_work() as uow:
            app = app_service.find_client(uow, client_id, tenant.segment)
        scope = _required(form, "scope")
        scopes.delegated_scopes(scopes.parse(scope, tenant.segment), app.scopes)   # invalid_scope now, not later
        device_code, user_code = grants.new_opaque(), grants.new_user_code()
        with self.store.unit_of_work(write=True) as uow:
            uow.delete_expired_grants(self.now() - 3600)
            uow.add_grant(Grant(grants.digest(device_code), "device", app.client_id, tenant.id, scope,
                                self.now() + grants.DEVICE_CODE_SECONDS, "pending", user_code=user_code))
        page = f"{origin}/devicelogin"
        return {
            "user_code": user_code, "device_code": device_code, "verification_uri": page,
            "expires_in": grants.DEVICE_CODE_SECONDS, "interval": self.device_interval,
            "message": f"To sign in, use a web browser to open the page {page} and enter the code {user_code} "
                       "to authenticate.",
        }

    def answer_device_code(self, user_code: str, address: str, approve: bool = True) -> Mailbox:
        """Approve (or decline) a pending device code for a user; InvalidParameter with the reason if not."""
        code = grants.normalize_user_code(user_code)
        with self.store.unit_of_work(write=True) as uow:
            grant = uow.find_grant_by_user_code(code) if code else None
            if grant is None or grant.kind != "device":
                raise InvalidParameter(f"no device sign-in is waiting for the code '{user_code}'.")
            if self.now() >= grant.expires:
                raise InvalidParameter(f"the code '{user_code}' has expired; start the sign-in again.")
            user = uow.get_mailbox(address.strip())
            if user is None or user.kind != "user":
                raise InvalidParameter(f"'{address}' is not a known user.")
            if not uow.change_grant_state(grant.id, "pending", "approved" if approve else "declined", user.id):
                raise InvalidParameter(f"the code '{user_code}' was already answered.")
        return user

    # -- authorization code -------------------------------------------------------------------------

    def issue_code(self, app: AppRegistration, tenant: Tenant, user: Mailbox, params: dict[str, str]) -> str:
        code = grants.new_opaque()
        data = {k: params.get(k, "") for k in ("redirect_uri", "code_challenge", "code_challenge_method", "nonce")}
        with self.store.unit_of_work(write=True) as uow:
            uow.delete_expired_grants(self.now() - 3600)
            uow.add_grant(Grant(grants.digest(code), "code", app.client_id, tenant.id, params.get("scope", ""),
                                self.now() + grants.AUTH_CODE_SECONDS, "active", user.id, data=data))
        return code

    def check_password(self, user: Mailbox, password: str) -> bool:
        """Whether `password` signs `user` in on the sign-in page (a user without a password needs none)."""
        with self.store.unit_of_work() as uow:
            stored = uow.get_password_hash(user.id)
        return stored is None or verify_secret(password, stored)


def _required(form: dict[str, str], name: str) -> str:
    value = form.get(name, "")
    if not value.strip():
        raise errors.missing_parameter(name)
    return value


def _cae(form: dict[str, str]) -> dict[str, Any]:
    """`xms_cc` when the client announced CAE capabilities in `claims` (kiota does)."""
    try:
        claims = json.loads(form.get("claims") or "{}")
        values = claims.get("access_token", {}).get("xms_cc", {}).get("values", [])
    except (ValueError, AttributeError):
        return {}
    return {"xms_cc": [str(v).upper() for v in values]} if isinstance(values, list) and values else {}


def _app_token_body(token: str) -> dict[str, Any]:
    return {"token_type": "Bearer", "expires_in": grants.ACCESS_TOKEN_SECONDS,
            "ext_expires_in": grants.ACCESS_TOKEN_SECONDS, "access_token": token}
