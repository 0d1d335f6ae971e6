"""Run the benchmarks: `python bench/run.py [--quick | --smoke]` (see bench/README.md).

Writes bench/results/<stamp>/results.json (environment, settings, raw samples) and results.md (the tables
and the targets' verdicts), and copies the Markdown to bench/results/latest.md.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import json
import os
import platform
import re
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # `python bench/run.py`: make `bench` importable from the repo root
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import cli_suite, report, verdicts, wrk
from bench.gateway_suite import Plan, run_suite
from bench.procs import DRIVER_CPU, GATEWAY_CPU, machine_busy
from bench.targets import LITELLM_VERSION
from bench.workloads import QUICK_WORKLOADS, WORKLOADS, workload

BENCH = Path(__file__).resolve().parent
README_START, README_END = "<!-- results:start -->", "<!-- results:end -->"


def plan_for(args: argparse.Namespace) -> Plan:
    targets = (
        ("direct", "floor", "brickgate")
        if args.smoke or args.no_litellm
        else ("direct", "floor", "brickgate", "litellm")
    )
    if args.smoke:
        return Plan(
            1,
            WORKLOADS,
            (2,),
            targets,
            0.1,
            0.1,
            5,
            3.0,
            use_wrk=False,
            warmup_seconds=0.05,
            paired_warmup=2,
            settle=False,
        )
    use_wrk = not args.no_wrk
    if args.quick:
        quick = tuple(w for w in WORKLOADS if w.name in QUICK_WORKLOADS)
        return Plan(1, quick, (1, 32, 256), targets, 1, 0.5, 100, 5.0, use_wrk=use_wrk)
    return Plan(args.reps, WORKLOADS, (1, 32, 256), targets, 1, 1.0, 300, 8.0, use_wrk=use_wrk)


def environment() -> dict[str, Any]:
    cpu = re.search(r"model name\s*:\s*(.*)", Path("/proc/cpuinfo").read_text())
    versions = {}
    for pkg in ("uvicorn", "uvloop", "httptools", "aiohttp", "starlette", "orjson", "databricks-sdk"):
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = "absent"
    rev = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=BENCH, capture_output=True, text=True
    ).stdout
    wrk_version = ""
    if wrk.available():
        wrk_version = (
            subprocess.run(["wrk", "-v"], capture_output=True, text=True).stdout.split("Copyright")[0].strip()
        )
    return {
        "cpu": cpu.group(1) if cpu else platform.processor(),
        "cpus": os.cpu_count(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "packages": versions,
        "brickgate_commit": rev.strip(),
        "litellm": LITELLM_VERSION,
        "wrk": wrk_version,
        "pinning": f"gateway on CPU {GATEWAY_CPU}; mock, wrk, latency client and harness on CPU {DRIVER_CPU}",
        "loadavg": Path("/proc/loadavg").read_text().split()[:3],
    }


def markdown(results: dict[str, Any]) -> str:
    s = report.Summary(results)
    env, plan = results["environment"], results["plan"]
    parts = [
        f"Run {results['stamp']} ({results['mode']}), {results['wall_s']:.0f} s wall. "
        f"{env['cpu']}, {env['cpus']} CPUs, Linux {env['kernel']}, Python {env['python']}, "
        f"brickgate {env['brickgate_commit']}, LiteLLM {env['litellm']}. "
        f"{env['pinning']}. CPU 1 busy before start: {results['cpu1_busy_before']:.0%}. "
        f"{plan['reps']} repetition(s): median (min-max).",
        "### Targets\n\n" + verdicts.verdict_table(verdicts.verdicts(s)),
    ]
    if results.get("cells"):
        parts += [
            "### Gateway CPU per request and per delivered SSE event (µs)\n\n" + report.cpu_table(s),
            "### Throughput (req/s, "
            + ("wrk" if plan["use_wrk"] else "asyncio client")
            + ")\n\n"
            + report.throughput_table(s),
            "### Added latency over direct at c=1 (paired, interleaved rounds)\n\n" + report.latency_table(s),
            "### Latency under concurrency (asyncio client, closed loop)\n\n"
            + report.concurrency_latency_table(s),
            "### Memory\n\n" + report.memory_table(s),
        ]
    if results.get("cli"):
        parts.append("### CLI start-up and discovery\n\n" + report.cli_table(s))
    if results.get("mock_unknown_paths"):
        parts.append("Mock answered 404 to: " + "; ".join(results["mock_unknown_paths"]))
    return "\n\n".join(parts) + "\n"


def update_readme(md: str) -> None:
    readme = BENCH / "README.md"
    text = readme.read_text()
    start, end = text.index(README_START) + len(README_START), text.index(README_END)
    readme.write_text(text[:start] + "\n" + md + text[end:])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="brickgate benchmarks (see bench/README.md)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="one repetition, three workloads (≤ 2 min)")
    mode.add_argument("--smoke", action="store_true", help="a handful of requests per target, no wrk (tests)")
    parser.add_argument("--reps", type=int, default=3, help="repetitions in a full run")
    parser.add_argument("--no-litellm", action="store_true", help="skip LiteLLM (no venv install)")
    parser.add_argument(
        "--no-wrk", action="store_true", help="throughput from the asyncio client instead of wrk"
    )
    parser.add_argument("--no-cli", action="store_true", help="skip CLI start-up and discovery")
    parser.add_argument("--no-gateway", action="store_true", help="skip the gateway suite")
    parser.add_argument("--workloads", help="comma-separated workload names (default: the mode's set)")
    parser.add_argument("--force", action="store_true", help="run even when CPU 1 is busy")
    parser.add_argument("--out", type=Path, help="results directory (default bench/results/<stamp>)")
    parser.add_argument("--render", type=Path, help="only re-render the report of an existing results.json")
    parser.add_argument("--update-readme", action="store_true", help="put the tables into bench/README.md")
    args = parser.parse_args(argv)

    if args.render:
        md = markdown(json.loads(args.render.read_text()))
        args.render.with_name("results.md").write_text(md)
        if args.update_readme:
            update_readme(md)
        print(md)
        return 0
    plan = plan_for(args)
    if args.workloads:
        plan = dataclasses.replace(plan, workloads=tuple(workload(n) for n in args.workloads.split(",")))
    if plan.use_wrk and not wrk.available():
        print(f"wrk is not installed: {wrk.INSTALL_HINT}", file=sys.stderr)
        return 2
    busy = machine_busy()
    if busy > 0.25 and not (args.force or args.smoke or args.quick):
        print(
            f"CPU {GATEWAY_CPU} was {busy:.0%} busy before the run; numbers would be noise. "
            "Wait for a quiet machine or pass --force.",
            file=sys.stderr,
        )
        return 3
    if (os.cpu_count() or 1) >= 2:
        os.sched_setaffinity(0, {DRIVER_CPU})
    mode_name = "smoke" if args.smoke else "quick" if args.quick else "full"
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    out = args.out or BENCH / "results" / f"{stamp}-{mode_name}"
    out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    results: dict[str, Any] = {
        "stamp": stamp,
        "mode": mode_name,
        "plan": _plan_dict(plan),
        "cpu1_busy_before": busy,
    }
    results["environment"] = environment()
    if not args.no_gateway:
        results.update(run_suite(plan, out))
    if not (args.no_cli or args.smoke):
        results.update(cli_suite.run_cli_suite(out, runs=3 if args.quick else 10))
    results["wall_s"] = time.monotonic() - started
    (out / "results.json").write_text(json.dumps(results, indent=1, default=str))
    md = markdown(results)
    (out / "results.md").write_text(md)
    if args.out is None:
        (BENCH / "results" / "latest.md").write_text(md)
    if args.update_readme:
        update_readme(md)
    print(md)
    print(f"results: {out}")
    return 0


def _plan_dict(plan: Plan) -> dict[str, Any]:
    return {
        "reps": plan.reps,
        "workloads": [w.name for w in plan.workloads],
        "concurrencies": list(plan.concurrencies),
        "targets": list(plan.targets),
        "throughput_seconds": plan.throughput_seconds,
        "latency_seconds": plan.latency_seconds,
        "paired_rounds": plan.paired_rounds,
        "use_wrk": plan.use_wrk,
    }


if __name__ == "__main__":
    sys.exit(main())
