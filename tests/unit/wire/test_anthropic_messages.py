from __future__ import annotations

from typing import Any

import orjson
import pytest

from brickgate.errors import InvalidRequest
from brickgate.protocol import (
    Finish,
    ImagePart,
    Message,
    ReasoningDelta,
    ReasoningPart,
    Request,
    Response,
    Start,
    StreamError,
    TextDelta,
    TextPart,
    Tool,
    ToolCallDelta,
    ToolCallEnd,
    ToolCallPart,
    ToolCallStart,
    ToolResultPart,
    Usage,
    UsageReport,
    collect,
)
from brickgate.wire import anthropic_messages
from brickgate.wire.contract import feed
from brickgate.wire.sse import SSEDecoder, SSEEvent
from tests.unit.wire.replay import decode_stream, encode_stream, fixture_bytes, fixture_json


def event(kind: str, **fields: Any) -> SSEEvent:
    return SSEEvent(kind, orjson.dumps({"type": kind, **fields}).decode())


# ---------------------------------------------------------------- upstream stream decoding


def test_text_stream_decodes_with_cache_usage_from_message_start() -> None:
    assert decode_stream(anthropic_messages, fixture_bytes("anthropic_text.sse"), chunk_size=5) == [
        Start(id="msg_01A", model="claude-sonnet-4-5-20250929"),
        TextDelta(text="Hello"),
        TextDelta(text="!"),
        UsageReport(usage=Usage(input_tokens=25, output_tokens=15, cache_read_tokens=1200)),
        Finish(reason="stop", raw_reason="end_turn"),
    ]


def test_thinking_signature_and_tool_input_stream_assemble() -> None:
    events = decode_stream(anthropic_messages, fixture_bytes("anthropic_thinking_tool.sse"))
    assert events[1:6] == [
        ReasoningDelta(text="I should run ls."),
        ReasoningDelta(signature="EqQBCgIYAhIM1gbcDa9GJwZA"),
        ToolCallStart(index=0, id="toolu_01", name="Bash"),
        ToolCallDelta(index=0, arguments='{"command": "ls"}'),
        ToolCallEnd(index=0),
    ]
    assert collect(events).message.parts == (
        ReasoningPart(text="I should run ls.", signature="EqQBCgIYAhIM1gbcDa9GJwZA"),
        ToolCallPart(id="toolu_01", name="Bash", arguments='{"command": "ls"}'),
    )


def test_non_streaming_body_decodes_like_its_stream() -> None:
    body = {
        "id": "msg_1",
        "model": "claude",
        "content": [
            {"type": "thinking", "thinking": "t", "signature": "s"},
            {"type": "redacted_thinking", "data": "r"},
            {"type": "text", "text": "Hi"},
            {"type": "tool_use", "id": "tu", "name": "f", "input": {"a": 1}},
            {"type": "tool_use", "name": "g", "input": None},
            {"type": "server_tool_use", "id": "st"},
        ],
        "stop_reason": "tool_use",
        "usage": {
            "input_tokens": 5,
            "output_tokens": 7,
            "cache_creation_input_tokens": 2,
            "cache_read_input_tokens": None,
        },
    }
    response = collect(anthropic_messages.decode_response(body))
    assert response.message.parts[:4] == (
        ReasoningPart(text="t", signature="s"),
        ReasoningPart(redacted="r"),
        TextPart(text="Hi"),
        ToolCallPart(id="tu", name="f", arguments='{"a":1}'),
    )
    no_args = response.message.parts[4]
    assert isinstance(no_args, ToolCallPart) and no_args.arguments == "{}" and no_args.id.startswith("toolu_")
    assert response.usage == Usage(input_tokens=5, output_tokens=7, cache_write_tokens=2)
    assert response.finish_reason == "tool-calls"


def test_error_body_is_a_stream_error() -> None:
    body = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
    assert anthropic_messages.decode_response(body) == [
        StreamError(message="Overloaded", code="overloaded_error")
    ]


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("max_tokens", "length"),
        ("refusal", "content-filter"),
        ("pause_turn", "other"),
        ("new_reason", "other"),
        (None, "stop"),
    ],
)
def test_stop_reasons_map_to_finish_reasons(raw: str | None, reason: str) -> None:
    events = anthropic_messages.decode_response({"content": [], "stop_reason": raw})
    assert events[-1] == Finish(reason=reason, raw_reason=raw)  # type: ignore[arg-type]


def test_stream_cut_before_message_stop_is_stream_incomplete() -> None:
    decoder = anthropic_messages.StreamDecoder()
    feed(decoder, event("message_start", message={"id": "m"}))
    feed(
        decoder,
        event("content_block_start", index=0, content_block={"type": "tool_use", "id": "t", "name": "f"}),
    )
    assert decoder.close() == [
        ToolCallEnd(index=0),
        StreamError(message="the upstream stream ended before message_stop", code="stream_incomplete"),
    ]


def test_stop_reason_without_message_stop_completes_on_close() -> None:
    decoder = anthropic_messages.StreamDecoder()
    feed(decoder, event("message_delta", delta={"stop_reason": "end_turn"}, usage={"output_tokens": 3}))
    assert decoder.close() == [
        UsageReport(usage=Usage(output_tokens=3)),
        Finish(reason="stop", raw_reason="end_turn"),
    ]
    assert feed(decoder, event("ping")) == []


def test_error_event_and_bad_json_are_stream_errors() -> None:
    decoder = anthropic_messages.StreamDecoder()
    assert feed(decoder, event("error", error={"type": "api_error", "message": "x"})) == [
        StreamError(message="x", code="api_error")
    ]
    assert feed(anthropic_messages.StreamDecoder(), SSEEvent(None, "{"))[0].kind == "error"
    assert feed(anthropic_messages.StreamDecoder(), SSEEvent(None, "null"))[0].kind == "error"


def test_unknown_blocks_and_deltas_are_ignored() -> None:
    decoder = anthropic_messages.StreamDecoder()
    feed(decoder, event("message_start", message={}))
    assert (
        feed(decoder, event("content_block_start", index=0, content_block={"type": "web_search_tool_result"}))
        == []
    )
    assert feed(decoder, event("content_block_delta", index=0, delta={"type": "citations_delta"})) == []
    assert (
        feed(decoder, event("content_block_delta", index=9, delta={"type": "text_delta", "text": "x"})) == []
    )
    assert (
        feed(decoder, event("content_block_delta", index=0, delta={"type": "text_delta", "text": ""})) == []
    )
    assert feed(decoder, event("content_block_stop", index=9)) == []
    assert feed(decoder, event("content_block_stop", index=0)) == []
    assert feed(decoder, event("message_start", message={"id": "again"})) == []


def test_a_repeated_block_stop_ends_a_tool_call_once() -> None:
    decoder = anthropic_messages.StreamDecoder()
    feed(
        decoder,
        event("content_block_start", index=0, content_block={"type": "tool_use", "id": "t", "name": "f"}),
    )
    feed(
        decoder,
        event("content_block_delta", index=0, delta={"type": "input_json_delta", "partial_json": "{}"}),
    )
    assert feed(decoder, event("content_block_stop", index=0)) == [ToolCallEnd(index=0)]
    assert feed(decoder, event("content_block_stop", index=0)) == []


# ---------------------------------------------------------------- upstream request encoding


def test_encode_request_builds_a_messages_body() -> None:
    req = Request.of(
        "x",
        "hi",
        system="be brief",
        temperature=0.3,
        top_p=0.9,
        stop=("END",),
        reasoning_budget=2000,
        metadata={"user_id": "u"},
        tool_choice="required",
        parallel_tool_calls=False,
        tools=(Tool(name="f", description="d", provider_data={"cache_control": {"type": "ephemeral"}}),),
    )
    assert anthropic_messages.encode_request(req, "databricks-claude-sonnet-4-5") == {
        "model": "databricks-claude-sonnet-4-5",
        "max_tokens": anthropic_messages.requests.DEFAULT_MAX_TOKENS,
        "system": "be brief",
        "messages": [{"role": "user", "content": "hi"}],
        "tools": [
            {
                "name": "f",
                "description": "d",
                "input_schema": {"type": "object", "properties": {}},
                "cache_control": {"type": "ephemeral"},
            }
        ],
        "tool_choice": {"type": "any", "disable_parallel_tool_use": True},
        "temperature": 0.3,
        "top_p": 0.9,
        "stop_sequences": ["END"],
        "thinking": {"type": "enabled", "budget_tokens": 2000},
        "metadata": {"user_id": "u"},
        "stream": True,
    }


def test_encode_request_maps_effort_to_adaptive_thinking_and_schema_to_output_format() -> None:
    req = Request.of(
        "x",
        "hi",
        reasoning_effort="high",
        response_format={"type": "json_schema", "json_schema": {"name": "o", "schema": {"type": "object"}}},
        tool_choice="none",
    )
    body = anthropic_messages.encode_request(req, "e")
    assert body["thinking"] == {"type": "adaptive"}
    assert body["output_config"] == {
        "effort": "high",
        "format": {"type": "json_schema", "schema": {"type": "object"}},
    }
    assert body["tool_choice"] == {"type": "none"}
    assert "thinking" not in anthropic_messages.encode_request(
        Request.of("x", "hi", reasoning_effort="minimal"), "e"
    )


@pytest.mark.parametrize(
    ("choice", "parallel", "expected"),
    [
        (None, None, None),
        ("auto", None, {"type": "auto"}),
        ("f", None, {"type": "tool", "name": "f"}),
        (None, False, {"type": "auto", "disable_parallel_tool_use": True}),
        ("none", False, {"type": "none"}),
    ],
)
def test_tool_choice_shapes(
    choice: str | None, parallel: bool | None, expected: dict[str, Any] | None
) -> None:
    body = anthropic_messages.encode_request(
        Request.of("x", "hi", tool_choice=choice, parallel_tool_calls=parallel), "e"
    )
    assert body.get("tool_choice") == expected


def test_encode_request_folds_tool_results_into_the_next_user_turn() -> None:
    messages = (
        Message(
            role="assistant",
            parts=(
                ReasoningPart(text="t", signature="s"),
                ReasoningPart(text="unsigned"),
                ReasoningPart(redacted="r"),
                ToolCallPart(id="a", name="f", arguments='{"x": 1}'),
                ToolCallPart(id="b", name="f", arguments="not json"),
            ),
        ),
        Message(role="tool", parts=(ToolResultPart(tool_call_id="a", content="1", is_error=True),)),
        Message(
            role="tool",
            parts=(
                ToolResultPart(
                    tool_call_id="b",
                    content=(TextPart(text="2"),),
                    provider_data={"cache_control": {"type": "ephemeral"}},
                ),
            ),
        ),
        Message(
            role="user",
            parts=(
                TextPart(text="go on"),
                ImagePart(url="data:image/gif;base64,R0lG"),
                ImagePart(url="https://x/p.png"),
            ),
        ),
        Message(role="system", parts=(TextPart(text="mid-conversation system"),)),
    )
    body = anthropic_messages.encode_request(Request(model="m", messages=messages), "e")
    assert body["messages"] == [
        {
            "role": "assistant",
            "content": [
                {"type": "thinking", "thinking": "t", "signature": "s"},
                {"type": "redacted_thinking", "data": "r"},
                {"type": "tool_use", "id": "a", "name": "f", "input": {"x": 1}},
                {"type": "tool_use", "id": "b", "name": "f", "input": {}},
            ],
        },
        {
            "role": "user",
            "content": [
                {"type": "tool_result", "tool_use_id": "a", "content": "1", "is_error": True},
                {
                    "type": "tool_result",
                    "tool_use_id": "b",
                    "content": [{"type": "text", "text": "2"}],
                    "cache_control": {"type": "ephemeral"},
                },
                {"type": "text", "text": "go on"},
                {"type": "image", "source": {"type": "base64", "media_type": "image/gif", "data": "R0lG"}},
                {"type": "image", "source": {"type": "url", "url": "https://x/p.png"}},
            ],
        },
        {"role": "system", "content": "mid-conversation system"},
    ]


def test_encode_request_keeps_only_its_own_native_tools() -> None:
    mine = Tool(
        name="web_search",
        provider_data={
            "native_api": "anthropic_messages",
            "native_tool": {"type": "web_search_20250305", "name": "web_search"},
        },
    )
    theirs = Tool(
        name="x", provider_data={"native_api": "openai_responses", "native_tool": {"type": "web_search"}}
    )
    body = anthropic_messages.encode_request(Request.of("m", "hi", tools=(mine, theirs)), "e")
    assert body["tools"] == [{"type": "web_search_20250305", "name": "web_search"}]


# ---------------------------------------------------------------- inbound request decoding


def test_claude_code_request_decodes_system_blocks_inline_system_thinking_and_tools() -> None:
    req = anthropic_messages.decode_request(fixture_json("claude_code_messages_request.json"))
    assert [m.role for m in req.messages] == ["system", "user", "system", "assistant", "tool"]
    assert req.messages[0].parts[1] == TextPart(
        text="You are a Claude agent, built on Anthropic's Claude Agent SDK.",
        provider_data={"cache_control": {"type": "ephemeral"}},
    )
    assert req.messages[3].parts == (
        ReasoningPart(text="Use Bash.", signature="sig-abc"),
        ReasoningPart(redacted="redacted-xyz"),
        ToolCallPart(
            id="toolu_stub1",
            name="Bash",
            arguments='{"command":"echo stub-tool-ok","description":"Print a marker"}',
        ),
    )
    assert req.messages[4].parts == (
        ToolResultPart(
            tool_call_id="toolu_stub1",
            content="stub-tool-ok",
            provider_data={"cache_control": {"type": "ephemeral"}},
        ),
    )
    assert req.tools[1].provider_data == {"defer_loading": True}
    assert req.reasoning_effort == "high" and req.reasoning_budget is None
    assert req.extra == {
        "context_management": {"edits": [{"type": "clear_thinking_20251015", "keep": "all"}]}
    }


def test_claude_code_request_round_trips_through_messages() -> None:
    body = fixture_json("claude_code_messages_request.json")
    req = anthropic_messages.decode_request(body)
    again = anthropic_messages.encode_request(req, "stub-model")
    del body["messages"][3]["content"][0]["is_error"]  # `false` is the default and is not repeated
    assert again["messages"] == body["messages"]
    assert again["system"] == body["system"] and again["tools"] == body["tools"]
    assert anthropic_messages.decode_request(again).messages == req.messages


def test_opencode_request_decodes_images_errors_and_splits_the_user_turn() -> None:
    req = anthropic_messages.decode_request(fixture_json("opencode_messages_request.json"))
    assert [m.role for m in req.messages] == ["system", "user", "assistant", "tool", "user"]
    assert req.messages[1].parts[1] == ImagePart(data_base64="/9j/4AAQ", media_type="image/jpeg")
    assert req.messages[3].parts == (
        ToolResultPart(tool_call_id="toolu_1", content=(TextPart(text="a.py"),), is_error=True),
    )
    assert req.reasoning_budget == 4000 and req.parallel_tool_calls is False and req.tool_choice == "auto"
    assert req.stop == ("STOP",) and req.temperature == 1
    assert req.tools[0].provider_data == {"eager_input_streaming": True}
    assert req.tools[1].provider_data == {
        "native_api": "anthropic_messages",
        "native_tool": {"type": "web_search_20250305", "name": "web_search", "max_uses": 3},
    }
    again = anthropic_messages.encode_request(req, "claude-sonnet-4-5")
    assert again["messages"] == fixture_json("opencode_messages_request.json")["messages"]


def test_decode_request_reads_tool_choice_shapes_and_keeps_other_output_config() -> None:
    body = {
        "model": "m",
        "messages": [
            {"role": "user", "content": [{"type": "image", "source": {"type": "url", "url": "https://x"}}]}
        ],
        "tool_choice": {"type": "tool", "name": "f"},
        "output_config": {"effort": "low", "format": {"type": "json_schema"}},
        "thinking": {"type": "disabled"},
    }
    req = anthropic_messages.decode_request(body)
    assert req.tool_choice == "f" and req.reasoning_effort == "low"
    assert req.extra == {"output_config": {"format": {"type": "json_schema"}}}
    assert req.messages == (Message(role="user", parts=(ImagePart(url="https://x"),)),)
    assert (
        anthropic_messages.decode_request(
            {"model": "m", "messages": [], "thinking": {"type": "adaptive"}}
        ).reasoning_effort
        == "medium"
    )
    empty = anthropic_messages.decode_request({"model": "m", "messages": [{"role": "user", "content": []}]})
    assert empty.messages == (Message(role="user"),)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"messages": []}, "`model`"),
        ({"model": "m", "messages": {}}, "`messages` must be an array"),
        (
            {"model": "m", "messages": [{"role": "tool", "content": "x"}]},
            r'role must be user or assistant \(got "tool"\)',
        ),
        ({"model": "m", "messages": [{"role": "user", "content": 1}]}, "string or an array"),
        (
            {"model": "m", "messages": [{"role": "user", "content": [{"type": "document"}]}]},
            '"document" cannot be translated',
        ),
        (
            {
                "model": "m",
                "messages": [{"role": "user", "content": [{"type": "image", "source": {"type": "file"}}]}],
            },
            '"file" is not supported',
        ),
        ({"model": "m", "messages": [], "tools": [{"input_schema": {}}]}, "name must be"),
    ],
)
def test_decode_request_rejects_malformed_bodies_with_a_clear_message(
    body: dict[str, Any], message: str
) -> None:
    with pytest.raises(InvalidRequest, match=message):
        anthropic_messages.decode_request(body)


# ---------------------------------------------------------------- inbound stream / response encoding


def sse_types(wire: bytes) -> list[str]:
    return [e.event or "" for e in SSEDecoder().feed(wire)]


def test_stream_encoder_emits_the_messages_event_sequence() -> None:
    encoder = anthropic_messages.StreamEncoder("gw", message_id="msg_1")
    usage = Usage(input_tokens=3, output_tokens=2, cache_read_tokens=1, cache_write_tokens=4)
    events = [
        Start(),
        TextDelta(text="Hi"),
        UsageReport(usage=usage),
        Finish(reason="stop", raw_reason="stop"),
    ]
    wire = encode_stream(encoder, events)
    assert sse_types(wire) == [
        "message_start",
        "ping",
        "content_block_start",
        "content_block_delta",
        "content_block_stop",
        "message_delta",
        "message_stop",
    ]
    delta = orjson.loads(SSEDecoder().feed(wire)[-2].data)
    assert delta == {
        "type": "message_delta",
        "delta": {"stop_reason": "end_turn", "stop_sequence": None},
        "usage": {
            "input_tokens": 3,
            "cache_creation_input_tokens": 4,
            "cache_read_input_tokens": 1,
            "output_tokens": 2,
        },
    }
    assert collect(decode_stream(anthropic_messages, wire)).usage == usage


def test_stream_encoder_thinking_tools_and_redacted_blocks_decode_back() -> None:
    events = [
        ReasoningDelta(text="a"),
        ReasoningDelta(text="b", signature="s1"),
        ReasoningDelta(redacted="r"),
        ReasoningDelta(text="c"),
        ReasoningDelta(),
        TextDelta(text=""),
        ToolCallStart(index=0, id="t1", name="f"),
        ToolCallDelta(index=0, arguments='{"x":'),
        ToolCallDelta(index=0, arguments="1}"),
        ToolCallEnd(index=0),
        ToolCallStart(index=1, id="t2", name="g"),
        ToolCallDelta(index=7, arguments="lost"),
        ToolCallEnd(index=7),
        Finish(reason="tool-calls", raw_reason="tool_calls"),
    ]
    wire = encode_stream(anthropic_messages.StreamEncoder("gw"), events)
    response = collect(decode_stream(anthropic_messages, wire))
    assert response.message.parts == (
        ReasoningPart(text="ab", signature="s1"),
        ReasoningPart(redacted="r"),
        ReasoningPart(text="c"),
        ToolCallPart(id="t1", name="f", arguments='{"x":1}'),
        ToolCallPart(id="t2", name="g", arguments="{}"),
    )
    assert response.finish_reason == "tool-calls"


def test_stream_encoder_keeps_a_native_stop_reason() -> None:
    wire = encode_stream(
        anthropic_messages.StreamEncoder("gw"), [Finish(reason="stop", raw_reason="stop_sequence")]
    )
    assert b'"stop_reason":"stop_sequence"' in wire


def test_stream_encoder_turns_an_error_into_an_error_event_and_stops() -> None:
    encoder = anthropic_messages.StreamEncoder("gw")
    wire = encoder.encode(StreamError(message="cut", code="stream_incomplete"))
    assert sse_types(wire) == ["message_start", "ping", "error"]
    assert encoder.encode(TextDelta(text="x")) == b"" and encoder.finish() == b""


def test_stream_encoder_with_no_events_still_completes() -> None:
    wire = anthropic_messages.StreamEncoder("gw").finish()
    assert sse_types(wire) == ["message_start", "ping", "message_delta", "message_stop"]


def test_encode_response_builds_a_message_body() -> None:
    response = Response(
        message=Message(
            role="assistant",
            parts=(
                ReasoningPart(text="t"),
                ReasoningPart(redacted="r"),
                TextPart(text="hi"),
                ToolCallPart(id="c", name="f", arguments='{"a":2}'),
            ),
        ),
        usage=Usage(input_tokens=1, output_tokens=2),
        finish_reason="length",
    )
    body = anthropic_messages.encode_response(response, "gw")
    assert body["content"] == [
        {"type": "thinking", "thinking": "t", "signature": ""},
        {"type": "redacted_thinking", "data": "r"},
        {"type": "text", "text": "hi"},
        {"type": "tool_use", "id": "c", "name": "f", "input": {"a": 2}},
    ]
    assert body["stop_reason"] == "max_tokens" and body["model"] == "gw"
    assert collect(anthropic_messages.decode_response(body)).tool_calls[0].arguments == '{"a":2}'
