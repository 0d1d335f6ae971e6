"""Three inventories → one Model per servable name, with every spelling and where it works (§1.1, §2)."""

from __future__ import annotations

from typing import Any

from brickgate.catalog.merge import discover

USD = 0.07
CHAT = "mlflow/v1/chat/completions"
MESSAGES = "anthropic/v1/messages"


def endpoint(name: str, fm_name: str | None = None, **foundation: Any) -> dict[str, Any]:
    """A pay-per-token serving endpoint as the 2026 listing writes it (§2.2)."""
    fm = {"name": fm_name or f"system.ai.{name.removeprefix('databricks-')}", **foundation}
    return {
        "name": name,
        "endpoint_type": "FOUNDATION_MODEL_API",
        "task": "llm/v1/chat",
        "state": {"ready": "READY"},
        "config": {"served_entities": [{"name": name, "foundation_model": fm}]},
    }


def service(name: str, *api_types: str) -> dict[str, Any]:
    item: dict[str, Any] = {"name": f"model-services/{name}"}
    if api_types:
        item["supported_api_types"] = list(api_types)
    return item


def test_the_catalog_fills_api_types_the_serving_listing_lacks() -> None:
    (model,) = discover(
        [endpoint("databricks-glm-5-3")],
        [endpoint("databricks-glm-5-3", api_types=[CHAT, MESSAGES])],
        [],
        USD,
    )
    assert (model.api_types, model.api, model.api_source) == ((CHAT, MESSAGES), "messages", "declared")


def test_a_name_only_the_catalog_lists_is_a_model_too() -> None:
    models = discover([], [endpoint("databricks-kimi-k3", api_types=[CHAT])], [], USD)
    assert [m.id for m in models] == ["databricks-kimi-k3"]


def test_a_registered_model_answers_to_its_unity_catalog_name_on_the_gateway_only() -> None:
    (model,) = discover([endpoint("databricks-glm-5-3")], [], [service("system.ai.glm-5-3", CHAT)], USD)
    assert model.uc_name == "system.ai.glm-5-3"
    assert model.spellings() == (
        ("databricks-glm-5-3", ("serving-endpoints", "ai-gateway")),
        ("system.ai.glm-5-3", ("ai-gateway",)),
    )


def test_claudes_prefixed_foundation_name_still_joins_its_service() -> None:
    claude = endpoint("databricks-claude-opus-4-8", "system.ai.databricks-claude-opus-4-8")
    (model,) = discover([claude], [], [service("system.ai.claude-opus-4-8", CHAT)], USD)
    assert model.uc_name == "system.ai.claude-opus-4-8"


def test_a_model_registered_only_in_unity_catalog_is_known_to_the_gateway_by_that_name() -> None:
    (model,) = discover([], [], [service("system.ai.glm-5-3-flash", CHAT, MESSAGES)], USD)
    assert (model.id, model.family, model.api, model.serving_endpoint) == (
        "system.ai.glm-5-3-flash",
        "glm",
        "messages",
        False,
    )
    assert model.spellings() == (("system.ai.glm-5-3-flash", ("ai-gateway",)),)
    assert model.price_source == "table" and round(model.input_usd_per_mtok, 2) == 0.15


def test_a_user_created_service_declares_nothing_and_is_never_joined_to_a_system_model() -> None:
    models = discover([endpoint("databricks-claude-opus-4-8")], [], [service("team.ai.claude-opus-4-8")], USD)
    user = next(m for m in models if m.id == "team.ai.claude-opus-4-8")
    assert (user.api_types, user.serving_endpoint, user.price_source) == ((), False, "none")
    assert next(m for m in models if m.id == "databricks-claude-opus-4-8").uc_name is None


def test_listed_prices_win_over_the_table_and_say_so() -> None:
    listed = endpoint("databricks-claude-sonnet-4-5", price="321.429", input_price="42.857")
    listed["config"]["served_entities"][0]["foundation_model"]["price_unit"] = "DBUs per 1M tokens"
    (model,) = discover([listed], [], [], USD)
    assert (round(model.output_usd_per_mtok, 2), model.price_source) == (22.5, "listing")


def test_without_listed_prices_the_table_is_the_source() -> None:
    (model,) = discover([endpoint("databricks-claude-opus-4-8")], [], [], USD)
    assert (round(model.input_usd_per_mtok, 2), model.price_source) == (5.0, "table")


def test_a_unit_brickgate_cannot_convert_leaves_the_table_price() -> None:
    listed = endpoint("databricks-glm-5-3", price="9", input_price="1", price_unit="USD per 1K tokens")
    (model,) = discover([listed], [], [], USD)
    assert model.price_source == "table"


def test_an_endpoint_that_declares_only_embeddings_is_no_chat_model() -> None:
    (model,) = discover(
        [endpoint("databricks-new-embedder", api_types=["mlflow/v1/embeddings"])], [], [], USD
    )
    assert (model.ready, model.skipped_reason) == (False, "embeddings model")


def test_an_endpoint_that_declares_an_empty_list_is_no_chat_model() -> None:
    (model,) = discover([endpoint("databricks-decider", api_types=[])], [], [], USD)
    assert not model.ready and "declares no API" in (model.skipped_reason or "")


def test_declared_reasoning_fills_in_only_for_a_family_no_row_knows() -> None:
    unknown = endpoint("databricks-zeta-1", api_types=[CHAT]) | {"capabilities": {"openai_reasoning": True}}
    claude = endpoint("databricks-claude-opus-4-7", api_types=[CHAT]) | {
        "capabilities": {"openai_reasoning": False, "anthropic_reasoning": False}  # real snapshot, §2.2
    }
    zeta, opus = discover([unknown, claude], [], [], USD)
    assert zeta.supports_reasoning and opus.supports_reasoning


def test_a_retiring_model_carries_its_date_and_successor() -> None:
    (model,) = discover([endpoint("databricks-inkling", api_types=[CHAT])], [], [], USD)
    assert (model.retires, model.successor) == ("2026-10-30", "databricks-glm-5-3")
