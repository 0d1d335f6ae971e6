"""A 400 saying the requested output is too large: clamp it to the limit the error states and retry.

Fact: the gateway may cap output below the model card (GLM: 25,000 per ucode, 65,536-131,072 per LiteLLM;
research databricks-2026.md §1.2 "treat a `max_tokens`-too-large 400 as a signal to clamp and retry").
Texts: OpenAI's "max_tokens is too large: 200000. This model supports at most 128000 completion tokens"
(the emulator's wording too), Anthropic's "max_tokens: 200000 > 64000, which is the maximum allowed number
of output tokens". The workspace remembers the refusal per endpoint (quirks.memory), so later requests are
clamped before they are sent.
"""

from __future__ import annotations

import re
from typing import Any

JSON = dict[str, Any]

_FIELD = r"(?:max_tokens|max_completion_tokens|max_output_tokens|maxOutputTokens)"
_REFUSAL = re.compile(_FIELD + r"\W{0,4}[^.\n]{0,60}?(?:too large|exceeds|> ?\d)", re.IGNORECASE)
_LIMITS = (
    re.compile(r"at most (\d[\d,]*)", re.IGNORECASE),
    re.compile(r"> ?(\d[\d,]*)"),
    re.compile(r"maximum[^\d.]{0,40}(\d[\d,]*)", re.IGNORECASE),
)
# Where each API puts the output cap (Gemini's is nested under generationConfig).
_FIELDS: dict[str, tuple[tuple[str, ...], ...]] = {
    "chat": (("max_tokens",), ("max_completion_tokens",)),
    "responses": (("max_output_tokens",),),
    "messages": (("max_tokens",),),
    "gemini": (("generationConfig", "maxOutputTokens"),),
}


def says_output_too_large(message: str) -> bool:
    return _REFUSAL.search(message) is not None


def stated_limit(message: str) -> int | None:
    """The largest output the refusal says the model takes, e.g. 25000; None when it names no number."""
    for pattern in _LIMITS:
        if match := pattern.search(message):
            return int(match.group(1).replace(",", ""))
    return None


def clamp_output_tokens(body: JSON, message: str, api: str, fallback: int | None) -> tuple[JSON, int] | None:
    """``body`` with its output cap lowered to the limit ``message`` states (else ``fallback``, the
    model's known maximum), and that limit; None when the refusal is another or nothing is above it."""
    if not says_output_too_large(message):
        return None
    limit = stated_limit(message) or fallback
    if not limit:
        return None
    out = body
    for path in _FIELDS.get(api, ()):
        value = _get(out, path)
        if isinstance(value, int) and not isinstance(value, bool) and value > limit:
            out = _set(out, path, limit)
    if out is body:
        return None
    return _fit_thinking_budget(out, limit), limit


def _fit_thinking_budget(body: JSON, limit: int) -> JSON:
    """Anthropic refuses `max_tokens` at or below `thinking.budget_tokens` (§1.4): halve the budget to fit."""
    thinking = body.get("thinking")
    budget = thinking.get("budget_tokens") if isinstance(thinking, dict) else None
    if not isinstance(thinking, dict) or not isinstance(budget, int) or budget < limit:
        return body
    return {**body, "thinking": {**thinking, "budget_tokens": max(1024, limit // 2)}}


def _get(body: JSON, path: tuple[str, ...]) -> Any:
    node: Any = body
    for key in path:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def _set(body: JSON, path: tuple[str, ...], value: int) -> JSON:
    head, *rest = path
    if not rest:
        return {**body, head: value}
    return {**body, head: _set(body[head], tuple(rest), value)}
