"""aider: every model as ``openai/<endpoint>`` over Chat Completions.

The gateway's URL and key go into aider's own ``~/.aider.conf.yml`` (``openai-api-base``,
``openai-api-key``), so a new shell works and other OpenAI clients in the shell are not redirected;
limits and prices go into ``~/.aider.model.metadata.json``, per-model settings into
``~/.aider.model.settings.yml`` (aider 0.86 reads all three from the home directory).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from brickgate.catalog.model import Model
from brickgate.setup.common import (
    AgentSetup,
    GatewayAddress,
    SetupChoices,
    another_model,
    default_model,
    home_dir,
    output_limit,
    price,
)
from brickgate.setup.config_files import (
    ConfigEdit,
    Document,
    expect_list,
    expect_mapping,
    merge_named_entries,
)


def aider_name(model: Model) -> str:
    return f"openai/{model.id}"


def metadata(model: Model, choices: SetupChoices) -> dict[str, Any]:
    """litellm's model-info shape: limits and USD per token."""
    limit = output_limit(model, choices)
    return {
        "max_input_tokens": model.context_window,
        "max_output_tokens": limit,
        "max_tokens": limit,
        "input_cost_per_token": price(model.input_usd_per_mtok) / 1e6,
        "output_cost_per_token": price(model.output_usd_per_mtok) / 1e6,
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


def conf(main: Model, gateway: GatewayAddress, choices: SetupChoices) -> dict[str, Any]:
    """``.aider.conf.yml`` keys (aider's long option names)."""
    doc: dict[str, Any] = {
        "openai-api-base": gateway.v1,
        # aider's YAML expands no variables, so the key itself (the file is written 0600).
        "openai-api-key": gateway.key_or_placeholder,
        "model": aider_name(main),
    }
    if choices.offline:
        doc.update({"check-update": False, "analytics-disable": True, "show-release-notes": False})
    return doc


def setup(models: Sequence[Model], gateway: GatewayAddress, choices: SetupChoices) -> AgentSetup:
    home = home_dir()
    conf_path = home / ".aider.conf.yml"
    meta_path = home / ".aider.model.metadata.json"
    settings_path = home / ".aider.model.settings.yml"
    main = default_model(models, choices, ("claude", "sonnet"), ("claude",), ("gpt-5",))
    ours = conf(main, gateway, choices)
    meta = {aider_name(m): metadata(m, choices) for m in models}
    entries = [settings(m) for m in models]

    def merge_conf(doc: Document | None) -> Document:
        config = expect_mapping(doc, conf_path)
        model = config.get("model") if not choices.model else None
        config.update(ours)
        if model:  # the user's own default model stays unless --model names another
            config["model"] = model
        return config

    def merge_meta(doc: Document | None) -> Document:
        return {**expect_mapping(doc, meta_path), **meta}

    def merge_settings(doc: Document | None) -> Document:
        return merge_named_entries(expect_list(doc, settings_path), entries, "name")

    printed = {**ours, "openai-api-key": gateway.key_for_file("<the gateway's --api-key>")}
    # litellm downloads its model price list at every start unless told to use its bundled copy.
    exports = (("LITELLM_LOCAL_MODEL_COST_MAP", "True"),) if choices.offline else ()
    other = aider_name(another_model(models, main))
    return AgentSetup(
        agent="aider",
        edits=(
            ConfigEdit(conf_path, "yaml", merge_conf, printed),
            ConfigEdit(meta_path, "json", merge_meta, meta),
            ConfigEdit(settings_path, "yaml", merge_settings, entries),
        ),
        exports=exports,
        notes=(
            "Start it: aider",
            f"Any other model works the same way, e.g. aider --model {other}",
        ),
    )
