"""Answers the gateway gives without asking Databricks: the model list and token-count estimates."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from typing import Any

from brickgate.catalog.model import Model

_EPOCH_ISO = "1970-01-01T00:00:00Z"  # endpoints carry no creation date that means anything to a client
# Anthropic bills an image by its pixels, ~1,600 tokens at most; its base64 text would count ~100x that.
_IMAGE_CHARS = 1_600 * 4


def models_list_body(models: Iterable[Model]) -> dict[str, Any]:
    """One ``GET /v1/models`` body that both the openai and the anthropic SDK parse.

    OpenAI reads ``data[].{id, object, created, owned_by}``; Anthropic reads ``data[].{id, type,
    display_name, created_at}`` and ``has_more/first_id/last_id``. Ids are serving-endpoint names.
    """
    data = [model_entry(m) for m in models]
    return {
        "object": "list",
        "data": data,
        "has_more": False,
        "first_id": data[0]["id"] if data else None,
        "last_id": data[-1]["id"] if data else None,
    }


def model_entry(model: Model) -> dict[str, Any]:
    """One model in both SDKs' shapes, plus the limits an agent needs to size its context."""
    return {
        "id": model.id,
        "object": "model",
        "type": "model",
        "created": 0,
        "created_at": _EPOCH_ISO,
        "owned_by": "databricks",
        "display_name": model.display_name or model.id,
        "context_window": model.context_window,
        "max_output_tokens": model.max_output_tokens,
        "family": model.family,
        "api": model.api,
    }


# Gemini's list answers only what its clients read: names, limits, the methods each model takes.
_GEMINI_METHODS = ("generateContent", "streamGenerateContent", "countTokens")


def gemini_model_entry(model: Model) -> dict[str, Any]:
    """One model as Google's ``Model`` resource: ``models/`` + the endpoint name."""
    return {
        "name": f"models/{model.id}",
        "baseModelId": model.id,
        "displayName": model.display_name or model.id,
        "description": f"{model.family} model served by Databricks (brickgate)",
        "inputTokenLimit": model.context_window,
        "outputTokenLimit": model.max_output_tokens,
        "supportedGenerationMethods": list(_GEMINI_METHODS),
        "thinking": model.supports_reasoning,
    }


def gemini_models_body(models: Iterable[Model]) -> dict[str, Any]:
    """``GET /v1beta/models``: every model on one page (no ``nextPageToken``), whatever family."""
    return {"models": [gemini_model_entry(m) for m in models]}


def _chars(value: Any) -> int:
    """Characters of text in any nested JSON value (strings counted; keys and structure ignored; an image
    block counted as the text it costs, whatever its encoded size)."""
    if isinstance(value, str):
        return len(value)
    if isinstance(value, Mapping):
        if value.get("type") == "image" or "inlineData" in value or "inline_data" in value:
            return _IMAGE_CHARS
        return sum(_chars(v) for v in value.values())
    if isinstance(value, list):
        return sum(_chars(v) for v in value)
    return 0


def estimate_input_tokens(body: Mapping[str, Any]) -> int:
    """A local estimate for ``/v1/messages/count_tokens``: about 4 characters per token over the
    system prompt, the messages and the tool definitions. Databricks has no counting endpoint, so this
    is an estimate, good enough for an agent deciding when to compact its context."""
    return estimate_tokens(body.get("system"), body.get("messages"), body.get("tools"))


def estimate_gemini_tokens(body: Mapping[str, Any]) -> int:
    """The same estimate for Gemini's ``:countTokens``: its ``contents``, or the ``generateContentRequest``
    it wraps (with the system instruction and tools)."""
    wrapped = body.get("generateContentRequest") or body.get("generate_content_request")
    request: Mapping[str, Any] = wrapped if isinstance(wrapped, Mapping) else body
    return estimate_tokens(
        *(request.get(name) for name in ("contents", "systemInstruction", "system_instruction", "tools"))
    )


def estimate_tokens(*values: Any) -> int:
    """About 4 characters per token over the text in ``values``; at least 1."""
    return max(1, math.ceil(sum(_chars(v) for v in values) / 4))
