"""Gemini CLI: the Gemini API at the gateway's root (``GOOGLE_GEMINI_BASE_URL``; the SDK appends
``/v1beta/models/...``), with ``$GEMINI_CLI_HOME/.gemini/settings.json`` selecting the API-key auth type.

Checked against the 0.61 bundle: headless mode refuses an environment-only setup ("Invalid auth method
selected") unless ``security.auth.selectedType`` is ``gemini-api-key``; with that type it reads the base
URL and key only from the environment (or a ``.env`` file a project ``.env`` would shadow), so those are
exports. ``GEMINI_API_KEY_AUTH_MECHANISM=bearer`` sends the key as a Bearer token, which every gateway
route accepts. Model names are the endpoint names: 0.61 renames only Google's own flash names
(``gemini-3.5-flash`` → ``gemini-3.8-flash``), which endpoint names never are, so a vendor spelling
would be the one thing to avoid. Each model gets a custom alias of Gemini CLI's chat defaults with its
output limit.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from brickgate.catalog.model import Model
from brickgate.setup.common import (
    KEY_ENV,
    AgentSetup,
    GatewayAddress,
    SetupChoices,
    another_model,
    default_model,
    dir_from_env,
    home_dir,
    merge_tables,
    output_limit,
)
from brickgate.setup.config_files import ConfigEdit, Document, expect_mapping

_OFFLINE: dict[str, Any] = {
    "privacy": {"usageStatisticsEnabled": False},  # Clearcut usage statistics
    "telemetry": {"enabled": False},
    "general": {"enableAutoUpdate": False, "enableAutoUpdateNotification": False},
}


def settings_path() -> Path:
    """``$GEMINI_CLI_HOME/.gemini/settings.json``, else ``~/.gemini/settings.json``."""
    return dir_from_env("GEMINI_CLI_HOME", home_dir()) / ".gemini" / "settings.json"


def alias(model: Model, choices: SetupChoices) -> dict[str, Any]:
    limit = output_limit(model, choices)
    return {
        "extends": "chat-base",  # what Gemini CLI applies to any chat model it does not know
        "modelConfig": {"model": model.id, "generateContentConfig": {"maxOutputTokens": limit}},
    }


def fragment(models: Sequence[Model], main: Model, choices: SetupChoices) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "security": {"auth": {"selectedType": "gemini-api-key"}},
        "model": {"name": main.id},
        "modelConfigs": {"customAliases": {m.id: alias(m, choices) for m in models}},
    }
    if choices.offline:
        doc.update(_OFFLINE)
    return doc


def setup(models: Sequence[Model], gateway: GatewayAddress, choices: SetupChoices) -> AgentSetup:
    path = settings_path()
    main = default_model(models, choices, ("gemini", "pro"), ("gemini",), ("claude", "sonnet"))
    ours = fragment(models, main, choices)

    def merge(doc: Document | None) -> Document:
        config = expect_mapping(doc, path)
        current = config.get("model", {}).get("name") if isinstance(config.get("model"), dict) else None
        merge_tables(config, ours, path)
        if current and not choices.model:  # the user's own default model stays unless --model
            config["model"]["name"] = current
        return config

    exports = (
        ("GOOGLE_GEMINI_BASE_URL", gateway.base_url),
        ("GEMINI_API_KEY", gateway.key_for_file(f"${KEY_ENV}")),
        ("GEMINI_API_KEY_AUTH_MECHANISM", "bearer"),
    )
    return AgentSetup(
        agent="gemini-cli",
        edits=(ConfigEdit(path, "json", merge, ours),),
        exports=exports,
        env_only=True,
        notes=(
            "Start it: gemini",
            f"Any other model works the same way, e.g. gemini -m {another_model(models, main).id}",
        ),
    )
