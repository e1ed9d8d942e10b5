"""Load from wrk, the C load generator: pre-built requests replayed in order, one thread, N connections.

    result = run_wrk("http://127.0.0.1:8000", [Request("POST", "/v1.0/me/events/x/accept", token, body)],
                     connections=16, seconds=5, expect=202)

The requests are written into a Lua script once (wrk.format), so wrk spends no time building them;
`request()` hands them out in order, cycling when they run out (wrk calls it once before the run to
check the script, so the first request is sent last, if at all). `response()` counts answers whose status
is not `expect`. The report gives wrk's own counts and latency percentiles, and the CPU time wrk used
(from the kernel's accounting of the child process), so a table can show that the client was not
the bottleneck. Debian's package: apt-get install wrk.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

LUA_TEMPLATE = r"""
local requests = {}
%(requests)s
local position = 0
local expect = %(expect)d
unexpected = 0
first = ""

request = function()
  position = position %% #requests + 1
  return requests[position]
end

response = function(status, headers, body)
  if status ~= expect then
    unexpected = unexpected + 1
    if first == "" then first = tostring(status) .. " " .. string.sub(body or "", 1, 300) end
  end
end

local threads = {}
setup = function(thread) table.insert(threads, thread) end

done = function(summary, latency, requests_)
  local t = threads[1]
  local out = {
    requests = summary.requests, duration_us = summary.duration,
    socket_errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    non_2xx = summary.errors.status,
    unexpected = t:get("unexpected"), first_error = t:get("first"),
    p50_us = latency:percentile(50), p90_us = latency:percentile(90), p99_us = latency:percentile(99),
    max_us = latency.max,
  }
  local parts = {}
  for k, v in pairs(out) do
    if type(v) == "string" then
      parts[#parts + 1] = string.format("%%q:%%q", k, v)
    else
      parts[#parts + 1] = string.format("%%q:%%d", k, v)
    end
  end
  io.write("WRK-RESULT {" .. table.concat(parts, ",") .. "}\n")
end
"""


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    token: str | None = None
    body: bytes = b""


@dataclass
class WrkResult:
    requests: int
    seconds: float
    errors: int             # socket errors plus answers whose status was not the expected one
    first_error: str
    p50_ms: float
    p90_ms: float
    p99_ms: float
    client_cpu_seconds: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def client_cpu(self) -> float:
        """wrk's CPU time over the wall time (1.0 = one core)."""
        return self.client_cpu_seconds / self.seconds if self.seconds else 0.0


def available() -> bool:
    return shutil.which("wrk") is not None


def _lua_string(data: bytes) -> str:
    return '"' + "".join(f"\\{b:03d}" if b < 32 or b > 126 or b in (34, 92) else chr(b) for b in data) + '"'


def lua_script(requests: list[Request], expect: int, host: str) -> str:
    lines = []
    for r in requests:
        headers = [f'["Host"] = {_lua_string(host.encode())}', '["Content-Type"] = "application/json"']
        if r.token:
            headers.append(f'["Authorization"] = {_lua_string(("Bearer " + r.token).encode())}')
        lines.append(f"requests[#requests + 1] = wrk.format({_lua_string(r.method.encode())}, "
                     f"{_lua_string(r.path.encode())}, {{{', '.join(headers)}}}, {_lua_string(r.body)})")
    return LUA_TEMPLATE % {"requests": "\n".join(lines), "expect": expect}


def run_wrk(origin: str, requests: list[Request], *, connections: int = 16, seconds: float = 5.0,
            expect: int = 202, timeout_s: int = 30) -> WrkResult:
    if not requests:
        raise ValueError("no requests to send")
    with tempfile.TemporaryDirectory(prefix="calgraph-wrk-") as folder:
        script = Path(folder) / "requests.lua"
        script.write_text(lua_script(requests, expect, urlsplit(origin).netloc))
        argv = ["wrk", "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", f"--timeout={timeout_s}s",
                "--latency", "-s", str(script), origin]
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        output = proc.stdout.read().decode(errors="replace")
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - started
    line = next((l for l in output.splitlines() if l.startswith("WRK-RESULT ")), None)
    if proc.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({proc.returncode}):\n{output[-3000:]}")
    data = json.loads(line[len("WRK-RESULT "):])
    return WrkResult(
        requests=data["requests"], seconds=data["duration_us"] / 1e6 or wall,
        errors=data["socket_errors"] + data["unexpected"], first_error=data.get("first_error", ""),
        p50_ms=data["p50_us"] / 1000, p90_ms=data["p90_us"] / 1000, p99_ms=data["p99_us"] / 1000,
        client_cpu_seconds=usage.ru_utime + usage.ru_stime,
    )


class CpuPerRequest:
    """For a row of a report holding a wrk run (`load`) and the CPU seconds a server, and PostgreSQL's
    backends, spent meanwhile: those per request, in ms (None when not measured)."""

    load: WrkResult
    server_cpu_seconds: float | None
    database_cpu_seconds: float | None

    @property
    def server_ms(self) -> float | None:
        return _per_request_ms(self.server_cpu_seconds, self.load.requests)

    @property
    def database_ms(self) -> float | None:
        return _per_request_ms(self.database_cpu_seconds, self.load.requests)


def _per_request_ms(seconds: float | None, requests: int) -> float | None:
    return None if seconds is None or not requests else seconds / requests * 1000


__all__ = ["CpuPerRequest", "Request", "WrkResult", "available", "run_wrk"]
