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
from calgraph.http.resources import mailbox_settings, places, schedule
from calgraph.services.runtime import Runtime
from calgraph.services.tokens import TokenService
from calgraph.settings import Settings
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
)


def create_app(settings: Settings, store: Store, runtime: Runtime | None = None) -> Starlette:
    runtime = runtime or Runtime(store, attachment_quota=settings.attachment_quota_mb * 1024 * 1024)
    dispatcher = Dispatcher(runtime, TokenService(store), merge_routes(ROUTE_TABLES))
    # the dispatcher answers every path and method (even paths no route pattern matches, such as one
    # holding an encoded newline), so unknown ones get Graph's envelope, not Starlette's plain text
    # an upload session's URL carries its own authorization: its own route, beside Graph's paths
    upload = Route(uploads.ROUTE, uploads.upload_endpoint, methods=["PUT", "GET", "DELETE", "POST"])
    app = Starlette(routes=[upload])
    app.router.default = dispatcher
    app.state.settings = settings
    app.state.runtime = runtime
    return app
