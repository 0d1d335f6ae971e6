"""Structural checks on an inbound body before anything reads it: the JSON type of each top-level field the
caller's API defines, objects where lists of objects belong, and a nesting limit. A body that passes can be
walked by decoders and repairs; one that fails gets a 400 naming the field instead of a 500 from deep inside.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from brickgate.catalog.families import Api

MAX_NESTING = 100  # far beyond any real request or tool schema; orjson cannot re-encode past 254

_NUMBER = (int, float)
_SHARED: dict[str, tuple[type, ...]] = {
    "model": (str,),
    "stream": (bool,),
    "metadata": (dict,),
    "temperature": _NUMBER,
    "top_p": _NUMBER,
    "tools": (list,),
}
FIELD_TYPES: dict[Api, dict[str, tuple[type, ...]]] = {
    "chat": _SHARED
    | {
        "messages": (list,),
        "tool_choice": (str, dict),
        "max_tokens": (int,),
        "max_completion_tokens": (int,),
        "stream_options": (dict,),
        "stop": (str, list),
        "response_format": (dict,),
        "parallel_tool_calls": (bool,),
        "n": (int,),
        "reasoning_effort": (str,),
    },
    "responses": _SHARED
    | {
        "input": (str, list),
        "instructions": (str,),
        "tool_choice": (str, dict),
        "max_output_tokens": (int,),
        "reasoning": (dict,),
        "text": (dict,),
        "include": (list,),
        "parallel_tool_calls": (bool,),
    },
    "messages": _SHARED
    | {
        "messages": (list,),
        "system": (str, list),
        "max_tokens": (int,),
        "tool_choice": (dict,),
        "thinking": (dict,),
        "stop_sequences": (list,),
        "top_k": (int,),
    },
}
# Lists whose items must be objects (Responses `input` may also be a plain string).
OBJECT_LISTS = ("messages", "tools", "input")
_TYPE_NAMES = {dict: "an object", list: "an array", str: "a string", bool: "true or false", int: "an integer"}


def shape_problem(body: Mapping[str, Any], api: Api) -> str | None:
    """What is structurally wrong with ``body`` for ``api`` (one sentence), or None."""
    for name, expected in FIELD_TYPES[api].items():
        value = body.get(name)
        if value is None:
            continue  # absent or null: the API's default
        if not _is_one_of(value, expected):
            wanted = " or ".join(_TYPE_NAMES.get(t, "a number") for t in dict.fromkeys(expected))
            return f"`{name}` must be {wanted}, not {_json_type(value)}."
    for name in OBJECT_LISTS:
        items = body.get(name)
        if isinstance(items, list):
            for index, item in enumerate(items):
                if not isinstance(item, dict):
                    return f"`{name}[{index}]` must be an object, not {_json_type(item)}."
    if nesting_depth(body) > MAX_NESTING:
        return f"the body is nested more than {MAX_NESTING} levels deep."
    return None


def nesting_depth(value: Any) -> int:
    """Depth of nested arrays and objects (a scalar is 0), without recursion."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        deepest = max(deepest, depth + 1)
        if deepest > MAX_NESTING:
            return deepest
        stack.extend((child, depth + 1) for child in children)
    return deepest


def _is_one_of(value: Any, expected: tuple[type, ...]) -> bool:
    if isinstance(value, bool):  # bool is an int subclass in Python, not in JSON
        return bool in expected
    return isinstance(value, expected)


def _json_type(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return _TYPE_NAMES.get(type(value), "null")
