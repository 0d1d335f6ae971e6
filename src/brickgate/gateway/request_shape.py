"""Structural checks on an inbound body before anything reads it: the JSON type of each top-level field the
caller's API defines (its wire field table) and objects where arrays of objects belong. A body that passes
can be walked by decoders and repairs; one that fails gets a 400 naming the field instead of a 500 from
deep inside.

Nesting is not walked here: a walk over every container of an agent's 200 KB body cost 0.3-0.4 ms, a
third of the floor relay's whole request (bench/README.md, agent-sized requests). orjson refuses to parse
past 1,024 levels; a body too deep to re-encode (254) or to walk recursively fails where that happens and
``GatewayError.of`` answers it as this module would have, a 400 saying so.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from brickgate.wire.contract import Api
from brickgate.wire.fields import json_type, type_names
from brickgate.wire.registry import WIRES


def shape_problem(body: Mapping[str, Any], api: Api) -> str | None:
    """What is structurally wrong with ``body`` for ``api`` (one sentence), or None."""
    fields = WIRES[api].FIELDS
    for name, field in fields.items():
        value = body.get(name)
        if value is None or not field.types:
            continue  # absent or null: the API's default
        if not _is_one_of(value, field.types):
            if int in field.types and isinstance(value, float) and abs(value) >= 2**63:
                # orjson reads an integer past 64 bits as a float: say what is wrong with it
                return f"`{name}` is too large ({value:.0f}): it must fit in 64 bits."
            return f"`{name}` must be {type_names(field.types)}, not {json_type(value)}."
    for name, field in fields.items():
        items = body.get(name)
        if field.object_items and isinstance(items, list):
            for index, item in enumerate(items):
                if not isinstance(item, dict):
                    return f"`{name}[{index}]` must be an object, not {json_type(item)}."
    return None


def _is_one_of(value: Any, expected: tuple[type, ...]) -> bool:
    if isinstance(value, bool):  # bool is an int subclass in Python, not in JSON
        return bool in expected
    return isinstance(value, expected)
