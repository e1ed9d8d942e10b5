"""`calgraph serve`: bind the port(s), open, migrate and seed the database, print where to start, then
run one server process or several (--workers) with TLS and the intercepting proxy when asked.

Registered on the command line of calgraph.cli when that module is imported.
"""

from __future__ import annotations

import errno
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Optional

import typer

from calgraph.cli import KEEP_ALIVE_SECONDS, _fail, _load_seed, _store, app, tune_gc
from calgraph.services.tokens import TokenService
from calgraph.settings import DEMO_DB, Settings, default_db_url, masked

if TYPE_CHECKING:
    import socket

    from calgraph import serving
    from calgraph.store.interface import Store


class Durability(str, Enum):
    full = "full"
    normal = "normal"


# Measured with bench/meetings.py (docs/speed.md): under group commit, syncing every commit costs the
# meeting answers less than the 15% that would have made speed the default.
DEFAULT_DURABILITY = Durability.full


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
