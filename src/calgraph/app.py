"""Composition root: wires the store, the token service and every resource's routes into one app."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.routing import Route

from calgraph.http import notification_payload, uploads
from calgraph.http.dispatch import Dispatcher, merge_routes
from calgraph.http.resources import (
    attachments, calendar_permissions, calendar_view, calendars, categories, delta, directory, event_actions, events,
    extensions, mail, reminders, subscriptions,
)
from calgraph.services.notifications import NotificationDispatcher
from calgraph.services.runtime import Runtime
from calgraph.services.webhooks import Webhooks
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
    extensions.ROUTES,
    categories.ROUTES,
    reminders.ROUTES,
    attachments.ROUTES,
    delta.ROUTES,
    subscriptions.ROUTES,
)


def create_app(settings: Settings, store: Store, runtime: Runtime | None = None) -> Starlette:
    runtime = runtime or Runtime(store, attachment_quota=settings.attachment_quota_mb * 1024 * 1024,
                                 webhooks=Webhooks(allowed_hosts=settings.notify_allow,
                                                   https_only=settings.notify_https_only))
    dispatcher = Dispatcher(runtime, TokenService(store), merge_routes(ROUTE_TABLES))
    # the dispatcher answers every path and method (even paths no route pattern matches, such as one
    # holding an encoded newline), so unknown ones get Graph's envelope, not Starlette's plain text
    notifier = None
    if settings.deliver_notifications:   # `calgraph serve`: the outbox is delivered by this process too
        hooks = runtime.webhooks
        notifier = NotificationDispatcher(store, notification_payload.render, hooks and hooks.transport,
                                          hooks and hooks.schedule)

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
    app = Starlette(routes=[upload], lifespan=lifespan)
    app.router.default = dispatcher
    app.state.settings = settings
    app.state.runtime = runtime
    return app
