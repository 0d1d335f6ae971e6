"""The ledger file: one SQLite database under brickgate's home, owner-only, shared by every process.

WAL lets readers (`brickgate usage`, the dashboard) work while gateways write; several writers (the
`serve --workers` processes of one machine) take turns through SQLite's lock with a busy timeout, and
the writer thread retries a batch that still found the file locked.
"""

from __future__ import annotations

import functools
import os
import re
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from brickgate.ledger.rows import COLUMNS, UsageRow

FILE_NAME = "usage.sqlite3"
BUSY_TIMEOUT_SECONDS = 3.0
SCHEMA_VERSION = 1
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS requests (
    id INTEGER PRIMARY KEY,
    ts REAL NOT NULL,
    source TEXT NOT NULL,
    host TEXT,
    identity TEXT,
    agent TEXT,
    agent_version TEXT,
    model TEXT,
    api TEXT,
    upstream_api TEXT,
    route TEXT,
    input_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    cache_read_tokens INTEGER NOT NULL,
    cache_write_tokens INTEGER NOT NULL,
    reasoning_tokens INTEGER NOT NULL,
    tokens_estimated INTEGER NOT NULL,
    cost_dbu REAL NOT NULL,
    cost_usd REAL NOT NULL,
    latency_ms REAL NOT NULL,
    ttft_ms REAL,
    status INTEGER NOT NULL,
    error_class TEXT,
    retries INTEGER NOT NULL,
    streamed INTEGER NOT NULL,
    tags TEXT,
    priority TEXT
);
CREATE INDEX IF NOT EXISTS requests_ts ON requests (ts);
PRAGMA user_version = {SCHEMA_VERSION};
"""
# Python's sqlite3 binds None and bool ~20x slower than str/int/float (it looks for an adapter, raising and
# clearing an AttributeError per value): they are bound as '' / -1.0 / 0/1 and turned back into NULL here.
# The nullable columns are those the schema declares without NOT NULL.
_NULL_AS = {
    name: ("''" if kind == "TEXT" else "-1.0")
    for name, kind in re.findall(r"^\s+(\w+) (TEXT|REAL)(?:,|$)", _SCHEMA, re.M)
}
_PLACEHOLDERS = "(" + ", ".join(f"NULLIF(?, {_NULL_AS[c]})" if c in _NULL_AS else "?" for c in COLUMNS) + ")"
# Many rows per statement: Python's sqlite3 lets go of the GIL around every statement it runs, and a
# busy event loop then keeps it for up to 5 ms; one statement per row would write ~200 rows a second.
_ROWS_PER_STATEMENT = 999 // len(COLUMNS)  # SQLite before 3.32 allows 999 parameters per statement
_NULL_VALUES = tuple((i, "" if _NULL_AS[c] == "''" else -1.0) for i, c in enumerate(COLUMNS) if c in _NULL_AS)
_BOOLS = tuple(i for i, c in enumerate(COLUMNS) if c in ("tokens_estimated", "streamed"))


@dataclass(frozen=True, slots=True)
class Trouble:
    """What is wrong with the ledger file, for people, and what to do about it."""

    what: str  # completes "the usage ledger FILE is ..."
    advice: str
    passing: bool = False  # another process holds the file: the connection is kept for the retry


_LOCKED = Trouble(
    "locked by another process", "Another program holds it locked; it is retried.", passing=True
)
_FULL = Trouble("the disk is full", "Free some disk space; it is retried.")
_CORRUPT_ADVICE = "Move the file away; brickgate starts a new ledger on the next request."
_UNWRITABLE = Trouble("not writable", "Check that brickgate's home directory is writable; it is retried.")
# The words SQLite and the OS use → the trouble (data: one row per message).
TROUBLES: tuple[tuple[str, Trouble], ...] = (
    ("locked", _LOCKED),
    ("busy", _LOCKED),
    ("disk is full", _FULL),
    ("no space", _FULL),
    ("not a database", Trouble("not a ledger file (corrupt or foreign)", _CORRUPT_ADVICE)),
    ("malformed", Trouble("corrupt", _CORRUPT_ADVICE)),
    ("readonly", _UNWRITABLE),
    ("read-only", _UNWRITABLE),
    ("permission denied", _UNWRITABLE),
    ("unable to open", Trouble("impossible to open or create", _UNWRITABLE.advice)),
)


def trouble_of(exc: BaseException) -> Trouble:
    text = str(exc).lower()
    for needle, trouble in TROUBLES:
        if needle in text:
            return trouble
    return Trouble(f"failing ({type(exc).__name__}: {exc})", _UNWRITABLE.advice)


def ledger_path(home: Path) -> Path:
    return home / FILE_NAME


def _create_private(path: Path) -> None:
    """The directory 0700 and the file 0600 before SQLite opens it (its -wal/-shm files copy the mode)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    os.close(fd)


def connect(path: Path, *, create: bool) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit), WAL, with a busy timeout.

    ``create=False`` never makes the file: a reader of a ledger that does not exist gets FileNotFoundError.
    """
    if create:
        _create_private(path)
    elif not path.exists():
        raise FileNotFoundError(path)
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False)
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
        if create:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")  # WAL stays consistent; a power cut may lose a batch
            if conn.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
                conn.executescript(f"BEGIN IMMEDIATE; {_SCHEMA} COMMIT;")
        else:
            conn.execute("SELECT 1 FROM requests LIMIT 1")  # a foreign or corrupt file fails here
    except BaseException:
        conn.close()
        raise
    return conn


def insert(conn: sqlite3.Connection, rows: list[UsageRow]) -> None:
    """All rows in one transaction: either the batch is in the file or none of it is."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        for start in range(0, len(rows), _ROWS_PER_STATEMENT):
            chunk = rows[start : start + _ROWS_PER_STATEMENT]
            conn.execute(_insert_statement(len(chunk)), [v for row in chunk for v in _bindable(row)])
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


@functools.lru_cache(maxsize=4)
def _insert_statement(rows: int) -> str:
    return f"INSERT INTO requests ({', '.join(COLUMNS)}) VALUES {', '.join([_PLACEHOLDERS] * rows)}"


def _bindable(row: UsageRow) -> list[object]:
    values: list[object] = list(row)
    for i, empty in _NULL_VALUES:
        if values[i] is None:
            values[i] = empty
    for i in _BOOLS:
        values[i] = 1 if values[i] else 0
    return values


def prune(conn: sqlite3.Connection, before_ts: float) -> int:
    """Delete rows older than ``before_ts``; the number deleted."""
    cursor = conn.execute("DELETE FROM requests WHERE ts < ?", (before_ts,))
    return cursor.rowcount
