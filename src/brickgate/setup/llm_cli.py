"""Simon Willison's ``llm``: each model as an extra OpenAI-compatible model (``extra-openai-models.yaml``).

GPT and Codex models go over llm's Responses support (``responses: true``, llm 0.36), the API they speak
on Databricks; the rest over Chat Completions. ``reasoning`` turns on llm's reasoning options
(``-o reasoning_effort``) where the model reasons; ``supports_schema`` (``--schema``) where the model's
API takes a JSON schema: Responses ``text.format`` and Chat ``response_format`` do, Claude's Messages
route does not (research databricks-api.md §2.8).
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from brickgate.catalog.model import Model
from brickgate.setup.common import (
    AgentSetup,
    GatewayAddress,
    SetupChoices,
    another_model,
    default_model,
    dir_from_env,
    home_dir,
    xdg_config_dir,
)
from brickgate.setup.config_files import ConfigEdit, Document, expect_list, merge_named_entries

KEY_NAME = "brickgate"


def user_dir() -> Path:
    """``$LLM_USER_PATH``, else llm's default (click's app dir for ``io.datasette.llm``)."""
    if sys.platform == "darwin":
        default = home_dir() / "Library" / "Application Support" / "io.datasette.llm"
    else:
        default = xdg_config_dir() / "io.datasette.llm"
    return dir_from_env("LLM_USER_PATH", default)


def entry(model: Model, gateway: GatewayAddress) -> dict[str, Any]:
    item: dict[str, Any] = {"model_id": model.id, "model_name": model.id, "api_base": gateway.v1}
    if gateway.api_key:
        item["api_key_name"] = KEY_NAME  # without it llm sends a dummy key, which loopback accepts
    if model.api == "responses":
        item["responses"] = True
    item["supports_tools"] = model.supports_tools
    item["supports_schema"] = model.api != "messages"
    if model.supports_reasoning:
        item["reasoning"] = True
    if model.supports_images:
        item["vision"] = True
    return item


def setup(models: Sequence[Model], gateway: GatewayAddress, choices: SetupChoices) -> AgentSetup:
    path = user_dir() / "extra-openai-models.yaml"
    entries = [entry(m, gateway) for m in models]

    def merge(doc: Document | None) -> Document:
        return merge_named_entries(expect_list(doc, path), entries, "model_id")

    main = default_model(models, choices, ("claude", "sonnet"), ("claude",), ("gpt-5",))
    notes = [
        f"Start it: llm -m {main.id} 'hello'",
        f"Any other model works the same way, e.g. llm -m {another_model(models, main).id} 'hello'",
    ]
    if gateway.api_key:
        notes.insert(0, f"Store the gateway's key once: llm keys set {KEY_NAME}")
    return AgentSetup(agent="llm", edits=(ConfigEdit(path, "yaml", merge, entries),), notes=tuple(notes))
