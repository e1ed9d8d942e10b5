"""/me/reminderView(startDateTime='…',endDateTime='…') (or with them as query options), /users/{id}/…"""

from __future__ import annotations

from typing import Any

from calgraph.core.errors import InvalidParameter
from calgraph.core.reminders_view import Reminder
from calgraph.http import render
from calgraph.http.collections import owner_segment
from calgraph.http.context import RequestContext
from calgraph.http.reply import Reply
from calgraph.http.resources.calendar_view import WINDOW, window
from calgraph.services import reminders as service
from calgraph.services.calendar_view import Window
from calgraph.core.datetimes import parse_instant


def reminder_json(reminder: Reminder, view: render.View) -> dict[str, Any]:
    ev = reminder.event
    return {
        "eventId": ev.id,
        "changeKey": ev.change_key,
        "eventSubject": ev.subject,
        "eventStartTime": render.date_time_time_zone(ev.start, view, ev.is_all_day),
        "eventEndTime": render.date_time_time_zone(ev.end, view, ev.is_all_day),
        "eventLocation": ev.location,
        "eventWebLink": render.web_link(ev.id),
        "reminderFireTime": render.instant_time_zone(reminder.fire_time, view),
    }


def _window(ctx: RequestContext) -> Window:
    if ctx.address.window is None:
        return window(ctx.options)
    values = [v.strip() for v in ctx.address.window]
    if not all(values):
        raise InvalidParameter("The startDateTime and endDateTime parameters are required.")
    start, end = (parse_instant(v, name) for v, name in zip(values, WINDOW))
    return Window(start, end)


def reminder_view(ctx: RequestContext) -> Reply:
    assert ctx.address.owner is not None
    result = service.reminder_view(ctx.runtime, ctx.principal, ctx.address.owner.kind, ctx.address.owner.key,
                                   _window(ctx))
    view = render.View(ctx.address.version, ctx.prefs.timezone)
    context = render.context_url(ctx.service_root, "", "Collection(microsoft.graph.reminder)")
    return Reply(200, {"@odata.context": context, "value": [reminder_json(r, view) for r in result.reminders]})


ROUTES = {
    ("reminderView", "GET"): reminder_view,
}
