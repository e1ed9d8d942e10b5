"""How much the intercepting proxy costs, and calgraph's splice proxy against mitmproxy's.

One `calgraph serve --tls --proxy-port` on a fresh SQLite file; a client (httpx, sequential requests)
asks GET /v1.0/me/events three ways in the same run:
  direct      https://localhost:PORT/...                  (the baseline)
  calgraph    https://graph.microsoft.com/... through calgraph's CONNECT splice (--proxy-port)
  mitmdump    the same through mitmproxy's mitmdump (decrypts, re-encrypts, maps the host to calgraph),
              when --mitmdump PATH is given (mitmproxy needs its own venv: it pins its own dependencies
              and its releases after 11.0.2 need Python >= 3.12)
Two rows per way: a request on a kept-alive connection, and a new connection per request (CONNECT +
TLS handshake + request). Latencies, not rates: wrk cannot speak through a CONNECT proxy.

    .venv/bin/python bench/proxy.py [--requests 300] [--mitmdump /path/to/mitmdump]
"""

from __future__ import annotations

import argparse
import os
import shutil
import ssl
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def calgraph(*args: str, db: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    return subprocess.run([sys.executable, "-m", "calgraph", *args, "--db", db], check=True, capture_output=True,
                          text=True, env=env).stdout.strip()


def wait_for(url: str, verify: ssl.SSLContext, proxy: str | None = None, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            httpx.get(url, verify=verify, proxy=proxy, timeout=2)
            return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


def timed(make_client, url: str, token: str, n: int, fresh: bool) -> list[float]:
    times = []
    client = None if fresh else make_client()
    for _ in range(n):
        c = make_client() if fresh else client
        start = time.perf_counter()
        r = c.get(url, headers={"Authorization": f"Bearer {token}"})
        times.append(time.perf_counter() - start)
        assert r.status_code == 200, r.text
        if fresh:
            c.close()
    if client is not None:
        client.close()
    return times


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--mitmdump", help="path of mitmproxy's mitmdump (in a venv of its own)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="calgraph-bench-proxy-"))
    db = f"sqlite:///{work / 'bench.db'}"
    calgraph("users", "add", "alice@contoso.com", db=db)
    token = calgraph("token", "alice@contoso.com", db=db)
    ca = work / "ca.pem"
    ca.write_text(calgraph("ca", db=db))
    port, proxy_port = free_port(), free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    procs = [subprocess.Popen([sys.executable, "-m", "calgraph", "serve", "--port", str(port), "--proxy-port",
                               str(proxy_port), "--db", db], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)]
    try:
        ours = ssl.create_default_context(cafile=str(ca))
        wait_for(f"https://localhost:{port}/v1.0/me", ours)
        ways = {"direct": (f"https://localhost:{port}/v1.0/me/events", None, ours),
                "calgraph": ("https://graph.microsoft.com/v1.0/me/events", f"http://127.0.0.1:{proxy_port}", ours)}
        if args.mitmdump:
            mitm_port = free_port()
            confdir = work / "mitm"
            procs.append(subprocess.Popen(
                [args.mitmdump, "--listen-port", str(mitm_port), "--set", "connection_strategy=lazy", "--set",
                 f"confdir={confdir}", "--set",
                 f"ssl_verify_upstream_trusted_ca={ca}", "--map-remote",
                 f"|//graph.microsoft.com/|//localhost:{port}/", "-q"],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            deadline = time.monotonic() + 30
            while not (confdir / "mitmproxy-ca-cert.pem").exists() and time.monotonic() < deadline:
                time.sleep(0.2)
            theirs = ssl.create_default_context(cafile=str(confdir / "mitmproxy-ca-cert.pem"))
            wait_for(ways["calgraph"][0], theirs, f"http://127.0.0.1:{mitm_port}")
            ways["mitmdump"] = (ways["calgraph"][0], f"http://127.0.0.1:{mitm_port}", theirs)
        rows = []
        for name, (url, proxy, verify) in ways.items():
            make = lambda: httpx.Client(proxy=proxy, verify=verify, timeout=30)  # noqa: E731
            timed(make, url, token, 20, fresh=False)     # warm up
            kept = timed(make, url, token, args.requests, fresh=False)
            fresh = timed(make, url, token, max(30, args.requests // 3), fresh=True)
            rows.append((name, statistics.median(kept), statistics.quantiles(kept, n=20)[-1],
                         statistics.median(fresh)))
        base = rows[0]
        print(f"\nGET /v1.0/me/events, {args.requests} sequential requests per row, medians (p95 kept-alive)\n")
        print(f"{'way':10} {'kept-alive ms':>14} {'p95 ms':>8} {'x direct':>9} {'new conn ms':>12} {'x direct':>9}")
        for name, kept, p95, fresh in rows:
            print(f"{name:10} {kept * 1000:14.2f} {p95 * 1000:8.2f} {kept / base[1]:9.2f} {fresh * 1000:12.2f} "
                  f"{fresh / base[3]:9.2f}")
        if args.mitmdump:
            print(f"\nmitmdump RSS: {rss_kib(procs[1].pid) / 1024:.0f} MiB (calgraph's proxy runs inside the server)")
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
