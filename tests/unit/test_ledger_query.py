"""Reading the ledger: totals, groups, percentiles, error rate and daily spend, on a real SQLite file."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from brickgate.cli.usage import sparkline
from brickgate.errors import ConfigError
from brickgate.ledger import store
from brickgate.ledger.query import open_ledger, parse_since, report
from brickgate.ledger.rows import UsageRow, error_class

NOW = time.time()


def _row(**fields: object) -> UsageRow:
    base: dict[str, object] = {"ts": NOW - 60, "source": "gateway", "status": 200, "latency_ms": 100.0}
    return UsageRow(**{**base, **fields})  # type: ignore[arg-type]


def _ledger(tmp_path: Path, rows: list[UsageRow]) -> Path:
    path = tmp_path / "usage.sqlite3"
    ledger = store.Appender(path)
    ledger.insert(rows)
    ledger.close()
    return path


def test_totals_sum_tokens_and_cost_exactly(tmp_path: Path) -> None:
    rows = [
        _row(model="a", input_tokens=10, output_tokens=5, cache_read_tokens=7, cost_usd=0.25),
        _row(model="b", input_tokens=1, output_tokens=2, cache_write_tokens=3, cost_usd=0.5),
    ]
    conn = open_ledger(_ledger(tmp_path, rows))
    totals = report(conn, since=NOW - 3600, by="model").totals
    assert (totals.requests, totals.input_tokens, totals.output_tokens) == (2, 11, 7)
    assert (totals.cache_read_tokens, totals.cache_write_tokens) == (7, 3)
    assert totals.cost_usd == pytest.approx(0.75)


def test_groups_are_sorted_by_cost(tmp_path: Path) -> None:
    rows = [_row(model="cheap", cost_usd=0.01)] * 5 + [_row(model="dear", cost_usd=2.0)]
    conn = open_ledger(_ledger(tmp_path, rows))
    groups = report(conn, since=NOW - 3600, by="model").groups
    assert [(g.key, g.requests) for g in groups] == [("dear", 1), ("cheap", 5)]


def test_percentiles_are_nearest_rank(tmp_path: Path) -> None:
    rows = [_row(latency_ms=float(ms)) for ms in range(1, 101)]  # 1..100 ms
    conn = open_ledger(_ledger(tmp_path, rows))
    totals = report(conn, since=NOW - 3600, by="model").totals
    assert (totals.p50_ms, totals.p95_ms) == (50.0, 95.0)


def test_error_rate_counts_failures_but_not_callers_that_hung_up(tmp_path: Path) -> None:
    rows = [_row(status=200), _row(status=429), _row(status=502), _row(status=499)]
    conn = open_ledger(_ledger(tmp_path, rows))
    totals = report(conn, since=NOW - 3600, by="status").totals
    assert (totals.errors, totals.error_rate) == (2, 0.5)
    assert error_class(429) == "rate_limited" and error_class(499) == "client_closed"


def test_rows_before_since_are_left_out(tmp_path: Path) -> None:
    rows = [_row(ts=NOW - 10 * 86400, cost_usd=9.0), _row(cost_usd=1.0)]
    conn = open_ledger(_ledger(tmp_path, rows))
    assert report(conn, since=NOW - 7 * 86400, by="model").totals.cost_usd == 1.0


def test_daily_spend_has_every_day_of_the_range(tmp_path: Path) -> None:
    two_days_ago = NOW - 2 * 86400
    conn = open_ledger(_ledger(tmp_path, [_row(ts=two_days_ago, cost_usd=3.0), _row(cost_usd=1.0)]))
    daily = report(conn, since=NOW - 3 * 86400, by="day").daily
    assert len(daily) == 4
    spent = dict(daily)
    assert spent[dt.date.fromtimestamp(two_days_ago).isoformat()] == 3.0
    assert spent[dt.date.fromtimestamp(NOW).isoformat()] == 1.0
    assert sum(spent.values()) == 4.0


def test_a_missing_ledger_reads_as_empty(tmp_path: Path) -> None:
    conn = open_ledger(tmp_path / "usage.sqlite3")
    assert conn is None
    assert report(conn, since=NOW - 3600, by="model").totals.requests == 0
    assert not (tmp_path / "usage.sqlite3").exists()


def test_a_corrupt_ledger_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "usage.sqlite3"
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(ConfigError, match="not a ledger file") as caught:
        open_ledger(path)
    assert "Move the file away" in (caught.value.hint or "")


def test_since_takes_durations_and_dates() -> None:
    assert parse_since("7d", now=1_000_000.0) == 1_000_000.0 - 7 * 86400
    assert parse_since("12h", now=1_000_000.0) == 1_000_000.0 - 12 * 3600
    assert parse_since("2026-11-01") == dt.datetime(2026, 11, 1).timestamp()
    with pytest.raises(ConfigError, match="neither a duration nor a date"):
        parse_since("last tuesday")


def test_an_unknown_grouping_names_the_ones_there_are(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        report(None, since=NOW, by="colour")
    assert "model, agent, day, api, identity, status" in (caught.value.hint or "")


def test_sparkline_scales_to_the_largest_day() -> None:
    assert sparkline([0.0, 1.0, 2.0]) == "▁▅█"
    assert sparkline([0.0, 0.0]) == "▁▁"


def test_rows_read_back_exactly_as_written(tmp_path: Path) -> None:
    written = [
        _row(
            model="m", agent="codex", agent_version="0.1.2", ttft_ms=12.5, streamed=True, tags='{"team":"x"}'
        ),
        _row(model=None, host=None, error_class="not_found", status=404, tokens_estimated=True),
        _row(
            model="m", agent="codex", agent_version="0.1.2", cost_usd=0.25, retries=2
        ),  # the first row's kind
    ]
    conn = open_ledger(_ledger(tmp_path, written))
    assert conn is not None
    read = [tuple(r[1:]) for r in conn.execute("SELECT * FROM requests ORDER BY id")]
    assert read == [tuple(int(v) if isinstance(v, bool) else v for v in row) for row in written]
    assert conn.execute("SELECT COUNT(*) FROM kinds").fetchone()[0] == 2


def test_a_duration_reaching_before_1970_is_refused_clearly() -> None:
    with pytest.raises(ConfigError, match="before 1970") as refused:
        parse_since("99999999999d", now=NOW)
    assert "shorter duration" in (refused.value.hint or "")
