"""What the calendarView bench's parts share: the windows, one keep-alive HTTP client, and timed queries.

A query is a whole window, every page: its latency is the time until the last page is received; the
client's parse of the pages is timed apart (Timing.parsing).
"""

from __future__ import annotations

import http.client
import json
import math
import re
import time
import urllib.parse
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Callable

from servers import say

UTC = timezone.utc
YEAR = (datetime(2026, 1, 5, 0, 7, tzinfo=UTC), datetime(2027, 1, 4, 0, 7, tzinfo=UTC))
WEEK = (datetime(2026, 6, 1, 0, 7, tzinfo=UTC), datetime(2026, 6, 8, 0, 7, tzinfo=UTC))
WINDOWS = {"week": WEEK, "year": YEAR}
PAGE = 1000
REQUEST_TIMEOUT = 600.0


@dataclass
class Timing:
    server: str                 # "calgraph" | "naive" | "radicale"
    singles: int
    window: str
    latencies: list[float] = field(default_factory=list)   # seconds per whole query (every page)
    parsing: list[float] = field(default_factory=list)     # the client's JSON parse of those pages
    items: int | None = None
    pages: int = 0
    error: str = ""
    cpu_ms: float | None = None                            # the server's CPU time per query, if measured

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
    reps: dict[str, int]            # calgraph's and the naive baseline's repetitions per window
    radicale_reps: dict[str, int]
    warmup: int
    upload: str
    seed: int
    dataset: str                    # "berlin" (the issue's) | "mixed" (zones and ranges of every kind)
    baselines: tuple[str, ...]      # "naive", "radicale"


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


def timed(query: Query, timing: Timing, reps: int, warmup: int,
          server_cpu: Callable[[], float | None] | None = None) -> Timing:
    """Run `query` warmup + reps times; a failure ends the row with its message. `server_cpu`: the
    server's CPU seconds so far, read around the measured repetitions (Timing.cpu_ms)."""
    cpu0 = None
    try:
        for n in range(warmup + reps):
            if n == warmup and server_cpu is not None:
                cpu0 = server_cpu()
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
    cpu1 = server_cpu() if server_cpu is not None and cpu0 is not None else None
    if cpu0 is not None and cpu1 is not None and timing.latencies:
        timing.cpu_ms = (cpu1 - cpu0) / len(timing.latencies) * 1000
    if not reps and not timing.error:
        return timing
    say(f"  {timing.server:<8} {timing.window:<4} {len(timing.latencies)} reps  "
        f"p50 {timing.percentile(50) * 1000:9.1f} ms  p99 {timing.percentile(99) * 1000:9.1f} ms  "
        f"items {timing.items} ({timing.pages} pages)"
        + (f"  + JSON parse p50 {timing.percentile(50, True) * 1000:9.1f} ms" if any(timing.parsing) else "")
        + (f"  server CPU {timing.cpu_ms:.1f} ms/query" if timing.cpu_ms is not None else "")
        + (f"  ERROR {timing.error}" if timing.error else ""))
    return timing


NEXT_LINK = re.compile(rb'"@odata\.nextLink":("(?:[^"\\]|\\.)*")')


def graph_query(client: Client, token: str, window: tuple[datetime, datetime], kept: list[bytes] | None = None,
                top: int = PAGE) -> Query:
    """GET /v1.0/me/calendarView over `window`, `$top=top`, every nextLink followed. Each nextLink is read
    from the end of its page (the answer's last member); every page is parsed (items counted, nextLink
    checked) after the clock stops: that part's seconds are returned. `kept` gets the last query's pages."""
    first = (f"/v1.0/me/calendarView?startDateTime={utc_text(window[0])}&endDateTime={utc_text(window[1])}"
             f"&$top={top}")
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}

    def query() -> tuple[int, int, float]:
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
        if kept is not None:
            kept[:] = [body for body, _ in answers]
        return items, len(answers), time.perf_counter() - started
    return query
