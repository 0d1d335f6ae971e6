"""aider: every model as ``openai/<endpoint>`` over Chat Completions, with limits and prices in
``~/.aider.model.metadata.json`` and per-model settings in ``~/.aider.model.settings.yml``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from brickgate.catalog.model import Model
from brickgate.setup.common import KEY_ENV, AgentSetup, GatewayAddress, first_of, home_dir
from brickgate.setup.config_files import (
    ConfigEdit,
    Document,
    expect_list,
    expect_mapping,
    merge_named_entries,
)


def aider_name(model: Model) -> str:
    return f"openai/{model.id}"


def metadata(model: Model) -> dict[str, Any]:
    """litellm's model-info shape: limits and USD per token."""
    return {
        "max_input_tokens": model.context_window,
        "max_output_tokens": model.max_output_tokens,
        "max_tokens": model.max_output_tokens,
        "input_cost_per_token": model.input_usd_per_mtok / 1e6,
        "output_cost_per_token": model.output_usd_per_mtok / 1e6,
        "litellm_provider": "openai",
        "mode": "chat",
        "supports_function_calling": model.supports_tools,
        "supports_vision": model.supports_images,
    }


def settings(model: Model) -> dict[str, Any]:
    return {
        "name": aider_name(model),
        "edit_format": "diff",
        "use_repo_map": True,
        # aider sends temperature 0 unless told not to; some endpoints refuse the parameter.
        "use_temperature": not model.rejects_temperature,
    }


def setup(models: Sequence[Model], gateway: GatewayAddress) -> AgentSetup:
    home = home_dir()
    meta_path = home / ".aider.model.metadata.json"
    settings_path = home / ".aider.model.settings.yml"
    meta = {aider_name(m): metadata(m) for m in models}
    entries = [settings(m) for m in models]

    def merge_meta(doc: Document | None) -> Document:
        return {**expect_mapping(doc, meta_path), **meta}

    def merge_settings(doc: Document | None) -> Document:
        return merge_named_entries(expect_list(doc, settings_path), entries, "name")

    main = first_of(models, ("claude", "sonnet"), ("claude",), ("gpt-5",))
    key = f"${KEY_ENV}" if gateway.api_key else gateway.key_or_placeholder
    return AgentSetup(
        agent="aider",
        edits=(
            ConfigEdit(meta_path, "json", merge_meta, meta),
            ConfigEdit(settings_path, "yaml", merge_settings, entries),
        ),
        exports=(("OPENAI_API_BASE", gateway.v1), ("OPENAI_API_KEY", key)),
        notes=(f"aider --model {aider_name(main)}",),
    )
