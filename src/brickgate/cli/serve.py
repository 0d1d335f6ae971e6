"""`brickgate serve`: the gateway (OpenAI Chat, OpenAI Responses, Anthropic Messages) in the foreground,
holding the workspace's credentials, or with ``--identity caller`` none: each request runs as its caller
(a team gateway, and always so as a Databricks App). Ctrl-C (or SIGTERM) stops it."""

from __future__ import annotations

import logging
import math
import os
import sys
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from brickgate.catalog.model import Model
    from brickgate.gateway.caller_identity import CallerIdentities
    from brickgate.gateway.databricks_app import AppMode
    from brickgate.workspace import Workspace

AGENTS = ("claude-code", "codex", "opencode", "aider", "llm")


def serve(
    ctx: typer.Context,
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port to listen on.")] = 8787,
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
    body_timeout: Annotated[
        float,
        typer.Option(
            "--body-timeout",
            metavar="SECONDS",
            help="Answer 408 and close a connection whose request body stops arriving for this long.",
        ),
    ] = 30.0,
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
    identity: Annotated[
        str,
        typer.Option(
            "--identity",
            metavar="gateway|caller",
            help="gateway: every request uses this gateway's Databricks login. caller: the gateway holds "
            "no credentials; each request must carry its caller's own Databricks token (`brickgate token`) "
            "and runs as them. Always caller in a Databricks App.",
        ),
    ] = "gateway",
    app_principal_fallback: Annotated[
        bool,
        typer.Option(
            "--app-principal-fallback",
            envvar="BRICKGATE_APP_PRINCIPAL_FALLBACK",
            help="In a Databricks App: run requests that carry no user token as the app's own service "
            "principal (billed to the app) instead of refusing them.",
        ),
    ] = False,
    workers: Annotated[
        int,
        typer.Option(
            "--workers",
            metavar="N",
            help="Serve from N processes on the one port (they share only the on-disk caches).",
        ),
    ] = 1,
) -> None:
    """Serve every model of the workspace to agents and SDKs."""
    from brickgate.errors import ConfigError
    from brickgate.gateway.connection_limits import ConnectionLimits
    from brickgate.gateway.databricks_app import app_mode
    from brickgate.gateway.local_auth import check_bind, check_origins
    from brickgate.gateway.server import serve_forever
    from brickgate.setup import running_gateway

    api_key = api_key or None  # `--api-key ""` asks for no key, as `brickgate setup` reads it
    if identity not in ("gateway", "caller"):
        raise ConfigError(
            f"--identity {identity!r} is not known.", "Use --identity gateway or --identity caller."
        )
    app = app_mode(principal_fallback=app_principal_fallback)
    if app is not None:  # the platform's contract (research databricks-2026.md §5)
        bind, port, identity = "0.0.0.0", app.port, "caller"
    check_bind(bind, api_key, caller_identity=identity == "caller")
    origins = allow_origin or []
    check_origins(origins)
    for flag, value, example in (
        ("--max-body-mb", max_body_mb, 32),
        ("--header-timeout", header_timeout, 10),
        ("--body-timeout", body_timeout, 30),
        ("--max-header-kb", max_header_kb, 64),
        ("--max-connections", max_connections, 1024),
        ("--workers", workers, 2),
    ):
        if not 0 < value < math.inf:  # also refuses nan and inf, which float options accept
            raise ConfigError(f"{flag} must be positive, got {value:g}.", f"For example: {flag} {example}")
    if max_body_mb * 1024 < 1:  # it would round to under a kilobyte: every request refused as too large
        raise ConfigError(
            f"--max-body-mb {max_body_mb:g} is under a kilobyte: every request would be refused as too "
            "large.",
            "For example: --max-body-mb 32",
        )
    most_workers = 4 * (os.cpu_count() or 1)  # more only fight over the cores and the workspace's limits
    if workers > most_workers:
        raise ConfigError(
            f"--workers {workers} is more than this machine can use (at most {most_workers}: 4 per CPU).",
            "For example: --workers 2",
        )
    limits = ConnectionLimits(header_timeout, max_header_kb * 1024, max_connections, body_timeout)
    _configure_access_log(quiet)
    source = ctx.get_parameter_source("api_key")
    if api_key and source is not None and source.name == "COMMANDLINE":
        logging.getLogger("brickgate.cli").warning(
            "--api-key shows in `ps` to every user of this machine; set BRICKGATE_API_KEY instead."
        )
    callers = _callers(ctx, app) if identity == "caller" else None
    if callers is None:
        ws = _workspace(ctx)
        models: list[Model] | None = ws.models()  # fails early (no credentials, unreachable host), warms
    else:
        ws, models = callers.base, None  # nothing to list as nobody
    host = ws.credentials.host

    def ready(url: str) -> None:
        running_gateway.record(url, keyed=api_key is not None or callers is not None)  # for `setup`
        _print_banner(url, host, models, api_key is not None, app)

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
            callers=callers,
            api_mounts=app is not None,
            workers=workers,
            fresh=lambda: _fresh(ctx, app, callers is not None),
        )
    except OSError as exc:
        raise ConfigError(
            f"Cannot listen on {bind}:{port}: {exc.strerror or exc}.", _listen_hint(exc)
        ) from None
    finally:
        running_gateway.forget()


_ADDRESS_HINT = (
    "--bind takes an address of this machine: 127.0.0.1 (this machine only) or 0.0.0.0 (every interface)."
)


def _listen_hint(exc: OSError) -> str:
    import errno
    import socket

    if isinstance(exc, socket.gaierror):  # a --bind name that does not resolve
        return _ADDRESS_HINT
    hints = {
        errno.EADDRINUSE: "Another process holds the port; pass --port N (and the same --port to "
        "`brickgate setup`).",
        errno.EACCES: "Ports below 1024 need administrator rights; pass --port 8787 or another above 1024.",
        errno.EADDRNOTAVAIL: _ADDRESS_HINT,
    }
    return hints.get(exc.errno or 0, "Check --bind and --port.")


def _workspace(ctx: typer.Context) -> Workspace:
    from brickgate.workspace import Workspace

    return Workspace(profile=ctx.obj.profile, host=ctx.obj.host, surface=ctx.obj.surface)


def _fresh(
    ctx: typer.Context, app: AppMode | None, caller_identity: bool
) -> tuple[Workspace, CallerIdentities | None]:
    """A worker's own gateway parts (``--workers``): built after the fork, nothing shared but the disk."""
    if caller_identity:
        callers = _callers(ctx, app)
        return callers.base, callers
    return _workspace(ctx), None


def _callers(ctx: typer.Context, app: AppMode | None) -> CallerIdentities:
    """The caller-identity gateway: the workspace's host only (no credentials), and in an App whose admin
    chose it the app's service principal for requests without a user token."""
    from brickgate.auth.resolve import host_only
    from brickgate.gateway.caller_identity import CallerIdentities, caller_credentials
    from brickgate.gateway.inference import Caller
    from brickgate.workspace import Workspace

    host = host_only(ctx.obj.profile, ctx.obj.host)
    base = Workspace(credentials=caller_credentials(host), surface=ctx.obj.surface, persist=False)
    fallback = None
    if app is not None and app.principal_fallback:
        own = _workspace(ctx)  # DATABRICKS_CLIENT_ID/SECRET, which the platform sets
        own.models()  # fails at start, not on the first request
        fallback = Caller.of(own, identity=f"app:{app.name or 'service-principal'}")
    return CallerIdentities(base, app=app, service_principal=fallback)


def _configure_access_log(quiet: bool) -> None:
    """Plain lines on stderr (cheap per request; no bodies or keys are ever logged)."""
    log = logging.getLogger("brickgate.access")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    log.handlers[:] = [handler]
    log.setLevel(logging.WARNING if quiet else logging.INFO)
    log.propagate = False


def _print_banner(url: str, host: str, models: list[Model] | None, keyed: bool, app: AppMode | None) -> None:
    from brickgate.cli.output import stderr_console

    port = url.rsplit(":", 1)[-1]  # the bound one: `--port 0` picked it
    port_flag = "" if port == "8787" else f" --port {port}"
    who = f"{len(models)} models" if models is not None else "each request as its caller"
    lines = [
        f"[bold]brickgate gateway[/] on {url} → {host} ({who})",
        *(["  Databricks App: also under /api/openai, /api/anthropic, /api/gemini"] if app else []),
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
        *(
            [
                "  Callers send their own Databricks token (`brickgate token`); "
                f"`brickgate setup AGENT --gateway {url}` wires it."
            ]
            if models is None
            else []
        ),
        "Ctrl-C stops it.",
    ]
    stderr_console().print("\n".join(lines), highlight=False, soft_wrap=True)
