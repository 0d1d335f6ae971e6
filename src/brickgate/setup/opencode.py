"""opencode: one provider per wire API, so every model is reached through its own API (the fast path).

``@ai-sdk/anthropic`` for Claude, ``@ai-sdk/openai`` (Responses) for GPT/Codex and
``@ai-sdk/openai-compatible`` (Chat Completions) for everything else; all three are bundled in
opencode 1.18 and need ``/v1`` in ``baseURL`` (research/real-clients.md §1). Kilo CLI is an opencode fork
with the same config schema and reuses what is here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
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
    output_limit,
    prices,
    update_object,
    xdg_config_dir,
)
from brickgate.setup.config_files import ConfigEdit, Document, expect_mapping

PROVIDERS: dict[Api, tuple[str, str, str]] = {  # api -> (provider id, npm package, display name)
    "chat": ("brickgate", "@ai-sdk/openai-compatible", "Databricks via brickgate (Chat Completions)"),
    "messages": ("brickgate-anthropic", "@ai-sdk/anthropic", "Databricks via brickgate (Claude)"),
    "responses": ("brickgate-openai", "@ai-sdk/openai", "Databricks via brickgate (GPT)"),
}


@dataclass(frozen=True, slots=True)
class Flavour:
    """What differs between opencode and its fork Kilo CLI."""

    agent: str
    command: str
    schema: str
    offline_env: tuple[tuple[str, str], ...]  # switches that exist only as environment variables


OPENCODE = Flavour(
    agent="opencode",
    command="opencode",
    schema="https://opencode.ai/config.json",
    offline_env=(
        ("OPENCODE_DISABLE_MODELS_FETCH", "1"),  # models.dev catalog
        ("OPENCODE_DISABLE_AUTOUPDATE", "1"),
        ("OPENCODE_DISABLE_DEFAULT_PLUGINS", "1"),
        ("OPENCODE_DISABLE_LSP_DOWNLOAD", "1"),
        ("OPENCODE_DISABLE_SHARE", "1"),
        ("npm_config_offline", "true"),  # plugin metadata looked up on the npm registry at every start
    ),
)


def config_path() -> Path:
    """``$OPENCODE_CONFIG`` when set, else the global ``opencode.json`` under the XDG config dir."""
    return dir_from_env("OPENCODE_CONFIG", xdg_config_dir() / "opencode" / "opencode.json")


def model_entry(model: Model, choices: SetupChoices) -> dict[str, Any]:
    inputs = ["text", "image"] if model.supports_images else ["text"]
    return {
        "name": model.display_name or model.id,
        "limit": {"context": model.context_window, "output": output_limit(model, choices)},
        "modalities": {"input": inputs, "output": ["text"]},
        "tool_call": model.supports_tools,
        "reasoning": model.supports_reasoning,
        "attachment": model.supports_images,
        "cost": dict(zip(("input", "output", "cache_read", "cache_write"), prices(model), strict=True)),
    }


def providers(models: Sequence[Model], gateway: GatewayAddress, choices: SetupChoices) -> dict[str, Any]:
    key = gateway.key_for_file(f"{{env:{KEY_ENV}}}")
    blocks: dict[str, Any] = {}
    for api, group in by_api(models, choices).items():
        provider_id, package, name = PROVIDERS[api]
        blocks[provider_id] = {
            "npm": package,
            "name": name,
            "options": {"baseURL": gateway.v1, "apiKey": key},  # all three SDKs want /v1 here
            "models": {m.id: model_entry(m, choices) for m in group},
        }
    return blocks


def qualified(model: Model, choices: SetupChoices) -> str:
    """``provider/model`` as opencode and Kilo address a model."""
    return f"{PROVIDERS[api_for(model, choices)][0]}/{model.id}"


def fragment(
    models: Sequence[Model], main: Model, gateway: GatewayAddress, choices: SetupChoices, flavour: Flavour
) -> dict[str, Any]:
    ours = providers(models, gateway, choices)
    doc: dict[str, Any] = {"$schema": flavour.schema, "provider": ours, "model": qualified(main, choices)}
    if choices.offline:
        # Only our providers: the others would make it download their model catalogs at start.
        doc.update(autoupdate=False, share="disabled", enabled_providers=sorted(ours))
    return doc


def setup_flavour(
    path: Path, models: Sequence[Model], gateway: GatewayAddress, choices: SetupChoices, flavour: Flavour
) -> AgentSetup:
    main = default_model(models, choices, ("claude", "sonnet"), ("claude",), ("codex",), ("gpt-5",))
    ours = fragment(models, main, gateway, choices, flavour)

    def merge(doc: Document | None) -> Document:
        config = update_object(expect_mapping(doc, path), "provider", ours["provider"], path)
        config.setdefault("$schema", flavour.schema)
        settings = {k: v for k, v in ours.items() if k not in ("$schema", "provider", "model")}
        config.update(settings)
        if choices.model or "model" not in config:
            config["model"] = ours["model"]
        return config

    exports = [(KEY_ENV, KEY_PLACEHOLDER)] if gateway.api_key else []
    if choices.offline:
        exports += flavour.offline_env
    other = qualified(another_model(models, main), choices)
    return AgentSetup(
        agent=flavour.agent,
        edits=(ConfigEdit(path, "json", merge, ours),),
        exports=tuple(exports),
        notes=(
            f"Start it: {flavour.command} run --model {ours['model']} 'hello'",
            f"Any other model works the same way, e.g. --model {other}",
        ),
    )


def setup(models: Sequence[Model], gateway: GatewayAddress, choices: SetupChoices) -> AgentSetup:
    return setup_flavour(config_path(), models, gateway, choices, OPENCODE)
