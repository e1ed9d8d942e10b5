"""Benchmark: calgraph's calendarView against Radicale 3's CalDAV expand, on the same data, in the same run.

    pip install -e '.[test,bench]'            # radicale==3.9.0 is the bench extra
    python bench/calendar_view.py --quick --singles 1000   # smoke run, 1-2 minutes (no 10k/1k growth line)
    python bench/calendar_view.py --quick     # one repetition per Radicale query, both datasets: ~10 minutes,
                                              # mostly Radicale taking in 10,200 events (minutes) and expanding
    python bench/calendar_view.py             # full run: longer still (Radicale takes seconds per query)
    python bench/calendar_view.py --help      # --series, --singles, --reps, --radicale-reps, --keep DIR, ...

Per dataset (200 weekly series plus 1,000, then 10,000 single events; bench/caldav_seed.py makes them,
deterministic from --seed), one server at a time so the two never compete for the cores:

1. calgraph: a fresh SQLite file; one user and a delegated token seeded in-process (meetings.seed), the
   events created in-process through calgraph.services.events.create_event from Graph-shaped bodies
   (the series with a `recurrence`); then `python -m calgraph serve` and, per window (one week, one
   year), GET /v1.0/me/calendarView?startDateTime=..&endDateTime=..&$top=1000 following every
   @odata.nextLink. One "request" is that whole sequence of pages; its latency is measured client side
   (http.client on one keep-alive connection), after a warm-up, as the time until the last page is
   received, as Radicale's is: each page's nextLink is read from the end of its bytes, and every page is
   parsed as JSON (and its items counted) after the clock stops. That parse is timed too and shown
   beside it ("+ JSON parse"), with the ratio it gives; the verdict uses the answers' time.
2. Radicale 3 (`python -m radicale`, filesystem storage in the work directory, no auth): the same
   events as one VCALENDAR (a VEVENT with RRULE per series, TZID + VTIMEZONE) PUT onto the collection
   in one request (Radicale splits it by UID; --radicale-upload items PUTs one .ics per event instead),
   then a calendar-query REPORT (Depth: 1) with <C:expand> and a <C:time-range> filter on the same
   window; the instances returned are the VEVENTs in the calendar-data (counted in the answer's bytes,
   not parsed).

The windows start and end at minute 07 (UTC) while every event starts and ends on a quarter hour, so
no instance touches an edge: Graph's overlap rule and Radicale's (which includes an instance starting
exactly at the end) cannot disagree there. The item counts of both servers are printed side by side;
a difference is reported, not failed.

Targets (the issue): week view >= 50x faster than Radicale (p50 over p50), the year (every page)
>= 30x, and calgraph's week view with 10,000 singles within 1.5x of its cost with 1,000.
Exit status: 0 PASS, 1 FAIL, 2 a server failed (calgraph's calendarView or Radicale's REPORT did not
answer, or a server did not start): the rows concerned say so.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import re
import shutil
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Sequence

import caldav_seed as data      # bench/caldav_seed.py: the events, as Graph bodies and as iCalendar
import meetings as bench        # bench/meetings.py: Server, say, seed

UTC = timezone.utc
YEAR = (datetime(2026, 1, 5, 0, 7, tzinfo=UTC), datetime(2027, 1, 4, 0, 7, tzinfo=UTC))
WEEK = (datetime(2026, 6, 1, 0, 7, tzinfo=UTC), datetime(2026, 6, 8, 0, 7, tzinfo=UTC))
WINDOWS = {"week": WEEK, "year": YEAR}
TARGETS = {"week": 50.0, "year": 30.0}
GROWTH_TARGET = 1.5         # calgraph week p50 with the most singles / with the fewest
PAGE = 1000
REQUEST_TIMEOUT = 600.0
RADICALE_USER = "bench"
RADICALE_LAUNCH = ("import sys; from radicale.__main__ import run; a = sys.argv[1:]; "
                   "sys.argv = ['radicale', '--config', a[0], '--server-hosts', "
                   "a[a.index('--host') + 1] + ':' + a[a.index('--port') + 1]]; run()")


@dataclass
class Timing:
    server: str                 # "calgraph" | "radicale"
    singles: int
    window: str
    latencies: list[float] = field(default_factory=list)   # seconds per whole query (every page)
    parsing: list[float] = field(default_factory=list)     # the client's JSON parse of those pages
    items: int | None = None
    pages: int = 0
    error: str = ""

    def percentile(self, p: float, parsed: bool = False) -> float:
        ordered = sorted(self.latencies if not parsed else
                         [latency + parse for latency, parse in zip(self.latencies, self.parsing)])
        if not ordered:
            return math.nan
        return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


@dataclass
class Plan:
    series: int
    singles: tuple[int, ...]
    reps: dict[str, int]            # calgraph repetitions per window
    radicale_reps: dict[str, int]
    warmup: int
    upload: str
    seed: int


# -- HTTP ------------------------------------------------------------------------------------------

class Client:
    """One keep-alive HTTP/1.1 connection (http.client: far less client CPU than httpx)."""

    def __init__(self, origin: str) -> None:
        parsed = urllib.parse.urlsplit(origin)
        self.connection = http.client.HTTPConnection(parsed.hostname, parsed.port, timeout=REQUEST_TIMEOUT)

    def send(self, method: str, path: str, headers: dict[str, str], body: bytes | None = None) -> tuple[int, bytes]:
        self.connection.request(method, path, body=body, headers=headers)
        answer = self.connection.getresponse()
        return answer.status, answer.read()

    def close(self) -> None:
        self.connection.close()


def utc_text(moment: datetime, caldav: bool = False) -> str:
    return moment.strftime("%Y%m%dT%H%M%SZ" if caldav else "%Y-%m-%dT%H:%M:%SZ")


Query = Callable[[], tuple[int, int, float]]   # -> items, pages, seconds of it not to count (parsing)


def timed(query: Query, timing: Timing, reps: int, warmup: int) -> Timing:
    """Run `query` warmup + reps times; a failure ends the row with its message."""
    try:
        for n in range(warmup + reps):
            started = time.perf_counter()
            items, pages, parsing = query()
            elapsed = time.perf_counter() - started - parsing
            if n >= warmup:
                timing.latencies.append(elapsed)
                timing.parsing.append(parsing)
            if timing.items is not None and items != timing.items:
                timing.error = f"item count changed between repetitions: {timing.items} then {items}"
            timing.items, timing.pages = items, pages
    except (RuntimeError, OSError, http.client.HTTPException, ValueError) as e:
        timing.error = str(e)[:400] or repr(e)
    if not reps and not timing.error:
        return timing
    bench.say(f"  {timing.server:<8} {timing.window:<4} {len(timing.latencies)} reps  "
              f"p50 {timing.percentile(50) * 1000:9.1f} ms  p99 {timing.percentile(99) * 1000:9.1f} ms  "
              f"items {timing.items} ({timing.pages} pages)"
              + (f"  + JSON parse p50 {timing.percentile(50, True) * 1000:9.1f} ms" if any(timing.parsing) else "")
              + (f"  ERROR {timing.error}" if timing.error else ""))
    return timing


# -- calgraph --------------------------------------------------------------------------------------

def seed_calgraph(db_url: str, specs: list[data.Spec]) -> str:
    """One user and their token (meetings.seed), then every event through the service layer, each in
    its own unit of work as POST /me/events would run it. Returns the token."""
    from calgraph.core.permissions import Principal
    from calgraph.http.bodies import EventInput, parse
    from calgraph.services import events
    from calgraph.services.runtime import Runtime
    from calgraph.store import open_store

    users, _app_token = bench.seed(db_url, 1)
    store = open_store(db_url)
    try:
        runtime = Runtime(store)
        principal = Principal(users[0].id, frozenset({"calendars.readwrite"}))
        scope = events.Scope("me", None)
        for spec in specs:
            try:
                changes = parse(EventInput, data.graph_body(spec)).changes()
                events.create_event(runtime, principal, scope, changes, "https://calgraph.bench")
            except Exception as e:
                raise RuntimeError(f"calgraph rejected {spec}: {e!r}") from e
    finally:
        store.dispose()
    return users[0].token


NEXT_LINK = re.compile(rb'"@odata\.nextLink":("(?:[^"\\]|\\.)*")')


def calendar_view_query(client: Client, token: str, window: tuple[datetime, datetime]) -> Query:
    first = (f"/v1.0/me/calendarView?startDateTime={utc_text(window[0])}&endDateTime={utc_text(window[1])}"
             f"&$top={PAGE}")
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}

    def query() -> tuple[int, int, float]:
        """Every page, each nextLink read from the end of its page (the answer's last member); then every
        page parsed, its items counted and its nextLink checked: that part's seconds are returned."""
        path: str | None = first
        answers: list[tuple[bytes, str | None]] = []
        while path:
            status, body = client.send("GET", path, headers)
            if status != 200:
                raise RuntimeError(f"calendarView answered {status}: {body[:300].decode(errors='replace')}")
            found = NEXT_LINK.search(body, max(0, len(body) - 4096))
            link = json.loads(found.group(1)) if found else None
            answers.append((body, link))
            path = None
            if link:
                parts = urllib.parse.urlsplit(link)
                path = f"{parts.path}?{parts.query}"
        started = time.perf_counter()
        items = 0
        for body, link in answers:
            page = json.loads(body)
            items += len(page["value"])
            if page.get("@odata.nextLink") != link:
                raise RuntimeError(f"a nextLink read from the end of a page was not the page's: {link!r}")
        return items, len(answers), time.perf_counter() - started
    return query


def run_calgraph(plan: Plan, specs: list[data.Spec], singles: int, workdir: Path) -> tuple[list[Timing], float]:
    db_url = f"sqlite:///{workdir / f'calgraph-{singles}.db'}"
    bench.say(f"calgraph, {plan.series} series + {singles} singles: seeding in-process")
    started = time.perf_counter()
    token = seed_calgraph(db_url, specs)
    seconds = time.perf_counter() - started
    bench.say(f"  seeded {len(specs)} events in {seconds:.1f} s")
    server = bench.Server(f"calgraph-{singles}", [*bench.CALGRAPH_SERVE, "--db", db_url], "/v1.0/me", 401,
                          workdir).start()
    client = Client(server.origin)
    try:
        return [timed(calendar_view_query(client, token, window), Timing("calgraph", singles, name),
                      plan.reps[name], plan.warmup) for name, window in WINDOWS.items()], seconds
    finally:
        client.close()
        server.stop()
        log = server.log()
        if "Traceback" in log:
            bench.say(f"calgraph logged a traceback (see {server.log_path}):\n{log[log.index('Traceback'):][:2000]}")


# -- Radicale --------------------------------------------------------------------------------------

def start_radicale(workdir: Path, singles: int) -> bench.Server:
    storage = workdir / f"radicale-{singles}"
    config = workdir / f"radicale-{singles}.conf"
    config.write_text(data.radicale_config(str(storage)))   # host and port: RADICALE_LAUNCH's --server-hosts
    return bench.Server(f"radicale-{singles}", [sys.executable, "-c", RADICALE_LAUNCH, str(config)], "/.web", 200,
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
        bench.say(f"Radicale on {server.origin}, {plan.series} series + {singles} singles: "
                  f"uploading ({plan.upload})")
        seconds = seed_radicale(client, plan, specs)
        bench.say(f"  uploaded {len(specs)} events in {seconds:.1f} s")
        # one week query first: Radicale parses every item of the collection on each expand REPORT,
        # so this warms its caches for both windows
        timed(expand_query(client, WEEK), Timing("radicale", singles, "warm-up"), 0, 1)
        return [timed(expand_query(client, window), Timing("radicale", singles, name), plan.radicale_reps[name], 0)
                for name, window in WINDOWS.items()], seconds
    finally:
        client.close()
        server.stop()


# -- report ----------------------------------------------------------------------------------------

def report(plan: Plan, timings: list[Timing], seeding: dict[int, float]) -> int:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if not console.is_terminal:
        console = Console(width=200)
    table = Table(title=f"calendarView (all pages, $top={PAGE}) vs. Radicale {radicale_version()} CalDAV "
                        f"calendar-query with expand; {plan.series} weekly series + N single events")
    for column in ("singles", "window", "calgraph p50 ms", "p99 ms", "+ JSON parse p50", "Radicale p50 ms", "p99 ms",
                   "items calgraph / Radicale", "Radicale / calgraph", "with parse", "target", ""):
        table.add_column(column, justify="left" if column in ("window", "", "target") else "right")
    find = {(t.server, t.singles, t.window): t for t in timings}
    failed = broken = False
    notes = []
    for singles in plan.singles:
        for window in WINDOWS:
            ours, theirs = find[("calgraph", singles, window)], find[("radicale", singles, window)]
            ok_ours, ok_theirs = not ours.error and ours.latencies, not theirs.error and theirs.latencies
            ratio = theirs.percentile(50) / ours.percentile(50) if ok_ours and ok_theirs else None
            parsed = theirs.percentile(50) / ours.percentile(50, True) if ok_ours and ok_theirs else None
            if ratio is None:
                broken = True
                verdict = "[red]calgraph's calendarView failed[/]" if not ok_ours else "[red]Radicale failed[/]"
            else:
                ok = ratio >= TARGETS[window]
                failed |= not ok
                verdict = "[green]PASS[/]" if ok else "[red]FAIL[/]"
            if ours.items is not None and theirs.items is not None and ours.items != theirs.items:
                notes.append(f"{singles} singles, {window}: calgraph returned {ours.items} items, "
                             f"Radicale {theirs.items} instances ({ours.items - theirs.items:+d})")
            for t in (ours, theirs):
                if t.error:
                    notes.append(f"{t.server}, {singles} singles, {window}: {t.error}")
            table.add_row(f"{singles:,}", window, ms(ours, 50), ms(ours, 99), ms(ours, 50, True), ms(theirs, 50),
                          ms(theirs, 99), f"{count(ours)} / {count(theirs)}", "" if ratio is None else f"{ratio:.1f}x",
                          "" if parsed is None else f"{parsed:.1f}x", f">= {TARGETS[window]:g}x", verdict)
        table.add_section()
    console.print(table)

    low, high = min(plan.singles), max(plan.singles)
    week_low, week_high = find[("calgraph", low, "week")], find[("calgraph", high, "week")]
    if low == high:
        console.print("week cost growth: one dataset only, no growth target")
    elif week_low.latencies and week_high.latencies and not week_low.error and not week_high.error:
        growth = week_high.percentile(50) / week_low.percentile(50)
        ok = growth <= GROWTH_TARGET
        failed |= not ok
        console.print(f"calgraph week p50 with {high:,} singles / with {low:,}: {growth:.2f}x "
                      f"(target <= {GROWTH_TARGET}x) " + ("[green]PASS[/]" if ok else "[red]FAIL[/]"))
    else:
        broken = True
        console.print(f"calgraph week p50 with {high:,} / {low:,} singles: [red]unavailable[/] (calendarView failed)")
    console.print("Seeding: " + "; ".join(f"{s:,} singles: calgraph {seeding.get(('calgraph', s), math.nan):.1f} s "
                                          f"in-process, Radicale {seeding.get(('radicale', s), math.nan):.1f} s "
                                          f"({plan.upload} upload)" for s in plan.singles))
    console.print(f"Repetitions: calgraph {plan.reps['week']} (week) / {plan.reps['year']} (year) after "
                  f"{plan.warmup} warm-up; Radicale {plan.radicale_reps['week']} / {plan.radicale_reps['year']} "
                  "after one warm-up week query. Latency = the whole query, every page received, client side; "
                  "+ JSON parse: with the client's json.loads of every page (Radicale's answer is only counted).")
    for note in notes:
        console.print(f"[yellow]note[/]: {note}")
    if broken:
        console.print("[red]A server failed: some targets could not be measured.[/]")
        return 2
    console.print("[green]PASS[/]" if not failed else "[red]FAIL[/]: a target was missed")
    return 1 if failed else 0


def ms(timing: Timing, p: float, parsed: bool = False) -> str:
    return f"{timing.percentile(p, parsed) * 1000:,.1f}" if timing.latencies else "-"


def count(timing: Timing) -> str:
    return "-" if timing.items is None else f"{timing.items:,}"


def radicale_version() -> str:
    try:
        from importlib.metadata import version
        return version("radicale")
    except Exception:
        return "3"


# -- main ------------------------------------------------------------------------------------------

def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="calgraph calendarView vs. Radicale 3 CalDAV expand on the same data (SQLite).",
        epilog="Exit status: 0 PASS, 1 FAIL (target missed), 2 a server failed.")
    parser.add_argument("--series", type=int, default=200, help="weekly series (default 200)")
    parser.add_argument("--singles", type=int, nargs="+", metavar="N",
                        help="single events, one dataset per value (default 1000 10000; quick the same)")
    parser.add_argument("--reps", type=int, nargs=2, metavar=("WEEK", "YEAR"),
                        help="calgraph repetitions per window (default 50 20; quick 10 1)")
    parser.add_argument("--radicale-reps", type=int, nargs=2, metavar=("WEEK", "YEAR"),
                        help="Radicale repetitions per window (default 5 3; quick 1 1)")
    parser.add_argument("--warmup", type=int, help="calgraph warm-up queries per window (default 2; quick 1)")
    parser.add_argument("--radicale-upload", choices=("batch", "items"), default="batch",
                        help="batch: one PUT of the whole collection (default); items: MKCALENDAR, then one "
                             "PUT per event (slow for 10,000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed of the data")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions (calgraph 10/1, Radicale 1/1); add --singles 1000 for a 1-2 minute smoke run")
    parser.add_argument("--keep", metavar="DIR", type=Path,
                        help="keep the databases, Radicale's storage and the logs in DIR")
    return parser.parse_args(argv)


def make_plan(args: argparse.Namespace) -> Plan:
    reps = args.reps or ((10, 1) if args.quick else (50, 20))
    radicale_reps = args.radicale_reps or ((1, 1) if args.quick else (5, 3))
    if min(*reps, *radicale_reps) < 1:
        raise SystemExit("repetitions must be >= 1")
    return Plan(series=args.series, singles=tuple(args.singles or (1000, 10000)),
                reps=dict(zip(WINDOWS, reps)), radicale_reps=dict(zip(WINDOWS, radicale_reps)),
                warmup=args.warmup if args.warmup is not None else 1 if args.quick else 2,
                upload=args.radicale_upload, seed=args.seed)


def run(plan: Plan, workdir: Path) -> tuple[list[Timing], dict]:
    timings: list[Timing] = []
    seeding: dict = {}
    for singles in plan.singles:
        specs = data.make_dataset(plan.seed, plan.series, singles, YEAR)
        ours, seeding[("calgraph", singles)] = run_calgraph(plan, specs, singles, workdir)
        theirs, seeding[("radicale", singles)] = run_radicale(plan, specs, singles, workdir)
        timings += ours + theirs
    return timings, seeding


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    plan = make_plan(args)
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        workdir = args.keep
    else:
        workdir = Path(tempfile.mkdtemp(prefix="calgraph-bench-view-"))
    started = time.perf_counter()
    try:
        timings, seeding = run(plan, workdir)
    except RuntimeError as e:          # a server did not start, or seeding failed
        bench.say(f"failed: {e}")
        return 2
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    bench.say(f"done in {time.perf_counter() - started:.0f} s")
    return report(plan, timings, seeding)


if __name__ == "__main__":
    sys.exit(main())
