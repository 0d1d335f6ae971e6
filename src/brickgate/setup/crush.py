"""Crush: one provider per wire API in ``crush.json`` (``$CRUSH_GLOBAL_CONFIG``, else
``$XDG_CONFIG_HOME/crush/crush.json``), from its documented config (charmbracelet/crush docs/config and
schema.json; research agents-2026.md §6).

Crush 0.9x also reads a bash-like ``crushrc``; brickgate writes the JSON form, which Crush still reads
and merges under a ``crushrc``, because a file brickgate can parse is one it can merge into, back up and
refuse safely — a ``crushrc`` is a program. Provider types: ``openai-compat`` is Chat Completions,
``openai`` the Responses API, ``anthropic`` Messages (root URL: its SDK appends ``/v1/messages``).
Keys and URLs in ``crush.json`` are shell-expanded at load, so ``$BRICKGATE_API_KEY`` works there.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from brickgate.catalog.families import Api
from brickgate.catalog.model import Model
from brickgate.setup.common import (
    KEY_ENV,
    KEY_PLACEHOLDER,
    AgentSetup,
    GatewayAddress,
    SetupChoices,
    another_model,
    api_for,
    by_api,
    default_model,
    dir_from_env,
    first_of,
    merge_tables,
    output_limit,
    prices,
    update_object,
    xdg_config_dir,
)
from brickgate.setup.config_files import ConfigEdit, Document, expect_mapping

SCHEMA = "https://charm.land/crush.json"
PROVIDERS: dict[Api, tuple[str, str]] = {  # api -> (provider id, Crush provider type)
    "chat": ("brickgate", "openai-compat"),
    "messages": ("brickgate-anthropic", "anthropic"),
    "responses": ("brickgate-openai", "openai"),
}
_OFFLINE = {  # no Catwalk provider-catalog download, no metrics; only our providers
    "disable_provider_auto_update": True,
    "disable_metrics": True,
    "disable_default_providers": True,
}


def config_path() -> Path:
    return dir_from_env("CRUSH_GLOBAL_CONFIG", xdg_config_dir() / "crush") / "crush.json"


def model_entry(model: Model, choices: SetupChoices) -> dict[str, Any]:
    cost_in, cost_out, cache_read, _ = prices(model)
    return {
        "id": model.id,
        "name": model.display_name or model.id,
        "context_window": model.context_window,
        "default_max_tokens": output_limit(model, choices),
        "can_reason": model.supports_reasoning,
        "supports_attachments": model.supports_images,
        "cost_per_1m_in": cost_in,
        "cost_per_1m_out": cost_out,
        "cost_per_1m_in_cached": cache_read,
    }


def providers(models: Sequence[Model], gateway: GatewayAddress, choices: SetupChoices) -> dict[str, Any]:
    return {
        PROVIDERS[api][0]: {
            "name": f"Databricks via brickgate ({api})",
            "type": PROVIDERS[api][1],
            "base_url": gateway.base_for(api),
            "api_key": gateway.key_for_file(f"${KEY_ENV}"),
            "models": [model_entry(m, choices) for m in group],
        }
        for api, group in by_api(models, choices).items()
    }


def selected(model: Model, choices: SetupChoices) -> dict[str, str]:
    return {"provider": PROVIDERS[api_for(model, choices)][0], "model": model.id}


def setup(models: Sequence[Model], gateway: GatewayAddress, choices: SetupChoices) -> AgentSetup:
    path = config_path()
    main = default_model(models, choices, ("claude", "sonnet"), ("claude",), ("gpt-5",))
    # Crush names sessions and summarises with its "small" model; a cheap one of the same workspace.
    small = first_of(models, ("claude", "haiku"), ("gpt-5", "mini"), ("gpt-oss", "20b"))
    ours: dict[str, Any] = {
        "$schema": SCHEMA,
        "providers": providers(models, gateway, choices),
        "models": {"large": selected(main, choices), "small": selected(small, choices)},
    }
    if choices.offline:
        ours["options"] = _OFFLINE

    def merge(doc: Document | None) -> Document:
        config = update_object(expect_mapping(doc, path), "providers", ours["providers"], path)
        config.setdefault("$schema", SCHEMA)
        if choices.model or "models" not in config:
            merge_tables(config, {"models": ours["models"]}, path)
        if "options" in ours:
            merge_tables(config, {"options": ours["options"]}, path)
        return config

    exports = [(KEY_ENV, KEY_PLACEHOLDER)] if gateway.api_key else []
    if choices.offline:
        exports.append(("DO_NOT_TRACK", "1"))
    other = another_model(models, main)
    return AgentSetup(
        agent="crush",
        edits=(ConfigEdit(path, "json", merge, ours),),
        exports=tuple(exports),
        notes=(
            "Start it: crush",
            "Any other model works the same way, e.g. "
            f"crush run -m {PROVIDERS[api_for(other, choices)][0]}/{other.id} 'hello'",
        ),
    )
