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
    bind: Annotated[str, typer.Option("--bind", help="Address to listen on (non-loopback needs a key).")] = (
        "127.0.0.1"
    ),
    api_key: Annotated[
        str | None,
        typer.Option(
            "--api-key",
            metavar="KEY",
            envvar="BRICKGATE_API_KEY",
            help="Require this key (Bearer or x-api-key) from clients. Prefer setting BRICKGATE_API_KEY: "
            "a key on the command line shows in `ps` to every user of the machine.",
        ),
    ] = None,
    max_body_mb: Annotated[
        float, typer.Option("--max-body-mb", help="Largest request body accepted.")
    ] = 32.0,
    allow_origin: Annotated[
        list[str] | None,
        typer.Option(
            "--allow-origin",
            metavar="ORIGIN",
            help="Accept requests carrying this browser Origin (scheme://host[:port]; repeatable). "
            "Requests from web pages are refused otherwise.",
        ),
    ] = None,
    header_timeout: Annotated[
        float,
        typer.Option(
            "--header-timeout",
            metavar="SECONDS",
            help="Close a connection that has not sent its request line and headers in this time.",
        ),
    ] = 10.0,  # the defaults of gateway.connection_limits.ConnectionLimits (a test compares)
    max_header_kb: Annotated[
        int,
        typer.Option("--max-header-kb", metavar="KB", help="Largest request head (line + headers) accepted."),
    ] = 64,
    max_connections: Annotated[
        int,
        typer.Option(
            "--max-connections",
            metavar="N",
            help="Client connections at once; at the limit the longest-idle one is closed, and if all "
            "are busy new requests get 503.",
        ),
    ] = 1024,
    quiet: Annotated[bool, typer.Option("--quiet", help="No access log lines.")] = False,
) -> None:
    """Serve every model of the workspace to local agents and SDKs."""
    from brickgate.errors import ConfigError
    from brickgate.gateway.connection_limits import ConnectionLimits
    from brickgate.gateway.local_auth import check_bind, check_origins
    from brickgate.gateway.server import serve_forever
    from brickgate.setup import running_gateway
    from brickgate.workspace import Workspace

    api_key = api_key or None  # `--api-key ""` asks for no key, as `brickgate setup` reads it
    check_bind(bind, api_key)
    origins = allow_origin or []
    check_origins(origins)
    for flag, value, example in (
        ("--max-body-mb", max_body_mb, 32),
        ("--header-timeout", header_timeout, 10),
        ("--max-header-kb", max_header_kb, 64),
        ("--max-connections", max_connections, 1024),
    ):
        if value <= 0:
            raise ConfigError(f"{flag} must be positive, got {value:g}.", f"For example: {flag} {example}")
    limits = ConnectionLimits(header_timeout, max_header_kb * 1024, max_connections)
    _configure_access_log(quiet)
    source = ctx.get_parameter_source("api_key")
    if api_key and source is not None and source.name == "COMMANDLINE":
        logging.getLogger("brickgate.cli").warning(
            "--api-key shows in `ps` to every user of this machine; set BRICKGATE_API_KEY instead."
        )
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
            allowed_origins=origins,
            limits=limits,
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
    lines = [
        f"[bold]brickgate gateway[/] on {url} → {host} ({len(models)} models)",
        f"  OpenAI Chat Completions  {url}/v1/chat/completions",
        f"  OpenAI Responses         {url}/v1/responses",
        f"  Anthropic Messages       {url}/v1/messages",
        "Point an agent at it (add --write to update its config file):",
        *(f"  brickgate setup {agent}{port_flag}" for agent in AGENTS),
        *(
            ["  (where BRICKGATE_API_KEY holds this gateway's key: setup reads it from there)"]
            if keyed
            else []
        ),
        "Ctrl-C stops it.",
    ]
    stderr_console().print("\n".join(lines), highlight=False, soft_wrap=True)
