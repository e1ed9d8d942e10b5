"""GET …/calendarView on every container form and GET …/events/{id}/instances on every event form.

The window is `startDateTime` / `endDateTime` (names case-insensitive): ISO 8601, an offset honoured, none
meaning UTC, never affected by Prefer: outlook.timezone. Either missing is Graph's 400 ErrorInvalidParameter;
an unreadable value is 400 ErrorInvalidParameter; an end at or before the start is an empty (200) page, as
no event can overlap it; a window over 1825 days is 400 ErrorInvalidRequest (services.calendar_view).
"""

from __future__ import annotations

from collections.abc import Callable

from calgraph.core.datetimes import parse_instant
from calgraph.core.errors import InvalidParameter
from calgraph.core.model import Event
from calgraph.core.occurrences import Virtual
from calgraph.http import item_extras, odata, render, render_text
from calgraph.http.collections import collection, encoded_collection, owner_segment
from calgraph.http.context import RequestContext
from calgraph.http.reply import Reply
from calgraph.http.resources import attachments as attachment_resource
from calgraph.http.resources.events import EXPANDABLE, SELECTABLE, check_expand, scope, view
from calgraph.services import calendar_view as service
from calgraph.store.interface import EVENT_PROPERTIES

WINDOW = ("startDateTime", "endDateTime")
SKIP_TOKEN = "$skiptoken"   # where a page by time resumes (services.calendar_view.Cursor), beside $skip
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
    return odata.parse_list_options(ctx.options, EVENT_PROPERTIES, SELECTABLE,
                                    allowed_extra=(*WINDOW, SKIP_TOKEN), expandable=EXPANDABLE)


def calendar_view(ctx: RequestContext) -> Reply:
    options = _options(ctx)
    cursor = service.Cursor.decode(ctx.options.get(SKIP_TOKEN))
    result = service.calendar_view(ctx.runtime, ctx.principal, scope(ctx.address), window(ctx.options),
                                   options.query, cursor)
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
    check_expand(options.expand, result.include_body)
    shown = view(ctx, result.include_body)
    cursor = getattr(result, "next_cursor", None)
    extra = {SKIP_TOKEN: cursor.encode()} if cursor is not None else {}
    if not options.select and not options.expand:
        return encoded_collection(ctx, result.page, options, context, _texts(shown), extra)
    empty = {name: [] for name in options.expand}
    extras = item_extras.expand_filters(ctx.options)

    def expanded(ev: Event) -> dict:
        out = {**empty, **item_extras.expanded(ev, extras)} if extras else empty
        if "attachments" in empty:
            out = {**out, "attachments": attachment_resource.expanded(ctx, ev)}
        return out
    templates: dict[str, dict] = {}   # series master id -> an occurrence of it, rendered

    def to_json(item: Event | Virtual) -> dict:
        """Occurrences of one series differ only in their own fields: render one, patch the others."""
        ev = item.event() if isinstance(item, Virtual) else item
        if ev.type != "occurrence" or ev.series_master_id is None:
            return {**render.event(ev, shown), **expanded(ev)}
        template = templates.get(ev.series_master_id)
        if template is None:
            template = templates[ev.series_master_id] = {**render.event(ev, shown), **expanded(ev)}
            return template
        instants = (item.start_utc, item.end_utc) if isinstance(item, Virtual) else None
        return render.occurrence(template, ev, shown, instants)

    return collection(ctx, result.page, options, context, to_json, extra)


def _texts(shown: render.View) -> Callable[[list[Event | Virtual]], list[str]]:
    """Items as JSON text: stored events and timed occurrences as render remembers them."""

    def to_texts(items: list[Event | Virtual]) -> list[str]:
        templates: dict[str, dict] = {}   # series master id -> an occurrence of it, rendered
        series: dict[int, render_text.OccurrenceText] = {}   # id(master) -> its occurrences' text
        out = []
        for item in items:
            if type(item) is Virtual:
                master = item.master
                text = series.get(id(master))
                if text is None:
                    text = series[id(master)] = render_text.occurrence_text(item, shown)
                out.append(text.text(item))
            elif item.type != "occurrence" or item.series_master_id is None:
                out.append(render_text.event_text(item, shown))
            else:   # occurrences built as Events (all-day ones; instances): from a template, never remembered
                template = templates.get(item.series_master_id)
                if template is None:
                    template = templates[item.series_master_id] = render.event(item, shown)
                    out.append(render_text.encode(template))
                else:
                    out.append(render_text.encode(render.occurrence(template, item, shown)))
        return out
    return to_texts


ROUTES = {
    ("calendarView", "GET"): calendar_view,
    ("instances", "GET"): instances,
}
