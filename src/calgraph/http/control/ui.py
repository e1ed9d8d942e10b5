"""The web inspector at /_calgraph/ui: mailboxes, a week of any calendar, an event's attendees and their
answers, meeting messages, the request log, and the fault rules and clock with buttons to change them.

Sign-in: the admin token as a bearer token, or the one-time link `calgraph serve` prints
(/_calgraph/ui?login=…), which sets an HttpOnly, SameSite=Strict session cookie. Buttons are forms
carrying a CSRF token bound to the session. The page follows the server (app.js polls /ui/state)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, timedelta
from urllib.parse import parse_qs

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import Route

from calgraph.core.errors import GraphError
from calgraph.http.auth import bearer_token
from calgraph.http.control import bodies
from calgraph.http.control import ui_pages as pages
from calgraph.http.control.api import SESSION_COOKIE
from calgraph.services import control as service
from calgraph.services import inspection, snapshots
from calgraph.services.admin_tokens import AdminTokens
from calgraph.services.control import Control
from calgraph.services.runtime import Runtime
from calgraph.request_threads import run_in_threadpool

HEADERS = {
    "Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'unsafe-inline'; "
                               "frame-ancestors 'none'; form-action 'self'",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    "Referrer-Policy": "same-origin",
}


class NotSignedIn(Exception):
    pass


class Inspector:
    def __init__(self, runtime: Runtime, control: Control, admin: AdminTokens) -> None:
        self.runtime = runtime
        self.control = control
        self.admin = admin

    def routes(self) -> list[Route]:
        return [
            Route("/ui", self.overview, methods=["GET"]),
            Route("/ui/app.js", self.script, methods=["GET"]),
            Route("/ui/state", self.view(self._state), methods=["GET"]),
            Route("/ui/mailboxes/{address}", self.view(self._mailbox), methods=["GET"]),
            Route("/ui/mailboxes/{address}/events/{event_id}", self.view(self._event), methods=["GET"]),
            Route("/ui/reset", self.action(self._reset), methods=["POST"]),
            Route("/ui/clock", self.action(self._clock), methods=["POST"]),
            Route("/ui/faults", self.action(self._add_fault), methods=["POST"]),
            Route("/ui/faults/clear", self.action(self._clear_faults), methods=["POST"]),
            Route("/ui/faults/{rule_id}/delete", self.action(self._delete_fault), methods=["POST"]),
        ]

    # -- sign-in ---------------------------------------------------------------------------------------

    def session(self, request: Request) -> str:
        token = bearer_token(request.headers) or request.cookies.get(SESSION_COOKIE, "")
        if not self.admin.verify(token):
            raise NotSignedIn()
        return token

    async def overview(self, request: Request) -> Response:
        code = request.query_params.get("login")
        if code is not None:
            if not await run_in_threadpool(self.admin.redeem_login, code):
                return html(pages.login_needed(), 401)
            response = RedirectResponse(pages.ROOT, status_code=303, headers=HEADERS)
            response.set_cookie(SESSION_COOKIE, self.admin.issue(), httponly=True, samesite="strict",
                                path="/_calgraph")
            return response
        return await self.view(self._overview)(request)

    async def script(self, request: Request) -> Response:
        return Response(pages.APP_JS, media_type="text/javascript", headers=HEADERS)

    # -- pages -------------------------------------------------------------------------------------------

    def view(self, render: Callable[[Request, str], Response]) -> Callable[[Request], Awaitable[Response]]:
        async def run(request: Request) -> Response:
            try:
                session = self.session(request)
                return await run_in_threadpool(render, request, session)
            except NotSignedIn:
                return html(pages.login_needed(), 401)
            except GraphError as error:
                return html(pages.page("Not found", f"<p>{pages.e(error.message)}</p>"), error.status)
        return run

    def _overview(self, request: Request, session: str) -> Response:
        self.control.refresh()
        return html(pages.overview(
            inspection.mailboxes(self.runtime.store), service.get_clock(self.control),
            service.list_faults(self.control), self.control.requests.newest(50),
            inspection.meeting_messages(self.runtime.store, top=50), self.admin.csrf_token(session)))

    def _state(self, request: Request, session: str) -> Response:
        self.control.refresh()
        value = inspection.fingerprint(self.runtime.store, self.control.version, self.control.requests.changes)
        return JSONResponse({"fingerprint": value}, headers=HEADERS)

    def _mailbox(self, request: Request, session: str) -> Response:
        address = request.path_params["address"]
        week = request.query_params.get("week")
        try:
            start = date.fromisoformat(week) if week else None
        except ValueError:
            start = None
        if start is None:
            today = self.control.clock().date()
            start = today - timedelta(days=today.weekday())
        view = inspection.week(self.runtime, address, request.query_params.get("calendar"), start)
        return html(pages.week_view(view, inspection.meeting_messages(self.runtime.store, address, top=50)))

    def _event(self, request: Request, session: str) -> Response:
        mailbox, event = inspection.event_detail(self.runtime, request.path_params["address"],
                                                 request.path_params["event_id"])
        return html(pages.event_page(mailbox, event))

    # -- buttons -----------------------------------------------------------------------------------------

    def action(self, act: Callable[[Request, dict[str, str]], None]) -> Callable[[Request], Awaitable[Response]]:
        async def run(request: Request) -> Response:
            form = {k: v[-1] for k, v in parse_qs((await request.body()).decode(errors="replace")).items()}
            try:
                session = self.session(request)
            except NotSignedIn:
                return html(pages.login_needed(), 401)
            if request.cookies.get(SESSION_COOKIE) and not self.admin.csrf_matches(session, form.get("csrf", "")):
                return html(pages.page("Refused", "<p>The form's CSRF token is missing or wrong.</p>"), 403)
            try:
                await run_in_threadpool(act, request, form)
            except GraphError as error:
                return html(pages.page("Refused", f"<p>{pages.e(error.message)}</p>"), error.status)
            return RedirectResponse(_back(request), status_code=303, headers=HEADERS)
        return run

    def _reset(self, request: Request, form: dict[str, str]) -> None:
        snapshots.reset(self.control, "empty" if form.get("to") == "empty" else "seed")

    def _clock(self, request: Request, form: dict[str, str]) -> None:
        if form.get("advance"):
            seconds = bodies.number({"seconds": _number(form["advance"])}, "seconds", low=-bodies.MAX_SHIFT,
                                    high=bodies.MAX_SHIFT)
            service.advance_clock(self.control, seconds)
        elif form.get("real"):
            service.set_clock(self.control, bodies.clock_state({"mode": "real"}))
        else:
            service.set_clock(self.control, bodies.clock_state({"frozenAt": form.get("frozenAt", "")}))

    def _add_fault(self, request: Request, form: dict[str, str]) -> None:
        values: dict[str, object] = {k: v.strip() for k, v in form.items() if k != "csrf" and v.strip()}
        for name in ("status", "retryAfter", "times", "latencyMs"):
            if name in values:
                values[name] = _number(str(values[name]))
        service.add_fault(self.control, bodies.fault_rule(values))

    def _clear_faults(self, request: Request, form: dict[str, str]) -> None:
        service.clear_faults(self.control)

    def _delete_fault(self, request: Request, form: dict[str, str]) -> None:
        service.delete_fault(self.control, request.path_params["rule_id"])


def html(text: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(text, status_code=status, headers=HEADERS)


def _number(text: str) -> object:
    try:
        return int(text)
    except ValueError:
        try:
            return float(text)
        except ValueError:
            return text


def _back(request: Request) -> str:
    """Where the form was (same-origin Referer under the inspector), else the overview."""
    referer = request.headers.get("referer", "")
    origin = f"{request.url.scheme}://{request.url.netloc}"
    if referer.startswith(origin + pages.ROOT):
        return referer[len(origin):]
    return pages.ROOT
