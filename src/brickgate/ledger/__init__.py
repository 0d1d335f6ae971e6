"""The usage ledger: one row per request (tokens, cost, latency, status; never content) in a SQLite file
under brickgate's home, read by `brickgate usage`, the gateway's dashboard and /metrics.

    rows.py        the row (columns) and error classes
    store.py       the file: schema (rows point at their kind of names), owner-only, WAL, batched inserts
    writer.py      the process's writer thread: drafts in, rows out, one warning when the file fails
    trouble.py     what is wrong with a file that fails, in words for people
    live.py        this process's running totals (/metrics)
    query.py       totals, groups, percentiles and daily spend for `usage` and the dashboard
    agents.py      the agent's name from request headers
    gateway_usage  the gateway's hook: one draft per inference request
    library.py     the library's hook: one row per `Workspace.stream`/`complete` call (opt-out)
    context.py     the request being recorded, as the upstream client's retries see it

Config (`config.toml`): ``usage_ledger = false`` records nothing; ``usage_retention_days`` (default 90).
"""

from __future__ import annotations

import threading
from pathlib import Path

from brickgate import home
from brickgate.ledger.store import ledger_path
from brickgate.ledger.writer import DEFAULT_RETENTION_DAYS, Ledger

__all__ = ["Ledger", "ledger_for_home", "ledger_path"]

_ledgers: dict[Path, Ledger] = {}
_lock = threading.Lock()


def ledger_for_home() -> Ledger:
    """This process's writer for the ledger of the current brickgate home (one per file)."""
    path = ledger_path(home.home())
    found = _ledgers.get(path)
    if found is not None:
        return found
    with _lock:
        found = _ledgers.get(path)
        if found is None:
            enabled, days = _settings()
            found = _ledgers[path] = Ledger(path, enabled=enabled, retention_days=days)
    return found


def _settings() -> tuple[bool, float]:
    from brickgate.catalog.settings import load_settings
    from brickgate.errors import ConfigError

    try:
        settings = load_settings()
    except ConfigError:  # reported where the config is used for routing; record with the defaults
        return True, DEFAULT_RETENTION_DAYS
    return settings.usage_ledger, settings.usage_retention_days
