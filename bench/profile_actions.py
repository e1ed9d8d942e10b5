"""Where a meeting action's time goes: calgraph in-process, profiled request by request.

    python bench/profile_actions.py                       # accept, 200 requests
    python bench/profile_actions.py --action decline --top 40
    python bench/profile_actions.py --action cancel --requests 50
    python bench/profile_actions.py --action create --attendees 5     # POST a meeting

The app (calgraph.app.create_app on a fresh SQLite file, the users seeded like bench/meetings.py does)
is called through httpx.ASGITransport, with the dispatcher's threadpool hop replaced by a direct call
so that everything runs on one thread (cProfile sees one thread only). It prints:

1. the SQL statements of one request, each with its time in SQLite (cursor.execute);
2. the CPU time per request (time.thread_time, so other load on the machine hardly matters) of the
   layers of a request: routing/auth, the service, the store's reads and writes, the JSON codec,
   the SQL statements themselves;
3. cProfile's top functions over all the requests, by own time and by cumulative time.

Numbers from this script are for finding hot spots; bench/meetings.py measures throughput. Requests run
one at a time here, so the answers' grouped units of work (store/sql.py) never share a commit: each is
a group of one, which a loaded server seldom sees (there, up to 32 answers share one SQLite commit).
"""

from __future__ import annotations

from dataclasses import dataclass

import argparse
import asyncio
import cProfile
import collections
import functools
import json
import pstats
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

import httpx
from sqlalchemy import event

import meetings as bench  # bench/meetings.py: seeding, bodies
from calgraph.app import create_app
from calgraph.http import dispatch
from calgraph.settings import Settings
from calgraph.store import open_store, sql_base

ORIGIN = "http://calgraph.bench"


@dataclass(frozen=True)
class Call:
    path: str
    token: str | None
    body: bytes
    expect: int = 202


async def _inline(func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    return func(*args, **kwargs)


class Layers:
    """CPU time (this thread) spent inside chosen functions, patched in place for this process only."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = collections.defaultdict(float)
        self.calls: collections.Counter[str] = collections.Counter()
        self.labels: list[str] = []   # in the order they were wrapped (outer layers first)
        self.originals: list[tuple[Any, str, Any]] = []
        self.active = False

    def wrap(self, owner: Any, name: str, label: str) -> None:
        original = getattr(owner, name)
        self.labels.append(label)
        self.originals.append((owner, name, original))

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            if not self.active:
                return original(*args, **kwargs)
            started = time.thread_time()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[label] += time.thread_time() - started
                self.calls[label] += 1

        setattr(owner, name, timed)

    def restore(self) -> None:
        for owner, name, original in reversed(self.originals):
            setattr(owner, name, original)
        self.originals.clear()


def instrument(layers: Layers) -> None:
    from calgraph.services import delivery, events, meetings, room_booking
    from calgraph.store import codec, sql_base, sql_items, sql_uow

    layers.wrap(dispatch.Dispatcher, "_run", "request (routing, auth, handler)")
    layers.wrap(dispatch.Dispatcher, "_context", "  routing + auth (_context)")
    layers.wrap(dispatch, "authenticate", "    token check (authenticate)")
    for name in ("respond", "cancel"):
        layers.wrap(meetings, name, f"  services.meetings.{name}")
    layers.wrap(events, "create_event", "  services.events.create_event")
    layers.wrap(events.rules, "new_event", "    rules.new_event")
    layers.wrap(events.scheduling, "invite", "    scheduling.invite (the rule)")
    layers.wrap(room_booking, "book", "    room_booking.book")
    layers.wrap(sql_items.ItemsMixin, "add_event", "      uow.add_event")
    layers.wrap(meetings, "find_for_change", "    find_for_change (load + lock)")
    layers.wrap(delivery, "organizer_of", "    delivery.organizer_of")
    layers.wrap(delivery, "party", "    delivery.party")
    layers.wrap(delivery, "parties", "    delivery.parties")
    layers.wrap(delivery, "copies_of", "    delivery.copies_of")
    layers.wrap(meetings.scheduling, "respond", "    scheduling.respond (the rule)")
    layers.wrap(meetings.scheduling, "cancel", "    scheduling.cancel (the rule)")
    layers.wrap(delivery, "apply", "    delivery.apply (writes)")
    layers.wrap(sql_uow.SqlUnitOfWork, "get_mailbox", "      uow.get_mailbox")
    layers.wrap(sql_items.ItemsMixin, "get_event", "      uow.get_event")
    layers.wrap(sql_items.ItemsMixin, "find_organizer_event", "      uow.find_organizer_event")
    layers.wrap(sql_items.ItemsMixin, "update_event", "      uow.update_event")
    layers.wrap(sql_items.ItemsMixin, "add_message", "      uow.add_message")
    layers.wrap(sql_base.UnitOfWorkBase, "update_item", "        uow.update_item")
    layers.wrap(codec, "loads", "      codec.loads (JSON -> objects)")
    layers.wrap(codec, "dumps", "      codec.dumps (objects -> JSON)")


async def setup(client: httpx.AsyncClient, users: list[bench.User], app_token: str, meetings: int,
                attendees: int) -> list[bench.Meeting]:
    rng = random.Random(1)
    made = []
    auth = {"Authorization": f"Bearer {app_token}", "Content-Type": "application/json"}
    for n in range(meetings):
        organizer = users[n % len(users)]
        meeting = bench.Meeting(organizer, rng.sample([u for u in users if u is not organizer], attendees))
        answer = await client.post(f"/v1.0/users/{organizer.id}/events", headers=auth,
                                   content=bench.meeting_body(n, meeting.attendees))
        answer.raise_for_status()
        meeting.event_id, meeting.ical_uid = answer.json()["id"], answer.json()["iCalUId"]
        made.append(meeting)
    by_uid = {m.ical_uid: m for m in made}
    for user in {a.id for m in made for a in m.attendees}:
        url: str | None = f"/v1.0/users/{user}/calendar/events?$select=id,iCalUId&$top=1000"
        while url:
            page = (await client.get(url, headers=auth)).json()
            for item in page["value"]:
                if item["iCalUId"] in by_uid and by_uid[item["iCalUId"]].organizer.id != user:
                    by_uid[item["iCalUId"]].copies[user] = item["id"]
            url = page.get("@odata.nextLink")
    return made


def calls_for(action: str, made: list[bench.Meeting], app_token: str) -> list[Call]:
    if action == "create":
        return [Call(f"/v1.0/users/{m.organizer.id}/events", app_token, bench.meeting_body(n, m.attendees), 201)
                for n, m in enumerate(made)]
    body = json.dumps(bench.BODIES[action]).encode()
    if action == "cancel":
        return [Call(f"/v1.0/me/events/{m.event_id}/cancel", m.organizer.token, body) for m in made]
    return [Call(f"/v1.0/me/events/{m.copies[a.id]}/{action}", a.token, body)
            for m in made for a in m.attendees]


async def main_async(args: argparse.Namespace) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="calgraph-profile-"))
    try:
        await profile(args, workdir)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


async def profile(args: argparse.Namespace, workdir: Path) -> None:
    dispatch.run_in_threadpool = _inline  # type: ignore[assignment]  # one thread, for cProfile
    db_url = f"sqlite:///{workdir / 'calgraph.db'}"
    users, app_token = bench.seed(db_url, args.users)
    store = open_store(db_url)
    app = create_app(Settings(db_url=db_url), store)

    statements: list[tuple[str, float]] = []

    @event.listens_for(store.engine, "before_cursor_execute")
    def _before(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        conn.info["bench_started"] = time.perf_counter()

    @event.listens_for(store.engine, "after_cursor_execute")
    def _after(conn: Any, cursor: Any, statement: str, params: Any, context: Any, many: bool) -> None:
        statements.append((" ".join(statement.split()), time.perf_counter() - conn.info["bench_started"]))

    prepared_run = sql_base.UnitOfWorkBase.run

    def _run_prepared(uow: Any, statement: Any, params: dict[str, Any]) -> Any:  # bypasses the events above
        started = time.perf_counter()
        cursor = prepared_run(uow, statement, params)
        sql = sql_base._compiled(statement, uow.conn.dialect)[0]
        statements.append(("(prepared) " + " ".join(sql.split()), time.perf_counter() - started))
        return cursor

    sql_base.UnitOfWorkBase.run = _run_prepared  # type: ignore[method-assign]

    per_meeting = 1 if args.action in ("cancel", "create") else args.attendees
    warmup = 20
    needed = -(-(2 * args.requests + warmup + 1) // per_meeting)  # fresh targets: measured, then profiled
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url=ORIGIN) as client:
        print(f"setting up {needed} meetings of {args.attendees} attendees ...", file=sys.stderr)
        made = await setup(client, users, app_token, needed, args.attendees)
        calls = calls_for(args.action, made, app_token)
        random.Random(2).shuffle(calls)

        async def send(call: Call) -> None:
            answer = await client.post(call.path, content=call.body, headers={
                "Authorization": f"Bearer {call.token}", "Content-Type": "application/json"})
            if answer.status_code != call.expect:
                raise SystemExit(f"{call.path}: {answer.status_code} {answer.text}")

        for call in calls[:warmup]:
            await send(call)
        for user in users:  # a running server has verified every caller's token long ago
            app.router.default.tokens.verify(user.token)

        statements.clear()
        await send(calls[warmup])
        print(f"\n== 1. the SQL of one {args.action} ({len(statements)} statements, "
              f"{sum(t for _, t in statements) * 1000:.2f} ms in cursor.execute)")
        for text, seconds in statements:
            print(f"  {seconds * 1e6:7.0f} us  {text[:140]}")

        layers = Layers()
        instrument(layers)
        measured = calls[warmup + 1:warmup + 1 + args.requests]
        statements.clear()
        layers.active = True
        cpu0, wall0 = time.thread_time(), time.perf_counter()
        for call in measured:
            await send(call)
        cpu, wall = time.thread_time() - cpu0, time.perf_counter() - wall0
        layers.active = False
        layers.restore()
        n = len(measured)
        sql = sum(t for _, t in statements)
        print(f"\n== 2. CPU per {args.action} request, {n} requests, no profiler: {cpu / n * 1000:.2f} ms "
              f"(wall {wall / n * 1000:.2f} ms; includes httpx's ASGI client)")
        print(f"  {'layer':<44} {'calls/req':>9} {'CPU ms/req':>10}")
        for label in (label for label in layers.labels if layers.calls[label]):
            print(f"  {label:<44} {layers.calls[label] / n:9.1f} {layers.seconds[label] / n * 1000:10.3f}")
        print(f"  {'SQL statements in sqlite3 (wall, cursor.execute)':<44} {len(statements) / n:9.1f} "
              f"{sql / n * 1000:10.3f}")

        profiler = cProfile.Profile()
        profiled = calls[warmup + 1 + args.requests:][:args.requests]
        profiler.enable()
        for call in profiled:
            await send(call)
        profiler.disable()
        stats = pstats.Stats(profiler)
        print(f"\n== 3. cProfile over {len(profiled)} requests: top {args.top} by own time")
        stats.sort_stats("tottime").print_stats(args.top)
        print(f"== top {args.top} calgraph functions by cumulative time")
        stats.sort_stats("cumulative").print_stats(r"src/calgraph/", args.top)
    store.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description="Profile one meeting action of calgraph in-process.")
    parser.add_argument("--action", choices=("accept", "tentativelyAccept", "decline", "cancel", "create"), default="accept")
    parser.add_argument("--requests", type=int, default=200, help="requests measured, and again profiled")
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--attendees", type=int, default=10)
    parser.add_argument("--top", type=int, default=30, help="functions shown per cProfile listing")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
