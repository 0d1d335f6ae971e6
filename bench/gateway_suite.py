"""Gateway cost: every target on every workload, interleaved, repeated; raw numbers for the report."""

from __future__ import annotations

import asyncio
import contextlib
import random
import statistics
import time
from collections.abc import Callable, Coroutine
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TypeVar

from bench import load, wrk
from bench.procs import Server, wait_idle
from bench.targets import Target, start_brickgate, start_floor, start_litellm, start_mock
from bench.workloads import Workload

T = TypeVar("T")
TARGET_NAMES = ("direct", "floor", "brickgate", "litellm")


@dataclass(frozen=True, slots=True)
class Plan:
    reps: int
    workloads: tuple[Workload, ...]
    concurrencies: tuple[int, ...]
    targets: tuple[str, ...]
    throughput_seconds: float
    latency_seconds: float
    paired_rounds: int
    paired_seconds: float
    use_wrk: bool
    warmup_seconds: float = 0.3  # per target and workload, before anything is measured
    paired_warmup: int = 10  # discarded rounds
    settle: bool = True  # wait for idle CPUs before each cell
    once_over_s: float = 3.0  # cells whose one wave of requests takes longer run in the first repetition only


def run_async(coro: Coroutine[Any, Any, T]) -> T:
    try:
        import uvloop

        return uvloop.run(coro)
    except ImportError:
        return asyncio.run(coro)


def call_for(target: Target, w: Workload) -> load.Call:
    return load.make_call(target.server.url, target.path(w), target.body(w), target.key, target.terminal(w))


def start_targets(
    names: tuple[str, ...], log_dir: Path, stack: contextlib.ExitStack
) -> tuple[Server, list[Target]]:
    """The mock plus each named target, each stopped (by pid) when ``stack`` closes."""
    mock = start_mock(log_dir)
    stack.callback(mock.stop)
    starters: dict[str, Callable[[], Target]] = {
        "direct": lambda: Target("direct", mock),
        "floor": lambda: start_floor(mock, log_dir),
        "floor-parse": lambda: start_floor(mock, log_dir, "floor-parse"),
        "floor-rewrite": lambda: start_floor(mock, log_dir, "floor-rewrite"),
        "brickgate": lambda: start_brickgate(mock, log_dir),
        "litellm": lambda: start_litellm(mock, log_dir),
    }
    targets = []
    for name in names:
        print(f"starting {name}...", flush=True)
        target = starters[name]()
        if name != "direct":
            stack.callback(target.server.stop)
        targets.append(target)
    return mock, targets


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _ms(values: list[int]) -> list[float]:
    return [v / 1e6 for v in values]


def warm_up(targets: list[Target], workloads: tuple[Workload, ...], seconds: float = 0.3) -> None:
    """A few requests per target and workload (first calls import and connect); any failure stops the run."""

    async def go() -> None:
        for t in targets:
            for w in workloads:
                if t.supports(w):
                    run = await load.closed_loop(call_for(t, w), 4, seconds)
                    if run.errors or run.timed_out:
                        raise RuntimeError(f"{t.name} fails {w.name}: {(run.errors or ['timed out'])[0]}")

    run_async(go())


def paired(targets: list[Target], w: Workload, plan: Plan, rep: int) -> list[dict[str, Any]]:
    present = [t for t in targets if t.supports(w)]
    calls = {t.name: call_for(t, w) for t in present}
    samples = run_async(
        load.paired_rounds(calls, plan.paired_rounds, plan.paired_warmup, plan.paired_seconds)
    )
    rows = []
    diffs = load.paired_differences(samples, "direct") if "direct" in samples else {}
    ttft_diffs = load.paired_differences(samples, "direct", "ttft_ns") if "direct" in samples else {}
    direct_p99 = _pct(_ms(load.ok_values(samples.get("direct", []), "total_ns")), 0.99)
    for name, got in samples.items():
        totals = _ms(load.ok_values(got, "total_ns"))
        row: dict[str, Any] = {
            "rep": rep,
            "workload": w.name,
            "target": name,
            "n": len(got),
            "errors": sum(1 for s in got if not s.ok),
            "first_error": next((s.error for s in got if not s.ok), ""),
            "events": statistics.median([s.events for s in got]) if got else 0,
            "p50_ms": _pct(totals, 0.5),
            "p99_ms": _pct(totals, 0.99),
            "ttft_p50_ms": _pct(_ms(load.ok_values(got, "ttft_ns")), 0.5),
        }
        if name in diffs:
            row["added_p50_ms"] = _pct(_ms(diffs[name]), 0.5)
            row["added_p99_ms"] = row["p99_ms"] - direct_p99
            row["added_ttft_p50_ms"] = _pct(_ms(ttft_diffs[name]), 0.5)
        rows.append(row)
    return rows


class Measured:
    """CPU of the target and the mock over one measured phase."""

    def __init__(self, target: Target, mock: Server) -> None:
        self.target, self.mock = target, mock
        self.cpu0, self.mock0 = target.server.cpu_seconds(), mock.cpu_seconds()

    def done(self) -> tuple[float, float]:
        return self.target.server.cpu_seconds() - self.cpu0, self.mock.cpu_seconds() - self.mock0


def cell(
    target: Target,
    mock: Server,
    w: Workload,
    c: int,
    plan: Plan,
    rep: int,
    workdir: Path,
    est_rps: float | None,
) -> dict[str, Any]:
    """Throughput and CPU per request from wrk, then latency at ``c`` from the asyncio client. When one
    wave of ``c`` requests takes longer than half the wrk window (LiteLLM), wrk would count only the fast
    survivors: the asyncio run, which lets every started request finish, gives throughput and CPU instead."""
    row: dict[str, Any] = {"rep": rep, "workload": w.name, "target": target.name, "c": c}
    row["idle_wait_s"] = wait_idle([target.server, mock]) if plan.settle else 0.0
    slow = est_rps is not None and c / max(est_rps, 1e-9) > plan.throughput_seconds / 2
    use_wrk = plan.use_wrk and not slow
    if use_wrk:
        phase = Measured(target, mock)
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {target.key}"}
        headers["anthropic-version"] = "2023-06-01"
        seconds = max(1, round(plan.throughput_seconds))
        result = wrk.run(target.server.url + target.path(w), target.body(w), headers, c, seconds, workdir)
        cpu, mock_cpu = phase.done()
        row["wrk"] = asdict(result)
        row.update(source="wrk", requests=result.requests, rps=result.rps, throughput_errors=result.errors)
        row.update(cpu_s=cpu, mock_cpu_s=mock_cpu)
    if c > 1 or not use_wrk:
        if use_wrk and plan.settle:
            wait_idle([target.server, mock])
        phase = Measured(target, mock)
        lat = run_async(load.closed_loop(call_for(target, w), c, plan.latency_seconds))
        cpu, mock_cpu = phase.done()
        row["latency"] = _latency_row(lat)
        if not use_wrk:
            ok = sum(1 for s in lat.samples if s.ok)
            row.update(source="asyncio", requests=ok, rps=ok / lat.wall_s, throughput_errors=0)
            row.update(cpu_s=cpu, mock_cpu_s=mock_cpu)
    row["cpu_us_per_req"] = row["cpu_s"] / row["requests"] * 1e6 if row["requests"] else float("nan")
    return row


def _latency_row(lat: load.Run) -> dict[str, Any]:
    totals = _ms(load.ok_values(lat.samples, "total_ns"))
    ttfts = _ms([v for v in load.ok_values(lat.samples, "ttft_ns") if v])
    return {
        "n": len(lat.samples),
        "wall_s": lat.wall_s,
        "errors": len(lat.errors) + lat.timed_out,
        "first_error": (lat.errors or [""])[0],
        "p50_ms": _pct(totals, 0.5),
        "p99_ms": _pct(totals, 0.99),
        "ttft_p50_ms": _pct(ttfts, 0.5),
        "ttft_p99_ms": _pct(ttfts, 0.99),
        "events": statistics.median([s.events for s in lat.samples]) if lat.samples else 0,
    }


def run_suite(plan: Plan, out_dir: Path) -> dict[str, Any]:
    """Targets interleaved in a fresh random order per cell; repetitions outermost. A cell whose single
    wave takes longer than ``Plan.once_over_s`` is measured in the first repetition only (time bound)."""
    log_dir = out_dir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {"cells": [], "paired": [], "memory": {}}
    est: dict[tuple[str, str], float] = {}
    with contextlib.ExitStack() as stack:
        mock, targets = start_targets(plan.targets, log_dir, stack)
        warm_up(targets, plan.workloads, plan.warmup_seconds)
        started = time.monotonic()
        for rep in range(plan.reps):
            for w in plan.workloads:
                results["paired"] += paired(targets, w, plan, rep)
                for c in plan.concurrencies:
                    order = [t for t in targets if t.supports(w)]
                    random.shuffle(order)
                    for t in order:
                        rate = est.get((t.name, w.name))
                        if rep > 0 and rate is not None and c / max(rate, 1e-9) > plan.once_over_s:
                            continue
                        row = cell(t, mock, w, c, plan, rep, log_dir, rate)
                        if row["rps"] > 0:
                            est[(t.name, w.name)] = row["rps"]
                        results["cells"].append(row)
                        _progress(row, time.monotonic() - started)
        for t in targets:
            now, peak = t.server.rss_mb()
            results["memory"][t.name] = {"rss_mb": now, "peak_rss_mb": peak}
        results["mock_unknown_paths"] = [
            line for line in mock.log.read_text(errors="replace").splitlines() if line.startswith("mock: 404")
        ]
    return results


def _progress(row: dict[str, Any], elapsed: float) -> None:
    lat = row.get("latency", {})
    print(
        f"[{elapsed:6.1f}s] rep {row['rep']} {row['workload']:<27} {row['target']:<9} c={row['c']:<3} "
        f"{row['rps']:8.0f} req/s ({row['source']})  cpu {row['cpu_us_per_req']:8.0f} us/req  "
        f"errors {row['throughput_errors']}"
        + (f"  p50 {lat['p50_ms']:.2f} ms p99 {lat['p99_ms']:.2f} ms" if lat else ""),
        flush=True,
    )
