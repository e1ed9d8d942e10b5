"""The stock msgraph-sdk pointed at a local calgraph with a static bearer token (client.md §1).

Nothing here is calgraph-specific: it is the recipe a user of the real SDK would follow.
"""

from __future__ import annotations

from typing import Any, Optional

from kiota_abstractions.authentication import (
    AccessTokenProvider,
    AllowedHostsValidator,
    BaseBearerTokenAuthenticationProvider,
)
from msgraph import GraphRequestAdapter, GraphServiceClient


class StaticTokenProvider(AccessTokenProvider):
    """Returns a fixed bearer token, but only for the allowed hosts."""

    def __init__(self, token: str, allowed_hosts: Optional[list[str]] = None) -> None:
        self._token = token
        # [] would mean "every host"; hostnames only, no scheme, no port.
        self._validator = AllowedHostsValidator(allowed_hosts or ["127.0.0.1", "localhost"])

    async def get_authorization_token(
        self, uri: str, additional_authentication_context: dict[str, Any] = {}
    ) -> str:
        if not self._validator.is_url_host_valid(uri):
            return ""  # empty string => no Authorization header is added
        return self._token

    def get_allowed_hosts_validator(self) -> AllowedHostsValidator:
        return self._validator


def make_client(base_url: str, token: str) -> GraphServiceClient:
    """A GraphServiceClient sending `Authorization: Bearer <token>` to `base_url` (e.g. http://127.0.0.1:8765/v1.0)."""
    auth = BaseBearerTokenAuthenticationProvider(StaticTokenProvider(token))
    adapter = GraphRequestAdapter(auth)  # stock Graph middleware (retry, redirect, /me rewrite ...)
    adapter.base_url = base_url.rstrip("/")
    return GraphServiceClient(request_adapter=adapter)
