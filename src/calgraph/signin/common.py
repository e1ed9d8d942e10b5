"""What every sign-in endpoint shares: the public origin, form bodies, JSON answers, the error JSON."""

from __future__ import annotations

import base64
import logging
import re
import uuid
from datetime import datetime, timezone
from typing import Any, Awaitable, Callable
from urllib.parse import parse_qsl, unquote

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response

from calgraph.core.errors import GraphError
from calgraph.core.identity.errors import SignInError
from calgraph.services.signin import SignIn
from calgraph.settings import Settings
from calgraph.request_threads import run_in_threadpool

MAX_FORM_BYTES = 256 * 1024
NO_STORE = {"Cache-Control": "no-store, no-cache", "Pragma": "no-cache"}
_HOST = re.compile(r"^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$")


def signin(request: Request) -> SignIn:
    return request.app.state.signin


def settings(request: Request) -> Settings:
    return request.app.state.settings


def origin(request: Request) -> str:
    """`scheme://host[:port]` as the client addressed this server (the Host header, when well formed)."""
    config = settings(request)
    host = request.headers.get("host", "")
    if not _HOST.match(host):
        host = f"{config.host}:{config.port}"
    scheme = "https" if config.tls else request.url.scheme
    return f"{scheme}://{host}"


async def read_form(request: Request) -> dict[str, str]:
    """An application/x-www-form-urlencoded body (the first value of each name); HTTP Basic client
    credentials are taken as client_id / client_secret."""
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise SignInError("invalid_request", 90014, "The request body is too large.")
    try:
        pairs = parse_qsl(body.decode("utf-8"), keep_blank_values=True)
    except (UnicodeDecodeError, ValueError):
        raise SignInError("invalid_request", 90014, "The request body must be application/x-www-form-urlencoded.")
    form: dict[str, str] = {}
    for name, value in pairs:
        form.setdefault(name, value)
    basic = _basic_credentials(request.headers.get("authorization", ""))
    if basic:
        form.setdefault("client_id", basic[0])
        form.setdefault("client_secret", basic[1])
    return form


def _basic_credentials(header: str) -> tuple[str, str] | None:
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "basic" or not value:
        return None
    try:
        user, _, password = base64.b64decode(value.strip()).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return None
    return unquote(user), unquote(password)


def json_reply(body: dict[str, Any], status: int = 200, no_store: bool = False) -> Response:
    return JSONResponse(body, status, headers=NO_STORE if no_store else None,
                        media_type="application/json; charset=utf-8")


def error_body(error: SignInError, correlation_id: str | None = None) -> dict[str, Any]:
    trace, correlation = str(uuid.uuid4()), correlation_id or str(uuid.uuid4())
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%SZ")
    body: dict[str, Any] = {
        "error": error.error,
        "error_description": f"{error.description}\r\nTrace ID: {trace}\r\nCorrelation ID: {correlation}"
                             f"\r\nTimestamp: {stamp}",
        "error_codes": [error.code] if error.code is not None else [],
        "timestamp": stamp, "trace_id": trace, "correlation_id": correlation,
    }
    if error.code is not None:
        body["error_uri"] = f"https://login.microsoftonline.com/error?code={error.code}"
    return body


def error_reply(error: SignInError, request: Request) -> Response:
    return json_reply(error_body(error, request.headers.get("client-request-id")), error.status, no_store=True)


Endpoint = Callable[[Request], Awaitable[Response]]


def endpoint(work: Callable[[Request, dict[str, str]], Response], form: bool = False) -> Endpoint:
    """An ASGI endpoint running `work(request, form)` off the event loop; every failure becomes the
    identity platform's error JSON (never a traceback)."""
    async def handle(request: Request) -> Response:
        try:
            values = await read_form(request) if form and request.method == "POST" else dict(request.query_params)
            return await run_in_threadpool(work, request, values)
        except SignInError as error:
            return error_reply(error, request)
        except GraphError as error:
            return error_reply(SignInError("invalid_request", 90014, error.message), request)
        except Exception:  # noqa: BLE001 - answered, not raised
            logging.getLogger("calgraph.signin").exception("sign-in endpoint failed")
            return error_reply(SignInError("server_error", 90033,
                                           "A transient error has occurred. Please try again.", 500), request)
    return handle


def html_reply(page: str, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    base = {"Cache-Control": "no-store", "X-Frame-Options": "DENY",
            "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; form-action *; "
                                       "script-src 'unsafe-inline'; frame-ancestors 'none'"}
    return HTMLResponse(page, status, headers={**base, **(headers or {})})
