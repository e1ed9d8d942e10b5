"""/calendar/calendarPermissions and /calendars/{id}/calendarPermissions: sharing a calendar."""

from __future__ import annotations

from typing import Any

from calgraph.core.model import CalendarPermission
from calgraph.http import odata, render
from calgraph.http.bodies import CalendarPermissionInput, parse
from calgraph.http.collections import collection, entity, in_memory_page, owner_segment
from calgraph.http.context import RequestContext
from calgraph.http.reply import Reply, no_content
from calgraph.http.routing import DEFAULT
from calgraph.services import sharing

TYPE = "microsoft.graph.calendarPermission"
PROPERTIES = {
    "id": str, "role": str, "isRemovable": bool, "isInsideOrganization": bool,
    "emailAddress/address": str, "emailAddress/name": str,
}
FIELDS = frozenset({"id", "emailAddress", "isRemovable", "isInsideOrganization", "role", "allowedRoles"})
ALLOWED_ROLES = ["none", "freeBusyRead", "limitedRead", "read", "write"]
DELEGATE_ROLES = ["delegateWithoutPrivateEventAccess", "delegateWithPrivateEventAccess"]


def permission_json(p: CalendarPermission) -> dict[str, Any]:
    return {
        "id": p.id,
        "isRemovable": p.is_removable,
        "isInsideOrganization": p.is_inside_organization,
        "role": p.role,
        "allowedRoles": ALLOWED_ROLES + (DELEGATE_ROLES if p.is_inside_organization else []),
        "emailAddress": {"name": p.email.name, "address": p.email.address},
    }


def _args(ctx: RequestContext) -> tuple[Any, ...]:
    a = ctx.address
    assert a.owner is not None
    return ctx.runtime, ctx.principal, a.owner.kind, a.owner.key, a.calendar or DEFAULT, a.calendar_group


def _context(ctx: RequestContext, result: Any, fields: tuple[str, ...] | None, entity_: bool) -> str:
    path = "calendar" if ctx.address.calendar == DEFAULT else f"calendars('{result.calendar.id}')"
    return render.context_url(ctx.service_root, owner_segment(result.mailbox), f"{path}/calendarPermissions",
                              fields, entity=entity_)


def list_permissions(ctx: RequestContext) -> Reply:
    options = odata.parse_list_options(ctx.options, PROPERTIES, FIELDS, type_name=TYPE)
    result = sharing.list_permissions(*_args(ctx))
    page = in_memory_page(result.permissions, options.query, permission_json)
    return collection(ctx, page, options, _context(ctx, result, options.select, False), permission_json)


def get_permission(ctx: RequestContext) -> Reply:
    fields = odata.parse_select_only(ctx.options, FIELDS, type_name=TYPE)
    assert ctx.address.permission is not None
    result = sharing.get_permission(*_args(ctx), ctx.address.permission)
    return entity(permission_json(result.permission), _context(ctx, result, fields, True), fields)


def create_permission(ctx: RequestContext) -> Reply:
    values = parse(CalendarPermissionInput, ctx.json()).model_dump(exclude_unset=True)
    result = sharing.grant(*_args(ctx), values)
    return entity(permission_json(result.permission), _context(ctx, result, None, True), status=201)


def update_permission(ctx: RequestContext) -> Reply:
    values = parse(CalendarPermissionInput, ctx.json()).model_dump(exclude_unset=True)
    assert ctx.address.permission is not None
    result = sharing.change_role(*_args(ctx), ctx.address.permission, values)
    return entity(permission_json(result.permission), _context(ctx, result, None, True))


def delete_permission(ctx: RequestContext) -> Reply:
    assert ctx.address.permission is not None
    sharing.revoke(*_args(ctx), ctx.address.permission)
    return no_content()


ROUTES = {
    ("calendarPermissions", "GET"): list_permissions,
    ("calendarPermissions", "POST"): create_permission,
    ("calendarPermission", "GET"): get_permission,
    ("calendarPermission", "PATCH"): update_permission,
    ("calendarPermission", "DELETE"): delete_permission,
}
