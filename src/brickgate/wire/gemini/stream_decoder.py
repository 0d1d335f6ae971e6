"""Gemini ``GenerateContentResponse`` chunks → protocol events. Streams and JSON bodies share one fold.

Each SSE event (``alt=sse``) is a whole GenerateContentResponse: ``candidates[0].content.parts`` (text,
``thought: true`` reasoning, whole ``functionCall`` parts), a ``finishReason`` on the last one, and a
``usageMetadata`` that later chunks repeat with growing counts (the last one wins). Gemini sends no end
marker: the stream ends after the chunk with the finish reason, so a stream that closes without one was
cut. Gemini answers ``STOP`` when it called functions; the canonical reason is then ``tool-calls``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from brickgate.protocol import (
    Finish,
    FinishReason,
    ReasoningDelta,
    ReasoningPart,
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
from brickgate.wire.fields import count, list_of, mapping, new_id, payload_problem, text_of
from brickgate.wire.gemini.parts import call_arguments, decode_text, pick, signature_of

# Google's FinishReason values (v1beta). The safety family is a content filter; the tool-call failures
# (a malformed, unexpected or unsigned call) are errors of the answer itself.
FINISH_REASONS: dict[str, FinishReason] = {
    "STOP": "stop",
    "MAX_TOKENS": "length",
    "SAFETY": "content-filter",
    "RECITATION": "content-filter",
    "LANGUAGE": "content-filter",
    "BLOCKLIST": "content-filter",
    "PROHIBITED_CONTENT": "content-filter",
    "SPII": "content-filter",
    "IMAGE_SAFETY": "content-filter",
    "IMAGE_PROHIBITED_CONTENT": "content-filter",
    "IMAGE_RECITATION": "content-filter",
    "MALFORMED_FUNCTION_CALL": "error",
    "UNEXPECTED_TOOL_CALL": "error",
    "TOO_MANY_TOOL_CALLS": "error",
    "MISSING_THOUGHT_SIGNATURE": "error",
    "MALFORMED_RESPONSE": "error",
}


def finish_reason(raw: str | None, had_tool_calls: bool) -> FinishReason:
    if raw is None or raw == "STOP":
        return "tool-calls" if had_tool_calls else "stop"
    return FINISH_REASONS.get(raw, "other")


def decode_usage(u: Mapping[str, Any]) -> Usage | None:
    """``usageMetadata`` → Usage. Google counts cached tokens inside ``promptTokenCount`` and thoughts
    outside ``candidatesTokenCount``; ours leaves cached tokens out of input and counts thoughts in output."""
    prompt = count(pick(u, "promptTokenCount"))
    candidates = count(pick(u, "candidatesTokenCount"))
    if prompt is None and candidates is None:
        return None
    cached = count(pick(u, "cachedContentTokenCount")) or 0
    thoughts = count(pick(u, "thoughtsTokenCount")) or 0
    tool_prompt = count(pick(u, "toolUsePromptTokenCount")) or 0
    return Usage(
        input_tokens=max(0, (prompt or 0) - cached) + tool_prompt,
        output_tokens=(candidates or 0) + thoughts,
        cache_read_tokens=cached,
        reasoning_tokens=thoughts,
    )


def usage_of(payload: Mapping[str, Any]) -> Usage | None:
    """The usage one chunk (or a whole body) reports."""
    u = pick(payload, "usageMetadata")
    return decode_usage(u) if isinstance(u, dict) else None


class StreamDecoder:
    """Folds GenerateContentResponse chunks into protocol events: ``event`` per chunk, then ``close``."""

    __slots__ = ("_calls", "_done", "_finish_raw", "_started", "_usage")

    def __init__(self) -> None:
        self._started = False
        self._done = False
        self._finish_raw: str | None = None
        self._calls = 0
        self._usage: Mapping[str, Any] | None = None  # the latest usageMetadata, decoded once at the end

    def text(self, data: str) -> list[StreamEvent]:
        """A payload that is not a JSON object: Gemini has no end marker, so it is always a broken stream."""
        if self._done:
            return []
        return self._fail(payload_problem(data, "a chunk"), "invalid_json")

    def close(self) -> list[StreamEvent]:
        """End of the byte stream: finished if a finish reason came, else cut short."""
        if self._done:
            return []
        if self._finish_raw is not None:
            return self.end()
        return self._fail("the upstream stream ended before it finished", "stream_incomplete")

    def event(self, chunk: Mapping[str, Any]) -> list[StreamEvent]:
        """One GenerateContentResponse (a stream chunk or a whole body)."""
        if self._done:
            return []
        error = chunk.get("error")
        if error is not None and not chunk.get("candidates"):
            err = mapping(error)
            code = err.get("status") or err.get("code")
            return self._fail(text_of(err.get("message")) or str(error), str(code) if code else None)
        out: list[StreamEvent] = []
        if not self._started:
            self._started = True
            out.append(Start(id=pick(chunk, "responseId"), model=pick(chunk, "modelVersion")))
        usage = pick(chunk, "usageMetadata")
        if isinstance(usage, dict):
            self._usage = usage
        blocked = pick(mapping(pick(chunk, "promptFeedback")), "blockReason")
        if isinstance(blocked, str) and blocked:  # the prompt itself was refused: no candidates follow
            self._finish_raw = "SAFETY"
        for candidate in list_of(chunk.get("candidates")):
            if isinstance(candidate, dict) and candidate.get("index", 0) == 0:
                self._candidate(candidate, out)
        return out

    def end(self) -> list[StreamEvent]:
        """The terminal events: usage, then the finish reason."""
        if self._done:
            return []
        self._done = True
        out: list[StreamEvent] = []
        usage = decode_usage(self._usage) if self._usage is not None else None
        if usage is not None:
            out.append(UsageReport(usage=usage))
        out.append(
            Finish(reason=finish_reason(self._finish_raw, self._calls > 0), raw_reason=self._finish_raw)
        )
        return out

    def _candidate(self, candidate: Mapping[str, Any], out: list[StreamEvent]) -> None:
        for raw in list_of(mapping(candidate.get("content")).get("parts")):
            if isinstance(raw, dict):
                self._part(raw, out)
        reason = pick(candidate, "finishReason")
        if isinstance(reason, str) and reason:
            self._finish_raw = reason

    def _part(self, raw: Mapping[str, Any], out: list[StreamEvent]) -> None:
        call = pick(raw, "functionCall")
        if isinstance(call, Mapping):
            index = self._calls
            self._calls += 1
            call_id = text_of(call.get("id")) or new_id("call_")
            name = text_of(call.get("name"))
            out.append(ToolCallStart(index=index, id=call_id, name=name, provider_data=signature_of(raw)))
            out.append(ToolCallDelta(index=index, arguments=call_arguments(call)))
            out.append(ToolCallEnd(index=index))
            return
        part = decode_text(raw)
        if isinstance(part, ReasoningPart):
            if part.text or part.provider_data:
                out.append(ReasoningDelta(text=part.text, provider_data=part.provider_data))
        elif part is not None and (part.text or part.provider_data):
            out.append(TextDelta(text=part.text, provider_data=part.provider_data))

    def _fail(self, message: str, code: str | None) -> list[StreamEvent]:
        self._done = True
        return [StreamError(message=message, code=code)]


def decode_response(body: Mapping[str, Any]) -> list[StreamEvent]:
    """A non-streaming GenerateContentResponse → the events its stream would have produced."""
    decoder = StreamDecoder()
    events = decoder.event(body)
    return events + decoder.end()


def stream_decoder() -> StreamDecoder:
    return StreamDecoder()
