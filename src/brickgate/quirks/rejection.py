"""Adaptive fallback: read a 400 from an unknown family and fix the body for ONE retry."""

from __future__ import annotations

import re
from typing import Any

from brickgate.quirks.output_limit import clamp_output_tokens
from brickgate.quirks.table import QUIRKS, Repaired, run_repairs
from brickgate.quirks.tool_schema import remove_schema_keyword, rewrite_tool_schemas
from brickgate.wire.contract import Api

JSON = dict[str, Any]

# the field a 400 names as unknown: Go strict decoder, Google, OpenAI wordings
_UNKNOWN_FIELD = (
    re.compile(r'json: unknown field \\?"([^"\\]+)\\?"'),
    re.compile(r'Unknown name \\?"([^"\\]+)\\?"'),
    re.compile(r"Unknown parameter: '([^']+)'"),
    re.compile(r"Unrecognized request argument supplied: ([\w.$-]+)"),
)


# the parameter a 400 says the model refuses (research databricks-2026.md §1.5, §3.2): Claude's "Model
# global.anthropic.claude-opus-5 does not support the temperature parameter." [KAS], OpenAI's "Unsupported
# parameter: 'temperature' is not supported with this model.", "kimi models do not support the ... parameter"
_REFUSED_FIELD = (
    re.compile(r"do(?:es)? not support (?:the )?parameter:? '?(\w+(?:\.\w+)*)"),
    re.compile(r"do(?:es)? not support the (\w+(?:\.\w+)*) parameter"),
    re.compile(r"Unsupported parameter: '([^']+)' is not supported with this model"),
)


def unknown_field_named(message: str) -> str | None:
    """The field a rejection message calls unknown, e.g. ``stream_options`` or ``reasoning.summary``."""
    return _first_match(_UNKNOWN_FIELD, message)


def refused_field_named(message: str) -> str | None:
    """The parameter a rejection message says the model does not support, e.g. ``temperature``."""
    return _first_match(_REFUSED_FIELD, message)


def _first_match(patterns: tuple[re.Pattern[str], ...], message: str) -> str | None:
    for pattern in patterns:
        match = pattern.search(message)
        if match:
            return match.group(1)
    return None


def _without_path(node: JSON, path: list[str]) -> JSON | None:
    """``node`` without the dotted ``path``, or None when the path is not there."""
    head, rest = path[0], path[1:]
    if head not in node:
        return None
    if not rest:
        return {k: v for k, v in node.items() if k != head}
    child = node[head]
    if not isinstance(child, dict):
        return None
    fixed = _without_path(child, rest)
    return None if fixed is None else {**node, head: fixed}


def _without_tool_schema_keyword(body: JSON, keyword: str) -> JSON | None:
    fixed = rewrite_tool_schemas(body, lambda schema: remove_schema_keyword(schema, keyword))
    return None if fixed is body else fixed


def _without_message_field(body: JSON, name: str) -> JSON | None:
    items = body.get("messages") if isinstance(body.get("messages"), list) else body.get("input")
    if not isinstance(items, list):
        return None
    out = [
        {k: v for k, v in m.items() if k != name} if isinstance(m, dict) and name in m else m for m in items
    ]
    if all(a is b for a, b in zip(out, items, strict=True)):
        return None
    return {**body, ("messages" if body.get("messages") is items else "input"): out}


def _without_unknown_field(body: JSON, name: str) -> JSON | None:
    return (
        _without_path(body, name.split("."))
        or _without_tool_schema_keyword(body, name)
        or _without_message_field(body, name)
    )


def repair_after_rejection(
    body: JSON, status: int, message: str, api: Api, *, output_limit: int | None = None
) -> Repaired | None:
    """The body fixed for one retry after the upstream refused it; None when the error names nothing to fix.

    For families we have no row for: a 400 naming an unknown field (Go ``json: unknown field "X"``
    [issue: opencode #31156], Google ``Unknown name "X"`` [issue: goose PR #8042], OpenAI
    ``Unknown parameter: 'X'``) gives the body without X (top-level, dotted path, tool-schema keyword, or a
    message field, in that order); an error a quirk row names as its ``refusal`` gives that row's repair;
    else a parameter the model says it does not support is dropped like an unknown field; a too-large
    output cap is clamped to the limit the error states (else ``output_limit``, the model's).
    """
    if not 400 <= status < 500:
        return None
    if (clamped := clamp_output_tokens(body, message, api, output_limit)) is not None:
        return Repaired(clamped[0], (f"clamp_max_tokens:{clamped[1]}",))
    name = unknown_field_named(message)
    if name is not None:
        return _dropped(body, name, "drop_unknown_field")
    for quirk in QUIRKS:
        if quirk.refusal is not None and quirk.refusal in message and api in quirk.request:
            repaired = run_repairs(body, ((quirk.name, quirk.request[api]),))
            return repaired if repaired.applied else None
    name = refused_field_named(message)
    return None if name is None else _dropped(body, name, "drop_refused_field")


def _dropped(body: JSON, name: str, label: str) -> Repaired | None:
    fixed = _without_unknown_field(body, name)
    return Repaired(fixed, (f"{label}:{name}",)) if fixed is not None else None
