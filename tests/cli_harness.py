"""Run the brickgate CLI as a real subprocess with the test's environment (private BRICKGATE_HOME etc.)."""

from __future__ import annotations

import os
import subprocess
import sys

CLI = [sys.executable, "-m", "brickgate.cli.main"]


def run_cli(
    *args: str, env: dict[str, str] | None = None, stdin: str | None = "", timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """`brickgate ARGS...` with os.environ plus `env`; plain (uncoloured) output captured as text."""
    full_env = {**os.environ, **(env or {}), "NO_COLOR": "1", "TERM": "dumb"}
    return subprocess.run(
        [*CLI, *args], env=full_env, input=stdin, capture_output=True, text=True, timeout=timeout, check=False
    )


def output_of(result: subprocess.CompletedProcess[str]) -> str:
    return result.stdout + result.stderr
