"""The `calgraph` command line against a fresh SQLite file per test."""

from __future__ import annotations

import os
import subprocess
import sys
import types
from pathlib import Path

import jwt
import pytest
from typer.testing import CliRunner

from calgraph.cli import app
from calgraph.core.ids import is_guid
from calgraph.services.tokens import DEFAULT_APP_ROLES, DEFAULT_SCOPES

runner = CliRunner()


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'calgraph.db'}"


def run(*args: str, ok: bool = True):
    result = runner.invoke(app, list(args))
    if ok:
        assert result.exit_code == 0, (result.stdout, result.stderr, result.exception)
    else:
        assert result.exit_code != 0, result.stdout
        assert result.stdout == ""
        assert result.stderr.strip()
    return result


def claims(token: str) -> dict:
    return jwt.decode(token, options={"verify_signature": False})


def test_users_add_prints_only_the_id(db: str) -> None:
    out = run("users", "add", "alice@contoso.com", "--name", "Alice Liddell", "--db", db).stdout
    assert out.endswith("\n") and out.count("\n") == 1 and is_guid(out.strip())
    listing = run("users", "list", "--db", db).stdout
    assert out.strip() in listing and "alice@contoso.com" in listing and "Alice Liddell" in listing


def test_users_add_default_name_and_list_order(db: str) -> None:
    ids = [run("users", "add", a, "--db", db).stdout.strip() for a in ("bob@x.com", "carol@x.com")]
    listing = run("users", "list", "--db", db).stdout
    assert listing.index(ids[0]) < listing.index(ids[1]) and "carol" in listing


def test_users_add_errors(db: str) -> None:
    run("users", "add", "alice@contoso.com", "--db", db)
    err = run("users", "add", "ALICE@contoso.com", "--db", db, ok=False).stderr
    assert "already exists" in err
    assert "not a valid email" in run("users", "add", "not-an-address", "--db", db, ok=False).stderr


def test_list_on_empty_database(db: str) -> None:
    assert "alice" not in run("users", "list", "--db", db).stdout
    run("groups", "list", "--db", db)


def test_groups_add(db: str) -> None:
    alice = run("users", "add", "alice@contoso.com", "--db", db).stdout.strip()
    out = run("groups", "add", "team@contoso.com", "--name", "Team", "--member", "alice@contoso.com",
              "--member", "bob@contoso.com", "--db", db, ok=False)
    assert "bob@contoso.com" in out.stderr
    run("users", "add", "bob@contoso.com", "--db", db)
    out = run("groups", "add", "team@contoso.com", "--name", "Team", "--member", "alice@contoso.com",
              "--member", "bob@contoso.com", "--db", db).stdout
    assert out.count("\n") == 1 and is_guid(out.strip()) and out.strip() != alice
    listing = run("groups", "list", "--db", db).stdout
    assert "team@contoso.com" in listing and "alice@contoso.com" in listing
    assert "already exists" in run("groups", "add", "team@contoso.com", "--name", "T", "--db", db, ok=False).stderr
    assert "team@contoso.com" not in run("users", "list", "--db", db).stdout


def test_groups_add_without_members_on_empty_database(db: str) -> None:
    assert is_guid(run("groups", "add", "team@contoso.com", "--name", "Team", "--db", db).stdout.strip())


def test_groups_add_requires_name(db: str) -> None:
    result = runner.invoke(app, ["groups", "add", "team@contoso.com", "--db", db])
    assert result.exit_code != 0 and result.stdout == ""


def test_delegated_token(db: str) -> None:
    alice = run("users", "add", "alice@contoso.com", "--name", "Alice", "--db", db).stdout.strip()
    out = run("token", "alice@contoso.com", "--db", db).stdout
    assert out.count("\n") == 1
    c = claims(out.strip())
    assert c["oid"] == alice and c["upn"] == "alice@contoso.com" and c["idtyp"] == "user"
    assert c["scp"] == " ".join(DEFAULT_SCOPES) and c["exp"] - c["iat"] == 86400
    c = claims(run("token", "ALICE@contoso.com", "--scope", "Calendars.Read", "--scope", "Mail.Read User.Read",
                   "--expires-in", "600", "--db", db).stdout.strip())
    assert c["scp"] == "Calendars.Read Mail.Read User.Read" and c["exp"] - c["iat"] == 600


def test_app_token(db: str) -> None:
    c = claims(run("token", "--app", "--db", db).stdout.strip())
    assert c["idtyp"] == "app" and c["roles"] == list(DEFAULT_APP_ROLES) and "oid" not in c
    c = claims(run("token", "--app", "--role", "Calendars.Read", "--db", db).stdout.strip())
    assert c["roles"] == ["Calendars.Read"]


def test_tokens_verify_against_the_same_database(db: str) -> None:
    from calgraph.services.tokens import TokenService
    from calgraph.cli import _open_store

    run("users", "add", "alice@contoso.com", "--db", db)
    token = run("token", "alice@contoso.com", "--db", db).stdout.strip()
    app_token = run("token", "--app", "--db", db).stdout.strip()
    store = _open_store(db)
    try:
        tokens = TokenService(store)
        assert tokens.verify(token).user_id == claims(token)["oid"]
        assert tokens.verify(app_token).is_app
    finally:
        store.dispose()


@pytest.mark.parametrize("args,message", [
    (["token", "nobody@contoso.com"], "not a known user"),
    (["token"], "EMAIL"),
    (["token", "--app", "alice@contoso.com"], "--app"),
    (["token", "--app", "--scope", "Calendars.Read"], "--scope"),
    (["token", "alice@contoso.com", "--role", "Calendars.Read"], "--role"),
    (["token", "alice@contoso.com", "--expires-in", "0"], "--expires-in"),
])
def test_token_errors(db: str, args: list[str], message: str) -> None:
    run("users", "add", "alice@contoso.com", "--db", db)
    assert message in run(*args, "--db", db, ok=False).stderr


def test_token_for_a_group_is_refused(db: str) -> None:
    run("groups", "add", "team@contoso.com", "--name", "Team", "--db", db)
    assert "group" in run("token", "team@contoso.com", "--db", db, ok=False).stderr


def test_token_first_on_empty_database(db: str) -> None:
    assert claims(run("token", "--app", "--db", db).stdout.strip())["idtyp"] == "app"


def test_default_db_from_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALGRAPH_DB", f"sqlite:///{tmp_path / 'env.db'}")
    user_id = run("users", "add", "alice@contoso.com").stdout.strip()
    assert user_id in run("users", "list").stdout
    assert (tmp_path / "env.db").exists()


def test_bad_database_url() -> None:
    assert "database" in run("users", "list", "--db", "nosuchdb://x", ok=False).stderr


# -- serve ----------------------------------------------------------------------------------------

@pytest.fixture
def fake_server(monkeypatch: pytest.MonkeyPatch) -> dict:
    """Stand-ins for calgraph.app / calgraph.services.demo, the listening socket and uvicorn's Server.run."""
    seen: dict = {}

    def create_app(settings, store):
        seen["settings"], seen["store"] = settings, store
        with store.unit_of_work() as uow:  # the store handed over is migrated and open
            seen["users_at_start"] = [u.address for u in uow.list_mailboxes("user", _query()).items]
            seen["synchronous"] = uow.conn.exec_driver_sql("PRAGMA synchronous").scalar()
        return "the-app"

    def seed_demo(store):
        from calgraph.core.ids import Ids, utc_now
        from calgraph.services import directory

        seen["seeded"] = seen.get("seeded", 0) + 1
        with store.unit_of_work(write=True) as uow:
            if uow.get_mailbox("demo@calgraph.local") is None:
                directory.add_user(uow, Ids(), utc_now, "demo@calgraph.local", "Demo")
        return "demo@calgraph.local"

    listener = types.SimpleNamespace(close=lambda: None)

    def listen(host, port):
        seen["listen"] = (host, port)
        return listener

    def server_run(self, sockets):
        seen["run"] = (self.config.app, *seen["listen"])
        assert sockets == [listener]

    monkeypatch.setitem(sys.modules, "calgraph.app", types.SimpleNamespace(create_app=create_app))
    monkeypatch.setitem(sys.modules, "calgraph.services.demo", types.SimpleNamespace(seed_demo=seed_demo))
    monkeypatch.setattr("calgraph.cli_serve._listen", listen)
    monkeypatch.setattr("uvicorn.Server.run", server_run)
    return seen


def _query():
    from calgraph.core.query import ItemQuery

    return ItemQuery()


def test_serve_wires_settings_store_and_uvicorn(db: str, fake_server: dict) -> None:
    out = run("serve", "--host", "0.0.0.0", "--port", "9001", "--db", db).stdout
    settings = fake_server["settings"]
    assert (settings.db_url, settings.host, settings.port) == (db, "0.0.0.0", 9001)
    assert fake_server["run"] == ("the-app", "0.0.0.0", 9001)
    assert fake_server["users_at_start"] == [] and "seeded" not in fake_server
    assert "http://127.0.0.1:9001/v1.0" in out and "calgraph users add" in out and "calgraph token" in out


def test_serve_is_durable_by_default(db: str, fake_server: dict) -> None:
    run("serve", "--db", db)
    assert fake_server["synchronous"] == 2   # FULL
    run("serve", "--db", db, "--durability", "normal")
    assert fake_server["synchronous"] == 1


def test_serve_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, fake_server: dict) -> None:
    monkeypatch.setenv("CALGRAPH_DB", f"sqlite:///{tmp_path / 'env.db'}")
    out = run("serve").stdout
    assert fake_server["run"] == ("the-app", "127.0.0.1", 8765)
    assert "http://127.0.0.1:8765/v1.0" in out


def test_serve_demo_prints_a_working_token(db: str, fake_server: dict) -> None:
    out = run("serve", "--demo", "--db", db).stdout
    run("serve", "--demo", "--db", db)  # seeding twice is fine
    assert fake_server["seeded"] == 2 and fake_server["users_at_start"] == ["demo@calgraph.local"]
    token = next(line for line in out.splitlines() if line.count(".") == 2 and " " not in line.strip())
    assert claims(token)["upn"] == "demo@calgraph.local"
    assert f'curl -H "Authorization: Bearer {token}" http://127.0.0.1:8765/v1.0/me/events' in out


def test_python_dash_m(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2] / "src")}
    url = f"sqlite:///{tmp_path / 'm.db'}"
    result = subprocess.run([sys.executable, "-m", "calgraph", "users", "add", "m@x.com", "--db", url],
                            capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    assert is_guid(result.stdout.strip())


# -- errors a newcomer meets: one line on stderr, exit 1, no traceback, no password -----------------

def one_line_error(*args: str) -> str:
    result = runner.invoke(app, list(args))
    assert result.exit_code == 1, (result.stdout, result.stderr, result.exception)
    assert result.stdout == "" and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    return lines[0]


@pytest.mark.parametrize("port", ["99999", "0", "-1"])
def test_serve_port_out_of_range(port: str, db: str) -> None:
    assert f"--port {port} is not a port number (1-65535)" in one_line_error("serve", "--port", port, "--db", db)


def test_serve_port_in_use(db: str) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = str(taken.getsockname()[1])
        line = one_line_error("serve", "--port", port, "--db", db)
    assert f"port {port} on 127.0.0.1 is already in use" in line and "--port" in line


def test_serve_unknown_host(db: str) -> None:
    assert "'no-such-host.invalid' is not an address" in one_line_error(
        "serve", "--host", "no-such-host.invalid", "--db", db)


@pytest.mark.parametrize("command", [["users", "list"], ["serve", "--port", "8"], ["token", "a@b.com"]])
def test_database_url_forms(command: list[str], tmp_path: Path) -> None:
    line = one_line_error(*command, "--db", "tenant.db")
    assert "'tenant.db' is not a database URL" in line and "sqlite:///" in line and "postgresql://" in line
    line = one_line_error(*command, "--db", f"sqlite:///{tmp_path}/no/such/dir/t.db")
    assert "does not exist" in line and "sqlalche.me" not in line


def test_passwords_never_shown() -> None:
    line = one_line_error("users", "list", "--db", "postgresql://nobody:s3cret-pw@127.0.0.1:1/calgraph")
    assert "postgresql://nobody:***@127.0.0.1:1/calgraph" in line and "s3cret-pw" not in line
    assert "sqlalche.me" not in line


def test_masked() -> None:
    from calgraph.settings import masked

    assert masked("postgresql+psycopg://u:p%40ss@h:5/d and sqlite:///x.db") == \
        "postgresql+psycopg://u:***@h:5/d and sqlite:///x.db"
    assert masked("postgresql://u@h/d") == "postgresql://u@h/d"


def test_serve_demo_uses_its_own_database(tmp_path: Path) -> None:
    """`serve --demo` without --db seeds calgraph-demo.db, never the default calgraph.db."""
    port = str(_free_port())
    env = {k: v for k, v in os.environ.items() if k != "CALGRAPH_DB"}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[2] / "src")
    proc = subprocess.Popen([sys.executable, "-m", "calgraph", "serve", "--demo", "--port", port],
                            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        first = proc.stdout.readline()
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    assert "(database sqlite:///calgraph-demo.db)" in first, first
    assert (tmp_path / "calgraph-demo.db").exists() and not (tmp_path / "calgraph.db").exists()


def test_flags_shown_as_flags() -> None:
    help_text = runner.invoke(app, ["serve", "--help"], terminal_width=200).stdout
    assert "--demo" in help_text and "<bool>" not in help_text


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
