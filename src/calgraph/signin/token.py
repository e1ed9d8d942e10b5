"""The token and device-code endpoints."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from calgraph.signin.common import json_reply, origin, signin


def token(request: Request, form: dict[str, str]) -> Response:
    body = signin(request).token(request.path_params["tenant"], form, origin(request))
    return json_reply(body, no_store=True)


def device_code(request: Request, form: dict[str, str]) -> Response:
    body = signin(request).start_device_flow(request.path_params["tenant"], form, origin(request))
    return json_reply(body, no_store=True)
