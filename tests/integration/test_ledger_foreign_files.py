"""A file at the ledger's path that brickgate did not write: another program's SQLite database, a ledger of
a newer brickgate, a layout this brickgate does not know, garbage, a directory. brickgate never writes
into it (not a table, not a pragma, no pruning), says once what is wrong with which file and what to do,
the gateway keeps answering, the dashboard and `brickgate usage` explain instead of failing, and the rows
are written once the file is moved away."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from brickgate.emulator.control_client import EmulatorControl
from brickgate.ledger import ledger_for_home, ledger_path
from brickgate.ledger.rows import UsageRow
from brickgate.ledger.writer import Ledger
from tests.cli_harness import output_of, run_cli
from tests.gateway_harness import FAMILY_MODELS, Chat, call, running_gateway
from tests.integration import test_ledger_trouble
from tests.integration.test_ledger_trouble import _hold_exclusive_lock, _private_mounts
from tests.ledger_harness import usage_json, wait_for_pending, wait_for_rows

REPO = Path(__file__).resolve().parents[2]
ledger_warnings = test_ledger_trouble.ledger_warnings  # the fixture: warnings the ledger logs
BODY = Chat().request(FAMILY_MODELS["llama"], "hi", stream=False)


def _database(sql: str) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        conn = sqlite3.connect(path)
        conn.executescript(sql)
        conn.close()

    return make


# name → how the file is made, and words the user is told about it
FOREIGN_DATABASES = {
    "newer brickgate": (
        _database("CREATE TABLE rows (id INTEGER PRIMARY KEY, ts REAL); PRAGMA user_version = 2;"),
        "newer brickgate",
    ),
    "another program's database": (
        _database(
            "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes VALUES (1, 'mine');"
        ),
        "not a brickgate usage ledger",
    ),
    "another program's rows table": (  # old rows: what pruning would delete
        _database(
            "CREATE TABLE rows (id INTEGER PRIMARY KEY, ts REAL, note TEXT);"
            "INSERT INTO rows VALUES (1, 1.0, 'x');"
        ),
        "not a brickgate usage ledger",
    ),
    "our version, nothing in it": (_database("PRAGMA user_version = 1;"), "not a brickgate usage ledger"),
    "our version, another layout": (
        _database(
            "CREATE TABLE requests (id INTEGER PRIMARY KEY, ts REAL, model TEXT); PRAGMA user_version = 1;"
        ),
        "not a brickgate usage ledger",
    ),
}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _assert_usage_explains(path: Path, words: str, advice: str = "Move the file away") -> None:
    """`brickgate usage` and `usage --json` (real subprocesses) name the file, what is wrong, what to do."""
    plain, as_json = run_cli("usage"), run_cli("usage", "--json")
    assert plain.returncode == as_json.returncode == 1, output_of(plain) + output_of(as_json)
    assert "Traceback" not in output_of(plain) + output_of(as_json)
    assert str(path) in plain.stderr and words in plain.stderr and advice in plain.stderr
    error = json.loads(as_json.stdout)["error"]
    assert str(path) in error["message"] and words in error["message"] and advice in error["hint"]


@pytest.mark.parametrize("kind", list(FOREIGN_DATABASES))
def test_a_foreign_database_is_left_untouched_while_requests_are_answered(
    emulator: EmulatorControl, isolated_env: Path, ledger_warnings: list[str], kind: str
) -> None:
    make, words = FOREIGN_DATABASES[kind]
    isolated_env.mkdir(parents=True)
    path = ledger_path(isolated_env)
    make(path)
    before = _digest(path)
    with running_gateway(emulator.url, emulator.token) as gw:
        statuses = [call(gw.url, "POST", Chat.path, BODY).status for _ in range(3)]
        wait_for_pending(3)
        ledger = ledger_for_home()
        for _ in range(3):  # several batches are refused; still one warning
            ledger.flush()
        trouble, pending = ledger.trouble, ledger.pending
        pages = [
            call(gw.url, "GET", p) for p in ("/", "/ui?since=24h", "/ui/live", "/ui/live?after=0", "/metrics")
        ]
        _assert_usage_explains(path, words)
        untouched = _digest(path) == before and not path.with_name(path.name + "-wal").exists()
        path.rename(path.with_suffix(".theirs"))  # what the warning says to do
        rows = wait_for_rows(isolated_env, 3)
    assert statuses == [200] * 3
    assert untouched
    assert trouble is not None and words in trouble and pending == 3
    assert (
        len(ledger_warnings) == 1
        and str(path) in ledger_warnings[0]
        and "Move the file away" in ledger_warnings[0]
    )
    assert [p.status for p in pages] == [200] * 5
    assert words in pages[0].body.decode()
    assert words in json.loads(pages[2].body)["sections"]["health"]
    assert len(rows) == 3


@pytest.mark.parametrize(
    ("kind", "words", "advice"),
    [("garbage", "not a ledger file", "Move the file away"), ("directory", "a directory", "Move it away")],
)
def test_a_path_that_is_not_a_database_is_explained(
    emulator: EmulatorControl,
    isolated_env: Path,
    ledger_warnings: list[str],
    kind: str,
    words: str,
    advice: str,
) -> None:
    isolated_env.mkdir(parents=True)
    path = ledger_path(isolated_env)
    if kind == "garbage":
        path.write_bytes(b"whatever it was, not SQLite " * 300)
    else:
        path.mkdir()
    with running_gateway(emulator.url, emulator.token) as gw:
        statuses = [call(gw.url, "POST", Chat.path, BODY).status for _ in range(2)]
        wait_for_pending(2)
        ledger_for_home().flush()
        trouble = ledger_for_home().trouble
        page = call(gw.url, "GET", "/")
        _assert_usage_explains(path, words, advice)
    assert statuses == [200, 200]
    assert trouble is not None and words in trouble
    assert len(ledger_warnings) == 1 and advice in ledger_warnings[0]
    assert page.status == 200 and words in page.body.decode()


def test_an_empty_file_becomes_the_ledger(emulator: EmulatorControl, isolated_env: Path) -> None:
    isolated_env.mkdir(parents=True)
    ledger_path(isolated_env).touch()  # what brickgate itself makes first
    with running_gateway(emulator.url, emulator.token) as gw:
        assert call(gw.url, "POST", Chat.path, BODY).status == 200
        rows = wait_for_rows(isolated_env, 1)
    assert len(rows) == 1 and usage_json()["totals"]["requests"] == 1


def _write_rows(path: Path, count: int) -> None:
    ledger = Ledger(path, flush_interval=0.01)
    for i in range(count):
        ledger.add(UsageRow(ts=time.time(), source="test", model=f"model-{i % 7}", latency_ms=float(i)))
    ledger.close()


def test_a_ledger_damaged_past_its_schema_is_explained(emulator: EmulatorControl, isolated_env: Path) -> None:
    path = ledger_path(isolated_env)
    _write_rows(path, 3000)
    with path.open("r+b") as damaged:  # the rows' pages, not the schema's first page
        damaged.seek(path.stat().st_size // 2)
        damaged.write(b"\xff" * 16384)
    with running_gateway(emulator.url, emulator.token) as gw:
        page, live = call(gw.url, "GET", "/"), call(gw.url, "GET", "/ui/live")
        answer = call(gw.url, "POST", Chat.path, BODY)
    assert answer.status == 200
    assert page.status == live.status == 200 and "corrupt" in page.body.decode()
    plain = run_cli("usage")
    assert plain.returncode == 1 and "Traceback" not in plain.stderr
    assert str(path) in plain.stderr and "corrupt" in plain.stderr


def test_usage_reads_a_ledger_another_process_holds_locked(isolated_env: Path) -> None:
    path = ledger_path(isolated_env)
    _write_rows(path, 5)
    holder = _hold_exclusive_lock(path)
    try:
        totals = usage_json()["totals"]
    finally:
        holder.communicate("release\n", timeout=30)
    assert totals["requests"] == 5


WRITE_ROWS = (
    "import sys, pathlib, tests.integration.test_ledger_foreign_files as t; "
    "t._write_rows(pathlib.Path(sys.argv[1]), 4)"
)
# In a private mount namespace: a ledger written on a tmpfs, which is then remounted read-only.
READ_ONLY_USAGE = """
set -e
mount -t tmpfs -o size=4m,mode=0700 tmpfs "$1"
"$2" -c "$3" "$1/usage.sqlite3"
mount -o remount,ro "$1"
BRICKGATE_HOME="$1" "$2" -m brickgate.cli.main usage --json
"""


def test_usage_reads_a_ledger_on_a_read_only_filesystem(tmp_path: Path) -> None:
    why_not = _private_mounts()
    if why_not:
        pytest.skip(f"cannot mount a read-only filesystem without root: {why_not}")
    mount = tmp_path / "mnt"
    mount.mkdir()
    result = subprocess.run(
        [
            "unshare",
            "--user",
            "--map-root-user",
            "--mount",
            "sh",
            "-c",
            READ_ONLY_USAGE,
            "sh",
            str(mount),
            sys.executable,
            WRITE_ROWS,
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, output_of(result)
    assert json.loads(result.stdout)["totals"]["requests"] == 4


def test_rows_that_could_not_be_written_are_reported_at_exit(tmp_path: Path) -> None:
    path = tmp_path / "usage.sqlite3"
    path.write_bytes(b"not a ledger " * 100)
    script = textwrap.dedent(
        f"""
        import logging, time
        from pathlib import Path
        from brickgate.ledger.rows import UsageRow
        from brickgate.ledger.writer import Ledger
        logging.basicConfig(format="%(levelname)s %(message)s")
        ledger = Ledger(Path({str(path)!r}), flush_interval=0.01)
        for _ in range(4):
            ledger.add(UsageRow(ts=time.time(), source="test", model="m"))
        ledger.flush()
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("WARNING")]
    assert len(warnings) == 2, result.stderr
    assert "4 rows" in warnings[1] and str(path) in warnings[1] and "not recorded" in warnings[1]
