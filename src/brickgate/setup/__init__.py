"""`brickgate setup AGENT`: the configuration that points a coding agent at the running gateway."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from brickgate.catalog.model import Model
from brickgate.errors import ConfigError
from brickgate.setup import aider, claude_code, codex, llm_cli, opencode
from brickgate.setup.common import AgentSetup, GatewayAddress
from brickgate.setup.config_files import ConfigEdit, apply, render

Builder = Callable[[Sequence[Model], GatewayAddress], AgentSetup]
AGENTS: dict[str, Builder] = {
    "claude-code": claude_code.setup,
    "codex": codex.setup,
    "opencode": opencode.setup,
    "aider": aider.setup,
    "llm": llm_cli.setup,
}


def agent_setup(agent: str, models: Sequence[Model], gateway: GatewayAddress) -> AgentSetup:
    """The setup for ``agent``; ``ConfigError`` for an unknown agent or a workspace without models."""
    builder = AGENTS.get(agent)
    if builder is None:
        raise ConfigError(f"Unknown agent {agent!r}.", f"Choose one of: {', '.join(AGENTS)}.")
    if not models:
        raise ConfigError(
            "This workspace serves no chat models, so there is nothing to configure.",
            "Run `brickgate models --all` to see which endpoints were skipped and why.",
        )
    return builder(models, gateway)


__all__ = ["AGENTS", "AgentSetup", "ConfigEdit", "GatewayAddress", "agent_setup", "apply", "render"]
