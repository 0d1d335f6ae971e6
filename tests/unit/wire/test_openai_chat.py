from __future__ import annotations

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
from brickgate.wire import openai_chat
from brickgate.wire.contract import feed
from brickgate.wire.sse import SSEEvent
from tests.unit.wire.replay import decode_stream, encode_stream, fixture_bytes, fixture_json


def chunk(delta: dict[str, object] | None = None, finish: str | None = None, **extra: object) -> SSEEvent:
    body = {
        "id": "c1",
        "model": "m",
        "choices": [{"index": 0, "delta": delta or {}, "finish_reason": finish}],
        **extra,
    }
    return SSEEvent(None, orjson.dumps(body).decode())


DONE = SSEEvent(None, "[DONE]")

# ---------------------------------------------------------------- upstream stream decoding


def test_claude_partial_usage_chunks_yield_the_final_complete_usage() -> None:
    events = decode_stream(openai_chat, fixture_bytes("chat_claude_text.sse"))
    assert events == [
        Start(id="chatcmpl_1", model="claude-sonnet-4-5-20250929"),
        TextDelta(text="Hel"),
        TextDelta(text="lo"),
        UsageReport(
            usage=Usage(input_tokens=15, output_tokens=345, cache_read_tokens=100, cache_write_tokens=20)
        ),
        Finish(reason="stop", raw_reason="stop"),
    ]


def test_gemini_array_content_keeps_thought_signatures_on_text_and_tool_call() -> None:
    response = collect(decode_stream(openai_chat, fixture_bytes("chat_gemini_array.sse")))
    assert response.message.parts == (
        TextPart(text="Let me check the weather.", provider_data={"thoughtSignature": "c2lnLXRleHQ="}),
        ToolCallPart(
            id="call_g1",
            name="get_weather",
            arguments='{"city":"Paris"}',
            provider_data={"thoughtSignature": "c2lnLWNhbGw="},
        ),
    )


def test_gemini_all_null_usage_reports_no_usage() -> None:
    events = decode_stream(openai_chat, fixture_bytes("chat_gemini_array.sse"))
    assert not [e for e in events if isinstance(e, UsageReport)]


def test_parallel_tool_call_deltas_assemble_and_trailing_usage_chunk_counts() -> None:
    events = decode_stream(openai_chat, fixture_bytes("chat_gpt_tool_calls.sse"), chunk_size=7)
    assert events[1:] == [
        ToolCallStart(index=0, id="call_a", name="read"),
        ToolCallDelta(index=0, arguments='{"path":'),
        ToolCallDelta(index=0, arguments='"a.py"}'),
        ToolCallStart(index=1, id="call_b", name="read"),
        ToolCallDelta(index=1, arguments='{"path":"b.py"}'),
        ToolCallEnd(index=0),
        ToolCallEnd(index=1),
        UsageReport(
            usage=Usage(input_tokens=20, output_tokens=40, cache_read_tokens=100, reasoning_tokens=12)
        ),
        Finish(reason="tool-calls", raw_reason="tool_calls"),
    ]


def test_claude_reasoning_array_becomes_one_signed_reasoning_part() -> None:
    response = collect(decode_stream(openai_chat, fixture_bytes("chat_claude_reasoning.sse")))
    assert response.message.parts == (
        ReasoningPart(text="The user wants a greeting.", signature="RXVnQ2tZSUFn"),
        TextPart(text="Hi!"),
    )


def test_encrypted_reasoning_summary_becomes_redacted_reasoning() -> None:
    decoder = openai_chat.StreamDecoder()
    item = {"type": "reasoning", "summary": [{"type": "summary_encrypted_text", "data": "opaque"}, "junk"]}
    events = feed(decoder, chunk({"content": [item, {"type": "text", "text": ""}, "junk"]}))
    assert events[1:] == [ReasoningDelta(redacted="opaque")]


def test_reasoning_content_string_field_is_reasoning() -> None:
    decoder = openai_chat.StreamDecoder()
    assert feed(decoder, chunk({"reasoning_content": "hmm"}))[1:] == [ReasoningDelta(text="hmm")]
    assert feed(decoder, chunk({"reasoning": "more"})) == [ReasoningDelta(text="more")]


def test_reasoning_sent_under_both_spellings_is_shown_once() -> None:
    decoder = openai_chat.StreamDecoder()
    assert feed(decoder, chunk({"reasoning_content": "hmm", "reasoning": "hmm"}))[1:] == [
        ReasoningDelta(text="hmm")
    ]


def test_reasoning_of_a_whole_message_comes_before_its_answer() -> None:
    body = {
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": "Hi.", "reasoning_content": "Greet back."},
                "finish_reason": "stop",
            }
        ]
    }
    kinds = [e.kind for e in openai_chat.decode_response(body)]
    assert kinds.index("reasoning_delta") < kinds.index("text_delta")


def test_stream_cut_before_finish_ends_with_stream_incomplete() -> None:
    decoder = openai_chat.StreamDecoder()
    feed(
        decoder, chunk({"tool_calls": [{"index": 0, "id": "c", "function": {"name": "f", "arguments": "{"}}]})
    )
    assert decoder.close() == [
        ToolCallEnd(index=0),
        StreamError(message="the upstream stream ended before it finished", code="stream_incomplete"),
    ]
    assert decoder.close() == []
    assert feed(decoder, DONE) == []


def test_finish_reason_without_done_still_completes_on_close() -> None:
    decoder = openai_chat.StreamDecoder()
    feed(decoder, chunk({"content": "hi"}, "length"))
    assert decoder.close() == [Finish(reason="length", raw_reason="length")]


def test_done_without_finish_reason_infers_stop() -> None:
    decoder = openai_chat.StreamDecoder()
    feed(decoder, chunk({"content": "hi"}))
    assert feed(decoder, DONE) == [Finish(reason="stop", raw_reason=None)]


def test_unknown_finish_reason_maps_to_other() -> None:
    decoder = openai_chat.StreamDecoder()
    feed(decoder, chunk({}, "weird"))
    assert feed(decoder, DONE)[-1] == Finish(reason="other", raw_reason="weird")


def test_non_json_chunk_is_a_stream_error() -> None:
    decoder = openai_chat.StreamDecoder()
    events = feed(decoder, SSEEvent(None, "{not json"))
    assert isinstance(events[0], StreamError) and events[0].code == "invalid_json"
    assert decoder.close() == []


def test_non_object_chunk_is_a_stream_error() -> None:
    events = feed(openai_chat.StreamDecoder(), SSEEvent(None, "[1]"))
    assert isinstance(events[0], StreamError) and events[0].code == "invalid_json"


def test_error_chunk_mid_stream_is_a_stream_error_with_its_code() -> None:
    decoder = openai_chat.StreamDecoder()
    feed(decoder, chunk({"content": "a"}))
    error = {"error": {"message": "overloaded", "code": "503"}}
    assert feed(decoder, SSEEvent(None, orjson.dumps(error).decode())) == [
        StreamError(message="overloaded", code="503")
    ]


def test_error_chunk_with_a_plain_string_is_a_stream_error() -> None:
    events = feed(openai_chat.StreamDecoder(), SSEEvent(None, '{"error": "boom"}'))
    assert events == [StreamError(message="boom", code=None)]


def test_a_new_call_reusing_an_index_is_a_separate_call() -> None:
    first = {"index": 0, "id": "a", "function": {"name": "f", "arguments": "{}"}}
    second = {"index": 0, "id": "b", "function": {"name": "g", "arguments": "{}"}}
    decoder = openai_chat.StreamDecoder()
    got = feed(decoder, chunk({"tool_calls": [first]})) + feed(decoder, chunk({"tool_calls": [second]}))
    assert collect(got).tool_calls == (
        ToolCallPart(id="a", name="f", arguments="{}"),
        ToolCallPart(id="b", name="g", arguments="{}"),
    )


def test_late_thought_signature_on_a_tool_call_arrives_with_its_end() -> None:
    decoder = openai_chat.StreamDecoder()
    feed(decoder, chunk({"tool_calls": [{"index": 0, "id": "a", "function": {"name": "f"}}]}))
    feed(
        decoder,
        chunk({"tool_calls": [{"index": 0, "function": {"arguments": "{}"}, "thoughtSignature": "s"}]}),
    )
    assert feed(decoder, chunk({}, "tool_calls"))[0] == ToolCallEnd(
        index=0, provider_data={"thoughtSignature": "s"}
    )


def test_tool_call_without_id_gets_one() -> None:
    events = feed(openai_chat.StreamDecoder(), chunk({"tool_calls": [{"function": {"name": "f"}}, "junk"]}))
    start = events[1]
    assert isinstance(start, ToolCallStart) and start.id.startswith("call_") and start.name == "f"


def test_choices_other_than_the_first_are_ignored() -> None:
    body = {"id": "x", "choices": [{"index": 1, "delta": {"content": "no"}}, "junk"]}
    assert feed(openai_chat.StreamDecoder(), SSEEvent(None, orjson.dumps(body).decode())) == [Start(id="x")]


def test_partial_usage_never_replaces_a_complete_one() -> None:
    decoder = openai_chat.StreamDecoder()
    feed(decoder, chunk({}, usage={"prompt_tokens": 5}))
    feed(decoder, chunk({}, usage={"prompt_tokens": 5, "completion_tokens": 2}))
    feed(decoder, chunk({}, "stop", usage={"prompt_tokens": 9, "completion_tokens": None}))
    assert feed(decoder, DONE)[0] == UsageReport(usage=Usage(input_tokens=5, output_tokens=2))


def test_only_partial_usage_is_still_reported() -> None:
    decoder = openai_chat.StreamDecoder()
    feed(decoder, chunk({}, "stop", usage={"prompt_tokens": 7.0, "completion_tokens": True}))
    assert feed(decoder, DONE)[0] == UsageReport(usage=Usage(input_tokens=7))


def test_non_streaming_body_decodes_like_its_stream() -> None:
    body = {
        "id": "chatcmpl_x",
        "model": "gpt-oss-120b",
        "choices": [
            {
                "index": 0,
                "message": {
                    "role": "assistant",
                    "content": "",
                    "tool_calls": [
                        {"id": "t1", "type": "function", "function": {"name": "a", "arguments": '{"x":1}'}},
                        {"id": "t2", "type": "function", "function": {"name": "b", "arguments": "{}"}},
                    ],
                },
                "finish_reason": "tool_calls",
            }
        ],
        "usage": {"prompt_tokens": 12, "completion_tokens": 5, "total_tokens": 17},
    }
    response = collect(openai_chat.decode_response(body))
    assert response == Response(
        message=Message(
            role="assistant",
            parts=(
                ToolCallPart(id="t1", name="a", arguments='{"x":1}'),
                ToolCallPart(id="t2", name="b", arguments="{}"),
            ),
        ),
        usage=Usage(input_tokens=12, output_tokens=5),
        finish_reason="tool-calls",
        id="chatcmpl_x",
        model="gpt-oss-120b",
    )


# ---------------------------------------------------------------- upstream request encoding


def test_encode_request_builds_a_streaming_chat_body_with_usage_requested() -> None:
    req = Request.of(
        "anything", "hi", system="be brief", max_tokens=100, temperature=0.2, top_p=0.9, stop=("X",)
    )
    assert openai_chat.encode_request(req, "databricks-gemma-3-12b") == {
        "model": "databricks-gemma-3-12b",
        "messages": [{"role": "system", "content": "be brief"}, {"role": "user", "content": "hi"}],
        "max_tokens": 100,
        "temperature": 0.2,
        "top_p": 0.9,
        "stop": ["X"],
        "stream": True,
        "stream_options": {"include_usage": True},
    }


def test_encode_request_maps_tools_choice_reasoning_and_format() -> None:
    tool = Tool(name="f", description="d", parameters={"type": "object"}, strict=True)
    req = Request.of(
        "m",
        "hi",
        tools=(tool,),
        tool_choice="f",
        parallel_tool_calls=False,
        reasoning_effort="high",
        reasoning_budget=2048,
        response_format={"type": "json_object"},
        stream=False,
    )
    body = openai_chat.encode_request(req, "e")
    assert body["tools"] == [
        {
            "type": "function",
            "function": {"name": "f", "description": "d", "parameters": {"type": "object"}, "strict": True},
        }
    ]
    assert body["tool_choice"] == {"type": "function", "function": {"name": "f"}}
    assert body["parallel_tool_calls"] is False
    assert body["reasoning_effort"] == "high"
    assert body["thinking"] == {"type": "enabled", "budget_tokens": 2048}
    assert body["response_format"] == {"type": "json_object"}
    assert body["stream"] is False and "stream_options" not in body


def test_encode_request_sends_gemini_signatures_back_in_array_content_and_on_tool_calls() -> None:
    assistant = Message(
        role="assistant",
        parts=(
            ReasoningPart(text="unsigned thoughts"),
            TextPart(text="Checking.", provider_data={"thoughtSignature": "sig-t"}),
            ToolCallPart(id="c1", name="f", arguments="{}", provider_data={"thoughtSignature": "sig-c"}),
        ),
    )
    body = openai_chat.encode_request(Request(model="m", messages=(assistant,)), "e")
    assert body["messages"] == [
        {
            "role": "assistant",
            "content": [{"type": "text", "text": "Checking.", "thoughtSignature": "sig-t"}],
            "tool_calls": [
                {
                    "id": "c1",
                    "type": "function",
                    "function": {"name": "f", "arguments": "{}"},
                    "thoughtSignature": "sig-c",
                }
            ],
        }
    ]


def test_encode_request_replays_signed_and_redacted_reasoning_as_reasoning_items() -> None:
    assistant = Message(
        role="assistant",
        parts=(ReasoningPart(text="t", signature="s"), ReasoningPart(redacted="r"), TextPart(text="ok")),
    )
    body = openai_chat.encode_request(Request(model="m", messages=(assistant,)), "e")
    assert body["messages"][0]["content"] == [
        {"type": "reasoning", "summary": [{"type": "summary_text", "text": "t", "signature": "s"}]},
        {"type": "reasoning", "summary": [{"type": "summary_encrypted_text", "data": "r"}]},
        {"type": "text", "text": "ok"},
    ]


def test_encode_request_tool_only_assistant_turn_has_null_content() -> None:
    assistant = Message(role="assistant", parts=(ToolCallPart(id="c", name="f", arguments="{}"),))
    body = openai_chat.encode_request(
        Request(model="m", messages=(assistant, Message(role="assistant"))), "e"
    )
    assert body["messages"][0]["content"] is None
    assert body["messages"][1] == {"role": "assistant", "content": ""}


def test_encode_request_gives_each_tool_result_its_own_tool_message() -> None:
    results = Message(
        role="user",
        parts=(
            ToolResultPart(tool_call_id="a", content="1"),
            ToolResultPart(tool_call_id="b", content=(TextPart(text="2"), ImagePart(url="https://x/i.png"))),
        ),
    )
    body = openai_chat.encode_request(Request(model="m", messages=(results,)), "e")
    assert body["messages"] == [
        {"role": "tool", "tool_call_id": "a", "content": "1"},
        {
            "role": "tool",
            "tool_call_id": "b",
            "content": [
                {"type": "text", "text": "2"},
                {"type": "image_url", "image_url": {"url": "https://x/i.png"}},
            ],
        },
    ]


def test_encode_request_user_images_use_array_content_and_names_survive() -> None:
    user = Message(
        role="user",
        parts=(TextPart(text="see"), ImagePart(data_base64="AAA", media_type="image/jpeg", detail="high")),
        name="bob",
    )
    body = openai_chat.encode_request(Request(model="m", messages=(user, Message(role="user"))), "e")
    assert body["messages"] == [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": "see"},
                {"type": "image_url", "image_url": {"url": "data:image/jpeg;base64,AAA", "detail": "high"}},
            ],
            "name": "bob",
        },
        {"role": "user", "content": ""},
    ]


def test_encode_request_extra_fills_gaps_but_never_overrides() -> None:
    req = Request.of("m", "hi", max_tokens=5, extra={"max_tokens": 999, "n": 1, "stream_options": {"x": 1}})
    body = openai_chat.encode_request(req, "e")
    assert body["max_tokens"] == 5 and body["n"] == 1
    assert body["stream_options"] == {"x": 1, "include_usage": True}


def test_encode_request_omits_native_tools_of_other_apis() -> None:
    web = Tool(
        name="web_search",
        provider_data={"native_api": "openai_responses", "native_tool": {"type": "web_search"}},
    )
    mine = Tool(
        name="c", provider_data={"native_api": "openai_chat", "native_tool": {"type": "custom", "name": "c"}}
    )
    body = openai_chat.encode_request(Request.of("m", "hi", tools=(web, mine)), "e")
    assert body["tools"] == [{"type": "custom", "name": "c"}]


# ---------------------------------------------------------------- inbound request decoding


def test_opencode_second_turn_decodes_with_empty_content_tool_call_and_schema() -> None:
    req = openai_chat.decode_request(fixture_json("opencode_chat_request.json"))
    assert [m.role for m in req.messages] == ["system", "user", "assistant", "tool"]
    assert req.messages[2].parts == (
        ToolCallPart(id="call_stub1", name="bash", arguments='{"command":"echo stub-tool-ok"}'),
    )
    assert req.messages[3].parts == (ToolResultPart(tool_call_id="call_stub1", content="stub-tool-ok\n"),)
    assert req.tools[0].parameters["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert req.max_tokens == 32000 and req.stream is True and req.tool_choice == "auto"
    assert req.extra == {"stream_options": {"include_usage": True}}


def test_llm_style_request_decodes_developer_images_null_content_and_options() -> None:
    req = openai_chat.decode_request(fixture_json("llm_chat_request.json"))
    system, user, assistant, tool = req.messages
    assert system == Message(
        role="system", parts=(TextPart(text="Be brief."),), provider_data={"role": "developer"}
    )
    assert user.parts[1] == ImagePart(url="data:image/png;base64,iVBORw0KGgo=", detail="low")
    assert assistant.parts == (ToolCallPart(id="call_t1", name="llm_time", arguments="{}"),)
    assert tool.parts == (ToolResultPart(tool_call_id="call_t1", content=(TextPart(text="12:00"),)),)
    assert (req.max_tokens, req.reasoning_effort, req.stop, req.temperature, req.stream) == (
        500,
        "low",
        ("END",),
        0,
        False,
    )
    assert req.response_format is not None and req.response_format["type"] == "json_schema"
    assert req.tools[0].strict is False
    assert req.extra == {"user": "someone"}


def test_decode_request_reads_thinking_budget_and_reasoning_content() -> None:
    body = {
        "model": "m",
        "messages": [
            {
                "role": "assistant",
                "reasoning_content": "thought",
                "content": [{"type": "refusal", "refusal": "no"}],
            },
            {
                "role": "assistant",
                "content": [
                    {
                        "type": "reasoning",
                        "summary": [{"type": "summary_text", "text": "t", "signature": "s"}],
                    }
                ],
            },
            {
                "role": "assistant",
                "content": [
                    {"type": "reasoning", "summary": [{"type": "summary_encrypted_text", "data": "d"}]}
                ],
            },
            {
                "role": "assistant",
                "content": [
                    {"type": "reasoning", "summary": []},
                    {"type": "text", "text": "x", "thoughtSignature": "g"},
                ],
            },
            {"role": "user", "content": [{"type": "image_url", "image_url": "https://x/y.png"}]},
        ],
        "thinking": {"type": "enabled", "budget_tokens": 1000},
        "tool_choice": {"type": "function", "function": {"name": "f"}},
        "tools": [{"type": "custom", "name": "raw"}, {"type": "function", "function": {"name": "g"}}],
    }
    req = openai_chat.decode_request(body)
    assert req.reasoning_budget == 1000 and "thinking" not in req.extra
    assert req.messages[0].parts == (ReasoningPart(text="thought"), TextPart(text="no"))
    assert req.messages[1].parts == (ReasoningPart(text="t", signature="s"),)
    assert req.messages[2].parts == (ReasoningPart(redacted="d"),)
    assert req.messages[3].parts == (TextPart(text="x", provider_data={"thoughtSignature": "g"}),)
    assert req.messages[4].parts == (ImagePart(url="https://x/y.png"),)
    assert req.tool_choice == "f"
    assert req.tools[0].provider_data == {
        "native_api": "openai_chat",
        "native_tool": {"type": "custom", "name": "raw"},
    }
    assert req.tools[1].parameters == {"type": "object", "properties": {}}


def test_decode_request_keeps_an_unusable_thinking_field_as_extra() -> None:
    req = openai_chat.decode_request(
        {"model": "m", "messages": [], "thinking": {"type": "adaptive"}, "tool_choice": {}}
    )
    assert (
        req.extra == {"thinking": {"type": "adaptive"}}
        and req.reasoning_budget is None
        and req.tool_choice is None
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"messages": []}, "`model`"),
        ({"model": "m"}, "`messages` is missing"),
        ({"model": "m", "messages": ["x"]}, r"messages\[0\] must be an object"),
        ({"model": "m", "messages": [{"role": "wizard"}]}, r'role must be .* \(got "wizard"\)'),
        ({"model": "m", "messages": [{"role": "tool", "content": "x"}]}, "tool_call_id"),
        ({"model": "m", "messages": [{"role": "user", "content": 5}]}, "string or an array"),
        ({"model": "m", "messages": [{"role": "user", "content": [{"type": "input_audio"}]}]}, "input_audio"),
        (
            {"model": "m", "messages": [{"role": "assistant", "tool_calls": [{"id": "x"}]}]},
            "function must be",
        ),
        ({"model": "m", "messages": [], "tools": [{"type": "function", "function": {}}]}, "name must be"),
    ],
)
def test_decode_request_rejects_malformed_bodies_with_a_clear_message(
    body: dict[str, object], message: str
) -> None:
    with pytest.raises(InvalidRequest, match=message):
        openai_chat.decode_request(body)


def test_request_round_trips_through_chat() -> None:
    original = openai_chat.decode_request(fixture_json("llm_chat_request.json"))
    again = openai_chat.decode_request(openai_chat.encode_request(original, "stub-model"))
    assert again.messages == original.messages
    assert again.tools == original.tools
    assert (again.max_tokens, again.stop, again.reasoning_effort, again.response_format) == (
        original.max_tokens,
        original.stop,
        original.reasoning_effort,
        original.response_format,
    )


# ---------------------------------------------------------------- inbound stream / response encoding


def test_stream_encoder_writes_openai_chunks_and_done() -> None:
    encoder = openai_chat.StreamEncoder("gw-model", response_id="chatcmpl-1", created=7)
    wire = encode_stream(encoder, [Start(), TextDelta(text="Hi"), Finish(reason="stop")])
    head = '{"id":"chatcmpl-1","object":"chat.completion.chunk","created":7,"model":"gw-model","choices":['
    assert wire.decode().split("\n\n") == [
        f'data: {head}{{"index":0,"delta":{{"role":"assistant","content":""}},"finish_reason":null}}]}}',
        f'data: {head}{{"index":0,"delta":{{"content":"Hi"}},"finish_reason":null}}]}}',
        f'data: {head}{{"index":0,"delta":{{}},"finish_reason":"stop"}}]}}',
        "data: [DONE]",
        "",
    ]


def test_stream_encoder_sends_usage_chunk_only_when_asked() -> None:
    events = [
        TextDelta(text="a"),
        UsageReport(usage=Usage(input_tokens=3, output_tokens=2, cache_read_tokens=1)),
    ]
    without = encode_stream(openai_chat.StreamEncoder("m"), events)
    with_usage = encode_stream(openai_chat.StreamEncoder("m", include_usage=True), events)
    assert b'"usage"' not in without
    last_chunk = orjson.loads(with_usage.split(b"\n\n")[-3][6:])
    assert last_chunk["choices"] == []
    assert last_chunk["usage"] == {
        "prompt_tokens": 4,
        "completion_tokens": 2,
        "total_tokens": 6,
        "prompt_tokens_details": {"cached_tokens": 1},
        "completion_tokens_details": {"reasoning_tokens": 0},
    }


def test_stream_encoder_tool_calls_and_reasoning_decode_back() -> None:
    events = [
        ReasoningDelta(text="think"),
        ReasoningDelta(signature="s"),
        ToolCallStart(index=0, id="c1", name="f"),
        ToolCallDelta(index=0, arguments='{"a":'),
        ToolCallDelta(index=0, arguments="1}"),
        ToolCallEnd(index=0),
        TextDelta(text=""),
        Finish(reason="tool-calls"),
    ]
    wire = encode_stream(openai_chat.StreamEncoder("m"), events)
    response = collect(decode_stream(openai_chat, wire))
    assert response.reasoning == "think"
    assert response.tool_calls == (ToolCallPart(id="c1", name="f", arguments='{"a":1}'),)
    assert response.finish_reason == "tool-calls"


def test_stream_encoder_turns_an_error_into_an_error_chunk_then_done() -> None:
    encoder = openai_chat.StreamEncoder("m")
    wire = encoder.encode(StreamError(message="cut", code="stream_incomplete")) + encoder.encode(
        TextDelta(text="x")
    )
    assert wire == b'data: {"error":{"message":"cut","type":"upstream_error","code":"stream_incomplete"}}\n\n'
    assert encoder.finish() == b"data: [DONE]\n\n"


def test_stream_encoder_with_no_events_still_sends_a_complete_stream() -> None:
    wire = openai_chat.StreamEncoder("m").finish()
    assert collect(decode_stream(openai_chat, wire)).finish_reason == "stop"
    assert wire.count(b"data: ") == 3


def test_stream_encoder_start_after_content_adds_nothing_and_finish_is_sent_once() -> None:
    encoder = openai_chat.StreamEncoder("m")
    encoder.encode(ReasoningDelta(text=""))
    encoder.encode(ToolCallDelta(index=0, arguments="x"))
    assert encoder.encode(Start()) == b""
    assert encoder.encode(Finish(reason="length")).count(b"data:") == 1
    assert encoder.encode(Finish(reason="stop")) == b""
    assert encoder.encode(ToolCallEnd(index=0)) == b""


def test_finish_as_first_event_still_announces_the_role() -> None:
    encoder = openai_chat.StreamEncoder("m")
    assert encoder.encode(Finish(reason="content-filter")).count(b"data:") == 2


def test_encode_response_builds_a_chat_completion() -> None:
    response = Response(
        message=Message(
            role="assistant",
            parts=(
                ReasoningPart(text="r"),
                TextPart(text="hi"),
                ToolCallPart(id="c", name="f", arguments="{}"),
            ),
        ),
        usage=Usage(input_tokens=1, output_tokens=2),
        finish_reason="tool-calls",
    )
    body = openai_chat.encode_response(response, "gw")
    assert body["object"] == "chat.completion" and body["model"] == "gw"
    assert body["choices"] == [
        {
            "index": 0,
            "message": {
                "role": "assistant",
                "content": "hi",
                "reasoning_content": "r",
                "tool_calls": [{"id": "c", "type": "function", "function": {"name": "f", "arguments": "{}"}}],
            },
            "finish_reason": "tool_calls",
        }
    ]
    assert collect(openai_chat.decode_response(body)).text == "hi"


def test_encode_response_tool_only_answer_has_null_content() -> None:
    response = Response(
        message=Message(role="assistant", parts=(ToolCallPart(id="c", name="f", arguments="{}"),))
    )
    assert openai_chat.encode_response(response, "gw")["choices"][0]["message"]["content"] is None
