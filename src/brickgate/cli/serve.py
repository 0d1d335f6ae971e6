"""`brickgate serve`: the local gateway (OpenAI Chat, OpenAI Responses, Anthropic Messages) in the
foreground, holding the workspace's credentials; Ctrl-C stops it."""

from __future__ import annotations

import logging
import sys
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from brickgate.catalog.model import Model

AGENTS = ("claude-code", "codex", "opencode", "aider", "llm")


def serve(
    ctx: typer.Context,
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8787,
    bind: Annotated[
        str, typer.Option("--bind", help="Address to listen on (non-loopback needs --api-key).")
    ] = ("127.0.0.1"),
    api_key: Annotated[
        str | None,
        typer.Option(
            "--api-key",
            envvar="BRICKGATE_API_KEY",
            help="Require this key (Bearer or x-api-key) from clients.",
        ),
    ] = None,
    max_body_mb: Annotated[
        float, typer.Option("--max-body-mb", help="Largest request body accepted.")
    ] = 32.0,
    quiet: Annotated[bool, typer.Option("--quiet", help="No access log lines.")] = False,
) -> None:
    """Serve every model of the workspace to local agents and SDKs."""
    from brickgate.errors import ConfigError
    from brickgate.gateway.local_auth import check_bind
    from brickgate.gateway.server import serve_forever
    from brickgate.setup import running_gateway
    from brickgate.workspace import Workspace

    api_key = api_key or None  # `--api-key ""` asks for no key, as `brickgate setup` reads it
    check_bind(bind, api_key)
    if max_body_mb <= 0:
        raise ConfigError(
            f"--max-body-mb must be positive, got {max_body_mb:g}.", "For example: --max-body-mb 32"
        )
    _configure_access_log(quiet)
    ws = Workspace(profile=ctx.obj.profile, host=ctx.obj.host, surface=ctx.obj.surface)
    models = ws.models()  # fails early (no credentials, unreachable host) and warms the catalog
    host = ws.credentials.host

    def ready(url: str) -> None:
        running_gateway.record(url, keyed=api_key is not None)  # how `brickgate setup` finds this gateway
        _print_banner(url, host, models, port, api_key is not None)

    try:
        serve_forever(
            ws,
            host=bind,
            port=port,
            api_key=api_key,
            max_body_bytes=int(max_body_mb * 1024 * 1024),
            on_ready=ready,
        )
    except OSError as exc:
        raise ConfigError(
            f"Cannot listen on {bind}:{port}: {exc.strerror or exc}.",
            "Another process may hold the port; pass --port N (and the same --port to `brickgate setup`).",
        ) from None
    finally:
        running_gateway.forget()


def _configure_access_log(quiet: bool) -> None:
    """Plain lines on stderr (cheap per request; no bodies or keys are ever logged)."""
    log = logging.getLogger("brickgate.access")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    log.handlers[:] = [handler]
    log.setLevel(logging.WARNING if quiet else logging.INFO)
    log.propagate = False


def _print_banner(url: str, host: str, models: list[Model], port: int, keyed: bool) -> None:
    from brickgate.cli.output import stderr_console

    port_flag = "" if port == 8787 else f" --port {port}"
    key_flag = " --api-key KEY" if keyed else ""
    lines = [
        f"[bold]brickgate gateway[/] on {url} → {host} ({len(models)} models)",
        f"  OpenAI Chat Completions  {url}/v1/chat/completions",
        f"  OpenAI Responses         {url}/v1/responses",
        f"  Anthropic Messages       {url}/v1/messages",
        "Point an agent at it (add --write to update its config file):",
        *(f"  brickgate setup {agent}{port_flag}{key_flag}" for agent in AGENTS),
        "Ctrl-C stops it.",
    ]
    stderr_console().print("\n".join(lines), highlight=False, soft_wrap=True)
