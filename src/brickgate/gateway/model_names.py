"""Model names as agents send them, mapped to the workspace's endpoints.

Agents hard-code vendor names: Claude Code sends ``claude-sonnet-4-5`` or a dated
``claude-sonnet-4-5-20250929``, Codex and SDK users write ``gpt-5.2``, LiteLLM-style callers
``databricks/NAME``. Each maps to a serving endpoint such as ``databricks-claude-sonnet-4-5``.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterable, Iterator
from typing import Any

from brickgate.catalog.model import Model

_DATE_SUFFIX = re.compile(r"-(?:\d{8}|\d{4}-\d{2}-\d{2})$")
_PREFIX = "databricks-"
_DIGIT_DASH_DIGIT = re.compile(r"(?<=\d)-(?=\d)")
LISTING_MAX_AGE = 300.0  # seconds before the gateway asks the catalog again (it has its own disk cache)


def name_candidates(name: str) -> Iterator[str]:
    """Endpoint names ``name`` may stand for, most literal first (lower-cased)."""
    seen: set[str] = set()
    base = name.strip().lower()
    for prefix in ("databricks/", "system.ai."):
        if base.startswith(prefix):
            base = base[len(prefix) :]
    undated = _DATE_SUFFIX.sub("", base)
    for stem in (base, undated, base.replace(".", "-"), undated.replace(".", "-")):
        for candidate in (stem, _PREFIX + stem):
            if candidate not in seen:
                seen.add(candidate)
                yield candidate


def vendor_name(endpoint: str) -> str:
    """The name the vendor's own clients know an endpoint by, which the gateway maps back.

    ``databricks-claude-sonnet-4-5`` → ``claude-sonnet-4-5``, ``databricks-gpt-5-2`` → ``gpt-5.2``.
    Claude Code and Codex shape requests (thinking, tools, context size) by recognising these names.
    """
    short = endpoint[len(_PREFIX) :] if endpoint.startswith(_PREFIX) else endpoint
    return _DIGIT_DASH_DIGIT.sub(".", short) if short.startswith("gpt-") else short


def alias_index(models: Iterable[Model]) -> dict[str, Model]:
    """Endpoint names and their short forms (without ``databricks-``), lower-cased, to models."""
    index: dict[str, Model] = {}
    for model in models:
        key = model.id.lower()
        index.setdefault(key, model)
        if key.startswith(_PREFIX):
            index.setdefault(key[len(_PREFIX) :], model)
    return index


class ModelDirectory:
    """Resolves inbound model names against a workspace's catalog, listing it once and on a miss."""

    def __init__(self, workspace: Any, *, max_age: float = LISTING_MAX_AGE) -> None:
        self._ws = workspace
        self._max_age = max_age
        self._index: dict[str, Model] | None = None
        self._listed_at = 0.0
        self._lock = asyncio.Lock()

    async def models(self) -> list[Model]:
        """The workspace's models (listed once; the catalog keeps its own cache)."""
        index = await self._ensure_index()
        unique = {m.id: m for m in index.values()}
        return sorted(unique.values(), key=lambda m: m.id)

    async def resolve(self, name: str) -> Model:
        """The model ``name`` means; raises ``ModelNotFound`` with close matches."""
        found = self._lookup(await self._ensure_index(), name)
        if found is not None:
            return found
        # Not in our index: the catalog may know it (new endpoint, config alias) or suggest close names.
        model: Model = await asyncio.to_thread(self._ws.model, name)
        return model

    def _lookup(self, index: dict[str, Model], name: str) -> Model | None:
        for candidate in name_candidates(name):
            model = index.get(candidate)
            if model is not None:
                return model
        return None

    async def _ensure_index(self) -> dict[str, Model]:
        if self._index is None or time.monotonic() - self._listed_at > self._max_age:
            async with self._lock:
                if self._index is None or time.monotonic() - self._listed_at > self._max_age:
                    # The catalog may list over the network (blocking): keep the event loop free.
                    models = await asyncio.to_thread(self._ws.models)
                    self._index = alias_index(models)
                    self._listed_at = time.monotonic()
        return self._index
