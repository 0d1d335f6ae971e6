"""An answer cut at the output-token limit says so in every caller's API, whatever the model's API: Chat
``finish_reason: "length"``, Messages ``stop_reason: "max_tokens"``, Responses ``status: "incomplete"`` with
``incomplete_details.reason: "max_output_tokens"`` (the emulator stops at the request's limit, issue 9)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from brickgate.gateway.server import RunningGateway
from tests.gateway_harness import running_gateway

anthropic = pytest.importorskip("anthropic")
openai = pytest.importorskip("openai")

PROMPT = "Please answer with a long and detailed greeting for the whole team."
LIMIT = 6  # output tokens: the scripted answer is longer
MODELS = {  # one model per upstream API
    "messages": "databricks-claude-sonnet-4-5",
    "responses": "databricks-gpt-5-2",
    "chat": "databricks-glm-5-3",
}


@pytest.fixture(scope="module")
def gateway(emulator_server: Any) -> Iterator[RunningGateway]:
    with running_gateway(emulator_server.url, emulator_server.token) as gw:
        yield gw


@pytest.mark.parametrize("stream", [False, True], ids=["json", "stream"])
@pytest.mark.parametrize("upstream", MODELS)
def test_chat_caller_sees_length(gateway: RunningGateway, upstream: str, stream: bool) -> None:
    client = openai.OpenAI(base_url=gateway.url + "/v1", api_key="any", max_retries=0)
    request: dict[str, Any] = {
        "model": MODELS[upstream],
        "max_tokens": LIMIT,
        "messages": [{"role": "user", "content": PROMPT}],
    }
    if stream:
        chunks = list(client.chat.completions.create(**request, stream=True))
        reasons = [c.choices[0].finish_reason for c in chunks if c.choices and c.choices[0].finish_reason]
        assert reasons == ["length"]
    else:
        assert client.chat.completions.create(**request).choices[0].finish_reason == "length"


@pytest.mark.parametrize("stream", [False, True], ids=["json", "stream"])
@pytest.mark.parametrize("upstream", MODELS)
def test_messages_caller_sees_max_tokens(gateway: RunningGateway, upstream: str, stream: bool) -> None:
    client = anthropic.Anthropic(base_url=gateway.url, api_key="any", max_retries=0)
    request: dict[str, Any] = {
        "model": MODELS[upstream],
        "max_tokens": LIMIT,
        "messages": [{"role": "user", "content": PROMPT}],
    }
    if stream:
        with client.messages.stream(**request) as events:
            message = events.get_final_message()
    else:
        message = client.messages.create(**request)
    assert message.stop_reason == "max_tokens"


@pytest.mark.parametrize("stream", [False, True], ids=["json", "stream"])
@pytest.mark.parametrize("upstream", MODELS)
def test_responses_caller_sees_incomplete(gateway: RunningGateway, upstream: str, stream: bool) -> None:
    client = openai.OpenAI(base_url=gateway.url + "/v1", api_key="any", max_retries=0)
    request: dict[str, Any] = {"model": MODELS[upstream], "max_output_tokens": LIMIT, "input": PROMPT}
    if stream:
        with client.responses.stream(**request) as events:
            last = list(events)[-1]  # the SDK's get_final_response() waits for `response.completed` only
        assert last.type == "response.incomplete"
        response = last.response
    else:
        response = client.responses.create(**request)
    assert response.status == "incomplete"
    assert response.incomplete_details is not None
    assert response.incomplete_details.reason == "max_output_tokens"
