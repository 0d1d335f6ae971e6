"""The ledger file: one SQLite database under brickgate's home, owner-only, shared by every process.

WAL lets readers (`brickgate usage`, the dashboard) work while gateways write; several writers (the
`serve --workers` processes of one machine) take turns through SQLite's lock with a busy timeout, and
the writer thread retries a batch that still found the file locked.

Each row's names (source, host, agent, model, APIs, route, error class...) repeat across thousands of
requests: they are stored once in ``kinds`` and a row points at its kind, which halves the cost of writing
a row and the size of the file. Readers see both joined as the view ``requests``.
"""

from __future__ import annotations

import errno
import functools
import os
import sqlite3
from operator import itemgetter
from pathlib import Path

from brickgate.ledger.rows import COLUMNS, UsageRow
from brickgate.ledger.trouble import foreign_file, newer_ledger

FILE_NAME = "usage.sqlite3"
BUSY_TIMEOUT_SECONDS = 3.0
SCHEMA_VERSION = 1
KIND_COLUMNS = (
    "source",
    "host",
    "identity",
    "agent",
    "agent_version",
    "model",
    "api",
    "upstream_api",
    "route",
    "error_class",
    "priority",
)
VALUE_COLUMNS = tuple(c for c in COLUMNS if c not in KIND_COLUMNS)
_NULLABLE = {"ttft_ms": "REAL", "tags": "TEXT"}
_VALUE_TYPES = {
    c: _NULLABLE.get(c)
    or ("REAL NOT NULL" if c in ("ts", "cost_dbu", "cost_usd", "latency_ms") else "INTEGER NOT NULL")
    for c in VALUE_COLUMNS
}
# The view's columns, in UsageRow order after the id; an unknown name is '' in ``kinds`` (UNIQUE would
# treat NULLs as all different) and NULL to readers.
VIEW_COLUMNS = ", ".join(
    ["r.id"]
    + [
        (f"k.{c}" if c == "source" else f"NULLIF(k.{c}, '') AS {c}") if c in KIND_COLUMNS else f"r.{c}"
        for c in COLUMNS
    ]
)
_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS kinds (
    id INTEGER PRIMARY KEY,
    {", ".join(f"{c} TEXT NOT NULL" for c in KIND_COLUMNS)},
    UNIQUE ({", ".join(KIND_COLUMNS)})
);
CREATE TABLE IF NOT EXISTS rows (
    id INTEGER PRIMARY KEY,
    kind INTEGER NOT NULL REFERENCES kinds (id),
    {", ".join(f"{c} {kind}" for c, kind in _VALUE_TYPES.items())}
);
CREATE INDEX IF NOT EXISTS rows_ts ON rows (ts);
CREATE VIEW IF NOT EXISTS requests AS SELECT {VIEW_COLUMNS} FROM rows r JOIN kinds k ON k.id = r.kind;
PRAGMA user_version = {SCHEMA_VERSION};
"""
# What a file must hold to be this brickgate's ledger (anything else is never written to).
EXPECTED_COLUMNS = {
    "kinds": ("id", *KIND_COLUMNS),
    "rows": ("id", "kind", *VALUE_COLUMNS),
    "requests": ("id", *COLUMNS),
}
# Python's sqlite3 binds None and bool ~20x slower than str/int/float (it looks for an adapter, raising and
# clearing an AttributeError per value): they are bound as -1.0 / '' / 0 or 1, and NULLIF restores NULL.
_VALUE_SLOT = (
    "(?, "
    + ", ".join(
        f"NULLIF(?, {'-1.0' if _NULLABLE[c] == 'REAL' else repr('')})" if c in _NULLABLE else "?"
        for c in VALUE_COLUMNS
    )
    + ")"
)
# Many rows per statement: Python's sqlite3 lets go of the GIL around every statement it runs, and a
# busy event loop then keeps it for up to 5 ms; one statement per row would write ~200 rows a second.
_ROWS_PER_STATEMENT = 999 // (len(VALUE_COLUMNS) + 1)  # SQLite before 3.32 allows 999 parameters
_kind_of = itemgetter(*(COLUMNS.index(c) for c in KIND_COLUMNS))
_values_of = itemgetter(*(COLUMNS.index(c) for c in VALUE_COLUMNS))
_TTFT, _TAGS = VALUE_COLUMNS.index("ttft_ms"), VALUE_COLUMNS.index("tags")
_BOOLS = tuple(VALUE_COLUMNS.index(c) for c in ("tokens_estimated", "streamed"))


def ledger_path(home: Path) -> Path:
    return home / FILE_NAME


def _create_private(path: Path) -> None:
    """The directory 0700 and the file 0600 before SQLite opens it (its -wal/-shm files copy the mode)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    os.close(fd)


def connect(path: Path, *, create: bool) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit), WAL, with a busy timeout.

    A file that is not a ledger of this brickgate raises ``RefusedFile`` before anything is written to it.
    ``create=False`` never makes the file: a reader of a ledger that does not exist, or holds nothing yet,
    gets FileNotFoundError.
    """
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "Is a directory", str(path))
    if create:
        _create_private(path)
    elif not path.exists():
        raise FileNotFoundError(path)
    conn = _open(path, read_only=not create)
    try:
        conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_SECONDS * 1000)}")
        new = _is_new(conn)
        if create:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")  # WAL stays consistent; a power cut may lose a batch
            if new:
                conn.executescript(f"BEGIN IMMEDIATE; {_SCHEMA} COMMIT;")
        elif new:
            raise FileNotFoundError(path)
    except BaseException:
        conn.close()
        raise
    return conn


def _open(path: Path, *, read_only: bool) -> sqlite3.Connection:
    """A reader of a ledger on a read-only filesystem or directory opens it immutable: SQLite cannot make
    the WAL index there, and with no -wal file beside it nobody is writing it."""
    conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False)
    if not read_only or Path(f"{path}-wal").exists():
        return conn
    try:
        conn.execute("PRAGMA user_version")
    except sqlite3.OperationalError as exc:
        if "unable to open" not in str(exc):
            raise
        conn.close()
        uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
        return sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
    return conn


def _is_new(conn: sqlite3.Connection) -> bool:
    """True for a file with nothing in it yet; ``RefusedFile`` for one that is not this brickgate's ledger
    (another program's database, a newer brickgate's ledger, a layout without a migration here)."""
    conn.execute("BEGIN")  # one snapshot: another brickgate may be creating the tables right now
    try:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        query = "SELECT name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"
        names = [name for (name,) in conn.execute(query)]
        missing = _missing(conn)
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
    if version == 0 and not names:
        return True
    if version > SCHEMA_VERSION and EXPECTED_COLUMNS.keys() & set(names):  # else another program's version
        raise newer_ledger(version, SCHEMA_VERSION)
    if version == SCHEMA_VERSION and not missing:
        return False
    raise foreign_file(f"user_version {version}, holding {_first(sorted(names))}; missing {_first(missing)}")


def _first(names: list[str], shown: int = 4) -> str:
    return ", ".join(names[:shown]) + (", ..." if len(names) > shown else "") if names else "nothing"


def _missing(conn: sqlite3.Connection) -> list[str]:
    """The ledger's tables and columns this file lacks, as ``table`` or ``table.column``."""
    missing = []
    for name, columns in EXPECTED_COLUMNS.items():
        try:
            found = {row[1] for row in conn.execute(f"PRAGMA table_info({name})")}
        except sqlite3.OperationalError:  # a view over columns that are not there
            found = set()
        if not found:
            missing.append(name)
        else:
            missing += [f"{name}.{c}" for c in columns if c not in found]
    return missing


class Appender:
    """A connection that writes rows, and the kind ids it has learnt (valid for this file only)."""

    def __init__(self, path: Path) -> None:
        self.conn = connect(path, create=True)
        self._kinds: dict[tuple[str | None, ...], int] = {}

    def insert(self, rows: list[UsageRow]) -> None:
        """All rows in one transaction: either the batch is in the file or none of it is."""
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        learnt: dict[tuple[str | None, ...], int] = {}
        try:
            for start in range(0, len(rows), _ROWS_PER_STATEMENT):
                values: list[object] = []
                for row in rows[start : start + _ROWS_PER_STATEMENT]:
                    kind = _kind_of(row)
                    kind_id = self._kinds.get(kind) or learnt.get(kind) or self._learn(kind, learnt)
                    values.append(kind_id)
                    values += _bindable(_values_of(row))
                conn.execute(_insert_statement(len(values) // (len(VALUE_COLUMNS) + 1)), values)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        self._kinds.update(learnt)  # only once committed: a rolled-back kind id may belong to another row

    def _learn(self, kind: tuple[str | None, ...], learnt: dict[tuple[str | None, ...], int]) -> int:
        names = tuple("" if v is None else v for v in kind)
        columns, marks = ", ".join(KIND_COLUMNS), ", ".join("?" * len(KIND_COLUMNS))
        self.conn.execute(f"INSERT OR IGNORE INTO kinds ({columns}) VALUES ({marks})", names)
        match = " AND ".join(f"{c} = ?" for c in KIND_COLUMNS)
        kind_id = int(self.conn.execute(f"SELECT id FROM kinds WHERE {match}", names).fetchone()[0])
        learnt[kind] = kind_id
        return kind_id

    def prune(self, before_ts: float) -> int:
        """Delete rows older than ``before_ts``; the number deleted (kinds stay: there are few)."""
        return self.conn.execute("DELETE FROM rows WHERE ts < ?", (before_ts,)).rowcount

    def close(self) -> None:
        self.conn.close()


@functools.lru_cache(maxsize=4)
def _insert_statement(rows: int) -> str:
    return f"INSERT INTO rows (kind, {', '.join(VALUE_COLUMNS)}) VALUES {', '.join([_VALUE_SLOT] * rows)}"


def _bindable(values: tuple[object, ...]) -> list[object]:
    bound = list(values)
    if bound[_TTFT] is None:
        bound[_TTFT] = -1.0
    if bound[_TAGS] is None:
        bound[_TAGS] = ""
    for i in _BOOLS:
        bound[i] = 1 if bound[i] else 0
    return bound
