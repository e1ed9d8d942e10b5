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
    deliver_notifications: bool = False        # run the webhook dispatcher in this process (`serve`)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"
