"""Zed (GUI): settings to paste into its ``settings.json`` — Zed's file allows comments, which brickgate's
JSON parser would refuse, so it prints instead of merging (research agents-2026.md §10).

GPT and Codex models reach the gateway's Responses route (``chat_completions: false``), Claude goes
through an Anthropic-compatible provider, the rest over Chat Completions.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from brickgate.catalog.model import Model
from brickgate.setup.common import (
    AgentSetup,
    GatewayAddress,
    SetupChoices,
    Snippet,
    default_model,
    output_limit,
)

PROVIDER = "Brickgate"  # Zed reads the key from BRICKGATE_API_KEY (its provider name, upper-cased)
CLAUDE_PROVIDER = "Brickgate Claude"


def available(model: Model, choices: SetupChoices) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": model.id,
        "display_name": model.display_name or model.id,
        "max_tokens": model.context_window,
        "max_output_tokens": output_limit(model, choices),
        "capabilities": {"tools": model.supports_tools, "images": model.supports_images},
    }
    if model.api != "messages":
        entry["capabilities"]["chat_completions"] = model.api == "chat"
    return entry


def settings(models: Sequence[Model], gateway: GatewayAddress, choices: SetupChoices) -> dict[str, Any]:
    claude = [available(m, choices) for m in models if m.api == "messages"]
    others = [available(m, choices) for m in models if m.api != "messages"]
    main = default_model(models, choices, ("claude", "sonnet"), ("claude",), ("gpt-5",))
    language_models: dict[str, Any] = {}
    if others:
        language_models["openai_compatible"] = {PROVIDER: {"api_url": gateway.v1, "available_models": others}}
    if claude:
        language_models["anthropic_compatible"] = {
            CLAUDE_PROVIDER: {"api_url": gateway.base_url, "available_models": claude}
        }
    provider = CLAUDE_PROVIDER if main.api == "messages" else PROVIDER
    return {
        "language_models": language_models,
        "agent": {"default_model": {"provider": provider, "model": main.id}},
    }


def setup(models: Sequence[Model], gateway: GatewayAddress, choices: SetupChoices) -> AgentSetup:
    text = json.dumps(settings(models, gateway, choices), indent=2)
    key = "the gateway's --api-key" if gateway.api_key else f"any key, e.g. {gateway.key_or_placeholder}"
    return AgentSetup(
        agent="zed",
        paste=(
            Snippet("Zed: merge into ~/.config/zed/settings.json (Zed → Settings → Open Settings)", text),
        ),
        notes=(f"Then enter {key} for both providers in Zed's Agent settings.",),
    )
