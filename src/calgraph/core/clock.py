"""The tenant's clock: real time, frozen at an instant, or real time shifted by an offset."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import Any, Literal

ClockMode = Literal["real", "frozen", "offset"]


@dataclass(frozen=True)
class ClockState:
    mode: ClockMode = "real"
    frozen_at: datetime | None = None   # mode "frozen"
    offset_seconds: float = 0.0         # mode "offset"

    def now(self, real: datetime) -> datetime:
        if self.mode == "frozen" and self.frozen_at is not None:
            return self.frozen_at
        if self.mode == "offset":
            return real + timedelta(seconds=self.offset_seconds)
        return real

    def advanced(self, seconds: float) -> "ClockState":
        """Moved forward (or back) by `seconds`: a frozen clock stays frozen, real time becomes an offset."""
        if self.mode == "frozen" and self.frozen_at is not None:
            return replace(self, frozen_at=self.frozen_at + timedelta(seconds=seconds))
        return ClockState("offset", None, self.offset_seconds + seconds)

    def to_json(self) -> dict[str, Any]:
        return {"mode": self.mode, "frozenAt": self.frozen_at.isoformat() if self.frozen_at else None,
                "offsetSeconds": self.offset_seconds}

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> "ClockState":
        frozen = value.get("frozenAt")
        return cls(value.get("mode", "real"), datetime.fromisoformat(frozen) if frozen else None,
                   float(value.get("offsetSeconds") or 0))


REAL = ClockState()


def utc(instant: datetime) -> datetime:
    return instant.replace(tzinfo=timezone.utc) if instant.tzinfo is None else instant.astimezone(timezone.utc)
