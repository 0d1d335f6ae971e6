"""A hostile (or broken) workspace for the security tests: a real HTTP server on 127.0.0.1 that passes
every request through to the emulator, except the ones a test scripts it to answer itself (a redirect to
another host, a huge body, a gzip bomb, an SSE event that never ends). It records what it received, so
a test can prove that credentials or prompts did or did not reach it."""

from __future__ import annotations

import gzip
import http.client
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

Answer = Callable[["Handler"], None]  # writes a whole response


@dataclass(frozen=True)
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class HostileWorkspace:
    upstream: str  # the emulator's URL
    server: ThreadingHTTPServer
    scripted: dict[tuple[str, str], Answer] = field(default_factory=dict)  # (method, path prefix) → answer
    received: list[Received] = field(default_factory=list)

    @property
    def port(self) -> int:
        return int(self.server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def answer(self, method: str, path_prefix: str, answer: Answer) -> None:
        self.scripted[(method, path_prefix)] = answer

    def script_for(self, method: str, path: str) -> Answer | None:
        return next((a for (m, p), a in self.scripted.items() if m == method and path.startswith(p)), None)


class Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # quiet
        pass

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        ws = self.server.workspace
        ws.received.append(Received(self.command, self.path, dict(self.headers.items()), body))
        answer = ws.script_for(self.command, self.path)
        if answer is not None:
            answer(self)
        else:
            self._pass_through(ws.upstream, body)

    do_GET = do_POST = _handle  # the names http.server dispatches to

    def _pass_through(self, upstream: str, body: bytes) -> None:
        parts = urlsplit(upstream)
        conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=60)
        headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "accept-encoding")}
        try:
            conn.request(self.command, self.path, body=body or None, headers=headers)
            resp = conn.getresponse()
            data = resp.read()
        finally:
            conn.close()
        self.send(resp.status, data, resp.getheader("Content-Type") or "application/json")

    def send(self, status: int, data: bytes, content_type: str = "application/json", **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(data)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    workspace: HostileWorkspace


@contextmanager
def hostile_workspace(upstream: str, bind: str = "127.0.0.1") -> Iterator[HostileWorkspace]:
    server = _Server((bind, 0), Handler)
    workspace = HostileWorkspace(upstream, server)
    server.workspace = workspace
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield workspace
    finally:
        server.shutdown()
        server.server_close()


# --- scripted answers ----------------------------------------------------------------------------------


def redirect_to(target: str, status: int = 302) -> Answer:
    """A redirect to the same path on ``target`` (another host)."""

    def answer(handler: Handler) -> None:
        handler.send(status, b"", Location=target + handler.path)

    return answer


def huge_json(megabytes: int) -> Answer:
    """A syntactically plausible JSON answer of ``megabytes`` MiB, streamed out."""

    def answer(handler: Handler) -> None:
        head, tail = b'{"id":"x","padding":"', b'"}'
        size = megabytes * 1024 * 1024
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(head) + size + len(tail)))
        handler.end_headers()
        _write_or_stop(handler, [head, *(b"a" * 65536 for _ in range(size // 65536)), tail])

    return answer


def gzip_bomb(megabytes: int) -> Answer:
    """A small gzip body that inflates to ``megabytes`` MiB of JSON."""
    inflated = b'{"id":"x","padding":"' + b"0" * (megabytes * 1024 * 1024) + b'"}'
    compressed = gzip.compress(inflated, compresslevel=9)

    def answer(handler: Handler) -> None:
        handler.send(200, compressed, Content_Encoding="gzip")

    return answer


def endless_event(megabytes: int) -> Answer:
    """An SSE stream whose first event never ends: ``data:`` lines without the blank line, for up to
    ``megabytes`` MiB (or until the client hangs up)."""

    def answer(handler: Handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", "text/event-stream")
        handler.send_header("Connection", "close")
        handler.end_headers()
        line = b"data: " + b"a" * 65530 + b"\n"
        _write_or_stop(handler, (line for _ in range(megabytes * 16)))

    return answer


def _write_or_stop(handler: Handler, pieces: Iterator[bytes] | list[bytes]) -> None:
    try:
        for piece in pieces:
            handler.wfile.write(piece)
    except (BrokenPipeError, ConnectionResetError):
        handler.close_connection = True
