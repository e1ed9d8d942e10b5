"""Fault rules (answer a matching Graph request with an error of one's choosing) and the Graph-like
throttling model; pure rules, the state lives in the store."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any

from calgraph.core.errors import GraphError


# Graph's error codes for the statuses a rule is likely to give (a rule may name its own).
DEFAULT_CODES = {
    400: "BadRequest", 401: "InvalidAuthenticationToken", 403: "ErrorAccessDenied", 404: "ErrorItemNotFound",
    409: "ErrorIrresolvableConflict", 412: "ErrorIrresolvableConflict", 429: "TooManyRequests",
    500: "InternalServerError", 502: "BadGateway", 503: "ServiceUnavailable", 504: "GatewayTimeout",
}
DEFAULT_MESSAGE = "Injected by a calgraph fault rule."
METHODS = frozenset({"GET", "POST", "PATCH", "PUT", "DELETE"})


@dataclass(frozen=True)
class FaultRule:
    id: str
    status: int | None                 # None: latency only, then the request runs as usual
    method: str | None = None
    path: str | None = None            # glob on the path after the version: * within a segment, ** across
    mailbox: str | None = None         # address or id of the mailbox the request addresses
    app: str | None = None             # the caller's application (client) id
    action: str | None = None          # an event action: accept, decline, cancel, forward, ...
    code: str | None = None
    message: str | None = None
    retry_after: int | None = None
    latency_ms: int = 0
    probability: float = 1.0
    times: int | None = None           # matches it answers, then none; None: unlimited

    @property
    def error_code(self) -> str:
        return self.code or DEFAULT_CODES.get(self.status or 500, "generalException")

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, value: dict[str, Any]) -> "FaultRule":
        return cls(**value)

    def matches(self, method: str, path: str, mailbox_keys: frozenset[str], app: str, action: str = "") -> bool:
        if self.method and self.method != method:
            return False
        if self.action and self.action.lower() != action.lower():
            return False
        if self.path and not path_pattern(self.path).fullmatch(path.lower()):
            return False
        if self.mailbox and self.mailbox.lower() not in mailbox_keys:
            return False
        return not (self.app and self.app.lower() != app.lower())


@lru_cache(maxsize=256)
def path_pattern(glob: str) -> re.Pattern[str]:
    """`/me/events/*/decline` -> a regex; `*` stays within one segment, `**` crosses segments."""
    parts = []
    for piece in re.split(r"(\*\*|\*|\?)", glob.lower().rstrip("/")):
        parts.append({"**": ".*", "*": "[^/]*", "?": "[^/]"}.get(piece, re.escape(piece)))
    return re.compile("".join(parts) + "/?")


# -- throttling: Graph's Outlook limits, per application per mailbox ----------------------------------

@dataclass(frozen=True)
class ThrottleCounter:
    window_start: int       # epoch seconds
    window_count: int       # requests admitted in the window
    in_flight: int
    touched: int            # epoch seconds of the last admission

@dataclass(frozen=True)
class ThrottleLimits:
    concurrent: int = 4            # requests in flight at once
    requests: int = 10_000         # per window
    window_seconds: int = 600      # ten minutes
    stale_seconds: int = 300       # in-flight counts older than this are dropped (a process that died)


GRAPH_LIMITS = ThrottleLimits()


@dataclass(frozen=True)
class ThrottleDecision:
    counter: ThrottleCounter
    retry_after: int | None        # None: admitted (the counter holds its slot)
    reason: str = ""


def admit(counter: ThrottleCounter, now: int, limits: ThrottleLimits) -> ThrottleDecision:
    window_start, count, in_flight = counter.window_start, counter.window_count, counter.in_flight
    if now - window_start >= limits.window_seconds:
        window_start, count = now, 0
    if in_flight and now - counter.touched > limits.stale_seconds:
        in_flight = 0
    if in_flight >= limits.concurrent:
        return ThrottleDecision(counter, 1, "Application is over its MailboxConcurrency limit.")
    if count >= limits.requests:
        wait = max(1, window_start + limits.window_seconds - now)
        return ThrottleDecision(counter, wait, "Application is over its request rate limit for this mailbox.")
    return ThrottleDecision(ThrottleCounter(window_start, count + 1, in_flight + 1, now), None)


class InjectedFault(GraphError):
    """Raised instead of running the handler: a fault rule matched, or the throttling model refused.
    Carries what Graph's envelope needs (the HTTP layer renders it like any GraphError)."""

    def __init__(self, status: int, code: str, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        self.status, self.code = status, code
        self.headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}


def fault_of(rule: FaultRule) -> InjectedFault:
    assert rule.status is not None
    return InjectedFault(rule.status, rule.error_code, rule.message or DEFAULT_MESSAGE, rule.retry_after)


def throttled(decision: ThrottleDecision) -> InjectedFault:
    return InjectedFault(429, "ApplicationThrottled", decision.reason, decision.retry_after)
