"""/_calgraph/…: the control plane's HTTP face (reset, snapshots, seed, messages, requests, clock, faults).

Every route takes the admin token (`calgraph token --admin`) as a bearer token, or the inspector's
session cookie; a Graph token is refused. Errors are Graph's envelope."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timezone
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from calgraph.core.clock import ClockState
from calgraph.core.datetimes import format_instant_seconds
from calgraph.core.errors import (
    InvalidAuthenticationToken, ItemNotFound, MethodNotAllowed, UnknownRoute,
)
from calgraph.http.auth import bearer_token
from calgraph.http.dispatch import read_body
from calgraph.http.control import bodies
from calgraph.http.control import seed as seed_reader
from calgraph.http.errors import error_reply
from calgraph.http.reply import Reply, dumps
from calgraph.services import control as service
from calgraph.services import inspection, snapshots
from calgraph.services import seed as seed_service
from calgraph.services.admin_tokens import AdminTokens
from calgraph.services.control import Control
from calgraph.services.runtime import Runtime
from calgraph.request_threads import run_in_threadpool

SESSION_COOKIE = "calgraph_session"
ANY_METHOD = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
Handler = Callable[["ControlApi", Request, bytes], Reply]


class ControlApi:
    def __init__(self, runtime: Runtime, control: Control, admin: AdminTokens) -> None:
        self.runtime = runtime
        self.control = control
        self.admin = admin

    def routes(self) -> list[Route]:
        table: list[tuple[str, list[str], Handler]] = [
            ("/reset", ["POST"], reset),
            ("/snapshots", ["GET"], list_snapshots),
            ("/snapshots", ["POST"], save_snapshot),
            ("/snapshots/{name}/restore", ["POST"], restore_snapshot),
            ("/snapshots/{name}", ["DELETE"], delete_snapshot),
            ("/seed", ["POST"], seed),
            ("/seed/schema", ["GET"], seed_schema),
            ("/messages", ["GET"], messages),
            ("/requests", ["GET"], requests),
            ("/clock", ["GET"], get_clock),
            ("/clock", ["PUT"], put_clock),
            ("/clock/advance", ["POST"], advance_clock),
            ("/faults", ["GET"], list_faults),
            ("/faults", ["POST"], add_fault),
            ("/faults", ["DELETE"], clear_faults),
            ("/faults/{id}", ["DELETE"], delete_fault),
        ]
        by_path: dict[str, dict[str, Handler]] = {}
        for path, methods, handler in table:
            by_path.setdefault(path, {}).update({method: handler for method in methods})
        return [Route(path, self.endpoint(handlers), methods=list(ANY_METHOD)) for path, handlers in by_path.items()]

    def endpoint(self, handlers: dict[str, Handler]) -> Callable[[Request], Awaitable[Response]]:
        async def run(request: Request) -> Response:
            request_id = str(uuid.uuid4())
            try:
                body = await read_body(request, MAX_BODY)
                reply = await run_in_threadpool(self._guarded, handlers, request, body)
            except Exception as error:  # Graph's envelope, never a traceback
                reply = error_reply(error, request_id, request_id)
            return render(reply, request_id)
        return run

    async def not_found(self, scope: Any, receive: Any, send: Any) -> None:
        request_id = str(uuid.uuid4())
        await render(error_reply(UnknownRoute(), request_id, request_id), request_id)(scope, receive, send)

    def _guarded(self, handlers: dict[str, Handler], request: Request, body: bytes) -> Reply:
        self.authorize(request)
        handler = handlers.get(request.method.upper())
        if handler is None:
            raise MethodNotAllowed()
        return handler(self, request, body)

    def authorize(self, request: Request) -> None:
        token = bearer_token(request.headers) or request.cookies.get(SESSION_COOKIE, "")
        if not self.admin.verify(token):
            raise InvalidAuthenticationToken("The control plane takes an admin token (calgraph token --admin).")
        if not bearer_token(request.headers) and request.method != "GET":
            # a cookie alone may not change anything without the page's CSRF token
            if not self.admin.csrf_matches(token, request.headers.get("x-csrf-token", "")):
                raise InvalidAuthenticationToken("Missing or wrong CSRF token.")


MAX_BODY = 32 * 1024 * 1024   # a seed document of a large tenant


def render(reply: Reply, request_id: str) -> Response:
    headers = {"request-id": request_id, "Cache-Control": "no-store", **reply.headers}
    if reply.body is None:
        return Response(status_code=reply.status, headers=headers)
    return Response(dumps(reply.body), status_code=reply.status, headers=headers, media_type="application/json")


def instant(value: datetime) -> str:
    return format_instant_seconds(value.astimezone(timezone.utc))


# -- reset and snapshots -------------------------------------------------------------------------------

def reset(api: ControlApi, request: Request, body: bytes) -> Reply:
    values = bodies.optional_object(body)
    to = bodies.choice(values, "to", ("seed", "empty"), default="seed")
    snapshots.reset(api.control, to)
    return Reply(204)


def list_snapshots(api: ControlApi, request: Request, body: bytes) -> Reply:
    return Reply(200, {"value": [{"name": name, "createdDateTime": instant(created)}
                                 for name, created in snapshots.list_all(api.control)]})


def save_snapshot(api: ControlApi, request: Request, body: bytes) -> Reply:
    name = bodies.snapshot_name(bodies.json_object(body))
    created = snapshots.save(api.control, name)
    return Reply(201, {"name": name, "createdDateTime": instant(created)})


def restore_snapshot(api: ControlApi, request: Request, body: bytes) -> Reply:
    snapshots.restore(api.control, request.path_params["name"])
    return Reply(204)


def delete_snapshot(api: ControlApi, request: Request, body: bytes) -> Reply:
    snapshots.delete(api.control, request.path_params["name"])
    return Reply(204)


def seed(api: ControlApi, request: Request, body: bytes) -> Reply:
    plan = seed_reader.read_json(bodies.json_object(body))
    result = seed_service.apply(api.runtime, api.control, plan, str(request.base_url).rstrip("/"))
    return Reply(200, {"users": result.users, "groups": result.groups, "rooms": result.rooms,
                       "calendars": result.calendars})


def seed_schema(api: ControlApi, request: Request, body: bytes) -> Reply:
    return Reply(200, seed_reader.schema())


# -- what happened ------------------------------------------------------------------------------------

def messages(api: ControlApi, request: Request, body: bytes) -> Reply:
    query = request.query_params
    since = bodies.parse_instant(query["since"], "since") if query.get("since") else None
    found = inspection.meeting_messages(api.runtime.store, query.get("mailbox"), query.get("type"), since,
                                        bodies.top(query.get("top"), inspection.MAX_MESSAGES), query.get("subject"))
    return Reply(200, {"value": [message_json(item) for item in found]})


def message_json(item: inspection.DeliveredMessage) -> dict[str, Any]:
    msg = item.message
    sender = msg.sender
    return {
        "id": msg.id,
        "mailbox": item.mailbox.address,
        "folder": item.folder,
        "meetingMessageType": msg.meeting.message_type if msg.meeting else None,
        "subject": msg.subject,
        "receivedDateTime": instant(msg.received) if msg.received else None,
        "from": {"emailAddress": {"name": sender.name, "address": sender.address}} if sender else None,
        "eventId": msg.event_id,
    }


def requests(api: ControlApi, request: Request, body: bytes) -> Reply:
    entries = api.control.requests.newest(bodies.top(request.query_params.get("top"), 2000, default=100))
    names = inspection.caller_names(api.runtime.store, {entry.caller for entry in entries})
    return Reply(200, {"value": [{
        "method": entry.method, "path": entry.path, "status": entry.status,
        "caller": names.get(entry.caller, entry.caller), "durationMs": entry.duration_ms,
        "dateTime": instant(entry.at),
    } for entry in entries]})


# -- the clock -------------------------------------------------------------------------------------------

def clock_json(state: ClockState, now: datetime) -> dict[str, Any]:
    out: dict[str, Any] = {"mode": state.mode, "now": now.astimezone(timezone.utc).isoformat(
        timespec="milliseconds").replace("+00:00", "Z")}
    if state.mode == "frozen" and state.frozen_at is not None:
        out["frozenAt"] = instant(state.frozen_at)
    if state.mode == "offset":
        out["offsetSeconds"] = state.offset_seconds
    return out


def get_clock(api: ControlApi, request: Request, body: bytes) -> Reply:
    return Reply(200, clock_json(*service.get_clock(api.control)))


def put_clock(api: ControlApi, request: Request, body: bytes) -> Reply:
    return Reply(200, clock_json(*service.set_clock(api.control, bodies.clock_state(bodies.json_object(body)))))


def advance_clock(api: ControlApi, request: Request, body: bytes) -> Reply:
    seconds = bodies.number(bodies.json_object(body), "seconds", required=True, low=-bodies.MAX_SHIFT,
                           high=bodies.MAX_SHIFT)
    return Reply(200, clock_json(*service.advance_clock(api.control, seconds)))


# -- fault rules --------------------------------------------------------------------------------------

def list_faults(api: ControlApi, request: Request, body: bytes) -> Reply:
    return Reply(200, {"value": [bodies.rule_json(rule, left) for rule, left in service.list_faults(api.control)]})


def add_fault(api: ControlApi, request: Request, body: bytes) -> Reply:
    rule = service.add_fault(api.control, bodies.fault_rule(bodies.json_object(body)))
    return Reply(201, bodies.rule_json(rule, rule.times))


def clear_faults(api: ControlApi, request: Request, body: bytes) -> Reply:
    service.clear_faults(api.control)
    return Reply(204)


def delete_fault(api: ControlApi, request: Request, body: bytes) -> Reply:
    if not service.delete_fault(api.control, request.path_params["id"]):
        raise ItemNotFound(f"There is no fault rule with id '{request.path_params['id']}'.")
    return Reply(204)

