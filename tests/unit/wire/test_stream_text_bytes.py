"""Text deltas, the bulk of every answer, are written from cached byte heads: the bytes must still be the
JSON an encoder of the whole event would write, for any text."""

from __future__ import annotations

import orjson
import pytest

from brickgate.protocol import Finish, ReasoningDelta, StreamEvent, TextDelta, ToolCallStart
from brickgate.wire import anthropic_messages, openai_chat, openai_responses
from brickgate.wire.sse import SSEDecoder
from tests.unit.wire.replay import decode_stream, encode_stream

TEXTS = [
    'say "hi"',
    "back\\slash",
    "two\nlines\r\n",
    "caf\u00e9 \u2192 \U0001f600",
    "\u2028\u2029\x00\x1f",
    " ",
]
# text after a reasoning block and after a tool call: each opens a new text block / item
EVENTS: list[StreamEvent] = [
    *(TextDelta(text=t) for t in TEXTS),
    ReasoningDelta(text="hmm", signature="sig"),
    *(TextDelta(text=t) for t in TEXTS),
    ToolCallStart(index=0, id="call_1", name="bash"),
    *(TextDelta(text=t) for t in TEXTS),
    Finish(reason="stop"),
]
WIRES = {
    "messages": (anthropic_messages, lambda: anthropic_messages.StreamEncoder("gw")),
    "responses": (openai_responses, lambda: openai_responses.StreamEncoder("gw")),
    "chat": (openai_chat, lambda: openai_chat.StreamEncoder("gw")),
}


@pytest.mark.parametrize("api", sorted(WIRES))
def test_every_event_is_compact_json_naming_its_type(api: str) -> None:
    data = encode_stream(WIRES[api][1](), EVENTS)
    events = SSEDecoder().feed(data)
    assert events
    for event in events:
        if event.data == "[DONE]":
            continue
        payload = orjson.loads(event.data)
        assert event.data.encode() == orjson.dumps(payload)  # what orjson writes for the whole event
        if event.event is not None:
            assert payload["type"] == event.event


@pytest.mark.parametrize("api", sorted(WIRES))
def test_the_texts_decode_back_unchanged(api: str) -> None:
    wire, encoder = WIRES[api]
    decoded = decode_stream(wire, encode_stream(encoder(), EVENTS), chunk_size=7)
    assert "".join(e.text for e in decoded if isinstance(e, TextDelta)) == "".join(TEXTS) * 3
