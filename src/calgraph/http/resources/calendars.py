"""/calendars, /calendar, /calendarGroups/{id}/calendars (+ /users/{…} twins) and /calendarGroups."""

from __future__ import annotations

from typing import Any

from calgraph.core.model import Calendar, CalendarGroup, Mailbox
from calgraph.http import odata, render
from calgraph.http.bodies import CalendarGroupInput, CalendarInput, parse
from calgraph.http.collections import collection, entity, in_memory_page, owner_segment
from calgraph.http.context import RequestContext
from calgraph.http.reply import Reply, no_content
from calgraph.http.routing import DEFAULT, Address
from calgraph.services import calendars as service

CALENDAR_FIELDS = frozenset({
    "id", "name", "color", "hexColor", "isDefaultCalendar", "changeKey", "canShare", "canViewPrivateItems",
    "canEdit", "allowedOnlineMeetingProviders", "defaultOnlineMeetingProvider", "isTallyingResponses",
    "isRemovable", "owner",
})
GROUP_FIELDS = frozenset({"id", "name", "classId", "changeKey"})
CALENDAR_PROPERTIES = {
    "id": str, "name": str, "color": str, "hexColor": str, "changeKey": str, "isDefaultCalendar": bool,
    "canEdit": bool, "canShare": bool, "isRemovable": bool, "owner/address": str, "owner/name": str,
}
GROUP_PROPERTIES = {"id": str, "name": str, "classId": str, "changeKey": str}


def calendar_json(cal: Calendar, owner: Mailbox, can_edit: bool = True) -> dict[str, Any]:
    return {
        "id": cal.id,
        "name": cal.name,
        "color": cal.color,
        "hexColor": cal.hex_color,
        "isDefaultCalendar": cal.is_default,
        "changeKey": cal.change_key,
        "canShare": cal.mailbox_id == owner.id and owner.kind == "user",
        "canViewPrivateItems": can_edit,
        "canEdit": can_edit,
        "allowedOnlineMeetingProviders": ["teamsForBusiness"],
        "defaultOnlineMeetingProvider": "teamsForBusiness",
        "isTallyingResponses": True,
        "isRemovable": not cal.is_default,
        "owner": {"name": owner.display_name, "address": owner.address},
    }


def group_json(group: CalendarGroup) -> dict[str, Any]:
    return {"id": group.id, "name": group.name, "classId": group.class_id, "changeKey": group.change_key}


def _owner(address: Address) -> tuple[str, str | None]:
    assert address.owner is not None
    return address.owner.kind, address.owner.key


def _calendar_path(address: Address) -> str:
    return "calendar" if address.calendar == DEFAULT else "calendars"


def list_calendars(ctx: RequestContext) -> Reply:
    options = odata.parse_list_options(ctx.options, CALENDAR_PROPERTIES, CALENDAR_FIELDS, type_name="microsoft.graph.calendar")
    result = service.list_calendars(ctx.runtime, ctx.principal, *_owner(ctx.address), ctx.address.calendar_group)
    context = render.context_url(ctx.service_root, owner_segment(result.mailbox), "calendars", options.select)

    def to_json(cal: Calendar) -> dict[str, Any]:
        return calendar_json(cal, result.mailbox, cal.id in result.editable)

    return collection(ctx, in_memory_page(result.calendars, options.query, to_json), options, context, to_json)


def get_calendar(ctx: RequestContext) -> Reply:
    fields = odata.parse_select_only(ctx.options, CALENDAR_FIELDS, type_name="microsoft.graph.calendar")
    a = ctx.address
    result = service.get_calendar(ctx.runtime, ctx.principal, *_owner(a), a.calendar or DEFAULT, a.calendar_group)
    return _calendar_entity(ctx, result, fields)


def create_calendar(ctx: RequestContext) -> Reply:
    values = parse(CalendarInput, ctx.json()).model_dump(exclude_unset=True)
    result = service.create_calendar(ctx.runtime, ctx.principal, *_owner(ctx.address),
                                     ctx.address.calendar_group, values)
    return _calendar_entity(ctx, result, None, status=201)


def update_calendar(ctx: RequestContext) -> Reply:
    values = parse(CalendarInput, ctx.json()).model_dump(exclude_unset=True)
    a = ctx.address
    result = service.update_calendar(ctx.runtime, ctx.principal, *_owner(a), a.calendar or DEFAULT,
                                     a.calendar_group, values)
    return _calendar_entity(ctx, result, None)


def delete_calendar(ctx: RequestContext) -> Reply:
    a = ctx.address
    service.delete_calendar(ctx.runtime, ctx.principal, *_owner(a), a.calendar or DEFAULT, a.calendar_group)
    return no_content()


def permanent_delete_calendar(ctx: RequestContext) -> Reply:
    a = ctx.address
    service.permanent_delete_calendar(ctx.runtime, ctx.principal, *_owner(a), a.calendar or DEFAULT,
                                      a.calendar_group)
    return no_content()


def _calendar_entity(ctx: RequestContext, result: service.OneCalendar, fields: tuple[str, ...] | None,
                     status: int = 200) -> Reply:
    context = render.context_url(ctx.service_root, owner_segment(result.mailbox), _calendar_path(ctx.address),
                                 fields, entity=True)
    return entity(calendar_json(result.calendar, result.mailbox, result.can_edit), context, fields, status)


def list_groups(ctx: RequestContext) -> Reply:
    options = odata.parse_list_options(ctx.options, GROUP_PROPERTIES, GROUP_FIELDS, type_name="microsoft.graph.calendarGroup")
    result = service.list_groups(ctx.runtime, ctx.principal, *_owner(ctx.address))
    context = render.context_url(ctx.service_root, owner_segment(result.mailbox), "calendarGroups", options.select)
    return collection(ctx, in_memory_page(result.groups, options.query, group_json), options, context, group_json)


def get_group(ctx: RequestContext) -> Reply:
    fields = odata.parse_select_only(ctx.options, GROUP_FIELDS, type_name="microsoft.graph.calendarGroup")
    assert ctx.address.calendar_group is not None
    result = service.get_group(ctx.runtime, ctx.principal, *_owner(ctx.address), ctx.address.calendar_group)
    return _group_entity(ctx, result, fields)


def create_group(ctx: RequestContext) -> Reply:
    values = parse(CalendarGroupInput, ctx.json()).model_dump(exclude_unset=True)
    result = service.create_group(ctx.runtime, ctx.principal, *_owner(ctx.address), values)
    return _group_entity(ctx, result, None, status=201)


def update_group(ctx: RequestContext) -> Reply:
    values = parse(CalendarGroupInput, ctx.json()).model_dump(exclude_unset=True)
    assert ctx.address.calendar_group is not None
    result = service.update_group(ctx.runtime, ctx.principal, *_owner(ctx.address), ctx.address.calendar_group,
                                  values)
    return _group_entity(ctx, result, None)


def delete_group(ctx: RequestContext) -> Reply:
    assert ctx.address.calendar_group is not None
    service.delete_group(ctx.runtime, ctx.principal, *_owner(ctx.address), ctx.address.calendar_group)
    return no_content()


def _group_entity(ctx: RequestContext, result: service.OneGroup, fields: tuple[str, ...] | None,
                  status: int = 200) -> Reply:
    context = render.context_url(ctx.service_root, owner_segment(result.mailbox), "calendarGroups", fields,
                                 entity=True)
    return entity(group_json(result.group), context, fields, status)


ROUTES = {
    ("calendars", "GET"): list_calendars,
    ("calendars", "POST"): create_calendar,
    ("calendar", "GET"): get_calendar,
    ("calendar", "PATCH"): update_calendar,
    ("calendar", "DELETE"): delete_calendar,
    ("calendarAction", "POST"): permanent_delete_calendar,
    ("calendarGroups", "GET"): list_groups,
    ("calendarGroups", "POST"): create_group,
    ("calendarGroup", "GET"): get_group,
    ("calendarGroup", "PATCH"): update_group,
    ("calendarGroup", "DELETE"): delete_group,
}
