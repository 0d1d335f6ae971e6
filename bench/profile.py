"""Where `brickgate serve` spends its CPU on one workload: py-spy samples the gateway while the asyncio
client drives it, and the top functions by own and inclusive time are printed.

    python -m bench.profile messages-to-chat-stream-32 [--seconds 8] [--concurrency 32]

py-spy is installed on first use into the bench cache (outside the repo), like LiteLLM.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from bench import load
from bench.agent_sized import AgentWorkload, calls_for, named_workload
from bench.gateway_suite import call_for, run_async
from bench.targets import bench_cache, start_brickgate, start_mock
from bench.workloads import WORKLOADS, Workload, workload

PY_SPY_VERSION = "0.4.3"


def ensure_py_spy() -> Path:
    venv = bench_cache() / "tools"
    exe = venv / "bin" / "py-spy"
    if not exe.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip = [str(venv / "bin" / "pip"), "install", "--quiet", f"py-spy=={PY_SPY_VERSION}"]
        subprocess.run(pip, check=True)
    return exe


def find_workload(name: str) -> Workload | AgentWorkload:
    """A workload of bench/workloads.py, or an agent-sized one by its name (``claude-code-200k``)."""
    if any(w.name == name for w in WORKLOADS):
        return workload(name)
    return named_workload(name)


def top_functions(collapsed: str, limit: int = 25) -> str:
    """Own and inclusive sample shares per function from py-spy's collapsed (``--format raw``) stacks."""
    own: collections.Counter[str] = collections.Counter()
    inclusive: collections.Counter[str] = collections.Counter()
    total = 0
    for line in collapsed.splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        frames = [
            f.split(" (")[0] + " (" + f.split(" (")[-1].split(":")[0].rsplit("/", 1)[-1] + ")"
            for f in stack.split(";")
        ]
        total += n
        own[frames[-1]] += n
        for frame in set(frames):
            inclusive[frame] += n
    lines = [f"{total} samples", "", "own%  function"]
    lines += [f"{100 * n / total:5.1f} {name}" for name, n in own.most_common(limit)]
    lines += ["", "incl% function"]
    lines += [f"{100 * n / total:5.1f} {name}" for name, n in inclusive.most_common(limit)]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workload")
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--out", type=Path, default=None, help="where to keep the collapsed stacks")
    args = parser.parse_args()
    w = find_workload(args.workload)
    py_spy = ensure_py_spy()
    log_dir = Path(tempfile.mkdtemp(prefix="bench-profile-"))
    out = args.out or log_dir / f"{w.name}.collapsed"
    with contextlib.ExitStack() as stack:
        mock = start_mock(log_dir)
        stack.callback(mock.stop)
        target = start_brickgate(mock, log_dir)
        stack.callback(target.server.stop)
        call = call_for(target, w) if isinstance(w, Workload) else calls_for([target], w)[target.name]
        run_async(load.closed_loop(call, 4, 0.5))  # warm
        record = [str(py_spy), "record", "--pid", str(target.server.pid), "--rate", "500", "--format", "raw"]
        record += ["--duration", str(int(args.seconds) + 1), "--output", str(out), "--nonblocking"]
        spy = threading.Thread(target=subprocess.run, args=(record,), kwargs={"capture_output": True})
        spy.start()
        run = run_async(load.closed_loop(call, args.concurrency, args.seconds))
        spy.join(timeout=args.seconds + 30)
    ok = sum(1 for s in run.samples if s.ok)
    print(f"{ok} requests in {run.wall_s:.1f} s, {len(run.errors)} errors; stacks: {out}")
    print(top_functions(out.read_text()))


if __name__ == "__main__":
    main()
