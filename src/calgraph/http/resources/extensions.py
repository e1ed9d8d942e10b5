"""/events/{id}/extensions[/{name}] (every event route form) and /messages/{id}/extensions[/{name}]:
open extensions, list, get, add, update, delete."""

from __future__ import annotations

from calgraph.http import item_extras, render
from calgraph.http.bodies import extension_data
from calgraph.http.collections import owner_segment
from calgraph.http.context import RequestContext
from calgraph.http.reply import Reply, no_content
from calgraph.services import item_extras as service
from calgraph.services.lookup import Scope


def ref(ctx: RequestContext) -> service.ItemRef:
    a = ctx.address
    assert a.owner is not None
    scope = Scope(a.owner.kind, a.owner.key, a.calendar_group, a.calendar)
    if a.message is not None:
        return service.ItemRef("message", a.message, scope, a.mail_folder)
    assert a.event is not None
    return service.ItemRef("event", a.event, scope)


def _context(ctx: RequestContext, result: service.Extensions, entity: bool) -> str:
    kind = "messages" if ctx.address.message is not None else "events"
    path = f"{kind}('{result.item.id}')/extensions"
    return render.context_url(ctx.service_root, owner_segment(result.mailbox), path, None, entity=entity)


def _key(ctx: RequestContext) -> str:
    assert ctx.address.extension is not None
    return ctx.address.extension


def list_extensions(ctx: RequestContext) -> Reply:
    result = service.list_extensions(ctx.runtime, ctx.principal, ref(ctx))
    return Reply(200, {"@odata.context": _context(ctx, result, False),
                       "value": [item_extras.extension_json(e) for e in result.extensions]})


def _one(ctx: RequestContext, result: service.Extensions, status: int = 200) -> Reply:
    return Reply(status, {"@odata.context": _context(ctx, result, True),
                          **item_extras.extension_json(result.extensions[0])})


def get_extension(ctx: RequestContext) -> Reply:
    return _one(ctx, service.get_extension(ctx.runtime, ctx.principal, ref(ctx), _key(ctx)))


def add_extension(ctx: RequestContext) -> Reply:
    name, data = extension_data(ctx.json())
    return _one(ctx, service.add_extension(ctx.runtime, ctx.principal, ref(ctx), name, data), 201)


def update_extension(ctx: RequestContext) -> Reply:
    _, data = extension_data(ctx.json())
    return _one(ctx, service.update_extension(ctx.runtime, ctx.principal, ref(ctx), _key(ctx), data))


def delete_extension(ctx: RequestContext) -> Reply:
    service.delete_extension(ctx.runtime, ctx.principal, ref(ctx), _key(ctx))
    return no_content()


ROUTES = {
    (f"{item}{suffix}", method): handler
    for item in ("event", "message")
    for suffix, method, handler in (
        ("Extensions", "GET", list_extensions),
        ("Extensions", "POST", add_extension),
        ("Extension", "GET", get_extension),
        ("Extension", "PATCH", update_extension),
        ("Extension", "DELETE", delete_extension),
    )
}
