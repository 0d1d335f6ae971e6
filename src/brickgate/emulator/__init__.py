"""A local Databricks workspace over real HTTP: listing, OAuth, the inference APIs with every documented
quirk, scripted model behaviour and fault injection. The upstream for every brickgate test.

    emu = start_in_thread(EmulatorConfig(), port=0)
    ...  # talk to emu.url with emu.token
    emu.stop()
"""

from __future__ import annotations

from brickgate.emulator.config import EmulatorConfig, load_config
from brickgate.emulator.server import RunningEmulator, serve, start_in_thread
from brickgate.emulator.workspace import default_workspace, synthetic_endpoints, workspace_2025

__all__ = [
    "EmulatorConfig",
    "RunningEmulator",
    "default_workspace",
    "load_config",
    "serve",
    "start_in_thread",
    "synthetic_endpoints",
    "workspace_2025",
]
