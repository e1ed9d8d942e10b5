"""`calgraph serve --workers N` and `--durability`: real server processes, as a user starts them."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from calgraph.store import open_store

REPO = Path(__file__).resolve().parents[2]


def env() -> dict[str, str]:
    return {**{k: v for k, v in os.environ.items() if k != "CALGRAPH_DB"}, "PYTHONPATH": str(REPO / "src")}


def cli(*args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "calgraph", *args], capture_output=True, text=True, env=env(),
                          timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def children(pid: int) -> list[int]:
    return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def call(url: str, token: str, body: dict | None = None) -> dict:
    request = urllib.request.Request(url, data=json.dumps(body).encode() if body else None,
                                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.loads(answer.read())


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads worker processes from /proc")
def test_workers_share_the_port_and_the_database(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'w.db'}"
    cli("users", "add", "alice@contoso.com", "--db", db)
    token = cli("token", "alice@contoso.com", "--db", db)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "calgraph", "serve", "--workers", "2", "--port", str(port),
                               "--db", db, "--durability", "full"], env=env(), stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}/v1.0"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                call(f"{base}/me", token)
                break
            except (urllib.error.URLError, ConnectionError):
                assert time.monotonic() < deadline and server.poll() is None, server.stdout.read()
                time.sleep(0.1)
        assert len(children(server.pid)) == 2
        slot = {"start": {"dateTime": "2025-01-15T12:00:00", "timeZone": "UTC"},
                "end": {"dateTime": "2025-01-15T13:00:00", "timeZone": "UTC"}}
        with ThreadPoolExecutor(8) as pool:   # writers on both workers at once queue for the write lock
            created = list(pool.map(lambda i: call(f"{base}/me/events", token, {"subject": f"s{i}", **slot})["id"],
                                    range(24)))
        for _ in range(4):  # new connections land on either worker: each sees every write
            assert {e["id"] for e in call(f"{base}/me/events?$top=50", token)["value"]} == set(created)
        workers = children(server.pid)
        os.kill(workers[0], signal.SIGKILL)  # a worker dies: the server stops rather than half-serve
        assert server.wait(timeout=20) != 0
        assert not any(Path(f"/proc/{w}").exists() and "zombie" not in Path(f"/proc/{w}/status").read_text().lower()
                       for w in workers)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def test_killing_the_parent_ends_its_workers(tmp_path: Path) -> None:
    server, workers = start_two_workers(tmp_path)
    server.kill()
    server.wait(timeout=10)
    deadline = time.monotonic() + 20
    while any(Path(f"/proc/{w}").exists() for w in workers):
        assert time.monotonic() < deadline, "orphaned workers kept running"
        time.sleep(0.1)


def start_two_workers(tmp_path: Path) -> tuple[subprocess.Popen, list[int]]:
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "calgraph", "serve", "--workers", "2", "--port", str(port),
                               "--db", f"sqlite:///{tmp_path / 't.db'}"], env=env(),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/v1.0/me", timeout=5)
        except urllib.error.HTTPError:
            break  # Graph's 401: serving
        except (urllib.error.URLError, ConnectionError):
            assert time.monotonic() < deadline and server.poll() is None
            time.sleep(0.1)
    workers = children(server.pid)
    assert len(workers) == 2
    return server, workers


def test_sigterm_stops_every_worker(tmp_path: Path) -> None:
    server, workers = start_two_workers(tmp_path)
    server.send_signal(signal.SIGTERM)
    assert server.wait(timeout=20) == 0
    assert all(not Path(f"/proc/{w}").exists() for w in workers)


def test_durability_sets_sqlite_synchronous(tmp_path: Path) -> None:
    for durability, expected in (("full", 2), ("normal", 1)):
        store = open_store(f"sqlite:///{tmp_path / f'{durability}.db'}", durability=durability)
        try:
            with store.unit_of_work() as uow:
                assert uow.conn.exec_driver_sql("PRAGMA synchronous").scalar() == expected
        finally:
            store.dispose()


def test_bad_worker_count_and_durability(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'x.db'}"
    for args, words in ((["--workers", "0"], "--workers 0 must be between 1 and 64"),
                        (["--durability", "maybe"], "'maybe' is not one of")):
        done = subprocess.run([sys.executable, "-m", "calgraph", "serve", *args, "--db", db], env=env(),
                              capture_output=True, text=True, timeout=60)
        assert done.returncode in (1, 2) and words in done.stderr and "Traceback" not in done.stderr, done.stderr
