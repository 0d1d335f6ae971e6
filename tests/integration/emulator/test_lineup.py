"""The default workspace is the late-2026 line-up (research 2026 §1.2, §1.3, §1.6, §2.2), on both listings."""

from __future__ import annotations

from typing import Any

from brickgate.emulator.control_client import EmulatorControl
from tests.integration.emulator.http_calls import get, post

LIST = "/api/2.0/serving-endpoints"
CATALOG = "/api/2.0/serving-endpoints:foundation-models"
CHAT = "/serving-endpoints/chat/completions"


def listing(emulator: EmulatorControl, path: str = LIST) -> dict[str, dict[str, Any]]:
    return {e["name"]: e for e in get(emulator.url + path, emulator.token).json()["endpoints"]}


def foundation_model(endpoint: dict[str, Any]) -> dict[str, Any]:
    model: dict[str, Any] = endpoint["config"]["served_entities"][0]["foundation_model"]
    return model


def chat(emulator: EmulatorControl, model: str) -> Any:
    body = {"model": model, "messages": [{"role": "user", "content": "hi"}]}
    return post(emulator.url + CHAT, body, emulator.token)


def test_default_workspace_lists_the_current_families(emulator: EmulatorControl) -> None:
    names = set(listing(emulator))
    assert {
        "databricks-glm-5-3",
        "databricks-kimi-k3",
        "databricks-deepseek-v4-1-flash-1017",
        "databricks-qwen35-122b-a10b",
        "databricks-grok-4-7",
        "databricks-gpt-5-5-pro",
        "databricks-claude-opus-4-8",
        "databricks-gemini-3-8-flash",
    } <= names


def test_endpoints_brickgate_tests_use_are_still_served(emulator: EmulatorControl) -> None:
    names = set(listing(emulator))
    assert {
        "databricks-claude-sonnet-4-5",
        "databricks-gpt-5-2",
        "databricks-gpt-5-2-codex",
        "databricks-gemini-2-5-pro",
        "databricks-meta-llama-3-3-70b-instruct",
        "databricks-qwen3-next-80b-a3b-instruct",
        "databricks-gpt-oss-20b",
        "databricks-gemma-3-12b",
    } <= names
    assert chat(emulator, "databricks-gemini-2-5-pro").status == 200


def test_foundation_model_entry_carries_prices_class_and_api_types(emulator: EmulatorControl) -> None:
    model = foundation_model(listing(emulator)["databricks-glm-5-3"])
    assert (model["input_price"], model["price"], model["price_unit"]) == (
        "20.0",
        "62.857",
        "DBUs per 1M tokens",
    )
    assert model["model_class"] == "glm" and model["ai_gateway_v2_supported"] is True
    assert model["api_types"] == [
        "mlflow/v1/chat/completions",
        "mlflow/v1/responses",
        "anthropic/v1/messages",
        "codex/v1/responses",
    ]


def test_a_newly_added_model_has_no_price_yet(emulator: EmulatorControl) -> None:
    model = foundation_model(listing(emulator)["databricks-claude-opus-4-8"])
    assert "price" not in model and "input_price" not in model
    assert model["price_unit"] == "DBUs per 1M tokens"


def test_claude_keeps_its_prefix_in_the_uc_name_and_open_models_do_not(emulator: EmulatorControl) -> None:
    endpoints = listing(emulator)
    assert foundation_model(endpoints["databricks-claude-opus-4-8"])["name"] == (
        "system.ai.databricks-claude-opus-4-8"
    )
    assert foundation_model(endpoints["databricks-gpt-oss-120b"])["name"] == "system.ai.gpt-oss-120b"


def test_pro_gpt_declares_no_chat(emulator: EmulatorControl) -> None:
    api_types = foundation_model(listing(emulator)["databricks-gpt-5-5-pro"])["api_types"]
    assert "mlflow/v1/chat/completions" not in api_types
    assert "openai/v1/responses" in api_types


def test_capabilities_are_on_the_listing(emulator: EmulatorControl) -> None:
    endpoints = listing(emulator)
    assert endpoints["databricks-gemini-3-1-flash-image"]["capabilities"]["function_calling"] is False
    assert endpoints["databricks-kimi-k3"]["capabilities"]["image_input"] is True


def test_judge_image_and_embedding_endpoints_are_listed_with_their_kind(emulator: EmulatorControl) -> None:
    endpoints = listing(emulator)
    judge = endpoints["databricks-openjev-qwen35-4b"]
    assert foundation_model(judge)["api_types"] == []
    assert foundation_model(judge)["ai_gateway_v2_supported"] is False
    assert endpoints["databricks-qwen3-embedding-0-6b"]["task"] == "llm/v1/embeddings"
    assert foundation_model(endpoints["databricks-gemini-3-1-flash-image"])["model_class"] == "gemini"


def test_catalog_lists_the_unroutable_model_as_ready(emulator: EmulatorControl) -> None:
    neo = listing(emulator, CATALOG)["databricks-kimi-k3-neo"]
    assert neo["state"]["ready"] == "READY"
    assert foundation_model(neo)["ai_gateway_v2_supported"] is True


def test_catalog_listing_holds_only_foundation_models(emulator: EmulatorControl) -> None:
    names = set(listing(emulator, CATALOG))
    assert "my-openai-proxy" not in names and "my-custom-chat" not in names
    assert "databricks-gemini-3-7-flash" in names


def test_uc_only_model_is_not_a_serving_endpoint(emulator: EmulatorControl) -> None:
    assert "databricks-glm-5-3-flash" not in listing(emulator)
    assert "databricks-glm-5-3-flash" not in listing(emulator, CATALOG)


def test_retired_endpoints_are_gone_on_todays_clock(emulator: EmulatorControl) -> None:
    names = set(listing(emulator)) | set(listing(emulator, CATALOG))
    assert not names & {"databricks-inkling", "databricks-claude-sonnet-4", "databricks-kimi-k2-7"}
    reply = chat(emulator, "databricks-inkling")
    assert (reply.status, reply.json()["error_code"]) == (404, "RESOURCE_DOES_NOT_EXIST")


def test_a_deprecated_endpoint_answers_until_its_retirement_date(emulator: EmulatorControl) -> None:
    emulator.set_today("2026-10-29")
    assert "databricks-inkling" in listing(emulator)
    assert chat(emulator, "databricks-inkling").status == 200
    emulator.set_today("2026-10-30")
    assert chat(emulator, "databricks-inkling").status == 404


def test_reset_restores_the_clock(emulator: EmulatorControl) -> None:
    emulator.set_today("2026-01-01")
    emulator.reset()
    assert "databricks-kimi-k2-7" not in listing(emulator)


def test_a_bad_clock_value_is_refused(emulator: EmulatorControl) -> None:
    reply = post(emulator.url + "/_emulator/clock", {"today": "next tuesday"})
    assert reply.status == 400 and "YYYY-MM-DD" in reply.json()["message"]
