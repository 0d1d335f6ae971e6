"""The one loop every list-rewriting repair shares: fix items, copy the list only if one changed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

JSON = dict[str, Any]


def map_items(body: JSON, key: str, fix: Callable[[Any], Any | None]) -> JSON:
    """``body`` with ``fix`` applied to each item of the list ``body[key]``.

    ``fix`` returns the replacement, or None (or the item itself) to keep it. The result is ``body`` itself
    when nothing changed, so callers and ``Repaired.applied`` can tell a repair that did nothing.
    """
    items = body.get(key)
    if not isinstance(items, list):
        return body
    out: list[Any] | None = None
    for i, item in enumerate(items):
        fixed = fix(item)
        if fixed is not None and fixed is not item:
            if out is None:
                out = list(items)
            out[i] = fixed
    return body if out is None else {**body, key: out}
