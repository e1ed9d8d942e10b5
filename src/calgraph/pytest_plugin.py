"""calgraph's pytest plugin (entry point `pytest11`): a `calgraph` fixture for test suites.

One `calgraph serve` per test session, on a free loopback port over a fresh SQLite file; before each
test the tenant goes back to how the session started (after the ini option `calgraph_seed`, a seed
file, if given), fault rules are cleared and the clock is real again.

    def test_invite(calgraph):
        alice, bob = calgraph.user("alice"), calgraph.user("bob")      # alice@contoso.com, bob@contoso.com
        ...  # alice.client is a msgraph-sdk GraphServiceClient, alice.token a bearer token
        assert calgraph.messages(mailbox=bob.email, type="meetingRequest")
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

import pytest

from calgraph import control_client

DOMAIN = "contoso.com"
BASELINE = "pytest-baseline"
START_TIMEOUT = 60.0


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini("calgraph_seed", "A seed file (JSON or YAML) the calgraph fixture's server starts from.")
    parser.addini("calgraph_throttle", "'graph' to serve with Graph's throttling limits.")


class CalgraphError(AssertionError):
    """A control-plane call failed; the message is Graph's error message."""


@dataclass
class GraphUser:
    email: str
    id: str
    token: str
    base_url: str
    _client: Any = field(default=None, repr=False)

    @property
    def client(self) -> Any:
        """A msgraph-sdk GraphServiceClient sending this user's token to the server (needs msgraph-sdk)."""
        if self._client is None:
            self._client = graph_client(self.base_url, self.token)
        return self._client


def graph_client(base_url: str, token: str) -> Any:
    from kiota_abstractions.authentication import (
        AccessTokenProvider,
        AllowedHostsValidator,
        BaseBearerTokenAuthenticationProvider,
    )
    from msgraph import GraphRequestAdapter, GraphServiceClient

    class StaticToken(AccessTokenProvider):
        def __init__(self) -> None:
            self.validator = AllowedHostsValidator(["127.0.0.1", "localhost"])

        async def get_authorization_token(self, uri: str, additional_authentication_context: Any = None) -> str:
            return token if self.validator.is_url_host_valid(uri) else ""

        def get_allowed_hosts_validator(self) -> AllowedHostsValidator:
            return self.validator

    adapter = GraphRequestAdapter(BaseBearerTokenAuthenticationProvider(StaticToken()))
    adapter.base_url = base_url
    return GraphServiceClient(request_adapter=adapter)


class _Control:
    def __init__(self, origin: str, admin_token: str) -> None:
        self.origin = origin
        self.admin_token = admin_token

    def call(self, method: str, path: str, body: Any = None) -> Any:
        try:
            return control_client.call(self.origin, self.admin_token, method, path, body)
        except control_client.ControlRefused as error:
            raise CalgraphError(f"{method} /_calgraph{path}: {error.status} {error.message or error.body}") from None


class Clock:
    def __init__(self, control: _Control) -> None:
        self._control = control

    def get(self) -> dict[str, Any]:
        return self._control.call("GET", "/clock")

    @property
    def now(self) -> str:
        return self.get()["now"]

    def freeze(self, instant: str) -> dict[str, Any]:
        return self._control.call("PUT", "/clock", {"frozenAt": instant})

    def offset(self, seconds: float) -> dict[str, Any]:
        return self._control.call("PUT", "/clock", {"offsetSeconds": seconds})

    def real(self) -> dict[str, Any]:
        return self._control.call("PUT", "/clock", {"mode": "real"})

    def advance(self, seconds: float) -> dict[str, Any]:
        return self._control.call("POST", "/clock/advance", {"seconds": seconds})


class Faults:
    def __init__(self, control: _Control) -> None:
        self._control = control

    def add(self, path: str | None = None, status: int | None = None, **options: Any) -> dict[str, Any]:
        """Options as the control API names them: method, mailbox, app, code, message, retryAfter,
        latencyMs, probability, times."""
        body = {"path": path, "status": status, **options}
        return self._control.call("POST", "/faults", {k: v for k, v in body.items() if v is not None})

    def list(self) -> list[dict[str, Any]]:
        return self._control.call("GET", "/faults")["value"]

    def delete(self, rule_id: str) -> None:
        self._control.call("DELETE", f"/faults/{rule_id}")

    def clear(self) -> None:
        self._control.call("DELETE", "/faults")


class Calgraph:
    """What the `calgraph` fixture gives a test."""

    def __init__(self, origin: str, admin_token: str, db_url: str) -> None:
        self.origin = origin
        self.base_url = f"{origin}/v1.0"
        self.admin_token = admin_token
        self.db_url = db_url
        self._control = _Control(origin, admin_token)
        self.clock = Clock(self._control)
        self.faults = Faults(self._control)
        self._store: Any = None
        self._tokens: Any = None

    def user(self, name: str, display_name: str | None = None) -> GraphUser:
        """The user `name` (a bare name gets @contoso.com), created if new, with a token and a client."""
        from calgraph.core.ids import Ids
        from calgraph.services import directory
        from calgraph.services.control import Control
        from calgraph.services.tokens import TokenService
        from calgraph.store import open_store

        email = name if "@" in name else f"{name}@{DOMAIN}"
        if self._store is None:
            self._store = open_store(self.db_url)
            self._tokens = TokenService(self._store)
        self._store.forget_cached()   # a reset since may have removed what it remembers
        with self._store.unit_of_work(write=True) as uow:
            mailbox = uow.get_mailbox(email)
            if mailbox is None:
                control = Control(self._store)
                control.refresh()
                mailbox = directory.add_user(uow, Ids(), control.clock, email, display_name)
        return GraphUser(mailbox.address, mailbox.id, self._tokens.issue_delegated(mailbox, []), self.base_url)

    def app_token(self) -> str:
        from calgraph.services.tokens import TokenService
        from calgraph.store import open_store

        if self._store is None:
            self._store = open_store(self.db_url)
            self._tokens = TokenService(self._store)
        return self._tokens.issue_app([])

    def seed(self, document: dict[str, Any] | str | Path) -> dict[str, Any]:
        """Load a seed document (a dict, or a JSON / YAML file); returns the ids by address."""
        if not isinstance(document, dict):
            from calgraph.http.control.seed import read_text  # a file: YAML allowed, errors with lines

            text = Path(document).read_text(encoding="utf-8")
            read_text(text)
            import yaml

            document = yaml.safe_load(text)
        return self._control.call("POST", "/seed", document)

    def messages(self, mailbox: str | None = None, type: str | None = None,  # noqa: A002 - the API's name
                 since: str | None = None, subject: str | None = None) -> list[dict[str, Any]]:
        query = {k: v for k, v in (("mailbox", mailbox), ("type", type), ("since", since), ("subject", subject))
                 if v}
        suffix = ("?" + urllib.parse.urlencode(query)) if query else ""
        return self._control.call("GET", f"/messages{suffix}")["value"]

    def requests(self, top: int = 100) -> list[dict[str, Any]]:
        return self._control.call("GET", f"/requests?top={top}")["value"]

    def snapshot(self, name: str) -> None:
        self._control.call("POST", "/snapshots", {"name": name})

    def restore(self, name: str) -> None:
        self._control.call("POST", f"/snapshots/{urllib.parse.quote(name, safe='')}/restore")

    def reset(self, to: str = "seed") -> None:
        self._control.call("POST", "/reset", {"to": to})

    def _between_tests(self) -> None:
        self.restore(BASELINE)
        self.faults.clear()
        self.clock.real()

    def close(self) -> None:
        if self._store is not None:
            self._store.dispose()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def _calgraph_server(request: pytest.FixtureRequest) -> Iterator[Calgraph]:
    from calgraph.services.admin_tokens import AdminTokens
    from calgraph.store import open_store

    folder = Path(tempfile.mkdtemp(prefix="calgraph-pytest-"))
    db_url = f"sqlite:///{folder / 'calgraph.db'}"
    store = open_store(db_url)
    store.migrate()
    admin_token = AdminTokens(store).issue()
    store.dispose()
    args = [sys.executable, "-m", "calgraph", "serve", "--host", "127.0.0.1", "--db", db_url]
    seed = request.config.getini("calgraph_seed")
    if seed:
        args += ["--seed", str(Path(str(request.config.rootpath)) / seed)]
    throttle = request.config.getini("calgraph_throttle")
    if throttle:
        args += ["--throttle", throttle]
    log = open(folder / "server.log", "wb")
    for _attempt in range(3):
        port = _free_port()
        process = subprocess.Popen([*args, "--port", str(port)], stdout=log, stderr=subprocess.STDOUT,
                                   env={**os.environ, "PYTHONUNBUFFERED": "1"})
        harness = Calgraph(f"http://127.0.0.1:{port}", admin_token, db_url)
        if _wait_ready(process, harness):
            break
        process.kill()
        process.wait()
    else:
        raise RuntimeError(f"calgraph serve did not start: {(folder / 'server.log').read_text(errors='replace')}")
    try:
        harness.snapshot(BASELINE)
        yield harness
    finally:
        harness.close()
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def _wait_ready(process: subprocess.Popen[bytes], harness: Calgraph) -> bool:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            harness.clock.get()
            return True
        except (OSError, CalgraphError):
            time.sleep(0.05)
    return False


@pytest.fixture
def calgraph(_calgraph_server: Calgraph) -> Calgraph:
    """A running calgraph, back to the session's starting tenant, no fault rules, real time."""
    _calgraph_server._between_tests()
    return _calgraph_server
