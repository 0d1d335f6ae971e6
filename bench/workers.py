"""`serve --workers 2` vs `--workers 1`: throughput on this machine, as a ratio measured in one run.

    python -m bench.workers                        # 3 windows x 2 workloads x 2 gateways (~1 min)
    python -m bench.workers --seconds 2 --reps 1   # a quick look

Both gateways run against the mock upstream at once (started once, driven one at a time, alternating, so
a change in the machine's load hits both), unpinned: the point is whether a second process uses the second
core. The mock and wrk are unpinned too and compete for the same two cores, as they would on a small host;
the ratio is therefore a floor for a gateway with the machine to itself.
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import sys
import tempfile
from pathlib import Path

from bench import wrk
from bench.procs import Server, free_port, start, wait_idle
from bench.targets import brickgate_env, start_mock
from bench.workloads import INBOUND_PATHS, workload

WORKLOADS = ("chat-json", "chat-stream-32")
HEADERS = {"Content-Type": "application/json", "Authorization": "Bearer x"}


def start_gateway(workers: int, mock: Server, work: Path) -> Server:
    env = brickgate_env(mock.url, work / f"home-{workers}")
    port = free_port()
    cmd = [sys.executable, "-m", "brickgate.cli.main", "--surface", "serving-endpoints", "serve", "--quiet"]
    return start(
        f"workers-{workers}",
        [*cmd, "--port", str(port), "--workers", str(workers)],
        cpu=None,
        log_dir=work,
        env=env,
        ready_url=f"http://127.0.0.1:{port}/health",
    )


def rps(server: Server, name: str, concurrency: int, seconds: int, work: Path) -> float:
    w = workload(name)
    scratch = work / server.name
    scratch.mkdir(exist_ok=True)
    result = wrk.run(server.url + INBOUND_PATHS[w.inbound], w.body(), HEADERS, concurrency, seconds, scratch)
    if result.errors or not result.requests:
        raise SystemExit(f"{server.name}: {result.errors} failed requests; see {server.log}")
    return result.rps


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=4)
    parser.add_argument("--concurrency", type=int, default=64)
    args = parser.parse_args(argv)
    if not wrk.available():
        raise SystemExit("needs wrk (apt-get install -y wrk)")
    samples: dict[tuple[int, str], list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-workers-") as tmp, contextlib.ExitStack() as stack:
        work = Path(tmp)
        mock = start_mock(work)
        stack.callback(mock.stop)
        gateways = {}
        for n in (1, 2):
            gateways[n] = start_gateway(n, mock, work)
            stack.callback(gateways[n].stop)
        for name in WORKLOADS:  # warm-up: listings cached in every worker, code paths hot
            for server in gateways.values():
                rps(server, name, args.concurrency, 1, work)
        for rep in range(args.reps):
            for name in WORKLOADS:
                for n, server in gateways.items():
                    wait_idle([server])
                    value = rps(server, name, args.concurrency, args.seconds, work)
                    samples.setdefault((n, name), []).append(value)
                    print(f"{rep} {name:<16} workers={n} {value:8.0f} req/s", flush=True)
    print(report(samples, args))
    return 0


def report(samples: dict[tuple[int, str], list[float]], args: argparse.Namespace) -> str:
    median = statistics.median
    lines = [
        f"`serve --workers 2` vs `--workers 1`: {args.reps} windows x {args.seconds} s per cell, wrk "
        f"c={args.concurrency}, gateway, mock and wrk sharing the machine's cores; median req/s.",
        "",
        "| workload | 1 worker req/s | 2 workers req/s | 2 / 1 |",
        "|---|---|---|---|",
    ]
    for name in WORKLOADS:
        one, two = median(samples[1, name]), median(samples[2, name])
        lines.append(f"| {name} | {one:,.0f} | {two:,.0f} | {two / one:.2f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
