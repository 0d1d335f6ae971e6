"""Protocol events → a Gemini answer for a caller: SSE chunks (``alt=sse``) or one GenerateContentResponse.

Each chunk is a GenerateContentResponse holding the new parts: text as it arrives, reasoning as
``thought: true`` parts, a function call whole once its arguments are complete (Gemini never splits one),
with its canonical id (Gemini CLI answers with it) and thought signature. A last chunk carries the finish
reason and ``usageMetadata``, with no content (Gemini CLI and the SDKs read both from any chunk).
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
from brickgate.wire.fields import JSONObject, new_id
from brickgate.wire.gemini.parts import call_part, with_signature
from brickgate.wire.gemini.stream_decoder import FINISH_REASONS

GEMINI_FINISH: dict[FinishReason, str] = {
    "stop": "STOP",
    "length": "MAX_TOKENS",
    "tool-calls": "STOP",  # Gemini's own reason after function calls
    "content-filter": "SAFETY",
    "error": "OTHER",
    "other": "OTHER",
}


def gemini_finish(reason: FinishReason, raw: str | None) -> str:
    """The finish reason for a Gemini caller: the upstream's own when it is Gemini's, else mapped."""
    return raw if raw in FINISH_REASONS else GEMINI_FINISH[reason]


def encode_usage(usage: Usage) -> JSONObject:
    """Usage → ``usageMetadata`` (Google's prompt count includes cached tokens; its candidates count
    leaves thoughts out)."""
    encoded: JSONObject = {
        "promptTokenCount": usage.total_input_tokens,
        "candidatesTokenCount": usage.output_tokens - usage.reasoning_tokens,
        "totalTokenCount": usage.total_tokens,
    }
    if usage.cache_read_tokens:
        encoded["cachedContentTokenCount"] = usage.cache_read_tokens
    if usage.reasoning_tokens:
        encoded["thoughtsTokenCount"] = usage.reasoning_tokens
    return encoded


class StreamEncoder:
    """Encodes one answer as GenerateContentResponse SSE chunks. ``encode`` each event, then ``finish``."""

    __slots__ = ("_calls", "_over", "_prefix", "_raw", "_reason", "_suffix", "_tail", "_usage")

    def __init__(self, model: str, *, response_id: str | None = None) -> None:
        tail = {"modelVersion": model, "responseId": response_id or new_id("")}
        self._tail = tail
        # a content chunk is these two around its parts: one dumps per event, not per envelope
        self._prefix = b'data: {"candidates":[{"content":{"role":"model","parts":['
        self._suffix = b']},"index":0}],' + orjson.dumps(tail)[1:] + b"\n\n"
        self._calls: dict[int, tuple[str, str, list[str], Mapping[str, Any] | None]] = {}
        self._usage: Usage | None = None
        self._reason: FinishReason = "stop"
        self._raw: str | None = None
        self._over = False

    def encode(self, event: StreamEvent) -> bytes:
        """SSE bytes for one event (empty when it completes nothing a Gemini caller sees yet)."""
        if self._over:
            return b""
        if isinstance(event, TextDelta):
            if event.provider_data:
                return self._chunk(with_signature({"text": event.text}, event.provider_data))
            if event.text:  # the common case, encoded without building the part
                return self._prefix + b'{"text":' + orjson.dumps(event.text) + b"}" + self._suffix
        elif isinstance(event, ReasoningDelta):
            if event.text:
                return self._chunk(with_signature({"text": event.text, "thought": True}, event.provider_data))
        elif isinstance(event, ToolCallStart):
            self._calls[event.index] = (event.id, event.name, [], event.provider_data)
        elif isinstance(event, ToolCallDelta):
            if event.index in self._calls:
                self._calls[event.index][2].append(event.arguments)
        elif isinstance(event, ToolCallEnd):
            return self._call(event.index, event.provider_data)
        elif isinstance(event, UsageReport):
            self._usage = event.usage
        elif isinstance(event, Finish):
            self._reason, self._raw = event.reason, event.raw_reason
        elif isinstance(event, StreamError):
            self._over = True
            error = {"code": 500, "message": event.message, "status": "INTERNAL"}
            return b"data: " + orjson.dumps({"error": error}) + b"\n\n"
        return b""

    def finish(self) -> bytes:
        """Calls still open (a stream cut before their end), then the finish reason and the usage."""
        if self._over:
            return b""
        self._over = True
        out = b"".join(self._call(index, None) for index in list(self._calls))
        candidate = {"finishReason": gemini_finish(self._reason, self._raw), "index": 0}
        last = {
            "candidates": [candidate],
            "usageMetadata": encode_usage(self._usage or Usage()),
            **self._tail,
        }
        return out + b"data: " + orjson.dumps(last) + b"\n\n"

    def _call(self, index: int, provider_data: Mapping[str, Any] | None) -> bytes:
        opened = self._calls.pop(index, None)
        if opened is None:
            return b""
        call_id, name, arguments, started_with = opened
        signed = {**(started_with or {}), **(provider_data or {})} or None
        return self._chunk(call_part(call_id, name, "".join(arguments), signed))

    def _chunk(self, part: JSONObject) -> bytes:
        return self._prefix + orjson.dumps(part) + self._suffix


def encode_response(resp: Response, model: str) -> JSONObject:
    """A final Response → one GenerateContentResponse."""
    parts: list[JSONObject] = []
    for part in resp.message.parts:
        if isinstance(part, TextPart):
            parts.append(with_signature({"text": part.text}, part.provider_data))
        elif isinstance(part, ReasoningPart) and part.text:
            parts.append(with_signature({"text": part.text, "thought": True}, part.provider_data))
        elif isinstance(part, ToolCallPart):
            parts.append(call_part(part.id, part.name, part.arguments, part.provider_data))
    candidate = {
        "content": {"role": "model", "parts": parts},
        "finishReason": GEMINI_FINISH[resp.finish_reason],
        "index": 0,
    }
    return {
        "candidates": [candidate],
        "usageMetadata": encode_usage(resp.usage),
        "modelVersion": model,
        "responseId": new_id(""),
    }


def stream_encoder(model: str, request: Mapping[str, Any]) -> StreamEncoder:
    """The encoder for an answer to ``request`` (SSE; the gateway reframes it as Google's JSON-array
    stream for a caller that did not ask for ``alt=sse``)."""
    del request
    return StreamEncoder(model)
