"""Cline and Roo Code (VS Code extensions, GUI): the values for their "OpenAI Compatible" provider form.
Their settings live in VS Code's extension storage, not in a file brickgate could merge."""

from __future__ import annotations

from collections.abc import Sequence

from brickgate.catalog.model import Model
from brickgate.setup.common import (
    AgentSetup,
    GatewayAddress,
    SetupChoices,
    Snippet,
    default_model,
    output_limit,
)


def setup(models: Sequence[Model], gateway: GatewayAddress, choices: SetupChoices) -> AgentSetup:
    main = default_model(models, choices, ("claude", "sonnet"), ("claude",), ("gpt-5",))
    key = "<the gateway's --api-key>" if gateway.api_key else gateway.key_or_placeholder
    lines = [
        "API Provider:        OpenAI Compatible",
        f"Base URL:            {gateway.v1}",
        f"API Key:             {key}",
        f"Model ID:            {main.id}",
        "Model Configuration:",
        f"  Max Output Tokens: {output_limit(main, choices)}",
        f"  Context Window:    {main.context_window}",
        f"  Supports Images:   {'yes' if main.supports_images else 'no'}",
        "Other model IDs: " + ", ".join(m.id for m in models if m is not main),
    ]
    return AgentSetup(
        agent="cline",
        paste=(Snippet("Cline / Roo Code → Settings (gear icon) → API Configuration", "\n".join(lines)),),
    )
