"""GitHub Copilot CLI: bring-your-own-key mode, configured by environment variables only
(`copilot help providers` in 1.0.102 lists no file setting for a provider).

Copilot speaks one API per session: Anthropic Messages (``COPILOT_PROVIDER_TYPE=anthropic``, base URL
without ``/v1``), OpenAI Responses or Chat Completions (``openai`` with ``COPILOT_PROVIDER_WIRE_API``).
The default model's own API is chosen unless ``--api`` says otherwise; the gateway translates for the
other models. Its limits are given explicitly because Databricks names are not in Copilot's catalog.
"""

from __future__ import annotations

from collections.abc import Sequence

from brickgate.catalog.model import Model
from brickgate.setup.common import (
    KEY_ENV,
    AgentSetup,
    GatewayAddress,
    SetupChoices,
    another_model,
    api_for,
    default_model,
    output_limit,
)

_WIRE_API = {"chat": "completions", "responses": "responses"}


def environment(main: Model, gateway: GatewayAddress, choices: SetupChoices) -> dict[str, str]:
    api = api_for(main, choices)
    env = {"COPILOT_PROVIDER_BASE_URL": gateway.base_for(api)}
    if api == "messages":
        env["COPILOT_PROVIDER_TYPE"] = "anthropic"
    else:
        env["COPILOT_PROVIDER_TYPE"] = "openai"
        env["COPILOT_PROVIDER_WIRE_API"] = _WIRE_API[api]
    if gateway.key_command:  # run for a fresh key (research agents-2026.md §3, [UG])
        env["COPILOT_PROVIDER_API_KEY_COMMAND"] = gateway.key_command
    else:
        env["COPILOT_PROVIDER_API_KEY"] = gateway.key_for_file(f"${KEY_ENV}")
    env.update(
        {
            "COPILOT_MODEL": main.id,
            "COPILOT_PROVIDER_MAX_PROMPT_TOKENS": str(main.context_window),
            "COPILOT_PROVIDER_MAX_OUTPUT_TOKENS": str(output_limit(main, choices)),
        }
    )
    if choices.offline:  # no GitHub sign-in, telemetry or update download: only the provider is called
        env.update({"COPILOT_OFFLINE": "true", "COPILOT_AUTO_UPDATE": "false"})
    return env


def setup(models: Sequence[Model], gateway: GatewayAddress, choices: SetupChoices) -> AgentSetup:
    main = default_model(models, choices, ("claude", "sonnet"), ("claude",), ("gpt-5",))
    return AgentSetup(
        agent="copilot",
        exports=tuple(environment(main, gateway, choices).items()),
        env_only=True,
        notes=(
            "Start it: copilot",
            f"Any other model works the same way, e.g. copilot --model {another_model(models, main).id}",
        ),
    )
