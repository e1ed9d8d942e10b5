"""Running the server: plain HTTP, or HTTPS with the user's certificate or one issued by calgraph's
local CA, optionally with the intercepting CONNECT proxy beside it in the same event loop."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from calgraph.proxy import ConnectProxy, ProxyConfig
from calgraph.services.pki import INTERCEPTED_HOSTS, issue_server_certificate, server_names
from calgraph.settings import Settings
from calgraph.store.interface import Store


@dataclass(frozen=True)
class TlsFiles:
    certfile: str
    keyfile: str
    directory: tempfile.TemporaryDirectory[str] | None = field(default=None, compare=False)


def tls_files(store: Store, names: list[str], cert: Path | None, key: Path | None) -> TlsFiles:
    """The user's certificate and key, or a fresh certificate for `names` from the local CA, written to
    a private temporary directory (uvicorn reads files) that lives as long as the returned object."""
    if cert is not None or key is not None:
        if cert is None or key is None:
            raise ValueError("--cert and --key go together")
        for path in (cert, key):
            if not path.is_file():
                raise ValueError(f"{path} is not a readable file")
        return TlsFiles(str(cert), str(key))
    issued = issue_server_certificate(store, names)
    directory = tempfile.TemporaryDirectory(prefix="calgraph-tls-")
    os.chmod(directory.name, 0o700)
    certfile, keyfile = Path(directory.name, "server.pem"), Path(directory.name, "server.key")
    certfile.write_text(issued.cert_pem)
    keyfile.touch(0o600)
    keyfile.write_text(issued.key_pem)
    return TlsFiles(str(certfile), str(keyfile), directory)


def certificate_names(tls_names: list[str], intercept: list[str]) -> list[str]:
    return server_names([*tls_names, *intercept])


@dataclass(frozen=True)
class ProxySetup:
    listener: socket.socket            # bound before any worker starts; every worker accepts on it
    intercept: list[str]
    proxy_only: bool = False


def _upstream_host(host: str) -> str:
    if host in ("0.0.0.0", "", "localhost"):
        return "127.0.0.1"
    return "::1" if host == "::" else host


def run(app: Any, settings: Settings, listener: socket.socket, keep_alive: int, tls: TlsFiles | None,
        proxy: ProxySetup | None = None) -> None:
    """Serve `app` on the bound `listener` (and the proxy on its own) until stopped."""
    import uvicorn

    options: dict[str, Any] = {}
    if tls is not None:
        options = {"ssl_certfile": tls.certfile, "ssl_keyfile": tls.keyfile}
    server = uvicorn.Server(uvicorn.Config(app, host=settings.host, port=settings.port,
                                           timeout_keep_alive=keep_alive, **options))
    if proxy is None:
        server.run(sockets=[listener])
        return
    config = ProxyConfig(frozenset(h.lower() for h in (*INTERCEPTED_HOSTS, *proxy.intercept)), settings.port,
                         _upstream_host(settings.host), proxy.proxy_only)
    log = logging.getLogger("calgraph.proxy")
    if not log.handlers:   # one line per tunnel, beside uvicorn's access log
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("INFO:     %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False

    async def both() -> None:
        tunnels = await ConnectProxy(config).start(proxy.listener)
        try:
            await server.serve(sockets=[listener])
        finally:
            tunnels.close()

    asyncio.run(both())
