"""Soak: N concurrent streams through `brickgate serve` for S seconds, against the emulator (loopback).

    python bench/soak.py                        # 256 streams for 60 s (the issue's figure)
    python bench/soak.py --streams 16 --seconds 5   # a quick check while developing

Gateway and emulator run as their own processes; this one drives the streams. It prints the figures and
exits non-zero when any request failed, the gateway's RSS grew past ``--rss-bound-mb`` after warm-up, or
the access log does not account for every request. Bounded: it stops its children by pid, whatever happens.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp

EMULATOR_TOKEN = "dapi-emulator-token"
# (path, body, bytes that end a complete stream): fast and translated paths, all three inbound APIs.
WORKLOADS: list[tuple[str, dict[str, object], bytes]] = [
    ("/v1/chat/completions", {"model": "databricks-meta-llama-3-3-70b-instruct"}, b"data: [DONE]"),
    ("/v1/messages", {"model": "claude-sonnet-4-5", "max_tokens": 256}, b"message_stop"),
    ("/v1/chat/completions", {"model": "databricks-claude-sonnet-4-5"}, b"data: [DONE]"),
    ("/v1/responses", {"model": "databricks-gpt-5-2"}, b"response.completed"),
]

ERROR_MARKERS = (b"event: error", b'data: {"error"')  # how each API reports an in-stream failure


@dataclass
class Tally:
    ok: int = 0
    failures: Counter[str] = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def wait_answering(url: str, proc: subprocess.Popen[bytes], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"{proc.args!r} exited with {proc.returncode}")
        try:
            urllib.request.urlopen(url, timeout=1).close()
            return
        except OSError as exc:  # HTTPError (404 and the like) still means it answers
            if isinstance(exc, urllib.error.HTTPError):
                return
            time.sleep(0.1)
    raise SystemExit(f"{url} did not answer within {timeout:.0f} s")


def request_body(template: dict[str, object], path: str, n: int) -> bytes:
    prompt = f"soak request {n}"
    body: dict[str, object] = {**template, "stream": True}
    if path == "/v1/responses":
        body["input"] = prompt
    else:
        body["messages"] = [{"role": "user", "content": prompt}]
    return json.dumps(body).encode()


async def worker(
    session: aiohttp.ClientSession, url: str, deadline: float, tally: Tally, ids: itertools.count[int]
) -> None:
    while time.monotonic() < deadline:
        n = next(ids)
        path, template, terminal = WORKLOADS[n % len(WORKLOADS)]
        started = time.perf_counter()
        try:
            async with session.post(url + path, data=request_body(template, path, n)) as resp:
                body = await resp.read()
            if resp.status != 200:
                tally.failures[f"HTTP {resp.status}"] += 1
            elif terminal not in body or any(marker in body for marker in ERROR_MARKERS):
                tally.failures["incomplete or errored stream"] += 1
            else:
                tally.ok += 1
                tally.latencies.append(time.perf_counter() - started)
        except (aiohttp.ClientError, asyncio.TimeoutError) as exc:
            tally.failures[type(exc).__name__] += 1


async def drive(
    url: str, streams: int, seconds: float, gateway_pid: int
) -> tuple[Tally, list[tuple[float, float]]]:
    tally, samples = Tally(), []
    connector = aiohttp.TCPConnector(limit=streams)
    timeout = aiohttp.ClientTimeout(total=60)
    started = time.monotonic()
    deadline = started + seconds
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        ids = itertools.count()
        tasks = [asyncio.create_task(worker(session, url, deadline, tally, ids)) for _ in range(streams)]
        while not all(t.done() for t in tasks):
            samples.append((time.monotonic() - started, rss_mib(gateway_pid)))
            await asyncio.wait(tasks, timeout=1.0)
        for task in tasks:
            task.result()
    return tally, samples


def access_lines(log: Path) -> Counter[str]:
    """Inference lines of the access log, by status."""
    statuses: Counter[str] = Counter()
    for line in log.read_text(errors="replace").splitlines():
        if " POST /v1/" in line and " status=" in line:
            statuses[line.split(" status=")[1].split()[0]] += 1
    return statuses


def start(cmd: list[str], env: dict[str, str], stderr: Path) -> subprocess.Popen[bytes]:
    with stderr.open("wb") as sink:
        return subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=sink)


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


def report(
    args: argparse.Namespace, tally: Tally, samples: list[tuple[float, float]], logged: Counter[str]
) -> bool:
    total = tally.ok + sum(tally.failures.values())
    warm = [rss for t, rss in samples if t >= args.seconds * 0.2] or [0.0]
    growth = warm[-1] - warm[0]
    failed = sum(tally.failures.values())
    p50, p99 = (percentile(tally.latencies, q) * 1000 for q in (0.5, 0.99))
    peak = max(rss for _, rss in samples)
    print(f"streams={args.streams} seconds={args.seconds:g} requests={total} ok={tally.ok} errors={failed}")
    if tally.failures:
        print(f"failures: {dict(tally.failures)}")
    print(f"throughput={total / args.seconds:.0f} req/s  latency p50={p50:.1f} ms p99={p99:.1f} ms")
    print(
        f"gateway RSS MiB: start={samples[0][1]:.1f} after-warmup={warm[0]:.1f} end={warm[-1]:.1f} "
        f"max={peak:.1f} growth-after-warmup={growth:.1f} (bound {args.rss_bound_mb:g})"
    )
    print(f"access log: {sum(logged.values())} inference lines {dict(logged)} for {total} requests sent")
    passed = not tally.failures and growth <= args.rss_bound_mb and sum(logged.values()) == total
    print("PASS" if passed else "FAIL")
    return passed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--streams", type=int, default=256)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--rss-bound-mb", type=float, default=32.0, help="allowed RSS growth after warm-up")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="brickgate-soak-"))
    emu_port, gw_port = free_port(), free_port()
    emu_url, gw_url = f"http://127.0.0.1:{emu_port}", f"http://127.0.0.1:{gw_port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DATABRICKS_", "BRICKGATE_"))}
    env |= {"BRICKGATE_HOME": str(work / "home"), "DATABRICKS_CONFIG_FILE": str(work / "databrickscfg")}
    emulator = start(
        [sys.executable, "-m", "brickgate.emulator", "--port", str(emu_port)], env, work / "emu.log"
    )
    gateway = None
    try:
        wait_answering(emu_url + "/_emulator/stats", emulator)
        gw_env = env | {"DATABRICKS_HOST": emu_url, "DATABRICKS_TOKEN": EMULATOR_TOKEN}
        gw_cmd = [sys.executable, "-m", "brickgate.cli.main", "serve", "--port", str(gw_port)]
        gateway = start(gw_cmd, gw_env, work / "access.log")
        wait_answering(gw_url + "/health", gateway)
        tally, samples = asyncio.run(drive(gw_url, args.streams, args.seconds, gateway.pid))
        time.sleep(0.5)  # the last access lines are written just after the last answers
    finally:
        if gateway is not None:
            stop(gateway)
        stop(emulator)
    passed = report(args, tally, samples, access_lines(work / "access.log"))
    print(f"logs in {work}")
    sys.exit(0 if passed else 1)


if __name__ == "__main__":
    main()
