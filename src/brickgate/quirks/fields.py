"""Top-level request fields some upstream families refuse."""

from __future__ import annotations

import logging
from typing import Any

from brickgate.catalog.model import Model
from brickgate.wire.registry import WIRES

JSON = dict[str, Any]

log = logging.getLogger("brickgate.quirks")

# The chat fields Databricks documents (research/databricks-api.md §2.4), from the wire's chat field table.
CHAT_REQUEST_FIELDS = frozenset(name for name, field in WIRES["chat"].FIELDS.items() if field.documented)


def _without(body: JSON, *keys: str) -> JSON:
    if not any(k in body for k in keys):
        return body
    return {k: v for k, v in body.items() if k not in keys}


def rename_max_completion_tokens(body: JSON) -> JSON:
    """Chat ``max_completion_tokens`` sent as ``max_tokens`` (kept if both are given).

    Fact: "`max_completion_tokens` → `max_tokens` for most models" [code: LiteLLM] (§3.10); ``max_tokens`` is
    the documented chat field (§2.4), and strict decoders reject anything else (§3.4).
    """
    if "max_completion_tokens" not in body:
        return body
    out = _without(body, "max_completion_tokens")
    if "max_tokens" not in body and body["max_completion_tokens"] is not None:
        out["max_tokens"] = body["max_completion_tokens"]
    return out


def drop_temperature(body: JSON) -> JSON:
    """``temperature`` removed for models that refuse it.

    Prevents ``BAD_REQUEST: Model <name> does not support the temperature parameter.`` (Claude Opus 5)
    [issue: leonardovida/duckdb-ai #85] (§3.10).
    """
    if "temperature" not in body:
        return body
    log.debug(
        "dropping temperature=%r: this model does not support the temperature parameter", body["temperature"]
    )
    return _without(body, "temperature")


def drop_stream_options(body: JSON) -> JSON:
    """``stream_options`` removed.

    Prevents Gemini's ``Unknown name "stream_options" at 'generation_config'`` [issue: goose PR #8042] and
    the open models' ``Bad request: json: unknown field "stream_options"`` [issue: opencode #31156] (§3.4).
    Usage still arrives: Databricks reports it on the last chunk without being asked (§2.6).
    """
    return _without(body, "stream_options")


def drop_unknown_chat_fields(body: JSON) -> JSON:
    """Only the documented chat request fields (§2.4) are sent; ``parallel_tool_calls`` and the like go.

    Prevents ``Bad request: json: unknown field "<name>"`` from the strict (Go) request decoder of the open
    models [issue: opencode #31156; databricks-sdk-py #1263] (§3.4, §3.5b).
    """
    if all(k in CHAT_REQUEST_FIELDS for k in body):
        return body
    return {k: v for k, v in body.items() if k in CHAT_REQUEST_FIELDS}


def drop_eager_input_streaming(body: JSON) -> JSON:
    """``tools[].eager_input_streaming`` removed from Anthropic Messages tools (opencode sends it).

    Fact: the AI Gateway's Anthropic translator rejects ``tools[].eager_input_streaming`` on the
    stream+tools path; the legacy ``anthropic-beta: fine-grained-tool-streaming-...`` header works instead
    [code: ucode ``agents/pi.py``, ``agents/opencode.py`` comments] (§2.8). Without it, tool input still
    streams, only less eagerly.
    """
    tools = body.get("tools")
    if not isinstance(tools, list) or not any(
        isinstance(t, dict) and "eager_input_streaming" in t for t in tools
    ):
        return body
    cleaned = [_without(t, "eager_input_streaming") if isinstance(t, dict) else t for t in tools]
    return {**body, "tools": cleaned}


def apply_service_tier(body: JSON, model: Model) -> JSON:
    """The tier set for this model in config.toml (``[models."x"] service_tier = "priority"``), when the
    request names none: the caller's own ``service_tier`` always wins (research databricks-2026.md §4.1)."""
    if model.service_tier is None or "service_tier" in body:
        return body
    return {**body, "service_tier": model.service_tier}
