"""Benchmark: calgraph's write path (meeting answers, creation, decline, cancel) against a minimal app,
with the load driven by wrk (a C load generator) so that the client is not what sets the pace.

    python bench/meetings.py --quick                 # ~1 minute: concurrency 16, 3 s per scenario
    python bench/meetings.py                         # concurrency 16 and 64, 10 s per scenario
    python bench/meetings.py --backend postgres --postgres-url postgresql://u:p@127.0.0.1/db
    python bench/meetings.py --workers 1 2 4 --durability full normal   # one calgraph run per variant

One server at a time, each a subprocess (the servers never compete for the cores; wrk uses a few
percent of one, which the table shows):
1. the minimal app (bench/baseline_app.py, the same Starlette + uvicorn stack on calgraph's SQLite engine):
   an answer is one transaction of two UPDATEs and one INSERT; a creation one of 12 INSERTs;
2. calgraph on a fresh database: users and tokens seeded in-process, meetings created over HTTP, then
   per concurrency level: attendee answers (accept and tentativelyAccept with a proposal, alternating
   on each copy), meeting creation with --attendees attendees, decline (each on a never-answered copy)
   and cancel (each on a fresh meeting; it fans out to every attendee);
3. the minimal app again, so that a machine that got busier shows up as two different baseline rows.
Then a correctness check over HTTP (the organizers' events record the answers; cancelled meetings are
gone). Exit status: 0 every goal met, 1 a goal missed, 2 a request failed (the numbers mean nothing).
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import math
import random
import shutil
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from servers import SRC, Server, database_cpu, machine, say  # noqa: E402
from wrk import CpuPerRequest, Request, WrkResult, available, run_wrk  # noqa: E402

sys.path.insert(0, str(SRC))

BASELINE_APP = Path(__file__).resolve().parent / "baseline_app.py"
CALGRAPH_SERVE = [sys.executable, "-m", "calgraph", "serve"]
DOMAIN = "bench.test"
ZONE = "Pacific Standard Time"
GOALS = {"answer": 0.35, "create": 0.30}   # x the minimal app's requests/s, same run, same load client
BODIES = {  # as msgraph-sdk sends them (PascalCase action parameters)
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
    "baseline answer (before)": "minimal app: 2 UPDATE + 1 INSERT (before)",
    "baseline answer (after)": "minimal app: 2 UPDATE + 1 INSERT (after)",
    "baseline create (before)": "minimal app: 12 INSERTs (before)",
    "baseline create (after)": "minimal app: 12 INSERTs (after)",
    "answer": "answer (accept / tentativelyAccept)",
    "create": "create a meeting",
    "decline": "decline",
    "cancel": "cancel (fans out to attendees)",
}


@dataclass
class Row(CpuPerRequest):
    scenario: str
    concurrency: int
    load: WrkResult
    server_cpu_seconds: float | None
    variant: str = ""
    database_cpu_seconds: float | None = None   # PostgreSQL's backends for the bench database


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
    copies: dict[str, str] = field(default_factory=dict)   # attendee id -> their copy's id


def measure(server: Server, scenario: str, concurrency: int, requests: list[Request], seconds: float,
            expect: int, single_use: bool = False, database: str | None = None) -> Row:
    """A 1-second warm-up, then `seconds` of load. Requests that work once only (a decline, a cancel) are
    warmed up with the list's last twentieth and measured from its start, so no request is sent twice
    unless the list runs out (then its second answer counts as an error)."""
    warmup = requests[-max(1, len(requests) // 20):] if single_use else requests
    if single_use:
        requests = requests[: len(requests) - len(warmup)]
    run_wrk(server.origin, warmup, connections=concurrency, seconds=1, expect=expect)
    cpu0, db0 = server.cpu_seconds(), database_cpu(database)
    load = run_wrk(server.origin, requests, connections=concurrency, seconds=seconds, expect=expect)
    cpu1, db1 = server.cpu_seconds(), database_cpu(database)
    row = Row(scenario, concurrency, load, None if cpu0 is None or cpu1 is None else cpu1 - cpu0,
              database_cpu_seconds=sum(s - db0.get(pid, 0.0) for pid, s in db1.items()) if database else None)
    say(f"  {LABELS.get(scenario, scenario):<44} c={concurrency:<3} {load.rps:8.1f} req/s  p50 {load.p50_ms:6.1f} ms"
        f"  p99 {load.p99_ms:6.1f} ms  wrk CPU {load.client_cpu:.0%}"
        + (f"  PostgreSQL CPU {row.database_ms:.2f} ms/req" if row.database_ms is not None else "")
        + (f"  {load.errors} errors, first: {load.first_error}" if load.errors else ""))
    return row


def run_baseline(args: argparse.Namespace, workdir: Path, round_name: str) -> list[Row]:
    db = workdir / f"baseline-{round_name}.db"
    server = Server(f"baseline-{round_name}", [sys.executable, str(BASELINE_APP), "--db", f"sqlite:///{db}"],
                    "/", 200, workdir).start()
    users = [User(f"u{i}", f"user{i:04d}@{DOMAIN}", "") for i in range(args.attendees + 1)]
    rows = []
    try:
        say(f"minimal app ({round_name}) on {server.origin}")
        for concurrency in args.concurrency:
            answer = [Request("POST", "/tx", None, json.dumps(BODIES["accept"]).encode())]
            rows.append(measure(server, f"baseline answer ({round_name})", concurrency, answer, args.seconds, 202))
            create = [Request("POST", "/create", None, meeting_body(n, users[1:])) for n in range(50)]
            rows.append(measure(server, f"baseline create ({round_name})", concurrency, create, args.seconds, 201))
    finally:
        server.stop()
    return rows


def seed(db_url: str, count: int) -> tuple[list[User], str]:
    """Users and their delegated tokens, plus an app token, written straight into the store."""
    from calgraph.core.ids import Ids, utc_now
    from calgraph.services import directory
    from calgraph.services.tokens import TokenService
    from calgraph.store import open_store

    store = open_store(db_url)
    try:
        store.migrate()
        with store.unit_of_work(write=True) as uow:
            mailboxes = [directory.add_user(uow, Ids(), utc_now, f"user{i:04d}@{DOMAIN}", f"User {i:04d}")
                         for i in range(count)]
        tokens = TokenService(store)
        return [User(m.id, m.address, tokens.issue_delegated(m, [])) for m in mailboxes], tokens.issue_app([])
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


class Tenant:
    """calgraph's side of the run: the users, and meetings made over HTTP with a Python client (setup
    and checks only; no rate is measured with it)."""

    def __init__(self, server: Server, users: list[User], app_token: str, attendees: int, seed_: int) -> None:
        self.server, self.users, self.app_token, self.attendees = server, users, app_token, attendees
        self.rng = random.Random(seed_)
        self.made = 0
        self.client = httpx.AsyncClient(base_url=server.origin, timeout=120,
                                        headers={"Authorization": f"Bearer {app_token}"},
                                        limits=httpx.Limits(max_connections=8))

    def new_meetings(self, count: int) -> list[Meeting]:
        meetings = []
        for _ in range(count):
            organizer = self.users[self.made % len(self.users)]
            self.made += 1
            others = [u for u in self.users if u is not organizer]
            meetings.append(Meeting(organizer, self.rng.sample(others, self.attendees)))
        return meetings

    async def create(self, count: int) -> list[Meeting]:
        meetings = self.new_meetings(count)
        gate = asyncio.Semaphore(8)

        async def post(n: int, meeting: Meeting) -> None:
            async with gate:
                answer = await self.client.post(f"/v1.0/users/{meeting.organizer.id}/events",
                                                content=meeting_body(n, meeting.attendees),
                                                headers={"Content-Type": "application/json"})
            answer.raise_for_status()
            meeting.event_id, meeting.ical_uid = answer.json()["id"], answer.json()["iCalUId"]

        await asyncio.gather(*(post(self.made + n, m) for n, m in enumerate(meetings)))
        await self.find_copies(meetings)
        return meetings

    async def find_copies(self, meetings: list[Meeting]) -> None:
        wanted = {m.ical_uid for m in meetings}
        found: dict[tuple[str, str], str] = {}
        gate = asyncio.Semaphore(8)

        async def list_calendar(user_id: str) -> None:
            url: str | None = f"/v1.0/users/{user_id}/calendar/events?$select=id,iCalUId&$top=1000"
            while url:
                async with gate:
                    page = (await self.client.get(url)).raise_for_status().json()
                found.update({(user_id, e["iCalUId"]): e["id"] for e in page["value"] if e["iCalUId"] in wanted})
                url = page.get("@odata.nextLink")

        await asyncio.gather(*(list_calendar(u) for u in sorted({a.id for m in meetings for a in m.attendees})))
        for meeting in meetings:
            meeting.copies = {a.id: found[(a.id, meeting.ical_uid)] for a in meeting.attendees}

    async def check(self, answered: list[tuple[Meeting, User]], cancelled: list[Meeting]) -> list[str]:
        """What the wrk runs must have left behind (answers wrk surely sent; cancels), read back over HTTP."""
        problems = []
        for meeting, attendee in answered[:20]:
            event = (await self.client.get(f"/v1.0/users/{meeting.organizer.id}/events/{meeting.event_id}")).json()
            status = next(a["status"]["response"] for a in event["attendees"]
                          if a["emailAddress"]["address"] == attendee.address)
            if status not in ("accepted", "tentativelyAccepted"):
                problems.append(f"meeting {meeting.event_id}: {attendee.address} answered, the organizer sees {status}")
        for meeting in cancelled[:20]:
            answer = await self.client.get(f"/v1.0/users/{meeting.organizer.id}/events/{meeting.event_id}")
            if answer.status_code != 404:
                problems.append(f"cancelled meeting {meeting.event_id} still answers {answer.status_code}")
        return problems


def action(user: User, event_id: str, name: str) -> Request:
    return Request("POST", f"/v1.0/me/events/{event_id}/{name}", user.token, json.dumps(BODIES[name]).encode())


def variants(args: argparse.Namespace) -> list[tuple[int, str | None]]:
    return [(w, d) for w in args.workers for d in (args.durability or [None])]


def variant_name(workers: int, durability: str | None) -> str:
    return f"{workers} worker{'s' if workers > 1 else ''}" + (f", {durability}" if durability else "")


async def run_calgraph(args: argparse.Namespace, workdir: Path, workers: int, durability: str | None,
                       ) -> tuple[list[Row], list[str]]:
    name = variant_name(workers, durability)
    if args.backend == "postgres":
        db_url = args.postgres_url
        reset_postgres(db_url)
    else:
        db_url = f"sqlite:///{tempfile.mkstemp(dir=workdir, prefix='calgraph-', suffix='.db')[1]}"   # one per run
    say(f"calgraph ({name}) on {args.backend}: seeding {args.users} users in-process")
    users, app_token = seed(db_url, args.users)
    argv = [*CALGRAPH_SERVE, "--db", db_url, "--workers", str(workers),
            *(["--durability", durability] if durability else [])]
    server = Server("calgraph", argv, "/v1.0/me", 401, workdir).start()
    tenant = Tenant(server, users, app_token, args.attendees, args.seed)
    database = urllib.parse.urlsplit(db_url).path.lstrip("/") if args.backend == "postgres" else None
    at = functools.partial(measure, server, database=database)
    rows: list[Row] = []
    cancelled: list[Meeting] = []
    try:
        pool = await tenant.create(math.ceil(args.copies / args.attendees))
        copies = [(m, a) for m in pool for a in m.attendees]
        tenant.rng.shuffle(copies)
        answers = [action(a, m.copies[a.id], "accept") for m, a in copies] + \
                  [action(a, m.copies[a.id], "tentativelyAccept") for m, a in copies]
        for concurrency in args.concurrency:
            say(f"calgraph on {server.origin}, {concurrency} connections")
            answer = at("answer", concurrency, answers, args.seconds, 202)
            rows.append(answer)
            creations = [Request("POST", f"/v1.0/users/{m.organizer.id}/events", app_token,
                                 meeting_body(n, m.attendees)) for n, m in enumerate(tenant.new_meetings(200))]
            rows.append(at("create", concurrency, creations, args.seconds, 201))
            enough = math.ceil(answer.load.rps * args.seconds * 1.5) + 50  # the answers' pace, and then some
            fresh = await tenant.create(math.ceil(enough / args.attendees))
            declines = [action(a, m.copies[a.id], "decline") for m in fresh for a in m.attendees]
            tenant.rng.shuffle(declines)
            rows.append(at("decline", concurrency, declines, args.seconds, 202, single_use=True))
            doomed = await tenant.create(enough)
            cancels = [action(m.organizer, m.event_id, "cancel") for m in doomed]
            rows.append(at("cancel", concurrency, cancels, args.seconds, 202, single_use=True))
            cancelled += doomed[1:11]  # wrk's script check takes the first request: it is never sent
        problems = await tenant.check(copies[1:min(len(copies), 100)], cancelled)
    finally:
        await tenant.client.aclose()
        server.stop()
    if "Traceback" in server.log():
        problems.append(f"calgraph logged a traceback (see {server.log_path})")
    for row in rows:
        row.variant = name
    return rows, problems


def reset_postgres(url: str) -> None:
    """Every table of the database dropped: each variant starts from an empty schema."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def report(args: argparse.Namespace, rows: list[Row], problems: list[str]) -> int:
    from rich.console import Console
    from rich.table import Table

    console = Console(width=None if Console().is_terminal else 220)
    table = Table(title=f"calgraph's write path on {args.backend}, wrk -t1, meetings of {args.attendees} attendees")
    postgres = args.backend == "postgres"
    for column in ("scenario", "calgraph", "conn.", "requests", "errors", "req/s", "p50 ms", "p99 ms", "x minimal",
                   "server CPU ms/req", "CPU x minimal", *(["PostgreSQL CPU ms/req"] if postgres else []),
                   "wrk CPU", "goal"):
        table.add_column(column, justify="left" if column in ("scenario", "goal") else "right")
    failed = errors = False
    for row in rows:
        kind = "create" if row.scenario in ("create", "cancel") else "answer"
        bases = [r for r in rows if r.scenario.startswith(f"baseline {kind}") and r.concurrency == row.concurrency]
        base_rps = sum(r.load.rps for r in bases) / len(bases) if bases else None
        base_ms = [r.server_ms for r in bases if r.server_ms]
        is_base = row.scenario.startswith("baseline")
        ratio = row.load.rps / base_rps if base_rps and not is_base else None
        cpu_ratio = (sum(base_ms) / len(base_ms)) / row.server_ms if base_ms and row.server_ms and not is_base else None
        goal = GOALS.get(row.scenario)
        verdict = ""
        if goal is not None:
            ok = ratio is not None and ratio >= goal
            failed |= not ok
            verdict = f"{'[green]met[/]' if ok else '[red]missed[/]'} (>= {goal}x)"
        errors |= row.load.errors > 0
        table.add_row(LABELS.get(row.scenario, row.scenario), row.variant, str(row.concurrency), str(row.load.requests),
                      str(row.load.errors), f"{row.load.rps:.0f}", f"{row.load.p50_ms:.1f}", f"{row.load.p99_ms:.1f}",
                      "" if ratio is None else f"{ratio:.2f}", "" if row.server_ms is None else f"{row.server_ms:.2f}",
                      "" if cpu_ratio is None else f"{cpu_ratio:.2f}",
                      *([f"{row.database_ms:.2f}" if row.database_ms is not None else ""] if postgres else []),
                      f"{row.load.client_cpu:.0%}", verdict)
    console.print(table)
    console.print(f"Machine: {machine()}.\n"
                  "x minimal: requests/s over the mean of the minimal app's two rounds at the same concurrency "
                  "(answers and decline against 2 UPDATE + 1 INSERT; creation and cancel against 12 INSERTs). "
                  "CPU x minimal: the minimal app's server CPU per request over this row's. wrk CPU: the load "
                  "generator's CPU time over the wall time (1 = one core)."
                  + (" PostgreSQL CPU: the CPU time of the PostgreSQL backends serving the bench database, per "
                     "request (its WAL writer and checkpointer not counted)." if postgres else ""))
    busiest = max(row.load.client_cpu for row in rows)
    if busiest > 0.5:
        console.print(f"[yellow]wrk used up to {busiest:.0%} of a core: the client may have set the pace.[/]")
    for problem in problems:
        console.print(f"[red]check failed:[/] {problem}")
    if errors or problems:
        console.print("[red]Some requests failed: the numbers are not meaningful.[/]")
        return 2
    return 1 if failed else 0


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     epilog="Exit status: 0 goals met, 1 a goal missed, 2 a request failed.")
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--attendees", type=int, default=5, help="attendees per meeting (default 5)")
    parser.add_argument("--copies", type=int, default=2000, help="attendees' copies answered in turn (default 2000)")
    parser.add_argument("--seconds", type=float, help="wrk's duration per scenario (default 10; quick 3)")
    parser.add_argument("--concurrency", type=int, nargs="+", metavar="N",
                        help="wrk connections, one or more levels (default 16 64; quick 16)")
    parser.add_argument("--backend", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--postgres-url", help="an empty database for --backend postgres")
    parser.add_argument("--workers", type=int, nargs="+", default=[1], metavar="N",
                        help="calgraph serve --workers N; several values: one calgraph run each (default 1)")
    parser.add_argument("--durability", choices=("full", "normal"), nargs="+",
                        help="calgraph serve --durability (SQLite); several values: one calgraph run each")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="concurrency 16, 3 s per scenario")
    parser.add_argument("--keep", metavar="DIR", type=Path, help="keep databases and logs in DIR")
    args = parser.parse_args(argv)
    args.seconds = args.seconds or (3.0 if args.quick else 10.0)
    args.concurrency = args.concurrency or ([16] if args.quick else [16, 64])
    if args.backend == "postgres" and not args.postgres_url:
        parser.error("--backend postgres needs --postgres-url (an empty database)")
    if args.users < args.attendees + 1:
        parser.error("--users must exceed --attendees")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    if not available():
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="calgraph-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    try:
        rows = run_baseline(args, workdir, "before")
        problems: list[str] = []
        for workers, durability in variants(args):
            calgraph_rows, found = asyncio.run(run_calgraph(args, workdir, workers, durability))
            rows += calgraph_rows
            problems += found
        rows += run_baseline(args, workdir, "after")
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
    say(f"done in {time.perf_counter() - started:.0f} s")
    return report(args, rows, problems)


if __name__ == "__main__":
    sys.exit(main())
