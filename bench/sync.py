"""Benchmark: delta rounds and change notifications over HTTP (`python -m calgraph serve`, SQLite).

    python bench/sync.py            # 1,000 and 10,000 events; answer load 5 s per scenario
    python bench/sync.py --quick    # smoke run: 1,000 and 3,000 events, 2 s

1. Delta cost. A user's calendar is seeded with N single events (in process, before the server starts).
   The first delta round (every page, maxpagesize 1000) is timed; then 100 events are changed over HTTP
   (timed), and the next delta round is replayed with wrk (a deltaLink can be read any number of times) for
   its latency and rate. The claim: a round after 100 changes costs what the changes cost, not what the
   calendar holds, so its latency at 10,000 events is about its latency at 1,000 (ratio ~1), while the
   first round grows with N.
2. Delivery under the meeting-answer load. Meetings of one organizer with 10 attendees each; wrk sends
   accepts (each to a different attendee copy, never one twice) for a few seconds, first without any
   subscription (the baseline, same run), then with a subscription on every user's calendar whose
   receiver (a thread of this process) answers 202. Reported: answers/s with and without (ratio),
   notifications/s delivered, and the delivery lag per notification (arrival minus the copy's
   lastModifiedDateTime, set in the answering transaction) p50 / p99, and how long after the load ended
   the last one arrived.
Benchmarks compare ratios within one run (machines are shared and noisy); they never run as tests.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from servers import SRC, Server, machine, say  # noqa: E402
from wrk import Request, available, run_wrk  # noqa: E402

sys.path.insert(0, str(SRC))

DOMAIN = "bench.test"
CHANGES = 100
ATTENDEES = 10


def open_seeded_store(db_url: str):
    from calgraph.store import open_store

    store = open_store(db_url)
    store.migrate()
    return store


def seed_calendar(db_url: str, events: int) -> str:
    """One user with `events` single events over 2030 (in process); returns the user's token."""
    from calgraph.core.ids import Ids, utc_now
    from calgraph.services import directory, events as event_service
    from calgraph.services.lookup import Scope
    from calgraph.services.runtime import Runtime
    from calgraph.services.tokens import TokenService
    from calgraph.core.permissions import Principal

    store = open_seeded_store(db_url)
    try:
        with store.unit_of_work(write=True) as uow:
            user = directory.add_user(uow, Ids(), utc_now, f"owner@{DOMAIN}", "Owner")
        rt = Runtime(store)
        me = Principal(user.id, frozenset({"calendars.readwrite"}))
        start = datetime(2030, 1, 1, 8)
        for n in range(events):
            at = start + timedelta(minutes=50 * n)
            event_service.create_event(rt, me, Scope("me", None), {
                "subject": f"Event {n}", "start": _when(at), "end": _when(at + timedelta(minutes=30))}, "")
        return TokenService(store).issue_delegated(user, [])
    finally:
        store.dispose()


def _when(at: datetime):
    from calgraph.core.model import When

    return When(at, "UTC")


def delta_cost(events: int, workdir: Path, seconds: float) -> dict[str, float]:
    db = f"sqlite:///{workdir / f'delta-{events}.db'}"
    say(f"seeding {events} events ...")
    token = seed_calendar(db, events)
    server = Server(f"calgraph-{events}", [sys.executable, "-m", "calgraph", "serve", "--db", db],
                    "/v1.0/me", 401, workdir).start()
    try:
        headers = {"Authorization": f"Bearer {token}", "Prefer": "odata.maxpagesize=1000"}
        with httpx.Client(base_url=server.origin, headers=headers, timeout=120) as http:
            window = "startDateTime=2029-12-01T00:00:00Z&endDateTime=2031-01-01T00:00:00Z"
            started = time.perf_counter()
            url, ids = f"/v1.0/me/calendarView/delta?{window}", []
            while True:
                page = http.get(url).json()
                ids += [item["id"] for item in page["value"]]
                if "@odata.deltaLink" in page:
                    link = page["@odata.deltaLink"]
                    break
                url = page["@odata.nextLink"]
            initial = time.perf_counter() - started
            assert len(ids) == events, (len(ids), events)
            started = time.perf_counter()
            for item_id in ids[:: max(1, events // CHANGES)][:CHANGES]:
                assert http.patch(f"/v1.0/me/events/{item_id}", json={"subject": "changed"}).status_code == 200
            changes = time.perf_counter() - started
            round_ = http.get(link).json()
            assert len(round_["value"]) == CHANGES, len(round_["value"])
        path = link[len(server.origin):]
        result = run_wrk(server.origin, [Request("GET", path, token)], connections=2, seconds=seconds, expect=200)
        return {"events": events, "initial_s": initial, "changes_s": changes, "round_p50_ms": result.p50_ms,
                "round_p99_ms": result.p99_ms, "rounds_per_s": result.rps}
    finally:
        server.stop()


# -- delivery under answer load ---------------------------------------------------------------------

class Receiver:
    def __init__(self) -> None:
        self.arrivals: list[tuple[float, dict]] = []
        self.lock = threading.Lock()
        owner = self

        class Hook(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                token = parse_qs(urlsplit(self.path).query).get("validationToken")
                reply = token[0].encode() if token else b""
                if not token:
                    now = time.time()
                    with owner.lock:
                        owner.arrivals += [(now, n) for n in json.loads(body)["value"]]
                self.send_response(200 if token else 202)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"


def seed_meetings(db_url: str, meetings: int) -> tuple[list[tuple[str, str, str]], str, list[str]]:
    """An organizer's meetings with ATTENDEES attendees each; returns (attendee token, copy id, attendee id)
    per copy, an app token, and every user id."""
    from calgraph.core.ids import Ids, utc_now
    from calgraph.core.permissions import Principal
    from calgraph.core.query import ItemQuery
    from calgraph.services import directory, events as event_service
    from calgraph.services.lookup import Scope
    from calgraph.services.runtime import Runtime
    from calgraph.services.tokens import TokenService
    from calgraph.core.model import Attendee, EmailAddress

    store = open_seeded_store(db_url)
    try:
        with store.unit_of_work(write=True) as uow:
            organizer = directory.add_user(uow, Ids(), utc_now, f"organizer@{DOMAIN}", "Organizer")
            people = [directory.add_user(uow, Ids(), utc_now, f"a{i}@{DOMAIN}", f"A{i}") for i in range(ATTENDEES)]
        rt = Runtime(store)
        me = Principal(organizer.id, frozenset({"calendars.readwrite"}))
        for n in range(meetings):
            at = datetime(2030, 1, 1, 8) + timedelta(hours=n)
            event_service.create_event(rt, me, Scope("me", None), {
                "subject": f"Meeting {n}", "start": _when(at), "end": _when(at + timedelta(minutes=30)),
                "attendees": tuple(Attendee(EmailAddress(p.address, p.display_name)) for p in people)}, "")
        tokens = TokenService(store)
        copies = []
        for person in people:
            token = tokens.issue_delegated(person, [])
            with store.unit_of_work() as uow:
                calendar = uow.default_calendar(person.id)
                page = uow.query_events([calendar.id], ItemQuery(top=100_000))
            copies += [(token, event.id, person.id) for event in page.items]
        return copies, tokens.issue_app([]), [organizer.id, *[p.id for p in people]]
    finally:
        store.dispose()


def delivery(workdir: Path, seconds: float, meetings: int) -> list[dict[str, float]]:
    db = f"sqlite:///{workdir / 'answers.db'}"
    say(f"seeding {meetings} meetings x {ATTENDEES} attendees ...")
    copies, app_token, users = seed_meetings(db, meetings)
    half = len(copies) // 2
    receiver = Receiver()
    server = Server("calgraph-answers", [sys.executable, "-m", "calgraph", "serve", "--db", db],
                    "/v1.0/me", 401, workdir).start()
    rows = []
    try:
        body = json.dumps({"comment": "ok", "sendResponse": True}).encode()
        for label, part in (("no subscription", copies[:half]), ("subscriptions", copies[half:])):
            if label == "subscriptions":
                with httpx.Client(base_url=server.origin, timeout=60,
                                  headers={"Authorization": f"Bearer {app_token}"}) as http:
                    expires = (datetime.now(timezone.utc) + timedelta(hours=1)).isoformat()
                    for user_id in users:
                        r = http.post("/v1.0/subscriptions", json={
                            "resource": f"users/{user_id}/events", "changeType": "updated",
                            "notificationUrl": receiver.url, "expirationDateTime": expires})
                        assert r.status_code == 201, r.text
            requests = [Request("POST", f"/v1.0/me/events/{copy_id}/accept", token, body) for token, copy_id, _ in part]
            result = run_wrk(server.origin, requests, connections=16, seconds=seconds, expect=202)
            ended_at = time.time()
            if result.requests > len(part):
                say(f"warning: {result.requests} answers for {len(part)} copies (some answered twice)")
            row = {"scenario": label, "answers_per_s": result.rps, "answer_p50_ms": result.p50_ms,
                   "answer_p99_ms": result.p99_ms, "answers": result.requests}
            if label == "subscriptions":
                # the last requests wrk had in flight when it stopped may not have reached the server
                answered = {copy_id for _, copy_id, _ in part[:max(result.requests - 16, 0)]}
                deadline = time.time() + 120
                while time.time() < deadline:
                    with receiver.lock:
                        got = {n["resourceData"]["id"] for _, n in receiver.arrivals}
                    if answered <= got:
                        break
                    time.sleep(0.1)
                with receiver.lock:
                    arrivals = list(receiver.arrivals)
                row.update(_delivery_figures(server, arrivals, part, answered, ended_at))
            rows.append(row)
    finally:
        server.stop()
        receiver.server.shutdown()
    return rows


def _delivery_figures(server: Server, arrivals, part, answered: set[str], ended_at: float) -> dict[str, float]:
    first_arrival = {}
    for at, n in arrivals:
        first_arrival.setdefault(n["resourceData"]["id"], at)
    tokens = {copy_id: token for token, copy_id, _ in part}
    lags = []
    with httpx.Client(base_url=server.origin, timeout=60) as http:
        for copy_id in sorted(answered)[:400]:   # a sample: one GET each
            if copy_id not in first_arrival:
                continue
            event = http.get(f"/v1.0/me/events/{copy_id}?$select=lastModifiedDateTime",
                             headers={"Authorization": f"Bearer {tokens[copy_id]}"}).json()
            modified = datetime.fromisoformat(event["lastModifiedDateTime"].replace("Z", "+00:00")).timestamp()
            lags.append((first_arrival[copy_id] - modified) * 1000)
    times = [at for at, _ in arrivals]
    span = max(times) - min(times) if len(times) > 1 else 0.0
    lags.sort()
    return {"notifications": len(arrivals), "notifications_per_s": len(arrivals) / span if span else 0.0,
            "lag_p50_ms": statistics.median(lags) if lags else float("nan"),
            "lag_p99_ms": lags[min(len(lags) - 1, int(len(lags) * 0.99))] if lags else float("nan"),
            "drained_after_s": max(times) - ended_at if times else float("nan"),
            "missing": len(answered - set(first_arrival))}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    if not available():
        say("wrk is needed (apt-get install wrk)")
        return 2
    sizes = (1000, 3000) if args.quick else (1000, 10_000)
    seconds = 2.0 if args.quick else 5.0
    meetings = 250 if args.quick else 700   # enough copies that none is answered twice
    print(machine())
    with tempfile.TemporaryDirectory(prefix="calgraph-bench-sync-") as folder:
        workdir = Path(folder)
        cost = [delta_cost(n, workdir, seconds) for n in sizes]
        answers = delivery(workdir, seconds, meetings)
    print(f"\nDelta round after {CHANGES} changes (round replayed by wrk, 2 connections)")
    print(f"{'events':>8} {'first round s':>14} {CHANGES} changes s".rjust(10) +
          f" {'round p50 ms':>13} {'round p99 ms':>13} {'rounds/s':>9} {'round/changes':>14}")
    for row in cost:
        per_round = row["round_p50_ms"] / 1000
        print(f"{row['events']:>8} {row['initial_s']:>14.2f} {row['changes_s']:>13.2f} {row['round_p50_ms']:>13.1f} "
              f"{row['round_p99_ms']:>13.1f} {row['rounds_per_s']:>9.1f} {per_round / row['changes_s']:>14.3f}")
    small, large = cost[0], cost[-1]
    print(f"ratio {large['events']}/{small['events']} events: first round x{large['initial_s'] / small['initial_s']:.1f}, "
          f"delta round x{large['round_p50_ms'] / small['round_p50_ms']:.2f}")
    print("\nNotification delivery under the meeting-answer load (wrk, 16 connections)")
    print(f"{'scenario':>16} {'answers/s':>10} {'p50 ms':>7} {'p99 ms':>7} {'notif/s':>8} {'lag p50 ms':>11} "
          f"{'lag p99 ms':>11} {'drained s':>10} {'missing':>8}")
    for row in answers:
        print(f"{row['scenario']:>16} {row['answers_per_s']:>10.1f} {row['answer_p50_ms']:>7.1f} {row['answer_p99_ms']:>7.1f} "
              f"{row.get('notifications_per_s', 0):>8.1f} {row.get('lag_p50_ms', float('nan')):>11.1f} "
              f"{row.get('lag_p99_ms', float('nan')):>11.1f} {row.get('drained_after_s', float('nan')):>10.2f} "
              f"{row.get('missing', 0):>8}")
    print(f"answers/s with subscriptions / without: {answers[1]['answers_per_s'] / answers[0]['answers_per_s']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
