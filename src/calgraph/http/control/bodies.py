"""Reading the control plane's request bodies: each bad value is a 400 that names its field."""

from __future__ import annotations

import json
import math
import re
from datetime import datetime, timezone
from typing import Any

from calgraph.core.clock import ClockState
from calgraph.core.errors import BadRequest
from calgraph.core.faults import METHODS, FaultRule

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
MAX_LATENCY_MS = 120_000
MAX_SHIFT = 100 * 366 * 24 * 3600   # the clock moves at most a century at a time
EARLIEST, LATEST = datetime(1900, 1, 1, tzinfo=timezone.utc), datetime(9000, 1, 1, tzinfo=timezone.utc)


def json_object(body: bytes) -> dict[str, Any]:
    if not body.strip():
        raise BadRequest("Empty Payload. JSON content expected.")
    try:
        value = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise BadRequest("Unable to read JSON request payload.") from None
    if not isinstance(value, dict):
        raise BadRequest("Unable to read JSON request payload: a JSON object is expected.")
    return value


def optional_object(body: bytes) -> dict[str, Any]:
    return json_object(body) if body.strip() else {}


def choice(values: dict[str, Any], name: str, allowed: tuple[str, ...], default: str) -> str:
    value = values.get(name, default)
    if value not in allowed:
        raise BadRequest(f"'{name}' must be one of {', '.join(allowed)}.")
    return value


def snapshot_name(values: dict[str, Any]) -> str:
    name = values.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise BadRequest("'name' must be 1-100 letters, digits, '.', '_' or '-', starting with a letter or digit.")
    return name


def parse_instant(value: Any, name: str) -> datetime:
    if not isinstance(value, str):
        raise BadRequest(f"'{name}' must be an ISO 8601 instant such as 2030-01-01T09:00:00Z.")
    try:
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise BadRequest(f"'{name}' must be an ISO 8601 instant such as 2030-01-01T09:00:00Z.") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def number(values: dict[str, Any], name: str, required: bool = False, low: float | None = None,
           high: float | None = None, integer: bool = False) -> Any:
    value = values.get(name)
    if value is None:
        if required:
            raise BadRequest(f"'{name}' is required.")
        return None
    kinds = (int,) if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kinds) or not math.isfinite(value) \
            or (low is not None and value < low) or (high is not None and value > high):
        what = "a whole number" if integer else "a number"
        bounds = f" from {low:g}" if low is not None else ""
        bounds += f" to {high:g}" if high is not None else ""
        raise BadRequest(f"'{name}' must be {what}{bounds}.")
    return value


def top(value: str | None, limit: int, default: int | None = None) -> int:
    if value is None:
        return default if default is not None else limit
    if not value.isdigit() or not 1 <= int(value) <= limit:
        raise BadRequest(f"'top' must be a whole number from 1 to {limit}.")
    return int(value)


def clock_state(values: dict[str, Any]) -> ClockState:
    given = [key for key in ("frozenAt", "offsetSeconds", "mode") if key in values]
    if len(given) != 1:
        raise BadRequest("Give one of 'frozenAt' (an instant), 'offsetSeconds' (a number) or 'mode': 'real'.")
    if given[0] == "frozenAt":
        instant = parse_instant(values["frozenAt"], "frozenAt")
        if not EARLIEST <= instant < LATEST:
            raise BadRequest("'frozenAt' must be between 1900 and 9000.")
        return ClockState("frozen", instant)
    if given[0] == "offsetSeconds":
        offset = number(values, "offsetSeconds", required=True, low=-MAX_SHIFT, high=MAX_SHIFT)
        return ClockState("offset", None, float(offset))
    if values["mode"] != "real":
        raise BadRequest("'mode' must be 'real' (freeze with 'frozenAt', shift with 'offsetSeconds').")
    return ClockState()


FAULT_FIELDS = {"method", "path", "mailbox", "app", "action", "status", "code", "message", "retryAfter", "latencyMs",
                "probability", "times"}


def fault_rule(values: dict[str, Any]) -> FaultRule:
    unknown = sorted(set(values) - FAULT_FIELDS)
    if unknown:
        raise BadRequest(f"'{unknown[0]}' is not a property of a fault rule.")
    status = number(values, "status", low=100, high=599, integer=True)
    latency = number(values, "latencyMs", low=0, high=MAX_LATENCY_MS, integer=True) or 0
    if status is None and not latency:
        raise BadRequest("'status' is required (a rule without one only adds 'latencyMs').")
    method = _text(values, "method")
    if method is not None:
        method = method.upper()
        if method not in METHODS:
            raise BadRequest(f"'method' must be one of {', '.join(sorted(METHODS))}.")
    path = _text(values, "path")
    if path is not None and not path.startswith("/"):
        raise BadRequest("'path' must start with '/' (a glob on the path after the version, e.g. /me/events/*).")
    probability = number(values, "probability", low=0, high=1)
    return FaultRule(
        id="", status=status, method=method, path=path, mailbox=_text(values, "mailbox"), app=_text(values, "app"),
        action=_text(values, "action"),
        code=_text(values, "code"), message=_text(values, "message"),
        retry_after=number(values, "retryAfter", low=0, high=86_400, integer=True), latency_ms=latency,
        probability=1.0 if probability is None else float(probability),
        times=number(values, "times", low=1, integer=True),
    )


def _text(values: dict[str, Any], name: str) -> str | None:
    value = values.get(name)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > 1000:
        raise BadRequest(f"'{name}' must be a non-empty string.")
    return value.strip()


def rule_json(rule: FaultRule, remaining: int | None) -> dict[str, Any]:
    return {
        "id": rule.id, "method": rule.method, "path": rule.path, "mailbox": rule.mailbox, "app": rule.app,
        "action": rule.action,
        "status": rule.status, "code": rule.error_code if rule.status else None, "message": rule.message,
        "retryAfter": rule.retry_after, "latencyMs": rule.latency_ms, "probability": rule.probability,
        "times": rule.times, "remaining": remaining,
    }
