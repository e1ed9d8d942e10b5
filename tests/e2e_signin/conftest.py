"""End-to-end sign-in fixtures: one `calgraph serve --tls --proxy-port` subprocess (tests/e2e's
ServerProcess) for the whole directory, a tenant provisioned with the CLI (users with passwords, a
secret app, a certificate app, a public app), and the CA file clients trust."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

from tests.conftest import scratch_database
from tests.e2e.conftest import ServerProcess, cli
from tests.signin.conftest import make_certificate

PASSWORD = "Corr3ct horse"


# `serve` options of the sign-in servers, besides --tls and --proxy-port (ServerProcess adds those).
SERVE_OPTIONS = ("--tls-name", "calgraph-e2e", "--device-interval", "1")


def tls_server(db_url: str, log_dir: Path, name: str, ca_file: Path) -> ServerProcess:
    """A started `calgraph serve --tls --proxy-port ...` whose certificate comes from `ca_file`'s CA."""
    return ServerProcess(db_url, log_dir, name, SERVE_OPTIONS, ca_file=ca_file, proxy=True).start()


@dataclass(frozen=True)
class SignInTenant:
    server: ServerProcess
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
    with scratch_database(db_backend, tmp_path_factory.mktemp("signin-db"), "calgraph_signin") as url:
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
    server = tls_server(db, work, "server", ca_file)
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
