"""Translations between the four APIs: what the gateway does when the agent's API is not the model's."""

from __future__ import annotations

import json
from types import ModuleType
from typing import Any

import pytest

from brickgate.protocol import (
    ReasoningPart,
    Request,
    Response,
    ToolCallPart,
    ToolResultPart,
    collect,
)
from brickgate.wire import anthropic_messages, gemini, openai_chat, openai_responses
from tests.unit.wire.replay import FIXTURES, decode_stream, encode_stream, fixture_bytes, fixture_json

APIS = {"chat": openai_chat, "responses": openai_responses, "messages": anthropic_messages, "gemini": gemini}
STREAMS = sorted(p.name for p in FIXTURES.glob("*.sse"))


def encoder_for(wire: ModuleType) -> Any:
    return wire.StreamEncoder("gw", include_usage=True) if wire is openai_chat else wire.StreamEncoder("gw")


def answer(response: Response) -> tuple[str, tuple[tuple[str, str, Any], ...], str]:
    """Text, tool calls (arguments as the JSON value they spell: Gemini sends an object, not text) and
    finish reason."""
    return (
        response.text,
        tuple((c.id, c.name, json.loads(c.arguments or "null")) for c in response.tool_calls),
        response.finish_reason,
    )


# recordings are named for the vendor whose stream they hold
RECORDED_API = {"anthropic": "messages", "chat": "chat", "responses": "responses", "gemini": "gemini"}


@pytest.mark.parametrize("target", sorted(APIS))
@pytest.mark.parametrize("recording", STREAMS)
def test_an_upstream_stream_re_encoded_for_any_api_gives_the_same_answer(recording: str, target: str) -> None:
    source = APIS[RECORDED_API[recording.split("_")[0]]]
    events = decode_stream(source, fixture_bytes(recording))
    wire = encode_stream(encoder_for(APIS[target]), events)
    again = collect(decode_stream(APIS[target], wire, chunk_size=11))
    original = collect(events)
    assert answer(again) == answer(original)
    assert again.reasoning == original.reasoning
    assert again.usage.output_tokens == original.usage.output_tokens
    assert again.usage.total_input_tokens == original.usage.total_input_tokens


def test_claude_signature_survives_a_codex_round_trip() -> None:
    events = decode_stream(anthropic_messages, fixture_bytes("anthropic_thinking_tool.sse"))
    body = openai_responses.encode_response(collect(events), "gw")
    replay = {"model": "gw", "input": [{"role": "user", "content": "go"}, *body["output"]]}
    turn = openai_responses.decode_request(replay).messages[1]
    upstream = anthropic_messages.encode_request(Request(model="m", messages=(turn,)), "claude")
    assert upstream["messages"][0]["content"][0] == {
        "type": "thinking",
        "thinking": "I should run ls.",
        "signature": "EqQBCgIYAhIM1gbcDa9GJwZA",
    }


def conversation(req: Request) -> tuple[tuple[str, tuple[Any, ...]], ...]:
    """Roles and parts with wire-specific extras (ids, cache hints, replay data) left out."""

    def plain(part: Any) -> Any:
        if isinstance(part, ToolCallPart):
            return ("call", part.id, part.name, part.arguments.replace(" ", ""))
        if isinstance(part, ToolResultPart):
            return ("result", part.tool_call_id, part.text())
        if isinstance(part, ReasoningPart):
            return None
        return ("text", getattr(part, "text", None) or part.as_url())

    return tuple(
        (m.role, tuple(p for p in (plain(x) for x in m.parts) if p is not None)) for m in req.messages
    )


@pytest.mark.parametrize("target", sorted(APIS))
@pytest.mark.parametrize(
    ("source", "fixture"),
    [
        ("chat", "opencode_chat_request.json"),
        ("chat", "llm_chat_request.json"),
        ("responses", "codex_responses_request.json"),
        ("responses", "opencode_responses_request.json"),
        ("messages", "claude_code_messages_request.json"),
        ("messages", "opencode_messages_request.json"),
        ("gemini", "gemini_cli_request.json"),
        ("gemini", "gemini_rest_request.json"),
    ],
)
def test_a_client_conversation_survives_encoding_for_any_upstream(
    source: str, fixture: str, target: str
) -> None:
    raw = fixture_json(fixture)
    req = APIS[source].decode_request({"model": "endpoint", **raw} if source == "gemini" else raw)
    body = APIS[target].encode_request(req, "endpoint")
    if target == "gemini":  # the model goes into the upstream path; the gateway copies it back in
        assert "model" not in body
        body = {**body, "model": "endpoint"}
    assert body["model"] == "endpoint"
    again = APIS[target].decode_request(body)
    expected = conversation(req)
    if target == "messages":  # Messages keeps leading system text in one `system` field
        expected = merge_leading_system(expected)
    if target == "gemini":  # Gemini has one system instruction, before the turns
        expected = merge_every_system(expected)
    assert conversation(again) == expected


def merge_leading_system(
    conv: tuple[tuple[str, tuple[Any, ...]], ...],
) -> tuple[tuple[str, tuple[Any, ...]], ...]:
    leading = conv[: next((i for i, m in enumerate(conv) if m[0] != "system"), len(conv))]
    if len(leading) <= 1:
        return conv
    merged = ("system", tuple(p for m in leading for p in m[1]))
    return (merged, *conv[len(leading) :])


def merge_every_system(
    conv: tuple[tuple[str, tuple[Any, ...]], ...],
) -> tuple[tuple[str, tuple[Any, ...]], ...]:
    system = tuple(p for m in conv if m[0] == "system" for p in m[1])
    rest = tuple(m for m in conv if m[0] != "system")
    return ((("system", system),) if system else ()) + rest


def test_tool_turn_from_claude_code_becomes_chat_tool_messages() -> None:
    req = anthropic_messages.decode_request(fixture_json("claude_code_messages_request.json"))
    body = openai_chat.encode_request(req, "databricks-gpt-oss-120b")
    roles = [m["role"] for m in body["messages"]]
    assert roles == ["system", "user", "system", "assistant", "tool"]
    assert body["messages"][3]["tool_calls"][0]["function"]["name"] == "Bash"
    assert body["messages"][4] == {"role": "tool", "tool_call_id": "toolu_stub1", "content": "stub-tool-ok"}
    assert [t["function"]["name"] for t in body["tools"]] == ["Bash", "DeferredToolPlaceholder"]


def test_codex_native_tools_are_left_out_for_chat_and_messages() -> None:
    req = openai_responses.decode_request(fixture_json("codex_responses_request.json"))
    assert [t["function"]["name"] for t in openai_chat.encode_request(req, "e")["tools"]] == ["exec_command"]
    assert [t["name"] for t in anthropic_messages.encode_request(req, "e")["tools"]] == ["exec_command"]


def test_chat_system_prompt_becomes_the_messages_system_field() -> None:
    req = openai_chat.decode_request(fixture_json("opencode_chat_request.json"))
    body = anthropic_messages.encode_request(req, "databricks-claude-sonnet-4-5")
    assert body["system"] == "You are opencode, an interactive CLI tool."
    assert body["max_tokens"] == 32000
    assert body["messages"][-1] == {
        "role": "user",
        "content": [{"type": "tool_result", "tool_use_id": "call_stub1", "content": "stub-tool-ok\n"}],
    }
    assert body["messages"][0] == {"role": "user", "content": '"run the marker command"'}
