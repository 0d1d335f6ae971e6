"""Chat history as the upstream may take it back: the model's own reasoning is not replayed as text.

Upstream fact (research databricks-2026.md §1.4): GLM, Kimi, Inkling and Qwen 3.5 return reasoning as
``reasoning_content`` beside ``content``, and chat clients (opencode, the openai SDK's users) send it back on
assistant messages. Whether Databricks accepts it there is not known; LiteLLM's Databricks adapter strips
``reasoning_content`` from assistant messages before resending history [LLc ``chat/transformation.py``],
so stripping is the safe default. A model known to want it back gets ``replays_reasoning_content`` in its
family row. Signed ``type: "reasoning"`` parts (Claude's) stay: those are meant to be replayed (api §3.9).
"""

from __future__ import annotations

from typing import Any

from brickgate.quirks.copy_on_change import map_items

JSON = dict[str, Any]
_REASONING_FIELDS = ("reasoning_content", "reasoning")  # `reasoning` is the newer spelling


def _without_reasoning(message: Any) -> JSON | None:
    if not isinstance(message, dict) or ("reasoning_content" not in message and "reasoning" not in message):
        return None  # (two `in` tests, not any() over _REASONING_FIELDS: this runs for every message)
    if message.get("role") != "assistant":
        return None
    return {k: v for k, v in message.items() if k not in _REASONING_FIELDS}


def strip_reasoning_content(body: JSON) -> JSON:
    """Assistant messages without ``reasoning_content`` (or ``reasoning``)."""
    return map_items(body, "messages", _without_reasoning)
