"""The same-API relay over an injected transport: bytes through untouched, repairs only where needed."""

from __future__ import annotations

import asyncio

import orjson

from brickgate.catalog.model import Model
from brickgate.quirks import stream_repair
from brickgate.relay import RawRelay
from brickgate.wire.contract import Api
from tests.unit.quirks.factory import CLAUDE, GEMINI_3, GPT, LLAMA
from tests.unit.transport_double import ScriptedResponse, answering, sse, upstream_over

CHAT_STREAM = sse(
    '{"choices":[{"index":0,"delta":{"content":"Hi"}}]}',
    '{"choices":[{"index":0,"delta":{},"finish_reason":"stop"}],'
    '"usage":{"prompt_tokens":5,"completion_tokens":9,"completion_tokens_details":{"reasoning_tokens":4}}}',
    "[DONE]",
)


async def relay_of(pieces: list[bytes], model: Model, api: Api) -> RawRelay:
    resp = await upstream_over(answering(ScriptedResponse(200, pieces))).post("/x", {})
    repair = stream_repair(model, api, relay=True)
    return RawRelay(resp, model=model, api=api, surface="serving-endpoints", repairs=(), repair=repair)


def relayed(pieces: list[bytes], model: Model, api: Api) -> tuple[bytes, RawRelay]:
    async def go() -> tuple[bytes, RawRelay]:
        relay = await relay_of(pieces, model, api)
        return b"".join([chunk async for chunk in relay.chunks()]), relay

    return asyncio.run(go())


def test_a_stream_without_repairs_goes_through_byte_for_byte() -> None:
    out, _ = relayed([CHAT_STREAM[:30], CHAT_STREAM[30:]], LLAMA, "chat")
    assert out == CHAT_STREAM


def test_usage_on_the_fast_path_keeps_reasoning_tokens() -> None:
    _, relay = relayed([CHAT_STREAM], LLAMA, "chat")
    assert relay.usage is not None
    assert (relay.usage.input_tokens, relay.usage.output_tokens, relay.usage.reasoning_tokens) == (5, 9, 4)


def test_usage_split_over_two_events_of_one_read_is_joined_with_crlf_framing_too() -> None:
    """Messages puts the input tokens in message_start and the output in message_delta; both are read from
    one upstream read, whatever its line endings."""
    start = '{"type":"message_start","message":{"id":"m","usage":{"input_tokens":11,"output_tokens":1}}}'
    text = '{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"usage"}}'
    delta = '{"type":"message_delta","delta":{"stop_reason":"end_turn"},"usage":{"output_tokens":7}}'
    stream = sse(start, text, delta)
    for framing in (stream, stream.replace(b"\n", b"\r\n")):
        _, relay = relayed([framing], CLAUDE, "messages")
        assert relay.usage is not None
        assert (relay.usage.input_tokens, relay.usage.output_tokens) == (11, 7)


def gemini_chunk(text: str, prompt: int, out: int, finish: str | None = None) -> str:
    candidate: dict[str, object] = {"content": {"role": "model", "parts": [{"text": text}]}, "index": 0}
    if finish:
        candidate["finishReason"] = finish
    usage = {"promptTokenCount": prompt, "candidatesTokenCount": out, "totalTokenCount": prompt + out}
    return orjson.dumps({"candidates": [candidate], "usageMetadata": usage}).decode()


def test_a_gemini_stream_reports_the_last_usage_of_whatever_reads_it_came_in() -> None:
    """Gemini repeats the usage so far in every chunk; the relay reads only the latest (one parse), also
    when one upstream read holds many chunks, and the bytes go through untouched."""
    stream = sse(*(gemini_chunk(f"w{i} ", 7, i + 1) for i in range(5)), gemini_chunk("", 8, 40, "STOP"))
    for pieces in ([stream], [stream[:200], stream[200:]]):
        out, relay = relayed(pieces, GEMINI_3, "gemini")
        assert out == stream
        assert relay.usage is not None
        assert (relay.usage.input_tokens, relay.usage.output_tokens) == (8, 40)


def test_a_json_answer_reports_reasoning_tokens_too() -> None:
    usage = {"input_tokens": 5, "output_tokens": 9, "output_tokens_details": {"reasoning_tokens": 4}}
    body = orjson.dumps({"output": [], "usage": usage})

    async def go() -> RawRelay:
        relay = await relay_of([body], GPT, "responses")
        await relay.read()
        return relay

    relay = asyncio.run(go())
    assert relay.usage is not None and relay.usage.reasoning_tokens == 4


def test_responses_item_ids_are_rewritten_on_the_raw_bytes() -> None:
    stream = sse(
        '{"type":"response.output_item.added","output_index":0,"item":{"type":"message","id":"msg_1"}}',
        '{"type":"response.output_text.delta","output_index":0,"item_id":"msg_other","delta":"Hi"}',
    )
    out, relay = relayed([stream], GPT, "responses")
    assert b'"item_id":"msg_1"' in out and b"msg_other" not in out
    assert "rewrite_item_ids" in relay.repairs
