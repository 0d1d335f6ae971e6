"""Tool schemas without unions: one type per schema node, and a type on every array's items.

Fact: Gemini rejects arrays with union types / ``anyOf`` and array ``items`` without a ``type`` (research
databricks-api.md §3.3 [issues: opencode #19276, t8y2/dbx #6233]); its schema is OpenAPI 3.0's subset, where
"this or null" is ``nullable: true``. So a union keeps its first non-null member (``nullable`` when null was
one of them; the other members' types are named in the description so the model still knows them), a
``type`` list keeps its first non-null type, and typeless ``items`` get a type from what they hold
(``properties`` → object, ``items`` → array, else string).
"""

from __future__ import annotations

from typing import Any

from brickgate.quirks.tool_schema import rewrite_tool_schemas

JSON = dict[str, Any]

_UNIONS = ("anyOf", "oneOf")
_NESTED_MAPS = ("properties", "patternProperties")
_NESTED_VALUES = ("items", "additionalProperties")


def _is_null(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("type") == "null"


def _type_name(schema: Any) -> str:
    kind = schema.get("type") if isinstance(schema, dict) else None
    return kind if isinstance(kind, str) else "object"


def _without_union(node: JSON) -> JSON:
    """``node`` with its ``anyOf``/``oneOf`` replaced by the first non-null member (merged in)."""
    key = next((k for k in _UNIONS if isinstance(node.get(k), list)), None)
    if key is None:
        return node
    members = node[key]
    kept = [m for m in members if not _is_null(m)]
    rest = {k: v for k, v in node.items() if k != key}
    if not kept:
        return {**rest, "type": "string", "nullable": True}
    first = kept[0] if isinstance(kept[0], dict) else {}
    out: JSON = {**first, **rest}
    if len(kept) < len(members):
        out["nullable"] = True
    others = sorted({_type_name(m) for m in kept[1:]} - {_type_name(first)})
    if others:
        note = f"(also accepts: {', '.join(others)})"
        out["description"] = f"{out['description']} {note}" if out.get("description") else note
    return out


def _single_type(node: JSON) -> JSON:
    kinds = node.get("type")
    if not isinstance(kinds, list):
        return node
    named = [k for k in kinds if isinstance(k, str) and k != "null"]
    out = {**node, "type": named[0] if named else "string"}
    if len(named) < len(kinds):
        out["nullable"] = True
    return out


def _typed_items(node: JSON) -> JSON:
    if node.get("type") != "array":
        return node
    items = node.get("items")
    items = items if isinstance(items, dict) else {}
    if "type" in items:
        return node
    kind = "object" if "properties" in items else "array" if "items" in items else "string"
    return {**node, "items": {"type": kind, **items}}


def _needs_flattening(node: Any) -> bool:
    """Whether ``node`` holds anything :func:`flatten_unions` changes (a scan that allocates nothing: most
    agents' schemas have no union, and this runs for every tool of every request)."""
    if not isinstance(node, dict):
        return False
    kind = node.get("type")
    if kind.__class__ is list or "anyOf" in node or "oneOf" in node:
        return True
    items = node.get("items")
    if kind == "array" and (items.__class__ is not dict or "type" not in items):
        return True
    if items is not None and _needs_flattening(items):
        return True
    for key in _NESTED_MAPS:
        value = node.get(key)
        if value.__class__ is dict:
            for sub in value.values():
                if _needs_flattening(sub):
                    return True
    return _needs_flattening(node.get("additionalProperties"))


def flatten_unions(schema: Any) -> Any:
    """A copy of ``schema`` with no union and no typeless array items, at any depth (``schema`` itself
    when it has none)."""
    if not _needs_flattening(schema):
        return schema
    node = schema
    while any(isinstance(node.get(k), list) for k in _UNIONS):  # a merged member may bring its own union
        node = _without_union(node)
    out: JSON = {}
    for key, value in _single_type(node).items():
        if key in _NESTED_MAPS and isinstance(value, dict):
            out[key] = {name: flatten_unions(sub) for name, sub in value.items()}
        elif key in _NESTED_VALUES and isinstance(value, dict):
            out[key] = flatten_unions(value)
        else:
            out[key] = value
    return _typed_items(out)


def flatten_schema_unions(body: JSON) -> JSON:
    """Every tool's schema through :func:`flatten_unions`.

    Prevents Gemini's ``Invalid JSON payload received. Unknown name "anyOf" at
    'tools[0].function_declarations[N].parameters…'`` and its refusals of ``type`` lists and typeless items.
    """
    return rewrite_tool_schemas(body, flatten_unions)
