"""Each inference path takes exactly the models that declare it, under the names each surface knows
(research 2026 §1.1, §1.3, §3.2; api §2.1, §2.2)."""

from __future__ import annotations

from typing import Any

import pytest

from brickgate.emulator.control_client import EmulatorControl
from tests.integration.emulator.http_calls import Reply, bearer, post, post_form

GATEWAY = "/ai-gateway"


def body_for(path: str, model: str) -> dict[str, Any]:
    if path.endswith("/messages"):
        return {"model": model, "max_tokens": 256, "messages": [{"role": "user", "content": "hi"}]}
    if path.endswith("/responses"):
        return {"model": model, "input": "hi"}
    if ":generateContent" in path:
        return {"contents": [{"role": "user", "parts": [{"text": "hi"}]}]}
    if path.endswith("/embeddings"):
        return {"model": model, "input": ["hi"]}
    return {"model": model, "messages": [{"role": "user", "content": "hi"}]}


def ask(emulator: EmulatorControl, path: str, model: str, token: str | None = None) -> Reply:
    url = emulator.url + path.replace("{m}", model)
    return post(url, body_for(path, model), token or emulator.token)


GEMINI = GATEWAY + "/gemini/v1beta/models/{m}:generateContent"
# (path, a model that declares it, a model that does not, the refusal text)
DECLARED = [
    (GATEWAY + "/mlflow/v1/chat/completions", "databricks-glm-5-3", "databricks-gpt-5-5-pro",
     "Model databricks-gpt-5-5-pro only supports the Responses API. "
     "Please use /serving-endpoints/responses instead."),
    (GATEWAY + "/mlflow/v1/responses", "databricks-deepseek-v4-1-flash-1017", "databricks-claude-sonnet-4-5",
     "API type 'mlflow/v1/responses' is not supported for endpoint databricks-claude-sonnet-4-5."),
    (GATEWAY + "/openai/v1/responses", "databricks-grok-4-7", "databricks-glm-5-3",
     "API type 'openai/v1/responses' is not supported for endpoint databricks-glm-5-3."),
    (GATEWAY + "/codex/v1/responses", "databricks-kimi-k3", "databricks-meta-llama-3-3-70b-instruct",
     "API type 'codex/v1/responses' is not supported for endpoint databricks-meta-llama-3-3-70b-instruct."),
    (GATEWAY + "/anthropic/v1/messages", "databricks-glm-5-3", "databricks-gpt-5-4",
     "API type 'anthropic/v1/messages' is not supported for endpoint databricks-gpt-5-4."),
    (GATEWAY + "/cursor/v1/chat/completions", "databricks-gpt-5-5-pro", "databricks-glm-5-3",
     "API type 'cursor/v1/chat/completions' is not supported for endpoint databricks-glm-5-3."),
    (GEMINI, "databricks-gemini-3-5-flash", "databricks-meta-llama-3-3-70b-instruct",
     "API type 'gemini/v1/generateContent' is not supported for endpoint "
     "databricks-meta-llama-3-3-70b-instruct."),
    (GATEWAY + "/mlflow/v1/embeddings", "databricks-qwen3-embedding-0-6b", "databricks-glm-5-3",
     "Endpoint databricks-glm-5-3 serves task llm/v1/chat, not llm/v1/embeddings."),
    ("/serving-endpoints/anthropic/v1/messages", "databricks-claude-opus-4-8", "databricks-glm-5-3",
     "API type 'anthropic/v1/messages' is not supported for endpoint databricks-glm-5-3."),
    ("/serving-endpoints/responses", "databricks-gpt-5-4", "databricks-glm-5-3",
     "API type 'openai/v1/responses' is not supported for endpoint databricks-glm-5-3. "
     "Use /serving-endpoints/chat/completions instead."),
    ("/serving-endpoints/gemini/v1beta/models/{m}:generateContent", "databricks-gemini-3-1-pro",
     "databricks-gpt-5-4",
     "API type 'gemini/v1/generateContent' is not supported for endpoint databricks-gpt-5-4."),
]  # fmt: skip


@pytest.mark.parametrize(("path", "declares", "_other", "_text"), DECLARED, ids=[d[0] for d in DECLARED])
def test_path_answers_a_model_that_declares_it(
    emulator: EmulatorControl, path: str, declares: str, _other: str, _text: str
) -> None:
    reply = ask(emulator, path, declares)
    assert reply.status == 200, reply.raw


@pytest.mark.parametrize(("path", "_declares", "other", "text"), DECLARED, ids=[d[0] for d in DECLARED])
def test_path_refuses_a_model_that_does_not_declare_it(
    emulator: EmulatorControl, path: str, _declares: str, other: str, text: str
) -> None:
    reply = ask(emulator, path, other)
    assert (reply.status, reply.json()) == (400, {"error_code": "BAD_REQUEST", "message": text})


def test_codex_path_also_takes_openai_responses_models(emulator: EmulatorControl) -> None:
    assert ask(emulator, GATEWAY + "/codex/v1/responses", "databricks-gpt-5-2").status == 200


def test_classic_chat_takes_glm_but_not_a_responses_only_model(emulator: EmulatorControl) -> None:
    assert ask(emulator, "/serving-endpoints/chat/completions", "databricks-glm-5-3").status == 200
    assert ask(emulator, "/serving-endpoints/chat/completions", "databricks-gpt-6-sol").status == 400


@pytest.mark.parametrize("name", ["system.ai.grok-4-6", "databricks-grok-4-6"])
def test_uc_registered_model_answers_under_both_spellings(emulator: EmulatorControl, name: str) -> None:
    reply = ask(emulator, GATEWAY + "/openai/v1/responses", name)
    assert (reply.status, reply.json()["model"]) == (200, "grok-4.6")


def test_model_without_uc_registration_answers_only_under_its_databricks_name(
    emulator: EmulatorControl,
) -> None:
    uc = ask(emulator, GATEWAY + "/mlflow/v1/chat/completions", "system.ai.gemini-3-7-flash")
    assert (uc.status, uc.json()["error_code"]) == (404, "NOT_FOUND")
    assert ask(emulator, GATEWAY + "/mlflow/v1/chat/completions", "databricks-gemini-3-7-flash").status == 200


def test_catalog_ready_model_is_not_routable(emulator: EmulatorControl) -> None:
    reply = ask(emulator, GATEWAY + "/mlflow/v1/chat/completions", "databricks-kimi-k3-neo")
    assert (reply.status, reply.json()["error_code"]) == (404, "ENDPOINT_NOT_FOUND")
    assert "Invalid path" not in reply.json()["message"]  # the path exists; this model does not route


def test_uc_only_model_answers_by_its_uc_name_on_the_gateway_only(emulator: EmulatorControl) -> None:
    path = GATEWAY + "/anthropic/v1/messages"
    assert ask(emulator, path, "system.ai.glm-5-3-flash").status == 200
    reply = ask(emulator, path, "databricks-glm-5-3-flash")
    assert (reply.status, reply.json()["error_code"]) == (404, "RESOURCE_DOES_NOT_EXIST")


def test_classic_surface_knows_no_uc_names(emulator: EmulatorControl) -> None:
    reply = ask(emulator, "/serving-endpoints/chat/completions", "system.ai.claude-sonnet-4-5")
    assert reply.status == 404


def test_user_created_service_routes_to_its_destination(emulator: EmulatorControl) -> None:
    reply = ask(emulator, GATEWAY + "/anthropic/v1/messages", "workspace.default.team-opus")
    assert (reply.status, reply.json()["model"]) == (200, "claude-opus-4-8")


def test_uc_name_with_the_model_services_prefix_is_a_400(emulator: EmulatorControl) -> None:
    reply = ask(emulator, GATEWAY + "/mlflow/v1/chat/completions", "model-services/system.ai.glm-5-3")
    assert reply.status == 400 and "model-services/" in reply.json()["message"]


def test_judge_endpoint_refuses_chat(emulator: EmulatorControl) -> None:
    reply = ask(emulator, "/serving-endpoints/chat/completions", "databricks-openjev-qwen35-4b")
    assert reply.status == 400 and "evaluation endpoint" in reply.json()["message"]


GATEWAY_PATHS = [p for p, *_ in DECLARED if p.startswith(GATEWAY)]


@pytest.mark.parametrize("path", GATEWAY_PATHS)
def test_bad_token_on_the_gateway_is_400_invalid_token(emulator: EmulatorControl, path: str) -> None:
    reply = ask(emulator, path, "databricks-glm-5-3", token="dapi-wrong")
    assert (reply.status, reply.raw) == (400, b"Invalid Token")


def scoped_token(emulator: EmulatorControl, scope: str) -> str:
    form = {"grant_type": "client_credentials", "scope": scope}
    reply = post_form(emulator.url + "/oidc/v1/token", form, emulator.client_id, emulator.client_secret)
    token: str = reply.json()["access_token"]
    return token


def test_token_without_model_serving_scope_gets_the_documented_403(emulator: EmulatorControl) -> None:
    token = scoped_token(emulator, "serving.serving-endpoints")
    reply = post(
        emulator.url + GATEWAY + "/mlflow/v1/chat/completions",
        body_for("/chat/completions", "databricks-glm-5-3"),
        headers=bearer(token),
    )
    assert reply.status == 403
    assert reply.json()["message"] == (
        "Provided OAuth token does not have required scopes: model-serving, model-serving-inference"
    )


def test_token_with_model_serving_scope_may_invoke(emulator: EmulatorControl) -> None:
    token = scoped_token(emulator, "model-serving")
    assert ask(emulator, GATEWAY + "/mlflow/v1/chat/completions", "databricks-glm-5-3", token).status == 200
