"""The `calgraph` command line: run the server, provision users and groups, mint bearer tokens.

Every command opens the database named by --db (default $CALGRAPH_DB, else sqlite:///calgraph.db) and
migrates it first, so commands work in any order on an empty database. Commands that create something
print only its id (or the token) on stdout, for scripts to capture; messages go to stderr.
"""

from __future__ import annotations

import errno
from collections.abc import Iterator
from contextlib import contextmanager
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, Optional

import typer
from typer.core import TyperOption

from calgraph.core.errors import GraphError
from calgraph.settings import DEMO_DB, BadDatabaseUrl, Settings, check_db_url, default_db_url, masked
from calgraph.services.tokens import DEFAULT_APP_ROLES, DEFAULT_EXPIRES_IN, DEFAULT_SCOPES, TokenService

if TYPE_CHECKING:
    import socket

    from calgraph import serving
    from calgraph.store.interface import Store

def _flags_without_a_type(self: TyperOption, ctx: object) -> str | None:
    """Typer 0.29's help shows a flag as `--demo <bool>`; a flag takes no value, so it shows none."""
    return None if self.is_flag else _typer_option_type(self, ctx)


_typer_option_type = TyperOption.display_type_rich
TyperOption.display_type_rich = _flags_without_a_type  # type: ignore[method-assign]

app = typer.Typer(
    help="calgraph: a self-hosted calendar server speaking the Microsoft Graph calendar API.",
    no_args_is_help=True, add_completion=False,
)
users_app = typer.Typer(help="Create and list users.", no_args_is_help=True)
groups_app = typer.Typer(help="Create and list Microsoft 365 groups.", no_args_is_help=True)
rooms_app = typer.Typer(help="Create and list rooms (resource mailboxes that book themselves).", no_args_is_help=True)
app.add_typer(users_app, name="users")
app.add_typer(groups_app, name="groups")
app.add_typer(rooms_app, name="rooms")

Db = Annotated[Optional[str], typer.Option(
    "--db", metavar="URL", show_default=False,
    help="sqlite:///path or postgresql://user:password@host:port/db (default: $CALGRAPH_DB, else sqlite:///calgraph.db).",
)]


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


def _open_store(url: str, serving: bool = False, durability: str = "normal") -> "Store":
    from calgraph.store import open_store

    return open_store(url, serving=serving, durability=durability)


def _reason(error: Exception) -> str:
    """One line, no password, no link to SQLAlchemy's docs: the driver's own words where there are some."""
    cause = getattr(error, "orig", None) or error
    lines = [line.strip() for line in str(cause).splitlines() if line.strip()]
    return masked("; ".join(lines) or type(cause).__name__)


@contextmanager
def _store(db: str | None, serving: bool = False, durability: str = "normal") -> Iterator["Store"]:
    """The migrated store for --db; GraphErrors raised inside become a message and exit 1."""
    url = db or default_db_url()
    try:
        check_db_url(url)
    except BadDatabaseUrl as e:
        _fail(f"cannot open the database: {e}")
    try:
        store = _open_store(url, serving, durability)
        store.migrate()
    except Exception as e:  # an unreachable server, a wrong password, not a database file, ...
        _fail(f"cannot open the database {masked(url)}: {_reason(e)}")
    try:
        yield store
    except GraphError as e:
        _fail(e.message)
    finally:
        store.dispose()


# -- serve ----------------------------------------------------------------------------------------

class Durability(str, Enum):
    full = "full"
    normal = "normal"


# Measured with bench/meetings.py (docs/speed.md): under group commit, syncing every commit costs the
# meeting answers less than the 15% that would have made speed the default.
DEFAULT_DURABILITY = Durability.full

# Idle keep-alive connections are closed after this long: longer than clients keep theirs (httpx: 5 s,
# uvicorn's own default), so a client never sends a request on a connection the server is closing.
KEEP_ALIVE_SECONDS = 75

# The cyclic garbage collector in a server: what exists once the app is built (modules, routes, schemas)
# is frozen out of every collection, and the youngest generation is collected after 20,000 new objects
# rather than 700, so that objects alive across one request are not promoted and traversed again and
# again. Measured on meeting answers: GC time from ~5% of the server's CPU to ~1%.
GC_THRESHOLDS = (20_000, 50, 100)


def tune_gc() -> None:
    """Call once the app is built, just before serving (bench/baseline_app.py does the same)."""
    import gc

    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on (1-65535).")] = 8765,
    db: Annotated[Optional[str], typer.Option(
        "--db", metavar="URL", show_default=False,
        help="sqlite:///path or postgresql://user:password@host:port/db (default: $CALGRAPH_DB, else "
             "sqlite:///calgraph.db; with --demo: sqlite:///calgraph-demo.db).",
    )] = None,
    demo: Annotated[bool, typer.Option(
        "--demo", help="Seed demo users, groups and events (idempotent) into calgraph-demo.db unless --db.",
    )] = False,
    workers: Annotated[int, typer.Option(
        help="Server processes sharing the port, each with its own database connections.")] = 1,
    durability: Annotated[Durability, typer.Option(
        help="SQLite: full syncs every commit to disk (nothing committed is lost on power loss); normal "
             "syncs at checkpoints (faster; a crash of calgraph itself still loses nothing).",
    )] = DEFAULT_DURABILITY,
    tls: Annotated[bool, typer.Option("--tls", help="Serve https (certificate from calgraph's CA unless --cert).")] = False,
    cert: Annotated[Optional[Path], typer.Option("--cert", metavar="FILE", help="Your own PEM certificate (with --tls).")] = None,
    key: Annotated[Optional[Path], typer.Option("--key", metavar="FILE", help="Its PEM private key.")] = None,
    tls_name: Annotated[Optional[list[str]], typer.Option(
        "--tls-name", metavar="NAME", help="Another name for the certificate, e.g. a compose service (repeatable).")] = None,
    proxy_port: Annotated[Optional[int], typer.Option(
        "--proxy-port", metavar="P", help="Also run the intercepting CONNECT proxy on this port (implies --tls).")] = None,
    intercept: Annotated[Optional[list[str]], typer.Option(
        "--intercept", metavar="HOST", help="Another host the proxy answers from calgraph (repeatable).")] = None,
    proxy_only: Annotated[bool, typer.Option("--proxy-only", help="The proxy refuses other hosts (403).")] = False,
    device_interval: Annotated[int, typer.Option(
        "--device-interval", metavar="SECONDS", help="Polling interval told to device-code clients.")] = 5,
    control: Annotated[Optional[bool], typer.Option(
        "--control/--no-control", show_default=False,
        help="Serve the control plane /_calgraph (default: only when --host is a loopback address).")] = None,
    seed_file: Annotated[Optional[str], typer.Option(
        "--seed", metavar="FILE", help="Load this seed document (JSON or YAML) before serving.")] = None,
    throttle: Annotated[Optional[str], typer.Option(
        "--throttle", metavar="MODEL",
        help="'graph': Graph's limits per app per mailbox (4 concurrent, 10,000 per 10 minutes), 429 with Retry-After.")] = None,
    notify_allow: Annotated[Optional[list[str]], typer.Option(
        "--notify-allow", metavar="HOST", help="Only this host (or *.domain) may receive change notifications; "
                                               "repeatable. Default: any host, loopback and private ones included.")] = None,
    notify_https_only: Annotated[bool, typer.Option(
        "--notify-https-only", help="Refuse http:// notification URLs, as Graph does.")] = False,
) -> None:
    """Run the Graph-compatible server (base URL http://HOST:PORT/v1.0; https with --tls)."""
    from calgraph import serving

    if not 1 <= workers <= 64:
        _fail(f"--workers {workers} must be between 1 and 64.")
    if throttle not in (None, "graph", "off"):
        _fail(f"--throttle takes 'graph' (or 'off'), not {throttle!r}.")
    if proxy_port is not None and (not 1 <= proxy_port <= 65535 or proxy_port == port):
        _fail(f"--proxy-port {proxy_port} must be a port number (1-65535) other than --port.")
    if device_interval < 1:
        _fail("--device-interval must be at least 1 second.")
    tls = tls or proxy_port is not None or cert is not None
    names = serving.certificate_names(tls_name or [], intercept or [])
    settings = Settings(db_url=db or (DEMO_DB if demo else default_db_url()), host=host, port=port,
                        control=control, throttle=None if throttle == "off" else throttle, tls=tls,
                        tls_names=tuple(names), device_interval=device_interval,
                        deliver_notifications=True, notify_allow=tuple(notify_allow) if notify_allow else None,
                        notify_https_only=notify_https_only)
    listener = _listen(host, port)  # before anything is printed: a taken port is one line, not a banner
    proxy = serving.ProxySetup(_listen(host, proxy_port, "--proxy-port"), intercept or [], proxy_only) \
        if proxy_port is not None else None
    try:
        _serve(settings, listener, demo, workers, durability.value, seed_file, (cert, key), proxy)
    finally:
        listener.close()
        if proxy is not None:
            proxy.listener.close()


def _serve(settings: Settings, listener: "socket.socket", demo: bool, workers: int, durability: str,
           seed_file: str | None = None, own_certificate: tuple[Path | None, Path | None] = (None, None),
           proxy: "serving.ProxySetup | None" = None) -> None:
    from calgraph import serving

    host, port = settings.host, settings.port
    tls_files = None
    with _store(settings.db_url, serving=True, durability=durability) as store:
        if settings.tls:
            try:
                tls_files = serving.tls_files(store, list(settings.tls_names), *own_certificate)
            except ValueError as e:
                _fail(str(e))
        token = None
        if demo:
            from calgraph.services.demo import seed_demo

            address = seed_demo(store)
            with store.unit_of_work() as uow:
                user = uow.get_mailbox(address)
            if user is None:
                _fail(f"the demo user {address} was not created")
            token = TokenService(store).issue_delegated(user, [])
        if seed_file:
            seeded = _load_seed(store, seed_file)
            typer.echo(f"Seeded from {seed_file}: {len(seeded['users'])} users, {len(seeded['groups'])} groups")
        shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
        if ":" in shown:
            shown = f"[{shown}]"
        base = f"{'https' if settings.tls else 'http'}://{shown}:{port}/v1.0"
        typer.echo(f"calgraph serving {base}  (database {masked(settings.db_url)})")
        if token:
            typer.echo(f"\nBearer token for {address} (valid 24 h):\n{token}\n")
            typer.echo(f'Try:\n  curl -H "Authorization: Bearer {token}" {base}/me/events\n')
        else:
            typer.echo(
                "\nNo token shown: create a user and a token with\n"
                "  calgraph users add alice@example.com --name 'Alice'\n"
                "  calgraph token alice@example.com\n"
                f'then try:\n  curl -H "Authorization: Bearer $TOKEN" {base}/me/events\n'
                "(or start with --demo for ready-made users and a token)\n"
            )
        if settings.tls:
            mine = ", ".join(settings.tls_names) if own_certificate[0] is None else str(own_certificate[0])
            typer.echo(f"TLS certificate for: {mine}  (trust calgraph's CA: calgraph ca > calgraph-ca.pem)")
        if proxy is not None and own_certificate[0] is not None:
            typer.echo("warning: the proxy answers the intercepted hosts with your --cert: it must name "
                       "graph.microsoft.com and login.microsoftonline.com", err=True)
        if proxy is not None:
            proxy_port = proxy.listener.getsockname()[1]
            typer.echo(f"Intercepting proxy on http://{shown}:{proxy_port}  (an app's shell: "
                       f'eval "$(calgraph env --proxy-port {proxy_port})")')
        if settings.control_enabled:
            from calgraph.services.admin_tokens import AdminTokens

            login = AdminTokens(store).issue_login()
            typer.echo(f"Inspector (one-time link): {'https' if settings.tls else 'http'}://{shown}:{port}/_calgraph/ui?login={login}\n")
        if workers == 1:
            _run_worker(settings, store, listener, tls_files, proxy)
            return
    from calgraph.workers import run_workers

    def worker() -> None:
        with _store(settings.db_url, serving=True, durability=durability) as own:
            _run_worker(settings, own, listener, tls_files, proxy)

    raise typer.Exit(run_workers(worker, workers))


def _run_worker(settings: Settings, store: "Store", listener: "socket.socket", tls_files: "serving.TlsFiles | None",
                proxy: "serving.ProxySetup | None") -> None:
    from calgraph import serving
    from calgraph.app import create_app

    served = create_app(settings, store)
    tune_gc()
    serving.run(served, settings, listener, KEEP_ALIVE_SECONDS, tls_files, proxy)


def _listen(host: str, port: int, option: str = "--port") -> "socket.socket":
    """A listening socket on HOST:PORT, or one line on stderr and exit 1."""
    import socket

    if not 1 <= port <= 65535:
        _fail(f"{option} {port} is not a port number (1-65535).")
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
    except (socket.gaierror, UnicodeError) as e:
        _fail(f"--host {host!r} is not an address of this machine ({getattr(e, 'strerror', None) or e}).")
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
        sock.listen(2048)
    except OSError as e:
        sock.close()
        if e.errno == errno.EADDRINUSE:
            _fail(f"port {port} on {host} is already in use: stop what listens there, or choose another "
                  f"with {option}.")
        _fail(f"cannot listen on {host}:{port}: {e.strerror or e}.")
    sock.set_inheritable(True)
    return sock


# -- seed -----------------------------------------------------------------------------------------

def _load_seed(store: "Store", path: str) -> dict[str, dict[str, str]]:
    """Apply a seed file (JSON or YAML); errors name the file, line and field."""
    from pathlib import Path

    from calgraph.http.control.seed import read_text
    from calgraph.services import seed as seeding
    from calgraph.services.control import Control
    from calgraph.services.runtime import Runtime

    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        _fail(f"cannot read the seed file {path}: {getattr(e, 'strerror', None) or e}")
    try:
        plan = read_text(text)
        control = Control(store)
        control.refresh()
        result = seeding.apply(Runtime(store, clock=control.clock), control, plan, "http://localhost")
    except GraphError as e:
        _fail(f"{path}: {e.message}")
    return {"users": result.users, "groups": result.groups, "rooms": result.rooms, "calendars": result.calendars}


@app.command()
def seed(
    file: Annotated[str, typer.Argument(metavar="FILE", help="A seed document, JSON or YAML.")],
    db: Db = None,
) -> None:
    """Load a tenant (users, groups, events, meetings with answers) from FILE; prints the ids as JSON.
    `calgraph reset` (to seed) returns to the state it produced."""
    import json

    with _store(db) as store:
        typer.echo(json.dumps(_load_seed(store, file), indent=2))


def _table(title: str, columns: list[str], rows: list[list[str]]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if not console.is_terminal:  # piped: don't squeeze ids into 80 columns
        console = Console(width=240)
    table = Table(title=title)
    for column in columns:
        table.add_column(column, no_wrap=column != "members")
    for row in rows:
        table.add_row(*row)
    console.print(table)


# -- tokens ---------------------------------------------------------------------------------------

@app.command()
def token(
    email: Annotated[Optional[str], typer.Argument(metavar="[EMAIL]", help="The user a delegated token is for.")] = None,
    app_only: Annotated[bool, typer.Option("--app", help="Issue an application (app-only) token.")] = False,
    admin: Annotated[bool, typer.Option(
        "--admin", help="Issue an admin token for the control plane (/_calgraph); never valid on Graph routes.")] = False,
    scope: Annotated[Optional[list[str]], typer.Option(
        "--scope", metavar="SCOPE",
        help=f"Delegated scope (repeatable). Default: {' '.join(DEFAULT_SCOPES)}.")] = None,
    role: Annotated[Optional[list[str]], typer.Option(
        "--role", metavar="ROLE",
        help=f"Application role, with --app (repeatable). Default: {' '.join(DEFAULT_APP_ROLES)}.")] = None,
    expires_in: Annotated[int, typer.Option(
        "--expires-in", metavar="SECONDS", help="Lifetime of the token.")] = DEFAULT_EXPIRES_IN,
    db: Db = None,
) -> None:
    """Print a bearer token: delegated for EMAIL (scp), with --app an application token (roles), or with
    --admin a token for the control plane."""
    if admin:
        if app_only or email or scope or role:
            _fail("--admin issues a control-plane token: give no EMAIL, --app, --scope or --role.")
        from calgraph.services.admin_tokens import AdminTokens

        with _store(db) as store:
            typer.echo(AdminTokens(store).issue())
        return
    if app_only and (email or scope):
        _fail("--app issues an application token: give no EMAIL and no --scope (use --role).")
    if not app_only and not email:
        _fail("give the EMAIL of a user, or --app for an application token.")
    if not app_only and role:
        _fail("--role is for application tokens (--app); delegated tokens take --scope.")
    if expires_in <= 0:
        _fail("--expires-in must be a positive number of seconds.")
    with _store(db) as store:
        tokens = TokenService(store)
        if app_only:
            value = tokens.issue_app(role or [], expires_in)
        else:
            assert email is not None
            with store.unit_of_work() as uow:
                user = uow.get_mailbox(email.strip())
            if user is None or user.kind != "user":
                what = "a group, not a user" if user else "not a known user"
                _fail(f"'{email}' is {what} (create it with: calgraph users add {email}).")
            value = tokens.issue_delegated(user, scope or [], expires_in)
    typer.echo(value)


def _register_control() -> None:
    from calgraph import cli_control

    cli_control.register(app)


_register_control()


def main() -> None:
    app(prog_name="calgraph")


import calgraph.cli_directory  # noqa: E402,F401 - registers users, groups and rooms
import calgraph.cli_identity  # noqa: E402,F401 - registers the sign-in commands (ca, tenant, apps, ...)

if __name__ == "__main__":
    main()
