"""A Databricks workspace that costs (almost) nothing: raw asyncio protocol on uvloop, pre-encoded answers.

Not brickgate's emulator: that one parses every request and checks quirks, which would make the upstream the
bottleneck. This one reads the HTTP framing, looks at three byte markers, and writes stored bytes:

- ``GET /api/2.0/serving-endpoints``: the emulator's default workspace listing (encoded once at start).
- ``POST .../chat/completions`` or ``.../invocations``, ``.../responses``, ``.../messages`` on both surfaces:
  the answer in that API's shape; streamed when the body has ``"stream":true``. A Chat request for a
  ``databricks-gemini`` model gets Gemini's chat answer (content arrays with a thought signature).
- ``POST .../gemini/v1beta/models/M:generateContent`` / ``:streamGenerateContent``: Gemini's answer.
- ``bench-events=N`` anywhere in the body sets the number of text deltas (default 32); ``bench-gap-ms=N``
  paces them (default: all events written at once, one write each).

Run: ``python -m bench.mock_upstream --port 0`` prints ``listening http://127.0.0.1:PORT``.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import signal
import sys

import orjson

from bench.fixtures import Api, Stream, json_body, stream_events

DEFAULT_EVENTS = 32
_EVENTS_RE = re.compile(rb"bench-events=(\d+)")
_GAP_RE = re.compile(rb"bench-gap-ms=(\d+)")
_STREAM_MARKS = (b'"stream":true', b'"stream": true')
_JSON_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"
_SSE_HEAD = (
    b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n"
    b"Transfer-Encoding: chunked\r\n\r\n"
)
_HOST_METADATA = orjson.dumps({"workspace_id": "1234567890123456", "cloud": "aws", "host_type": "workspace"})
_NOT_FOUND = orjson.dumps({"error_code": "ENDPOINT_NOT_FOUND", "message": "Invalid path"})


def listing_body(extra_endpoints: int = 0) -> bytes:
    """The serving-endpoint listing the emulator would give for its default workspace."""
    from brickgate.emulator.listing import serving_listing
    from brickgate.emulator.workspace import default_workspace, synthetic_endpoints

    return orjson.dumps(serving_listing(default_workspace() + synthetic_endpoints(extra_endpoints)))


def api_of(path: bytes) -> Api | None:
    if b":streamGenerateContent" in path or path.endswith(b":generateContent"):
        return "gemini"
    if path.endswith((b"/chat/completions", b"/invocations")):
        return "chat"
    if path.endswith(b"/responses"):
        return "responses"
    if path.endswith(b"/messages"):
        return "messages"
    return None


def framed(chunk: bytes) -> bytes:
    return b"%x\r\n%s\r\n" % (len(chunk), chunk)


class Answers:
    """Every answer as the exact bytes to write, built on first use."""

    def __init__(self, listing: bytes) -> None:
        self.listing = _JSON_HEAD % len(listing) + listing
        self._streams: dict[tuple[Stream, int], tuple[bytes, ...]] = {}
        self._json: dict[Api, bytes] = {}
        self.unknown_paths: set[bytes] = set()

    def stream(self, kind: Stream, n: int) -> tuple[bytes, ...]:
        key = (kind, n)
        if key not in self._streams:
            self._streams[key] = (_SSE_HEAD, *(framed(e) for e in stream_events(kind, n)), b"0\r\n\r\n")
        return self._streams[key]

    def json(self, api: Api) -> bytes:
        if api not in self._json:
            body = json_body(api)
            self._json[api] = _JSON_HEAD % len(body) + body
        return self._json[api]

    def for_request(self, method: bytes, path: bytes, body: bytes) -> tuple[bytes, ...] | bytes:
        if method == b"GET" and path.startswith(b"/api/2.0/serving-endpoints"):
            return self.listing
        if method == b"GET" and path == b"/.well-known/databricks-config":
            return _JSON_HEAD % len(_HOST_METADATA) + _HOST_METADATA
        api = api_of(path) if method == b"POST" else None
        if api is None:
            if path not in self.unknown_paths:
                self.unknown_paths.add(path)
                print(f"mock: 404 for {method.decode()} {path.decode()}", file=sys.stderr, flush=True)
            return (
                b"HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s"
                % (
                    len(_NOT_FOUND),
                    _NOT_FOUND,
                )
            )
        streamed = (
            b":streamGenerateContent" in path if api == "gemini" else any(m in body for m in _STREAM_MARKS)
        )
        if not streamed:
            return self.json(api)
        found = _EVENTS_RE.search(body)
        kind: Stream = "gemini-chat" if api == "chat" and b'"model":"databricks-gemini' in body else api
        return self.stream(kind, int(found.group(1)) if found else DEFAULT_EVENTS)


def parse_request(buf: bytearray) -> tuple[bytes, bytes, bytes] | None:
    """(method, path, body) of the first complete request in ``buf`` (removed from it), or None."""
    end = buf.find(b"\r\n\r\n")
    if end < 0:
        return None
    lines = bytes(buf[:end]).split(b"\r\n")
    method, target, _ = lines[0].split(b" ", 2)
    length, chunked = 0, False
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    start = end + 4
    if chunked:
        parsed = _dechunk(buf, start)
        if parsed is None:
            return None
        body, consumed = parsed
    else:
        if len(buf) < start + length:
            return None
        body, consumed = bytes(buf[start : start + length]), start + length
    del buf[:consumed]
    return method, target.split(b"?", 1)[0], body


def _dechunk(buf: bytearray, pos: int) -> tuple[bytes, int] | None:
    parts: list[bytes] = []
    while True:
        eol = buf.find(b"\r\n", pos)
        if eol < 0:
            return None
        size = int(bytes(buf[pos:eol]).split(b";")[0], 16)
        pos = eol + 2
        if size == 0:
            return (b"".join(parts), pos + 2) if len(buf) >= pos + 2 else None
        if len(buf) < pos + size + 2:
            return None
        parts.append(bytes(buf[pos : pos + size]))
        pos += size + 2


class MockConnection(asyncio.Protocol):
    def __init__(self, answers: Answers) -> None:
        self.answers = answers
        self.buf = bytearray()
        self.transport: asyncio.Transport | None = None
        self.pacing = False  # a paced stream is being written; later requests wait

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]  # uvloop's is not an asyncio.Transport

    def connection_lost(self, exc: Exception | None) -> None:
        self.transport = None

    def data_received(self, data: bytes) -> None:
        self.buf += data
        self._serve_buffered()

    def _serve_buffered(self) -> None:
        while not self.pacing and self.transport is not None:
            request = parse_request(self.buf)
            if request is None:
                return
            method, path, body = request
            answer = self.answers.for_request(method, path, body)
            if isinstance(answer, bytes):
                self.transport.write(answer)
                continue
            gap = _GAP_RE.search(body)
            if gap and int(gap.group(1)) > 0:
                self.pacing = True
                self._write_paced(list(answer), int(gap.group(1)) / 1000)
                return
            for piece in answer:  # one write per event, as a model server does
                self.transport.write(piece)

    def _write_paced(self, pieces: list[bytes], gap: float) -> None:
        if self.transport is None:
            return
        self.transport.write(pieces.pop(0))
        if pieces:
            asyncio.get_running_loop().call_later(gap, self._write_paced, pieces, gap)
        else:
            self.pacing = False
            self._serve_buffered()


async def serve(host: str, port: int, extra_endpoints: int) -> None:
    answers = Answers(listing_body(extra_endpoints))
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: MockConnection(answers), host, port, backlog=4096)
    bound = server.sockets[0].getsockname()[1]
    print(f"listening http://{host}:{bound}", flush=True)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with server:
        await stop.wait()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--extra-endpoints", type=int, default=0, help="synthetic endpoints in the listing")
    args = parser.parse_args()
    import uvloop

    uvloop.run(serve(args.host, args.port, args.extra_endpoints))


if __name__ == "__main__":
    main()
