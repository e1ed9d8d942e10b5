"""Redirect URI rules: exact match, except that loopback addresses match on any port (as Entra does for
`http://localhost`), so a desktop app's local listener on a free port is accepted."""

from __future__ import annotations

from urllib.parse import urlsplit

LOOPBACK_HOSTS = frozenset({"localhost", "127.0.0.1", "[::1]", "::1"})
DEFAULT_PUBLIC_REDIRECTS = ("http://localhost",)


def _loopback_key(uri: str) -> tuple[str, str, str] | None:
    parts = urlsplit(uri)
    if parts.scheme != "http" or (parts.hostname or "") not in LOOPBACK_HOSTS:
        return None
    return parts.scheme, "loopback", parts.path.rstrip("/")


def is_valid(uri: str) -> bool:
    try:
        parts = urlsplit(uri)
        parts.port  # noqa: B018 - raises for a bad port
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname) and not parts.fragment


def matches(uri: str, registered: tuple[str, ...]) -> bool:
    if not is_valid(uri):
        return False
    if uri in registered:
        return True
    key = _loopback_key(uri)
    return key is not None and any(_loopback_key(r) == key for r in registered)
