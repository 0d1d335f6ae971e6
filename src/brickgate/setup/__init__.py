"""`brickgate setup AGENT`: the configuration that points a coding agent at the running gateway."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from brickgate.catalog.families import Api
from brickgate.catalog.model import Model
from brickgate.catalog.settings import load_settings
from brickgate.errors import ConfigError
from brickgate.setup import (
    aider,
    claude_code,
    cline,
    codex,
    continue_cli,
    copilot,
    crush,
    cursor,
    gemini_cli,
    goose,
    kilo,
    llm_cli,
    opencode,
    pi,
    qwen_code,
    zed,
)
from brickgate.setup.common import (
    AgentSetup,
    GatewayAddress,
    SetupChoices,
    Snippet,
    configured_output_limit,
)
from brickgate.setup.config_files import ConfigEdit, apply, load, render

Builder = Callable[[Sequence[Model], GatewayAddress, SetupChoices], AgentSetup]
ALL_APIS: tuple[Api, ...] = ("chat", "messages", "responses")


@dataclass(frozen=True, slots=True)
class Agent:
    build: Builder
    apis: tuple[Api, ...] = ()  # what --api may choose; () for an agent that speaks one API only


AGENTS: dict[str, Agent] = {
    "opencode": Agent(opencode.setup, ALL_APIS),
    "claude-code": Agent(claude_code.setup),
    "codex": Agent(codex.setup),
    "gemini-cli": Agent(gemini_cli.setup),
    "copilot": Agent(copilot.setup, ALL_APIS),
    "kilo": Agent(kilo.setup, ALL_APIS),
    "pi": Agent(pi.setup, ALL_APIS),
    "crush": Agent(crush.setup, ALL_APIS),
    "continue": Agent(continue_cli.setup, ("chat", "messages")),
    "qwen-code": Agent(qwen_code.setup, ALL_APIS),
    "aider": Agent(aider.setup),
    "llm": Agent(llm_cli.setup),
    # GUI clients: settings to paste
    "zed": Agent(zed.setup),
    "cursor": Agent(cursor.setup),
    "cline": Agent(cline.setup),
    "goose": Agent(goose.setup),
}


def check_agent(agent: str, choices: SetupChoices) -> Agent:
    """The agent named, before anything is asked of the workspace; ``ConfigError`` for an unknown one or
    an API it cannot speak."""
    known = AGENTS.get(agent)
    if known is None:
        import difflib

        close = difflib.get_close_matches(agent.lower(), AGENTS, n=1, cutoff=0.6)
        hint = f"Did you mean {close[0]}? " if close else ""
        raise ConfigError(f"Unknown agent {agent!r}.", f"{hint}Choose one of: {', '.join(AGENTS)}.")
    if choices.api is not None and choices.api not in known.apis:
        if known.apis:
            raise ConfigError(
                f"{agent} cannot use the {choices.api} API.", f"Choose --api {' or '.join(known.apis)}."
            )
        several = ", ".join(name for name, a in AGENTS.items() if a.apis)
        raise ConfigError(f"{agent} speaks one API only.", f"Leave out --api; it applies to {several}.")
    return known


def agent_setup(
    agent: str, models: Sequence[Model], gateway: GatewayAddress, choices: SetupChoices
) -> AgentSetup:
    """The setup for ``agent``; ``ConfigError`` as ``check_agent`` does, or for a workspace without models."""
    known = check_agent(agent, choices)
    if not models:
        raise ConfigError(
            "This workspace serves no chat models, so there is nothing to configure.",
            "Run `brickgate models --all` to see which endpoints were skipped and why.",
        )
    if choices.output_limit is None:  # the one output-cap rule (setup/common.py DEFAULT_OUTPUT_LIMIT)
        choices = replace(choices, output_limit=configured_output_limit(load_settings()))
    return known.build(models, gateway, choices)


__all__ = [
    "AGENTS",
    "AgentSetup",
    "ConfigEdit",
    "GatewayAddress",
    "SetupChoices",
    "Snippet",
    "agent_setup",
    "apply",
    "check_agent",
    "load",
    "render",
]
