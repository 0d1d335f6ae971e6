"""`serve --workers N`: N processes on one port sharing only the disk. Real subprocesses against the
emulator; throughput is measured in bench/workers.py, not here."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from brickgate.emulator.control_client import EmulatorControl
from tests.gateway_harness import Chat, call
from tests.integration.serve_process import serving
from tests.ledger_harness import wait_for_rows


def children(pid: int, wanted: int) -> list[int]:
    """The process's children, once there are ``wanted`` of them (it forks right after printing ready)."""
    deadline = time.monotonic() + 20
    while True:
        found = [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        if len(found) >= wanted or time.monotonic() > deadline:
            return found
        time.sleep(0.05)


def test_two_workers_serve_one_port_and_every_request_is_recorded(
    emulator: EmulatorControl, isolated_env: Path
) -> None:
    body = Chat().request("databricks-meta-llama-3-3-70b-instruct", "hi", stream=True)
    with serving(emulator, "--workers", "2") as gw:
        workers = children(gw.proc.pid, 2)
        with ThreadPoolExecutor(4) as pool:
            answers = list(pool.map(lambda _: call(gw.url, "POST", Chat.path, body), range(16)))
        rows = wait_for_rows(isolated_env, 16)
    assert len(workers) == 2
    assert [a.status for a in answers] == [200] * 16
    assert len(rows) == 16
    assert gw.proc.returncode == 0, gw.output()  # Ctrl-C: the workers drained and exited, then the parent
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)


def test_processes_starting_together_agree_on_one_fingerprint_key(isolated_env: Path) -> None:
    """Every worker hashes credentials with the key under the home; created at once by several, one wins."""
    code = (  # all imported first, then every process asks at the same instant
        "import sys, time\n"
        "from brickgate.auth.fingerprint import keyed_hash\n"
        "while time.time() < float(sys.argv[1]): pass\n"
        "print(keyed_hash('caller', 'x'))"
    )
    env = {**os.environ, "BRICKGATE_HOME": str(isolated_env)}
    start = str(time.time() + 5)
    procs = [
        subprocess.Popen([sys.executable, "-c", code, start], env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(6)
    ]
    hashes = {p.communicate(timeout=60)[0].strip() for p in procs}
    assert len(hashes) == 1
    key = isolated_env / "cache" / "fingerprint.key"
    assert key.stat().st_mode & 0o777 == 0o600
    assert not [p for p in key.parent.iterdir() if p.name.startswith(".")]  # no temporary file left
