"""Runtime settings: where the database is, where the server listens, and how a database URL is shown."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_DB = "sqlite:///calgraph.db"
DEMO_DB = "sqlite:///calgraph-demo.db"  # `serve --demo` never seeds the tenant of the default database
URL_FORMS = "sqlite:///path/to/file.db or postgresql://user:password@host:port/database"

_PASSWORD = re.compile(r"(?P<head>[a-z][a-z0-9+.-]*://[^:/@\s]*:)(?P<password>[^@\s]*)(?P<at>@)", re.IGNORECASE)


def default_db_url() -> str:
    return os.environ.get("CALGRAPH_DB") or DEFAULT_DB


def masked(text: str) -> str:
    """`text` with the password of every URL in it replaced by ***."""
    return _PASSWORD.sub(lambda m: f"{m['head']}***{m['at']}", text)


class BadDatabaseUrl(ValueError):
    pass


def check_db_url(url: str) -> None:
    """Raises BadDatabaseUrl (a one-line, password-free message) unless `url` names a database calgraph
    can open: a SQLite file whose directory exists, or a PostgreSQL server."""
    scheme, sep, rest = url.partition("://")
    driver = scheme.split("+")[0].lower()
    if not sep or driver not in ("sqlite", "postgresql", "postgres"):
        raise BadDatabaseUrl(f"{masked(url)!r} is not a database URL; use {URL_FORMS}")
    if driver == "sqlite":
        path = rest[1:] if rest.startswith("/") else rest
        path = path.split("?")[0]
        if path in ("", ":memory:"):
            raise BadDatabaseUrl(f"{url!r} names no file; use sqlite:///path/to/file.db")
        folder = Path(path).expanduser().parent
        if not folder.is_dir():
            raise BadDatabaseUrl(f"the folder {str(folder)!r} of {url} does not exist")


LOOPBACK = ("127.0.0.1", "::1", "localhost")


@dataclass(frozen=True)
class Settings:
    db_url: str
    host: str = "127.0.0.1"
    port: int = 8765
    tls: bool = False
    tls_names: tuple[str, ...] = ()      # names the server's certificate holds (sign-in discovery answers them)
    device_interval: int = 5             # seconds a device-code client waits between polls
    # attachment bytes per mailbox (CALGRAPH_ATTACHMENT_QUOTA_MB, 2048 unless set)
    attachment_quota_mb: int = field(
        default_factory=lambda: int(os.environ.get("CALGRAPH_ATTACHMENT_QUOTA_MB") or 2048))
    deliver_notifications: bool = False        # run the webhook dispatcher in this process (`serve`)
    notify_allow: tuple[str, ...] | None = None  # hosts that may receive notifications (None: any)
    notify_https_only: bool = False
    control: bool | None = None     # the control plane (/_calgraph); None: on when listening on loopback
    throttle: str | None = None     # "graph": Graph's per-app per-mailbox limits

    @property
    def control_enabled(self) -> bool:
        return self.control if self.control is not None else (self.host in LOOPBACK or self.host.startswith("127."))
