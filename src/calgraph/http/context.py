"""Everything a resource handler gets about one request, already parsed."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any, Mapping

from calgraph.core.errors import BadRequest, EmptyPayload
from calgraph.core.permissions import Principal
from calgraph.http.odata import Preferences
from calgraph.http.routing import Address
from calgraph.services.runtime import Runtime


@dataclass
class RequestContext:
    method: str
    address: Address
    principal: Principal
    options: dict[str, str]          # decoded query options, names lower-cased
    prefs: Preferences
    headers: Mapping[str, str]
    raw_body: bytes
    base_url: str                    # scheme://host[:port], for absolute links
    raw_path: str                    # as received, still percent-encoded
    runtime: Runtime

    def json(self) -> dict[str, Any]:
        """The body as a JSON object; empty or unreadable bodies are Graph's 400s."""
        if not self.raw_body.strip():
            raise EmptyPayload()
        try:
            value = json.loads(self.raw_body, parse_constant=_no_constant, parse_float=_finite_float)
        except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: absurdly deep nesting
            raise BadRequest(
                "Unable to read JSON request payload. Please ensure Content-Type header is set "
                "and payload is of valid JSON format."
            ) from None
        if not isinstance(value, dict):
            raise BadRequest("Unable to read JSON request payload: a JSON object is expected.")
        _check_strings(value)
        return value

    @property
    def if_match(self) -> str | None:
        value = self.headers.get("if-match")
        if not value or value.strip() == "*":
            return None
        value = value.strip()
        if value.startswith("W/"):
            value = value[2:]
        return value.strip('"')

    @property
    def service_root(self) -> str:
        return f"{self.base_url}/{self.address.version}"


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")   # NaN, Infinity, -Infinity


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):                    # 1e999 overflows to infinity
        raise ValueError(f"{text} is out of range")
    return value


def _check_strings(value: Any) -> None:
    """Reject NUL characters and unpaired surrogates (\\u0000, \\ud800) anywhere in the body: neither can be
    stored (PostgreSQL text, UTF-8) nor rendered back. Iterative, as bodies may nest deeply."""
    todo = [value]
    while todo:
        item = todo.pop()
        if isinstance(item, dict):
            todo.extend(item.keys())
            todo.extend(item.values())
        elif isinstance(item, list):
            todo.extend(item)
        elif isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise BadRequest("Unable to read JSON request payload: it holds an invalid character.") from None
            if "\x00" in item:
                raise BadRequest("Unable to read JSON request payload: it holds an invalid character.")
