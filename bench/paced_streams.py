"""Paced streams: many sessions open at once, tokens arriving at model speed (issue 17).

    python -m bench.paced_streams                          # 30 and 100 tokens/s, up to 1,000 open streams
    python -m bench.paced_streams --streams 100,300 --rates 30 --seconds 10
    python -m bench.paced_streams --smoke                  # a few streams (the test suite runs this)

The upstream (bench/paced_upstream.py) waits a time to first token drawn from 0.5-2 s, then writes one
text delta per token at the given rate, each stamped with the clock time of its write. Sessions arrive
open-loop (Poisson, at the rate that keeps ``streams`` open on average), each on its own connection, and
the client reads every stamp as it arrives: the delay an event picked up on its way, per target. The same
load runs against `direct` (client to upstream), the floor relay and `brickgate serve`, so what a gateway
adds is its delay minus direct's. RSS per open stream: the gateway's RSS at the most streams open minus
its RSS before the run, over that number. Gateway on CPU 1; upstream, client and harness on CPU 0.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.fixtures import TERMINAL_MARK, Api
from bench.gateway_suite import run_async
from bench.paced_upstream import STAMP
from bench.procs import DRIVER_CPU, Server, start
from bench.targets import Target, python_env, start_brickgate, start_floor
from bench.workloads import CHAT_MODEL, CLAUDE_MODEL, INBOUND_PATHS, UPSTREAM_PATHS

SESSION_TOKENS_S = 3.0  # tokens per answer = rate x this: a few seconds of streaming
TTFT_S = (0.5, 2.0)
SESSION_TIMEOUT_S = 60.0


@dataclass(frozen=True)
class PacedPath:
    """Which API the client speaks and which model (and so which upstream API) it asks for."""

    name: str
    inbound: Api
    model: str
    upstream: Api


PATHS = (
    PacedPath("chat", "chat", CHAT_MODEL, "chat"),
    PacedPath("messages", "messages", CLAUDE_MODEL, "messages"),
    PacedPath("messages-to-chat", "messages", CHAT_MODEL, "chat"),
)


def request_bytes(target: Target, path: PacedPath, rate: int, ttft_ms: int, host: str) -> bytes:
    api = path.upstream if target.direct else path.inbound
    tokens = int(rate * SESSION_TOKENS_S)
    prompt = f"Stream. bench-rate={rate} bench-ttft-ms={ttft_ms} bench-events={tokens}"
    doc: dict[str, Any] = {"model": path.model, "max_tokens": 512, "stream": True}
    if api == "responses":
        doc["input"] = prompt
    else:
        doc["messages"] = [{"role": "user", "content": prompt}]
    body = json.dumps(doc, separators=(",", ":")).encode()
    url_path = UPSTREAM_PATHS[api] if target.direct else INBOUND_PATHS[api]
    head = (
        f"POST {url_path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {target.key}\r\nx-api-key: {target.key}\r\nanthropic-version: 2023-06-01\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode()
    return head + body


@dataclass
class Tally:
    delays_ns: list[int] = field(default_factory=list)  # every token: arrival - write
    ttft_added_ns: list[int] = field(default_factory=list)  # first token: arrival - send - the set TTFT
    errors: list[str] = field(default_factory=list)
    done: int = 0
    open_now: int = 0
    open_max: int = 0


class Session(asyncio.Protocol):
    """One streamed request on its own connection; records the stamp of every token as it arrives."""

    def __init__(
        self, raw: bytes, ttft_ns: int, terminal: bytes, tally: Tally, finished: asyncio.Future[None]
    ):
        self.raw, self.ttft_ns, self.terminal, self.tally, self.finished = (
            raw,
            ttft_ns,
            terminal,
            tally,
            finished,
        )
        self.pending = b""
        self.head_seen = False
        self.first = True
        self.sent_ns = 0
        self.complete = False
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.sent_ns = time.monotonic_ns()
        transport.write(self.raw)  # type: ignore[attr-defined]

    def data_received(self, data: bytes) -> None:
        now = time.monotonic_ns()
        data = self.pending + data
        if not self.head_seen:
            if b"\r\n\r\n" not in data:
                self.pending = data
                return
            self.head_seen = True
            if not data.startswith((b"HTTP/1.1 200", b"HTTP/1.0 200")):
                self._end(f"status {data[:40]!r}")
                return
        cut = data.rfind(b"\n")
        whole, self.pending = data[: cut + 1], data[cut + 1 :]
        for stamp in STAMP.finditer(whole):
            written = int(stamp.group(1))
            self.tally.delays_ns.append(now - written)
            if self.first:
                self.first = False
                self.tally.ttft_added_ns.append(now - self.sent_ns - self.ttft_ns)
        if self.terminal in whole or self.terminal in self.pending:
            self.complete = True
        if self.complete and (whole + self.pending).endswith(b"0\r\n\r\n"):
            self._end("")

    def connection_lost(self, exc: Exception | None) -> None:
        self._end("" if self.complete else f"connection lost: {exc or 'closed before the end'}")

    def _end(self, error: str) -> None:
        if self.finished.done():
            return
        if error:
            self.tally.errors.append(error)
        else:
            self.tally.done += 1
        if self.transport is not None:
            self.transport.close()
        self.finished.set_result(None)


async def open_loop(
    target: Target, path: PacedPath, rate: int, streams: int, seconds: float, sample: Callable[[int], None]
) -> Tally:
    """Poisson arrivals for ``seconds`` at the rate that keeps ``streams`` sessions open on average, then
    every session runs to its end. ``sample(open_now)`` is called every 0.25 s (RSS readings)."""
    host, port = target.server.url.removeprefix("http://").rsplit(":", 1)
    mean_session = sum(TTFT_S) / 2 + SESSION_TOKENS_S
    arrivals_per_s = streams / mean_session
    tally = Tally()
    terminal = TERMINAL_MARK[path.upstream if target.direct else path.inbound]
    loop = asyncio.get_running_loop()
    sessions: list[asyncio.Task[None]] = []

    async def one(ttft_ms: int) -> None:
        finished: asyncio.Future[None] = loop.create_future()
        raw = request_bytes(target, path, rate, ttft_ms, f"{host}:{port}")
        tally.open_now += 1
        tally.open_max = max(tally.open_max, tally.open_now)
        try:
            await loop.create_connection(
                lambda: Session(raw, ttft_ms * 1_000_000, terminal, tally, finished), host, int(port)
            )
            await asyncio.wait_for(finished, SESSION_TIMEOUT_S)
        except (OSError, asyncio.TimeoutError) as exc:
            tally.errors.append(type(exc).__name__)
        finally:
            tally.open_now -= 1

    async def sampler() -> None:
        while True:
            sample(tally.open_now)
            await asyncio.sleep(0.25)

    watcher = asyncio.ensure_future(sampler())
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        ttft_ms = int(random.uniform(*TTFT_S) * 1000)
        sessions.append(asyncio.ensure_future(one(ttft_ms)))
        await asyncio.sleep(random.expovariate(arrivals_per_s))
    await asyncio.gather(*sessions)
    watcher.cancel()
    return tally


def start_paced_upstream(log_dir: Path) -> Server:
    cmd = [sys.executable, "-m", "bench.paced_upstream"]
    return start("paced-upstream", cmd, cpu=DRIVER_CPU, log_dir=log_dir, env=python_env())


def _pct(values: list[int], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] / 1e6


def measure(target: Target, path: PacedPath, rate: int, streams: int, seconds: float) -> dict[str, Any]:
    """One open-loop run against ``target``: delays (ms), errors, RSS at the most streams open."""
    rss_idle = target.server.rss_mb()[0]
    peak = {"open": 0, "rss": rss_idle, "rss_max": rss_idle}

    def sample(open_now: int) -> None:
        rss = target.server.rss_mb()[0]
        peak["rss_max"] = max(peak["rss_max"], rss)
        if open_now >= peak["open"]:
            peak["open"], peak["rss"] = open_now, rss

    cpu0 = target.server.cpu_seconds()
    started = time.monotonic()
    tally = run_async(open_loop(target, path, rate, streams, seconds, sample))
    wall = time.monotonic() - started
    cpu = target.server.cpu_seconds() - cpu0
    per_stream = (peak["rss"] - rss_idle) / peak["open"] * 1024 if peak["open"] else float("nan")
    return {
        "target": target.name,
        "path": path.name,
        "rate": rate,
        "streams": streams,
        "sessions": tally.done + len(tally.errors),
        "errors": len(tally.errors),
        "first_error": (tally.errors or [""])[0],
        "open_max": tally.open_max,
        "events": len(tally.delays_ns),
        "delay_p50_ms": _pct(tally.delays_ns, 0.5),
        "delay_p99_ms": _pct(tally.delays_ns, 0.99),
        "ttft_added_p50_ms": _pct(tally.ttft_added_ns, 0.5),
        "ttft_added_p99_ms": _pct(tally.ttft_added_ns, 0.99),
        "rss_idle_mb": rss_idle,
        "rss_at_peak_mb": peak["rss"],
        "rss_max_mb": peak["rss_max"],
        "rss_kb_per_stream": per_stream,
        "cpu_s": cpu,
        "cpu_share": cpu / wall,
    }


def render(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| path | tokens/s | streams | target | sessions | errors | most open | delay p50 / p99 ms "
        "| added p50 / p99 ms | TTFT added p50 / p99 ms | RSS at most open MB | KB per open stream "
        "| gateway CPU share |",
        "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    direct = {
        (r["path"], r["rate"], r["streams"], r.get("rep", 0)): r for r in rows if r["target"] == "direct"
    }
    for r in rows:
        ref = direct.get((r["path"], r["rate"], r["streams"], r.get("rep", 0)))
        added = (
            f"{r['delay_p50_ms'] - ref['delay_p50_ms']:.2f} / {r['delay_p99_ms'] - ref['delay_p99_ms']:.2f}"
            if ref is not None and r["target"] != "direct"
            else "-"
        )
        gateway = r["target"] != "direct"
        lines.append(
            f"| {r['path']} | {r['rate']} | {r['streams']} | {r['target']} | {r['sessions']} | {r['errors']} "
            f"| {r['open_max']} | {r['delay_p50_ms']:.2f} / {r['delay_p99_ms']:.2f} | {added} "
            f"| {r['ttft_added_p50_ms']:.1f} / {r['ttft_added_p99_ms']:.1f} "
            f"| {r['rss_at_peak_mb']:.0f} | {r['rss_kb_per_stream']:.0f} | "
            + (f"{r['cpu_share']:.2f} |" if gateway else "- |")
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rates", default="30,100", help="tokens per second")
    parser.add_argument("--streams", default="100,300,1000", help="sessions open at once (on average)")
    parser.add_argument("--paths", default="chat,messages-to-chat")
    parser.add_argument("--targets", default="direct,floor,brickgate")
    parser.add_argument("--seconds", type=float, default=12.0, help="how long sessions keep arriving")
    parser.add_argument("--reps", type=int, default=1)
    parser.add_argument("--smoke", action="store_true", help="a few streams, every path (no timing)")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--before", type=Path, default=None, help="another checkout's src/ (target 'before')")
    args = parser.parse_args(argv)
    if args.smoke:
        args.rates, args.streams, args.seconds = "50", "4", 1.0
        args.paths = ",".join(p.name for p in PATHS)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    out = args.out or Path(__file__).parent / "results" / f"{stamp}-paced"
    log_dir = out / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    paths = [p for p in PATHS if p.name in args.paths.split(",")]
    rows: list[dict[str, Any]] = []
    with contextlib.ExitStack() as stack:
        upstream = start_paced_upstream(log_dir)
        stack.callback(upstream.stop)
        starters = {
            "direct": lambda: Target("direct", upstream),
            "floor": lambda: start_floor(upstream, log_dir),
            "brickgate": lambda: start_brickgate(upstream, log_dir),
            "before": lambda: start_brickgate(upstream, log_dir, name="before", src=args.before),
        }
        targets = []
        for name in args.targets.split(","):
            t = starters[name]()
            if not t.direct:
                stack.callback(t.server.stop)
            targets.append(t)
        for rep in range(args.reps):
            for rate in (int(r) for r in args.rates.split(",")):
                for streams in (int(s) for s in args.streams.split(",")):
                    for path in paths:
                        for t in targets:
                            if t.name == "floor" and path.inbound != path.upstream:
                                continue  # the floor cannot translate
                            row = {**measure(t, path, rate, streams, args.seconds), "rep": rep}
                            rows.append(row)
                            print(render([row]).splitlines()[-1], flush=True)
    (out / "results.json").write_text(json.dumps(rows, indent=1))
    text = render(rows)
    (out / "results.md").write_text(text)
    print(text)
    gateways = [r for r in rows if r["target"] != "direct"]
    return 1 if any(r["errors"] for r in gateways) else 0


if __name__ == "__main__":
    raise SystemExit(main())
