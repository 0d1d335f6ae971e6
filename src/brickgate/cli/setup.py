"""`brickgate setup AGENT`: print (or, with --write, merge into the agent's own config file) the settings
that point a coding agent at the running gateway, with every model the workspace serves."""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING, Annotated, Literal

import typer

if TYPE_CHECKING:
    from urllib.parse import SplitResult

    from brickgate.setup import AgentSetup, ConfigEdit, GatewayAddress

AGENT_NAMES = (
    "opencode, claude-code, codex, gemini-cli, copilot, kilo, pi, crush, continue, qwen-code, aider, llm; "
    "settings to paste for zed, cursor, cline, goose"
)
ApiChoice = Literal["chat", "messages", "responses"]


def setup(
    ctx: typer.Context,
    agent: Annotated[str, typer.Argument(help=f"One of: {AGENT_NAMES}.", show_default=False)],
    write: Annotated[
        bool,
        typer.Option("--write", help="Merge into the agent's config file (the old one is kept as .bak)."),
    ] = False,
    offline: Annotated[
        bool,
        typer.Option(
            "--offline", help="Turn the agent's telemetry, update checks and catalog downloads off."
        ),
    ] = False,
    model: Annotated[
        str | None, typer.Option("--model", "-m", help="The model the agent starts with.", show_default=False)
    ] = None,
    api: Annotated[
        ApiChoice | None,
        typer.Option(
            "--api",
            help="One API for every model, for agents that speak several (default: each model's own).",
            show_default=False,
        ),
    ] = None,
    max_output_tokens: Annotated[
        int | None,
        typer.Option(
            "--max-output-tokens",
            "--max-output",
            min=1,
            help="Most output tokens the agent asks any model for (capped at each model's own maximum); "
            "Databricks refuses at once what its per-minute output limit cannot admit. "
            "Default: config.toml [setup] max_output_tokens, else 32000.",
            show_default=False,
        ),
    ] = None,
    port: Annotated[
        int | None,
        typer.Option(
            "--port",
            min=1,
            max=65535,
            help="Port of a local gateway (default: the running one, else 8787).",
            show_default=False,
        ),
    ] = None,
    url: Annotated[
        str | None,
        typer.Option(
            "--url", help="URL of a gateway elsewhere, e.g. https://gateway.example.com.", show_default=False
        ),
    ] = None,
    api_key: Annotated[
        str | None,
        typer.Option(
            "--api-key", envvar="BRICKGATE_API_KEY", help="The key given to `brickgate serve --api-key`."
        ),
    ] = None,
    team_gateway: Annotated[
        str | None,
        typer.Option(
            "--gateway",
            metavar="URL",
            help="A team gateway (serve --identity caller) or brickgate Databricks App: the agent sends your "
            "own Databricks token, from `brickgate token` where it can run a key command.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Configure a coding agent to use the gateway."""
    from brickgate.catalog import Catalog
    from brickgate.setup import SetupChoices, agent_setup, check_agent

    choices = SetupChoices(output_limit=max_output_tokens, offline=offline, model=model, api=api)
    check_agent(agent, choices)
    _one_gateway(port=port, url=url, gateway=team_gateway)
    if team_gateway is not None:
        address = _team_gateway(team_gateway, ctx.obj.profile, ctx.obj.host)
    else:
        address = _gateway(port, url, api_key or None)
    models = Catalog(profile=ctx.obj.profile, host=ctx.obj.host).models()
    plan = agent_setup(agent, models, address, choices)
    if address.key_command:
        plan = _with_token_exports(plan, address.key_command)
    typer.echo("\n".join(_written(plan) if write else _printed(plan)))


def _gateway(port: int | None, url: str | None, api_key: str | None) -> GatewayAddress:
    """``--url``, else ``--port`` on loopback, else the gateway `brickgate serve` recorded, else 8787."""
    from brickgate.errors import ConfigError
    from brickgate.setup import GatewayAddress
    from brickgate.setup.running_gateway import DEFAULT_URL, record_path, running

    if url is not None:
        _check_url("--url", url)
        return GatewayAddress(url.rstrip("/").removesuffix("/v1"), api_key)
    if port is not None:
        return GatewayAddress(f"http://127.0.0.1:{port}", api_key)
    found = running()
    if found is None:
        typer.echo(
            f"No running gateway recorded in {record_path().parent}; using {DEFAULT_URL}. "
            "Start `brickgate serve` first, or pass --port.",
            err=True,
        )
        return GatewayAddress(DEFAULT_URL, api_key)
    if found.keyed and not api_key:
        raise ConfigError(
            f"The gateway at {found.url} requires the key it was started with.",
            "Pass --api-key KEY, or set BRICKGATE_API_KEY.",
        )
    return GatewayAddress(found.url, api_key)


def _team_gateway(url: str, profile: str | None, host: str | None) -> GatewayAddress:
    """A gateway that runs requests as their caller: the key is the user's own token. A Databricks App
    (``*.databricksapps.com``) takes token auth under ``/api`` only; the gateway serves every API there."""
    from brickgate.setup import GatewayAddress
    from brickgate.setup.common import KEY_FROM_COMMAND

    parts = _check_url("--gateway", url)
    base = url.rstrip("/").removesuffix("/v1")
    if (parts.hostname or "").endswith(".databricksapps.com") and not parts.path.strip("/"):
        base += "/api"
    return GatewayAddress(base, KEY_FROM_COMMAND, key_command=_token_command(profile, host))


def _one_gateway(**given: object) -> None:
    """--port, --url and --gateway each name the gateway: more than one is a contradiction, not a choice."""
    from brickgate.errors import ConfigError

    named = [f"--{flag}" for flag, value in given.items() if value is not None]
    if len(named) > 1:
        raise ConfigError(f"{' and '.join(named)} each name the gateway.", "Give only one of them.")


def _check_url(flag: str, url: str) -> SplitResult:
    """The parts of a gateway URL; ``ConfigError`` for anything an agent could not connect to."""
    from urllib.parse import urlsplit

    from brickgate.errors import ConfigError

    parts = urlsplit(url.rstrip("/"))
    try:
        valid = parts.scheme in ("http", "https") and bool(parts.hostname) and parts.port != 0
    except ValueError:  # a port that is not a number, or out of range
        valid = False
    if not valid:
        raise ConfigError(f"{flag} {url!r} is not a URL.", "Give the gateway's address, e.g. https://HOST")
    return parts


def _token_command(profile: str | None, host: str | None) -> str:
    """`brickgate token` for this login, as a shell command an agent can run from anywhere."""
    import shutil
    import sys

    found = shutil.which("brickgate")
    words = [found] if found else [sys.executable, "-m", "brickgate.cli.main"]
    words += ["--profile", profile] if profile else []
    words += ["--host", host] if host else []
    return shlex.join([*words, "token"])


def _with_token_exports(plan: AgentSetup, command: str) -> AgentSetup:
    """For agents that take a fixed key: export it from the key command, and say that it expires."""
    import dataclasses

    from brickgate.setup.common import KEY_ENV, KEY_PLACEHOLDER

    exports = tuple((k, f"$({command})" if v == KEY_PLACEHOLDER else v) for k, v in plan.exports)
    fixed = any(k == KEY_ENV for k, _ in exports)
    note = (
        f"{KEY_ENV} holds your Databricks token, from `{command}`; an OAuth token lasts an hour, so "
        "export it again before starting the agent (or use a personal access token)."
    )
    return dataclasses.replace(plan, exports=exports, notes=(*plan.notes, *([note] if fixed else [])))


def _export_line(name: str, value: str) -> str:
    if value.startswith("<"):
        # A placeholder: as a live export, pasting it would replace the key the user already set.
        return f"# {name} must hold {value.strip('<>')}"
    # A "$VAR" value stays a reference the shell expands; anything else is quoted literally.
    quoted = f'"{value}"' if value.startswith("$") else shlex.quote(value)
    return f"export {name}={quoted}"


def _exports_heading(plan: AgentSetup) -> str:
    if plan.env_only:
        return f"{plan.agent} reads these from the environment only; put them in your shell profile too:"
    return "Also set in your shell (and your shell profile, for new shells):"


def _printed(plan: AgentSetup) -> list[str]:
    """Shell-friendly: export lines as they are, everything else as `#` comments or file fragments."""
    from brickgate.setup import render

    out: list[str] = []
    if plan.agent == "claude-code":  # its settings.json holds exactly these variables
        out += [_export_line(k, v) for k, v in plan.exports]
        out.append(f"# or run `brickgate setup claude-code --write` to put these into {plan.edits[0].path}")
    else:
        for edit in plan.edits:
            text = render(edit.fragment, edit.format).rstrip("\n")
            out += [f"# {edit.path} (merge by hand, or rerun with --write):", text, ""]
        for snippet in plan.paste:
            out += [f"# {snippet.where}:", snippet.text, ""]
        if plan.exports:
            out.append(f"# {_exports_heading(plan)}")
            out += [_export_line(k, v) for k, v in plan.exports]
    return out + [f"# {note}" for note in plan.notes]


def _written(plan: AgentSetup) -> list[str]:
    lines = [_write_one(edit) for edit in plan.edits]
    for snippet in plan.paste:
        lines += [f"{snippet.where}:", snippet.text, ""]
    if plan.paste and not plan.edits:
        lines.append(f"Nothing written: {plan.agent} keeps these settings itself; paste them as shown.")
    if plan.exports and plan.agent != "claude-code":
        lines.append(_exports_heading(plan))
        lines += [f"  {_export_line(k, v)}" for k, v in plan.exports]
    return lines + list(plan.notes)


def _write_one(edit: ConfigEdit) -> str:
    """Merge one file; a file that already says what we would write is left alone (no .bak either)."""
    import copy

    from brickgate.setup import apply, load

    existing = load(edit.path, edit.format)
    if existing is not None and edit.merge(copy.deepcopy(existing)) == existing:
        return f"Unchanged {edit.path}"
    backup = apply(edit)
    return f"Updated {edit.path} (previous version: {backup})" if backup else f"Created {edit.path}"
