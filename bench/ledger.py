"""What the usage ledger costs: CPU per request of `brickgate serve` with the ledger on vs off.

    python -m bench.ledger                      # 9 windows x 3 workloads at c=32 (~3 min)
    python -m bench.ledger --reps 2 --seconds 2 # a quick look

Two gateways against the mock upstream, both pinned to the gateway CPU: one as shipped (ledger on), one
with ``usage_ledger = false`` in its config.toml. Each window drives both at once, by one wrk each (or the
asyncio client with --no-wrk), so both see the same load from the rest of a shared machine. CPU is
utime+stime per thread from /proc/PID/task, sampled after each gateway went quiet again (so the ledger
thread's batch for the window's last requests is counted): the ledger thread's share is exactly the
ledger's off-path cost, and the event-loop threads of the two gateways differ by its hot-path cost plus
noise. The verdict is (event loop + ledger thread, ledger on) / (ledger off), medians over the windows
(target ≤ 1.05).
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
from bench.procs import CLOCK_TICKS, GATEWAY_CPU, Server, free_port, start, wait_idle
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
) -> list[tuple[float, float]]:
    """One measured window: every gateway driven at once (so all see the same load from the rest of the
    machine); per gateway, microseconds of CPU per completed request in its event-loop thread and in its
    other threads (with the ledger on: the ledger's thread)."""
    w = workload(name)
    path, body = INBOUND_PATHS[w.inbound], w.body()
    servers = [gw.server for gw in gateways]
    wait_idle(servers, quiet_s=LEDGER_QUIET_S)
    before = [thread_cpu(s.pid) for s in servers]
    with ThreadPoolExecutor(len(gateways)) as pool:
        counts = list(
            pool.map(
                lambda gw: _drive(gw, path, body, w.terminal(w.inbound), concurrency, seconds, use_wrk, work),
                gateways,
            )
        )
    wait_idle(servers, quiet_s=LEDGER_QUIET_S)
    after = [thread_cpu(s.pid) for s in servers]
    return [
        ((a[0] - b[0]) / done * 1e6, (a[1] - b[1]) / done * 1e6)
        for b, a, done in zip(before, after, counts, strict=True)
    ]


def thread_cpu(pid: int) -> tuple[float, float]:
    """(CPU seconds of the process's main thread, of all its other threads) from /proc/PID/task."""
    main = others = 0.0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # the thread ended meanwhile
            continue
        seconds = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
        if int(task.name) == pid:
            main += seconds
        else:
            others += seconds
    return main, others


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
                (on_main, on_ledger), (off_main, off_other) = window(
                    gateways, name, args.concurrency, args.seconds, use_wrk, work
                )
                for key, value in (
                    ("on-main", on_main),
                    ("on-ledger", on_ledger),
                    ("off-main", off_main),
                    ("off-other", off_other),
                ):
                    samples.setdefault((key, name), []).append(value)
                elapsed = time.monotonic() - started
                print(
                    f"[{elapsed:5.0f}s] {rep} {name:<27} on {on_main:6.0f} + {on_ledger:4.0f} "
                    f"off {off_main:6.0f} + {off_other:4.0f} µs/req",
                    flush=True,
                )
        recorded = settled_rows(gateways[0])
        unrecorded = rows_recorded(gateways[1].home)
        answered = gateways[0].answered
    print(report(samples, names, args, use_wrk, recorded, unrecorded, answered))
    return 0 if max(ratio(samples, n) for n in names) <= TARGET_RATIO else 1


def ratio(samples: dict[tuple[str, str], list[float]], name: str) -> float:
    """CPU per request with the ledger on (event loop + ledger thread) over off (both gateways' other
    threads are idle without the ledger), from the medians over the windows."""
    median = statistics.median
    on = median(samples["on-main", name]) + median(samples["on-ledger", name])
    return on / (median(samples["off-main", name]) + median(samples["off-other", name]))


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
        f"c={args.concurrency} each ({driver}), both on CPU {GATEWAY_CPU}; CPU per request by thread, "
        "median (min-max) over the windows.",
        "",
        "| workload | off: event loop µs/req | on: event loop µs/req | on: ledger thread µs/req "
        "| on / off | ≤ 1.05 |",
        "|---|---|---|---|---|---|",
    ]
    for name in names:
        on_off = ratio(samples, name)
        verdict = "pass" if on_off <= TARGET_RATIO else "MISS"
        cells = (_cell(samples[k, name]) for k in ("off-main", "on-main", "on-ledger"))
        lines.append(f"| {name} | {' | '.join(cells)} | {on_off:.3f} | {verdict} |")
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
