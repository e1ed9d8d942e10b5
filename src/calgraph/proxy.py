"""The intercepting CONNECT proxy (`calgraph serve --proxy-port`).

An app that honours HTTPS_PROXY asks `CONNECT graph.microsoft.com:443`; calgraph answers
`200 Connection Established` and splices the bytes to its own TLS listener, whose certificate (from
calgraph's CA) names the intercepted hosts. No traffic is decrypted here: the TLS session runs end to
end between the app and calgraph's server. Other hosts are tunnelled to the real host untouched, or
refused with 403 when `proxy_only`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from dataclasses import dataclass

log = logging.getLogger("calgraph.proxy")

MAX_HEAD = 16 * 1024
CONNECT_TIMEOUT = 15.0
CHUNK = 64 * 1024


@dataclass(frozen=True)
class ProxyConfig:
    intercepted: frozenset[str]      # lower-case host names answered by calgraph
    upstream_port: int               # calgraph's own TLS listener
    upstream_host: str = "127.0.0.1"
    proxy_only: bool = False


def _reply(status: str) -> bytes:
    return f"HTTP/1.1 {status}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".encode()


def parse_connect(head: bytes) -> tuple[str, int] | None:
    """('host', port) of a `CONNECT host:port HTTP/1.x` request head; None for anything else."""
    try:
        line = head.split(b"\r\n", 1)[0].decode("ascii")
        method, target, version = line.split(" ")
    except (UnicodeDecodeError, ValueError):
        return None
    if method.upper() != "CONNECT" or not version.startswith("HTTP/1."):
        return None
    host, sep, port_text = target.rpartition(":")
    if not sep or not port_text.isdigit() or not host:
        return None
    port = int(port_text)
    host = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    return (host.lower(), port) if 0 < port < 65536 else None


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(CHUNK):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError, OSError):
        pass
    finally:
        with contextlib.suppress(Exception):
            if writer.can_write_eof():
                writer.write_eof()


async def _close(writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(Exception):
        writer.close()
        await writer.wait_closed()


class ConnectProxy:
    def __init__(self, config: ProxyConfig) -> None:
        self.config = config

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), CONNECT_TIMEOUT)
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, asyncio.TimeoutError, ConnectionError):
            await _close(writer)
            return
        target = parse_connect(head)
        if target is None:
            writer.write(_reply("405 Method Not Allowed"))
            await _close(writer)
            return
        host, port = target
        intercepted = host in self.config.intercepted
        if not intercepted and self.config.proxy_only:
            log.info("proxy refused CONNECT %s:%s (--proxy-only)", host, port)
            writer.write(_reply("403 Forbidden"))
            await _close(writer)
            return
        upstream = (self.config.upstream_host, self.config.upstream_port) if intercepted else (host, port)
        try:
            up_reader, up_writer = await asyncio.wait_for(asyncio.open_connection(*upstream), CONNECT_TIMEOUT)
        except (OSError, asyncio.TimeoutError):
            writer.write(_reply("502 Bad Gateway"))
            await _close(writer)
            return
        for side in (writer, up_writer):   # small TLS records (handshakes) go out at once, both ways
            raw = side.get_extra_info("socket")
            if raw is not None and raw.family in (socket.AF_INET, socket.AF_INET6):
                raw.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        log.info("proxy CONNECT %s:%s -> %s", host, port, "calgraph" if intercepted else "tunnel")
        writer.write(b"HTTP/1.1 200 Connection Established\r\n\r\n")
        try:
            await writer.drain()
            await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
        finally:
            await _close(up_writer)
            await _close(writer)

    async def start(self, sock: socket.socket) -> asyncio.base_events.Server:
        """Accept on a bound, listening socket (shared by the workers of `serve --workers`)."""
        return await asyncio.start_server(self.handle, sock=sock, limit=MAX_HEAD)
