"""Benchmark: the meeting actions of calgraph over HTTP, against a baseline measured in the same run.

    python bench/meetings.py            # full run: 2 concurrency levels, a few minutes
    python bench/meetings.py --quick    # smoke run, about 30 seconds

What it does, one server at a time (the two never compete for the cores):

1. baseline: bench/baseline_app.py, the same HTTP stack as `calgraph serve` (Starlette on uvicorn with
   the same settings, one threadpool hop, calgraph's SQLite engine and BEGIN IMMEDIATE) answering one
   POST with one transaction of two UPDATEs and one INSERT.
2. calgraph: `python -m calgraph serve` on a fresh SQLite file. Users and tokens are seeded in-process
   (calgraph.services.directory.add_user, TokenService) before the server starts; the meetings are
   created over HTTP (POST /v1.0/users/{organizer}/events, an app token, N attendees each), and each
   attendee's copy is found by listing their calendar ($select=id,iCalUId). Then, per concurrency level:
   accept, tentativelyAccept with a proposal, decline (each on its own, never-answered copies, with
   "SendResponse": true as a user's client sends it) and cancel (each on a fresh meeting by its
   organizer; a cancel fans out to every attendee, so it has no target and is reported apart).
3. baseline again, so that a machine getting slower or faster during the run shows up as two
   different baseline rows; ratios are taken to their mean. Each baseline round repeats its request
   for at least --baseline-seconds (5, quick 2): --requests alone would last well under a second.

Load: CONCURRENCY workers, each on its own keep-alive HTTP/1.1 connection, a warm-up before each
measured scenario. The default client writes and parses HTTP/1.1 by hand on asyncio streams (about
0.1 ms of CPU per request): httpx.AsyncClient (--client httpx; it still does the set-up) spends about
2.8 ms per request, more than the baseline server itself, so the baseline would measure the client.
Latency is measured per request on the client. "server CPU" is the server process's CPU time over the
wall time (100% = one core, the GIL-bound ceiling of one uvicorn process); "CPU ms/req" the server's
CPU time per request, which other load on the machine disturbs less than req/s; "client CPU" the same
as "server CPU" for this process (near 100%: the load generator may be the limit).

Target (the issue): every response action at >= 0.5 x the baseline's requests/s at each concurrency.
Exit status: 0 PASS, 1 FAIL, 2 some request did not answer 202 (the numbers are then not meaningful).
Benchmarks compare ratios within one run (machines are shared and noisy); they never run as tests.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

import httpx

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src"
BASELINE_APP = Path(__file__).resolve().parent / "baseline_app.py"
CALGRAPH_SERVE = [sys.executable, "-m", "calgraph", "serve"]   # a wrapper script may replace it to try a variant
START_TIMEOUT = 60.0
REQUEST_TIMEOUT = 120.0
TARGET_RATIO = 0.5
DOMAIN = "bench.test"
ZONE = "Pacific Standard Time"

RESPONSES = ("accept", "tentativelyAccept", "decline")
BODIES: dict[str, dict[str, Any]] = {  # as msgraph-sdk sends them (PascalCase action parameters)
    "accept": {"Comment": "Sure, see you there.", "SendResponse": True},
    "tentativelyAccept": {
        "Comment": "Could we meet an hour later?",
        "ProposedNewTime": {"start": {"dateTime": "2030-01-15T11:00:00", "timeZone": ZONE},
                            "end": {"dateTime": "2030-01-15T12:00:00", "timeZone": ZONE}},
        "SendResponse": True,
    },
    "decline": {"Comment": "Sorry, I can't make it.", "SendResponse": True},
    "cancel": {"Comment": "Cancelled for this week."},
}
LABELS = {
    "baseline": "baseline: 2 UPDATE + 1 INSERT",
    "accept": "accept",
    "tentativelyAccept": "tentativelyAccept + proposal",
    "decline": "decline",
    "cancel": "cancel (fans out to attendees)",
    "create": "create meeting (setup)",
}


def say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- servers --------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def subprocess_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(SRC), *[p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]])
    env.pop("CALGRAPH_DB", None)
    return env


class Server:
    """A server subprocess on 127.0.0.1:<free port>; ready once `probe` answers `ready_status`."""

    def __init__(self, name: str, argv: list[str], probe: str, ready_status: int, log_dir: Path) -> None:
        self.name = name
        self.argv = argv
        self.probe = probe
        self.ready_status = ready_status
        self.log_path = log_dir / f"{name}.log"
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "Server":
        for _attempt in range(3):  # a free port can be taken between probing and binding
            self.port = free_port()
            with open(self.log_path, "ab") as log:
                self.proc = subprocess.Popen(
                    [*self.argv, "--host", "127.0.0.1", "--port", str(self.port)],
                    stdout=log, stderr=subprocess.STDOUT, env=subprocess_env(), cwd=REPO)
            if self._wait_ready():
                return self
            self.stop()
            if "address already in use" not in self.log().lower():
                break
        raise RuntimeError(f"{self.name} did not start; its log:\n{self.log()[-4000:]}")

    def _wait_ready(self) -> bool:
        assert self.proc is not None
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                with urllib.request.urlopen(self.origin + self.probe, timeout=2) as answer:
                    status = answer.status
            except urllib.error.HTTPError as e:
                status = e.code
            except OSError:
                status = 0
            if status == self.ready_status:
                return True
            time.sleep(0.05)
        return False

    def cpu_seconds(self) -> float | None:
        """User + system CPU time of the server process so far (Linux /proc), else None."""
        if self.proc is None:
            return None
        try:
            fields = Path(f"/proc/{self.proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return None
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except FileNotFoundError:
            return ""

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=15)


# -- load -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Call:
    path: str
    token: str | None
    body: bytes


@dataclass
class Result:
    scenario: str
    concurrency: int
    latencies: list[float] = field(default_factory=list)   # seconds, one per request
    seconds: float = 0.0
    errors: int = 0
    first_error: str = ""
    server_cpu: float | None = None                         # server CPU seconds / wall seconds
    client_cpu: float | None = None

    @property
    def requests(self) -> int:
        return len(self.latencies)

    @property
    def server_ms(self) -> float | None:
        """Server CPU milliseconds per request: less sensitive than req/s to other load on the machine."""
        if self.server_cpu is None or not self.requests:
            return None
        return self.server_cpu * self.seconds / self.requests * 1000

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return math.nan
        return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


class RawConnection:
    """POST over one keep-alive HTTP/1.1 connection, written and parsed by hand on asyncio streams.

    The default load generator: httpx spends about 2.8 ms of CPU per request on this kind of machine,
    twice what the baseline server spends answering it, so with httpx the baseline would measure the
    client (and flatter calgraph's ratio); this costs about 0.1 ms."""

    def __init__(self, origin: str) -> None:
        parsed = httpx.URL(origin)
        self.host, self.port = parsed.host, parsed.port or 80
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, path: str, token: str | None, body: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        auth = f"Authorization: Bearer {token}\r\n" if token else ""
        head = (f"POST {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\n{auth}\r\n")
        try:
            self.writer.write(head.encode("latin-1") + body)
            lines = (await self.reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
            status = int(lines[0].split(" ", 2)[1])
            headers = {name.strip().lower(): value.strip()
                       for name, _, value in (line.partition(":") for line in lines[1:] if line)}
            if headers.get("transfer-encoding", "").lower() == "chunked":
                content = await self._chunked()
            else:
                content = await self.reader.readexactly(int(headers.get("content-length", "0")))
        except BaseException:
            await self.close()
            raise
        if headers.get("connection", "").lower() == "close":
            await self.close()
        return status, content

    async def _chunked(self) -> bytes:
        assert self.reader is not None
        parts = []
        while True:
            size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
            parts.append(await self.reader.readexactly(size + 2))
            if size == 0:
                return b"".join(parts)[:-2]

    async def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            try:
                await self.writer.wait_closed()
            except OSError:
                pass
        self.reader = self.writer = None


class HttpxConnection:
    """The same interface over a shared httpx.AsyncClient (--client httpx)."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def post(self, path: str, token: str | None, body: bytes) -> tuple[int, bytes]:
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        response = await self.client.post(path, content=body, headers=headers)
        return response.status_code, response.content

    async def close(self) -> None:
        pass


def httpx_client(origin: str, concurrency: int) -> httpx.AsyncClient:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    return httpx.AsyncClient(base_url=origin, limits=limits, timeout=REQUEST_TIMEOUT)


async def drive(origin: str, client_kind: str, calls: Sequence[Call], concurrency: int, result: Result,
                expect: int = 202, keep: list[bytes] | None = None, min_seconds: float = 0.0) -> Result:
    """Send `calls` with `concurrency` in flight, each worker on its own keep-alive connection;
    fills `result` (latencies, errors, wall time). `keep` collects the answers' bodies in order.
    With `min_seconds`, `calls` (repeatable ones) are sent over again until that much time has passed."""
    position = 0
    deadline = time.perf_counter() + min_seconds

    def more() -> bool:
        return position < len(calls) or (min_seconds > 0 and time.perf_counter() < deadline)
    if keep is not None:
        keep.extend(b"" for _ in calls)
    shared = httpx_client(origin, concurrency) if client_kind == "httpx" else None

    async def worker() -> None:
        nonlocal position
        connection = HttpxConnection(shared) if shared is not None else RawConnection(origin)
        try:
            while more():
                index = position
                position += 1
                call = calls[index % len(calls)]
                started = time.perf_counter()
                try:
                    status, content = await connection.post(call.path, call.token, call.body)
                except (OSError, asyncio.IncompleteReadError, httpx.HTTPError) as e:
                    status, content = 0, repr(e).encode()
                result.latencies.append(time.perf_counter() - started)
                if status != expect:
                    result.errors += 1
                    result.first_error = result.first_error or f"{status} {content[:300].decode(errors='replace')}"
                if keep is not None and index < len(keep):
                    keep[index] = content
        finally:
            await connection.close()

    started = time.perf_counter()
    try:
        await asyncio.gather(*(worker() for _ in range(min(concurrency, len(calls)))))
    finally:
        if shared is not None:
            await shared.aclose()
    result.seconds = time.perf_counter() - started
    return result


async def measure(server: Server, client_kind: str, scenario: str, concurrency: int, warmup: Sequence[Call],
                  calls: Sequence[Call], min_seconds: float = 0.0) -> Result:
    """Warm up, then time `calls` (repeated for at least `min_seconds`, if given); server and client
    CPU over the measured part only."""
    if warmup:
        await drive(server.origin, client_kind, warmup, concurrency, Result(scenario, concurrency))
    cpu0, client0, wall0 = server.cpu_seconds(), time.process_time(), time.perf_counter()
    result = await drive(server.origin, client_kind, calls, concurrency, Result(scenario, concurrency),
                         min_seconds=min_seconds)
    wall = time.perf_counter() - wall0
    cpu1 = server.cpu_seconds()
    if cpu0 is not None and cpu1 is not None:
        result.server_cpu = (cpu1 - cpu0) / wall
    result.client_cpu = (time.process_time() - client0) / wall
    say(f"  {LABELS[scenario]:<32} c={concurrency:<3} {result.rps:8.1f} req/s  "
        f"p50 {result.percentile(50) * 1000:7.1f} ms  p99 {result.percentile(99) * 1000:7.1f} ms"
        + (f"  {result.errors} errors, first: {result.first_error}" if result.errors else ""))
    return result


# -- the plan: how many requests of what ----------------------------------------------------------

@dataclass(frozen=True)
class Plan:
    users: int
    attendees: int
    requests: int
    cancels: int
    warmup: int
    cancel_warmup: int
    concurrency: tuple[int, ...]
    auth: str
    client: str
    baseline_seconds: float
    setup_concurrency: int
    seed: int

    def response_meetings(self) -> int:
        """Meetings per (action, concurrency): every answer goes to a never-answered copy."""
        return math.ceil((self.warmup + self.requests) / self.attendees)

    def cancel_meetings(self) -> int:
        return self.cancel_warmup + self.cancels


def make_plan(args: argparse.Namespace) -> Plan:
    if args.quick:
        requests, cancels, concurrency = args.requests or 200, args.cancels or 50, args.concurrency or [16]
    else:
        requests, cancels, concurrency = args.requests or 1000, args.cancels or 250, args.concurrency or [16, 64]
    if args.attendees < 1 or args.users < args.attendees + 1:
        raise SystemExit("--users must exceed --attendees (organizers are never their own attendees)")
    warmup = args.warmup if args.warmup is not None else max(20, requests // 10)
    default_seconds = 2.0 if args.quick else 5.0
    return Plan(users=args.users, attendees=args.attendees, requests=requests, cancels=cancels,
                warmup=warmup, cancel_warmup=max(5, min(warmup, cancels // 10)),
                concurrency=tuple(concurrency), auth=args.auth, client=args.client,
                baseline_seconds=args.baseline_seconds if args.baseline_seconds is not None else default_seconds,
                setup_concurrency=args.setup_concurrency, seed=args.seed)


# -- baseline -------------------------------------------------------------------------------------

async def run_baseline(plan: Plan, workdir: Path, round_name: str) -> list[Result]:
    db = workdir / f"baseline-{round_name}.db"
    server = Server(f"baseline-{round_name}", [sys.executable, str(BASELINE_APP), "--db", f"sqlite:///{db}"],
                    "/", 200, workdir).start()
    body = json.dumps(BODIES["accept"]).encode()
    results = []
    try:
        say(f"baseline ({round_name}) on {server.origin}")
        for concurrency in plan.concurrency:
            call = Call("/tx", None, body)
            result = await measure(server, plan.client, "baseline", concurrency, [call] * plan.warmup,
                                   [call] * plan.requests, min_seconds=plan.baseline_seconds)
            result.scenario = f"baseline ({round_name})"
            results.append(result)
    finally:
        server.stop()
    return results


# -- calgraph -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class User:
    id: str
    address: str
    token: str


@dataclass
class Meeting:
    organizer: User
    attendees: list[User]
    event_id: str = ""
    ical_uid: str = ""
    copies: dict[str, str] = field(default_factory=dict)   # attendee user id -> their copy's id


def seed(db_url: str, count: int) -> tuple[list[User], str]:
    """Users and their delegated tokens, plus an app token, written straight into the store."""
    from calgraph.core.ids import Ids, utc_now
    from calgraph.services import directory
    from calgraph.services.tokens import TokenService
    from calgraph.store import open_store

    store = open_store(db_url)
    try:
        store.migrate()
        ids = Ids()
        with store.unit_of_work(write=True) as uow:
            mailboxes = [directory.add_user(uow, ids, utc_now, f"user{i:04d}@{DOMAIN}", f"User {i:04d}")
                         for i in range(count)]
        tokens = TokenService(store)
        users = [User(m.id, m.address, tokens.issue_delegated(m, [])) for m in mailboxes]
        return users, tokens.issue_app([])
    finally:
        store.dispose()


def meeting_body(number: int, attendees: list[User]) -> bytes:
    day = 1 + number % 28
    return json.dumps({
        "subject": f"Bench meeting {number}",
        "body": {"contentType": "html", "content": "<p>Agenda: numbers.</p>"},
        "start": {"dateTime": f"2030-01-{day:02d}T10:00:00", "timeZone": ZONE},
        "end": {"dateTime": f"2030-01-{day:02d}T11:00:00", "timeZone": ZONE},
        "location": {"displayName": "Room 1"},
        "allowNewTimeProposals": True,
        "attendees": [{"emailAddress": {"address": a.address, "name": a.address.split("@")[0]}, "type": "required"}
                      for a in attendees],
    }).encode()


async def create_meetings(server: Server, plan: Plan, users: list[User], app_token: str,
                          count: int, rng: random.Random) -> tuple[list[Meeting], Result]:
    meetings = []
    for n in range(count):
        organizer = users[n % len(users)]
        others = [u for u in users if u is not organizer]
        meetings.append(Meeting(organizer, rng.sample(others, plan.attendees)))
    calls = [Call(f"/v1.0/users/{m.organizer.id}/events", app_token, meeting_body(n, m.attendees))
             for n, m in enumerate(meetings)]
    answers: list[bytes] = []
    result = Result("create", plan.setup_concurrency)
    cpu0, wall0 = server.cpu_seconds(), time.perf_counter()
    await drive(server.origin, plan.client, calls, plan.setup_concurrency, result, expect=201, keep=answers)
    cpu1, wall = server.cpu_seconds(), time.perf_counter() - wall0
    if result.errors:
        raise RuntimeError(f"creating meetings failed: {result.first_error}")
    if cpu0 is not None and cpu1 is not None:
        result.server_cpu = (cpu1 - cpu0) / wall
    for meeting, answer in zip(meetings, answers, strict=True):
        created = json.loads(answer)
        meeting.event_id, meeting.ical_uid = created["id"], created["iCalUId"]
    return meetings, result


async def find_copies(server: Server, plan: Plan, meetings: list[Meeting], app_token: str) -> None:
    """Each attendee's copy id, from one listing of their calendar (paged by @odata.nextLink)."""
    wanted = {a.id for m in meetings for a in m.attendees}
    found: dict[tuple[str, str], str] = {}
    headers = {"Authorization": f"Bearer {app_token}"}

    async def list_calendar(client: httpx.AsyncClient, user_id: str) -> None:
        url: str | None = f"/v1.0/users/{user_id}/calendar/events?$select=id,iCalUId&$top=1000"
        while url:
            answer = await client.get(url, headers=headers)
            answer.raise_for_status()
            page = answer.json()
            for event in page["value"]:
                found[(user_id, event["iCalUId"])] = event["id"]
            url = page.get("@odata.nextLink")

    async with httpx_client(server.origin, plan.setup_concurrency) as client:
        pending = sorted(wanted)
        for i in range(0, len(pending), plan.setup_concurrency):
            await asyncio.gather(*(list_calendar(client, u) for u in pending[i:i + plan.setup_concurrency]))
    for meeting in meetings:
        for attendee in meeting.attendees:
            meeting.copies[attendee.id] = found[(attendee.id, meeting.ical_uid)]


def action_call(plan: Plan, actor: User, event_id: str, action: str, app_token: str) -> Call:
    body = json.dumps(BODIES[action]).encode()
    if plan.auth == "app":
        return Call(f"/v1.0/users/{actor.id}/events/{event_id}/{action}", app_token, body)
    return Call(f"/v1.0/me/events/{event_id}/{action}", actor.token, body)


async def run_calgraph(plan: Plan, workdir: Path) -> list[Result]:
    rng = random.Random(plan.seed)
    db_url = f"sqlite:///{workdir / 'calgraph.db'}"
    say(f"calgraph: seeding {plan.users} users in-process")
    users, app_token = seed(db_url, plan.users)
    server = Server("calgraph", [*CALGRAPH_SERVE, "--db", db_url], "/v1.0/me", 401, workdir).start()
    results: list[Result] = []
    try:
        per_response, per_cancel = plan.response_meetings(), plan.cancel_meetings()
        total = len(plan.concurrency) * (len(RESPONSES) * per_response + per_cancel)
        say(f"calgraph on {server.origin}: creating {total} meetings of {plan.attendees} attendees over HTTP")
        meetings, created = await create_meetings(server, plan, users, app_token, total, rng)
        results.append(created)
        say(f"  {created.rps:.1f} meetings/s; finding the attendees' copies")
        pool = iter(meetings)
        batches = {(c, a): [next(pool) for _ in range(per_response)] for c in plan.concurrency for a in RESPONSES}
        cancel_batches = {c: [next(pool) for _ in range(per_cancel)] for c in plan.concurrency}
        await find_copies(server, plan, [m for batch in batches.values() for m in batch], app_token)

        for concurrency in plan.concurrency:
            for action in RESPONSES:
                calls = [action_call(plan, a, m.copies[a.id], action, app_token)
                         for m in batches[(concurrency, action)] for a in m.attendees]
                rng.shuffle(calls)
                calls = calls[:plan.warmup + plan.requests]
                results.append(await measure(server, plan.client, action, concurrency, calls[:plan.warmup],
                                             calls[plan.warmup:]))
            calls = [action_call(plan, m.organizer, m.event_id, "cancel", app_token)
                     for m in cancel_batches[concurrency]]
            results.append(await measure(server, plan.client, "cancel", concurrency, calls[:plan.cancel_warmup],
                                         calls[plan.cancel_warmup:]))
    finally:
        server.stop()
    log = server.log()
    if "Traceback" in log:
        say(f"calgraph logged a traceback (see {server.log_path}):\n{log[log.index('Traceback'):][:3000]}")
    return results


# -- report ---------------------------------------------------------------------------------------

def baseline_mean(results: list[Result], concurrency: int, metric: str) -> float | None:
    """The mean of the baseline rows' `metric` ("rps" or "server_ms") at `concurrency`."""
    values = [getattr(r, metric) for r in results if r.scenario.startswith("baseline") and r.concurrency == concurrency]
    values = [v for v in values if v]
    return sum(values) / len(values) if values else None


def report(plan: Plan, results: list[Result]) -> int:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if not console.is_terminal:
        console = Console(width=200)
    table = Table(title=f"calgraph meeting actions over HTTP, SQLite, {plan.users} users, meetings of "
                        f"{plan.attendees} attendees, auth {plan.auth}, client {plan.client}")
    for column, justify in (("scenario", "left"), ("conc.", "right"), ("requests", "right"),
                            ("errors", "right"), ("req/s", "right"), ("p50 ms", "right"), ("p99 ms", "right"),
                            ("x baseline", "right"), ("server CPU", "right"), ("CPU ms/req", "right"),
                            ("CPU x base", "right"), ("client CPU", "right"),
                            ("target", "left")):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]

    failed = errors = False
    rank = {"baseline (before)": 0, "baseline (after)": 1, **{a: 2 + i for i, a in enumerate(RESPONSES)},
            "cancel": 9}
    ordered = sorted(results, key=lambda r: (r.scenario == "create", r.concurrency, rank.get(r.scenario, 10)))
    for r in ordered:
        is_base = r.scenario.startswith("baseline")
        base, base_ms = baseline_mean(results, r.concurrency, "rps"), baseline_mean(results, r.concurrency, "server_ms")
        ratio = r.rps / base if base and not is_base else None
        cpu_ratio = base_ms / r.server_ms if base_ms and r.server_ms and not is_base else None
        verdict = ""
        if r.scenario in RESPONSES:
            ok = ratio is not None and ratio >= TARGET_RATIO
            failed |= not ok
            verdict = "[green]PASS[/]" if ok else "[red]FAIL[/]"
        elif r.scenario == "cancel":
            verdict = f"info ({plan.attendees} attendees)"
        elif r.scenario == "create":
            verdict = "info"
        errors |= r.errors > 0 and r.scenario != "create"
        table.add_row(
            LABELS.get(r.scenario, r.scenario), str(r.concurrency), str(r.requests), str(r.errors),
            f"{r.rps:.1f}", f"{r.percentile(50) * 1000:.1f}", f"{r.percentile(99) * 1000:.1f}",
            "" if ratio is None else f"{ratio:.2f}",
            "" if r.server_cpu is None else f"{r.server_cpu:.0%}",
            "" if r.server_ms is None else f"{r.server_ms:.2f}",
            "" if cpu_ratio is None else f"{cpu_ratio:.2f}",
            "" if r.client_cpu is None else f"{r.client_cpu:.0%}", verdict)
        if r.scenario == "cancel":
            table.add_section()
    console.print(table)
    console.print(
        "x baseline: requests/s over the mean of the two baseline rows at the same concurrency (the target's "
        "measure). CPU ms/req: the server's CPU time per request; CPU x base: the baseline's CPU ms/req over "
        "this row's, the throughput ratio a CPU-bound server would show, less disturbed by other load.\n"
        f"Target: accept, tentativelyAccept and decline each >= {TARGET_RATIO} x baseline.")
    if errors:
        console.print("[red]Some requests did not answer 202: the numbers are not meaningful.[/]")
        return 2
    console.print("[green]PASS[/]" if not failed else "[red]FAIL[/]: a response action is below "
                  f"{TARGET_RATIO} x the baseline's throughput")
    return 1 if failed else 0


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Meeting actions of calgraph over HTTP vs. a baseline on the same HTTP stack (SQLite).",
        epilog="Exit status: 0 PASS, 1 FAIL (target missed), 2 some request failed.")
    parser.add_argument("--users", type=int, default=200, help="users in the tenant (default 200)")
    parser.add_argument("--attendees", type=int, default=10, help="attendees per meeting (default 10)")
    parser.add_argument("--requests", type=int, help="measured requests per scenario (default 1000; quick 200)")
    parser.add_argument("--cancels", type=int, help="measured cancels per concurrency (default 250; quick 50)")
    parser.add_argument("--warmup", type=int, help="warm-up requests per scenario (default requests/10, >= 20)")
    parser.add_argument("--concurrency", type=int, nargs="+", metavar="N",
                        help="requests in flight, one or more levels (default 16 64; quick 16)")
    parser.add_argument("--auth", choices=("delegated", "app"), default="delegated",
                        help="delegated: each user answers /me/events/{id}/... with their own token (default); "
                             "app: an app token on /users/{id}/events/{id}/...")
    parser.add_argument("--client", choices=("raw", "httpx"), default="raw",
                        help="load generator: raw (hand-written HTTP/1.1 on asyncio streams, ~0.1 ms CPU per "
                             "request; default) or httpx.AsyncClient (~2.8 ms: can be slower than the baseline "
                             "server, so it flatters the ratio)")
    parser.add_argument("--baseline-seconds", type=float,
                        help="measure each baseline round for at least this long, repeating its request "
                             "(default 5; quick 2): its --requests alone would take well under a second")
    parser.add_argument("--setup-concurrency", type=int, default=8, help="requests in flight while seeding")
    parser.add_argument("--seed", type=int, default=1, help="random seed (attendee choice, request order)")
    parser.add_argument("--quick", action="store_true", help="a ~30-second smoke run")
    parser.add_argument("--keep", metavar="DIR", type=Path,
                        help="keep the databases and server logs in DIR (default: a temporary directory)")
    return parser.parse_args(argv)


async def run(plan: Plan, workdir: Path) -> list[Result]:
    results = await run_baseline(plan, workdir, "before")
    results += await run_calgraph(plan, workdir)
    results += await run_baseline(plan, workdir, "after")
    return results


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    plan = make_plan(args)
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        workdir = args.keep
    else:
        workdir = Path(tempfile.mkdtemp(prefix="calgraph-bench-"))
    started = time.perf_counter()
    try:
        results = asyncio.run(run(plan, workdir))
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    say(f"done in {time.perf_counter() - started:.0f} s")
    return report(plan, results)


if __name__ == "__main__":
    sys.exit(main())
