"""`calgraph` commands for sign-in: the tenant id, the local CA, app registrations, passwords,
device-code approval, signing-key rotation, and the environment lines for the proxy."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Optional

import typer

from calgraph.cli import Db, _fail, _store, _table, app, users_app

apps_app = typer.Typer(help="Register, list and remove app registrations (client ids and secrets).",
                       no_args_is_help=True)
device_app = typer.Typer(help="Answer device-code sign-ins.", no_args_is_help=True)
keys_app = typer.Typer(help="Token signing keys.", no_args_is_help=True)
app.add_typer(apps_app, name="apps")
app.add_typer(device_app, name="device")
app.add_typer(keys_app, name="keys")


@app.command()
def tenant(db: Db = None) -> None:
    """Print the tenant id (the `tid` of every token; use it as the tenant of your credentials)."""
    from calgraph.services.tokens import TokenService

    with _store(db) as store:
        typer.echo(TokenService(store).tenant_id)


@app.command()
def ca(db: Db = None) -> None:
    """Print the local CA's certificate (PEM) so clients can trust calgraph's TLS certificates."""
    from calgraph.services.pki import ca_certificate_pem

    with _store(db) as store:
        typer.echo(ca_certificate_pem(store), nl=False)


@apps_app.command("add")
def apps_add(
    name: Annotated[str, typer.Argument(metavar="NAME", help="A display name for the app.")],
    role: Annotated[Optional[list[str]], typer.Option(
        "--role", metavar="ROLE", help="Application permission (repeatable), e.g. Calendars.ReadWrite.")] = None,
    scope: Annotated[Optional[list[str]], typer.Option(
        "--scope", metavar="SCOPE", help="Delegated permission the app may get (repeatable; default: all).")] = None,
    redirect_uri: Annotated[Optional[list[str]], typer.Option(
        "--redirect-uri", metavar="URI", help="Redirect URI for browser sign-in (repeatable).")] = None,
    cert: Annotated[Optional[Path], typer.Option(
        "--cert", metavar="FILE", help="PEM certificate the app signs in with (instead of a secret).")] = None,
    public: Annotated[bool, typer.Option("--public", help="A public client: no secret (device code, "
                                                           "password, browser sign-in).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print clientId, clientSecret, tenantId as JSON.")] = False,
    db: Db = None,
) -> None:
    """Register an app: prints its client id, then its client secret (shown once; stored hashed)."""
    from calgraph.services import apps
    from calgraph.services.tokens import TokenService

    pem = None
    if cert is not None:
        try:
            pem = cert.read_bytes()
        except OSError as e:
            _fail(f"cannot read {cert}: {e.strerror or e}")
    with _store(db) as store:
        tenant_id = TokenService(store).tenant_id
        with store.unit_of_work(write=True) as uow:
            created = apps.register(uow, name, roles=role or [], scopes=scope or [],
                                    redirect_uris=redirect_uri or [], public=public, certificate_pem=pem)
    if as_json:
        typer.echo(json.dumps({"clientId": created.app.client_id, "clientSecret": created.secret,
                               "tenantId": tenant_id}))
        return
    typer.echo(created.app.client_id)
    if created.secret:
        typer.echo(created.secret)


@apps_app.command("list")
def apps_list(db: Db = None) -> None:
    """List app registrations: client id, name, credential, roles, redirect URIs."""
    with _store(db) as store, store.unit_of_work() as uow:
        rows = [[a.client_id, a.name, a.credential, " ".join(a.roles), " ".join(a.redirect_uris)]
                for a in uow.list_apps()]
    _table("Apps", ["client id", "name", "credential", "roles", "redirect URIs"], rows)


@apps_app.command("remove")
def apps_remove(client_id: Annotated[str, typer.Argument(metavar="CLIENT_ID")], db: Db = None) -> None:
    """Remove an app registration (its tokens stop being renewable; issued access tokens expire)."""
    from calgraph.services import apps

    with _store(db) as store, store.unit_of_work(write=True) as uow:
        apps.remove(uow, client_id)
    typer.echo(f"removed {client_id}", err=True)


@users_app.command("passwd")
def users_passwd(
    email: Annotated[str, typer.Argument(metavar="EMAIL")],
    password: Annotated[str, typer.Argument(metavar="PASSWORD")],
    db: Db = None,
) -> None:
    """Set a user's password (for the password grant and the sign-in pages)."""
    from calgraph.services.passwords import set_password

    with _store(db) as store, store.unit_of_work(write=True) as uow:
        set_password(uow, email, password)
    typer.echo(f"password set for {email}", err=True)


@device_app.command("approve")
def device_approve(
    user_code: Annotated[str, typer.Argument(metavar="USER_CODE", help="The code the app shows.")],
    user: Annotated[str, typer.Option("--user", metavar="EMAIL", help="Who signs in.")],
    decline: Annotated[bool, typer.Option("--decline", help="Decline instead of approving.")] = False,
    db: Db = None,
) -> None:
    """Approve (or --decline) a pending device-code sign-in for a user."""
    from calgraph.services.signin import SignIn
    from calgraph.services.tokens import TokenService

    with _store(db) as store:
        SignIn(store, TokenService(store)).answer_device_code(user_code, user, approve=not decline)
    typer.echo(f"{'declined' if decline else 'approved'} {user_code} for {user}", err=True)


@keys_app.command("rotate")
def keys_rotate(db: Db = None) -> None:
    """Add a new token signing key; tokens signed with the previous one stay valid until they expire."""
    from calgraph.services.signing_keys import KeyRing

    with _store(db) as store:
        typer.echo(KeyRing(store).rotate())


def _trusted_bundle() -> str:
    """The usual public roots (certifi's, else the system's), so tunnelled hosts still verify."""
    try:
        import certifi

        return Path(certifi.where()).read_text()
    except (ImportError, OSError):
        for path in ("/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt"):
            if Path(path).is_file():
                return Path(path).read_text()
    return ""


@app.command()
def env(
    proxy_port: Annotated[int, typer.Option("--proxy-port", metavar="P", help="The port of `serve --proxy-port`.")],
    proxy_host: Annotated[str, typer.Option("--proxy-host", metavar="HOST", help="Where the proxy listens.")] = "127.0.0.1",
    ca_file: Annotated[Path, typer.Option("--ca-file", metavar="PATH", help="Where to write the CA bundle.")] = Path(
        "calgraph-ca.pem"),
    db: Db = None,
) -> None:
    """Write the CA bundle (calgraph's CA plus the usual public roots) and print `export` lines that send
    an unchanged app through the proxy: eval "$(calgraph env --proxy-port 8888)"."""
    import shlex

    from calgraph.services.pki import ca_certificate_pem

    if not 0 < proxy_port < 65536:
        _fail("--proxy-port must be between 1 and 65535.")
    with _store(db) as store:
        pem = ca_certificate_pem(store)
    try:
        ca_file.write_text(pem + _trusted_bundle())
    except OSError as e:
        _fail(f"cannot write {ca_file}: {e.strerror or e}")
    bundle = str(ca_file.resolve())
    shown = f"[{proxy_host}]" if ":" in proxy_host else proxy_host
    proxy = f"http://{shown}:{proxy_port}"
    lines = {
        "HTTPS_PROXY": proxy, "https_proxy": proxy,
        "NO_PROXY": "localhost,127.0.0.1,::1", "no_proxy": "localhost,127.0.0.1,::1",
        "SSL_CERT_FILE": bundle, "REQUESTS_CA_BUNDLE": bundle, "NODE_EXTRA_CA_CERTS": bundle,
    }
    for name, value in lines.items():
        typer.echo(f"export {name}={shlex.quote(value)}")
