"""`brickgate emulator`: a local emulated Databricks workspace in the foreground."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Annotated

import typer

from brickgate.errors import ConfigError


def emulator(
    port: Annotated[
        int, typer.Option("--port", min=0, max=65535, help="Port on 127.0.0.1 (0 picks a free one).")
    ] = 8765,
    config: Annotated[
        Path | None, typer.Option("--config", help="JSON or TOML file with EmulatorConfig fields.")
    ] = None,
    no_ai_gateway: Annotated[
        bool, typer.Option("--no-ai-gateway", help="Answer /ai-gateway/* with 404, like older workspaces.")
    ] = False,
) -> None:
    """Serve an emulated workspace (listing, OAuth, every inference API) until Ctrl+C."""
    from brickgate.cli.output import stdout_console
    from brickgate.emulator import EmulatorConfig, load_config, serve

    try:
        settings = load_config(config) if config else EmulatorConfig()
    except (OSError, ValueError, TypeError) as err:
        raise ConfigError(f"Cannot use emulator config {config}: {err}", "Fix the file and retry.") from None
    if no_ai_gateway:
        settings = dataclasses.replace(settings, ai_gateway=False)
    console = stdout_console()

    def banner(url: str) -> None:  # printed once the port accepts connections, so the URL is usable
        console.print(f"[bold]Emulated Databricks workspace[/] on {url}", highlight=False)
        console.print("Point brickgate (or the Databricks SDK) at it:", style="dim")
        console.print(f"  export DATABRICKS_HOST={url} DATABRICKS_TOKEN={settings.tokens[0]}", markup=False)
        console.print(
            f"  (OAuth M2M: DATABRICKS_CLIENT_ID={settings.client_id} "
            f"DATABRICKS_CLIENT_SECRET={settings.client_secret})",
            markup=False,
            style="dim",
        )
        console.print("Ctrl+C to stop.", style="dim")

    try:
        serve(settings, host="127.0.0.1", port=port, on_listening=banner)
    except KeyboardInterrupt:
        pass
    except OSError as err:
        raise ConfigError(
            f"Cannot serve on 127.0.0.1:{port}: {err.strerror}.", "Pick another --port."
        ) from None
