"""Anthropic Messages answers → protocol events. A JSON body is replayed as the stream it summarises.

Usage arrives in pieces (``message_start`` has the input side, ``message_delta`` the output side and,
on newer servers, the final input counts too); the pieces merge and one UsageReport goes out at the end.
Anthropic's ``input_tokens`` already leaves out cache reads and writes, as the canonical Usage does.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from brickgate.protocol import (
    Finish,
    FinishReason,
    ReasoningDelta,
    Start,
    StreamError,
    StreamEvent,
    TextDelta,
    ToolCallDelta,
    ToolCallEnd,
    ToolCallStart,
    Usage,
    UsageReport,
)
from brickgate.wire.fields import count, dumps, list_of, mapping, new_id, payload_problem, text_of

STOP_REASONS: dict[str, FinishReason] = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "max_tokens": "length",
    "model_context_window_exceeded": "length",
    "tool_use": "tool-calls",
    "refusal": "content-filter",
    "pause_turn": "other",
}


def decode_usage(u: Mapping[str, Any]) -> Usage:
    """Anthropic ``usage`` → Usage (its ``service_tier`` says which tier served it). Missing or null counts
    are 0."""
    tier = u.get("service_tier")
    return Usage(
        input_tokens=count(u.get("input_tokens")) or 0,
        output_tokens=count(u.get("output_tokens")) or 0,
        cache_read_tokens=count(u.get("cache_read_input_tokens")) or 0,
        cache_write_tokens=count(u.get("cache_creation_input_tokens")) or 0,
        service_tier=tier if isinstance(tier, str) else None,
    )


def usage_of(payload: Mapping[str, Any]) -> Usage | None:
    """The usage of a message body, ``message_start`` (input side) or ``message_delta`` (output side)."""
    u = payload.get("usage")
    if not isinstance(u, dict):
        u = mapping(payload.get("message")).get("usage")
    if not isinstance(u, dict) or not any(count(value) is not None for value in u.values()):
        return None
    return decode_usage(u)


class _Block:
    __slots__ = ("call", "initial_input", "kind", "signature", "streamed")

    def __init__(self, kind: str, call: int | None = None, initial_input: Any = None) -> None:
        self.kind = kind
        self.call = call
        self.initial_input = initial_input
        self.signature: str | None = None
        self.streamed = False


class StreamDecoder:
    """Folds Messages stream events into protocol events. ``event`` per parsed event, then ``close``."""

    __slots__ = ("_blocks", "_done", "_next_call", "_started", "_stop_reason", "_usage")

    def __init__(self) -> None:
        self._started = False
        self._done = False
        self._blocks: dict[int, _Block] = {}
        self._next_call = 0
        self._usage: dict[str, Any] = {}
        self._stop_reason: str | None = None

    def event(self, data: Mapping[str, Any]) -> list[StreamEvent]:
        """One parsed stream event; its ``type`` picks the handler (unknown types are skipped)."""
        if self._done:
            return []
        handler = _HANDLERS.get(text_of(data.get("type")))
        return handler(self, data) if handler is not None else []

    def text(self, data: str) -> list[StreamEvent]:
        """A payload that is not a JSON object: this API has none, so the stream is broken."""
        return [] if self._done else self._fail(payload_problem(data), "invalid_json")

    def close(self) -> list[StreamEvent]:
        """End of the byte stream. Without ``message_stop`` (or a stop reason) it ends in a StreamError."""
        if self._done:
            return []
        if self._stop_reason is not None:
            return self._on_message_stop({})
        return self._fail("the upstream stream ended before message_stop", "stream_incomplete")

    # -- one method per event type

    def _on_message_start(self, data: Mapping[str, Any]) -> list[StreamEvent]:
        message = mapping(data.get("message"))
        self._merge_usage(message.get("usage"))
        if self._started:
            return []
        self._started = True
        mid, model = message.get("id"), message.get("model")
        return [
            Start(id=mid if isinstance(mid, str) else None, model=model if isinstance(model, str) else None)
        ]

    def _on_block_start(self, data: Mapping[str, Any]) -> list[StreamEvent]:
        index = data.get("index")
        block = mapping(data.get("content_block"))
        kind = text_of(block.get("type"))
        out: list[StreamEvent] = []
        slot = _Block(kind)
        if kind == "text":
            text = text_of(block.get("text"))
            if text:
                out.append(TextDelta(text=text))
        elif kind == "tool_use":
            slot.call = self._next_call
            self._next_call += 1
            slot.initial_input = block.get("input")
            call_id = text_of(block.get("id")) or new_id("toolu_")
            out.append(ToolCallStart(index=slot.call, id=call_id, name=text_of(block.get("name"))))
        elif kind == "thinking":
            text = text_of(block.get("thinking"))
            slot.signature = text_of(block.get("signature")) or None
            if text:
                out.append(ReasoningDelta(text=text))
        elif kind == "redacted_thinking":
            out.append(ReasoningDelta(redacted=text_of(block.get("data"))))
        self._blocks[index if isinstance(index, int) else len(self._blocks)] = slot
        return out

    def _on_block_delta(self, data: Mapping[str, Any]) -> list[StreamEvent]:
        slot = self._blocks.get(data.get("index", -1))
        delta = mapping(data.get("delta"))
        kind = delta.get("type")
        if slot is None:
            return []
        if kind == "text_delta":
            text = text_of(delta.get("text"))
            return [TextDelta(text=text)] if text else []
        if kind == "input_json_delta" and slot.call is not None:
            partial = text_of(delta.get("partial_json"))
            slot.streamed = True
            return [ToolCallDelta(index=slot.call, arguments=partial)] if partial else []
        if kind == "thinking_delta":
            text = text_of(delta.get("thinking"))
            return [ReasoningDelta(text=text)] if text else []
        if kind == "signature_delta":
            slot.signature = text_of(delta.get("signature")) or slot.signature
        return []

    def _on_block_stop(self, data: Mapping[str, Any]) -> list[StreamEvent]:
        slot = self._blocks.get(data.get("index", -1))
        if slot is None:
            return []
        if slot.call is not None:
            out: list[StreamEvent] = []
            if not slot.streamed:
                initial = slot.initial_input if isinstance(slot.initial_input, dict) else {}
                out.append(ToolCallDelta(index=slot.call, arguments=dumps(initial)))
                slot.streamed = True
            out.append(ToolCallEnd(index=slot.call))
            slot.call = None  # ended: a repeated stop must not end it twice
            return out
        if slot.kind == "thinking" and slot.signature:
            signature, slot.signature = slot.signature, None
            return [ReasoningDelta(signature=signature)]
        return []

    def _on_message_delta(self, data: Mapping[str, Any]) -> list[StreamEvent]:
        self._merge_usage(data.get("usage"))
        reason = mapping(data.get("delta")).get("stop_reason")
        if isinstance(reason, str):
            self._stop_reason = reason
        return []

    def _on_message_stop(self, data: Mapping[str, Any]) -> list[StreamEvent]:
        self._done = True
        out = self._end_calls()
        if self._usage:
            out.append(UsageReport(usage=decode_usage(self._usage)))
        if self._stop_reason is None:
            reason: FinishReason = "tool-calls" if self._next_call else "stop"
        else:
            reason = STOP_REASONS.get(self._stop_reason, "other")
        out.append(Finish(reason=reason, raw_reason=self._stop_reason))
        return out

    def _on_error(self, data: Mapping[str, Any]) -> list[StreamEvent]:
        error = mapping(data.get("error"))
        return self._fail(
            text_of(error.get("message")) or "the upstream reported an error", error.get("type")
        )

    # -- state

    def _merge_usage(self, usage: Any) -> None:
        for key, value in mapping(usage).items():
            if value is not None:
                self._usage[key] = value

    def _end_calls(self) -> list[StreamEvent]:
        out: list[StreamEvent] = []
        for slot in self._blocks.values():
            if slot.call is not None:
                out.append(ToolCallEnd(index=slot.call))
                slot.call = None
        return out

    def _fail(self, message: str, code: Any) -> list[StreamEvent]:
        self._done = True
        out = self._end_calls()
        out.append(StreamError(message=message, code=str(code) if code is not None else None))
        return out


_Handler = Callable[[StreamDecoder, Mapping[str, Any]], list[StreamEvent]]
_HANDLERS: dict[str, _Handler] = {
    "message_start": StreamDecoder._on_message_start,
    "content_block_start": StreamDecoder._on_block_start,
    "content_block_delta": StreamDecoder._on_block_delta,
    "content_block_stop": StreamDecoder._on_block_stop,
    "message_delta": StreamDecoder._on_message_delta,
    "message_stop": StreamDecoder._on_message_stop,
    "error": StreamDecoder._on_error,
}


def decode_response(body: Mapping[str, Any]) -> list[StreamEvent]:
    """A non-streaming Messages body → the same events its stream would have produced."""
    if body.get("type") == "error":
        return StreamDecoder().event(body)
    decoder = StreamDecoder()
    out = decoder.event({"type": "message_start", "message": {**body, "content": []}})
    for index, block in enumerate(list_of(body.get("content"))):
        out += decoder.event({"type": "content_block_start", "index": index, "content_block": block})
        out += decoder.event({"type": "content_block_stop", "index": index})
    delta = {"stop_reason": body.get("stop_reason")}
    out += decoder.event({"type": "message_delta", "delta": delta})
    return out + decoder.event({"type": "message_stop"})


def stream_decoder() -> StreamDecoder:
    return StreamDecoder()
