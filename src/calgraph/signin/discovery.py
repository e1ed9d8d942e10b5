"""Discovery: the OpenID configuration, instance discovery, user realm, and the signing keys (JWKS)."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response

from calgraph.core.identity.errors import SignInError
from calgraph.services.pki import INTERCEPTED_HOSTS
from calgraph.signin.common import json_reply, origin, settings, signin


def openid_configuration(request: Request, _: dict[str, str]) -> Response:
    segment = request.path_params["tenant"]
    try:
        tenant = signin(request).tenant(segment)
    except SignInError as error:   # discovery names the same AADSTS90002 `invalid_tenant`
        raise SignInError("invalid_tenant", error.code, error.text, error.status) from None
    base = f"{origin(request)}/{segment}"
    issuer_tenant = tenant.id
    return json_reply({
        "token_endpoint": f"{base}/oauth2/v2.0/token",
        "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt", "client_secret_basic"],
        "jwks_uri": f"{base}/discovery/v2.0/keys",
        "response_modes_supported": ["query", "fragment", "form_post"],
        "subject_types_supported": ["pairwise"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "response_types_supported": ["code", "id_token", "code id_token", "id_token token"],
        "scopes_supported": ["openid", "profile", "email", "offline_access"],
        "issuer": f"{origin(request)}/{issuer_tenant}/v2.0",
        "request_uri_parameter_supported": False,
        "userinfo_endpoint": "https://graph.microsoft.com/oidc/userinfo",
        "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
        "device_authorization_endpoint": f"{base}/oauth2/v2.0/devicecode",
        "http_logout_supported": True, "frontchannel_logout_supported": True,
        "end_session_endpoint": f"{base}/oauth2/v2.0/logout",
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username",
                             "name", "tid", "ver", "at_hash", "c_hash", "email"],
        "kerberos_endpoint": f"{base}/kerberos",
        "tenant_region_scope": "WW", "cloud_instance_name": "microsoftonline.com",
        "cloud_graph_host_name": "graph.windows.net", "msgraph_host": "graph.microsoft.com", "rbac_url": "https://pas.windows.net",
    })


def instance_discovery(request: Request, query: dict[str, str]) -> Response:
    """Which authorities calgraph serves: its own names (MSAL drops the port; the answer restores it)."""
    endpoint = query.get("authorization_endpoint", "")
    try:
        parts = urlsplit(endpoint)
        host = (parts.hostname or "").lower()
        explicit_port = parts.port
    except ValueError:
        host, explicit_port, parts = "", None, urlsplit("")
    config = settings(request)
    served = {n.lower() for n in config.tls_names} | set(INTERCEPTED_HOSTS)
    if not host or host not in served:
        raise SignInError("invalid_instance", 50049, "Unknown or invalid instance.")
    tenant = next((p for p in parts.path.split("/") if p), "common")
    if host in INTERCEPTED_HOSTS:
        authority = f"https://{host}"
    else:
        port = explicit_port or config.port
        shown = f"[{host}]" if ":" in host else host
        authority = f"https://{shown}" + ("" if port == 443 else f":{port}")
    aliases = [host] if host not in INTERCEPTED_HOSTS else [
        "login.microsoftonline.com", "login.windows.net", "login.microsoft.com", "sts.windows.net"]
    return json_reply({
        "tenant_discovery_endpoint": f"{authority}/{tenant}/v2.0/.well-known/openid-configuration",
        "api-version": "1.1",
        "metadata": [{"preferred_network": host, "preferred_cache": host, "aliases": aliases}],
    })


def user_realm(request: Request, _: dict[str, str]) -> Response:
    user = request.path_params["user"]
    domain = user.rsplit("@", 1)[-1].lower() if "@" in user else ""
    return json_reply({"ver": "1.0", "account_type": "Managed" if domain else "Unknown", "domain_name": domain,
                       "cloud_instance_name": "microsoftonline.com",
                       "cloud_audience_urn": "urn:federation:MicrosoftOnline"})


def keys(request: Request, _: dict[str, str]) -> Response:
    segment = request.path_params.get("tenant", "common")
    tenant = signin(request).tenant(segment)
    return json_reply(signin(request).tokens.keys.jwks(f"{origin(request)}/{tenant.id}/v2.0"))
