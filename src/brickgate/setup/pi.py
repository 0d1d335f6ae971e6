"""Pi (``@mariozechner/pi-coding-agent``): one provider per wire API in ``$PI_CODING_AGENT_DIR/models.json``
(default ``~/.pi/agent``), the default model in ``settings.json`` next to it (docs/models.md in 0.73.1).

``openai-completions`` and ``openai-responses`` take the ``/v1`` base URL, ``anthropic-messages`` the root
(its SDK appends ``/v1/messages``). ``apiKey`` names the environment variable holding the gateway's key
when one is required (Pi reads a value that names a variable from the environment).
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
    home_dir,
    output_limit,
    prices,
    update_object,
)
from brickgate.setup.config_files import ConfigEdit, Document, expect_mapping

PROVIDERS: dict[Api, tuple[str, str]] = {  # api -> (provider id, Pi's api name)
    "chat": ("brickgate", "openai-completions"),
    "messages": ("brickgate-anthropic", "anthropic-messages"),
    "responses": ("brickgate-openai", "openai-responses"),
}


def agent_dir() -> Path:
    return dir_from_env("PI_CODING_AGENT_DIR", home_dir() / ".pi" / "agent")


def model_entry(model: Model, choices: SetupChoices) -> dict[str, Any]:
    return {
        "id": model.id,
        "name": model.display_name or model.id,
        "reasoning": model.supports_reasoning,
        "input": ["text", "image"] if model.supports_images else ["text"],
        "contextWindow": model.context_window,
        "maxTokens": output_limit(model, choices),
        "cost": dict(zip(("input", "output", "cacheRead", "cacheWrite"), prices(model), strict=True)),
    }


def providers(models: Sequence[Model], gateway: GatewayAddress, choices: SetupChoices) -> dict[str, Any]:
    return {
        PROVIDERS[api][0]: {
            "baseUrl": gateway.base_for(api),
            "api": PROVIDERS[api][1],
            # "!command": Pi runs it for a fresh token (research agents-2026.md §5)
            "apiKey": f"!{gateway.key_command}" if gateway.key_command else gateway.key_for_file(KEY_ENV),
            "models": [model_entry(m, choices) for m in group],
        }
        for api, group in by_api(models, choices).items()
    }


def setup(models: Sequence[Model], gateway: GatewayAddress, choices: SetupChoices) -> AgentSetup:
    models_path, settings_path = agent_dir() / "models.json", agent_dir() / "settings.json"
    main = default_model(models, choices, ("claude", "sonnet"), ("claude",), ("gpt-5",))
    provider_id = PROVIDERS[api_for(main, choices)][0]
    ours = {"providers": providers(models, gateway, choices)}
    settings: dict[str, Any] = {"defaultProvider": provider_id, "defaultModel": main.id}
    if choices.offline:
        settings["enableInstallTelemetry"] = False

    def merge_models(doc: Document | None) -> Document:
        return update_object(expect_mapping(doc, models_path), "providers", ours["providers"], models_path)

    def merge_settings(doc: Document | None) -> Document:
        config = expect_mapping(doc, settings_path)
        keep_default = "defaultModel" in config and not choices.model
        config.update({k: v for k, v in settings.items() if not (keep_default and k.startswith("default"))})
        return config

    exports = [(KEY_ENV, KEY_PLACEHOLDER)] if gateway.api_key and not gateway.key_command else []
    if choices.offline:  # no npm version check, no fd/rg download from GitHub at start
        exports.append(("PI_OFFLINE", "1"))
    other = another_model(models, main)
    return AgentSetup(
        agent="pi",
        edits=(
            ConfigEdit(models_path, "json", merge_models, ours),
            ConfigEdit(settings_path, "json", merge_settings, settings),
        ),
        exports=tuple(exports),
        notes=(
            "Start it: pi",
            "Any other model works the same way, e.g. "
            f"pi --provider {PROVIDERS[api_for(other, choices)][0]} --model {other.id}",
        ),
    )
