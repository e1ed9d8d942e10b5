"""/events, /calendar/events, /calendars/{id}/events, /calendarGroups/{id}/calendars/{id}/events
(and the /users/{…}, /groups/{id} and beta calendargroup twins): list, get, create, update, delete."""

from __future__ import annotations

from calgraph.http import item_extras, odata, render
from calgraph.http.bodies import EventInput, parse
from calgraph.http.collections import collection, entity, owner_segment
from calgraph.http.context import RequestContext
from calgraph.http.reply import Reply, no_content
from calgraph.http.resources import attachments as attachment_resource
from calgraph.http.routing import Address
from calgraph.core.errors import AccessDenied
from calgraph.core.model import Event
from calgraph.services import events as service
from calgraph.store.interface import EVENT_PROPERTIES

SELECTABLE = render.EVENT_FIELDS | {"exceptionOccurrences"}
# exceptionOccurrences: a series master's exceptions on a GET of the master (§1.1), else empty
EXPANDABLE = frozenset({"attachments", "exceptionOccurrences", *item_extras.NAMES})
EXCEPTIONS = "exceptionOccurrences"
BODY_ONLY = ("attachments", item_extras.EXTENSIONS)   # not under Calendars.ReadBasic


def scope(address: Address) -> service.Scope:
    assert address.owner is not None
    return service.Scope(address.owner.kind, address.owner.key, address.calendar_group, address.calendar)


def view(ctx: RequestContext, include_body: bool = True) -> render.View:
    return render.View(ctx.address.version, ctx.prefs.timezone, ctx.prefs.body_content_type, include_body)


def check_expand(expand: tuple[str, ...], include_body: bool) -> None:
    """Calendars.ReadBasic reads no attachments or extensions: expanding them is denied, as their own routes are."""
    if not include_body and any(name in expand for name in BODY_ONLY):
        raise AccessDenied()


def list_events(ctx: RequestContext) -> Reply:
    options = odata.parse_list_options(ctx.options, EVENT_PROPERTIES, SELECTABLE, expandable=EXPANDABLE)
    result = service.list_events(ctx.runtime, ctx.principal, scope(ctx.address), options.query)
    check_expand(options.expand, result.include_body)
    context = render.context_url(ctx.service_root, owner_segment(result.mailbox), "events", options.select)
    shown = view(ctx, result.include_body)
    extras = item_extras.expand_filters(ctx.options)
    return collection(ctx, result.page, options, context,
                      lambda ev: _expanded(ctx, ev, render.event(ev, shown), options.expand, extras))


def get_event(ctx: RequestContext) -> Reply:
    fields = odata.parse_select_only(ctx.options, SELECTABLE, expandable=EXPANDABLE)
    expand = odata.parse_expand(ctx.options, SELECTABLE, expandable=EXPANDABLE)
    wanted = EXCEPTIONS in expand or EXCEPTIONS in (fields or ())
    result = service.get_event(ctx.runtime, ctx.principal, scope(ctx.address), _event_id(ctx), wanted)
    if wanted and EXCEPTIONS not in expand:
        expand = (*expand, EXCEPTIONS)
    return _entity(ctx, result, fields, expand=expand)


def create_event(ctx: RequestContext) -> Reply:
    changes = parse(EventInput, ctx.json()).changes()
    result = service.create_event(ctx.runtime, ctx.principal, scope(ctx.address), changes, ctx.base_url)
    return _entity(ctx, result, None, status=201)


def update_event(ctx: RequestContext) -> Reply:
    changes = parse(EventInput, ctx.json()).changes()
    result = service.update_event(ctx.runtime, ctx.principal, scope(ctx.address), _event_id(ctx), changes,
                                  ctx.if_match, ctx.base_url)
    return _entity(ctx, result, None)


def delete_event(ctx: RequestContext) -> Reply:
    service.delete_event(ctx.runtime, ctx.principal, scope(ctx.address), _event_id(ctx), ctx.if_match)
    return no_content()


def _event_id(ctx: RequestContext) -> str:
    assert ctx.address.event is not None
    return ctx.address.event


def _entity(ctx: RequestContext, result: service.OneEvent, fields: tuple[str, ...] | None,
            status: int = 200, expand: tuple[str, ...] = ()) -> Reply:
    check_expand(expand, result.include_body)
    context = render.context_url(ctx.service_root, owner_segment(result.mailbox), "events", fields, entity=True)
    shown = view(ctx, result.include_body)
    body = _expanded(ctx, result.event, render.event(result.event, shown), expand,
                     item_extras.expand_filters(ctx.options))
    if EXCEPTIONS in expand:
        body[EXCEPTIONS] = [render.event(e, shown) for e in result.exceptions]
    if fields and "cancelledOccurrences" in fields and result.event.type == "seriesMaster":
        body["cancelledOccurrences"] = list(result.event.cancelled_occurrences)  # only when selected (§1.1)
    return entity(body, context, fields and tuple(dict.fromkeys((*fields, *expand))), status)


def _expanded(ctx: RequestContext, event: Event, item: dict, expand: tuple[str, ...],
              extras: dict[str, tuple[str, ...] | None]) -> dict:
    out = {**item, **{name: [] for name in expand}, **item_extras.expanded(event, extras)}
    if "attachments" in expand:
        out["attachments"] = attachment_resource.expanded(ctx, event)
    return out


ROUTES = {
    ("events", "GET"): list_events,
    ("events", "POST"): create_event,
    ("event", "GET"): get_event,
    ("event", "PATCH"): update_event,
    ("event", "DELETE"): delete_event,
}
