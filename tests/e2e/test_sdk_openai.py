"""The real `openai` SDK (pinned 3.57.0) against gateway + emulator: Chat and Responses, streaming and
not, tool calls, the model list and errors."""

from __future__ import annotations

import json
from typing import Any

import pytest

from brickgate.gateway.server import RunningGateway

openai = pytest.importorskip("openai")
pytestmark = pytest.mark.e2e


@pytest.fixture
def client(gateway: RunningGateway, emulator: Any) -> Any:
    return openai.OpenAI(base_url=gateway.url + "/v1", api_key="sk-anything", max_retries=0)


@pytest.mark.parametrize("model", ["databricks-meta-llama-3-3-70b-instruct", "claude-sonnet-4-5", "gpt-5.2"])
def test_chat_completion(client: Any, model: str) -> None:
    done = client.chat.completions.create(model=model, messages=[{"role": "user", "content": "hi"}])
    assert done.choices[0].message.content.startswith("Hello from databricks-")
    assert done.choices[0].finish_reason == "stop"
    assert done.usage.completion_tokens > 0


@pytest.mark.parametrize("model", ["databricks-gemini-2-5-flash", "claude-sonnet-4-5", "gpt-5.2-codex"])
def test_chat_stream_with_usage(client: Any, model: str) -> None:
    chunks = list(
        client.chat.completions.create(
            model=model,
            messages=[{"role": "user", "content": "hi"}],
            stream=True,
            stream_options={"include_usage": True},
        )
    )
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text.startswith("Hello from databricks-")
    assert any(c.usage and c.usage.completion_tokens for c in chunks)


def test_chat_tool_call(client: Any) -> None:
    tool = {
        "type": "function",
        "function": {
            "name": "bash",
            "parameters": {
                "type": "object",
                "properties": {"command": {"type": "string"}},
                "required": ["command"],
            },
        },
    }
    done = client.chat.completions.create(
        model="databricks-gpt-oss-20b",
        messages=[{"role": "user", "content": "run the marker command"}],
        tools=[tool],
    )
    assert done.choices[0].finish_reason == "tool_calls"
    call = done.choices[0].message.tool_calls[0]
    assert json.loads(call.function.arguments)["command"] == "echo brickgate-tool-ok"


@pytest.mark.parametrize("model", ["gpt-5.2", "claude-sonnet-4-5", "databricks-gpt-oss-20b"])
def test_responses_create(client: Any, model: str) -> None:
    response = client.responses.create(model=model, input="hi")
    assert response.output_text.startswith("Hello from databricks-")
    assert response.usage.output_tokens > 0


@pytest.mark.parametrize("model", ["gpt-5.2-codex", "claude-haiku-4-5", "databricks-gemini-2-5-pro"])
def test_responses_stream(client: Any, model: str) -> None:
    with client.responses.stream(model=model, input="hi") as stream:
        deltas = [e.delta for e in stream if e.type == "response.output_text.delta"]
        final = stream.get_final_response()
    assert "".join(deltas).startswith("Hello from databricks-")
    assert final.output_text == "".join(deltas)


def test_models_list(client: Any) -> None:
    ids = {m.id for m in client.models.list()}
    assert {"databricks-claude-sonnet-4-5", "databricks-gpt-5-2", "databricks-gemma-3-12b"} <= ids


def test_unknown_model_raises_not_found_with_suggestions(client: Any) -> None:
    with pytest.raises(openai.NotFoundError) as raised:
        client.chat.completions.create(model="claude-sonet-4-5", messages=[{"role": "user", "content": "hi"}])
    assert "databricks-claude-sonnet-4-5" in raised.value.message


def test_rate_limit_raises_with_retry_after(client: Any, emulator: Any) -> None:
    emulator.fault({"kind": "429", "count": 3, "retry_after": 9})
    with pytest.raises(openai.RateLimitError) as raised:
        client.responses.create(model="gpt-5.2", input="hi")
    assert raised.value.response.headers["retry-after"] == "9"


def test_stream_broken_midway_raises(client: Any, emulator: Any) -> None:
    emulator.fault({"kind": "cut_stream", "after_events": 2})
    with pytest.raises(openai.APIError, match="broke off"):
        for _ in client.chat.completions.create(
            model="databricks-meta-llama-3-3-70b-instruct",
            messages=[{"role": "user", "content": "tell me a story"}],
            stream=True,
        ):
            pass
