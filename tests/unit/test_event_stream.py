"""EventStream over an injected transport: SSE bytes in, repaired and decoded protocol events out."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import orjson
import pytest

from brickgate.errors import StreamInterrupted
from brickgate.event_stream import EventStream
from brickgate.protocol import Finish, StreamEvent, TextDelta, UsageReport
from brickgate.quirks import stream_repair
from brickgate.upstream import UpstreamResponse
from brickgate.wire.contract import Api
from tests.unit.quirks.factory import GPT, LLAMA
from tests.unit.transport_double import ScriptedResponse, answering, sse, upstream_over

CHAT_STREAM = sse(
    '{"id":"c","choices":[{"index":0,"delta":{"content":"Hel"}}]}',
    '{"choices":[{"index":0,"delta":{"content":"lo"},"finish_reason":"stop"}]}',
    '{"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":2}}',
    "[DONE]",
)
LONG_ID = "msg_" + "x" * 180
RESPONSES_STREAM = sse(
    '{"type":"response.created","response":{"id":"r","model":"m"}}',
    '{"type":"response.output_item.added","output_index":0,"item":{"type":"message","id":"msg_1"}}',
    f'{{"type":"response.output_text.delta","output_index":0,"item_id":"{LONG_ID}","delta":"Hi"}}',
    '{"type":"response.completed","response":{"status":"completed","usage":{"input_tokens":3,"output_tokens":1}}}',
)


async def opened(
    pieces: list[bytes], api: Api = "chat", prompt_chars: int | Callable[[], int] = 10
) -> tuple[EventStream, UpstreamResponse]:
    model = LLAMA if api == "chat" else GPT
    resp = await upstream_over(answering(ScriptedResponse(200, pieces))).post("/x", {}, stream=True)
    events = EventStream(
        upstream=resp,
        body=None,
        model=model,
        api=api,
        surface="serving-endpoints",
        repairs=(),
        repair=stream_repair(model, api),
        prompt_chars=prompt_chars,
    )
    return events, resp


def events_of(pieces: list[bytes], api: Api = "chat") -> list[StreamEvent]:
    async def go() -> list[StreamEvent]:
        events, _ = await opened(pieces, api)
        return [e async for e in events]

    return asyncio.run(go())


def test_events_split_anywhere_across_reads_decode_the_same() -> None:
    whole = events_of([CHAT_STREAM])
    for size in (1, 7, 50):
        pieces = [CHAT_STREAM[i : i + size] for i in range(0, len(CHAT_STREAM), size)]
        assert events_of(pieces) == whole
    assert [e for e in whole if isinstance(e, TextDelta)] == [TextDelta(text="Hel"), TextDelta(text="lo")]
    assert isinstance(whole[-1], Finish) and isinstance(whole[-2], UsageReport)


def test_each_event_is_parsed_once_even_when_a_repair_changes_it(monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: list[Any] = []
    real_loads = orjson.loads

    def counting_loads(data: Any) -> Any:
        parsed.append(data)
        return real_loads(data)

    monkeypatch.setattr(orjson, "loads", counting_loads)
    events = events_of([RESPONSES_STREAM], "responses")
    assert len(parsed) == 4  # one per SSE event
    assert TextDelta(text="Hi", provider_data={"id": "msg_1"}) in events  # the item id was repaired


def test_a_stream_cut_before_its_end_raises_stream_interrupted() -> None:
    with pytest.raises(StreamInterrupted, match="ended before it finished"):
        events_of([CHAT_STREAM.split(b"\n\n")[0] + b"\n\n"])  # the first event, then nothing


def test_aclose_lets_go_of_the_upstream_answer_mid_stream() -> None:
    async def go() -> tuple[list[StreamEvent], bool]:
        events, resp = await opened([CHAT_STREAM[:62], CHAT_STREAM[62:]])
        first = [await anext(aiter(events))]
        await events.aclose()
        return first, resp.closed  # type: ignore[attr-defined]

    first, closed = asyncio.run(go())
    assert first and closed


@pytest.mark.parametrize("reports_usage", [True, False])
def test_the_prompt_is_measured_only_when_the_upstream_reports_no_usage(reports_usage: bool) -> None:
    measured: list[int] = []

    def prompt_chars() -> int:  # walks the whole request: an agent's history, on every request otherwise
        measured.append(1)
        return 400

    stream = CHAT_STREAM if reports_usage else CHAT_STREAM.replace(b',"usage":{"prompt_tokens":3,', b',"x":{')

    async def go() -> list[StreamEvent]:
        events, _ = await opened([stream], prompt_chars=prompt_chars)
        return [e async for e in events]

    usage = [e.usage for e in asyncio.run(go()) if isinstance(e, UsageReport)]
    assert len(measured) == (0 if reports_usage else 1)
    assert usage[-1].input_tokens == (3 if reports_usage else 100)
