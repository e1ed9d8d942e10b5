"""Radicale 3's CalDAV expand on the calendarView bench's data (bench/calendar_view.py --radicale).

Radicale (`python -m radicale`, filesystem storage in the work directory, no auth) gets the same events
as one VCALENDAR (a VEVENT with RRULE per series, TZID + VTIMEZONE) PUT onto the collection in one
request (Radicale splits it by UID; --radicale-upload items PUTs one .ics per event instead), then answers
a calendar-query REPORT (Depth: 1) with <C:expand> and a <C:time-range> filter on each window; the
instances returned are the VEVENTs in the calendar-data (counted in the answer's bytes, not parsed).
"""

from __future__ import annotations

import sys
import time
import urllib.parse
from datetime import datetime
from pathlib import Path

import caldav_seed as data
from servers import Server, say
from view_common import WEEK, WINDOWS, Client, Plan, Query, Timing, timed, utc_text

RADICALE_USER = "bench"
RADICALE_LAUNCH = ("import sys; from radicale.__main__ import run; a = sys.argv[1:]; "
                   "sys.argv = ['radicale', '--config', a[0], '--server-hosts', "
                   "a[a.index('--host') + 1] + ':' + a[a.index('--port') + 1]]; run()")


def start_radicale(workdir: Path, singles: int) -> Server:
    storage = workdir / f"radicale-{singles}"
    config = workdir / f"radicale-{singles}.conf"
    config.write_text(data.radicale_config(str(storage)))   # host and port: RADICALE_LAUNCH's --server-hosts
    return Server(f"radicale-{singles}", [sys.executable, "-c", RADICALE_LAUNCH, str(config)], "/.web", 200,
                        workdir).start()


def seed_radicale(client: Client, plan: Plan, specs: list[data.Spec]) -> float:
    """The events into /bench/calendar/; returns the seconds the upload took (building the iCalendar
    text not included)."""
    auth = {"Authorization": "Basic YmVuY2g6eA=="}          # bench:x; auth type none accepts any password
    collection = f"/{RADICALE_USER}/calendar/"
    if plan.upload == "batch":
        text = data.icalendar_text(specs)
        started = time.perf_counter()
        status, body = client.send("PUT", collection, {**auth, "Content-Type": "text/calendar"}, text)
        if status not in (200, 201, 204):
            raise RuntimeError(f"Radicale PUT of the collection answered {status}: {body[:300]!r}")
        return time.perf_counter() - started
    items = data.icalendar_items(specs)
    started = time.perf_counter()
    status, body = client.send("MKCALENDAR", collection, auth)
    if status != 201:
        raise RuntimeError(f"Radicale MKCALENDAR answered {status}: {body[:300]!r}")
    for uid, text in items:
        status, body = client.send("PUT", f"{collection}{urllib.parse.quote(uid)}.ics",
                                   {**auth, "Content-Type": "text/calendar"}, text)
        if status not in (201, 204):
            raise RuntimeError(f"Radicale PUT {uid} answered {status}: {body[:300]!r}")
    return time.perf_counter() - started


def expand_query(client: Client, window: tuple[datetime, datetime]) -> Query:
    start, end = utc_text(window[0], caldav=True), utc_text(window[1], caldav=True)
    body = f"""<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
  <D:prop><C:calendar-data><C:expand start="{start}" end="{end}"/></C:calendar-data></D:prop>
  <C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">
    <C:time-range start="{start}" end="{end}"/>
  </C:comp-filter></C:comp-filter></C:filter>
</C:calendar-query>""".encode()
    headers = {"Authorization": "Basic YmVuY2g6eA==", "Depth": "1", "Content-Type": "application/xml"}

    def query() -> tuple[int, int, float]:
        status, answer = client.send("REPORT", f"/{RADICALE_USER}/calendar/", headers, body)
        if status != 207:
            raise RuntimeError(f"Radicale REPORT answered {status}: {answer[:300].decode(errors='replace')}")
        return answer.count(b"BEGIN:VEVENT"), 1, 0.0   # one VEVENT per expanded instance
    return query


def run_radicale(plan: Plan, specs: list[data.Spec], singles: int, workdir: Path) -> tuple[list[Timing], float]:
    server = start_radicale(workdir, singles)
    client = Client(server.origin)
    try:
        say(f"Radicale on {server.origin}, {plan.series} series + {singles} singles: "
                  f"uploading ({plan.upload})")
        seconds = seed_radicale(client, plan, specs)
        say(f"  uploaded {len(specs)} events in {seconds:.1f} s")
        # one week query first: Radicale parses every item of the collection on each expand REPORT,
        # so this warms its caches for both windows
        timed(expand_query(client, WEEK), Timing("radicale", singles, "warm-up"), 0, 1)
        return [timed(expand_query(client, window), Timing("radicale", singles, name), plan.radicale_reps[name], 0)
                for name, window in WINDOWS.items()], seconds
    finally:
        client.close()
        server.stop()


def radicale_version() -> str:
    try:
        from importlib.metadata import version
        return version("radicale")
    except Exception:
        return "3"
