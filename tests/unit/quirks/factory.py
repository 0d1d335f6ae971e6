"""Models for quirk tests, built from the families table (the catalog will own the canonical builder)."""

from __future__ import annotations

from brickgate.catalog.families import family_for
from brickgate.catalog.model import Model


def model_named(name: str) -> Model:
    """The Model an endpoint called ``name`` would be, with its family row as traits."""
    fam = family_for(name)
    return Model(
        id=name,
        family=fam.name,
        api=fam.api,
        context_window=fam.context_window,
        max_output_tokens=fam.max_output_tokens,
        supports_tools=fam.supports_tools,
        supports_images=fam.supports_images,
        supports_reasoning=fam.supports_reasoning,
        supports_prompt_caching=fam.supports_prompt_caching,
        input_dbu_per_mtok=fam.input_dbu,
        output_dbu_per_mtok=fam.output_dbu,
        traits=fam,
    )


CLAUDE = model_named("databricks-claude-sonnet-4-5")
OPUS_5 = model_named("databricks-claude-opus-5")
GEMINI_25 = model_named("databricks-gemini-2-5-pro")
GEMINI_3 = model_named("databricks-gemini-3-pro")
LLAMA = model_named("databricks-meta-llama-3-3-70b-instruct")
GPT_OSS = model_named("databricks-gpt-oss-120b")
GPT = model_named("databricks-gpt-5-2")
CODEX = model_named("databricks-gpt-5-2-codex")
