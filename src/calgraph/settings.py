"""Runtime settings: where the database is, where the server listens."""

from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULT_DB = "sqlite:///calgraph.db"


def default_db_url() -> str:
    return os.environ.get("CALGRAPH_DB") or DEFAULT_DB


@dataclass(frozen=True)
class Settings:
    db_url: str
    host: str = "127.0.0.1"
    port: int = 8765
    tls: bool = False
    tls_names: tuple[str, ...] = ()      # names the server's certificate holds (sign-in discovery answers them)
    device_interval: int = 5             # seconds a device-code client waits between polls

    @property
    def base_url(self) -> str:
        return f"{'https' if self.tls else 'http'}://{self.host}:{self.port}"
