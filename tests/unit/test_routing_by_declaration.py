"""Which API and path a request takes, decided by what the model declares (research 2026 §1.3).

Pure decisions here; tests/integration/test_routing_by_declaration.py proves them against the emulator.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from brickgate.catalog.discovery import with_declarations
from brickgate.catalog.families import family_for
from brickgate.catalog.model import Model
from brickgate.routing import API_TYPES, PREFERENCE, NoRoute, choose, declared_apis, is_gateway_absent
from tests.unit.quirks.factory import CLAUDE, LLAMA, model_named

MLFLOW_CHAT = "mlflow/v1/chat/completions"
MLFLOW_RESPONSES = "mlflow/v1/responses"
OPENAI_RESPONSES = "openai/v1/responses"
CODEX_RESPONSES = "codex/v1/responses"
MESSAGES = "anthropic/v1/messages"
CURSOR = "cursor/v1/chat/completions"
GEMINI = "gemini/v1/generateContent"


def declaring(name: str, *api_types: str) -> Model:
    """The Model discovery builds for an endpoint that declares ``api_types``."""
    return with_declarations(model_named(name), family_for(name), api_types, {})


GLM = declaring("databricks-glm-5-3", MLFLOW_CHAT, MLFLOW_RESPONSES, MESSAGES, CODEX_RESPONSES)
GPT_PRO = declaring("databricks-gpt-5-5-pro", OPENAI_RESPONSES, CURSOR, MLFLOW_RESPONSES, CODEX_RESPONSES)
DEEPSEEK = declaring("databricks-deepseek-v4-1-flash-1017", MLFLOW_CHAT, MLFLOW_RESPONSES)
CLAUDE_DECLARED = declaring("databricks-claude-sonnet-4-5", MLFLOW_CHAT, MESSAGES, CURSOR)
MESSAGES_ONLY = declaring("databricks-zeta-1", MESSAGES)  # a family no row knows
RESPONSES_ONLY = declaring("databricks-orion-2", OPENAI_RESPONSES)


def test_every_research_api_type_has_a_row() -> None:
    names = {t.name for t in API_TYPES}
    assert names >= {
        MLFLOW_CHAT,
        MLFLOW_RESPONSES,
        OPENAI_RESPONSES,
        CODEX_RESPONSES,
        MESSAGES,
        CURSOR,
        GEMINI,
    }


def test_gemini_generate_content_maps_to_the_gemini_api_with_the_model_in_the_path() -> None:
    row = next(t for t in API_TYPES if t.name == GEMINI)
    assert row.api == "gemini"
    assert row.gateway_path.format(model="m", method="generateContent") == (
        "/ai-gateway/gemini/v1beta/models/m:generateContent"
    )


def test_the_model_declaring_the_callers_api_is_relayed_on_it() -> None:
    assert choose(GLM, "messages", "ai-gateway").path(GLM.id) == "/ai-gateway/anthropic/v1/messages"
    assert choose(GLM, "responses", "ai-gateway").path(GLM.id) == "/ai-gateway/mlflow/v1/responses"
    assert choose(GLM, "chat", "ai-gateway").path(GLM.id) == "/ai-gateway/mlflow/v1/chat/completions"


def test_a_model_that_declares_no_chat_is_never_sent_to_chat() -> None:
    route = choose(GPT_PRO, "chat", "ai-gateway")
    assert (route.api, route.path(GPT_PRO.id)) == ("responses", "/ai-gateway/openai/v1/responses")


def test_cursor_chat_is_shown_but_never_counted_as_chat() -> None:
    assert declared_apis(GPT_PRO.api_types) == ("responses",)


@pytest.mark.parametrize("caller", ["chat", "responses"])
def test_unknown_family_declaring_only_messages_is_reached_on_messages(caller: str) -> None:
    route = choose(MESSAGES_ONLY, caller, "ai-gateway")  # type: ignore[arg-type]
    assert (route.api, route.path(MESSAGES_ONLY.id)) == ("messages", "/ai-gateway/anthropic/v1/messages")


@pytest.mark.parametrize("caller", ["chat", "messages"])
def test_unknown_family_declaring_only_responses_is_reached_on_responses(caller: str) -> None:
    route = choose(RESPONSES_ONLY, caller, "ai-gateway")  # type: ignore[arg-type]
    assert (route.api, route.path(RESPONSES_ONLY.id)) == ("responses", "/ai-gateway/openai/v1/responses")


def test_translation_goes_to_the_best_declared_api_in_the_documented_order() -> None:
    assert PREFERENCE == ("messages", "responses", "chat", "gemini")
    assert choose(DEEPSEEK, "messages", "ai-gateway").api == "responses"  # messages > responses > chat
    assert choose(CLAUDE_DECLARED, "responses", "ai-gateway").api == "messages"
    assert (GLM.api, DEEPSEEK.api, CLAUDE_DECLARED.api, GPT_PRO.api) == (
        "messages",
        "responses",
        "messages",
        "responses",
    )


def test_openai_responses_is_preferred_over_mlflow_and_codex_ones() -> None:
    route = choose(GPT_PRO, "responses", "ai-gateway")
    assert route.api_type.name == OPENAI_RESPONSES
    codex_only = declaring("databricks-zeta-2", CODEX_RESPONSES)
    assert (
        choose(codex_only, "responses", "ai-gateway").path(codex_only.id) == "/ai-gateway/codex/v1/responses"
    )


def test_a_model_that_declares_nothing_takes_its_family_api() -> None:
    assert not CLAUDE.api_types
    assert choose(CLAUDE, "chat", "ai-gateway").api == "messages"  # as before api_types existed
    assert choose(LLAMA, "messages", "ai-gateway").api == "chat"


def test_a_config_pin_sends_every_caller_over_the_pinned_api() -> None:
    pinned = replace(CLAUDE_DECLARED, api="chat", api_source="config")
    assert {choose(pinned, c, "ai-gateway").api for c in ("chat", "responses", "messages")} == {"chat"}


def test_the_classic_surface_serves_messages_for_claude_only() -> None:
    assert choose(CLAUDE_DECLARED, "messages", "serving-endpoints").path(CLAUDE_DECLARED.id) == (
        "/serving-endpoints/anthropic/v1/messages"
    )
    route = choose(GLM, "messages", "serving-endpoints")
    assert (route.api, route.path(GLM.id)) == ("chat", "/serving-endpoints/chat/completions")


def test_gemini_streams_on_stream_generate_content_with_sse() -> None:
    route = replace(
        choose(GLM, "chat", "ai-gateway"), api_type=next(t for t in API_TYPES if t.name == GEMINI)
    )
    assert route.path("databricks-gemini-3-5-flash", stream=True) == (
        "/ai-gateway/gemini/v1beta/models/databricks-gemini-3-5-flash:streamGenerateContent?alt=sse"
    )


def test_a_unity_catalog_only_model_has_no_route_on_serving_endpoints() -> None:
    uc_only = replace(GLM, id="system.ai.glm-5-3-flash", serving_endpoint=False)
    assert choose(uc_only, "chat", "ai-gateway").api == "chat"
    with pytest.raises(NoRoute, match="Unity Catalog"):
        choose(uc_only, "chat", "serving-endpoints")


def test_invalid_path_means_the_gateway_is_missing() -> None:
    assert is_gateway_absent(404, "ENDPOINT_NOT_FOUND", "Invalid path", model=GLM, gateway_seen=True)
    assert is_gateway_absent(403, "FEATURE_DISABLED", "AI Gateway is disabled", model=GLM, gateway_seen=True)


def test_one_declared_models_404_is_its_own_not_the_gateways() -> None:
    message = "No route to model 'databricks-kimi-k3-neo' on this workspace."
    assert not is_gateway_absent(404, "ENDPOINT_NOT_FOUND", message, model=GLM, gateway_seen=False)


def test_a_404_after_the_gateway_answered_is_the_models() -> None:
    assert not is_gateway_absent(404, "ENDPOINT_NOT_FOUND", "gone", model=LLAMA, gateway_seen=True)
    assert is_gateway_absent(404, "ENDPOINT_NOT_FOUND", "gone", model=LLAMA, gateway_seen=False)


@pytest.mark.parametrize("code", ["NOT_FOUND", "RESOURCE_DOES_NOT_EXIST"])
def test_a_404_naming_a_model_never_means_the_gateway_is_missing(code: str) -> None:
    assert not is_gateway_absent(404, code, "does not exist", model=LLAMA, gateway_seen=False)
