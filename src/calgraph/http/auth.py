"""`Authorization: Bearer …` -> Principal. Rendering the 401 is the error handler's job; it adds
WWW_AUTHENTICATE to every 401 response, as Graph does."""

from __future__ import annotations

from typing import Mapping

from calgraph.core.errors import InvalidAuthenticationToken
from calgraph.core.permissions import Principal
from calgraph.services.tokens import EMPTY, TokenService

WWW_AUTHENTICATE = (
    'Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", '
    'client_id="00000003-0000-0000-c000-000000000000"'
)


def bearer_token(headers: Mapping[str, str]) -> str:
    """The token of a Bearer Authorization header ('' when absent or another scheme)."""
    value = headers.get("authorization")
    if value is None:  # a plain dict: look the name up case-insensitively
        value = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
    scheme, _, token = value.strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def authenticate(headers: Mapping[str, str], tokens: TokenService) -> Principal:
    token = bearer_token(headers)
    if not token:
        raise InvalidAuthenticationToken(EMPTY)
    return tokens.verify(token)
