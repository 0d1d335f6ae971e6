"""A ledger file that cannot be written never fails a request: a corrupt file, a file another process
holds locked, a read-only filesystem and a full disk (real files and real mounts) each log ONE warning,
the gateway keeps answering, and the rows are written once the file works again. Several processes
write one ledger safely."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from brickgate.emulator.control_client import EmulatorControl
from brickgate.ledger import ledger_for_home, ledger_path
from tests.gateway_harness import FAMILY_MODELS, Chat, call, running_gateway
from tests.ledger_harness import ledger_rows, wait_for_pending, wait_for_rows

REPO = Path(__file__).resolve().parents[2]
BODY = Chat().request(FAMILY_MODELS["llama"], "hi", stream=False)


@pytest.fixture
def ledger_warnings() -> Iterator[list[str]]:
    """Warnings the ledger logs (its own handler: another test's CLI setup may stop propagation)."""
    found: list[str] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = lambda record: found.append(record.getMessage())  # type: ignore[method-assign]
    logger = logging.getLogger("brickgate.ledger")
    logger.addHandler(handler)
    yield found
    logger.removeHandler(handler)


def _answer_three(url: str) -> list[int]:
    return [call(url, "POST", Chat.path, BODY).status for _ in range(3)]


def test_a_corrupt_ledger_warns_once_and_requests_are_answered(
    emulator: EmulatorControl, isolated_env: Path, ledger_warnings: list[str]
) -> None:
    isolated_env.mkdir(parents=True)
    corrupt = ledger_path(isolated_env)
    corrupt.write_bytes(b"not a database, whatever it was " * 500)
    with running_gateway(emulator.url, emulator.token) as gw:
        statuses = _answer_three(gw.url) + _answer_three(gw.url)
        wait_for_pending(6)
        ledger = ledger_for_home()
        for _ in range(3):  # several batches fail; still one warning
            ledger.flush()
        trouble, pending = ledger.trouble, ledger.pending
        corrupt.rename(corrupt.with_suffix(".broken"))  # what the warning tells the user to do
        rows = wait_for_rows(isolated_env, 6)
    assert statuses == [200] * 6
    assert trouble == "not a ledger file (corrupt or foreign)" and pending == 6
    assert len(ledger_warnings) == 1 and "Move the file away" in ledger_warnings[0]
    assert len(rows) == 6


def test_a_locked_ledger_warns_once_and_requests_are_answered(
    emulator: EmulatorControl, isolated_env: Path, ledger_warnings: list[str]
) -> None:
    with running_gateway(emulator.url, emulator.token) as gw:
        assert call(gw.url, "POST", Chat.path, BODY).status == 200
        wait_for_rows(isolated_env, 1)
        holder = _hold_exclusive_lock(ledger_path(isolated_env))
        try:
            statuses = _answer_three(gw.url)
            wait_for_pending(3)
            ledger = ledger_for_home()
            ledger.flush()  # waits out the busy timeout, then gives up on the batch
            trouble, pending = ledger.trouble, ledger.pending
        finally:
            holder.communicate("release\n", timeout=30)
        rows = wait_for_rows(isolated_env, 4)
    assert statuses == [200] * 3
    assert trouble == "locked by another process" and pending == 3
    assert len(ledger_warnings) == 1 and "locked" in ledger_warnings[0]
    assert len(rows) == 4


def _hold_exclusive_lock(path: Path) -> subprocess.Popen[str]:
    """Another process with an exclusive transaction open on the ledger until told to let go."""
    script = textwrap.dedent(
        f"""
        import sqlite3, sys
        conn = sqlite3.connect({str(path)!r}, isolation_level=None)
        conn.execute("BEGIN EXCLUSIVE")
        print("locked", flush=True)
        sys.stdin.readline()
        conn.execute("ROLLBACK")
        """
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "locked"
    return proc


@cache
def _private_mounts() -> str | None:
    """None when this machine lets a test mount a tmpfs of its own; otherwise why not."""
    if shutil.which("unshare") is None:
        return "`unshare` (util-linux) is not installed"
    probe = subprocess.run(
        ["unshare", "--user", "--map-root-user", "--mount", "true"], capture_output=True, text=True
    )
    if probe.returncode != 0:
        return f"user namespaces are not available here ({probe.stderr.strip()})"
    return None


@pytest.mark.parametrize(("mode", "trouble"), [("full", "the disk is full"), ("read-only", "not writable")])
def test_an_unwritable_filesystem_warns_once_and_requests_are_answered(
    emulator: EmulatorControl, tmp_path: Path, mode: str, trouble: str
) -> None:
    why_not = _private_mounts()
    if why_not:
        pytest.skip(f"cannot mount a small or read-only filesystem without root: {why_not}")
    mount = tmp_path / "mnt"
    mount.mkdir()
    child = [
        sys.executable,
        "-m",
        "tests.ledger_trouble_child",
        mode,
        str(mount),
        emulator.url,
        emulator.token,
    ]
    result = subprocess.run(
        ["unshare", "--user", "--map-root-user", "--mount", *child],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    answered = 4 if mode == "full" else 3
    assert report["statuses"] == [200] * answered
    assert report["trouble"] == trouble and report["pending"] == 3
    assert len(report["warnings"]) == 1 and trouble in report["warnings"][0]
    assert report["rows"] == answered  # nothing was lost once the filesystem worked again


WRITER = """
import sys, time
from pathlib import Path
from brickgate.ledger.rows import UsageRow
from brickgate.ledger.writer import Ledger

path, name, go = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
ledger = Ledger(path, flush_interval=0.001)
while not go.exists():
    time.sleep(0.001)
for batch in range(150):
    for i in range(10):
        ledger.add(UsageRow(ts=time.time(), source=name, model=f"{name}-{batch}-{i}"))
    ledger.flush()
ledger.close()
print(ledger.trouble or "ok", ledger.pending)
"""


def test_two_processes_write_one_ledger_at_once(tmp_path: Path) -> None:
    path, go = tmp_path / "usage.sqlite3", tmp_path / "go"
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), name, str(go)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
        )
        for name in ("one", "two")
    ]
    go.touch()
    outputs = [w.communicate(timeout=120) for w in writers]
    assert [(w.returncode, out.split(), err) for w, (out, err) in zip(writers, outputs, strict=True)] == [
        (0, ["ok", "0"], ""),
        (0, ["ok", "0"], ""),
    ]
    rows = ledger_rows(tmp_path)
    assert len(rows) == 3000
    assert len({r["model"] for r in rows}) == 3000
