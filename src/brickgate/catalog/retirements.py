"""Endpoints Databricks retires: the date and what replaces each (research databricks-2026.md §1.6, [LL]).

The listings declare no retirement, so this table is the source; `brickgate models` and `doctor` show it
for a model still listed, and a request for one that is gone names its successor.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from brickgate.catalog.families import bare_name


@dataclass(frozen=True, slots=True)
class Retirement:
    endpoint: str
    date: str  # ISO
    successor: str | None

    def describe(self, today: datetime.date | None = None) -> str:
        """`Databricks retired it on 2026-10-30; use databricks-glm-5-3 instead` (or `retires it on`)."""
        day = today or datetime.date.today()
        verb = "retired" if datetime.date.fromisoformat(self.date) <= day else "retires"
        instead = f"; use {self.successor} instead" if self.successor else ""
        return f"Databricks {verb} it on {self.date}{instead}"


_TABLE = (
    Retirement("databricks-gemini-2-5-pro", "2026-10-02", None),
    Retirement("databricks-gemini-2-5-flash", "2026-10-02", "databricks-gemini-3-5-flash"),
    Retirement("databricks-claude-sonnet-4", "2026-10-09", "databricks-claude-sonnet-5"),
    Retirement("databricks-kimi-k2-7", "2026-10-30", "databricks-kimi-k3"),
    Retirement("databricks-inkling", "2026-10-30", "databricks-glm-5-3"),
    Retirement("databricks-deepseek-v4-pro-0813", "2026-10-30", "databricks-deepseek-v4-1-flash-1017"),
    Retirement("databricks-deepseek-v4-flash-0731", "2026-11-05", "databricks-deepseek-v4-1-flash-1017"),
    Retirement("databricks-deepseek-v4-1-flash", "2026-11-19", "databricks-deepseek-v4-1-flash-1017"),
)
_BY_BARE = {bare_name(r.endpoint): r for r in _TABLE}


def retirement_of(name: str) -> Retirement | None:
    """The retirement of the endpoint ``name`` spells (any prefix or case), or None."""
    return _BY_BARE.get(bare_name(name))
