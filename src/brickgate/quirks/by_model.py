"""A per-model table: the first row whose pattern matches the endpoint's bare name gives the value.

The family rows (catalog/families.py) say what a family is; these tables say how one model of it takes a
knob, where models of one family differ (Claude Opus 4.6 thinks on a budget, Opus 4.8 adaptively). Patterns
are searched in the bare name (``databricks-claude-opus-4-8`` → ``claude-opus-4-8``), first match wins.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Generic, TypeVar

from brickgate.catalog.families import bare_name
from brickgate.catalog.model import Model

T = TypeVar("T")


class ModelTable(Generic[T]):
    """Rows of (pattern, value); ``for_model`` is memoised per endpoint name (the table is constant)."""

    def __init__(self, rows: Sequence[tuple[str, T]]) -> None:
        self.rows = tuple(rows)
        self._compiled = tuple((re.compile(pattern), value) for pattern, value in rows)
        self._seen: dict[str, T | None] = {}

    def for_name(self, name: str) -> T | None:
        if name in self._seen:
            return self._seen[name]
        bare = bare_name(name)
        value = next((v for pattern, v in self._compiled if pattern.search(bare)), None)
        if len(self._seen) > 4096:  # endpoint names are few; hostile names must not grow it without bound
            self._seen.clear()
        self._seen[name] = value
        return value

    def for_model(self, model: Model) -> T | None:
        return self.for_name(model.id)
