"""GET …/calendarView/delta, …/events/delta, …/mailFolders/{id}/messages/delta (every container form;
the function segment spelled `delta`, `delta()`, `microsoft.graph.delta` or `microsoft.graph.delta()`).

Links carry only the token (`$skiptoken` / `$deltatoken`, names case-insensitive): the window, `$select` and
`changeType` live inside it, so with a token the URL's own options are ignored. Page size: Prefer
odata.maxpagesize, else `$top`, else 10 (1..1000), given on each request. See services.delta."""

from __future__ import annotations

import re
from typing import Any

from calgraph.core.datetimes import parse_instant
from calgraph.core.errors import InvalidParameter
from calgraph.core.query import MAX_PAGE_SIZE
from calgraph.core.sync.delta_tokens import Feed
from calgraph.http import odata, render
from calgraph.http.context import RequestContext
from calgraph.http.reply import Reply
from calgraph.http.resources import calendar_view
from calgraph.http.resources.events import SELECTABLE, scope, view
from calgraph.http.resources.mail import MESSAGE_FIELDS
from calgraph.http.routing import DELTA_SPELLINGS
from calgraph.services import delta as service
from calgraph.services.delta_entries import Entry

DEFAULT_PAGE = 10
TRACK_CHANGES = "odata.track-changes"
STUB_FIELDS = ("@odata.type", "@odata.etag", "id", "seriesMasterId", "type", "start", "end")
REDUCED_FIELDS = ("@odata.type", "@odata.etag", "id", "type", "start", "end")
EVENT_TYPE = "#microsoft.graph.event"
_ALLOWED = {"$select", "$top", "$skiptoken", "$deltatoken"}
_RECEIVED = re.compile(r"receivedDateTime\s+(ge|gt)\s+(\S+)", re.IGNORECASE)   # message delta's only $filter


def calendar_view_delta(ctx: RequestContext) -> Reply:
    return _delta(ctx, "calendarView")


def events_delta(ctx: RequestContext) -> Reply:
    return _delta(ctx, "events")


def messages_delta(ctx: RequestContext) -> Reply:
    return _delta(ctx, "messages")


def _delta(ctx: RequestContext, feed: Feed) -> Reply:
    options = ctx.options
    _check_options(options, feed)
    token, parameter = _token(options)
    ask = service.DeltaAsk(feed, scope(ctx.address), ctx.address.mail_folder, token, parameter)
    if token is None:
        ask = _first_call(ctx, ask)
    result = service.delta(ctx.runtime, ctx.principal, ask, _page_size(ctx))
    ctx.prefs.applied[TRACK_CHANGES] = ""
    shown = view(ctx, result.include_body)
    kind = "message" if feed == "messages" else "event"
    body: dict[str, Any] = {"@odata.context": f"{ctx.service_root}/$metadata#Collection({kind})"}
    link = _link(ctx, feed, "$skiptoken" if result.more else "$deltatoken", result.token)
    body["@odata.nextLink" if result.more else "@odata.deltaLink"] = link
    body["value"] = [_entry(entry, shown, result.select, kind) for entry in result.entries]
    return Reply(200, body)


def _check_options(options: dict[str, str], feed: str) -> None:
    allowed = _ALLOWED | ({"startdatetime", "enddatetime"} if feed != "messages" else {"changetype", "$filter", "$orderby"})
    if feed == "messages" and "$filter" in options and _RECEIVED.fullmatch(options["$filter"].strip()) is None:
        raise InvalidParameter("The query parameter '$filter' is not supported with delta.")
    if feed == "messages" and "$orderby" in options and \
            options["$orderby"].strip().lower() != "receiveddatetime desc":
        raise InvalidParameter("The query parameter '$orderby' is not supported with delta.")
    for name in options:
        if name.startswith("$") and name not in allowed:
            raise InvalidParameter(f"The query parameter '{name}' is not supported with delta.")
        if feed == "events" and name == "$select":
            raise InvalidParameter("The query parameter '$select' is not supported with delta.")


def _token(options: dict[str, str]) -> tuple[str | None, str]:
    if "$skiptoken" in options:
        return options["$skiptoken"], "$skipToken"
    if "$deltatoken" in options:
        return options["$deltatoken"], "$deltaToken"
    return None, "$deltaToken"


def _first_call(ctx: RequestContext, ask: service.DeltaAsk) -> service.DeltaAsk:
    options = ctx.options
    for name in ("startDateTime", "endDateTime"):
        if ask.feed != "messages" and options.get(name.lower()) == "":
            raise InvalidParameter(f"The value '' of parameter '{name[0].upper()}{name[1:]}' is invalid.")
    fields = MESSAGE_FIELDS if ask.feed == "messages" else SELECTABLE
    type_name = "microsoft.graph.message" if ask.feed == "messages" else "microsoft.graph.event"
    select = odata.parse_select_only({k: v for k, v in options.items() if k == "$select"}, fields, type_name=type_name)
    if ask.feed == "calendarView":
        window = calendar_view.window(options).check()
        return service.DeltaAsk(**{**vars(ask), "window": window, "select": select})
    if ask.feed == "events":
        given = options.get("startdatetime")
        start = parse_instant(given.strip(), "startDateTime") if given else None
        return service.DeltaAsk(**{**vars(ask), "start": start})
    change_type = options.get("changetype")
    if change_type is not None and change_type not in ("created", "updated", "deleted"):
        raise InvalidParameter(f"The value '{change_type}' of parameter 'changeType' is invalid.")
    received = None
    if "$filter" in options:
        found = _RECEIVED.fullmatch(options["$filter"].strip())
        assert found is not None
        received = (found.group(1).lower(), parse_instant(found.group(2), "$filter"))
    return service.DeltaAsk(**{**vars(ask), "select": select, "change_type": change_type, "received": received})


def _page_size(ctx: RequestContext) -> int:
    if ctx.prefs.max_page_size is not None:
        size = max(1, min(ctx.prefs.max_page_size, MAX_PAGE_SIZE))
        ctx.prefs.applied[odata.MAX_PAGE_SIZE_PREF] = str(size)
        return size
    top = ctx.options.get("$top")
    if top is not None:
        try:
            return max(1, min(int(top), MAX_PAGE_SIZE))
        except ValueError:
            raise InvalidParameter(f"The value '{top}' of parameter '$top' is invalid.") from None
    return DEFAULT_PAGE


def _link(ctx: RequestContext, feed: str, name: str, token: str) -> str:
    segments = ctx.raw_path.split("/")
    if segments and segments[-1].lower() in DELTA_SPELLINGS:
        segments[-1] = "delta"
    if feed == "messages":
        lowered = [segment.lower() for segment in segments]
        if "mailfolders" in lowered:   # else already `mailfolders('{id}')`
            at = lowered.index("mailfolders")
            segments[at:at + 2] = [f"mailfolders('{segments[at + 1]}')"]
    return f"{ctx.base_url}{'/'.join(segments)}?{name}={token}"


def _entry(entry: Entry, shown: render.View, select: tuple[str, ...] | None, kind: str) -> dict[str, Any]:
    if entry.kind == "removed":
        return {"@odata.type": f"#microsoft.graph.{kind}", "id": entry.item_id, "@removed": {"reason": "deleted"}}
    if kind == "message":
        return render.select(render.message(entry.item, shown), select)  # type: ignore[arg-type]
    full = {"@odata.type": EVENT_TYPE, **render.event(entry.item, shown)}  # type: ignore[arg-type]
    if entry.kind == "stub":
        return {name: full[name] for name in STUB_FIELDS}
    if entry.kind == "reduced":
        return {name: full[name] for name in REDUCED_FIELDS}
    return render.select(full, select)


ROUTES = {
    ("calendarViewDelta", "GET"): calendar_view_delta,
    ("eventsDelta", "GET"): events_delta,
    ("messagesDelta", "GET"): messages_delta,
}
