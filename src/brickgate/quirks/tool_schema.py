"""Tool JSON Schemas: make them acceptable to the strictest upstream validators.

Upstream facts (research/databricks-api.md §3.3):
- Gemini rejects ``$schema``: ``Invalid JSON payload received. Unknown name "$schema" at
  'tools[0].function_declarations[31].parameters': Cannot find field.`` [issue: opencode PR #7984].
- Gemini rejects ``$ref`` with siblings: ``Schema.ref 'QuestionOption' was set alongside unsupported fields.
  If a schema node has Schema.ref set, then only description and default can be set alongside it``
  [issue: diegosouzapw/OmniRoute #461]. We inline ``$ref`` from ``$defs``/``definitions`` instead.
- Databricks' tool validator wants an explicit ``"type": "object"`` on ``parameters`` [issue: opencode
  PR #26510; code: goose ``ensure_valid_json_schema``].
- Non-GPT models don't support ``tools[].function.strict`` [code: ai-bridge ``_strip_strict_from_tools``].
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from brickgate.quirks.copy_on_change import map_items

JSON = dict[str, Any]

MAX_REF_DEPTH = 8  # recursive $defs (a tree node that holds nodes) are cut off below this depth
_REF_SIBLINGS_KEPT = ("description", "default")
# keywords whose value is a map of name → schema; their keys are names, not keywords
_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_SCHEMA_LISTS = ("anyOf", "allOf", "oneOf", "prefixItems")
_SCHEMA_VALUES = (
    "items",
    "additionalProperties",
    "not",
    "if",
    "then",
    "else",
    "contains",
    "propertyNames",
    "unevaluatedProperties",
    "unevaluatedItems",
    "additionalItems",
)


def _resolve_ref(ref: str, defs: JSON, root: JSON) -> tuple[str, Any] | None:
    if ref == "#":
        return "#", root
    for prefix in ("#/$defs/", "#/definitions/"):
        if ref.startswith(prefix):
            name = ref[len(prefix) :]
            return (name, defs[name]) if name in defs else None
    return None


class _SchemaCleaner:
    """One pass over a schema: drops ``$schema``/``ref``/``$defs``, inlines ``$ref`` (depth-bounded)."""

    def __init__(self, defs: JSON, root: JSON) -> None:
        self.defs = defs
        self.root = root

    def node(self, schema: Any, depth: int) -> Any:
        if not isinstance(schema, dict):
            return schema
        if isinstance(schema.get("$ref"), str):
            return self.inline(schema, depth)
        out: JSON = {}
        for key, value in schema.items():
            if key in ("$schema", "ref", "$defs", "definitions", "$id"):
                continue
            if key in _SCHEMA_MAPS and isinstance(value, dict):
                out[key] = {name: self.node(sub, depth) for name, sub in value.items()}
            elif key in _SCHEMA_LISTS and isinstance(value, list):
                out[key] = [self.node(sub, depth) for sub in value]
            elif key in _SCHEMA_VALUES and isinstance(value, (dict, list)):
                out[key] = (
                    [self.node(sub, depth) for sub in value]
                    if isinstance(value, list)
                    else self.node(value, depth)
                )
            else:
                out[key] = value
        return out

    def inline(self, schema: JSON, depth: int) -> JSON:
        siblings = {k: schema[k] for k in _REF_SIBLINGS_KEPT if k in schema}
        target = _resolve_ref(schema["$ref"], self.defs, self.root)
        if target is None or depth >= MAX_REF_DEPTH or not isinstance(target[1], dict):
            # unresolvable or too deep: a permissive object keeps the tool usable
            return {"type": "object", **siblings}
        resolved = self.node(target[1], depth + 1)
        return {**resolved, **siblings}


def remove_schema_keyword(schema: Any, keyword: str) -> Any:
    """A copy of ``schema`` without ``keyword`` in any schema node (property *names* are left alone)."""
    if not isinstance(schema, dict):
        return schema
    out: JSON = {}
    for key, value in schema.items():
        if key == keyword:
            continue
        if key in _SCHEMA_MAPS and isinstance(value, dict):
            out[key] = {name: remove_schema_keyword(sub, keyword) for name, sub in value.items()}
        elif key in (*_SCHEMA_LISTS, *_SCHEMA_VALUES) and isinstance(value, list):
            out[key] = [remove_schema_keyword(sub, keyword) for sub in value]
        elif key in _SCHEMA_VALUES:
            out[key] = remove_schema_keyword(value, keyword)
        else:
            out[key] = value
    return out


def clean_schema(schema: Any) -> Any:
    """A copy of ``schema`` without ``$schema``, ``$id`` and non-standard ``ref``, every ``$ref`` inlined.

    Only ``description`` and ``default`` survive next to an inlined ``$ref`` (Gemini's rule). Recursive
    definitions are inlined ``MAX_REF_DEPTH`` levels deep, then replaced by ``{"type": "object"}``.
    """
    if not isinstance(schema, dict):
        return schema
    defs: JSON = {}
    for key in ("definitions", "$defs"):
        if isinstance(schema.get(key), dict):
            defs.update(schema[key])
    return _SchemaCleaner(defs, schema).node(schema, 0)


def tool_schema_slot(tool: Any) -> tuple[JSON, str] | None:
    """Where a tool keeps its schema, in any of the three upstream shapes: (holder, key)."""
    if not isinstance(tool, dict):
        return None
    function = tool.get("function")
    if isinstance(function, dict):
        return function, "parameters"  # chat
    if "input_schema" in tool:
        return tool, "input_schema"  # anthropic
    if "parameters" in tool:
        return tool, "parameters"  # responses
    return None


def rewrite_tool_schemas(body: JSON, rewrite: Callable[[Any], Any]) -> JSON:
    """``body`` with ``rewrite`` applied to every tool's schema; the same object when nothing changed."""

    def rewritten(tool: Any) -> Any:
        slot = tool_schema_slot(tool)
        if slot is None:
            return None
        holder, key = slot
        old = holder.get(key)
        new = rewrite(old)
        if new is old or new == old:
            return None
        return {**tool, "function": {**holder, key: new}} if holder is not tool else {**tool, key: new}

    return map_items(body, "tools", rewritten)


def sanitize_tool_schemas(body: JSON) -> JSON:
    """Every tool's schema (MCP tools included) cleaned by :func:`clean_schema`.

    Prevents Gemini's ``Unknown name "$schema" at 'tools[0].function_declarations[N].parameters'`` and
    ``Schema.ref '<Name>' was set alongside unsupported fields`` (§3.3).
    """
    return rewrite_tool_schemas(body, clean_schema)


def _object_parameters(schema: Any) -> Any:
    if schema is None:
        return {"type": "object", "properties": {}}
    if not isinstance(schema, dict):
        return schema
    fixed = schema
    if "type" not in fixed and not any(k in fixed for k in ("anyOf", "oneOf", "allOf", "$ref")):
        fixed = {"type": "object", **fixed}
    if fixed.get("type") == "object" and "properties" not in fixed:
        fixed = {**fixed, "properties": {}}
    return fixed


def ensure_object_parameters(body: JSON) -> JSON:
    """Tool parameters carry an explicit ``"type": "object"`` (and ``properties``): Databricks wants it.

    Fact: "Databricks' tool validator also wants an explicit type: object on parameters" (§3.3, opencode
    PR #26510). Harmless when already present, so it runs for every family.
    """
    return rewrite_tool_schemas(body, _object_parameters)


def strip_strict_from_tools(body: JSON) -> JSON:
    """``strict`` removed from every tool (chat ``tools[].function.strict``, Responses ``tools[].strict``).

    Fact: non-GPT models don't support ``strict`` [code: ai-bridge ``_strip_strict_from_tools``]; the AI
    Gateway's MLflow route rejects it [code: ucode ``build_pi_base_urls``] (§3.3).
    """
    tools = body.get("tools")
    if not isinstance(tools, list):
        return body
    out = list(tools)
    changed = False
    for i, tool in enumerate(tools):
        if not isinstance(tool, dict):
            continue
        function = tool.get("function")
        if isinstance(function, dict) and "strict" in function:
            tool = {**tool, "function": {k: v for k, v in function.items() if k != "strict"}}
        if "strict" in tool:
            tool = {k: v for k, v in tool.items() if k != "strict"}
        if tool is not tools[i]:
            out[i] = tool
            changed = True
    return {**body, "tools": out} if changed else body
