"""Agent-sized requests: what brickgate costs on the bodies real agents send (issue 17).

    python -m bench.agent_sized                  # 2 repetitions, every workload, LiteLLM too (~20 min)
    python -m bench.agent_sized --quick          # 1 repetition, 200 KB only, no LiteLLM (~2 min)
    python -m bench.agent_sized --smoke          # tiny bodies, a few requests each (the test suite runs this)

Bodies: one recorded request per agent (bench/recorded/, bench/record_agents.py) grown to 20 KB, 200 KB and
1 MB (bench/agent_bodies.py), streamed answers of 32 deltas. Paths: each agent's own API to a model that
speaks it (same-API relay) and to a model that does not (translated). References measured in the same
run: the floor relay forwarding the same bytes to the mock in the agent's own API, the same relay parsing
the body first (``floor-parse``) and parsing and writing it again (``floor-rewrite``), and ``orjson.loads`` +
``orjson.dumps`` of the body in a process pinned to the gateway CPU. CPU per request from /proc at c=4
(closed loop), throughput at c=4, added latency at c=1 (paired, interleaved rounds against direct).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import load
from bench.agent_bodies import RECORDINGS, agent_body, encoded
from bench.fixtures import TERMINAL_MARK, Api
from bench.gateway_suite import Measured, run_async, start_targets
from bench.procs import GATEWAY_CPU, pinned, wait_idle
from bench.targets import FLOORS, Target, start_brickgate
from bench.workloads import CHAT_MODEL, CLAUDE_MODEL, GPT_MODEL, INBOUND_PATHS, UPSTREAM_PATHS

KB = 1000
SIZES = (20 * KB, 200 * KB, 1000 * KB)
EVENTS = 32
MODEL_OF: dict[Api, str] = {"messages": CLAUDE_MODEL, "responses": GPT_MODEL, "chat": CHAT_MODEL}
# agent -> the upstream API of its translated path (Claude Code and Codex on Llama; opencode's Chat
# provider on Claude). A new wire (Gemini CLI) is one line here and one in agent_bodies.RECORDINGS.
TRANSLATED_TO: dict[str, Api] = {"claude-code": "chat", "codex": "chat", "opencode": "messages"}
IMAGE_KB = 500  # one workload per path carries a screenshot this size (base64 KB)


@dataclass(frozen=True)
class AgentWorkload:
    agent: str
    size: int
    upstream: Api
    image_kb: int = 0
    body: bytes = field(default=b"", repr=False, compare=False)

    @property
    def inbound(self) -> Api:
        return RECORDINGS[self.agent]

    @property
    def translated(self) -> bool:
        return self.inbound != self.upstream

    @property
    def name(self) -> str:
        path = f"-to-{self.upstream}" if self.translated else ""
        image = f"+img{self.image_kb}k" if self.image_kb else ""
        return f"{self.agent}{path}-{self.size // KB}k{image}"


def workloads(sizes: tuple[int, ...], image_kb: int) -> list[AgentWorkload]:
    """Every size on both paths of every recorded agent, plus (``image_kb``) one body per path with an
    image on the middle size's history."""
    shapes = [(size, 0) for size in sizes]
    if image_kb:
        shapes.append((sorted(sizes)[len(sizes) // 2], image_kb))
    out = []
    for agent, inbound in RECORDINGS.items():
        for upstream in (inbound, TRANSLATED_TO[agent]):
            for size, image_kb in shapes:
                doc = agent_body(
                    agent, size, model=MODEL_OF[upstream], marker=f"bench-events={EVENTS}", image_kb=image_kb
                )
                out.append(AgentWorkload(agent, size, upstream, image_kb, encoded(doc)))
    return out


def named_workload(name: str) -> AgentWorkload:
    """The agent-sized workload called ``name`` (``codex-to-chat-200k``, ``claude-code-200k+img500k``)."""
    size_part = name.rsplit("-", 1)[-1]
    size = int(size_part.split("k", 1)[0]) * KB
    image_kb = int(size_part.split("+img", 1)[1].rstrip("k")) if "+img" in size_part else 0
    for w in workloads((size,), image_kb):
        if w.name == name:
            return w
    raise KeyError(f"unknown agent-sized workload {name!r} (e.g. claude-code-200k, codex-to-chat-1000k)")


def calls_for(targets: list[Target], w: AgentWorkload) -> dict[str, load.Call]:
    """Every target gets the same bytes; `direct` and the floor reach the mock in the agent's own API."""
    calls = {}
    for t in targets:
        path = UPSTREAM_PATHS[w.inbound] if t.direct else INBOUND_PATHS[w.inbound]
        calls[t.name] = load.make_call(t.server.url, path, w.body, t.key, TERMINAL_MARK[w.inbound])
    return calls


def orjson_reference(body: bytes, work: Path, rounds: int = 30) -> float:
    """µs of CPU for ``orjson.loads`` + ``orjson.dumps`` of ``body``, median of ``rounds``, in a fresh
    process pinned to the gateway CPU (the same CPU, the same load, as the gateways)."""
    path = work / "orjson-body.json"
    path.write_bytes(body)
    code = (
        "import orjson,sys,time,statistics\nb=open(sys.argv[1],'rb').read()\nt=[]\n"
        f"for _ in range({rounds}):\n s=time.process_time_ns();orjson.dumps(orjson.loads(b));"
        "t.append(time.process_time_ns()-s)\nprint(statistics.median(t)/1000)"
    )
    cmd = pinned([sys.executable, "-c", code, str(path)], GATEWAY_CPU)
    out = subprocess.run(cmd, capture_output=True, text=True, check=True)
    return float(out.stdout)


def cpu_cell(
    t: Target, mock: Any, call: load.Call, concurrency: int, seconds: float, quiet: list[Any] | None = None
) -> dict[str, Any]:
    """One closed-loop window on ``t``, begun once ``quiet`` (default: ``t`` and the mock) use no CPU."""
    wait_idle(quiet or [t.server, mock])
    phase = Measured(t, mock)
    run = run_async(load.closed_loop(call, concurrency, seconds))
    cpu, mock_cpu = phase.done()
    ok = sum(1 for s in run.samples if s.ok)
    return {
        "requests": ok,
        "errors": len(run.errors) + run.timed_out,
        "first_error": (run.errors or [""])[0][:200],
        "wall_s": run.wall_s,
        "cpu_s": cpu,
        "mock_cpu_s": mock_cpu,
    }


def cpu_cells(
    targets: list[Target], mock: Any, calls: dict[str, load.Call], args: argparse.Namespace
) -> dict[str, dict[str, Any]]:
    """Every target's closed loop in ``args.slices`` short turns, the targets shuffled in each turn. This
    VM's speed drifts from second to second (the same parse took 0.3 or 0.6 ms a few seconds apart): one
    long window per target measured each target at another speed, and the ratios moved with it. Every turn
    begins once all of them are quiet: LiteLLM still works after its window ends, on the same CPU, and the
    next target's CPU per request doubled on some cells."""
    turns: dict[str, list[dict[str, Any]]] = {t.name: [] for t in targets}
    everyone = [mock, *(t.server for t in targets)]
    for _ in range(args.slices):
        order = list(targets)
        random.shuffle(order)
        for t in order:
            seconds = args.seconds * (2 if t.name == "litellm" else 1) / args.slices
            turns[t.name].append(cpu_cell(t, mock, calls[t.name], args.concurrency, seconds, everyone))
    return {name: combined(parts) for name, parts in turns.items()}


def combined(parts: list[dict[str, Any]]) -> dict[str, Any]:
    """The turns of one target as one cell: totals, so a turn with few requests weighs little."""
    ok = sum(p["requests"] for p in parts)
    wall, cpu, mock_cpu = (sum(p[key] for p in parts) for key in ("wall_s", "cpu_s", "mock_cpu_s"))
    return {
        "requests": ok,
        "errors": sum(p["errors"] for p in parts),
        "first_error": next((p["first_error"] for p in parts if p["first_error"]), ""),
        "rps": ok / wall if wall else float("nan"),
        "cpu_us_per_req": cpu / ok * 1e6 if ok else float("nan"),
        "mock_cpu_us_per_req": mock_cpu / ok * 1e6 if ok else float("nan"),
        "turns_us_per_req": [p["cpu_s"] / p["requests"] * 1e6 if p["requests"] else None for p in parts],
    }


def paired_cell(calls: dict[str, load.Call], rounds: int, seconds: float) -> dict[str, Any]:
    samples = run_async(load.paired_rounds(calls, rounds, 3, seconds))
    diffs = load.paired_differences(samples, "direct")
    out: dict[str, Any] = {}
    for name, got in samples.items():
        errors = sum(1 for s in got if not s.ok)
        added = statistics.median(diffs[name]) / 1e6 if diffs.get(name) else float("nan")
        totals = load.ok_values(got, "total_ns")
        p50 = statistics.median(totals) / 1e6 if totals else float("nan")
        out[name] = {"n": len(got), "errors": errors, "p50_ms": p50, "added_p50_ms": added}
    return out


def run(args: argparse.Namespace, out_dir: Path) -> dict[str, Any]:
    sizes = tuple(int(s) * KB for s in args.sizes.split(","))
    chosen = workloads(sizes, args.image_kb)
    if args.only:
        chosen = [w for w in chosen if any(part in w.name for part in args.only.split(","))]
    names = ("direct", *FLOORS, "brickgate") + (() if args.no_litellm else ("litellm",))
    results: dict[str, Any] = {"workloads": [w.name for w in chosen], "cells": [], "argv": sys.argv[1:]}
    log_dir = out_dir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    with contextlib.ExitStack() as stack:
        mock, targets = start_targets(names, log_dir, stack)
        if args.before:  # the same gateway from another checkout, measured alongside
            before = start_brickgate(mock, log_dir, name="before", src=args.before)
            stack.callback(before.server.stop)
            targets.append(before)
        for w in chosen[:1]:  # warm-up: imports, connections, the listing cached
            for t in targets:
                run_async(load.closed_loop(calls_for([t], w)[t.name], 2, 0.3))
        for rep in range(args.reps):
            for w in chosen:
                row: dict[str, Any] = {"rep": rep, "workload": w.name, "bytes": len(w.body)}
                row["translated"] = w.translated
                row["orjson_us"] = orjson_reference(w.body, log_dir)
                calls = calls_for(targets, w)
                # a 1 MB round through LiteLLM takes ~0.5 s: bigger bodies get more time for their rounds
                seconds = args.paired_seconds * max(1.0, len(w.body) / (200 * KB))
                row["paired"] = paired_cell(calls, args.rounds, seconds)
                row.update(cpu_cells([t for t in targets if not t.direct], mock, calls, args))
                results["cells"].append(row)
                _progress(row, time.monotonic() - started)
        results["memory"] = {t.name: dict(zip(("rss_mb", "peak_mb"), t.server.rss_mb(), strict=True))
                             for t in targets if not t.direct}  # fmt: skip
    return results


def _progress(row: dict[str, Any], elapsed: float) -> None:
    names = [name for name in (*FLOORS, "before", "brickgate", "litellm") if name in row]
    cpu = "  ".join(f"{name} {row[name]['cpu_us_per_req']:7.0f}" for name in names)
    added = "  ".join(f"{k} {v['added_p50_ms']:.2f}" for k, v in row["paired"].items() if k != "direct")
    print(
        f"[{elapsed:5.0f}s] {row['rep']} {row['workload']:<30} {row['bytes']:>8,} B  orjson "
        f"{row['orjson_us']:6.0f}  cpu µs/req {cpu}  added p50 ms {added}",
        flush=True,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reps", type=int, default=2)
    parser.add_argument("--sizes", default="20,200,1000", help="body sizes in KB")
    parser.add_argument("--only", default="", help="comma-separated parts of workload names to keep")
    parser.add_argument("--seconds", type=float, default=2.0, help="closed-loop window per target")
    parser.add_argument("--slices", type=int, default=4, help="turns each target's window is cut into")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=60, help="paired rounds at c=1")
    parser.add_argument("--paired-seconds", type=float, default=3.0)
    parser.add_argument("--no-litellm", action="store_true")
    parser.add_argument("--image-kb", type=int, default=IMAGE_KB, help="0: no image workloads")
    parser.add_argument("--quick", action="store_true", help="1 repetition, 200 KB, no LiteLLM")
    parser.add_argument("--smoke", action="store_true", help="tiny bodies, a few requests (no timing)")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument(
        "--before", type=Path, default=None, help="another checkout's src/: a 'before' target"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.reps, args.sizes, args.no_litellm = 1, "200", True
    if args.smoke:
        args.reps, args.sizes, args.no_litellm, args.seconds, args.image_kb = 1, "20", True, 0.2, 10
        args.rounds, args.paired_seconds, args.concurrency, args.slices = 3, 0.5, 2, 2
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    out = args.out or Path(__file__).parent / "results" / f"{stamp}-agent-sized"
    out.mkdir(parents=True, exist_ok=True)
    results = run(args, out)
    (out / "results.json").write_text(json.dumps(results, indent=1))
    from bench.agent_report import render

    text = render(results)
    (out / "results.md").write_text(text)
    print(text)
    failed = [
        (c["workload"], name)
        for c in results["cells"]
        for name in (*FLOORS, "brickgate")
        if c[name]["errors"] or not c[name]["requests"]
    ]
    if failed:
        print(f"failed: {failed}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
