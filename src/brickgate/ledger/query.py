"""Reading the ledger: totals and groups (requests, tokens, cost, p50/p95 latency, error rate), daily
spend, recent rows and the error breakdown. Sums and percentiles run inside SQLite, so a 90-day ledger is
read without loading its rows into Python."""

from __future__ import annotations

import datetime as dt
import re
import sqlite3
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from brickgate.errors import ConfigError
from brickgate.ledger import store
from brickgate.ledger.trouble import trouble_of

# --by NAME → the SQL expression rows are grouped by (data: a new grouping is one row).
GROUPINGS: dict[str, str] = {
    "model": "COALESCE(model, '-')",
    "agent": "COALESCE(agent, '-')",
    "day": "date(ts, 'unixepoch', 'localtime')",
    "api": "COALESCE(api, '-')",
    "identity": "COALESCE(NULLIF(identity, ''), '-')",
    "status": "CAST(status AS TEXT)",
    "workspace": "COALESCE(host, '-')",
}
# Must agree with rows.is_error: every failure counts, except a caller that hung up (499).
_IS_ERROR = "CASE WHEN status = 499 OR status BETWEEN 200 AND 399 THEN 0 ELSE 1 END"
# Rows of a time range, read in rowid order from the first row of the range on (rows arrive roughly in time
# order): walking the ts index instead costs a table lookup per row, ~15x slower over a 90-day range.
_IN_RANGE = (
    f"(SELECT {store.VIEW_COLUMNS} FROM rows r NOT INDEXED JOIN kinds k ON k.id = r.kind "
    "WHERE r.id >= ? AND r.ts >= ? AND r.ts < ?)"
)
_SUMS = """
SELECT {key} AS k, COUNT(*), SUM(input_tokens), SUM(output_tokens), SUM(cache_read_tokens),
    SUM(cache_write_tokens), SUM(reasoning_tokens), SUM(cost_usd), SUM(cost_dbu), SUM({is_error})
FROM {rows} GROUP BY k
"""
# Nearest-rank percentiles; only the key and the latency go through the sort, so it stays narrow.
_PERCENTILES = """
WITH ranked AS (
    SELECT k, latency_ms, ROW_NUMBER() OVER (PARTITION BY k ORDER BY latency_ms) AS rn,
        COUNT(*) OVER (PARTITION BY k) AS n
    FROM (SELECT {key} AS k, latency_ms FROM {rows})
)
SELECT k, MAX(CASE WHEN rn = (n * 50 + 99) / 100 THEN latency_ms END),
    MAX(CASE WHEN rn = (n * 95 + 99) / 100 THEN latency_ms END)
FROM ranked GROUP BY k
"""
_SINCE = re.compile(r"(\d+)\s*([dhm])")
_UNIT_SECONDS = {"d": 86400, "h": 3600, "m": 60}


@dataclass(frozen=True, slots=True)
class Summary:
    """One group (or the total): percentiles by nearest rank over the group's requests."""

    key: str
    requests: int
    input_tokens: int
    output_tokens: int
    cache_read_tokens: int
    cache_write_tokens: int
    reasoning_tokens: int
    cost_usd: float
    cost_dbu: float
    p50_ms: float | None
    p95_ms: float | None
    errors: int

    @property
    def error_rate(self) -> float:
        return self.errors / self.requests if self.requests else 0.0

    @property
    def total_tokens(self) -> int:
        return self.input_tokens + self.output_tokens + self.cache_read_tokens + self.cache_write_tokens

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "error_rate": self.error_rate}


EMPTY = Summary("", 0, 0, 0, 0, 0, 0, 0.0, 0.0, None, None, 0)


@dataclass(frozen=True, slots=True)
class Report:
    since: float
    until: float
    by: str
    totals: Summary
    groups: list[Summary]  # most expensive first
    daily: list[tuple[str, float]]  # (local date, USD), every day of the range

    def to_json(self) -> dict[str, Any]:
        return {
            "since": _iso(self.since),
            "until": _iso(self.until),
            "by": self.by,
            "totals": self.totals.to_json(),
            "groups": [g.to_json() for g in self.groups],
            "daily_usd": [{"day": day, "cost_usd": usd} for day, usd in self.daily],
        }


def parse_since(text: str, now: float | None = None) -> float:
    """``7d``, ``12h``, ``30m`` (before now) or a date ``2026-11-01`` (local midnight) → epoch seconds."""
    now = time.time() if now is None else now
    value = text.strip().lower()
    if match := _SINCE.fullmatch(value):
        since = now - int(match.group(1)) * _UNIT_SECONDS[match.group(2)]
        if since < 0:  # before 1970: no ledger row is that old, and the days to list would overflow a date
            raise ConfigError(
                f"--since {text!r} reaches back before 1970.",
                "Use a shorter duration (90d covers the ledger's default retention) "
                "or a date such as 2026-01-01.",
            )
        return since
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise ConfigError(
            f"--since {text!r} is neither a duration nor a date.",
            "Use a duration such as 7d, 12h or 30m, or a date such as 2026-11-01.",
        ) from None
    return dt.datetime.combine(day, dt.time()).timestamp()


def open_ledger(path: Path) -> sqlite3.Connection | None:
    """A connection to read the ledger; None when nothing was ever recorded (no file yet)."""
    try:
        return store.connect(path, create=False)
    except FileNotFoundError:
        return None
    except (sqlite3.Error, OSError) as exc:
        raise unreadable(path, exc) from None


def unreadable(path: Path, exc: BaseException) -> ConfigError:
    """The error for a ledger that fails to open or to answer a query: the file, what is wrong, what to do."""
    trouble = trouble_of(exc)
    return ConfigError(f"Cannot read the usage ledger {path}: it is {trouble.what}.", trouble.advice)


def report(conn: sqlite3.Connection | None, *, since: float, by: str, until: float | None = None) -> Report:
    until = time.time() if until is None else until
    if by not in GROUPINGS:
        raise ConfigError(f"--by {by!r} is not a grouping.", f"Use one of: {', '.join(GROUPINGS)}.")
    if conn is None:
        return Report(since, until, by, EMPTY, [], _every_day(since, until, {}))
    totals = _summaries(conn, "''", since, until) or [EMPTY]
    groups = sorted(_summaries(conn, GROUPINGS[by], since, until), key=lambda s: (-s.cost_usd, -s.requests))
    return Report(since, until, by, totals[0], groups, daily_spend(conn, since, until))


def _span(conn: sqlite3.Connection, since: float, until: float) -> tuple[int, float, float]:
    """Parameters for ``_IN_RANGE``: the first row id of the range (found on the ts index), since, until."""
    first = conn.execute("SELECT MIN(id) FROM rows WHERE ts >= ?", (since,)).fetchone()[0]
    return (first if first is not None else 1 << 62), since, until


def _summaries(conn: sqlite3.Connection, key: str, since: float, until: float) -> list[Summary]:
    span = _span(conn, since, until)
    pct_sql = _PERCENTILES.format(key=key, rows=_IN_RANGE)
    percentiles = {k: (p50, p95) for k, p50, p95 in conn.execute(pct_sql, span)}
    sums_sql = _SUMS.format(key=key, is_error=_IS_ERROR, rows=_IN_RANGE)
    return [
        Summary(str(k), n, i, o, cr, cw, r, usd, dbu, *percentiles.get(k, (None, None)), errors)
        for k, n, i, o, cr, cw, r, usd, dbu, errors in conn.execute(sums_sql, span)
    ]


def daily_spend(conn: sqlite3.Connection, since: float, until: float) -> list[tuple[str, float]]:
    sql = f"SELECT date(ts, 'unixepoch', 'localtime') AS d, SUM(cost_usd) FROM {_IN_RANGE} GROUP BY d"
    return _every_day(since, until, dict(conn.execute(sql, _span(conn, since, until)).fetchall()))


def _every_day(since: float, until: float, spend: dict[str, float]) -> list[tuple[str, float]]:
    day, last = dt.date.fromtimestamp(since), dt.date.fromtimestamp(until)
    days = []
    while day <= last:
        key = day.isoformat()
        days.append((key, float(spend.get(key, 0.0))))
        day += dt.timedelta(days=1)
    return days


def recent(conn: sqlite3.Connection, limit: int = 50) -> list[dict[str, Any]]:
    """The newest rows, newest first."""
    cursor = conn.execute("SELECT * FROM requests ORDER BY id DESC LIMIT ?", (limit,))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor]


def errors(
    conn: sqlite3.Connection, since: float, until: float, limit: int = 20
) -> list[tuple[int, str, str, int]]:
    """(status, error class, model, count) of the failures in the range, most frequent first."""
    rows = conn.execute(
        f"SELECT status, COALESCE(error_class, '-'), COALESCE(model, '-'), COUNT(*) AS n FROM {_IN_RANGE} "
        f"WHERE {_IS_ERROR} = 1 GROUP BY 1, 2, 3 ORDER BY n DESC LIMIT ?",
        (*_span(conn, since, until), limit),
    )
    return [(int(s), str(c), str(m), int(n)) for s, c, m, n in rows]


def last_id(conn: sqlite3.Connection | None) -> int:
    if conn is None:
        return 0
    return int(conn.execute("SELECT COALESCE(MAX(id), 0) FROM rows").fetchone()[0])


def _iso(ts: float) -> str:
    return dt.datetime.fromtimestamp(ts).astimezone().isoformat(timespec="seconds")


def usd(value: float) -> str:
    """Dollars with the precision a small spend needs: $12.35, $0.0123, $0.000032."""
    if value >= 1 or value == 0:
        return f"${value:,.2f}"
    return f"${value:.4f}" if value >= 0.01 else f"${value:.6f}"


def ms_text(value: float | None) -> str:
    if value is None:
        return "-"
    return f"{value / 1000:.1f} s" if value >= 1000 else f"{value:.0f} ms"
