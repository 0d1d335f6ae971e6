"""Protocol events → an Anthropic Messages answer for an agent: the SSE event sequence, or the JSON body.

``message_start`` → ``ping`` → per block ``content_block_start`` / ``content_block_delta`` (``text_delta``,
``thinking_delta``, ``signature_delta``, ``input_json_delta``) / ``content_block_stop`` → ``message_delta``
(stop reason and the full usage, which the anthropic SDK and Claude Code read there) → ``message_stop``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

from brickgate.protocol import (
    Finish,
    FinishReason,
    ReasoningDelta,
    ReasoningPart,
    Response,
    StreamError,
    StreamEvent,
    TextDelta,
    TextPart,
    ToolCallDelta,
    ToolCallEnd,
    ToolCallPart,
    ToolCallStart,
    Usage,
    UsageReport,
)
from brickgate.wire.fields import JSONObject, arguments_object, new_id
from brickgate.wire.sse import encode_sse

STOP_REASONS: dict[FinishReason, str] = {
    "stop": "end_turn",
    "length": "max_tokens",
    "tool-calls": "tool_use",
    "content-filter": "refusal",
    "error": "end_turn",
    "other": "end_turn",
}
_NATIVE_STOP_REASONS = frozenset(
    {"end_turn", "stop_sequence", "max_tokens", "tool_use", "refusal", "pause_turn"}
)
_PING = encode_sse(b'{"type":"ping"}', "ping")
_STOP = encode_sse(b'{"type":"message_stop"}', "message_stop")


def stop_reason(reason: FinishReason, raw: str | None) -> str:
    """The Messages ``stop_reason``: the upstream's own value when it is one, else mapped."""
    return raw if raw in _NATIVE_STOP_REASONS else STOP_REASONS[reason]


def encode_usage(usage: Usage) -> JSONObject:
    """Usage → Messages ``usage`` (``input_tokens`` leaves out cache reads and writes, as ours does; the
    serving tier when the upstream said which)."""
    encoded: JSONObject = {
        "input_tokens": usage.input_tokens,
        "cache_creation_input_tokens": usage.cache_write_tokens,
        "cache_read_input_tokens": usage.cache_read_tokens,
        "output_tokens": usage.output_tokens,
    }
    if usage.service_tier is not None:
        encoded["service_tier"] = usage.service_tier
    return encoded


def _event(kind: str, fields: dict[str, Any]) -> bytes:
    return encode_sse(orjson.dumps({"type": kind, **fields}), kind)


class StreamEncoder:
    """Encodes one answer as a Messages event stream. ``encode`` each event, then ``finish`` once."""

    __slots__ = (
        "_blocks",
        "_calls",
        "_current",
        "_id",
        "_model",
        "_over",
        "_raw",
        "_reason",
        "_signed",
        "_started",
        "_text_head",
        "_usage",
    )

    def __init__(self, model: str, *, message_id: str | None = None) -> None:
        self._model = model
        self._id = message_id or new_id("msg_")
        self._blocks = 0  # blocks opened so far; the next block's index
        self._current: tuple[str, int] | None = None  # (kind, index) of the open text/thinking block
        self._signed = False  # the open thinking block got its signature: more thinking opens a new block
        self._calls: dict[int, int] = {}  # our call index → its open tool_use block index
        self._usage: Usage | None = None
        self._reason: FinishReason = "stop"
        self._raw: str | None = None
        self._started = False
        self._over = False
        self._text_head = b""  # a text delta's bytes up to its text, for the open text block

    def encode(self, event: StreamEvent) -> bytes:
        """SSE bytes for one event (possibly several Messages events, possibly none)."""
        if self._over:
            return b""
        out = b"" if self._started else self._start()
        if isinstance(event, TextDelta):
            if event.text:
                out += self._text(event.text)
        elif isinstance(event, ReasoningDelta):
            out += self._reasoning(event)
        elif isinstance(event, ToolCallStart):
            out += self._close_current()
            self._calls[event.index] = self._blocks
            block = {"type": "tool_use", "id": event.id, "name": event.name, "input": {}}
            out += _event("content_block_start", {"index": self._next_block(), "content_block": block})
        elif isinstance(event, ToolCallDelta):
            block_index = self._calls.get(event.index)
            if block_index is not None and event.arguments:
                delta = {"type": "input_json_delta", "partial_json": event.arguments}
                out += _event("content_block_delta", {"index": block_index, "delta": delta})
        elif isinstance(event, ToolCallEnd):
            block_index = self._calls.pop(event.index, None)
            if block_index is not None:
                out += _event("content_block_stop", {"index": block_index})
        elif isinstance(event, UsageReport):
            self._usage = event.usage
        elif isinstance(event, Finish):
            self._reason, self._raw = event.reason, event.raw_reason
        elif isinstance(event, StreamError):
            self._over = True
            out += _event("error", {"error": {"type": "api_error", "message": event.message}})
        return out

    def finish(self) -> bytes:
        """Close open blocks, then ``message_delta`` (stop reason, usage) and ``message_stop``."""
        if self._over:
            return b""
        self._over = True
        out = (b"" if self._started else self._start()) + self._close_current()
        for block_index in self._calls.values():
            out += _event("content_block_stop", {"index": block_index})
        delta = {"stop_reason": stop_reason(self._reason, self._raw), "stop_sequence": None}
        usage = encode_usage(self._usage or Usage())
        return out + _event("message_delta", {"delta": delta, "usage": usage}) + _STOP

    def _start(self) -> bytes:
        self._started = True
        message: JSONObject = {
            "id": self._id,
            "type": "message",
            "role": "assistant",
            "model": self._model,
            "content": [],
            "stop_reason": None,
            "stop_sequence": None,
            "usage": {"input_tokens": 0, "output_tokens": 0},
        }
        return _event("message_start", {"message": message}) + _PING

    def _reasoning(self, event: ReasoningDelta) -> bytes:
        if event.redacted is not None:
            out = self._close_current()
            block = {"type": "redacted_thinking", "data": event.redacted}
            index = self._next_block()
            return (
                out
                + _event("content_block_start", {"index": index, "content_block": block})
                + _event("content_block_stop", {"index": index})
            )
        out = self._close_current() if self._signed else b""
        if not event.text and event.signature is None:
            return out
        out += self._open("thinking", {"type": "thinking", "thinking": "", "signature": ""})
        if event.text:
            out += self._delta({"type": "thinking_delta", "thinking": event.text})
        if event.signature is not None:
            out += self._delta({"type": "signature_delta", "signature": event.signature})
            self._signed = True
        return out

    def _text(self, text: str) -> bytes:
        """A text delta: the bytes ``_delta`` would write, from a head made once per block (text deltas are
        most of an answer)."""
        out = b""
        if self._current is None or self._current[0] != "text":
            out = self._open("text", {"type": "text", "text": ""})
            assert self._current is not None
            self._text_head = (
                b'event: content_block_delta\ndata: {"type":"content_block_delta","index":%d,'
                b'"delta":{"type":"text_delta","text":' % self._current[1]
            )
        return out + self._text_head + orjson.dumps(text) + b"}}\n\n"

    def _open(self, kind: str, block: JSONObject) -> bytes:
        if self._current is not None and self._current[0] == kind:
            return b""
        out = self._close_current()
        index = self._next_block()
        self._current = (kind, index)
        return out + _event("content_block_start", {"index": index, "content_block": block})

    def _delta(self, delta: JSONObject) -> bytes:
        assert self._current is not None
        return _event("content_block_delta", {"index": self._current[1], "delta": delta})

    def _close_current(self) -> bytes:
        current, self._current = self._current, None
        self._signed = False
        return b"" if current is None else _event("content_block_stop", {"index": current[1]})

    def _next_block(self) -> int:
        self._blocks += 1
        return self._blocks - 1


def encode_response(resp: Response, model: str) -> JSONObject:
    """A final Response → a Messages JSON body."""
    content: list[JSONObject] = []
    for part in resp.message.parts:
        if isinstance(part, TextPart):
            content.append({"type": "text", "text": part.text})
        elif isinstance(part, ReasoningPart):
            if part.redacted is not None:
                content.append({"type": "redacted_thinking", "data": part.redacted})
            else:
                content.append({"type": "thinking", "thinking": part.text, "signature": part.signature or ""})
        elif isinstance(part, ToolCallPart):
            call_input = arguments_object(part.arguments)
            content.append({"type": "tool_use", "id": part.id, "name": part.name, "input": call_input})
    return {
        "id": new_id("msg_"),
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": content,
        "stop_reason": STOP_REASONS[resp.finish_reason],
        "stop_sequence": None,
        "usage": encode_usage(resp.usage),
    }


def stream_encoder(model: str, request: Mapping[str, Any]) -> StreamEncoder:
    """The encoder for an answer to ``request`` (no request option changes this API's stream)."""
    del request
    return StreamEncoder(model)
