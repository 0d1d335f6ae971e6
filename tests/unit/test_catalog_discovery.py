"""Listing entries → Models: which endpoints are chat models, their family, API, limits and prices."""

from __future__ import annotations

from typing import Any

from brickgate.catalog.discovery import model_from_endpoint, slim_endpoint
from brickgate.catalog.model import Model

USD = 0.07


def foundation(name: str, **extra: Any) -> dict[str, Any]:
    return {
        "name": name,
        "endpoint_type": "FOUNDATION_MODEL_API",
        "task": "llm/v1/chat",
        "state": {"ready": "READY", "config_update": "NOT_UPDATING"},
        "config": {
            "served_entities": [{"name": name, "foundation_model": {"name": name, "display_name": "D"}}]
        },
        **extra,
    }


def external(name: str, provider: str, upstream: str, task: str = "llm/v1/chat") -> dict[str, Any]:
    return {
        "name": name,
        "endpoint_type": "EXTERNAL_MODEL",
        "task": task,
        "state": {"ready": "READY"},
        "config": {
            "served_entities": [
                {
                    "name": upstream,
                    "external_model": {
                        "provider": provider,
                        "name": upstream,
                        "task": task,
                        "openai_config": {"openai_api_key": "{{secrets/scope/key}}"},
                    },
                }
            ]
        },
    }


def model(endpoint: dict[str, Any]) -> Model:
    found = model_from_endpoint(endpoint, USD)
    assert found is not None
    return found


def test_pay_per_token_claude_uses_messages_with_list_prices() -> None:
    m = model(foundation("databricks-claude-sonnet-4-5"))
    assert (m.family, m.api, m.source, m.ready) == ("claude", "messages", "foundation", True)
    assert round(m.input_usd_per_mtok, 2) == 3.0 and round(m.output_usd_per_mtok, 2) == 15.0
    assert m.display_name == "D"


def test_codex_listed_as_chat_task_still_routes_to_responses() -> None:
    m = model(foundation("databricks-gpt-5-2-codex"))
    assert (m.family, m.api, m.task) == ("codex", "responses", "llm/v1/chat")


def test_external_openai_model_goes_over_chat_with_gpt_traits_and_no_dbu_price() -> None:
    m = model(external("my-openai-proxy", "openai", "gpt-4o"))
    assert (m.family, m.api, m.source) == ("gpt", "chat", "external")
    assert m.input_dbu_per_mtok == 0 and m.output_usd_per_mtok == 0


def test_external_anthropic_model_is_claude_family_over_chat() -> None:
    m = model(external("team-claude", "anthropic", "claude-sonnet-4-5"))
    assert (m.family, m.api) == ("claude", "chat")


def test_external_embeddings_are_skipped() -> None:
    m = model(external("embedder", "openai", "text-embedding-3-large", task="llm/v1/embeddings"))
    assert not m.ready and m.skipped_reason == "embeddings model"


def test_custom_chat_endpoint_gets_safe_defaults() -> None:
    endpoint = {
        "name": "my-custom-chat",
        "task": "llm/v1/chat",
        "state": {"ready": "READY"},
        "config": {"served_entities": [{"entity_name": "main.default.bot", "entity_version": "1"}]},
    }
    m = model(endpoint)
    assert (m.family, m.api, m.source, m.ready) == ("other", "chat", "custom", True)
    assert m.context_window > 0 and m.input_dbu_per_mtok == 0


def test_provisioned_throughput_llama_takes_the_family_from_the_entity_but_no_token_price() -> None:
    endpoint = {
        "name": "team-llama-pt",
        "task": "llm/v1/chat",
        "state": {"ready": "READY"},
        "config": {
            "served_entities": [
                {
                    "entity_name": "system.ai.meta_llama_v3_3_70b_instruct",
                    "foundation_model": {"name": "system.ai.meta-llama-3-3-70b-instruct"},
                    "min_provisioned_throughput": 0,
                    "max_provisioned_throughput": 9500,
                }
            ]
        },
    }
    m = model(endpoint)
    assert (m.family, m.api) == ("llama", "chat")
    assert m.input_dbu_per_mtok == 0


def test_not_ready_endpoint_is_marked_with_its_state() -> None:
    m = model(foundation("databricks-gpt-5-2", state={"ready": "NOT_READY"}))
    assert not m.ready and m.skipped_reason == "not ready (NOT_READY)"


def test_completions_only_endpoint_is_skipped() -> None:
    m = model(foundation("databricks-old-completions", task="llm/v1/completions"))
    assert m.skipped_reason == "completions-only model"


def test_agent_endpoint_is_skipped_with_its_task() -> None:
    m = model(foundation("my-agent", task="agent/v2/chat"))
    assert not m.ready and "agent/v2/chat" in (m.skipped_reason or "")


def test_endpoint_without_a_task_is_skipped() -> None:
    endpoint = foundation("weird")
    del endpoint["task"]
    assert model(endpoint).skipped_reason == "no task: not an LLM endpoint"


def test_declared_function_calling_capability_wins_over_the_family() -> None:
    m = model(foundation("databricks-claude-sonnet-4-5", capabilities={"function_calling": False}))
    assert m.supports_tools is False


def test_unknown_pay_per_token_name_is_still_listed() -> None:
    m = model(foundation("databricks-brand-new-model"))
    assert m.ready and m.family == "other" and m.api == "chat"


def test_entry_without_a_name_is_ignored() -> None:
    assert model_from_endpoint({"task": "llm/v1/chat"}, USD) is None


def test_slim_endpoint_keeps_what_discovery_reads_and_drops_provider_configs() -> None:
    raw = external("my-openai-proxy", "openai", "gpt-4o")
    raw["creator"] = "someone@example.com"
    slim = slim_endpoint(raw)
    assert "openai_config" not in str(slim) and "creator" not in slim
    assert model_from_endpoint(slim, USD) == model_from_endpoint(raw, USD)
