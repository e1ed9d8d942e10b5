"""The one ASGI endpoint: route, authenticate, run the resource handler, render JSON or an error."""

from __future__ import annotations

import time
import uuid
from functools import partial
from typing import Callable, Iterable, Mapping

from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.types import Receive, Scope, Send

from calgraph.core import timezones
from calgraph.core.errors import MethodNotAllowed, PayloadTooLarge, UnknownRoute
from calgraph.http import batch, odata, routing
from calgraph.http.auth import authenticate
from calgraph.http.context import RequestContext
from calgraph.http.errors import error_reply
from calgraph.http.reply import Reply, encode_body
from calgraph.request_threads import run_in_threadpool
from calgraph.core.permissions import Principal
from calgraph.services.control import Control, Target, addressed_mailbox
from calgraph.services.request_log import LoggedRequest
from calgraph.services.runtime import Runtime
from calgraph.services.tokens import TokenService

Handler = Callable[[RequestContext], Reply]
RouteTable = Mapping[tuple[str, str], Handler]

JSON = "application/json"
MAX_BODY = 4 * 1024 * 1024
ATTACHMENT_BODY = 5 * 1024 * 1024   # a POST of an attachment: 3 MB of content, base64, and its JSON


def merge_routes(tables: Iterable[RouteTable]) -> dict[tuple[str, str], Handler]:
    merged: dict[tuple[str, str], Handler] = {}
    for table in tables:
        for key, handler in table.items():
            assert key not in merged, f"route {key} registered twice"
            merged[key] = handler
    return merged


class Dispatcher:
    def __init__(self, runtime: Runtime, tokens: TokenService, routes: RouteTable,
                 control: Control | None = None) -> None:
        self.runtime = runtime
        self.tokens = tokens
        self.routes = routes
        self.kinds = {kind for kind, _ in routes}
        self.control = control   # the test harness: clock, fault rules, throttling, request log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """As an ASGI app, for every HTTP method (unsupported ones are answered by `handle`)."""
        response = await self.handle(Request(scope, receive))
        await response(scope, receive, send)

    async def handle(self, request: Request) -> Response:
        request_id = str(uuid.uuid4())
        client_request_id = request.headers.get("client-request-id") or request_id
        prefs = None
        started = time.perf_counter()
        seen: dict[str, str] = {}
        try:
            raw_path = _raw_path(request)
            body = await read_body(request, ATTACHMENT_BODY if _is_attachment_post(request.method, raw_path)
                                    else MAX_BODY)
            prefs, reply = await run_in_threadpool(self._run, request, raw_path, body, seen)  # DB work: off the loop
        except Exception as error:  # every failure becomes Graph's envelope, never a traceback
            reply = error_reply(error, request_id, client_request_id)
        if self.control is not None:
            self.control.requests.add(LoggedRequest(
                request.method.upper(), request.scope["path"], reply.status, seen.get("caller", ""),
                round((time.perf_counter() - started) * 1000, 3), self.control.clock()))
        return self._render(reply, request_id, client_request_id, prefs)

    def _run(self, request: Request, raw_path: str, body: bytes,
             seen: dict[str, str]) -> tuple[odata.Preferences, Reply]:
        control = self.control
        if control is not None:
            control.refresh()
        ctx = self._context(request, raw_path, body)
        seen["caller"] = _caller(ctx.principal)
        handler = self._handler(ctx)
        if control is None or not control.active:
            return ctx.prefs, handler(ctx)
        owner = ctx.address.owner
        target = Target(ctx.method, _after_version(request.scope["path"]), ctx.principal, partial(
            addressed_mailbox, self.runtime.store, ctx.principal, owner and owner.kind, owner and owner.key),
            ctx.address.action or "")
        with control.admitted(target):
            return ctx.prefs, handler(ctx)

    def _context(self, request: Request, raw_path: str, body: bytes) -> RequestContext:
        principal = authenticate(request.headers, self.tokens)
        address = routing.parse(raw_path)
        prefs = odata.parse_prefer(request.headers.getlist("prefer"))
        options = odata.parse_query_string(request.scope.get("query_string", b""), prefs)
        if prefs.timezone is not None:
            timezones.resolve(prefs.timezone)
        return RequestContext(
            method=request.method.upper(),
            address=address,
            principal=principal,
            options=options,
            prefs=prefs,
            headers=request.headers,
            raw_body=body,
            base_url=str(request.base_url).rstrip("/"),
            raw_path=raw_path,
            runtime=self.runtime,
        )

    def _handler(self, ctx: RequestContext) -> Handler:
        if ctx.address.kind == "batch":
            if ctx.method != "POST":
                raise MethodNotAllowed()
            return lambda batch_ctx: batch.run(batch_ctx, self.run_item)
        handler = self.routes.get((ctx.address.kind, ctx.method))
        if handler is not None:
            return handler
        if ctx.address.kind in self.kinds:
            raise MethodNotAllowed()
        raise UnknownRoute()

    def run_item(self, parent: RequestContext, method: str, raw_path: str, query: bytes, headers: Headers,
                 body: bytes) -> Reply:
        """One request of a `$batch`, as if sent alone with the batch's token (errors as replies)."""
        request_id = str(uuid.uuid4())
        try:
            if len(body) > MAX_BODY:
                raise PayloadTooLarge()
            prefs = odata.parse_prefer(headers.getlist("prefer"))
            options = odata.parse_query_string(query, prefs)
            if prefs.timezone is not None:
                timezones.resolve(prefs.timezone)
            ctx = RequestContext(method=method, address=routing.parse(raw_path), principal=parent.principal,
                                 options=options, prefs=prefs, headers=headers, raw_body=body,
                                 base_url=parent.base_url, raw_path=raw_path, runtime=self.runtime)
            handler = self._handler(ctx)
            control = self.control
            if control is None or not control.active:
                reply = handler(ctx)
            else:   # each item meets fault rules and throttling as a lone request would (429 + Retry-After)
                owner = ctx.address.owner
                target = Target(method, _after_version(raw_path), ctx.principal, partial(
                    addressed_mailbox, self.runtime.store, ctx.principal, owner and owner.kind, owner and owner.key),
                    ctx.address.action or "")
                with control.admitted(target):
                    reply = handler(ctx)
            applied = odata.applied_header(prefs) if reply.status < 300 else None
            if applied:
                reply.headers["Preference-Applied"] = applied
            return reply
        except Exception as error:  # noqa: BLE001 - each item answers for itself
            return error_reply(error, request_id, headers.get("client-request-id") or request_id)

    def _render(self, reply: Reply, request_id: str, client_request_id: str,
                prefs: odata.Preferences | None) -> Response:
        headers = {
            "request-id": request_id,
            "client-request-id": client_request_id,
            "Cache-Control": "private",
            **reply.headers,
        }
        if prefs is not None and reply.status < 300:
            applied = odata.applied_header(prefs)
            if applied:
                headers["Preference-Applied"] = applied
        if reply.stream is not None:
            return StreamingResponse(reply.stream, status_code=reply.status, headers=headers)
        if reply.body is None:
            return Response(status_code=reply.status, headers=headers)
        content = encode_body(reply.body)
        return Response(content, status_code=reply.status, headers=headers, media_type=JSON)


def _caller(principal: Principal) -> str:
    return principal.user_id or f"app:{principal.app_id}"


def _after_version(path: str) -> str:
    """/v1.0/me/events -> /me/events"""
    head, sep, rest = path.lstrip("/").partition("/")
    return "/" + rest if sep else "/"


def _raw_path(request: Request) -> str:
    raw = request.scope.get("raw_path")
    if raw:
        return raw.decode("latin-1").split("?", 1)[0]
    return request.scope["path"]


def _is_attachment_post(method: str, raw_path: str) -> bool:
    return method.upper() == "POST" and raw_path.rstrip("/").lower().endswith("/attachments")


async def read_body(request: Request, limit: int = MAX_BODY) -> bytes:
    """The request's body, or PayloadTooLarge once it passes `limit` bytes (read no further)."""
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise PayloadTooLarge()
        chunks.append(chunk)
    return b"".join(chunks)
