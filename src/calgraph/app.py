"""Composition root: wires the store, the token service and every resource's routes into one app."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import Route

from calgraph.http import uploads
from calgraph.http.dispatch import Dispatcher, merge_routes
from calgraph.http.resources import (
    attachments, calendar_permissions, calendar_view, calendars, categories, directory, event_actions, events,
    extensions, mail, reminders,
)
from calgraph.services.runtime import Runtime
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
    extensions.ROUTES,
    categories.ROUTES,
    reminders.ROUTES,
    attachments.ROUTES,
)


def create_app(settings: Settings, store: Store, runtime: Runtime | None = None) -> Starlette:
    runtime = runtime or Runtime(store, attachment_quota=settings.attachment_quota_mb * 1024 * 1024)
    tokens = TokenService(store)
    dispatcher = Dispatcher(runtime, tokens, merge_routes(ROUTE_TABLES))
    # the dispatcher answers every path and method (even paths no route pattern matches, such as one
    # holding an encoded newline), so unknown ones get Graph's envelope, not Starlette's plain text
    # an upload session's URL carries its own authorization: its own route, beside Graph's paths
    upload = Route(uploads.ROUTE, uploads.upload_endpoint, methods=["PUT", "GET", "DELETE", "POST"])
    app = Starlette(routes=[upload, *signin_routes()])   # and the identity platform's endpoints, at the root
    app.router.default = dispatcher
    app.state.settings = settings
    app.state.signin = SignIn(store, tokens, device_interval=settings.device_interval)
    app.state.runtime = runtime
    return app
