"""The ledger benchmark works end to end: `python -m bench.ledger` drives a gateway with the ledger on and
one with it off, and every request the first answered is a row in its ledger. No timing is asserted here;
the ratio is what the benchmark prints (bench/README.md)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_ledger_bench_records_every_request_of_the_ledger_on_gateway_only() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "bench.ledger", "--reps", "1", "--seconds", "1", "--workloads", "chat-json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert proc.returncode in (0, 1), proc.stdout[-2000:] + proc.stderr[-2000:]  # 1: ratio over target
    assert re.search(r"^\| chat-json \| \d+ .* \| \d+\.\d{3} \| (pass|MISS) \|$", proc.stdout, re.M), (
        proc.stdout
    )
    found = re.search(
        r"Ledger on: ([\d,]+) requests .* ([\d,]+) rows in its ledger\. Ledger off: ([\d,]+) rows",
        proc.stdout,
    )
    assert found, proc.stdout
    counted, rows, off_rows = (int(n.replace(",", "")) for n in found.groups())
    assert counted > 0 and rows >= counted  # requests still in flight when a window closed come on top
    assert off_rows == 0
