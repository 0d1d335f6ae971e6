"""Listing and describing serving endpoints: SDK field names plus the wire-only fields."""

from __future__ import annotations

from brickgate.emulator import synthetic_endpoints
from brickgate.emulator.control_client import EmulatorControl
from tests.integration.emulator.http_calls import get

LIST = "/api/2.0/serving-endpoints"


def _by_name(emulator: EmulatorControl) -> dict[str, dict]:
    return {e["name"]: e for e in get(emulator.url + LIST, emulator.token).json()["endpoints"]}


def test_default_workspace_lists_pay_per_token_chat_endpoints(emulator: EmulatorControl) -> None:
    names = set(_by_name(emulator))
    assert {
        "databricks-claude-sonnet-4-5",
        "databricks-gpt-5-2-codex",
        "databricks-gemini-3-pro",
        "databricks-gpt-oss-120b",
        "databricks-gte-large-en",
        "my-openai-proxy",
        "my-custom-chat",
    } <= names


def test_foundation_endpoint_has_the_real_listing_fields_and_no_creator(emulator: EmulatorControl) -> None:
    ep = _by_name(emulator)["databricks-claude-sonnet-4-5"]
    assert ep["endpoint_type"] == "FOUNDATION_MODEL_API"
    assert ep["task"] == "llm/v1/chat"
    assert ep["state"] == {"ready": "READY", "config_update": "NOT_UPDATING"}
    entity = ep["config"]["served_entities"][0]
    assert (entity["type"], entity["entity_name"]) == (
        "FOUNDATION_MODEL",
        "system.ai.databricks-claude-sonnet-4-5",
    )
    model = entity["foundation_model"]
    assert set(model) == {
        "name", "display_name", "docs", "description", "price", "input_price", "price_unit", "pricing_model",
        "model_class", "api_types", "ai_gateway_model_profile", "ai_gateway_v2_supported",
    }  # fmt: skip
    assert (model["price"], model["input_price"]) == ("321.429", "42.857")
    assert (model["price_unit"], model["model_class"]) == ("DBUs per 1M tokens", "claude")
    assert ep["capabilities"]["function_calling"] is True
    assert "creator" not in ep


def test_codex_endpoint_is_listed_with_chat_task(emulator: EmulatorControl) -> None:
    assert _by_name(emulator)["databricks-gpt-5-1-codex-max"]["task"] == "llm/v1/chat"


def test_external_endpoint_carries_provider_and_model(emulator: EmulatorControl) -> None:
    ep = _by_name(emulator)["my-openai-proxy"]
    assert ep["endpoint_type"] == "EXTERNAL_MODEL"
    assert ep["config"]["served_entities"][0]["external_model"] == {
        "provider": "openai",
        "name": "gpt-4o",
        "task": "llm/v1/chat",
    }


def test_custom_endpoint_has_entity_name_and_version(emulator: EmulatorControl) -> None:
    entity = _by_name(emulator)["my-custom-chat"]["config"]["served_entities"][0]
    assert entity["entity_name"] and entity["entity_version"] == "1"
    assert "foundation_model" not in entity and "external_model" not in entity


def test_embedding_endpoint_has_embeddings_task(emulator: EmulatorControl) -> None:
    assert _by_name(emulator)["databricks-gte-large-en"]["task"] == "llm/v1/embeddings"


def test_one_endpoint_is_not_ready(emulator: EmulatorControl) -> None:
    states = [e["state"]["ready"] for e in _by_name(emulator).values()]
    assert states.count("NOT_READY") == 1


def test_single_get_adds_capabilities_and_permission(emulator: EmulatorControl) -> None:
    detail = get(f"{emulator.url}{LIST}/databricks-gpt-5-2", emulator.token).json()
    assert detail["capabilities"]["function_calling"] is True
    assert detail["permission_level"] == "CAN_QUERY"
    assert detail["config"]["traffic_config"]["routes"][0]["traffic_percentage"] == 100


def test_single_get_of_unknown_endpoint_is_404_resource_does_not_exist(emulator: EmulatorControl) -> None:
    reply = get(f"{emulator.url}{LIST}/no-such-model", emulator.token)
    assert (reply.status, reply.json()["error_code"]) == (404, "RESOURCE_DOES_NOT_EXIST")


def test_foundation_models_listing_carries_api_types(emulator: EmulatorControl) -> None:
    reply = get(f"{emulator.url}/api/2.0/serving-endpoints:foundation-models", emulator.token).json()
    models = {e["name"]: e["config"]["served_entities"][0]["foundation_model"] for e in reply["endpoints"]}
    assert "my-openai-proxy" not in models
    assert models["databricks-claude-sonnet-4-5"]["api_types"] == [
        "mlflow/v1/chat/completions",
        "anthropic/v1/messages",
        "cursor/v1/chat/completions",
    ]
    assert models["databricks-gpt-5-2-codex"]["ai_gateway_v2_supported"] is True


def test_set_endpoints_replaces_the_listing(emulator: EmulatorControl) -> None:
    emulator.set_endpoints(synthetic_endpoints(500))
    endpoints = get(emulator.url + LIST, emulator.token).json()["endpoints"]
    assert len(endpoints) == 500
    assert endpoints[0]["name"] == "synthetic-chat-0000"


def test_reset_restores_the_startup_workspace(emulator: EmulatorControl) -> None:
    emulator.set_endpoints([])
    emulator.reset()
    assert "databricks-claude-sonnet-4-5" in _by_name(emulator)


def test_listing_hits_are_counted(emulator: EmulatorControl) -> None:
    get(emulator.url + LIST, emulator.token)
    get(emulator.url + LIST, emulator.token)
    assert emulator.stats()["list"] == 2


def test_real_sdk_get_reads_the_endpoint(emulator: EmulatorControl) -> None:
    from databricks.sdk import WorkspaceClient
    from databricks.sdk.core import Config

    client = WorkspaceClient(config=Config(host=emulator.url, token=emulator.token, retry_timeout_seconds=5))
    endpoint = client.serving_endpoints.get("databricks-gpt-5-2")
    assert endpoint.state is not None and endpoint.state.ready is not None
    assert endpoint.state.ready.value == "READY"
    assert endpoint.task == "llm/v1/chat"


def test_bad_workspace_spec_is_refused_and_the_old_workspace_kept(emulator: EmulatorControl) -> None:
    from tests.integration.emulator.http_calls import post

    reply = post(emulator.url + "/_emulator/workspace", [{"name": "x", "kind": "quantum"}])
    assert reply.status == 400 and "kind must be one of" in reply.json()["message"]
    assert "databricks-claude-sonnet-4-5" in _by_name(emulator)
