"""Codex CLI: a custom Responses provider in ``$CODEX_HOME/config.toml`` plus the offline switches.

A custom provider never tries the Responses WebSocket transport (the built-in one does, 7 times);
with --offline, analytics, feedback and plugin sync off means no outside lookups (real-clients.md §2).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from brickgate.catalog.model import Model
from brickgate.gateway.model_names import vendor_name
from brickgate.setup.common import (
    KEY_ENV,
    KEY_PLACEHOLDER,
    AgentSetup,
    GatewayAddress,
    SetupChoices,
    another_model,
    default_model,
    dir_from_env,
    home_dir,
    merge_tables,
)
from brickgate.setup.config_files import ConfigEdit, Document, expect_mapping

PROVIDER_ID = "brickgate"
_OFFLINE: dict[str, Any] = {
    "check_for_update_on_startup": False,
    "analytics": {"enabled": False},
    "feedback": {"enabled": False},
    "features": {"plugins": False, "remote_plugin": False},
}


def config_path() -> Path:
    """``$CODEX_HOME/config.toml``, else ``~/.codex/config.toml``."""
    return dir_from_env("CODEX_HOME", home_dir() / ".codex") / "config.toml"


def provider(gateway: GatewayAddress) -> dict[str, Any]:
    block: dict[str, Any] = {
        "name": "Databricks via brickgate",
        "base_url": gateway.v1,
        "wire_api": "responses",
    }
    if gateway.api_key:
        # Codex refuses to start when env_key names an unset variable, so only ask for one when needed.
        block["env_key"] = KEY_ENV
    return block


def fragment(main: Model, gateway: GatewayAddress, choices: SetupChoices) -> dict[str, Any]:
    return {
        "model": vendor_name(main.id),
        "model_provider": PROVIDER_ID,
        "model_context_window": main.context_window,
        **(_OFFLINE if choices.offline else {}),
        "model_providers": {PROVIDER_ID: provider(gateway)},
        # No [profiles.X] tables: Codex 0.169 reads profiles from separate files and refuses `-p X` while
        # a legacy table of that name exists. `codex -m NAME` switches model; the gateway maps it back.
    }


def setup(models: Sequence[Model], gateway: GatewayAddress, choices: SetupChoices) -> AgentSetup:
    path = config_path()
    main = default_model(models, choices, ("codex",), ("gpt-5",))
    ours = fragment(main, gateway, choices)

    def merge(doc: Document | None) -> Document:
        return merge_tables(expect_mapping(doc, path), ours, path)

    exports = ((KEY_ENV, KEY_PLACEHOLDER),) if gateway.api_key else ()
    other = vendor_name(another_model(models, main).id)
    return AgentSetup(
        agent="codex",
        edits=(ConfigEdit(path, "toml", merge, ours),),
        exports=exports,
        notes=(
            "Start it: codex exec --skip-git-repo-check 'hello'",
            f"Any other model works the same way, e.g. codex exec -m {other} 'hello'",
        ),
    )
