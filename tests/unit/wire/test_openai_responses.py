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
from brickgate.wire import openai_responses
from brickgate.wire.contract import feed
from brickgate.wire.openai_responses.reasoning import SIGNATURE_PREFIX
from brickgate.wire.sse import SSEDecoder, SSEEvent
from tests.unit.wire.replay import decode_stream, encode_stream, fixture_bytes, fixture_json


def event(kind: str, **fields: Any) -> SSEEvent:
    return SSEEvent(kind, orjson.dumps({"type": kind, **fields}).decode())


def completed(**response: Any) -> SSEEvent:
    return event("response.completed", response={"status": "completed", **response})


# ---------------------------------------------------------------- upstream stream decoding


def test_text_stream_matches_items_by_output_index_despite_mismatched_item_ids() -> None:
    events = decode_stream(openai_responses, fixture_bytes("responses_text.sse"), chunk_size=13)
    assert events == [
        Start(id="resp_00a1", model="gpt-5.5-2026-04-23"),
        TextDelta(text="Hello", provider_data={"id": "msg_00f3288e"}),
        TextDelta(text=" world"),
        UsageReport(usage=Usage(input_tokens=40, output_tokens=8, cache_read_tokens=10)),
        Finish(reason="stop", raw_reason="completed"),
    ]


def test_reasoning_and_function_call_stream_assembles() -> None:
    response = collect(decode_stream(openai_responses, fixture_bytes("responses_reasoning_tool.sse")))
    assert response.message.parts == (
        ReasoningPart(
            text="Need the file.\n\nReading it.", redacted="gAAAAB-opaque", provider_data={"id": "rs_1"}
        ),
        ToolCallPart(
            id="call_x1", name="exec_command", arguments='{"cmd":"ls"}', provider_data={"id": "fc_1"}
        ),
    )
    assert response.finish_reason == "tool-calls"
    assert response.usage == Usage(input_tokens=200, output_tokens=30, reasoning_tokens=20)


def test_non_streaming_body_decodes_like_its_stream() -> None:
    body = {
        "id": "resp_1",
        "model": "gpt-5",
        "status": "incomplete",
        "incomplete_details": {"reason": "max_output_tokens"},
        "output": [
            {
                "id": "rs_1",
                "type": "reasoning",
                "summary": [{"type": "summary_text", "text": "a"}, {"text": "b"}],
            },
            {
                "id": "msg_1",
                "type": "message",
                "role": "assistant",
                "content": [
                    {"type": "output_text", "text": "Hi"},
                    {"type": "refusal", "refusal": " no"},
                    {"type": "output_text"},
                ],
            },
            {"id": "fc_1", "type": "function_call", "call_id": "c1", "name": "f", "arguments": "{}"},
            {"id": "ws_1", "type": "web_search_call"},
        ],
        "usage": {"input_tokens": 10, "output_tokens": 4},
    }
    assert openai_responses.decode_response(body) == [
        Start(id="resp_1", model="gpt-5"),
        ReasoningDelta(text="a\n\nb", provider_data={"id": "rs_1"}),
        TextDelta(text="Hi", provider_data={"id": "msg_1"}),
        TextDelta(text=" no"),
        ToolCallStart(index=0, id="c1", name="f", provider_data={"id": "fc_1"}),
        ToolCallDelta(index=0, arguments="{}"),
        ToolCallEnd(index=0),
        UsageReport(usage=Usage(input_tokens=10, output_tokens=4)),
        Finish(reason="length", raw_reason="max_output_tokens"),
    ]


@pytest.mark.parametrize(
    ("response", "reason", "raw"),
    [
        (
            {"status": "incomplete", "incomplete_details": {"reason": "content_filter"}},
            "content-filter",
            "content_filter",
        ),
        ({"status": "incomplete"}, "other", "incomplete"),
        ({"status": "cancelled"}, "other", "cancelled"),
        ({}, "stop", None),
    ],
)
def test_final_status_maps_to_a_finish_reason(response: dict[str, Any], reason: str, raw: str | None) -> None:
    events = openai_responses.decode_response(response)
    assert events[-1] == Finish(reason=reason, raw_reason=raw)  # type: ignore[arg-type]


def test_failed_response_is_a_stream_error() -> None:
    decoder = openai_responses.StreamDecoder()
    feed(
        decoder,
        event("response.output_item.added", output_index=0, item={"type": "function_call", "id": "f"}),
    )
    failed = {"status": "failed", "error": {"code": "server_error", "message": "boom"}}
    assert feed(decoder, event("response.failed", response=failed)) == [
        ToolCallEnd(index=0),
        StreamError(message="boom", code="server_error"),
    ]
    assert decoder.close() == []


def test_error_event_is_a_stream_error() -> None:
    decoder = openai_responses.StreamDecoder()
    assert feed(decoder, event("error", code="rate_limit", message="slow down")) == [
        StreamError(message="slow down", code="rate_limit")
    ]
    assert feed(decoder, event("response.output_text.delta", output_index=0, delta="x")) == []


def test_stream_without_completed_ends_with_stream_incomplete() -> None:
    decoder = openai_responses.StreamDecoder()
    feed(decoder, event("response.created", response={"id": "r"}))
    feed(decoder, event("response.output_item.added", output_index=0, item={"type": "message"}))
    feed(decoder, event("response.output_text.delta", output_index=0, delta="Hel"))
    assert decoder.close() == [
        StreamError(message="the upstream stream ended before response.completed", code="stream_incomplete")
    ]


def test_non_json_event_is_a_stream_error() -> None:
    assert feed(openai_responses.StreamDecoder(), SSEEvent("x", "nope"))[0].kind == "error"
    assert feed(openai_responses.StreamDecoder(), SSEEvent("x", "3"))[0].kind == "error"


def test_arguments_done_without_deltas_supplies_the_arguments_once() -> None:
    decoder = openai_responses.StreamDecoder()
    feed(
        decoder, event("response.output_item.added", item={"type": "function_call", "id": "fc", "name": "f"})
    )
    assert feed(
        decoder, event("response.function_call_arguments.done", item_id="fc", arguments='{"a":1}')
    ) == [ToolCallDelta(index=0, arguments='{"a":1}')]
    done = {"type": "function_call", "id": "fc", "arguments": '{"a":1}'}
    assert feed(decoder, event("response.output_item.done", item=done)) == [ToolCallEnd(index=0)]
    assert feed(decoder, event("response.function_call_arguments.done", item_id="fc", arguments="{}")) == []


def test_deltas_for_unknown_items_are_ignored() -> None:
    decoder = openai_responses.StreamDecoder()
    assert feed(decoder, event("response.output_text.delta", item_id="nope", delta="x")) == []
    assert feed(decoder, event("response.function_call_arguments.delta", output_index=3, delta="x")) == []
    assert feed(decoder, event("response.reasoning_summary_text.delta", output_index=3, delta="x")) == []
    assert feed(decoder, event("response.output_text.done", output_index=0)) == []


def test_item_done_without_item_added_still_yields_the_call() -> None:
    decoder = openai_responses.StreamDecoder()
    item = {"type": "function_call", "call_id": "c", "name": "f", "arguments": "{}"}
    events = feed(decoder, event("response.output_item.done", output_index=0, item=item))
    assert events[1:] == [
        ToolCallStart(index=0, id="c", name="f"),
        ToolCallDelta(index=0, arguments="{}"),
        ToolCallEnd(index=0),
    ]


def test_signature_in_encrypted_content_comes_back_as_a_signature() -> None:
    item = {"type": "reasoning", "summary": [], "encrypted_content": SIGNATURE_PREFIX + "sig"}
    events = openai_responses.decode_response({"output": [item]})
    assert events[1] == ReasoningDelta(signature="sig")


# ---------------------------------------------------------------- upstream request encoding


def test_encode_request_builds_a_responses_body() -> None:
    req = Request(
        model="x",
        messages=(
            Message(role="system", parts=(TextPart(text="sys"),), provider_data={"instructions": True}),
            Message(role="system", parts=(TextPart(text="dev"),), provider_data={"role": "developer"}),
            Message(role="user", parts=(TextPart(text="hi"), ImagePart(url="https://x/i.png"))),
        ),
        tools=(Tool(name="f", description="d", strict=False),),
        tool_choice="f",
        parallel_tool_calls=True,
        max_tokens=50,
        temperature=0.5,
        top_p=0.8,
        reasoning_effort="low",
        response_format={"type": "json_schema", "json_schema": {"name": "o", "schema": {"type": "object"}}},
        metadata={"k": "v"},
        extra={"reasoning": {"summary": "auto"}, "store": False},
    )
    assert openai_responses.encode_request(req, "databricks-gpt-5") == {
        "model": "databricks-gpt-5",
        "instructions": "sys",
        "input": [
            {"type": "message", "role": "developer", "content": [{"type": "input_text", "text": "dev"}]},
            {
                "type": "message",
                "role": "user",
                "content": [
                    {"type": "input_text", "text": "hi"},
                    {"type": "input_image", "image_url": "https://x/i.png", "detail": "auto"},
                ],
            },
        ],
        "tools": [
            {
                "type": "function",
                "name": "f",
                "description": "d",
                "parameters": {"type": "object", "properties": {}},
                "strict": False,
            }
        ],
        "tool_choice": {"type": "function", "name": "f"},
        "parallel_tool_calls": True,
        "max_output_tokens": 50,
        "temperature": 0.5,
        "top_p": 0.8,
        "reasoning": {"summary": "auto", "effort": "low"},
        "text": {"format": {"type": "json_schema", "name": "o", "schema": {"type": "object"}}},
        "metadata": {"k": "v"},
        "stream": True,
        "store": False,
    }


def test_encode_request_turns_an_assistant_turn_into_items_with_their_ids() -> None:
    assistant = Message(
        role="assistant",
        parts=(
            ReasoningPart(text="r", redacted="enc", provider_data={"id": "rs_1"}),
            ReasoningPart(text="claude thoughts", signature="sig"),
            TextPart(text="a", provider_data={"id": "msg_1"}),
            TextPart(text="b"),
            ToolCallPart(id="c1", name="f", arguments="{}", provider_data={"id": "fc_1"}),
            TextPart(text="c"),
        ),
    )
    tool = Message(role="tool", parts=(ToolResultPart(tool_call_id="c1", content=(TextPart(text="ok"),)),))
    body = openai_responses.encode_request(
        Request(model="m", messages=(assistant, tool), tool_choice="auto"), "e"
    )
    assert body["input"] == [
        {
            "type": "reasoning",
            "summary": [{"type": "summary_text", "text": "r"}],
            "id": "rs_1",
            "encrypted_content": "enc",
        },
        {
            "type": "message",
            "role": "assistant",
            "id": "msg_1",
            "content": [
                {"type": "output_text", "text": "a", "annotations": []},
                {"type": "output_text", "text": "b", "annotations": []},
            ],
        },
        {"type": "function_call", "call_id": "c1", "name": "f", "arguments": "{}", "id": "fc_1"},
        {
            "type": "message",
            "role": "assistant",
            "content": [{"type": "output_text", "text": "c", "annotations": []}],
        },
        {"type": "function_call_output", "call_id": "c1", "output": [{"type": "input_text", "text": "ok"}]},
    ]
    assert body["tool_choice"] == "auto"


def test_encode_request_keeps_tool_results_out_of_the_user_message() -> None:
    user = Message(role="user", parts=(ToolResultPart(tool_call_id="c", content="1"), TextPart(text="next")))
    only_results = Message(role="user", parts=(ToolResultPart(tool_call_id="d", content="2"),))
    body = openai_responses.encode_request(Request(model="m", messages=(user, only_results)), "e")
    assert [i["type"] for i in body["input"]] == ["function_call_output", "message", "function_call_output"]


def test_encode_request_emits_native_tools_of_its_own_api_only() -> None:
    web = Tool(
        name="web_search",
        provider_data={"native_api": "openai_responses", "native_tool": {"type": "web_search"}},
    )
    server = Tool(
        name="ws", provider_data={"native_api": "anthropic_messages", "native_tool": {"type": "web_search_2"}}
    )
    body = openai_responses.encode_request(Request.of("m", "hi", tools=(web, server)), "e")
    assert body["tools"] == [{"type": "web_search"}]


def test_encode_request_passes_json_object_format_as_is() -> None:
    body = openai_responses.encode_request(
        Request.of("m", "hi", response_format={"type": "json_object"}), "e"
    )
    assert body["text"] == {"format": {"type": "json_object"}}


# ---------------------------------------------------------------- inbound request decoding


def test_codex_request_decodes_with_ids_reasoning_and_native_tools() -> None:
    req = openai_responses.decode_request(fixture_json("codex_responses_request.json"))
    assert [m.role for m in req.messages] == ["system", "system", "user", "user", "assistant", "tool"]
    assert req.messages[0].provider_data == {"id": "msg_5ed7", "role": "developer"}
    assert len(req.messages[1].parts) == 2
    assert req.messages[4].parts == (
        ReasoningPart(text="Run it.", redacted="gAAAAB-opaque", provider_data={"id": "rs_1"}),
        ToolCallPart(
            id="call_stub1",
            name="exec_command",
            arguments='{"cmd": "echo stub-tool-ok"}',
            provider_data={"id": "fc_stub1"},
        ),
    )
    result = req.messages[5].parts[0]
    assert isinstance(result, ToolResultPart) and result.tool_call_id == "call_stub1"
    assert result.provider_data == {"id": "fco_1"}
    assert [t.name for t in req.tools] == [
        "exec_command",
        "apply_patch",
        "tool_search",
        "web_search",
        "multi_agent_v1",
    ]
    assert req.tools[2].provider_data == {
        "native_api": "openai_responses",
        "native_tool": fixture_json("codex_responses_request.json")["tools"][2],
    }
    assert req.reasoning_effort == "medium" and req.parallel_tool_calls is True and req.stream is True
    assert req.extra == {
        "store": False,
        "include": ["reasoning.encrypted_content"],
        "prompt_cache_key": "thread-1",
        "client_metadata": {"turn_id": "t1", "thread_id": "thread-1"},
        "reasoning": {"summary": "auto"},
        "text": {"verbosity": "low"},
    }


def test_codex_request_round_trips_through_responses() -> None:
    body = fixture_json("codex_responses_request.json")
    again = openai_responses.encode_request(openai_responses.decode_request(body), "gpt-5.5")
    assert again["tools"] == body["tools"]
    assert again["reasoning"] == body["reasoning"] and again["text"] == body["text"]
    assert openai_responses.decode_request(again).messages == openai_responses.decode_request(body).messages


def test_opencode_request_decodes_instructions_easy_messages_and_format() -> None:
    req = openai_responses.decode_request(fixture_json("opencode_responses_request.json"))
    assert req.messages[0] == Message(
        role="system", parts=(TextPart(text="Top-level instructions."),), provider_data={"instructions": True}
    )
    assert req.messages[1] == Message.of("system", "You are opencode.")
    assert req.messages[2].parts == (TextPart(text="hello"), ImagePart(url="https://example.com/a.png"))
    assert req.messages[3].parts == (
        TextPart(text="Running."),
        ToolCallPart(id="call_1", name="bash", arguments='{"command":"ls"}'),
    )
    assert req.tool_choice == "bash" and req.max_tokens == 32000
    assert req.response_format == {
        "type": "json_schema",
        "json_schema": {"name": "out", "schema": {"type": "object"}, "strict": True},
    }
    again = openai_responses.decode_request(openai_responses.encode_request(req, "stub-model"))
    assert again.messages == req.messages and again.response_format == req.response_format


def test_string_input_is_one_user_message() -> None:
    req = openai_responses.decode_request(
        {"model": "m", "input": "hi", "text": {"format": {"type": "json_object"}}}
    )
    assert req.messages == (Message.of("user", "hi"),)
    assert req.response_format == {"type": "json_object"} and req.stream is False


def test_decode_request_accepts_string_assistant_content_output_arrays_and_refusals() -> None:
    body = {
        "model": "m",
        "input": [
            {"role": "assistant", "content": "plain"},
            {"type": "function_call_output", "call_id": "c", "output": [{"type": "input_text", "text": "x"}]},
            {"role": "user", "content": [{"type": "refusal", "refusal": "r"}, {"type": "text", "text": "t"}]},
        ],
        "tool_choice": {"type": "allowed_tools"},
        "text": {"format": {"type": "text"}},
    }
    req = openai_responses.decode_request(body)
    assert req.messages[0].parts == (TextPart(text="plain"),)
    assert req.messages[1].parts == (ToolResultPart(tool_call_id="c", content=(TextPart(text="x"),)),)
    assert req.messages[2].parts == (TextPart(text="r"), TextPart(text="t"))
    assert req.tool_choice is None and req.response_format is None


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"input": "x"}, "`model`"),
        ({"model": "m", "input": 3}, "`input` must be"),
        (
            {"model": "m", "input": [{"type": "item_reference", "id": "x"}]},
            '"item_reference" cannot be translated',
        ),
        ({"model": "m", "input": [{"role": "critic", "content": "x"}]}, r'role must be .* \(got "critic"\)'),
        ({"model": "m", "input": [{"role": "user", "content": 4}]}, "string or an array"),
        ({"model": "m", "input": [{"role": "user", "content": [{"type": "input_file"}]}]}, '"input_file"'),
        (
            {"model": "m", "input": [{"role": "user", "content": [{"type": "input_image", "file_id": "f"}]}]},
            "file ids",
        ),
        ({"model": "m", "input": "x", "tools": [{"type": "function"}]}, "name must be"),
    ],
)
def test_decode_request_rejects_malformed_bodies_with_a_clear_message(
    body: dict[str, Any], message: str
) -> None:
    with pytest.raises(InvalidRequest, match=message):
        openai_responses.decode_request(body)


# ---------------------------------------------------------------- inbound stream / response encoding


def sse_types(wire: bytes) -> list[str]:
    events = SSEDecoder().feed(wire)
    for e in events:
        assert e.event == orjson.loads(e.data)["type"]
    return [e.event or "" for e in events]


def test_stream_encoder_emits_the_full_text_event_sequence_with_sequence_numbers() -> None:
    encoder = openai_responses.StreamEncoder("gw", response_id="resp_1", created_at=5)
    wire = encode_stream(
        encoder,
        [
            Start(),
            TextDelta(text="He"),
            TextDelta(text="llo"),
            UsageReport(usage=Usage(input_tokens=2, output_tokens=1)),
            Finish(reason="stop"),
        ],
    )
    assert sse_types(wire) == [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.content_part.added",
        "response.output_text.delta",
        "response.output_text.delta",
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.completed",
    ]
    payloads = [orjson.loads(e.data) for e in SSEDecoder().feed(wire)]
    assert [p["sequence_number"] for p in payloads] == list(range(10))
    final = payloads[-1]["response"]
    assert final["id"] == "resp_1" and final["status"] == "completed" and final["model"] == "gw"
    assert final["output"][0]["content"] == [{"type": "output_text", "text": "Hello", "annotations": []}]
    assert final["usage"] == {
        "input_tokens": 2,
        "input_tokens_details": {"cached_tokens": 0},
        "output_tokens": 1,
        "output_tokens_details": {"reasoning_tokens": 0},
        "total_tokens": 3,
    }


def test_stream_encoder_reasoning_then_call_decodes_back_with_the_signature() -> None:
    events = [
        ReasoningDelta(text="plan"),
        ReasoningDelta(signature="sig"),
        ReasoningDelta(redacted="red"),
        ToolCallStart(index=0, id="call_1", name="f"),
        ToolCallDelta(index=0, arguments="{}"),
        ToolCallDelta(index=0, arguments=""),
        ToolCallEnd(index=0),
        ToolCallEnd(index=0),
        ToolCallDelta(index=5, arguments="x"),
        TextDelta(text="done"),
        Finish(reason="stop"),
    ]
    wire = encode_stream(openai_responses.StreamEncoder("gw"), events)
    assert "response.reasoning_summary_text.delta" in sse_types(wire)
    response = collect(decode_stream(openai_responses, wire))
    assert [type(p).__name__ for p in response.message.parts] == [
        "ReasoningPart",
        "ReasoningPart",
        "ToolCallPart",
        "TextPart",
    ]
    first, second = response.message.parts[:2]
    assert isinstance(first, ReasoningPart) and (first.text, first.signature) == ("plan", "sig")
    assert isinstance(second, ReasoningPart) and second.redacted == "red"
    assert response.tool_calls[0].arguments == "{}" and response.text == "done"


def test_stream_encoder_closes_open_calls_and_reports_length_as_incomplete() -> None:
    events = [
        ToolCallStart(index=0, id="c", name="f"),
        ToolCallDelta(index=0, arguments='{"a"'),
        Finish(reason="length"),
    ]
    wire = encode_stream(openai_responses.StreamEncoder("gw"), events)
    payloads = [orjson.loads(e.data) for e in SSEDecoder().feed(wire)]
    assert payloads[-1]["type"] == "response.incomplete"
    assert payloads[-1]["response"]["incomplete_details"] == {"reason": "max_output_tokens"}
    assert payloads[-2]["item"]["status"] == "completed"


def test_stream_encoder_turns_an_error_into_response_failed_and_stops() -> None:
    encoder = openai_responses.StreamEncoder("gw")
    wire = encoder.encode(TextDelta(text="par")) + encoder.encode(StreamError(message="cut", code=None))
    assert sse_types(wire)[-1] == "response.failed"
    assert orjson.loads(SSEDecoder().feed(wire)[-1].data)["response"]["error"] == {
        "code": "upstream_error",
        "message": "cut",
    }
    assert encoder.encode(TextDelta(text="x")) == b"" and encoder.finish() == b""


def test_stream_encoder_with_no_events_still_completes() -> None:
    wire = openai_responses.StreamEncoder("gw").finish()
    assert sse_types(wire) == ["response.created", "response.in_progress", "response.completed"]


def test_encode_response_builds_the_completed_response_object() -> None:
    response = Response(
        message=Message(
            role="assistant",
            parts=(
                ReasoningPart(text="r", signature="s"),
                TextPart(text="hi"),
                ToolCallPart(id="c", name="f", arguments="{}"),
            ),
        ),
        usage=Usage(input_tokens=3, output_tokens=1),
        finish_reason="content-filter",
    )
    body = openai_responses.encode_response(response, "gw")
    assert body["status"] == "incomplete" and body["incomplete_details"] == {"reason": "content_filter"}
    assert [i["type"] for i in body["output"]] == ["reasoning", "message", "function_call"]
    assert body["output"][0]["encrypted_content"] == SIGNATURE_PREFIX + "s"
    again = collect(openai_responses.decode_response(body))
    assert again.text == "hi" and again.tool_calls[0].name == "f" and again.finish_reason == "content-filter"
