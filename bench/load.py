"""The latency client: raw HTTP/1.1 over asyncio streams (keep-alive, one connection per worker), so its own
cost per request is small and the same for every target. Every response is validated (status, terminal
event); time to first token is the arrival of the first body chunk holding a text delta.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from bench.fixtures import WORD

TOKEN_MARK = WORD.encode()
REQUEST_TIMEOUT = 30.0


@dataclass(frozen=True, slots=True)
class Call:
    """One pre-encoded request and what a valid answer must contain."""

    host: str
    port: int
    raw: bytes
    terminal: bytes  # last event marker of a stream, or a fragment of the JSON answer


def make_call(url: str, path: str, body: bytes, key: str, terminal: bytes) -> Call:
    host, port = url.removeprefix("http://").rstrip("/").rsplit(":", 1)
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {key}\r\nx-api-key: {key}\r\nanthropic-version: 2023-06-01\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    return Call(host, int(port), head + body, terminal)


@dataclass(slots=True)
class Sample:
    ok: bool
    total_ns: int
    ttft_ns: int  # 0 when no text delta arrived
    events: int
    error: str = ""


class Connection:
    def __init__(self, call: Call) -> None:
        self.call = call
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def send(self) -> Sample:
        started = time.perf_counter_ns()
        try:
            return await asyncio.wait_for(self._exchange(started), REQUEST_TIMEOUT)
        except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError, ValueError) as exc:
            self.close()
            return Sample(False, time.perf_counter_ns() - started, 0, 0, type(exc).__name__)

    async def _exchange(self, started: int) -> Sample:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.call.host, self.call.port)
        assert self.reader is not None
        self.writer.write(self.call.raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        lower = head.lower()
        parts: list[bytes] = []
        ttft = 0
        if b"transfer-encoding: chunked" in lower:
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                chunk = await self.reader.readexactly(size + 2)
                if size == 0:
                    break
                if not ttft and TOKEN_MARK in chunk:
                    ttft = time.perf_counter_ns() - started
                parts.append(chunk[:-2])
        else:
            start = lower.find(b"content-length:") + 15
            length = int(lower[start : lower.find(b"\r\n", start)])
            parts.append(await self.reader.readexactly(length))
            ttft = time.perf_counter_ns() - started
        total = time.perf_counter_ns() - started
        body = b"".join(parts)
        if b"connection: close" in lower:
            self.close()
        ok = status == 200 and self.call.terminal in last_events(body)
        error = "" if ok else f"HTTP {status}: {body[:120]!r}"
        return Sample(ok, total, ttft, body.count(b"\n\n"), error)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def last_events(body: bytes, count: int = 2) -> bytes:
    """The last ``count`` SSE events (the whole body if it is not a stream). Two, because some relays add
    ``data: [DONE]`` after a Responses stream's ``response.completed``."""
    tail = body.rstrip()
    cut = len(tail)
    for _ in range(count):
        cut = tail.rfind(b"\n\n", 0, cut)
        if cut < 0:
            return tail
    return tail[cut:]


@dataclass(slots=True)
class Run:
    samples: list[Sample] = field(default_factory=list)
    wall_s: float = 0.0
    timed_out: int = 0  # still in flight when the drain limit ran out

    @property
    def errors(self) -> list[str]:
        return [s.error for s in self.samples if not s.ok]


async def closed_loop(call: Call, concurrency: int, seconds: float, drain_s: float = 20.0) -> Run:
    """``concurrency`` workers, each sending back to back for ``seconds``; in-flight requests then finish
    (up to ``drain_s``), so slow targets are measured on whole requests, not on the fast survivors."""
    run = Run()
    deadline = time.monotonic() + seconds

    async def worker() -> None:
        conn = Connection(call)
        try:
            while time.monotonic() < deadline:
                run.samples.append(await conn.send())
        finally:
            conn.close()

    started = time.perf_counter()
    tasks = [asyncio.ensure_future(worker()) for _ in range(concurrency)]
    _, pending = await asyncio.wait(tasks, timeout=seconds + drain_s)
    for task in pending:
        task.cancel()
    run.timed_out = len(pending)
    await asyncio.gather(*pending, return_exceptions=True)
    run.wall_s = time.perf_counter() - started
    return run


async def paired_rounds(
    calls: dict[str, Call], rounds: int, warmup: int, seconds: float
) -> dict[str, list[Sample]]:
    """c=1, interleaved: each round sends one request to every target in a fresh random order (the gwbench
    protocol), so drift and noise hit all targets alike. Bounded by ``rounds`` and ``seconds``."""
    conns = {name: Connection(call) for name, call in calls.items()}
    out: dict[str, list[Sample]] = {name: [] for name in calls}
    order = list(calls)
    deadline = time.monotonic() + seconds
    try:
        for i in range(rounds + warmup):
            if i >= warmup and time.monotonic() > deadline:
                break
            random.shuffle(order)
            for name in order:
                sample = await conns[name].send()
                if i >= warmup:
                    out[name].append(sample)
    finally:
        for conn in conns.values():
            conn.close()
    return out


def paired_differences(
    samples: dict[str, list[Sample]], reference: str, metric: str = "total_ns"
) -> dict[str, list[int]]:
    """Per-round differences against ``reference`` (rounds where both answered correctly)."""
    ref = samples[reference]
    diffs: dict[str, list[int]] = {}
    for name, mine in samples.items():
        if name == reference:
            continue
        diffs[name] = [
            getattr(a, metric) - getattr(b, metric) for a, b in zip(mine, ref, strict=False) if a.ok and b.ok
        ]
    return diffs


def ok_values(samples: Sequence[Sample], metric: str) -> list[int]:
    return [getattr(s, metric) for s in samples if s.ok]
