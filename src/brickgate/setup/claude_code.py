"""Claude Code: environment variables pointing it at the gateway, in ``settings.json``'s ``env`` block.

Model names are the vendor's (``claude-sonnet-4-5``): Claude Code shapes its requests (thinking,
context size) by recognising them, and the gateway maps them to ``databricks-claude-sonnet-4-5``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from brickgate.catalog.model import Model
from brickgate.errors import ConfigError
from brickgate.gateway.model_names import vendor_name
from brickgate.setup.common import (
    KEY_ENV,
    AgentSetup,
    GatewayAddress,
    SetupChoices,
    another_model,
    default_model,
    dir_from_env,
    first_of,
    home_dir,
    output_limit,
)
from brickgate.setup.config_files import ConfigEdit, Document, expect_mapping


def settings_path() -> Path:
    """``$CLAUDE_CONFIG_DIR/settings.json``, else ``~/.claude/settings.json``."""
    return dir_from_env("CLAUDE_CONFIG_DIR", home_dir() / ".claude") / "settings.json"


def environment(
    models: Sequence[Model], main: Model, gateway: GatewayAddress, choices: SetupChoices, *, key: str
) -> dict[str, str]:
    """The variables Claude Code reads; ``key`` is the literal key or a shell reference to it."""
    opus = first_of(models, ("claude", "opus"), ("claude",))
    haiku = first_of(models, ("claude", "haiku"), ("claude", "sonnet"), ("claude",))
    env = {
        "ANTHROPIC_BASE_URL": gateway.base_url,  # no /v1: Claude Code appends /v1/messages
        "ANTHROPIC_AUTH_TOKEN": key,
        "ANTHROPIC_MODEL": vendor_name(main.id),
        "ANTHROPIC_DEFAULT_SONNET_MODEL": vendor_name(main.id),
        "ANTHROPIC_DEFAULT_OPUS_MODEL": vendor_name(opus.id),
        "ANTHROPIC_DEFAULT_HAIKU_MODEL": vendor_name(haiku.id),
        "ANTHROPIC_SMALL_FAST_MODEL": vendor_name(haiku.id),
        "CLAUDE_CODE_MAX_OUTPUT_TOKENS": str(output_limit(main, choices)),
    }
    if choices.offline:
        # No telemetry, update checks or HEAD /api/hello preflight: only model requests leave.
        env["CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"] = "1"
    if gateway.key_command:  # settings.json's apiKeyHelper fetches the key; a fixed one would win over it
        del env["ANTHROPIC_AUTH_TOKEN"]
    return env


def setup(models: Sequence[Model], gateway: GatewayAddress, choices: SetupChoices) -> AgentSetup:
    path = settings_path()
    main = default_model(models, choices, ("claude", "sonnet"), ("claude",))
    written = environment(models, main, gateway, choices, key=gateway.key_or_placeholder)
    printed = environment(models, main, gateway, choices, key=gateway.key_for_file(f"${KEY_ENV}"))

    helper = {"apiKeyHelper": gateway.key_command} if gateway.key_command else {}

    def merge(doc: Document | None) -> Document:
        settings = expect_mapping(doc, path)
        env = settings.setdefault("env", {})
        if not isinstance(env, dict):
            raise ConfigError(f"{path}: `env` is not an object.", "Fix it, or export the printed variables.")
        env.update(written)
        if helper:
            env.pop("ANTHROPIC_AUTH_TOKEN", None)
        settings.update(helper)
        return settings

    other = vendor_name(another_model(models, main).id)
    return AgentSetup(
        agent="claude-code",
        edits=(ConfigEdit(path, "json", merge, {"env": printed, **helper}),),
        exports=tuple(printed.items()),
        notes=(
            *(
                [f'{path} also needs "apiKeyHelper": "{gateway.key_command}" (--write puts it there).']
                * bool(helper)
            ),
            "Start it: claude -p 'hello'",
            f"Any other model works the same way, e.g. claude -p 'hello' --model {other}",
        ),
    )
