"""Each routing decision of issue 12, proved through the gateway against the emulator over real HTTP: the
caller's own API when the model declares it (relayed as it is), else the model's best declared API, and
one model's 404 staying that model's."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from brickgate.emulator import default_workspace
from brickgate.emulator.control_client import EmulatorControl
from brickgate.gateway.server import RunningGateway
from brickgate.routing import SurfaceChooser
from tests.gateway_harness import DIALECTS, Answer, call, running_gateway

# Families no row of brickgate's table knows, declaring one API each (emulator spec `api_types`).
MESSAGES_ONLY = {
    "name": "databricks-zeta-1",
    "kind": "foundation",
    "behaviour": "plain",
    "display_name": "Zeta 1",
    "api_types": ["anthropic/v1/messages"],
}
RESPONSES_ONLY = {**MESSAGES_ONLY, "name": "databricks-orion-2", "api_types": ["openai/v1/responses"]}


@pytest.fixture
def gateway(emulator: EmulatorControl) -> Iterator[RunningGateway]:
    with running_gateway(emulator.url, emulator.token) as gw:
        yield gw


def send(gateway: RunningGateway, api: str, model: str, **extra: Any) -> Answer:
    dialect = DIALECTS[api]
    return call(gateway.url, "POST", dialect.path, dialect.request(model, "say hi", stream=False) | extra)


def ask(gateway: RunningGateway, api: str, model: str, **extra: Any) -> Answer:
    """A request that must be answered (the scripted model says hello)."""
    answer = send(gateway, api, model, **extra)
    assert answer.status == 200, answer.body
    assert "Hello from" in DIALECTS[api].text(answer)
    return answer


def upstream_paths(emulator: EmulatorControl) -> list[str]:
    return [r["path"] for r in emulator.requests()]


def test_claude_code_to_glm_is_relayed_to_anthropic_messages(
    gateway: RunningGateway, emulator: EmulatorControl
) -> None:
    ask(gateway, "messages", "databricks-glm-5-3", metadata={"user_id": "u-1"})
    (sent,) = emulator.requests()
    assert sent["path"] == "/ai-gateway/anthropic/v1/messages"
    assert sent["body"]["metadata"] == {"user_id": "u-1"}  # relayed: the caller's body, renamed only


def test_codex_to_kimi_is_relayed_to_a_responses_path(
    gateway: RunningGateway, emulator: EmulatorControl
) -> None:
    ask(gateway, "responses", "databricks-kimi-k3")
    assert upstream_paths(emulator) == ["/ai-gateway/mlflow/v1/responses"]


def test_a_chat_caller_of_glm_stays_on_chat(gateway: RunningGateway, emulator: EmulatorControl) -> None:
    ask(gateway, "chat", "databricks-glm-5-3")
    assert upstream_paths(emulator) == ["/ai-gateway/mlflow/v1/chat/completions"]


@pytest.mark.parametrize("caller", ["chat", "messages"])
def test_gpt_5_5_pro_declares_no_chat_and_is_never_sent_to_chat(
    gateway: RunningGateway, emulator: EmulatorControl, caller: str
) -> None:
    ask(gateway, caller, "databricks-gpt-5-5-pro")
    assert upstream_paths(emulator) == ["/ai-gateway/openai/v1/responses"]


def test_a_messages_caller_of_deepseek_is_translated_to_its_best_declared_api(
    gateway: RunningGateway, emulator: EmulatorControl
) -> None:
    ask(gateway, "messages", "databricks-deepseek-v4-1-flash-1017")  # declares chat and mlflow Responses
    assert upstream_paths(emulator) == ["/ai-gateway/mlflow/v1/responses"]


@pytest.mark.parametrize(
    ("spec", "caller", "path"),
    [
        (MESSAGES_ONLY, "chat", "/ai-gateway/anthropic/v1/messages"),
        (MESSAGES_ONLY, "responses", "/ai-gateway/anthropic/v1/messages"),
        (RESPONSES_ONLY, "chat", "/ai-gateway/openai/v1/responses"),
        (RESPONSES_ONLY, "messages", "/ai-gateway/openai/v1/responses"),
    ],
    ids=["messages-only-from-chat", "messages-only-from-responses", "responses-only-from-chat",
         "responses-only-from-messages"],
)  # fmt: skip
def test_an_unknown_family_is_reached_on_the_one_api_it_declares(
    emulator: EmulatorControl, spec: dict[str, Any], caller: str, path: str
) -> None:
    emulator.set_endpoints([*default_workspace(), spec])
    with running_gateway(emulator.url, emulator.token) as gateway:
        ask(gateway, caller, spec["name"])
    assert upstream_paths(emulator) == [path]


def test_a_listed_but_unroutable_models_404_is_its_own_and_the_gateway_stays_in_use(
    gateway: RunningGateway, emulator: EmulatorControl
) -> None:
    refused = send(gateway, "chat", "databricks-kimi-k3-neo")
    assert refused.status == 404
    assert "databricks-kimi-k3-neo" in refused.body.decode()
    ask(gateway, "chat", "databricks-llama-4-maverick")
    assert upstream_paths(emulator) == ["/ai-gateway/mlflow/v1/chat/completions"] * 2
    assert SurfaceChooser(emulator.url).gateway_seen  # the next process keeps the AI Gateway too


def test_a_model_registered_only_in_unity_catalog_is_reached_by_its_uc_name(
    gateway: RunningGateway, emulator: EmulatorControl
) -> None:
    for spelling in ("system.ai.glm-5-3-flash", "databricks-glm-5-3-flash", "glm-5.3-flash"):
        ask(gateway, "chat", spelling)
    sent = emulator.requests()
    assert {(r["path"], r["body"]["model"]) for r in sent} == {
        ("/ai-gateway/mlflow/v1/chat/completions", "system.ai.glm-5-3-flash")
    }


def test_a_model_without_uc_registration_is_sent_under_its_endpoint_name(
    gateway: RunningGateway, emulator: EmulatorControl
) -> None:
    ask(gateway, "chat", "system.ai.gemini-3-7-flash")  # 404 NOT_FOUND upstream under this name (§1.1)
    (sent,) = emulator.requests()
    assert sent["body"]["model"] == "databricks-gemini-3-7-flash"


def test_a_too_large_max_tokens_is_clamped_retried_once_and_remembered(
    gateway: RunningGateway, emulator: EmulatorControl
) -> None:
    for _ in range(2):
        ask(gateway, "messages", "databricks-glm-5-3", max_tokens=32_000)  # GLM: 25,000 via the gateway
    sent = [(r["status"], r["body"]["max_tokens"]) for r in emulator.requests()]
    assert sent == [(400, 32_000), (200, 25_000), (200, 25_000)]


def test_a_retired_model_is_refused_with_its_successor(
    gateway: RunningGateway, emulator: EmulatorControl
) -> None:
    refused = send(gateway, "messages", "databricks-inkling")
    assert refused.status == 404
    message = json.loads(refused.body)["error"]["message"]
    assert "2026-10-30" in message and "databricks-glm-5-3" in message
    assert emulator.requests() == []


def test_without_the_ai_gateway_a_messages_caller_of_glm_falls_back_to_chat_in_the_same_request(
    emulator: EmulatorControl,
) -> None:
    emulator.fault({"kind": "invalid_path", "path": "/ai-gateway/anthropic/v1/messages", "until_reset": True})
    with running_gateway(emulator.url, emulator.token) as gateway:
        ask(gateway, "messages", "databricks-glm-5-3")
    assert [(r["path"], r["status"]) for r in emulator.requests()] == [
        ("/ai-gateway/anthropic/v1/messages", 404),
        ("/serving-endpoints/chat/completions", 200),
    ]


def test_a_chat_caller_relayed_to_claude_5_loses_the_sampling_parameters_it_refuses_before_sending(
    gateway: RunningGateway, emulator: EmulatorControl
) -> None:
    """Claude Sonnet 5 declares Chat, so Copilot-style Chat bodies are relayed to it as they are; it refuses
    temperature, top_p and penalties (research §1.5), which the per-model table drops up front (the adaptive
    repair, one refusal at a time, is for models no row knows: tests/unit/quirks/test_rejection.py)."""
    sampling = {"temperature": 0.2, "top_p": 0.9, "frequency_penalty": 0.1, "presence_penalty": 0.1}
    for _ in range(2):
        ask(gateway, "chat", "databricks-claude-sonnet-5", **sampling)
    sent = [(r["status"], sorted(set(sampling) & set(r["body"]))) for r in emulator.requests()]
    assert sent == [(200, []), (200, [])]
