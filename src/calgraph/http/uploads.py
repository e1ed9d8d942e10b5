"""The upload URL of an attachment upload session: `/upload/attachmentSessions/{id}?authtoken=…`.

As Graph's, it carries its own authorization (the secret in `authtoken`, kept hashed), so clients send
no bearer token to it. PUT takes one range (`Content-Range`); its bytes are spooled to a temporary file
(at most one chunk in memory) and then stored in one unit of work. GET answers the session's state,
DELETE cancels it."""

from __future__ import annotations

import uuid
from tempfile import SpooledTemporaryFile

from starlette.requests import Request
from starlette.responses import Response

from calgraph.core import attachments as rules
from calgraph.core.errors import BadRequest
from calgraph.http import render
from calgraph.http.errors import error_reply
from calgraph.http.reply import Reply, encode_body
from calgraph.services import attachments as service
from calgraph.services.runtime import Runtime
from calgraph.request_threads import run_in_threadpool

ROUTE = "/upload/attachmentSessions/{session_id}"


def _status(session: rules.UploadSession, received: int) -> dict:
    return {"expirationDateTime": render.format_instant(session.expires),
            "nextExpectedRanges": rules.next_expected(received, session.attachment.size)}


def _json(reply: Reply, request_id: str, extra: dict[str, str] | None = None) -> Response:
    headers = {"request-id": request_id, "client-request-id": request_id, **reply.headers, **(extra or {})}
    if reply.body is None:
        return Response(status_code=reply.status, headers=headers)
    return Response(encode_body(reply.body), status_code=reply.status, headers=headers, media_type="application/json")


async def upload_endpoint(request: Request) -> Response:
    runtime: Runtime = request.app.state.runtime
    request_id = str(uuid.uuid4())
    session_id = request.path_params["session_id"]
    secret = request.query_params.get("authtoken", "")
    try:
        method = request.method.upper()
        if method == "GET":
            session = await run_in_threadpool(service.upload_status, runtime, session_id, secret)
            return _json(Reply(200, _status(session, session.received)), request_id)
        if method == "DELETE":
            await run_in_threadpool(service.cancel_upload, runtime, session_id, secret)
            return _json(Reply(204), request_id)
        if method != "PUT":
            raise BadRequest(f"The upload URL takes PUT, GET or DELETE, not {method}.")
        return await _put(request, runtime, session_id, secret, request_id)
    except Exception as error:  # Graph's envelope, never a traceback
        return _json(error_reply(error, request_id, request_id), request_id)


async def _put(request: Request, runtime: Runtime, session_id: str, secret: str, request_id: str) -> Response:
    content_range = request.headers.get("content-range")
    declared = request.headers.get("content-length", "")
    if not declared.isdigit():
        raise rules.InvalidRange("A range needs its Content-Length.")
    await run_in_threadpool(service.check_range, runtime, session_id, secret, content_range, int(declared))
    with SpooledTemporaryFile(max_size=rules.CHUNK) as spool:
        size = 0
        async for piece in request.stream():
            size += len(piece)
            if size > int(declared):
                raise rules.InvalidRange("The request body is longer than its Content-Length.")
            await run_in_threadpool(spool.write, piece)
        spool.seek(0)
        step = await run_in_threadpool(service.upload_range, runtime, session_id, secret, content_range, spool, size)
    if step.done:
        session = step.session
        kind = "events" if session.item_kind == "event" else "messages"
        location = (f"{str(request.base_url).rstrip('/')}/v1.0/users('{session.attachment.mailbox_id}')/"
                    f"{kind}('{session.item_id}')/attachments('{session.attachment.id}')")
        return _json(Reply(201), request_id, {"Location": location})
    return _json(Reply(200, _status(step.session, step.received)), request_id)
