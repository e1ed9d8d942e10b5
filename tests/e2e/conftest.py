"""End-to-end fixtures: a real `calgraph serve` subprocess, users and tokens made with the CLI, and the
stock msgraph-sdk talking to it over HTTP (tests/e2e/graph_local.py).

* Database: a fresh SQLite file per session by default. With CALGRAPH_TEST_DB=postgres, a fresh
  database `calgraph_e2e_<random>` is created next to CALGRAPH_TEST_POSTGRES_URL and dropped at the
  end (tests/conftest.py's scratch_postgres_database).
* One server per session (`server`); tests that need two processes on one database start their own.
* `async def test_…` functions are run with plain `asyncio.run` (hook below); no pytest plugin needed.
  SDK clients made with `Tenant.client()` are closed when the test's event loop ends.
"""

from __future__ import annotations

import asyncio
import inspect
import os
import socket
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import pytest

from tests.conftest import scratch_database
from tests.e2e.graph_local import make_client

REPO = Path(__file__).resolve().parents[2]
SRC = REPO / "src"
START_TIMEOUT = 30.0
CLI_TIMEOUT = 60.0

# SDK clients opened by the running test; their httpx clients are closed before its loop ends.
_open_clients: list[Any] = []


# -- async tests --------------------------------------------------------------------------------------

async def _closing_clients(coro: Any) -> Any:
    try:
        return await coro
    finally:
        while _open_clients:
            client = _open_clients.pop()
            await client.request_adapter._http_client.aclose()


def run_async(coro: Any) -> Any:
    """`asyncio.run(coro)`, closing the SDK clients opened meanwhile (for sync fixtures)."""
    return asyncio.run(_closing_clients(coro))


@pytest.hookimpl(tryfirst=True)
def pytest_pyfunc_call(pyfuncitem: pytest.Function) -> bool | None:
    if not inspect.iscoroutinefunction(pyfuncitem.obj):
        return None
    kwargs = {name: pyfuncitem.funcargs[name] for name in pyfuncitem._fixtureinfo.argnames}
    run_async(pyfuncitem.obj(**kwargs))
    return True


# -- processes ----------------------------------------------------------------------------------------

def subprocess_env() -> dict[str, str]:
    """The environment for `python -m calgraph`: this checkout's src first on PYTHONPATH."""
    env = dict(os.environ)
    parts = [str(SRC)] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    env["PYTHONPATH"] = os.pathsep.join(parts)
    env.pop("CALGRAPH_DB", None)  # always explicit --db
    return env


def cli(db_url: str, *args: str) -> str:
    """Run `calgraph ARGS --db URL` as a user would; return its stdout (an id or a token)."""
    done = subprocess.run(
        [sys.executable, "-m", "calgraph", *args, "--db", db_url],
        capture_output=True, text=True, timeout=CLI_TIMEOUT, env=subprocess_env(), cwd=REPO,
    )
    if done.returncode != 0:
        raise AssertionError(f"calgraph {' '.join(args)} exited {done.returncode}:\n{done.stderr}{done.stdout}")
    return done.stdout.strip()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class ServerProcess:
    """`python -m calgraph serve` on 127.0.0.1:<free port>, output logged to a file. With `ca_file` (the
    CA its certificate comes from) it serves https, reached as https://localhost:<port>; with `proxy`
    the intercepting proxy listens on a second free port."""

    def __init__(self, db_url: str, log_dir: Path, name: str = "server", extra: tuple[str, ...] = (), *,
                 ca_file: Path | None = None, proxy: bool = False) -> None:
        self.db_url = db_url
        self.extra = extra      # more `serve` options, e.g. ("--throttle", "graph")
        self.ca_file = ca_file
        self.with_proxy = proxy
        self.log_path = log_dir / f"{name}.log"
        self.port = self.proxy_port = 0
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def scheme(self) -> str:
        return "http" if self.ca_file is None else "https"

    @property
    def origin(self) -> str:
        return f"{self.scheme}://{'127.0.0.1' if self.ca_file is None else 'localhost'}:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.origin}/v1.0"

    @property
    def proxy(self) -> str:
        return f"http://127.0.0.1:{self.proxy_port}"

    def start(self) -> "ServerProcess":
        for _attempt in range(3):  # a free port can be taken between probing and binding
            self.port = free_port()
            options = ["--tls"] if self.ca_file is not None else []
            if self.with_proxy:
                self.proxy_port = free_port()
                options += ["--proxy-port", str(self.proxy_port)]
            logged = len(self.log())
            with open(self.log_path, "ab") as log:
                self.proc = subprocess.Popen(
                    [sys.executable, "-m", "calgraph", "serve", "--host", "127.0.0.1",
                     "--port", str(self.port), "--db", self.db_url, *options, *self.extra],
                    stdout=log, stderr=subprocess.STDOUT, env=subprocess_env(), cwd=REPO,
                )
            if self._wait_ready():
                return self
            self.stop()
            if "already in use" not in self.log()[logged:].lower():
                break
        raise RuntimeError(f"calgraph serve did not start; log:\n{self.log()}")

    def _wait_ready(self) -> bool:
        """True once *our* process answers /me without a token with Graph's 401 (a foreign server
        that grabbed the port in the meantime would not); False if the process died or never did."""
        assert self.proc is not None
        context = None if self.ca_file is None else ssl.create_default_context(cafile=str(self.ca_file))
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                return False
            try:
                urllib.request.urlopen(f"{self.base_url}/me", timeout=2, context=context)
            except urllib.error.HTTPError as e:
                if e.code == 401 and b"InvalidAuthenticationToken" in e.read():
                    time.sleep(0.05)
                    return self.proc.poll() is None
            except OSError:
                pass
            time.sleep(0.05)
        return False

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
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)


# -- database -----------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def e2e_db_url(db_backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A database of its own for the e2e session."""
    with scratch_database(db_backend, tmp_path_factory.mktemp("e2e-db"), "calgraph_e2e") as url:
        yield url


# -- the server and the tenant ------------------------------------------------------------------------

@pytest.fixture(scope="session")
def server(e2e_db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    # The server migrates the database before it answers, so the CLI calls that follow find it ready.
    proc = ServerProcess(e2e_db_url, tmp_path_factory.mktemp("e2e-logs")).start()
    try:
        yield proc
    finally:
        proc.stop()


@pytest.fixture(autouse=True)
def no_server_crash(server: ServerProcess) -> Iterator[None]:
    """Fail the test during which the server logged an unhandled error (a 500) or exited."""
    before = len(server.log())
    yield
    new = server.log()[before:]
    assert server.proc is not None and server.proc.poll() is None, f"the server exited:\n{new}"
    assert "Traceback" not in new and "unhandled error" not in new, f"the server logged an error:\n{new}"


@dataclass(frozen=True)
class User:
    id: str
    address: str
    name: str


@dataclass
class Tenant:
    """Users, groups and tokens made with the CLI on the server's database."""

    db_url: str
    server: ServerProcess
    users: dict[str, User] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    group_id: str = ""
    group_address: str = ""

    def client(self, token_or_key: str, server: ServerProcess | None = None):
        """A stock GraphServiceClient with a static token (a key of `tokens`, or a raw token)."""
        token = self.tokens.get(token_or_key, token_or_key)
        client = make_client((server or self.server).base_url, token)
        _open_clients.append(client)
        return client

    def cli(self, *args: str) -> str:
        return cli(self.db_url, *args)


# key -> display name; the address is KEY@contoso.test
USERS = {
    "alice": "Alice Adams",    # organizer in the event tests, group member
    "bob": "Bob Brown",        # attendee, group member
    "carol": "Carol Clark",    # owns exactly the events of the query and paging tests
    "erin": "Erin Evans",      # shares her calendar in the sharing tests
    "frank": "Frank Foster",   # the grantee in the sharing tests
}
DOMAIN = "contoso.test"
# token key -> CLI arguments after `token`
TOKENS = {
    "alice": ["alice@contoso.test"],
    "bob": ["bob@contoso.test"],
    "carol": ["carol@contoso.test"],
    "erin": ["erin@contoso.test"],
    "frank_read_shared": ["frank@contoso.test", "--scope", "User.Read", "--scope", "Calendars.Read.Shared"],
    "frank_write_shared": ["frank@contoso.test", "--scope", "User.Read", "--scope", "Calendars.ReadWrite.Shared"],
    "alice_short": ["alice@contoso.test", "--expires-in", "1"],   # expired by the time it is used
    "app": ["--app", "--role", "Calendars.ReadWrite"],
}


@pytest.fixture(scope="session")
def tenant(server: ServerProcess) -> Tenant:
    """Five users, a group (alice and bob) and their tokens, made with the CLI (in parallel: each
    CLI run costs ~0.8 s of interpreter start-up)."""
    db = server.db_url
    t = Tenant(db, server)
    with ThreadPoolExecutor(max_workers=8) as pool:
        ids = list(pool.map(lambda k: cli(db, "users", "add", f"{k}@{DOMAIN}", "--name", USERS[k]), USERS))
        t.users = {k: User(i, f"{k}@{DOMAIN}", USERS[k]) for k, i in zip(USERS, ids)}
        tokens = {k: pool.submit(cli, db, "token", *args) for k, args in TOKENS.items()}
        t.group_address = f"team@{DOMAIN}"
        group = pool.submit(cli, db, "groups", "add", t.group_address, "--name", "Team",
                            "--member", t.users["alice"].address, "--member", t.users["bob"].address)
        t.tokens = {k: f.result() for k, f in tokens.items()}
        t.group_id = group.result()
    return t


# -- helpers for the tests (stateless; import them from tests.e2e.conftest) ---------------------------

async def graph_error(call: Any) -> Any:
    """Await an SDK call that must fail; return the ODataError it raised."""
    from msgraph.generated.models.o_data_errors.o_data_error import ODataError

    with pytest.raises(ODataError) as info:
        await call
    return info.value


def lunch(subject: str = "Let's go for lunch", attendees: tuple[str, ...] = (), *,
          start: str = "2025-01-15T12:00:00", end: str = "2025-01-15T14:00:00",
          time_zone: str = "Pacific Standard Time", **extra: Any) -> Any:
    """The create-event body of client.md §2.3 (an msgraph `Event`)."""
    from msgraph.generated.models.attendee import Attendee
    from msgraph.generated.models.attendee_type import AttendeeType
    from msgraph.generated.models.body_type import BodyType
    from msgraph.generated.models.date_time_time_zone import DateTimeTimeZone
    from msgraph.generated.models.email_address import EmailAddress
    from msgraph.generated.models.event import Event
    from msgraph.generated.models.item_body import ItemBody
    from msgraph.generated.models.location import Location

    return Event(
        subject=subject,
        body=ItemBody(content_type=BodyType.Html, content="Does noon work for you?"),
        start=DateTimeTimeZone(date_time=start, time_zone=time_zone),
        end=DateTimeTimeZone(date_time=end, time_zone=time_zone),
        location=Location(display_name="Harry's Bar"),
        attendees=[Attendee(email_address=EmailAddress(address=a, name=a.split("@")[0].title()),
                            type=AttendeeType.Required) for a in attendees],
        **extra,
    )
