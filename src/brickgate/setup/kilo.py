"""Kilo CLI: an opencode fork with opencode's config schema, in ``$XDG_CONFIG_HOME/kilo/kilo.json``
(the only place it reads when ``XDG_CONFIG_HOME`` is set; research agents-2026.md §4, verified on 7.7.7).

The same three providers as opencode (all bundled). Its phone-home switches are environment variables
(names read from the 7.7.7 binary); project indexing is among them because it also costs ~30 s of CPU
per start on a small machine.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from brickgate.catalog.model import Model
from brickgate.setup.common import AgentSetup, GatewayAddress, SetupChoices, xdg_config_dir
from brickgate.setup.opencode import Flavour, setup_flavour

KILO = Flavour(
    agent="kilo",
    command="kilo",
    schema="https://app.kilo.ai/config.json",
    offline_env=(
        ("KILO_TELEMETRY_LEVEL", "off"),
        ("KILO_DISABLE_MODELS_FETCH", "1"),
        ("KILO_DISABLE_AUTOUPDATE", "1"),
        ("KILO_DISABLE_SESSION_INGEST", "1"),
        ("KILO_DISABLE_SHARE", "1"),
        ("KILO_DISABLE_LSP_DOWNLOAD", "1"),
        ("KILO_DISABLE_DEFAULT_PLUGINS", "1"),
        ("KILO_DISABLE_CODEBASE_INDEXING", "1"),
        ("npm_config_offline", "true"),
    ),
)


def config_path() -> Path:
    return xdg_config_dir() / "kilo" / "kilo.json"


def setup(models: Sequence[Model], gateway: GatewayAddress, choices: SetupChoices) -> AgentSetup:
    return setup_flavour(config_path(), models, gateway, choices, KILO)
