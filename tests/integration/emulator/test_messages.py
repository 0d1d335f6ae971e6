"""Anthropic Messages for Claude: rendering, stream events, thinking, tool round trip, validation."""

from __future__ import annotations

import json

from brickgate.emulator.control_client import EmulatorControl
from tests.integration.emulator.http_calls import Reply, post

MESSAGES = "/serving-endpoints/anthropic/v1/messages"
SONNET = "databricks-claude-sonnet-4-5"
BASH = {
    "name": "Bash",
    "input_schema": {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "additionalProperties": False,
        "properties": {"command": {"type": "string"}, "description": {"type": "string"}},
        "required": ["command", "description"],
    },
}
EMPTY_TEXT = '{"message":"messages: text content blocks must be non-empty"}'


def send(emulator: EmulatorControl, messages: list[dict], model: str = SONNET, **extra: object) -> Reply:
    body = {"model": model, "max_tokens": 1024, "messages": messages, **extra}
    return post(emulator.url + MESSAGES, body, emulator.token)


def user(text: str) -> dict:
    return {"role": "user", "content": text}


def test_message_has_anthropic_shape_and_upstream_model(emulator: EmulatorControl) -> None:
    reply = send(emulator, [user("hello")]).json()
    assert (reply["type"], reply["role"], reply["stop_reason"]) == ("message", "assistant", "end_turn")
    assert reply["model"] == "claude-sonnet-4-5-20250929"
    assert reply["content"][0]["text"].startswith("Hello from databricks-claude-sonnet-4-5 (claude)!")


def test_basic_token_auth_works_as_in_the_official_curl_sample(emulator: EmulatorControl) -> None:
    from tests.integration.emulator.http_calls import basic_token, call

    body = {"model": SONNET, "max_tokens": 256, "messages": [user("What is a mixture of experts model?")]}
    assert call("POST", emulator.url + MESSAGES, body, basic_token(emulator.token)).status == 200


def test_stream_follows_the_anthropic_event_sequence(emulator: EmulatorControl) -> None:
    names = [name for name, _ in send(emulator, [user("hello")], stream=True).sse()]
    assert names[:2] == ["message_start", "ping"]
    assert names[2] == "content_block_start" and names.count("content_block_delta") > 2
    assert names[-3:] == ["content_block_stop", "message_delta", "message_stop"]


def test_thinking_block_comes_first_with_a_signature(emulator: EmulatorControl) -> None:
    reply = send(emulator, [user("think it over")], thinking={"type": "enabled", "budget_tokens": 512}).json()
    assert reply["content"][0]["type"] == "thinking" and reply["content"][0]["signature"]
    assert reply["content"][1]["type"] == "text"


def test_streamed_thinking_ends_with_signature_delta(emulator: EmulatorControl) -> None:
    events = send(emulator, [user("think it over")], stream=True, thinking={"type": "adaptive"}).sse_json()
    deltas = [e["delta"]["type"] for e in events if e["type"] == "content_block_delta" and e["index"] == 0]
    assert deltas[0] == "thinking_delta" and deltas[-1] == "signature_delta"


def test_tool_round_trip_uses_tool_use_then_tool_result(emulator: EmulatorControl) -> None:
    first = send(emulator, [user("run the marker command")], tools=[BASH]).json()
    tool_use = first["content"][-1]
    assert first["stop_reason"] == "tool_use"
    assert tool_use["input"] == {"command": "echo brickgate-tool-ok", "description": "Run the command"}
    history = [
        user("run the marker command"),
        {"role": "assistant", "content": first["content"]},
        {
            "role": "user",
            "content": [
                {
                    "type": "tool_result",
                    "tool_use_id": tool_use["id"],
                    "content": "brickgate-tool-ok",
                    "cache_control": {"type": "ephemeral"},
                }
            ],
        },
    ]
    second = send(emulator, history, tools=[BASH]).json()
    assert second["content"][0]["text"] == "The command printed: brickgate-tool-ok"


def test_streamed_tool_use_input_arrives_as_json_deltas(emulator: EmulatorControl) -> None:
    events = send(emulator, [user("run the marker command")], tools=[BASH], stream=True).sse_json()
    partial = "".join(e["delta"]["partial_json"] for e in events if e["type"] == "content_block_delta")
    assert json.loads(partial)["command"] == "echo brickgate-tool-ok"


def test_non_claude_model_is_refused_on_the_anthropic_surface(emulator: EmulatorControl) -> None:
    reply = send(emulator, [user("hi")], model="databricks-gpt-5-2")
    assert reply.status == 400
    assert "API type 'anthropic/v1/messages' is not supported" in reply.json()["message"]


def test_empty_text_block_is_rejected(emulator: EmulatorControl) -> None:
    reply = send(emulator, [{"role": "user", "content": [{"type": "text", "text": ""}]}])
    assert (reply.status, reply.json()) == (400, {"error_code": "BAD_REQUEST", "message": EMPTY_TEXT})


def test_tool_use_without_following_tool_result_is_rejected(emulator: EmulatorControl) -> None:
    history = [
        user("go"),
        {
            "role": "assistant",
            "content": [{"type": "tool_use", "id": "toolu_1", "name": "Bash", "input": {}}],
        },
        user("and?"),
    ]
    reply = send(emulator, history)
    assert reply.status == 400
    assert (
        "`tool_use` ids were found without `tool_result` blocks immediately after: toolu_1"
        in reply.json()["message"]
    )


def test_tool_result_for_unknown_tool_use_is_rejected(emulator: EmulatorControl) -> None:
    history = [
        user("go"),
        {"role": "assistant", "content": [{"type": "text", "text": "ok"}]},
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_x", "content": "out"}]},
    ]
    reply = send(emulator, history)
    assert "unexpected `tool_use_id` found in `tool_result` blocks: toolu_x" in reply.json()["message"]


def test_system_role_inside_messages_is_accepted(emulator: EmulatorControl) -> None:
    history = [user("hello"), {"role": "system", "content": "# Environment"}]
    assert send(emulator, history).status == 200


def test_opus_5_rejects_temperature(emulator: EmulatorControl) -> None:
    reply = send(emulator, [user("hi")], model="databricks-claude-opus-5", temperature=0.2)
    assert reply.json() == {
        "error_code": "BAD_REQUEST",
        "message": "Model global.anthropic.claude-opus-5 does not support the temperature parameter.",
    }


def test_cache_control_on_system_reports_cache_write_then_read(emulator: EmulatorControl) -> None:
    system = [{"type": "text", "text": "You are helpful. " * 50, "cache_control": {"type": "ephemeral"}}]
    first = send(emulator, [user("hi")], system=system).json()["usage"]
    second = send(emulator, [user("hi again")], system=system).json()["usage"]
    assert first["cache_creation_input_tokens"] > 0 and first["cache_read_input_tokens"] == 0
    assert second["cache_read_input_tokens"] == first["cache_creation_input_tokens"]


def test_gateway_anthropic_mirror_serves_claude(emulator: EmulatorControl) -> None:
    body = {"model": SONNET, "max_tokens": 64, "messages": [user("hi")]}
    assert post(emulator.url + "/ai-gateway/anthropic/v1/messages", body, emulator.token).status == 200
