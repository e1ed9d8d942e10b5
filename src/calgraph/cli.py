"""The `calgraph` command line: run the server, provision users and groups, mint bearer tokens.

Every command opens the database named by --db (default $CALGRAPH_DB, else sqlite:///calgraph.db) and
migrates it first, so commands work in any order on an empty database. Commands that create something
print only its id (or the token) on stdout, for scripts to capture; messages go to stderr.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, NoReturn, Optional

import typer
from typer.core import TyperOption

from calgraph.core.errors import GraphError
from calgraph.settings import BadDatabaseUrl, check_db_url, default_db_url, masked
from calgraph.services.tokens import DEFAULT_APP_ROLES, DEFAULT_EXPIRES_IN, DEFAULT_SCOPES, TokenService

if TYPE_CHECKING:
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


# -- the server process (calgraph serve in cli_serve.py; bench/baseline_app.py tunes itself alike) --

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


# -- serve: cli_serve.py, registered here so that it heads the commands in --help -------------------

import calgraph.cli_serve  # noqa: E402,F401


# -- seed -----------------------------------------------------------------------------------------

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
