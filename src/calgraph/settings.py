"""Runtime settings: where the database is, where the server listens."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

DEFAULT_DB = "sqlite:///calgraph.db"


def default_db_url() -> str:
    return os.environ.get("CALGRAPH_DB") or DEFAULT_DB


@dataclass(frozen=True)
class Settings:
    db_url: str
    host: str = "127.0.0.1"
    port: int = 8765
    # attachment bytes per mailbox (CALGRAPH_ATTACHMENT_QUOTA_MB, 2048 unless set)
    attachment_quota_mb: int = field(default_factory=lambda: int(os.environ.get("CALGRAPH_ATTACHMENT_QUOTA_MB") or 2048))

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}"
