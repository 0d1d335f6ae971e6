"""Qwen Code: every model under ``modelProviders`` in ``$QWEN_HOME/settings.json`` (default
``~/.qwen``), grouped by the auth type that speaks its API: ``openai`` (Chat Completions),
``openai-responses`` and ``anthropic`` (Messages, root URL). ``security.auth.selectedType`` and
``model.name`` pick the default; ``qwen --auth-type T -m MODEL`` any other.

Field names checked against the 0.24.4 bundle: ``generationConfig.contextWindowSize`` and
``samplingParams.max_tokens`` (a fixed output limit also stops Qwen's 8K→64K output escalation, which
Databricks' output-token pre-admission can refuse). A key named by ``envKey`` is read from the
environment, then from the settings' own ``env`` block, where the loopback placeholder goes.
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
    LOOPBACK_KEY,
    AgentSetup,
    GatewayAddress,
    SetupChoices,
    another_model,
    api_for,
    by_api,
    default_model,
    dir_from_env,
    home_dir,
    merge_tables,
    output_limit,
)
from brickgate.setup.config_files import ConfigEdit, Document, expect_mapping

AUTH_TYPES: dict[Api, str] = {"chat": "openai", "responses": "openai-responses", "messages": "anthropic"}
_OFFLINE: dict[str, Any] = {
    "privacy": {"usageStatisticsEnabled": False},
    "telemetry": {"enabled": False},
    "general": {"enableAutoUpdate": False},
}


def settings_path() -> Path:
    return dir_from_env("QWEN_HOME", home_dir() / ".qwen") / "settings.json"


def model_entry(model: Model, gateway: GatewayAddress, api: Api, choices: SetupChoices) -> dict[str, Any]:
    return {
        "id": model.id,
        "name": model.display_name or model.id,
        "envKey": KEY_ENV,
        "baseUrl": gateway.base_for(api),
        "generationConfig": {
            "contextWindowSize": model.context_window,
            "samplingParams": {"max_tokens": output_limit(model, choices)},
        },
    }


def providers(models: Sequence[Model], gateway: GatewayAddress, choices: SetupChoices) -> dict[str, Any]:
    return {
        AUTH_TYPES[api]: [model_entry(m, gateway, api, choices) for m in group]
        for api, group in by_api(models, choices).items()
    }


def others_of(entries: Any, gateway: GatewayAddress, path: Path) -> list[Any]:
    """A provider list without our earlier entries (those pointing at this gateway), so models the
    workspace no longer serves disappear and the user's own models stay."""
    if entries is None:
        return []
    if not isinstance(entries, list):
        raise ConfigError(f"{path}: a `modelProviders` entry is not a list.", "Fix it, or add ours by hand.")
    ours = (gateway.base_url, gateway.v1)
    return [e for e in entries if not (isinstance(e, dict) and e.get("baseUrl") in ours)]


def setup(models: Sequence[Model], gateway: GatewayAddress, choices: SetupChoices) -> AgentSetup:
    path = settings_path()
    main = default_model(models, choices, ("claude", "sonnet"), ("claude",), ("gpt-5",))
    ours: dict[str, Any] = {"modelProviders": providers(models, gateway, choices)}
    default = {
        "security": {"auth": {"selectedType": AUTH_TYPES[api_for(main, choices)]}},
        "model": {"name": main.id},
    }
    if not gateway.api_key:
        ours["env"] = {KEY_ENV: LOOPBACK_KEY}
    if choices.offline:
        ours.update(_OFFLINE)

    def merge(doc: Document | None) -> Document:
        config = expect_mapping(doc, path)
        keep_default = bool(config.get("model")) and not choices.model
        lists = merge_tables(config, {"modelProviders": {}}, path)["modelProviders"]
        for auth_type, entries in ours["modelProviders"].items():
            lists[auth_type] = [*others_of(lists.get(auth_type), gateway, path), *entries]
        merge_tables(config, {k: v for k, v in ours.items() if k != "modelProviders"}, path)
        return config if keep_default else merge_tables(config, default, path)

    exports = ((KEY_ENV, KEY_PLACEHOLDER),) if gateway.api_key else ()
    other = another_model(models, main)
    return AgentSetup(
        agent="qwen-code",
        edits=(ConfigEdit(path, "json", merge, {**default, **ours}),),
        exports=exports,
        notes=(
            "Start it: qwen",
            "Any other model works the same way, e.g. "
            f"qwen --auth-type {AUTH_TYPES[api_for(other, choices)]} -m {other.id}",
        ),
    )
