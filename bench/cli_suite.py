"""CLI start-up (`--help`, `models` from a warm cache, `run` to first token) against `python -c pass`, and
discovery (`models --refresh`) on a workspace of 500 endpoints. All against brickgate's own emulator."""

from __future__ import annotations

import contextlib
import os
import select
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench.procs import Server, free_port, start
from bench.targets import brickgate_env, python_env

EMULATOR_TOKEN = "dapi-emulator-token"
RUN_MODEL = "databricks-meta-llama-3-3-70b-instruct"


def brickgate_cmd() -> list[str]:
    """The console script users run, next to this interpreter (``-m`` when not installed as a script)."""
    script = Path(sys.executable).parent / "brickgate"
    return [str(script)] if script.exists() else [sys.executable, "-m", "brickgate.cli.main"]


def wall(cmd: list[str], env: dict[str, str], *, first_output: bool = False, timeout: float = 60) -> float:
    """Seconds from spawn to exit (or, with ``first_output``, to the first byte on stdout)."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL
    )
    assert proc.stdout is not None
    try:
        if first_output:
            ready, _, _ = select.select([proc.stdout], [], [], timeout)
            took = time.perf_counter() - started
            if not ready or not os.read(proc.stdout.fileno(), 1):
                raise RuntimeError(f"{' '.join(cmd)} printed nothing")
            proc.communicate(timeout=timeout)
        else:
            proc.communicate(timeout=timeout)
            took = time.perf_counter() - started
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited with {proc.returncode}")
    return took


def timed(name: str, cmd: list[str], env: dict[str, str], runs: int, **kw: Any) -> dict[str, Any]:
    times = [wall(cmd, env, **kw) for _ in range(runs)]
    return {
        "name": name,
        "runs": runs,
        "median_s": statistics.median(times),
        "min_s": min(times),
        "max_s": max(times),
    }


def start_emulator(log_dir: Path, name: str, synthetic: int = 0) -> Server:
    port = free_port()
    cmd = [sys.executable, "-m", "brickgate.emulator", "--port", str(port)]
    if synthetic:
        config = log_dir / f"{name}.toml"
        config.write_text(f"synthetic_endpoints = {synthetic}\n")
        cmd += ["--config", str(config)]
    url = f"http://127.0.0.1:{port}/.well-known/databricks-config"
    return start(name, cmd, cpu=None, log_dir=log_dir, env=python_env(), ready_url=url)


def run_cli_suite(out_dir: Path, runs: int) -> dict[str, Any]:
    log_dir = out_dir / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    bg = brickgate_cmd()
    rows = [timed("python -c pass", [sys.executable, "-c", "pass"], python_env(), runs)]
    rows.append(timed("brickgate --help", [*bg, "--help"], python_env(NO_COLOR="1"), runs))
    with contextlib.ExitStack() as stack:
        emu = start_emulator(log_dir, "emulator")
        stack.callback(emu.stop)
        home = log_dir / "cli-home"
        shutil.rmtree(home, ignore_errors=True)
        env = brickgate_env(emu.url, home, EMULATOR_TOKEN)
        wall([*bg, "models"], env)  # fills the cache
        rows.append(timed("brickgate models (warm cache)", [*bg, "models"], env, runs))
        run_cmd = [*bg, "run", "-m", RUN_MODEL, "Say hello."]
        rows.append(
            timed("brickgate run (to first token)", run_cmd, env, max(3, runs // 2), first_output=True)
        )
        rows.append(
            timed(
                "brickgate models --refresh (21 endpoints)",
                [*bg, "models", "--refresh"],
                env,
                max(3, runs // 2),
            )
        )
        big = start_emulator(log_dir, "emulator-500", synthetic=500)
        stack.callback(big.stop)
        env500 = brickgate_env(big.url, log_dir / "cli-home-500", EMULATOR_TOKEN)
        rows.append(
            timed(
                "brickgate models --refresh (521 endpoints)",
                [*bg, "models", "--refresh"],
                env500,
                max(3, runs // 2),
            )
        )
    return {"cli": rows}
