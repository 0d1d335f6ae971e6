"""Small edge cases of every wire module, kept apart so the per-API files read as the main behaviour."""

from __future__ import annotations

import orjson

from brickgate.protocol import (
    ImagePart,
    Message,
    ReasoningDelta,
    ReasoningPart,
    Request,
    Response,
    TextDelta,
    TextPart,
    ToolCallEnd,
    ToolCallPart,
    ToolResultPart,
)
from brickgate.wire import anthropic_messages, openai_chat, openai_responses
from brickgate.wire.contract import feed
from brickgate.wire.sse import SSEDecoder, SSEEvent, encode_sse


def test_sse_cr_at_chunk_end_followed_by_a_non_lf_byte_starts_a_new_line() -> None:
    decoder = SSEDecoder()
    assert decoder.feed(b"data: a\r") == []
    assert decoder.feed(b"\rdata: b\n\n") == [SSEEvent(None, "a"), SSEEvent(None, "b")]


def test_sse_encoder_stays_correct_past_its_prefix_cache() -> None:
    for i in range(300):
        assert encode_sse("x", f"kind-{i}") == f"event: kind-{i}\ndata: x\n\n".encode()


def test_chat_end_is_idempotent_and_odd_content_items_are_skipped() -> None:
    decoder = openai_chat.StreamDecoder()
    items = [
        {"type": "image", "url": "x"},
        {
            "type": "reasoning",
            "summary": [{"type": "summary_encrypted_text", "data": ""}, {"type": "summary_text"}],
        },
        {"type": "text", "text": "ok"},
    ]
    body = {"choices": [{"delta": {"content": items}}]}
    assert feed(decoder, SSEEvent(None, orjson.dumps(body).decode()))[1:] == [TextDelta(text="ok")]
    assert len(decoder.end()) == 1
    assert decoder.end() == []


def test_chat_encoding_skips_parts_a_user_turn_cannot_carry() -> None:
    user = Message(role="user", parts=(TextPart(text="a"), ToolCallPart(id="c", name="f", arguments="{}")))
    assert openai_chat.encode_request(Request(model="m", messages=(user,)), "e")["messages"] == [
        {"role": "user", "content": "a"}
    ]


def test_chat_response_without_tool_calls_has_no_tool_calls_key() -> None:
    body = openai_chat.encode_response(Response(message=Message.of("assistant", "hi")), "gw")
    assert body["choices"][0]["message"] == {"role": "assistant", "content": "hi"}


def test_responses_item_done_twice_ends_a_call_once_and_empty_reasoning_emits_nothing() -> None:
    decoder = openai_responses.StreamDecoder()
    item = {"type": "function_call", "call_id": "c", "name": "f"}
    first = decoder.event({"type": "response.output_item.done", "output_index": 0, "item": item})
    assert first[-1] == ToolCallEnd(index=0)
    assert decoder.event({"type": "response.output_item.done", "output_index": 0, "item": item}) == []
    assert (
        decoder.event({"type": "response.output_item.done", "output_index": 1, "item": {"type": "reasoning"}})
        == []
    )


def test_responses_reasoning_with_only_an_id_is_replayed_by_id() -> None:
    assistant = Message(role="assistant", parts=(ReasoningPart(provider_data={"id": "rs_9"}),))
    body = openai_responses.encode_request(Request(model="m", messages=(assistant,)), "e")
    assert body["input"] == [{"type": "reasoning", "summary": [], "id": "rs_9"}]


def test_responses_encoder_ignores_empty_text_and_unsigned_reasoning_has_no_encrypted_content() -> None:
    encoder = openai_responses.StreamEncoder("gw")
    encoder.encode(TextDelta(text=""))
    wire = encoder.encode(ReasoningDelta(text="t")) + encoder.finish()
    done = [orjson.loads(e.data) for e in SSEDecoder().feed(wire) if e.event == "response.output_item.done"]
    assert done[0]["item"] == {
        "id": done[0]["item"]["id"],
        "type": "reasoning",
        "summary": [{"type": "summary_text", "text": "t"}],
    }


def test_responses_and_messages_bodies_leave_out_parts_with_no_output_shape() -> None:
    odd = Response(message=Message(role="assistant", parts=(ImagePart(url="https://x"), TextPart(text="hi"))))
    assert [i["type"] for i in openai_responses.encode_response(odd, "gw")["output"]] == ["message"]
    assert anthropic_messages.encode_response(odd, "gw")["content"] == [{"type": "text", "text": "hi"}]


def test_messages_tool_result_inside_a_user_turn_stays_a_block_and_splits_on_decode() -> None:
    user = Message(role="user", parts=(TextPart(text="first"), ToolResultPart(tool_call_id="t", content="r")))
    body = anthropic_messages.encode_request(
        Request(model="m", messages=(Message.of("assistant", "x"), user, Message.of("assistant", "y"))), "e"
    )
    assert body["messages"][1]["content"] == [
        {"type": "text", "text": "first"},
        {"type": "tool_result", "tool_use_id": "t", "content": "r"},
    ]
    again = anthropic_messages.decode_request(body)
    assert [m.role for m in again.messages] == ["assistant", "user", "tool", "assistant"]


def test_messages_blank_tool_arguments_become_an_empty_input() -> None:
    call = Message(role="assistant", parts=(ToolCallPart(id="c", name="f", arguments="  "),))
    body = anthropic_messages.encode_request(Request(model="m", messages=(call,)), "e")
    assert body["messages"][0]["content"][0]["input"] == {}
