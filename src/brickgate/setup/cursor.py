"""Cursor (GUI): Cursor sends model requests from its own servers, not from the editor, so it can only
reach a gateway on a public HTTPS URL (research agents-2026.md §11). For a local gateway brickgate says
so instead of printing settings that cannot work; for a public one (``--url https://…``) it prints them.
Cursor calls Chat Completions only.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlsplit

from brickgate.catalog.model import Model
from brickgate.errors import ConfigError
from brickgate.setup.common import AgentSetup, GatewayAddress, SetupChoices, Snippet, default_model

_LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1", "0.0.0.0")


def setup(models: Sequence[Model], gateway: GatewayAddress, choices: SetupChoices) -> AgentSetup:
    parts = urlsplit(gateway.base_url)
    if parts.scheme != "https" or (parts.hostname or "") in _LOCAL_HOSTS:
        raise ConfigError(
            f"Cursor cannot use the gateway at {gateway.base_url}: Cursor sends model requests from its own "
            "servers, which cannot reach this machine.",
            "Run the gateway where it has a public HTTPS URL and pass it: "
            "`brickgate setup cursor --url https://gateway.example.com`; Databricks' own AI Gateway "
            "base URL (/ai-gateway/cursor/v1) works too, without brickgate.",
        )
    main = default_model(models, choices, ("claude", "sonnet"), ("claude",), ("gpt-5",))
    key = "<the gateway's --api-key>" if gateway.api_key else gateway.key_or_placeholder
    lines = [
        f"OpenAI API Key:             {key}",
        f"Override OpenAI Base URL:   {gateway.v1}",
        "Models (add each as a custom model):",
        *(f"  {m.id}" for m in models),
    ]
    return AgentSetup(
        agent="cursor",
        paste=(Snippet("Cursor → Settings → Models", "\n".join(lines)),),
        notes=(f"Then pick {main.id} in Cursor's model menu.",),
    )
