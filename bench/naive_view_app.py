"""The baseline server of bench/calendar_view.py: a naive calendarView over events held in memory.

Same stack as `calgraph serve` (a Starlette app whose router default is one ASGI callable, served by
`uvicorn.run(app, host=..., port=..., timeout_keep_alive=...)` after `calgraph.cli.tune_gc()`), answering
`GET …/calendarView?startDateTime=..&endDateTime=..&$top=N[&$skip=M]` from the events of one mailbox
loaded at start from a JSON file: the Graph JSON calgraph serves for them (`GET /me/events`, series
masters and single events), which bench/calendar_view.py writes.

Each request, from scratch: every series master's recurrence expanded with dateutil's rrule (the master's
start turned into wall-clock time in the recurrence's zone with zoneinfo, so occurrences keep their local
time across DST changes) over the window, the single events overlapping it picked, all ordered by start,
end and id (calendarView's order), the `$skip`/`$top` slice rendered (an occurrence is its master's JSON
with its own id, iCalUId, webLink, start, end and originalStart, as Graph shows occurrences; the id and
iCalUId from calgraph.core.occurrences, Graph's encoding) and the page encoded with `json.dumps`, with an
`@odata.nextLink` carrying `$skip` when more items remain. No authentication (the bearer token is ignored).
Only what the bench's data needs: daily and weekly patterns, noEnd / numbered / endDate ranges.

    python bench/naive_view_app.py --events events.json --port 8767
"""

from __future__ import annotations

import argparse
import json
from datetime import date, datetime, time, timezone
from typing import Any
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from dateutil import rrule
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from tzlocal.windows_tz import win_tz  # Windows zone id -> IANA name (CLDR's table)

from calgraph.cli import KEEP_ALIVE_SECONDS, tune_gc
from calgraph.core.occurrences import instance_uid, item_id

UTC = timezone.utc
DAYS = {"monday": rrule.MO, "tuesday": rrule.TU, "wednesday": rrule.WE, "thursday": rrule.TH,
        "friday": rrule.FR, "saturday": rrule.SA, "sunday": rrule.SU}
FREQUENCIES = {"daily": rrule.DAILY, "weekly": rrule.WEEKLY}
WEB_LINK = "https://outlook.office365.com/owa/?itemid={}&exvsurl=1&path=/calendar/item"
DEFAULT_TOP = 10


def parse_utc(text: str) -> datetime:
    """A Graph dateTime in UTC ('2026-06-01T12:45:00.0000000') or a DateTimeOffset ('...Z')."""
    return datetime.fromisoformat(text.rstrip("Z")[:26]).replace(tzinfo=UTC)


def graph_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.0000000")


class Calendar:
    """The mailbox's events as loaded: singles with their UTC bounds, masters as they were served."""

    def __init__(self, events: list[dict[str, Any]]) -> None:
        self.singles = [(parse_utc(e["start"]["dateTime"]), parse_utc(e["end"]["dateTime"]), e)
                        for e in events if e["type"] == "singleInstance"]
        self.masters = [e for e in events if e["type"] == "seriesMaster"]

    def view(self, start: datetime, end: datetime) -> list[tuple[datetime, datetime, str, dict, date | None]]:
        """Every item overlapping [start, end): (start, end, id, event JSON, occurrence's local date or None),
        in calendarView's order."""
        found = [(s, e, ev["id"], ev, None) for s, e, ev in self.singles if s < end and e > start]
        for master in self.masters:
            found += occurrences(master, start, end)
        found.sort(key=lambda item: item[:3])
        return found


def occurrences(master: dict[str, Any], start: datetime, end: datetime) -> list[tuple]:
    """The master's occurrences overlapping [start, end), expanded with dateutil's rrule."""
    pattern, range_ = master["recurrence"]["pattern"], master["recurrence"]["range"]
    name = range_["recurrenceTimeZone"]
    zone = ZoneInfo(win_tz.get(name, name))
    first = parse_utc(master["start"]["dateTime"]).astimezone(zone)
    duration = parse_utc(master["end"]["dateTime"]) - parse_utc(master["start"]["dateTime"])
    begin = datetime.combine(date.fromisoformat(range_["startDate"]), first.timetz())
    options: dict[str, Any] = {"interval": pattern["interval"], "dtstart": begin,
                               "wkst": DAYS[pattern.get("firstDayOfWeek") or "sunday"]}
    if pattern["type"] == "weekly":
        options["byweekday"] = [DAYS[d] for d in pattern["daysOfWeek"]]
    if range_["type"] == "numbered":
        options["count"] = range_["numberOfOccurrences"]
    elif range_["type"] == "endDate":
        options["until"] = datetime.combine(date.fromisoformat(range_["endDate"]), time(23, 59, 59), zone)
    rule = rrule.rrule(FREQUENCIES[pattern["type"]], **options)
    out = []
    for local in rule.between(start.astimezone(zone) - duration, end.astimezone(zone), inc=True):
        at = local.astimezone(UTC)
        if at < end and at + duration > start:
            out.append((at, at + duration, item_id(master["id"], local.date()), master, local.date()))
    return out


def render(item: tuple) -> dict[str, Any]:
    start, end, id_, event, day = item
    if day is None:
        return event
    occurrence = dict(event)
    occurrence.update({
        "id": id_, "iCalUId": instance_uid(event["iCalUId"], day), "seriesMasterId": event["id"],
        "type": "occurrence", "webLink": WEB_LINK.format(quote(id_, safe="")), "recurrence": None,
        "start": {"dateTime": graph_time(start), "timeZone": "UTC"},
        "end": {"dateTime": graph_time(end), "timeZone": "UTC"},
        "originalStart": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
    })
    return occurrence


class Endpoint:
    def __init__(self, calendar: Calendar, mailbox: str) -> None:
        self.calendar, self.mailbox = calendar, mailbox

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        if not request.url.path.lower().endswith("/calendarview"):
            await Response("ok", media_type="text/plain")(scope, receive, send)
            return
        options = {k.lower(): v for k, v in request.query_params.items()}
        try:
            start, end = parse_utc(options["startdatetime"]), parse_utc(options["enddatetime"])
            top, skip = int(options.get("$top", DEFAULT_TOP)), int(options.get("$skip", 0))
        except (KeyError, ValueError):
            await Response('{"error":{"code":"ErrorInvalidParameter"}}', 400,
                           media_type="application/json")(scope, receive, send)
            return
        items = self.calendar.view(start, end)
        origin = f"{request.url.scheme}://{request.url.netloc}"
        page: dict[str, Any] = {
            "@odata.context": f"{origin}/v1.0/$metadata#users('{self.mailbox}')/calendarView",
            "value": [render(item) for item in items[skip:skip + top]],
        }
        if skip + top < len(items):
            query = {**dict(request.query_params), "$skip": str(skip + top)}
            page["@odata.nextLink"] = f"{origin}{request.url.path}?{urlencode(query, safe='$:')}"
        body = json.dumps(page, ensure_ascii=False, separators=(",", ":")).encode()
        await Response(body, media_type="application/json")(scope, receive, send)


def create_app(events_file: str) -> Starlette:
    with open(events_file, encoding="utf-8") as f:
        loaded = json.load(f)
    app = Starlette()
    app.router.default = Endpoint(Calendar(loaded["events"]), loaded["mailbox"])
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", required=True, help='{"mailbox": id, "events": [Graph event JSON]}')
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8767)
    args = parser.parse_args()

    import uvicorn

    app = create_app(args.events)
    tune_gc()  # as `calgraph serve` does
    uvicorn.run(app, host=args.host, port=args.port, timeout_keep_alive=KEEP_ALIVE_SECONDS)


if __name__ == "__main__":
    main()
