"""Composition root: wires the store, the token service and every resource's routes into one app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.routing import Mount, Route, Router
from starlette.types import Receive, Scope, Send

from calgraph.http import notification_payload, uploads
from calgraph.http.dispatch import Dispatcher, merge_routes
from calgraph.http.resources import (
    attachments, calendar_permissions, calendar_view, calendars, categories, delta, directory, event_actions, events,
    extensions, mail, reminders, subscriptions,
)
from calgraph.core.faults import GRAPH_LIMITS
from calgraph.http.control.api import ControlApi
from calgraph.http.control.ui import Inspector
from calgraph.services.admin_tokens import AdminTokens
from calgraph.services.control import Control, TenantClock
from calgraph.services.notifications import NotificationDispatcher
from calgraph.http.resources import mailbox_settings, places, schedule
from calgraph.services.runtime import Runtime
from calgraph.services.webhooks import Webhooks
from calgraph.services.signin import SignIn
from calgraph.services.tokens import TokenService
from calgraph.settings import Settings
from calgraph.signin.routes import routes as signin_routes
from calgraph.store.interface import Store

ROUTE_TABLES = (
    directory.ROUTES,
    calendars.ROUTES,
    calendar_permissions.ROUTES,
    events.ROUTES,
    calendar_view.ROUTES,
    event_actions.ROUTES,
    mail.ROUTES,
    mailbox_settings.ROUTES,
    schedule.ROUTES,
    places.ROUTES,
    extensions.ROUTES,
    categories.ROUTES,
    reminders.ROUTES,
    attachments.ROUTES,
    delta.ROUTES,
    subscriptions.ROUTES,
)


GRAPH_PATHS = ("/v1.0/", "/beta/")


class CalgraphApp(Starlette):
    """Graph's paths go straight to the dispatcher (the router's default), past the route table and
    Starlette's middleware, which only the other paths need (the dispatcher answers every error itself)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(GRAPH_PATHS):
            scope["app"] = self
            await self.router.default(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


def create_app(settings: Settings, store: Store, runtime: Runtime | None = None) -> Starlette:
    clock = runtime.clock if runtime is not None and isinstance(runtime.clock, TenantClock) else TenantClock()
    runtime = runtime or Runtime(store, clock=clock, attachment_quota=settings.attachment_quota_mb * 1024 * 1024,
                                 webhooks=Webhooks(allowed_hosts=settings.notify_allow,
                                                   https_only=settings.notify_https_only))
    tokens = TokenService(store)   # token validation keeps real time, whatever the tenant's clock says
    control = None
    if settings.control_enabled or settings.throttle:
        control = Control(store, clock, GRAPH_LIMITS if settings.throttle == "graph" else None,
                          forget=tokens.forget_users)
    dispatcher = Dispatcher(runtime, tokens, merge_routes(ROUTE_TABLES), control)
    # the dispatcher answers every path and method (even paths no route pattern matches, such as one
    # holding an encoded newline), so unknown ones get Graph's envelope, not Starlette's plain text
    store.clock = runtime.clock   # the change log and outbox keep the tenant's time
    notifier = None
    if settings.deliver_notifications:   # `calgraph serve`: the outbox is delivered by this process too
        hooks = runtime.webhooks
        notifier = NotificationDispatcher(store, notification_payload.render, hooks and hooks.transport,
                                          hooks and hooks.schedule, clock=runtime.clock)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        if notifier is not None:
            notifier.start()
        try:
            yield
        finally:
            if notifier is not None:
                notifier.stop()

    # an upload session's URL carries its own authorization: its own route, beside Graph's paths
    upload = Route(uploads.ROUTE, uploads.upload_endpoint, methods=["PUT", "GET", "DELETE", "POST"])
    app = CalgraphApp(routes=[upload, *signin_routes()], lifespan=lifespan)   # and the identity platform's endpoints, at the root
    if settings.control_enabled and control is not None:
        admin = AdminTokens(store)
        api = ControlApi(runtime, control, admin)
        inspector = Inspector(runtime, control, admin)
        app.router.routes.append(Mount("/_calgraph", app=Router([*api.routes(), *inspector.routes()],
                                                                default=api.not_found)))
        app.state.admin = admin
    app.router.default = dispatcher
    app.state.settings = settings
    app.state.signin = SignIn(store, tokens, device_interval=settings.device_interval)
    app.state.runtime = runtime
    app.state.control = control
    return app
