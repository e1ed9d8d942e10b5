"""The CONNECT proxy in process: intercepted hosts go to calgraph's listener, others are tunnelled or
refused (--proxy-only), anything but CONNECT is refused; bytes pass untouched both ways."""

from __future__ import annotations

import asyncio
import socket

from calgraph.proxy import ConnectProxy, ProxyConfig, parse_connect


def test_parse_connect():
    assert parse_connect(b"CONNECT graph.microsoft.com:443 HTTP/1.1\r\nHost: x\r\n\r\n") == ("graph.microsoft.com", 443)
    assert parse_connect(b"CONNECT [::1]:8443 HTTP/1.1\r\n\r\n") == ("::1", 8443)
    for bad in (b"GET http://x/ HTTP/1.1\r\n\r\n", b"CONNECT x HTTP/1.1\r\n\r\n", b"CONNECT x:0 HTTP/1.1\r\n\r\n",
                b"CONNECT x:99999 HTTP/1.1\r\n\r\n", b"\xff\xfe\r\n\r\n", b"CONNECT :443 HTTP/1.1\r\n\r\n"):
        assert parse_connect(bad) is None


def _listening() -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(16)
    return sock


async def _exchange(proxy_port: int, head: bytes, payload: bytes = b"") -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", proxy_port)
    writer.write(head + payload)
    await writer.drain()
    if payload:
        writer.write_eof()
    data = await asyncio.wait_for(reader.read(), 5)
    writer.close()
    return data


def test_routes_and_refusals():
    async def scenario() -> None:
        seen: list[bytes] = []

        async def upstream(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            data = await reader.read()
            seen.append(data)
            writer.write(b"echo:" + data)
            await writer.drain()
            writer.close()

        calgraph = await asyncio.start_server(upstream, "127.0.0.1", 0)
        other = await asyncio.start_server(upstream, "127.0.0.1", 0)
        calgraph_port = calgraph.sockets[0].getsockname()[1]
        other_port = other.sockets[0].getsockname()[1]
        intercepted = frozenset({"graph.microsoft.com", "login.microsoftonline.com", "api.example"})
        open_proxy = await ConnectProxy(ProxyConfig(intercepted, calgraph_port)).start(_listening())
        strict = await ConnectProxy(ProxyConfig(intercepted, calgraph_port, proxy_only=True)).start(_listening())
        open_port = open_proxy.sockets[0].getsockname()[1]
        strict_port = strict.sockets[0].getsockname()[1]
        try:
            answer = await _exchange(open_port, b"CONNECT GRAPH.microsoft.com:443 HTTP/1.1\r\n\r\n", b"\x16tls")
            assert answer == b"HTTP/1.1 200 Connection Established\r\n\r\necho:\x16tls"
            answer = await _exchange(strict_port, b"CONNECT api.example:443 HTTP/1.1\r\n\r\n", b"x")
            assert answer.endswith(b"echo:x")                      # --intercept HOST
            answer = await _exchange(open_port, f"CONNECT 127.0.0.1:{other_port} HTTP/1.1\r\n\r\n".encode(), b"y")
            assert answer.endswith(b"echo:y")                      # tunnelled to the real host
            answer = await _exchange(strict_port, f"CONNECT 127.0.0.1:{other_port} HTTP/1.1\r\n\r\n".encode())
            assert answer.startswith(b"HTTP/1.1 403 ")
            answer = await _exchange(open_port, b"GET http://graph.microsoft.com/ HTTP/1.1\r\n\r\n")
            assert answer.startswith(b"HTTP/1.1 405 ")
            answer = await _exchange(open_port, b"CONNECT 127.0.0.1:1 HTTP/1.1\r\n\r\n")
            assert answer.startswith(b"HTTP/1.1 502 ")
            assert seen == [b"\x16tls", b"x", b"y"]
        finally:
            for server in (open_proxy, strict, calgraph, other):
                server.close()
    asyncio.run(scenario())
