"""The naive calendarView baseline's side of bench/calendar_view.py, the page comparison, and wrk throughput.

export_events: the mailbox's events as calgraph serves them (GET /v1.0/me, /v1.0/me/events, every page),
written to a JSON file that bench/naive_view_app.py loads at start. compare_pages: calgraph's pages and
the baseline's, item by item (parsed JSON, then the items' bytes). throughput: requests/s of one
calendarView page (the week) under wrk, one server at a time.
"""

from __future__ import annotations

import json
import sys
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

from servers import Server, database_cpu, say
from view_common import PAGE, WEEK, Client, utc_text
from wrk import CpuPerRequest, Request, WrkResult, run_wrk

NAIVE_APP = Path(__file__).resolve().parent / "naive_view_app.py"


def export_events(client: Client, token: str, path: Path) -> int:
    """The mailbox's id and every event of /me/events (series masters and singles) as calgraph renders them."""
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    status, body = client.send("GET", "/v1.0/me", headers)
    if status != 200:
        raise RuntimeError(f"GET /me answered {status}")
    mailbox = json.loads(body)["id"]
    events: list[dict] = []
    url: str | None = "/v1.0/me/events?$top=1000"
    while url:
        status, body = client.send("GET", url, headers)
        if status != 200:
            raise RuntimeError(f"GET /me/events answered {status}: {body[:300]!r}")
        page = json.loads(body)
        events += page["value"]
        link = page.get("@odata.nextLink")
        url = None
        if link:
            parts = urllib.parse.urlsplit(link)
            url = f"{parts.path}?{parts.query}"
    path.write_text(json.dumps({"mailbox": mailbox, "events": events}, ensure_ascii=False), encoding="utf-8")
    return len(events)


def start_naive(events: Path, workdir: Path, name: str) -> Server:
    return Server(name, [sys.executable, str(NAIVE_APP), "--events", str(events)], "/", 200, workdir).start()


def _items_text(body: bytes) -> bytes:
    """A page's `value` array as sent (between the context and the nextLink)."""
    start = body.index(b'"value":[') + len(b'"value":')
    end = body.rfind(b',"@odata.nextLink":')
    return body[start:end if end > start else len(body) - 1]


def compare_pages(window: str, ours: list[bytes], theirs: list[bytes]) -> tuple[list[str], bool]:
    """Problems found (items that differ, by id and page), and whether every item's bytes are the same."""
    problems: list[str] = []
    if len(ours) != len(theirs):
        problems.append(f"{window}: calgraph sent {len(ours)} pages, the baseline {len(theirs)}")
    for n, (a, b) in enumerate(zip(ours, theirs)):
        left, right = json.loads(a)["value"], json.loads(b)["value"]
        if [i["id"] for i in left] != [i["id"] for i in right]:
            problems.append(f"{window} page {n + 1}: the items' ids or their order differ "
                            f"({len(left)} items / {len(right)})")
            continue
        for x, y in zip(left, right):
            if x != y:
                fields = sorted(k for k in {*x, *y} if x.get(k) != y.get(k))
                problems.append(f"{window} page {n + 1}, item {x['id'][:24]}…: {', '.join(fields)} differ")
                break
    identical = not problems and all(_items_text(a) == _items_text(b) for a, b in zip(ours, theirs))
    return problems, identical


@dataclass
class Throughput(CpuPerRequest):
    server: str          # "naive" | "calgraph"
    workers: int
    load: WrkResult
    server_cpu_seconds: float | None
    database_cpu_seconds: float | None = None   # PostgreSQL's backends for this database


def week_request(token: str) -> Request:
    return Request("GET", f"/v1.0/me/calendarView?startDateTime={utc_text(WEEK[0])}&endDateTime={utc_text(WEEK[1])}"
                          f"&$top={PAGE}", token)


def throughput(server: Server, name: str, workers: int, token: str, connections: int, seconds: float,
               database: str | None = None) -> Throughput:
    """A 1-second warm-up, then `seconds` of wrk (-t1) sending the week's calendarView (one page);
    `database`: a PostgreSQL database whose backends' CPU time is counted too."""
    requests = [week_request(token)]
    run_wrk(server.origin, requests, connections=connections, seconds=1, expect=200)
    cpu0, db0 = server.cpu_seconds(), database_cpu(database)
    load = run_wrk(server.origin, requests, connections=connections, seconds=seconds, expect=200)
    cpu1, db1 = server.cpu_seconds(), database_cpu(database)
    db = sum(seconds - db0.get(pid, 0.0) for pid, seconds in db1.items()) if database else None
    row = Throughput(name, workers, load, None if cpu0 is None or cpu1 is None else cpu1 - cpu0, db)
    say(f"  wrk {name:<8} workers={workers} c={connections}: {load.rps:8.1f} req/s  p50 {load.p50_ms:6.1f} ms  "
        f"p99 {load.p99_ms:6.1f} ms  server CPU {row.server_ms or 0:.2f} ms/req"
        + (f"  PostgreSQL CPU {row.database_ms:.2f} ms/req" if row.database_ms is not None else "")
        + f"  wrk CPU {load.client_cpu:.0%}"
        + (f"  {load.errors} errors, first: {load.first_error}" if load.errors else ""))
    return row
