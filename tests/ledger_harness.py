"""Shared by the usage-ledger tests: traffic of every API and family through a gateway, and the ledger as
`brickgate usage --json` reports it."""

from __future__ import annotations

import json
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from brickgate.ledger import ledger_for_home, ledger_path
from tests.cli_harness import output_of, run_cli
from tests.gateway_harness import DIALECTS, FAMILY_MODELS, Answer, call


def traffic(
    url: str, headers: dict[str, str] | None = None, *, families: list[str] | None = None, workers: int = 4
) -> list[Answer]:
    """Every inbound API x the given families x streamed and not, in parallel; the answers in order."""
    jobs = [
        (dialect, FAMILY_MODELS[family], stream)
        for dialect in DIALECTS.values()
        for family in families or list(FAMILY_MODELS)
        for stream in (False, True)
    ]

    def send(job: tuple[Any, str, bool]) -> Answer:
        dialect, model, stream = job
        body = dialect.request(model, f"Say hello to the ledger test ({model}).", stream=stream)
        return call(url, "POST", dialect.path, body, headers)

    with ThreadPoolExecutor(workers) as pool:
        return list(pool.map(send, jobs))


def usage_json(*args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    """`brickgate usage --json ARGS` in a subprocess (the test's BRICKGATE_HOME)."""
    result = run_cli("usage", "--json", *args, env=env)
    assert result.returncode == 0, output_of(result)
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


def ledger_rows(home: Path) -> list[dict[str, Any]]:
    """Every row of the ledger file, read directly (none when there is no file, or no table yet)."""
    path = ledger_path(home)
    if not path.exists():
        return []
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute("SELECT * FROM requests ORDER BY id")]
    except sqlite3.OperationalError:  # another process (a `serve`) created the file, not yet its tables
        return []
    finally:
        conn.close()


def wait_for_rows(home: Path, count: int, wait: float = 10.0) -> list[dict[str, Any]]:
    """The ledger's rows once there are ``count`` of them (a gateway queues a row just after the caller
    has its answer, so a test that reads at once could race it)."""
    deadline = time.monotonic() + wait
    while True:
        ledger_for_home().flush()
        rows = ledger_rows(home)
        if len(rows) >= count or time.monotonic() > deadline:
            return rows
        time.sleep(0.02)


def wait_for_pending(count: int, wait: float = 10.0) -> int:
    """The rows this process's ledger holds unwritten, once there are ``count`` (see ``wait_for_rows``)."""
    ledger = ledger_for_home()
    deadline = time.monotonic() + wait
    while ledger.pending < count and time.monotonic() < deadline:
        ledger.flush()
    return ledger.pending
