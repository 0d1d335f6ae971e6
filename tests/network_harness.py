"""A corporate network in a test: a workspace emulator over TLS on a private CA, reachable only through an
HTTP CONNECT proxy. Both run on loopback in threads and are stopped on exit."""

from __future__ import annotations

import asyncio
import base64
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import trustme
import uvicorn

from brickgate.emulator import EmulatorConfig
from brickgate.emulator.app import build_app


@dataclass
class ConnectProxy:
    """Tunnels `CONNECT host:port` to `routes[host:port]` (else to host:port itself), noting each target."""

    routes: dict[str, tuple[str, int]]
    seen: list[str] = field(default_factory=list)
    url: str = ""
    credentials: str | None = None  # "user:password": then a tunnel needs Proxy-Authorization

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while chunk := await reader.read(65536):
                writer.write(chunk)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.close()

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        method, target, _ = head.split(b"\r\n", 1)[0].decode().split(" ", 2)
        if method != "CONNECT":
            writer.write(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
            writer.close()
            return
        if self.credentials is not None and _proxy_credentials(head) != self.credentials:
            writer.write(b"HTTP/1.1 407 Proxy Authentication Required\r\nContent-Length: 0\r\n\r\n")
            writer.close()
            return
        self.seen.append(target)
        host, port = self.routes.get(target) or (target.rsplit(":", 1)[0], int(target.rsplit(":", 1)[1]))
        upstream_reader, upstream_writer = await asyncio.open_connection(host, port)
        writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        await writer.drain()
        await asyncio.gather(self._pipe(reader, upstream_writer), self._pipe(upstream_reader, writer))


def _proxy_credentials(head: bytes) -> str | None:
    for line in head.decode("latin-1").split("\r\n")[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "proxy-authorization" and value.strip().lower().startswith("basic "):
            return base64.b64decode(value.strip()[6:]).decode()
    return None


@contextmanager
def running_proxy(
    routes: dict[str, tuple[str, int]], credentials: str | None = None
) -> Iterator[ConnectProxy]:
    proxy = ConnectProxy(routes, credentials=credentials)
    loop = asyncio.new_event_loop()
    server = loop.run_until_complete(asyncio.start_server(proxy._handle, "127.0.0.1", 0))
    proxy.url = f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    try:
        yield proxy
    finally:
        loop.call_soon_threadsafe(server.close)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=5)


@dataclass
class CorporateWorkspace:
    url: str  # what clients are told: its port refuses direct connections, the proxy tunnels it
    ca_file: Path  # the private CA that signed the workspace's certificate
    proxy: ConnectProxy
    token: str
    client_id: str
    client_secret: str


@contextmanager
def corporate_workspace(
    directory: Path, proxy_credentials: str | None = None
) -> Iterator[CorporateWorkspace]:
    """A TLS emulator behind a mandatory proxy (that asks for `user:password` if given); CA in `directory`."""
    ca = trustme.CA()
    ca_file = directory / "corp-ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    leaf = ca.issue_cert("127.0.0.1", "localhost")
    cert_file, key_file = directory / "workspace.pem", directory / "workspace.key"
    leaf.private_key_and_cert_chain_pem.write_to_path(str(cert_file))
    leaf.private_key_pem.write_to_path(str(key_file))

    closed = socket.socket()  # bound, never listening: a direct connection is refused at once
    closed.bind(("127.0.0.1", 0))
    public = f"127.0.0.1:{closed.getsockname()[1]}"
    listening = socket.socket()
    listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listening.bind(("127.0.0.1", 0))
    listening.listen(128)
    config = EmulatorConfig()
    app = build_app(config)
    app.state.emulator.url = f"https://{public}"
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            log_level="warning",
            access_log=False,
            lifespan="off",
            ssl_certfile=str(cert_file),
            ssl_keyfile=str(key_file),
        )
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listening]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.01)
    try:
        with running_proxy({public: listening.getsockname()}, proxy_credentials) as proxy:
            yield CorporateWorkspace(
                url=f"https://{public}",
                ca_file=ca_file,
                proxy=proxy,
                token=config.tokens[0],
                client_id=config.client_id,
                client_secret=config.client_secret,
            )
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        listening.close()
        closed.close()
