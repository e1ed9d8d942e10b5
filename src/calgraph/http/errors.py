"""Renders any GraphError (or unexpected exception) as Graph's error envelope, in one place."""

from __future__ import annotations

import logging
from datetime import datetime, timezone

from calgraph.core.datetimes import format_error_date
from calgraph.core.errors import GraphError, InvalidAuthenticationToken
from calgraph.http.auth import WWW_AUTHENTICATE
from calgraph.http.reply import Reply

log = logging.getLogger("calgraph")


def error_reply(error: BaseException, request_id: str, client_request_id: str) -> Reply:
    if not isinstance(error, GraphError):
        log.exception("unhandled error", exc_info=error)
        error = GraphError()
    body = {
        "error": {
            "code": error.code,
            "message": error.message,
            "innerError": {
                "date": format_error_date(datetime.now(timezone.utc)),
                "request-id": request_id,
                "client-request-id": client_request_id,
            },
        }
    }
    headers = {"WWW-Authenticate": WWW_AUTHENTICATE} if isinstance(error, InvalidAuthenticationToken) else {}
    headers.update(getattr(error, "headers", {}))  # Retry-After of an injected fault or throttling
    return Reply(error.status, body, headers)
