"""GET …/calendarView on every container form and GET …/events/{id}/instances on every event form.

The window is `startDateTime` / `endDateTime` (names case-insensitive): ISO 8601, an offset honoured, none
meaning UTC, never affected by Prefer: outlook.timezone. Either missing is Graph's 400 ErrorInvalidParameter;
an unreadable value is 400 ErrorInvalidParameter; an end at or before the start is an empty (200) page, as
no event can overlap it; a window over 1825 days is 400 ErrorInvalidRequest (services.calendar_view).
"""

from __future__ import annotations

from calgraph.core.datetimes import parse_instant
from calgraph.core.errors import InvalidParameter
from calgraph.http import odata, render
from calgraph.http.collections import collection, owner_segment
from calgraph.http.context import RequestContext
from calgraph.http.reply import Reply
from calgraph.http.resources.events import EXPANDABLE, SELECTABLE, scope, view
from calgraph.services import calendar_view as service
from calgraph.store.interface import EVENT_PROPERTIES

WINDOW = ("startDateTime", "endDateTime")
NO_WINDOW = ("This request requires a time window specified by the query string parameters "
             "StartDateTime and EndDateTime.")


def window(options: dict[str, str]) -> service.Window:
    """The [startDateTime, endDateTime) window of a request (option names arrive lower-cased)."""
    given = [options.get(name.lower()) for name in WINDOW]
    if any(value is None or not value.strip() for value in given):
        raise InvalidParameter(NO_WINDOW)
    start, end = (parse_instant(value.strip(), name) for value, name in zip(given, WINDOW))  # type: ignore[union-attr]
    return service.Window(start, end)


def _options(ctx: RequestContext) -> odata.ListOptions:
    return odata.parse_list_options(ctx.options, EVENT_PROPERTIES, SELECTABLE, allowed_extra=WINDOW,
                                    expandable=EXPANDABLE)


def calendar_view(ctx: RequestContext) -> Reply:
    options = _options(ctx)
    result = service.calendar_view(ctx.runtime, ctx.principal, scope(ctx.address), window(ctx.options),
                                   options.query)
    context = render.context_url(ctx.service_root, owner_segment(result.mailbox), "calendarView", options.select)
    return _page(ctx, result, options, context)


def instances(ctx: RequestContext) -> Reply:
    options = _options(ctx)
    assert ctx.address.event is not None
    result = service.instances(ctx.runtime, ctx.principal, scope(ctx.address), ctx.address.event,
                               window(ctx.options), options.query)
    path = f"events('{result.master_id}')/instances"
    context = render.context_url(ctx.service_root, owner_segment(result.mailbox), path, options.select)
    return _page(ctx, result, options, context)


def _page(ctx: RequestContext, result: service.EventsPage, options: odata.ListOptions, context: str) -> Reply:
    shown = view(ctx, result.include_body)
    return collection(ctx, result.page, options, context,
                      lambda ev: {**render.event(ev, shown), **{name: [] for name in options.expand}})


ROUTES = {
    ("calendarView", "GET"): calendar_view,
    ("instances", "GET"): instances,
}
