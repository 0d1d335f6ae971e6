"""What the usage ledger costs: CPU per request of `brickgate serve` with the ledger on vs off.

    python -m bench.ledger                      # 9 windows x 3 workloads at c=32 (~3 min)
    python -m bench.ledger --reps 2 --seconds 2 # a quick look

Two gateways against the mock upstream, both pinned to the gateway CPU: one as shipped (ledger on), one
with ``usage_ledger = false`` in its config.toml. Each window drives both at once, by one wrk each (or the
asyncio client with --no-wrk), so both see the same load from the rest of a shared machine: the ratio of
one window is a paired measurement. CPU is each gateway process's utime+stime from /proc, sampled after
it went quiet again, so the ledger thread's batch for the window's last requests is counted too. The
verdict is the median over windows of the on/off ratio per workload (target ≤ 1.05).
"""

from __future__ import annotations

import argparse
import contextlib
import sqlite3
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from bench import load, wrk
from bench.gateway_suite import run_async
from bench.procs import GATEWAY_CPU, Server, free_port, start, wait_idle
from bench.targets import brickgate_env, start_mock
from bench.workloads import INBOUND_PATHS, workload

WORKLOADS = ("chat-json", "chat-stream-32", "messages-to-chat-stream-32")
TARGET_RATIO = 1.05
LEDGER_QUIET_S = 0.7  # longer than the ledger's flush interval (0.5 s): its last batch lands inside


@dataclass
class Gateway:
    name: str  # "ledger-on" | "ledger-off"
    server: Server
    home: Path
    answered: int = 0  # requests completed by this gateway, warm-up included


def start_gateway(name: str, mock: Server, work: Path, *, ledger: bool) -> Gateway:
    home = work / f"{name}-home"
    env = brickgate_env(mock.url, home)
    if not ledger:
        with (home / "config.toml").open("a") as config:
            config.write("usage_ledger = false\n")
    port = free_port()
    cmd = [sys.executable, "-m", "brickgate.cli.main", "--surface", "serving-endpoints", "serve"]
    server = start(
        name,
        [*cmd, "--port", str(port)],
        cpu=GATEWAY_CPU,
        log_dir=work,
        env=env,
        ready_url=f"http://127.0.0.1:{port}/health",
    )
    return Gateway(name, server, home)


def window(
    gateways: list[Gateway], name: str, concurrency: int, seconds: int, use_wrk: bool, work: Path
) -> list[float]:
    """One measured window: every gateway driven at once (so all see the same load from the rest of the
    machine); microseconds of gateway CPU per completed request, per gateway."""
    w = workload(name)
    path, body = INBOUND_PATHS[w.inbound], w.body()
    servers = [gw.server for gw in gateways]
    wait_idle(servers, quiet_s=LEDGER_QUIET_S)
    before = [s.cpu_seconds() for s in servers]
    with ThreadPoolExecutor(len(gateways)) as pool:
        counts = list(
            pool.map(
                lambda gw: _drive(gw, path, body, w.terminal(w.inbound), concurrency, seconds, use_wrk, work),
                gateways,
            )
        )
    wait_idle(servers, quiet_s=LEDGER_QUIET_S)
    return [(s.cpu_seconds() - b) / done * 1e6 for s, b, done in zip(servers, before, counts, strict=True)]


def _drive(
    gw: Gateway,
    path: str,
    body: bytes,
    terminal: bytes,
    concurrency: int,
    seconds: int,
    use_wrk: bool,
    work: Path,
) -> int:
    if use_wrk:
        headers = {"Content-Type": "application/json", "Authorization": "Bearer x", "anthropic-version": "1"}
        scratch = work / gw.name
        scratch.mkdir(exist_ok=True)
        result = wrk.run(gw.server.url + path, body, headers, concurrency, seconds, scratch)
        done, errors = result.requests, result.errors
    else:
        call = load.make_call(gw.server.url, path, body, "x", terminal)
        run = run_async(load.closed_loop(call, concurrency, seconds))
        done, errors = sum(s.ok for s in run.samples), len(run.errors) + run.timed_out
    if errors or not done:
        raise SystemExit(f"{gw.name}: {errors} failed requests; see {gw.server.log}")
    gw.answered += done
    return done


def rows_recorded(home: Path) -> int:
    path = home / "usage.sqlite3"
    if not path.exists():
        return 0
    with contextlib.closing(sqlite3.connect(path)) as conn:
        return int(conn.execute("SELECT COUNT(*) FROM requests").fetchone()[0])


def settled_rows(gw: Gateway, wait: float = 30.0) -> int:
    """The rows in ``gw``'s ledger once they stop growing (its thread may still be writing the last batch)."""
    deadline = time.monotonic() + wait
    rows = rows_recorded(gw.home)
    while time.monotonic() < deadline:
        time.sleep(1.0)
        now = rows_recorded(gw.home)
        if now == rows:
            break
        rows = now
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reps", type=int, default=9, help="measured windows per workload")
    parser.add_argument("--seconds", type=int, default=3, help="length of one measured window")
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--workloads", default=",".join(WORKLOADS))
    parser.add_argument("--no-wrk", action="store_true", help="drive with the asyncio client instead of wrk")
    args = parser.parse_args(argv)
    use_wrk = not args.no_wrk and wrk.available()
    names = [n.strip() for n in args.workloads.split(",") if n.strip()]
    samples: dict[tuple[str, str], list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-ledger-") as tmp, contextlib.ExitStack() as stack:
        work = Path(tmp)
        mock = start_mock(work)
        stack.callback(mock.stop)
        gateways = []
        for name, on in (("ledger-on", True), ("ledger-off", False)):
            gw = start_gateway(name, mock, work, ledger=on)
            stack.callback(gw.server.stop)
            gateways.append(gw)
        for name in names:  # warm-up: listings cached, code paths hot, the ledger file created
            window(gateways, name, args.concurrency, 1, use_wrk, work)
        started = time.monotonic()
        for rep in range(args.reps):
            for name in names:
                on, off = window(gateways, name, args.concurrency, args.seconds, use_wrk, work)
                samples.setdefault(("ledger-on", name), []).append(on)
                samples.setdefault(("ledger-off", name), []).append(off)
                samples.setdefault(("ratio", name), []).append(on / off)
                elapsed = time.monotonic() - started
                print(f"[{elapsed:5.0f}s] {rep} {name:<27} on {on:7.1f} off {off:7.1f} µs/req {on / off:.3f}")
        recorded = settled_rows(gateways[0])
        unrecorded = rows_recorded(gateways[1].home)
        answered = gateways[0].answered
    print(report(samples, names, args, use_wrk, recorded, unrecorded, answered))
    ratios = [
        statistics.median(samples["ledger-on", n]) / statistics.median(samples["ledger-off", n])
        for n in names
    ]
    return 0 if max(ratios) <= TARGET_RATIO else 1


def report(
    samples: dict[tuple[str, str], list[float]],
    names: list[str],
    args: argparse.Namespace,
    use_wrk: bool,
    recorded: int,
    unrecorded: int,
    answered: int,
) -> str:
    driver = "wrk" if use_wrk else "asyncio client"
    lines = [
        f"Ledger on vs off: {args.reps} windows x {args.seconds} s, both gateways driven at once at "
        f"c={args.concurrency} each ({driver}), both on CPU {GATEWAY_CPU}; median (min-max) CPU per request.",
        "",
        "| workload | ledger off µs/req | ledger on µs/req | on / off (median of paired windows) | ≤ 1.05 |",
        "|---|---|---|---|---|",
    ]
    for name in names:
        off, on = samples["ledger-off", name], samples["ledger-on", name]
        ratio = statistics.median(samples["ratio", name])
        verdict = "pass" if ratio <= TARGET_RATIO else "MISS"
        lines.append(f"| {name} | {_cell(off)} | {_cell(on)} | {ratio:.3f} | {verdict} |")
    lines += [
        "",
        f"Ledger on: {answered:,} requests counted by the load generator (those in flight when a window"
        f" closed come on top), {recorded:,} rows in its ledger. Ledger off: {unrecorded:,} rows.",
    ]
    return "\n".join(lines)


def _cell(values: list[float]) -> str:
    return f"{statistics.median(values):.0f} ({min(values):.0f}-{max(values):.0f})"


if __name__ == "__main__":
    raise SystemExit(main())
