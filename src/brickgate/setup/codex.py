"""Codex CLI: a custom Responses provider in ``$CODEX_HOME/config.toml`` plus the offline switches.

A custom provider never tries the Responses WebSocket transport (the built-in one does, 7 times);
analytics, feedback and plugin sync off means no outside lookups (research/real-clients.md §2).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from brickgate.catalog.model import Model
from brickgate.errors import ConfigError
from brickgate.gateway.model_names import vendor_name
from brickgate.setup.common import KEY_ENV, AgentSetup, GatewayAddress, first_of, home_dir
from brickgate.setup.config_files import ConfigEdit, Document, expect_mapping

PROVIDER_ID = "brickgate"
_OFFLINE: dict[str, dict[str, bool]] = {
    "analytics": {"enabled": False},
    "feedback": {"enabled": False},
    "features": {"plugins": False, "remote_plugin": False},
}


def config_path() -> Path:
    """``$CODEX_HOME/config.toml``, else ``~/.codex/config.toml``."""
    codex_home = os.environ.get("CODEX_HOME")
    return (Path(codex_home) if codex_home else home_dir() / ".codex") / "config.toml"


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


def fragment(models: Sequence[Model], gateway: GatewayAddress) -> dict[str, Any]:
    main = first_of(models, ("codex",), ("gpt-5",))
    return {
        "model": vendor_name(main.id),
        "model_provider": PROVIDER_ID,
        "model_context_window": main.context_window,
        "check_for_update_on_startup": False,
        **_OFFLINE,
        "model_providers": {PROVIDER_ID: provider(gateway)},
        # No [profiles.X] tables: Codex 0.169 reads profiles from separate files and refuses `-p X` while
        # a legacy table of that name exists. `codex -m NAME` switches model; the gateway maps it back.
    }


def _table(config: dict[str, Any], key: str, path: Path) -> dict[str, Any]:
    table = config.setdefault(key, {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: `{key}` is not a table.", "Fix it, or add the printed settings by hand.")
    return table


def setup(models: Sequence[Model], gateway: GatewayAddress) -> AgentSetup:
    path = config_path()
    ours = fragment(models, gateway)

    def merge(doc: Document | None) -> Document:
        config = expect_mapping(doc, path)
        for key, value in ours.items():
            if isinstance(value, dict):
                _table(config, key, path).update(value)
            else:
                config[key] = value
        return config

    exports = ((KEY_ENV, "<the key given to brickgate serve --api-key>"),) if gateway.api_key else ()
    return AgentSetup(
        agent="codex",
        edits=(ConfigEdit(path, "toml", merge, ours),),
        exports=exports,
        notes=(
            "codex exec --skip-git-repo-check 'hello'",
            f"Other models: codex -m {vendor_name(models[-1].id)} ...",
        ),
    )
