"""Structural checks on an inbound body before anything reads it: the JSON type of each top-level field the
caller's API defines (its wire field table), objects where arrays of objects belong, and a nesting limit. A
body that passes can be walked by decoders and repairs; one that fails gets a 400 naming the field instead
of a 500 from deep inside.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from brickgate.wire.contract import Api
from brickgate.wire.fields import json_type, type_names
from brickgate.wire.registry import WIRES

MAX_NESTING = 100  # far beyond any real request or tool schema; orjson cannot re-encode past 254


def shape_problem(body: Mapping[str, Any], api: Api) -> str | None:
    """What is structurally wrong with ``body`` for ``api`` (one sentence), or None."""
    fields = WIRES[api].FIELDS
    for name, field in fields.items():
        value = body.get(name)
        if value is None or not field.types:
            continue  # absent or null: the API's default
        if not _is_one_of(value, field.types):
            return f"`{name}` must be {type_names(field.types)}, not {json_type(value)}."
    for name, field in fields.items():
        items = body.get(name)
        if field.object_items and isinstance(items, list):
            for index, item in enumerate(items):
                if not isinstance(item, dict):
                    return f"`{name}[{index}]` must be an object, not {json_type(item)}."
    if nesting_depth(body) > MAX_NESTING:
        return f"the body is nested more than {MAX_NESTING} levels deep."
    return None


def nesting_depth(value: Any) -> int:
    """Depth of nested arrays and objects (a scalar is 0), without recursion. One level at a time, keeping
    only containers: an agent's 200 KB body has thousands of string leaves, and a tuple per leaf cost as
    much as parsing the body (bench/README.md, agent-sized requests)."""
    level = [value] if isinstance(value, (dict, list)) else []
    depth = 0
    while level:
        depth += 1
        if depth > MAX_NESTING:
            return depth
        deeper: list[Any] = []
        for item in level:
            children = item.values() if item.__class__ is dict else item
            deeper += [child for child in children if child.__class__ in _CONTAINERS]
        level = deeper
    return depth


_CONTAINERS = frozenset((dict, list))  # what orjson.loads makes; exact classes: one set lookup per value


def _is_one_of(value: Any, expected: tuple[type, ...]) -> bool:
    if isinstance(value, bool):  # bool is an int subclass in Python, not in JSON
        return bool in expected
    return isinstance(value, expected)
