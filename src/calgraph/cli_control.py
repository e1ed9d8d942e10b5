"""The control plane from the command line: `calgraph reset`, `snapshot`, `clock` and `faults` talk to a
running server over HTTP (/_calgraph/…).

The server is --url (default $CALGRAPH_URL, else http://127.0.0.1:8765). The admin token is minted from
--db when it is given, else taken from $CALGRAPH_ADMIN_TOKEN, else minted from the default database
($CALGRAPH_DB, else sqlite:///calgraph.db).
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.parse
from typing import Annotated, Any, NoReturn, Optional

import typer

from calgraph import control_client

DEFAULT_URL = "http://127.0.0.1:8765"

Url = Annotated[Optional[str], typer.Option(
    "--url", metavar="URL", show_default=False,
    help=f"The running server (default: $CALGRAPH_URL, else {DEFAULT_URL}).")]
Db = Annotated[Optional[str], typer.Option(
    "--db", metavar="URL", show_default=False,
    help="Mint the admin token from this database (default: $CALGRAPH_ADMIN_TOKEN, else $CALGRAPH_DB's).")]

snapshot_app = typer.Typer(help="Save, restore, delete and list snapshots of a running server's tenant.",
                           no_args_is_help=True)
clock_app = typer.Typer(help="Set or advance a running server's tenant clock.", no_args_is_help=True)
faults_app = typer.Typer(help="Add, list and clear a running server's fault rules.", no_args_is_help=True)


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


def _token(db: str | None) -> str:
    if db is None and os.environ.get("CALGRAPH_ADMIN_TOKEN"):
        return os.environ["CALGRAPH_ADMIN_TOKEN"].strip()
    from calgraph.cli import _store
    from calgraph.services.admin_tokens import AdminTokens

    with _store(db) as store:
        return AdminTokens(store).issue()


def call(method: str, path: str, url: str | None, db: str | None, body: dict[str, Any] | None = None) -> Any:
    """One control-plane request; its JSON answer (None for 204), or one line on stderr and exit 1."""
    base = (url or os.environ.get("CALGRAPH_URL") or DEFAULT_URL).rstrip("/")
    if base.endswith("/v1.0"):
        base = base[: -len("/v1.0")]
    try:
        return control_client.call(base, _token(db), method, path, body)
    except control_client.ControlRefused as error:
        _fail(f"{error.status}: {error.message or error.reason}")
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        _fail(f"no calgraph server answers at {base} ({reason}); start one with `calgraph serve` or give --url.")


def _print(value: Any) -> None:
    typer.echo(json.dumps(value, indent=2))


def reset(
    to: Annotated[str, typer.Option("--to", metavar="seed|empty",
                                    help="Back to the last seed's state, or an empty tenant.")] = "seed",
    url: Url = None, db: Db = None,
) -> None:
    """Reset a running server's tenant (keys, CA and app registrations stay)."""
    if to not in ("seed", "empty"):
        _fail("--to takes 'seed' or 'empty'.")
    call("POST", "/reset", url, db, {"to": to})


@snapshot_app.command("save")
def snapshot_save(name: Annotated[str, typer.Argument(metavar="NAME")], url: Url = None, db: Db = None) -> None:
    """Save the tenant as NAME (replacing a snapshot of that name)."""
    call("POST", "/snapshots", url, db, {"name": name})


@snapshot_app.command("restore")
def snapshot_restore(name: Annotated[str, typer.Argument(metavar="NAME")], url: Url = None, db: Db = None) -> None:
    """Put the tenant back as it was when NAME was saved."""
    call("POST", f"/snapshots/{urllib.parse.quote(name, safe='')}/restore", url, db)


@snapshot_app.command("delete")
def snapshot_delete(name: Annotated[str, typer.Argument(metavar="NAME")], url: Url = None, db: Db = None) -> None:
    """Delete the snapshot NAME."""
    call("DELETE", f"/snapshots/{urllib.parse.quote(name, safe='')}", url, db)


@snapshot_app.command("list")
def snapshot_list(url: Url = None, db: Db = None) -> None:
    """List snapshots: name and when it was saved."""
    for item in call("GET", "/snapshots", url, db)["value"]:
        typer.echo(f"{item['name']}\t{item['createdDateTime']}")


@clock_app.command("set")
def clock_set(
    instant: Annotated[Optional[str], typer.Argument(metavar="[ISO-INSTANT]", help="Freeze at this instant.")] = None,
    offset: Annotated[Optional[float], typer.Option("--offset", metavar="SECONDS",
                                                    help="Real time shifted by SECONDS.")] = None,
    real: Annotated[bool, typer.Option("--real", help="Back to real time.")] = False,
    url: Url = None, db: Db = None,
) -> None:
    """Freeze the clock at ISO-INSTANT, shift it with --offset, or go back to --real time; prints it."""
    given = [x for x in (instant is not None, offset is not None, real) if x]
    if len(given) != 1:
        _fail("give one of ISO-INSTANT, --offset SECONDS or --real.")
    body: dict[str, Any] = {"frozenAt": instant} if instant is not None else \
        {"offsetSeconds": offset} if offset is not None else {"mode": "real"}
    _print(call("PUT", "/clock", url, db, body))


@clock_app.command("advance")
def clock_advance(seconds: Annotated[float, typer.Argument(metavar="SECONDS")], url: Url = None,
                  db: Db = None) -> None:
    """Move the clock forward by SECONDS (negative: back); prints it."""
    _print(call("POST", "/clock/advance", url, db, {"seconds": seconds}))


@clock_app.command("show")
def clock_show(url: Url = None, db: Db = None) -> None:
    """Print the clock."""
    _print(call("GET", "/clock", url, db))


@faults_app.command("add")
def faults_add(
    path: Annotated[str, typer.Option("--path", metavar="GLOB", help="Path after the version, e.g. /me/events/*.")],
    status: Annotated[int, typer.Option("--status", metavar="N", help="HTTP status to answer.")],
    method: Annotated[Optional[str], typer.Option("--method", metavar="M")] = None,
    code: Annotated[Optional[str], typer.Option("--code", metavar="C", help="Graph error code.")] = None,
    message: Annotated[Optional[str], typer.Option("--message", metavar="M")] = None,
    retry_after: Annotated[Optional[int], typer.Option("--retry-after", metavar="S")] = None,
    times: Annotated[Optional[int], typer.Option("--times", metavar="N", help="Answer N matches, then none.")] = None,
    probability: Annotated[Optional[float], typer.Option("--probability", metavar="P")] = None,
    latency_ms: Annotated[Optional[int], typer.Option("--latency-ms", metavar="N")] = None,
    mailbox: Annotated[Optional[str], typer.Option("--mailbox", metavar="EMAIL")] = None,
    app_id: Annotated[Optional[str], typer.Option("--app", metavar="CLIENT-ID")] = None,
    action: Annotated[Optional[str], typer.Option("--action", metavar="ACTION",
                                                  help="An event action: accept, decline, cancel, ...")] = None,
    url: Url = None, db: Db = None,
) -> None:
    """Add a fault rule; prints its id."""
    body = {"path": path, "status": status, "method": method, "code": code, "message": message,
            "retryAfter": retry_after, "times": times, "probability": probability, "latencyMs": latency_ms,
            "mailbox": mailbox, "app": app_id, "action": action}
    typer.echo(call("POST", "/faults", url, db, {k: v for k, v in body.items() if v is not None})["id"])


@faults_app.command("list")
def faults_list(url: Url = None, db: Db = None) -> None:
    """Print the fault rules as JSON."""
    _print(call("GET", "/faults", url, db)["value"])


@faults_app.command("clear")
def faults_clear(url: Url = None, db: Db = None) -> None:
    """Delete every fault rule."""
    call("DELETE", "/faults", url, db)


def register(app: typer.Typer) -> None:
    app.command("reset")(reset)
    app.add_typer(snapshot_app, name="snapshot")
    app.add_typer(clock_app, name="clock")
    app.add_typer(faults_app, name="faults")
