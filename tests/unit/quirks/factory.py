"""Models for quirk tests, built the way discovery builds a pay-per-token endpoint's Model."""

from __future__ import annotations

from brickgate.catalog.discovery import model_for_family
from brickgate.catalog.families import USD_PER_DBU, family_for
from brickgate.catalog.model import Model


def model_named(name: str) -> Model:
    """The Model an endpoint called ``name`` would be, with its family row's profile."""
    return model_for_family(name, family_for(name), usd_per_dbu=USD_PER_DBU)


CLAUDE = model_named("databricks-claude-sonnet-4-5")
OPUS_5 = model_named("databricks-claude-opus-5")
GEMINI_25 = model_named("databricks-gemini-2-5-pro")
GEMINI_3 = model_named("databricks-gemini-3-pro")
LLAMA = model_named("databricks-meta-llama-3-3-70b-instruct")
GPT_OSS = model_named("databricks-gpt-oss-120b")
GPT = model_named("databricks-gpt-5-2")
CODEX = model_named("databricks-gpt-5-2-codex")
