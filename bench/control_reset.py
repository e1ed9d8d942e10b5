"""Benchmark: reset and snapshot restore of a 50-user tenant over HTTP, against seeding it anew.

    python bench/control_reset.py                 # 50 users, 20 events and 4 meetings each, 10 rounds
    python bench/control_reset.py --users 200     # a bigger tenant

The tenant is made once with POST /_calgraph/seed (every user has 20 single events and organizes 4
meetings with 3 attendees each, whose invitations are delivered and answered), then saved as a
snapshot. Measured, each over --rounds rounds on the same server (`python -m calgraph serve` on a fresh
SQLite file, one keep-alive connection):

- reset to seed, after a test   POST /_calgraph/reset, after what one test might do (untimed: five
                                events created, a meeting declined, over Graph with an app token)
- restore, after a test         POST /_calgraph/snapshots/{name}/restore, likewise
- restore, from empty           the same from an empty tenant: every row inserted again (the worst case)
- reset to empty                POST /_calgraph/reset {"to": "empty"}
- save snapshot                 POST /_calgraph/snapshots
- baseline: seed anew     reset to empty + POST /_calgraph/seed with the same document: what a test
                          suite without snapshots does to get its tenant back

Columns: rows in the tenant, median and worst time, and x baseline (how many times faster than seeding
anew). The issue's target: reset and restore of a 50-user tenant well under 100 ms on SQLite.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]


def document(users: int) -> dict:
    emails = [f"user{i:03}@contoso.com" for i in range(users)]
    events = []
    for i, email in enumerate(emails):
        for j in range(20):
            day = 1 + j % 28
            events.append({"mailbox": email, "subject": f"Focus {j}",
                           "start": {"dateTime": f"2030-01-{day:02}T{8 + j % 8:02}:00:00", "timeZone": "UTC"},
                           "end": {"dateTime": f"2030-01-{day:02}T{8 + j % 8:02}:30:00", "timeZone": "UTC"}})
        for k in range(4):
            invited = [emails[(i + n) % users] for n in (1, 2, 3)]
            events.append({
                "mailbox": email, "subject": f"Meeting {k}",
                "start": {"dateTime": f"2030-02-{1 + k:02}T10:00:00", "timeZone": "UTC"},
                "end": {"dateTime": f"2030-02-{1 + k:02}T11:00:00", "timeZone": "UTC"},
                "attendees": [{"emailAddress": {"address": a}, "type": "required"} for a in invited],
                "answers": {invited[0]: "accept", invited[1]: "decline"},
            })
    return {"users": [{"email": e} for e in emails], "events": events}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def timed(call, rounds: int, before=lambda: None) -> list[float]:
    out = []
    for _ in range(rounds):
        before()
        started = time.perf_counter()
        answer = call()
        out.append((time.perf_counter() - started) * 1000)
        assert answer.status_code in (200, 201, 204), answer.text
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="calgraph-bench-"))
    db = f"sqlite:///{folder / 'bench.db'}"
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    cli = [sys.executable, "-m", "calgraph"]
    token = subprocess.run([*cli, "token", "--admin", "--db", db], env=env, capture_output=True, text=True,
                           check=True).stdout.strip()
    port = free_port()
    server = subprocess.Popen([*cli, "serve", "--port", str(port), "--db", db], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        client = httpx.Client(base_url=f"http://127.0.0.1:{port}/_calgraph", timeout=600,
                              headers={"Authorization": f"Bearer {token}"})
        for _ in range(300):
            try:
                client.get("/clock")
                break
            except httpx.TransportError:
                time.sleep(0.1)
        doc = document(args.users)
        seeded = client.post("/seed", json=doc)
        assert seeded.status_code == 200, seeded.text
        client.post("/snapshots", json={"name": "bench"})
        rows = row_count(folder / "bench.db")

        def seed_anew():
            client.post("/reset", json={"to": "empty"})
            return client.post("/seed", json=doc)

        app_token = subprocess.run([*cli, "token", "--app", "--db", db], env=env, capture_output=True,
                                   text=True, check=True).stdout.strip()
        graph = httpx.Client(base_url=f"http://127.0.0.1:{port}/v1.0", timeout=60,
                             headers={"Authorization": f"Bearer {app_token}"})
        first = doc["users"][0]["email"]

        def a_test_ran():  # what one test of a suite might do: five events and a meeting answered
            for n in range(5):
                body = {k: v for k, v in doc["events"][n].items() if k != "mailbox"}
                made = graph.post(f"/users/{first}/events", json={**body, "subject": f"Test {n}"})
                assert made.status_code == 201, made.text
            copy = graph.get(f"/users/{doc['users'][1]['email']}/events?$filter=subject eq 'Meeting 0'").json()
            for event in copy.get("value", [])[:1]:
                graph.post(f"/users/{doc['users'][1]['email']}/events/{event['id']}/decline",
                           json={"sendResponse": True})

        def emptied():
            client.post("/reset", json={"to": "empty"})

        baseline = timed(seed_anew, max(2, args.rounds // 5))
        results = [
            ("reset to seed, after a test", timed(lambda: client.post("/reset"), args.rounds, a_test_ran)),
            ("restore, after a test", timed(lambda: client.post("/snapshots/bench/restore"), args.rounds,
                                            a_test_ran)),
            ("restore, from empty", timed(lambda: client.post("/snapshots/bench/restore"), args.rounds, emptied)),
            ("reset to empty", timed(lambda: client.post("/reset", json={"to": "empty"}), args.rounds,
                                     lambda: client.post("/reset"))),
            ("save snapshot", timed(lambda: client.post("/snapshots", json={"name": "bench"}), args.rounds)),
        ]
        base = statistics.median(baseline)
        print(f"tenant: {args.users} users, {rows} rows in its tables; SQLite; {args.rounds} rounds\n")
        print(f"{'operation':<30}{'median ms':>11}{'worst ms':>10}{'x baseline':>12}")
        print(f"{'baseline: seed anew':<30}{base:>11.1f}{max(baseline):>10.1f}{1:>12.1f}")
        for name, times in results:
            median = statistics.median(times)
            print(f"{name:<30}{median:>11.1f}{max(times):>10.1f}{base / median:>12.1f}")
    finally:
        server.terminate()
        server.wait(timeout=30)


def row_count(path: Path) -> int:
    import sqlite3

    from calgraph.store.sql_control import tenant_tables

    with sqlite3.connect(path) as conn:
        return sum(conn.execute(f"SELECT COUNT(*) FROM {t.name}").fetchone()[0] for t in tenant_tables())


if __name__ == "__main__":
    main()
