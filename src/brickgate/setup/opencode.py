"""opencode: one provider per wire API, so every model is reached through its own API (the fast path).

``@ai-sdk/anthropic`` for Claude, ``@ai-sdk/openai`` (Responses) for GPT/Codex and
``@ai-sdk/openai-compatible`` (Chat Completions) for everything else; all three are bundled in
opencode 1.18 and need ``/v1`` in ``baseURL`` (research/real-clients.md §1).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from brickgate.catalog.families import Api
from brickgate.catalog.model import Model
from brickgate.errors import ConfigError
from brickgate.setup.common import KEY_ENV, AgentSetup, GatewayAddress, first_of, xdg_config_dir
from brickgate.setup.config_files import ConfigEdit, Document, expect_mapping

SCHEMA = "https://opencode.ai/config.json"
PROVIDERS: dict[Api, tuple[str, str, str]] = {  # api -> (provider id, npm package, display name)
    "chat": ("brickgate", "@ai-sdk/openai-compatible", "Databricks via brickgate (Chat Completions)"),
    "messages": ("brickgate-anthropic", "@ai-sdk/anthropic", "Databricks via brickgate (Claude)"),
    "responses": ("brickgate-openai", "@ai-sdk/openai", "Databricks via brickgate (GPT)"),
}


def config_path() -> Path:
    """``$OPENCODE_CONFIG`` when set, else the global ``opencode.json`` under the XDG config dir."""
    explicit = os.environ.get("OPENCODE_CONFIG")
    return Path(explicit) if explicit else xdg_config_dir() / "opencode" / "opencode.json"


def model_entry(model: Model) -> dict[str, Any]:
    usd = model.usd_per_dbu
    inputs = ["text", "image"] if model.supports_images else ["text"]
    return {
        "name": model.display_name or model.id,
        "limit": {"context": model.context_window, "output": model.max_output_tokens},
        "modalities": {"input": inputs, "output": ["text"]},
        "tool_call": model.supports_tools,
        "reasoning": model.supports_reasoning,
        "attachment": model.supports_images,
        "cost": {
            "input": model.input_usd_per_mtok,
            "output": model.output_usd_per_mtok,
            "cache_read": round(model.cache_read_dbu_per_mtok * usd, 6),
            "cache_write": round(model.cache_write_dbu_per_mtok * usd, 6),
        },
    }


def providers(models: Sequence[Model], gateway: GatewayAddress) -> dict[str, Any]:
    key = f"{{env:{KEY_ENV}}}" if gateway.api_key else gateway.key_or_placeholder
    blocks: dict[str, Any] = {}
    for model in models:
        provider_id, package, name = PROVIDERS[model.api]
        block = blocks.setdefault(
            provider_id,
            {"npm": package, "name": name, "options": {"baseURL": gateway.v1, "apiKey": key}, "models": {}},
        )
        block["models"][model.id] = model_entry(model)
    return blocks


def default_model(models: Sequence[Model]) -> str:
    """``provider/model`` opencode starts with when the config names none."""
    model = first_of(models, ("claude", "sonnet"), ("claude",), ("codex",), ("gpt-5",))
    return f"{PROVIDERS[model.api][0]}/{model.id}"


def setup(models: Sequence[Model], gateway: GatewayAddress) -> AgentSetup:
    path = config_path()
    ours = providers(models, gateway)
    fragment = {"$schema": SCHEMA, "provider": ours, "model": default_model(models)}

    def merge(doc: Document | None) -> Document:
        config = expect_mapping(doc, path)
        config.setdefault("$schema", SCHEMA)
        existing = config.setdefault("provider", {})
        if not isinstance(existing, dict):
            raise ConfigError(
                f"{path}: `provider` is not an object.", "Fix it, or add the printed block by hand."
            )
        existing.update(ours)  # our providers are replaced whole, so removed endpoints disappear
        config.setdefault("model", fragment["model"])
        return config

    exports = ((KEY_ENV, "<the key given to brickgate serve --api-key>"),) if gateway.api_key else ()
    first = f"{PROVIDERS[models[0].api][0]}/{models[0].id}"
    return AgentSetup(
        agent="opencode",
        edits=(ConfigEdit(path, "json", merge, fragment),),
        exports=exports,
        notes=(
            f"opencode run --model {fragment['model']} 'hello'",
            f"Any listed model works, e.g. --model {first}",
        ),
    )
