"""`brickgate setup AGENT`: print (or, with --write, merge into the agent's own config file) the settings
that point a coding agent at the running gateway, with every model the workspace serves."""

from __future__ import annotations

import shlex
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from brickgate.setup import AgentSetup

AGENT_NAMES = ("claude-code", "codex", "opencode", "aider", "llm")


def setup(
    ctx: typer.Context,
    agent: Annotated[str, typer.Argument(help=f"One of: {', '.join(AGENT_NAMES)}.", show_default=False)],
    write: Annotated[
        bool,
        typer.Option("--write", help="Merge into the agent's config file (the old one is kept as .bak)."),
    ] = False,
    port: Annotated[int, typer.Option("--port", help="Port `brickgate serve` listens on.")] = 8787,
    api_key: Annotated[
        str | None,
        typer.Option(
            "--api-key", envvar="BRICKGATE_API_KEY", help="The key given to `brickgate serve --api-key`."
        ),
    ] = None,
) -> None:
    """Configure opencode, Claude Code, Codex, aider or llm to use the gateway."""
    from brickgate.catalog import Catalog
    from brickgate.setup import GatewayAddress, agent_setup

    address = GatewayAddress(base_url=f"http://127.0.0.1:{port}", api_key=api_key)
    models = Catalog(profile=ctx.obj.profile, host=ctx.obj.host).models()
    plan = agent_setup(agent, models, address)
    if write:
        _write(plan)
    else:
        _print(plan)


def _export_line(name: str, value: str) -> str:
    if value.startswith("<"):
        # A placeholder: as a live export, pasting it would replace the key the user already set.
        return f"# {name} must hold {value.strip('<>')}"
    # A "$VAR" value stays a reference the shell expands; anything else is quoted literally.
    quoted = f'"{value}"' if value.startswith("$") else shlex.quote(value)
    return f"export {name}={quoted}"


def _print(plan: AgentSetup) -> None:
    """Shell-friendly: export lines as they are, everything else as `#` comments or file fragments."""
    from brickgate.setup import render

    out: list[str] = []
    if plan.agent == "claude-code":
        out += [_export_line(k, v) for k, v in plan.exports]
        out.append(f"# or run `brickgate setup claude-code --write` to put these into {plan.edits[0].path}")
    else:
        for edit in plan.edits:
            out.append(f"# {edit.path} (merge by hand, or rerun with --write):")
            out.append(render(edit.fragment, edit.format).rstrip("\n"))
            out.append("")
        out += [_export_line(k, v) for k, v in plan.exports]
    out += [f"# then: {note}" for note in plan.notes]
    typer.echo("\n".join(out))


def _write(plan: AgentSetup) -> None:
    from brickgate.setup import apply

    lines: list[str] = []
    for edit in plan.edits:
        backup = apply(edit)
        lines.append(
            f"Updated {edit.path} (previous version: {backup})" if backup else f"Created {edit.path}"
        )
    if plan.exports and plan.agent != "claude-code":
        lines.append("Also set in your shell:")
        lines += [f"  {_export_line(k, v)}" for k, v in plan.exports]
    lines += [f"Then: {note}" for note in plan.notes]
    typer.echo("\n".join(lines))
