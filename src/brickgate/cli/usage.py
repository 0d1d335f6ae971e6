"""`brickgate usage`: what the requests recorded in the usage ledger cost, grouped and sorted by cost."""

from __future__ import annotations

import csv
import datetime as dt
import sys
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from rich.table import Table

    from brickgate.ledger.query import Report, Summary

SPARKS = "▂▃▄▅▆▇█"  # a day without spend is "▁"
CSV_FIELDS = (
    "key",
    "requests",
    "input_tokens",
    "output_tokens",
    "cache_read_tokens",
    "cache_write_tokens",
    "reasoning_tokens",
    "cost_usd",
    "cost_dbu",
    "p50_ms",
    "p95_ms",
    "errors",
    "error_rate",
)


def usage(
    since: Annotated[
        str, typer.Option("--since", help="A duration before now (7d, 12h, 30m) or a date (2026-11-01).")
    ] = "7d",
    by: Annotated[
        str, typer.Option("--by", help="Group by model, agent, day, api, identity, status or workspace.")
    ] = "model",
    json_output: Annotated[bool, typer.Option("--json", help="One JSON object, for scripts.")] = False,
    csv_output: Annotated[bool, typer.Option("--csv", help="CSV: a line per group, then the total.")] = False,
) -> None:
    """What your agents and scripts spent: requests, tokens, cost, latency and errors, from the ledger."""
    import sqlite3

    from brickgate import home
    from brickgate.errors import ConfigError
    from brickgate.ledger import ledger_path
    from brickgate.ledger.query import open_ledger, parse_since, report, unreadable

    if json_output and csv_output:
        raise ConfigError("--json and --csv cannot be combined.", "Pick one output format.")
    path = ledger_path(home.home())
    conn = open_ledger(path)
    try:
        result = report(conn, since=parse_since(since), by=by)
    except sqlite3.Error as exc:  # opened, then failed: a damaged page, a lock held past the timeout
        raise unreadable(path, exc) from None
    finally:
        if conn is not None:
            conn.close()
    if json_output:
        from brickgate.cli.output import print_json

        print_json(result.to_json())
    elif csv_output:
        _print_csv(result)
    else:
        _print_table(result)


def _print_csv(result: Report) -> None:
    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow((result.by, *CSV_FIELDS[1:]))
    for group in [*result.groups, result.totals]:
        row = group.to_json()
        row["key"] = group.key if group is not result.totals else "total"
        out.writerow(["" if row[f] is None else row[f] for f in CSV_FIELDS])


def _print_table(result: Report) -> None:
    from brickgate.cli.output import stdout_console

    console = stdout_console()
    started = dt.datetime.fromtimestamp(result.since).strftime("%Y-%m-%d %H:%M")
    if not result.totals.requests:
        console.print(f"No requests recorded since {started}.")
        return
    console.print(_table(result, f"Usage since {started}, by {result.by}"))
    first, last = result.daily[0][0], result.daily[-1][0]
    console.print(f"daily spend {sparkline([spent for _, spent in result.daily])} ({first} → {last})")


def _table(result: Report, title: str) -> Table:
    from rich.table import Table

    table = Table(title=title, title_justify="left", show_footer=True)
    headers = ("requests", "input", "cached", "output", "cost", "p50", "p95", "errors")
    table.add_column(result.by, footer="total")
    for header, value in zip(headers, _cells(result.totals), strict=True):
        table.add_column(header, justify="right", footer=value)
    for group in result.groups:
        table.add_row(group.key, *_cells(group))
    return table


def _cells(s: Summary) -> tuple[str, ...]:
    from brickgate.ledger.query import ms_text, usd

    return (
        f"{s.requests:,}",
        f"{s.input_tokens:,}",
        f"{s.cache_read_tokens + s.cache_write_tokens:,}",
        f"{s.output_tokens:,}",
        usd(s.cost_usd),
        ms_text(s.p50_ms),
        ms_text(s.p95_ms),
        f"{s.error_rate:.1%}",
    )


def sparkline(values: list[float]) -> str:
    """One character per value, scaled to the largest; ``▁`` for zero."""
    top = max(values, default=0.0)
    if top <= 0:
        return "▁" * len(values)
    steps = len(SPARKS) - 1
    return "".join("▁" if v <= 0 else SPARKS[round(v / top * steps)] for v in values)
