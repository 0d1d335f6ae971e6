"""The real `anthropic` SDK (pinned 2.14.0) against gateway + emulator: Messages streaming and not,
tool use, token counting, the model list and errors. This SDK sends its key as a Bearer token."""

from __future__ import annotations

from typing import Any

import pytest

from brickgate.gateway.server import RunningGateway

anthropic = pytest.importorskip("anthropic")
pytestmark = pytest.mark.e2e


@pytest.fixture
def client(gateway: RunningGateway, emulator: Any) -> Any:
    return anthropic.Anthropic(base_url=gateway.url, api_key="sk-ant-anything", max_retries=0)


@pytest.mark.parametrize(
    "model", ["databricks-claude-sonnet-4-5", "databricks-gpt-5-2", "databricks-gemini-2-5-flash"]
)
def test_messages_create(client: Any, model: str) -> None:
    message = client.messages.create(
        model=model, max_tokens=256, messages=[{"role": "user", "content": "hi"}]
    )
    assert message.content[0].text.startswith("Hello from databricks-")
    assert message.stop_reason == "end_turn"
    assert message.usage.output_tokens > 0


@pytest.mark.parametrize("model", ["claude-haiku-4-5-20251001", "gpt-5.2-codex", "databricks-gpt-oss-120b"])
def test_messages_stream(client: Any, model: str) -> None:
    with client.messages.stream(
        model=model, max_tokens=256, messages=[{"role": "user", "content": "hi"}]
    ) as s:
        text = "".join(s.text_stream)
        final = s.get_final_message()
    assert text.startswith("Hello from databricks-")
    assert final.usage.output_tokens > 0


@pytest.mark.parametrize("model", ["databricks-claude-sonnet-4-5", "databricks-meta-llama-3-3-70b-instruct"])
def test_tool_use_round_trip(client: Any, model: str) -> None:
    tools = [
        {
            "name": "bash",
            "description": "Run a shell command",
            "input_schema": {
                "type": "object",
                "properties": {"command": {"type": "string"}},
                "required": ["command"],
            },
        }
    ]
    question = {"role": "user", "content": "run the marker command"}
    first = client.messages.create(model=model, max_tokens=256, tools=tools, messages=[question])
    assert first.stop_reason == "tool_use"
    use = next(b for b in first.content if b.type == "tool_use")
    assert use.input["command"] == "echo brickgate-tool-ok"
    result = {"type": "tool_result", "tool_use_id": use.id, "content": "brickgate-tool-ok from the sdk"}
    second = client.messages.create(
        model=model,
        max_tokens=256,
        tools=tools,
        messages=[
            question,
            {"role": "assistant", "content": first.content},
            {"role": "user", "content": [result]},
        ],
    )
    assert "brickgate-tool-ok from the sdk" in second.content[0].text


def test_count_tokens(client: Any) -> None:
    counted = client.messages.count_tokens(
        model="databricks-claude-sonnet-4-5",
        system="x" * 400,
        messages=[{"role": "user", "content": "y" * 400}],
    )
    assert 190 <= counted.input_tokens <= 220


def test_models_list(client: Any) -> None:
    ids = {m.id for m in client.models.list()}
    assert {"databricks-claude-sonnet-4-5", "databricks-gpt-5-2-codex"} <= ids


def test_unknown_model_raises_not_found(client: Any) -> None:
    with pytest.raises(anthropic.NotFoundError) as raised:
        client.messages.create(
            model="claude-sonet-4-5", max_tokens=16, messages=[{"role": "user", "content": "hi"}]
        )
    assert "databricks-claude-sonnet-4-5" in str(raised.value)


def test_stream_broken_midway_raises(client: Any, emulator: Any) -> None:
    emulator.fault({"kind": "cut_stream", "after_events": 3})
    with pytest.raises(anthropic.APIStatusError, match="broke off"):  # noqa: SIM117
        with client.messages.stream(
            model="databricks-claude-sonnet-4-5",
            max_tokens=256,
            messages=[{"role": "user", "content": "tell me a story"}],
        ) as stream:
            for _ in stream.text_stream:
                pass
