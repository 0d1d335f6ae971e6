"""`python -m bench.in_process` keeps working: brickgate's app and the three floor relays answer the same
body through the same mock upstream in one process, with and without each part of brickgate's
per-request work. No timing is asserted; the numbers are what the benchmark prints."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


def in_process(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bench.in_process", *args],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
        cwd=REPO,
    )


def test_every_target_and_every_knockout_answers_an_agent_body_and_a_translated_stream() -> None:
    proc = in_process(
        "claude-code-20k,messages-to-chat-stream-32", "--rounds", "2", "--per-round", "1", "--knockouts"
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    for workload in ("claude-code-20k", "messages-to-chat-stream-32"):
        assert f"{workload}: µs CPU per request" in proc.stdout
    for part in (
        "access log",
        "ledger",
        "disconnect watcher",
        "request repairs",
        "shape check",
        "usage sniffing",
    ):
        assert proc.stdout.count(f"no {part}") == 2, proc.stdout
    assert "Traceback" not in proc.stderr


def test_an_unknown_workload_is_named_with_examples() -> None:
    proc = in_process("chat-strem-32")
    assert proc.returncode == 2
    assert (
        "chat-strem-32" in proc.stderr
        and "claude-code-200k" in proc.stderr
        and "chat-stream-32" in proc.stderr
    )
    assert "Traceback" not in proc.stderr
