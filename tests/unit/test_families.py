"""The families table maps every endpoint name Databricks uses to the right family row."""

from __future__ import annotations

import pytest

from brickgate.catalog.families import FAMILY_NAMES, OTHER, USD_PER_DBU, bare_name, family_for
from brickgate.catalog.overrides import family_row


@pytest.mark.parametrize(
    ("endpoint", "family", "api"),
    [
        ("databricks-claude-sonnet-4-5", "claude", "messages"),
        ("databricks-claude-opus-4-1", "claude", "messages"),
        ("databricks-claude-haiku-4-5", "claude", "messages"),
        ("databricks-gpt-5-2", "gpt", "responses"),
        ("databricks-gpt-5-mini", "gpt", "responses"),
        ("databricks-gpt-5-1-codex-max", "codex", "responses"),
        ("databricks-gpt-5-2-codex", "codex", "responses"),
        ("databricks-gemini-2-5-pro", "gemini", "chat"),
        ("databricks-gemini-3-pro", "gemini", "chat"),
        ("databricks-meta-llama-3-3-70b-instruct", "llama", "chat"),
        ("databricks-qwen3-next-80b-a3b-instruct", "qwen", "chat"),
        ("databricks-gpt-oss-120b", "gpt-oss", "chat"),
        ("databricks-gpt-oss-20b", "gpt-oss", "chat"),
        ("databricks-gemma-3-12b", "gemma", "chat"),
        ("system.ai.claude-opus-4-8", "claude", "messages"),
        ("databricks/gpt-5-2", "gpt", "responses"),
    ],
)
def test_endpoint_name_maps_to_family_and_api(endpoint: str, family: str, api: str) -> None:
    row = family_for(endpoint)
    assert (row.name, row.api) == (family, api)


def test_unknown_name_gets_safe_chat_defaults() -> None:
    row = family_for("my-finetuned-thing")
    assert row is OTHER
    assert row.api == "chat"
    assert row.context_window > 0 and row.max_output_tokens > 0


def test_codex_is_responses_only_and_gpt_is_not() -> None:
    assert family_for("databricks-gpt-5-2-codex").responses_only
    assert not family_for("databricks-gpt-5-2").responses_only


def test_gpt_oss_is_not_mistaken_for_gpt() -> None:
    assert family_for("databricks-gpt-oss-120b").single_tool_call_per_turn
    assert not family_for("databricks-gpt-5-2").single_tool_call_per_turn


def test_bare_name_strips_prefixes_and_dots() -> None:
    assert bare_name("Databricks-Claude-Sonnet-4.5") == "claude-sonnet-4-5"
    assert bare_name("system.ai.gpt-5-2") == "gpt-5-2"


@pytest.mark.parametrize("name", FAMILY_NAMES)
def test_every_family_name_has_a_generic_row(name: str) -> None:
    assert family_row(name).name == name


# research/databricks-api.md §5: $ per million tokens in / out at $0.07 per DBU, context, max output.
@pytest.mark.parametrize(
    ("endpoint", "usd_in", "usd_out", "context", "max_out"),
    [
        ("databricks-claude-sonnet-4-5", 3.00, 15.00, 200_000, 64_000),
        ("databricks-claude-sonnet-4-6", 3.00, 15.00, 1_000_000, 64_000),
        ("databricks-claude-opus-4-5", 5.00, 25.00, 200_000, 64_000),
        ("databricks-claude-opus-4-8", 5.00, 25.00, 1_000_000, 128_000),
        ("databricks-claude-opus-4-1", 15.00, 75.00, 200_000, 32_000),
        ("databricks-claude-haiku-4-5", 1.00, 5.00, 200_000, 64_000),
        ("databricks-gpt-5-1", 1.25, 10.00, 272_000, 128_000),
        ("databricks-gpt-5-2", 1.75, 14.00, 272_000, 128_000),
        ("databricks-gpt-5-3-codex", 1.75, 14.00, 272_000, 128_000),
        ("databricks-gpt-5-mini", 0.25, 2.00, 272_000, 128_000),
        ("databricks-gpt-5-nano", 0.05, 0.40, 272_000, 128_000),
        ("databricks-gemini-2-5-pro", 1.25, 10.00, 1_048_576, 65_536),
        ("databricks-gemini-2-5-flash", 0.30, 2.50, 1_048_576, 65_535),
        ("databricks-gemini-3-1-pro", 2.50, 15.00, 1_048_576, 65_536),
        ("databricks-meta-llama-3-3-70b-instruct", 0.50, 1.50, 128_000, 8_192),
        ("databricks-meta-llama-3-1-8b-instruct", 0.15, 0.45, 128_000, 8_192),
        ("databricks-gpt-oss-120b", 0.15, 0.60, 131_072, 131_072),
        ("databricks-gpt-oss-20b", 0.07, 0.30, 131_072, 131_072),
        ("databricks-gemma-3-12b", 0.15, 0.50, 128_000, 32_000),
        ("databricks-qwen3-next-80b-a3b-instruct", 0.15, 1.20, 128_000, 16_000),
    ],
)
def test_list_prices_and_limits_match_the_research_table(
    endpoint: str, usd_in: float, usd_out: float, context: int, max_out: int
) -> None:
    row = family_for(endpoint)
    prices = (round(row.input_dbu * USD_PER_DBU, 2), round(row.output_dbu * USD_PER_DBU, 2))
    assert (*prices, row.context_window, row.max_output_tokens) == (usd_in, usd_out, context, max_out)
