"""What every use case needs besides its arguments: the store, the id factory and the clock."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from calgraph.core.attachments import DEFAULT_QUOTA
from calgraph.core.ids import Clock, Ids, utc_now
from calgraph.store.interface import Store


@dataclass(frozen=True)
class Runtime:
    store: Store
    ids: Ids = field(default_factory=Ids)
    clock: Clock = utc_now
    attachment_quota: int = DEFAULT_QUOTA      # bytes of attachments per mailbox
    webhooks: Any = None   # services.webhooks.Webhooks (None: defaults); how notifications are sent
