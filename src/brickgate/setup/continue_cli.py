"""Continue CLI (``cn``): every model in ``$CONTINUE_GLOBAL_DIR/config.yaml`` (default ``~/.continue``).

Claude goes over ``provider: anthropic`` (Messages), everything else over ``provider: openai`` (Chat
Completions): 1.5.47 uses the Responses API only against api.openai.com. Continue starts with the first
chat model of the file (or the one picked last in its UI), so the default model is listed first.
``${{ secrets.NAME }}`` is read from the environment first (CLIPlatformClient in 1.5.47).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from brickgate.catalog.families import Api
from brickgate.catalog.model import Model
from brickgate.errors import ConfigError
from brickgate.setup.common import (
    KEY_ENV,
    KEY_PLACEHOLDER,
    AgentSetup,
    GatewayAddress,
    SetupChoices,
    another_model,
    api_for,
    default_model,
    dir_from_env,
    home_dir,
    output_limit,
)
from brickgate.setup.config_files import ConfigEdit, Document, expect_mapping, merge_named_entries

PROVIDERS: dict[Api, str] = {"chat": "openai", "messages": "anthropic", "responses": "openai"}
_HEAD = {"name": "brickgate", "version": "1.0.0", "schema": "v1"}


def config_path() -> Path:
    return dir_from_env("CONTINUE_GLOBAL_DIR", home_dir() / ".continue") / "config.yaml"


def model_entry(model: Model, gateway: GatewayAddress, choices: SetupChoices) -> dict[str, Any]:
    capabilities = ["tool_use"] if model.supports_tools else []
    if model.supports_images:
        capabilities.append("image_input")
    return {
        "name": model.id,
        "provider": PROVIDERS[api_for(model, choices)],
        "model": model.id,
        "apiBase": gateway.v1 + "/",
        "apiKey": gateway.key_for_file(f"${{{{ secrets.{KEY_ENV} }}}}"),
        "roles": ["chat", "edit", "apply"],
        "capabilities": capabilities,
        "defaultCompletionOptions": {
            "contextLength": model.context_window,
            "maxTokens": output_limit(model, choices),
        },
    }


def setup(models: Sequence[Model], gateway: GatewayAddress, choices: SetupChoices) -> AgentSetup:
    path = config_path()
    main = default_model(models, choices, ("claude", "sonnet"), ("claude",), ("gpt-5",))
    ordered = [main, *(m for m in models if m is not main)]
    entries = [model_entry(m, gateway, choices) for m in ordered]

    def merge(doc: Document | None) -> Document:
        config = expect_mapping(doc, path) or dict(_HEAD)
        current = config.get("models") or []
        if not isinstance(current, list):
            raise ConfigError(
                f"{path}: `models` is not a list.", "Fix it, or add the printed models by hand."
            )
        merged = merge_named_entries(current, entries, "name")
        if choices.model or not config.get("models"):  # Continue starts with the first chat model
            merged.sort(key=lambda item: not (isinstance(item, dict) and item.get("name") == main.id))
        config["models"] = merged
        return config

    exports = [(KEY_ENV, KEY_PLACEHOLDER)] if gateway.api_key else []
    if choices.offline:  # telemetry is exported only with an OTEL endpoint; these make sure it is not
        exports += [("CONTINUE_METRICS_ENABLED", "0"), ("CONTINUE_CLI_ENABLE_TELEMETRY", "0")]
    return AgentSetup(
        agent="continue",
        edits=(ConfigEdit(path, "yaml", merge, {**_HEAD, "models": entries}),),
        exports=tuple(exports),
        notes=(
            "Start it: cn",
            f"Another model: run `brickgate setup continue --write --model {another_model(models, main).id}` "
            "(Continue starts with the first model of the file), or pick one with /model",
        ),
    )
