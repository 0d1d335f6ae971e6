"""Model names as agents send them, resolved by the catalog's one resolver (`brickgate.catalog.names`).

Agents hard-code vendor names: Claude Code sends ``claude-sonnet-4-5`` or a dated
``claude-sonnet-4-5-20250929``, Codex and SDK users write ``gpt-5.2``, LiteLLM-style callers
``databricks/NAME``. Each maps to a serving endpoint such as ``databricks-claude-sonnet-4-5``.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from brickgate.catalog.model import Model
from brickgate.catalog.names import NameIndex, vendor_name

__all__ = ["LISTING_MAX_AGE", "ModelDirectory", "vendor_name"]
LISTING_MAX_AGE = 300.0  # seconds before the gateway asks the catalog again (it has its own disk cache)


class ModelDirectory:
    """Resolves inbound model names against a workspace's catalog, listing it once and on a miss."""

    def __init__(self, workspace: Any, *, max_age: float = LISTING_MAX_AGE) -> None:
        self._ws = workspace
        self._max_age = max_age
        self._index: NameIndex | None = None
        self._listed_at = 0.0
        self._lock = asyncio.Lock()

    async def models(self) -> list[Model]:
        """The workspace's models (listed once; the catalog keeps its own cache)."""
        index = await self._ensure_index()
        return sorted((m for m in index.models if m.ready), key=lambda m: m.id)

    async def resolve(self, name: str) -> Model:
        """The model ``name`` means; raises ``ModelNotFound`` with close matches."""
        found = (await self._ensure_index()).find(name)
        if found is not None:
            return found
        # Not in our index: the catalog may know it (new endpoint, config alias) or suggest close names.
        model: Model = await asyncio.to_thread(self._ws.model, name)
        return model

    async def _ensure_index(self) -> NameIndex:
        if self._index is None or time.monotonic() - self._listed_at > self._max_age:
            async with self._lock:
                if self._index is None or time.monotonic() - self._listed_at > self._max_age:
                    # The catalog may list over the network (blocking): keep the event loop free.
                    models = await asyncio.to_thread(self._ws.models)
                    self._index = NameIndex(models)
                    self._listed_at = time.monotonic()
        return self._index
