"""End-to-end sign-in fixtures: one `calgraph serve --tls --proxy-port` subprocess for the whole
directory, a tenant provisioned with the CLI (users with passwords, a secret app, a certificate app,
a public app), and the CA file clients trust."""

from __future__ import annotations

import json
import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

from tests.conftest import scratch_postgres_database
from tests.e2e.conftest import REPO, START_TIMEOUT, cli, free_port, subprocess_env
from tests.signin.conftest import make_certificate

PASSWORD = "Corr3ct horse"


class TlsServer:
    """`python -m calgraph serve --tls --proxy-port ...` on 127.0.0.1, output logged to a file."""

    def __init__(self, db_url: str, log_path: Path, ca_file: Path) -> None:
        self.db_url, self.log_path, self.ca_file = db_url, log_path, ca_file
        self.port = self.proxy_port = 0
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def origin(self) -> str:
        return f"https://localhost:{self.port}"

    @property
    def proxy(self) -> str:
        return f"http://127.0.0.1:{self.proxy_port}"

    def start(self) -> "TlsServer":
        for _attempt in range(3):
            self.port, self.proxy_port = free_port(), free_port()
            with open(self.log_path, "ab") as log:
                self.proc = subprocess.Popen(
                    [sys.executable, "-m", "calgraph", "serve", "--port", str(self.port), "--proxy-port",
                     str(self.proxy_port), "--tls-name", "calgraph-e2e", "--device-interval", "1",
                     "--db", self.db_url],
                    stdout=log, stderr=subprocess.STDOUT, env=subprocess_env(), cwd=REPO)
            if self._wait_ready():
                return self
            self.stop()
        raise RuntimeError(f"calgraph serve --tls did not start; log:\n{self.log()}")

    def _wait_ready(self) -> bool:
        context = ssl.create_default_context(cafile=str(self.ca_file))
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            assert self.proc is not None
            if self.proc.poll() is not None:
                return False
            try:
                urllib.request.urlopen(f"{self.origin}/v1.0/me", timeout=2, context=context)
            except urllib.error.HTTPError as e:
                if e.code == 401:
                    return True
            except OSError:
                pass
            time.sleep(0.1)
        return False

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)


@dataclass(frozen=True)
class SignInTenant:
    server: TlsServer
    db_url: str
    tenant_id: str
    ca_file: Path
    alice_id: str
    secret_app: dict[str, str]
    cert_app: str
    cert_file: Path
    public_app: str
    work_dir: Path


@pytest.fixture(scope="session")
def signin_db_url(db_backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if db_backend != "postgres":
        yield f"sqlite:///{tmp_path_factory.mktemp('signin-db') / 'calgraph.db'}"
        return
    with scratch_postgres_database("calgraph_signin") as url:
        yield url


@pytest.fixture(scope="session")
def signin(signin_db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SignInTenant]:
    work = tmp_path_factory.mktemp("signin")
    db = signin_db_url
    ca_file = work / "ca.pem"
    ca_file.write_text(cli(db, "ca"))
    alice = cli(db, "users", "add", "alice@contoso.com", "--name", "Alice Adams", "--password", PASSWORD)
    cli(db, "users", "add", "bob@contoso.com", "--name", "Bob Baker", "--password", PASSWORD)
    secret_app = json.loads(cli(db, "apps", "add", "Scheduler", "--role", "Calendars.ReadWrite", "--json"))
    _, _, pem = make_certificate()
    cert_file = work / "app-cert.pem"
    cert_file.write_bytes(pem)
    cert_app = cli(db, "apps", "add", "Daemon", "--cert", str(cert_file), "--role", "Calendars.Read")
    public_app = cli(db, "apps", "add", "Desktop", "--public")
    server = TlsServer(db, work / "server.log", ca_file).start()
    try:
        yield SignInTenant(server, db, secret_app["tenantId"], ca_file, alice, secret_app, cert_app, cert_file,
                           public_app, work)
    finally:
        server.stop()


@pytest.fixture(autouse=True)
def no_server_error(signin: SignInTenant) -> Iterator[None]:
    before = len(signin.server.log())
    yield
    new = signin.server.log()[before:]
    assert signin.server.proc is not None and signin.server.proc.poll() is None, f"the server exited:\n{new}"
    assert "Traceback" not in new, f"the server logged an error:\n{new}"
