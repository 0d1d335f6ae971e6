"""Goose: its documented environment variables for the OpenAI provider (research agents-2026.md §9),
given on the goose command line so that other OpenAI clients in the shell are not redirected. Goose
has no npm or PyPI package, so brickgate cannot test it here; it prints instead of writing."""

from __future__ import annotations

import shlex
from collections.abc import Sequence

from brickgate.catalog.model import Model
from brickgate.setup.common import (
    AgentSetup,
    GatewayAddress,
    SetupChoices,
    Snippet,
    another_model,
    default_model,
)


def setup(models: Sequence[Model], gateway: GatewayAddress, choices: SetupChoices) -> AgentSetup:
    main = default_model(models, choices, ("claude", "sonnet"), ("claude",), ("gpt-5",))
    key = '"$BRICKGATE_API_KEY"' if gateway.api_key else gateway.key_or_placeholder
    env = [
        "GOOSE_PROVIDER=openai",
        f"OPENAI_HOST={shlex.quote(gateway.base_url)}",
        "OPENAI_BASE_PATH=v1/chat/completions",
        f"OPENAI_API_KEY={key}",
        f"GOOSE_MODEL={main.id}",
        f"GOOSE_CONTEXT_LIMIT={main.context_window}",
    ]
    if choices.offline:
        env.append("GOOSE_TELEMETRY_ENABLED=false")
    return AgentSetup(
        agent="goose",
        paste=(Snippet("Start goose with these settings", " \\\n  ".join([*env, "goose session"])),),
        notes=(f"Any other model works the same way, e.g. GOOSE_MODEL={another_model(models, main).id}",),
    )
