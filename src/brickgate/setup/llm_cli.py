"""Simon Willison's ``llm``: each model as an extra OpenAI-compatible model (``extra-openai-models.yaml``)."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from brickgate.catalog.model import Model
from brickgate.setup.common import AgentSetup, GatewayAddress, first_of, home_dir, xdg_config_dir
from brickgate.setup.config_files import ConfigEdit, Document, expect_list, merge_named_entries

KEY_NAME = "brickgate"


def user_dir() -> Path:
    """``$LLM_USER_PATH``, else llm's default (click's app dir for ``io.datasette.llm``)."""
    explicit = os.environ.get("LLM_USER_PATH")
    if explicit:
        return Path(explicit)
    if sys.platform == "darwin":
        return home_dir() / "Library" / "Application Support" / "io.datasette.llm"
    return xdg_config_dir() / "io.datasette.llm"


def entry(model: Model, gateway: GatewayAddress) -> dict[str, Any]:
    item: dict[str, Any] = {"model_id": model.id, "model_name": model.id, "api_base": gateway.v1}
    if gateway.api_key:
        item["api_key_name"] = KEY_NAME  # without it llm sends a dummy key, which loopback accepts
    item["supports_tools"] = model.supports_tools
    if model.supports_images:
        item["vision"] = True
    return item


def setup(models: Sequence[Model], gateway: GatewayAddress) -> AgentSetup:
    path = user_dir() / "extra-openai-models.yaml"
    entries = [entry(m, gateway) for m in models]

    def merge(doc: Document | None) -> Document:
        return merge_named_entries(expect_list(doc, path), entries, "model_id")

    main = first_of(models, ("claude", "sonnet"), ("claude",), ("gpt-5",))
    notes = [f"llm -m {main.id} 'hello'"]
    if gateway.api_key:
        notes.insert(0, f"llm keys set {KEY_NAME}   (paste the gateway's --api-key)")
    return AgentSetup(agent="llm", edits=(ConfigEdit(path, "yaml", merge, entries),), notes=tuple(notes))
