"""Databricks Chat Completions answers → protocol events. Streams and JSON bodies share one fold.

Databricks specifics handled here (API shape, not family defects): ``content`` may be a string, null,
``""`` or an array of ``{"type":"text","text","thoughtSignature"}`` / ``{"type":"reasoning","summary":[...]}``
items; usage may come partially on every chunk (Claude: ``completion_tokens: null``) or as all nulls
(Gemini); a complete usage is never replaced by a partial one and the last complete one wins.
"""

from __future__ import annotations

from collections.abc import Mapping
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
from brickgate.wire.fields import count, list_of, mapping, new_id, payload_problem

FINISH_REASONS: dict[str, FinishReason] = {
    "stop": "stop",
    "length": "length",
    "tool_calls": "tool-calls",
    "function_call": "tool-calls",
    "content_filter": "content-filter",
    # Anthropic-flavoured values some translations leak through
    "end_turn": "stop",
    "stop_sequence": "stop",
    "max_tokens": "length",
    "tool_use": "tool-calls",
}


def finish_reason(raw: str | None, had_tool_calls: bool) -> FinishReason:
    """Canonical finish reason for a chat ``finish_reason`` (None: inferred from what was produced)."""
    if raw is None:
        return "tool-calls" if had_tool_calls else "stop"
    return FINISH_REASONS.get(raw, "other")


def decode_usage(u: Mapping[str, Any], service_tier: Any = None) -> tuple[Usage, bool] | None:
    """A chat ``usage`` object (and the chunk's ``service_tier``) → (Usage, complete?). None when it
    carries no counts at all.

    OpenAI style counts cached tokens inside ``prompt_tokens`` (``prompt_tokens_details.cached_tokens``);
    Claude style reports ``cache_read_input_tokens`` / ``cache_creation_input_tokens`` beside a
    ``prompt_tokens`` that already leaves them out.
    """
    prompt = count(u.get("prompt_tokens"))
    completion = count(u.get("completion_tokens"))
    if prompt is None and completion is None:
        return None
    reasoning = count(mapping(u.get("completion_tokens_details")).get("reasoning_tokens")) or 0
    if "cache_read_input_tokens" in u or "cache_creation_input_tokens" in u:
        cache_read = count(u.get("cache_read_input_tokens")) or 0
        cache_write = count(u.get("cache_creation_input_tokens")) or 0
        input_tokens = prompt or 0
    else:
        cache_read = count(mapping(u.get("prompt_tokens_details")).get("cached_tokens")) or 0
        cache_write = 0
        input_tokens = max(0, (prompt or 0) - cache_read)
    usage = Usage(
        input_tokens=input_tokens,
        output_tokens=completion or 0,
        cache_read_tokens=cache_read,
        cache_write_tokens=cache_write,
        reasoning_tokens=reasoning,
        service_tier=service_tier if isinstance(service_tier, str) else None,
    )
    return usage, prompt is not None and completion is not None


def usage_of(payload: Mapping[str, Any]) -> Usage | None:
    """The usage of a chunk or a completion body (partial counts included)."""
    u = payload.get("usage")
    decoded = decode_usage(u, payload.get("service_tier")) if isinstance(u, dict) else None
    return decoded[0] if decoded is not None else None


class StreamDecoder:
    """Folds chat completion chunks into protocol events: ``event`` per parsed chunk, then ``close``."""

    __slots__ = (
        "_call_ids",
        "_done",
        "_finish_raw",
        "_last_usage",
        "_late_signatures",
        "_next_call",
        "_open_calls",
        "_started",
        "_usage",
        "_usage_complete",
        "_wire_calls",
    )

    def __init__(self) -> None:
        self._started = False
        self._done = False
        self._finish_raw: str | None = None
        self._wire_calls: dict[int, int] = {}  # upstream tool_calls[].index → our index
        self._call_ids: dict[int, str] = {}  # upstream index → id, to spot calls that reuse an index
        self._open_calls: list[int] = []
        self._late_signatures: dict[int, str] = {}
        self._next_call = 0
        self._usage: Usage | None = None
        self._usage_complete = False
        self._last_usage: Mapping[str, Any] | None = None  # Claude repeats one partial usage on every chunk

    def text(self, data: str) -> list[StreamEvent]:
        """A payload that is not a JSON object: ``[DONE]`` ends the stream, anything else breaks it."""
        if self._done:
            return []
        if data == "[DONE]":
            return self.end()
        return self._fail(payload_problem(data, "a chunk"), "invalid_json")

    def close(self) -> list[StreamEvent]:
        """End of the byte stream. A stream cut before ``finish_reason``/``[DONE]`` ends in a StreamError."""
        if self._done:
            return []
        if self._finish_raw is not None:
            return self.end()
        out = self._end_calls()
        out.append(
            StreamError(message="the upstream stream ended before it finished", code="stream_incomplete")
        )
        self._done = True
        return out

    def event(self, chunk: Mapping[str, Any]) -> list[StreamEvent]:
        """One parsed chunk (or a whole non-streaming body: ``message`` is read like ``delta``)."""
        if self._done:
            return []
        out: list[StreamEvent] = []
        if "error" in chunk and not chunk.get("choices"):
            return self._error(chunk["error"])
        if not self._started:
            self._started = True
            out.append(Start(id=chunk.get("id"), model=chunk.get("model")))
        usage = chunk.get("usage")
        if isinstance(usage, dict):
            self._note_usage(usage, chunk.get("service_tier"))
        for choice in list_of(chunk.get("choices")):
            if not isinstance(choice, dict) or choice.get("index", 0) != 0:
                continue
            delta = choice.get("delta") or choice.get("message")
            if isinstance(delta, dict):
                self._delta(delta, out)
            reason = choice.get("finish_reason")
            if isinstance(reason, str) and reason:
                self._finish_raw = reason
                out.extend(self._end_calls())
        return out

    def end(self) -> list[StreamEvent]:
        """The terminal event: close open tool calls, report usage, finish."""
        if self._done:
            return []
        self._done = True
        out = self._end_calls()
        if self._usage is not None:
            out.append(UsageReport(usage=self._usage))
        reason = finish_reason(self._finish_raw, self._next_call > 0)
        out.append(Finish(reason=reason, raw_reason=self._finish_raw))
        return out

    def _delta(self, delta: Mapping[str, Any], out: list[StreamEvent]) -> None:
        # reasoning first: a whole message (or a delta) carrying both thought before it answered.
        # `reasoning` is the newer spelling of `reasoning_content`; servers that send both repeat the text.
        reasoning = delta.get("reasoning_content") or delta.get("reasoning")
        if isinstance(reasoning, str) and reasoning:
            out.append(ReasoningDelta(text=reasoning))
        content = delta.get("content")
        if isinstance(content, str):
            if content:
                out.append(TextDelta(text=content))
        elif isinstance(content, list):
            self._content_items(content, out)
        calls = delta.get("tool_calls")
        if isinstance(calls, list):
            for position, call in enumerate(calls):
                if isinstance(call, dict):
                    self._tool_call(position, call, out)

    def _content_items(self, items: list[Any], out: list[StreamEvent]) -> None:
        for item in items:
            if not isinstance(item, dict):
                continue
            kind = item.get("type")
            if kind == "text":
                text = item.get("text")
                signature = item.get("thoughtSignature")
                pd = {"thoughtSignature": signature} if isinstance(signature, str) else None
                if (isinstance(text, str) and text) or pd:
                    out.append(TextDelta(text=text if isinstance(text, str) else "", provider_data=pd))
            elif kind == "reasoning":
                for summary in list_of(item.get("summary")):
                    self._reasoning_summary(summary, out)

    @staticmethod
    def _reasoning_summary(summary: Any, out: list[StreamEvent]) -> None:
        if not isinstance(summary, dict):
            return
        if summary.get("type") == "summary_encrypted_text":
            data = summary.get("data")
            if isinstance(data, str) and data:
                out.append(ReasoningDelta(redacted=data))
            return
        text = summary.get("text")
        text = text if isinstance(text, str) else ""
        signature = summary.get("signature")
        signature = signature if isinstance(signature, str) and signature else None
        if text or signature:
            out.append(ReasoningDelta(text=text, signature=signature))

    def _tool_call(self, position: int, call: Mapping[str, Any], out: list[StreamEvent]) -> None:
        wire_index = call.get("index", position)
        call_id = call.get("id")
        index = self._wire_calls.get(wire_index)
        if (
            index is not None
            and isinstance(call_id, str)
            and call_id
            and call_id != self._call_ids[wire_index]
        ):
            index = None  # a new call reusing an index (seen from Gemini translations)
        function = mapping(call.get("function"))
        signature = call.get("thoughtSignature")
        if index is None:
            index = self._next_call
            self._next_call += 1
            self._wire_calls[wire_index] = index
            call_id = call_id if isinstance(call_id, str) and call_id else new_id("call_")
            self._call_ids[wire_index] = call_id
            self._open_calls.append(index)
            name = function.get("name")
            pd = {"thoughtSignature": signature} if isinstance(signature, str) else None
            out.append(
                ToolCallStart(
                    index=index, id=call_id, name=name if isinstance(name, str) else "", provider_data=pd
                )
            )
        elif isinstance(signature, str):
            self._late_signatures[index] = signature
        arguments = function.get("arguments")
        if isinstance(arguments, str) and arguments:
            out.append(ToolCallDelta(index=index, arguments=arguments))

    def _end_calls(self) -> list[StreamEvent]:
        out: list[StreamEvent] = []
        for index in self._open_calls:
            signature = self._late_signatures.get(index)
            pd = {"thoughtSignature": signature} if signature else None
            out.append(ToolCallEnd(index=index, provider_data=pd))
        self._open_calls = []
        return out

    def _note_usage(self, raw: Mapping[str, Any], service_tier: Any) -> None:
        if raw == self._last_usage:
            return
        self._last_usage = raw
        decoded = decode_usage(raw, service_tier)
        if decoded is None:
            return
        usage, complete = decoded
        if complete or not self._usage_complete:
            self._usage = usage
            self._usage_complete = complete

    def _error(self, error: Any) -> list[StreamEvent]:
        err = mapping(error)
        message = err.get("message") if err else error
        code = err.get("code") or err.get("type")
        return self._fail(str(message), str(code) if code is not None else None)

    def _fail(self, message: str, code: str | None) -> list[StreamEvent]:
        self._done = True
        out = self._end_calls()
        out.append(StreamError(message=message, code=code))
        return out


def decode_response(body: Mapping[str, Any]) -> list[StreamEvent]:
    """A non-streaming chat completion body → the same events its stream would have produced."""
    decoder = StreamDecoder()
    events = decoder.event(body)
    return events + decoder.end()


def stream_decoder() -> StreamDecoder:
    return StreamDecoder()
