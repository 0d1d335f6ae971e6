"""Claude Code: environment variables pointing it at the gateway, in ``settings.json``'s ``env`` block.

Model names are the vendor's (``claude-sonnet-4-5``): Claude Code shapes its requests (thinking,
context size) by recognising them, and the gateway maps them to ``databricks-claude-sonnet-4-5``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from brickgate.catalog.model import Model
from brickgate.errors import ConfigError
from brickgate.gateway.model_names import vendor_name
from brickgate.setup.common import KEY_ENV, AgentSetup, GatewayAddress, first_of, home_dir
from brickgate.setup.config_files import ConfigEdit, Document, expect_mapping


def settings_path() -> Path:
    """``$CLAUDE_CONFIG_DIR/settings.json``, else ``~/.claude/settings.json``."""
    config_dir = os.environ.get("CLAUDE_CONFIG_DIR")
    return (Path(config_dir) if config_dir else home_dir() / ".claude") / "settings.json"


def environment(models: Sequence[Model], gateway: GatewayAddress, *, key: str) -> dict[str, str]:
    """The variables Claude Code reads; ``key`` is the literal key or a shell reference to it."""
    main = first_of(models, ("claude", "sonnet"), ("claude",))
    opus = first_of(models, ("claude", "opus"), ("claude",))
    haiku = first_of(models, ("claude", "haiku"), ("claude", "sonnet"), ("claude",))
    return {
        "ANTHROPIC_BASE_URL": gateway.base_url,  # no /v1: Claude Code appends /v1/messages
        "ANTHROPIC_AUTH_TOKEN": key,
        "ANTHROPIC_MODEL": vendor_name(main.id),
        "ANTHROPIC_DEFAULT_SONNET_MODEL": vendor_name(main.id),
        "ANTHROPIC_DEFAULT_OPUS_MODEL": vendor_name(opus.id),
        "ANTHROPIC_DEFAULT_HAIKU_MODEL": vendor_name(haiku.id),
        "ANTHROPIC_SMALL_FAST_MODEL": vendor_name(haiku.id),
        # No telemetry, update checks or HEAD /api/hello preflight: only model requests leave.
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
    }


def setup(models: Sequence[Model], gateway: GatewayAddress) -> AgentSetup:
    path = settings_path()
    written = environment(models, gateway, key=gateway.key_or_placeholder)
    printed = environment(
        models, gateway, key=f"${KEY_ENV}" if gateway.api_key else gateway.key_or_placeholder
    )

    def merge(doc: Document | None) -> Document:
        settings = expect_mapping(doc, path)
        env = settings.setdefault("env", {})
        if not isinstance(env, dict):
            raise ConfigError(f"{path}: `env` is not an object.", "Fix it, or export the printed variables.")
        env.update(written)
        return settings

    others = sorted({vendor_name(m.id) for m in models} - {written["ANTHROPIC_MODEL"]})
    example = others[0] if others else written["ANTHROPIC_MODEL"]
    return AgentSetup(
        agent="claude-code",
        edits=(ConfigEdit(path, "json", merge, {"env": printed}),),
        exports=tuple(printed.items()),
        notes=(
            "claude -p 'hello'",
            f"Any model works with --model, e.g. --model {example}",
        ),
    )
