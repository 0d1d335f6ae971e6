"""The late-2026 line-up's family rows: research databricks-2026.md §1.2 ($ per 1M tokens, context, the
output a request may really ask for) and §1.5a (models that are not chat)."""

from __future__ import annotations

import pytest

from brickgate.catalog.families import OTHER, USD_PER_DBU, family_for


@pytest.mark.parametrize(
    ("endpoint", "family", "usd_in", "usd_out", "context", "max_out"),
    [
        # output capped at 25,000 through the gateway [UG]
        ("databricks-glm-5-3", "glm", 1.40, 4.40, 1_048_576, 25_000),
        ("databricks-glm-5-2", "glm", 1.40, 4.40, 1_000_000, 25_000),
        ("databricks-glm-5-3-flash", "glm", 0.15, 0.50, 1_048_576, 25_000),
        # outputs: the OTPM a larger max_tokens is refused under (§3.1)
        ("databricks-kimi-k3", "kimi", 3.00, 15.00, 1_000_000, 40_000),
        ("databricks-kimi-k2-7", "kimi", 0.95, 4.00, 262_144, 262_144),
        ("databricks-deepseek-v4-1-flash-1017", "deepseek", 0.30, 1.20, 1_000_000, 40_000),
        ("databricks-deepseek-v4-pro-0813", "deepseek", 1.32, 3.96, 1_000_000, 4_000),
        ("databricks-deepseek-v4-flash-0731", "deepseek", 0.14, 0.28, 1_000_000, 10_000),
        ("databricks-inkling", "inkling", 1.00, 4.05, 1_000_000, 32_000),
        ("databricks-qwen35-122b-a10b", "qwen", 0.22, 2.20, 262_144, 25_000),
        ("databricks-grok-4-7", "grok", 2.50, 7.50, 500_000, 500_000),
        ("databricks-gpt-5-4", "gpt", 2.50, 15.00, 922_000, 128_000),
        ("databricks-gpt-5-5", "gpt", 5.00, 30.00, 922_000, 128_000),
        ("databricks-gpt-5-5-pro", "gpt", 30.00, 180.00, 922_000, 128_000),
        ("databricks-gpt-5-6-luna", "gpt", 0.20, 1.20, 922_000, 128_000),
        ("databricks-gpt-6-astra", "gpt", 10.00, 50.00, 922_000, 128_000),
        ("databricks-gpt-6-sol", "gpt", 2.00, 10.00, 922_000, 128_000),
        ("databricks-claude-opus-5-5", "claude", 4.00, 20.00, 1_000_000, 128_000),
        ("databricks-claude-sonnet-5", "claude", 2.00, 10.00, 1_000_000, 128_000),
        ("databricks-claude-haiku-5-5", "claude", 0.10, 0.50, 1_000_000, 128_000),
        ("databricks-claude-fable-5-1", "claude", 10.00, 50.00, 1_000_000, 128_000),
        ("databricks-gemini-3-5-flash", "gemini", 1.875, 11.25, 1_048_576, 65_536),
        ("databricks-gemini-3-7-flash", "gemini", 0.75, 3.75, 1_048_576, 65_536),
        ("databricks-gemini-4-argon", "gemini", 2.50, 12.50, 1_048_576, 1_048_576),
        ("databricks-llama-4-maverick", "llama", 0.50, 1.50, 128_000, 128_000),
    ],
)
def test_2026_rows_match_the_research_table(
    endpoint: str, family: str, usd_in: float, usd_out: float, context: int, max_out: int
) -> None:
    row = family_for(endpoint)
    prices = (round(row.input_dbu * USD_PER_DBU, 3), round(row.output_dbu * USD_PER_DBU, 3))
    assert (row.name, *prices, row.context_window, row.max_output_tokens) == (
        family,
        usd_in,
        usd_out,
        context,
        max_out,
    )


@pytest.mark.parametrize("endpoint", ["databricks-gpt-5-5-pro", "databricks-gpt-5-4-pro"])
def test_pro_gpts_speak_responses_only(endpoint: str) -> None:
    row = family_for(endpoint)
    assert (row.api, row.responses_only) == ("responses", True)


@pytest.mark.parametrize(
    ("endpoint", "why"),
    [
        ("databricks-openjev-qwen35-4b", "judge"),
        ("databricks-typesafeai-jev-1-14-0", "judge"),
        ("databricks-gemini-3-1-flash-image", "image-output"),
        ("databricks-gpt-image-1-5", "image-output"),
    ],
)
def test_judges_and_image_models_are_no_chat_models(endpoint: str, why: str) -> None:
    reason = family_for(endpoint).not_chat
    assert reason is not None and why in reason


def test_a_family_nobody_knows_gets_an_output_a_coding_agent_can_work_with() -> None:
    row = family_for("databricks-zeta-1")
    assert row is OTHER and not row.known
    assert row.max_output_tokens >= 32_000 and row.context_window >= 128_000
