"""Protocol events → a Chat Completions answer for an agent: SSE chunks ending in ``data: [DONE]``, or JSON.

Chunks follow OpenAI's shape (first chunk carries ``role``; reasoning goes out as ``reasoning_content``,
which opencode's openai-compatible provider reads; the usage chunk with ``choices: []`` is sent only when
the client asked for ``stream_options.include_usage``).
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

import orjson

from brickgate.protocol import (
    Finish,
    FinishReason,
    ReasoningDelta,
    ReasoningPart,
    Response,
    Start,
    StreamError,
    StreamEvent,
    TextDelta,
    ToolCallDelta,
    ToolCallStart,
    Usage,
    UsageReport,
)
from brickgate.wire.fields import JSONObject, new_id

CHAT_FINISH: dict[FinishReason, str] = {
    "stop": "stop",
    "length": "length",
    "tool-calls": "tool_calls",
    "content-filter": "content_filter",
    "error": "stop",
    "other": "stop",
}
_DONE = b"data: [DONE]\n\n"


def encode_usage(usage: Usage) -> JSONObject:
    """Usage → chat ``usage`` (OpenAI style: ``prompt_tokens`` includes cached tokens)."""
    return {
        "prompt_tokens": usage.total_input_tokens,
        "completion_tokens": usage.output_tokens,
        "total_tokens": usage.total_tokens,
        "prompt_tokens_details": {"cached_tokens": usage.cache_read_tokens},
        "completion_tokens_details": {"reasoning_tokens": usage.reasoning_tokens},
    }


class StreamEncoder:
    """Encodes one answer as chat completion chunks. ``encode`` each event, then ``finish`` once."""

    __slots__ = (
        "_finished",
        "_head",
        "_include_usage",
        "_over",
        "_reason",
        "_started",
        "_text_prefix",
        "_usage",
    )

    def __init__(
        self,
        model: str,
        *,
        include_usage: bool = False,
        response_id: str | None = None,
        created: int | None = None,
    ) -> None:
        head = {
            "id": response_id or new_id("chatcmpl-"),
            "object": "chat.completion.chunk",
            "created": created if created is not None else int(time.time()),
            "model": model,
        }
        self._head = orjson.dumps(head)[:-1] + b',"choices":['  # the chunk JSON up to its choices
        self._text_prefix = b"data: " + self._head + b'{"index":0,"delta":{"content":'
        self._include_usage = include_usage
        self._started = False
        self._finished = False
        self._over = False  # an error chunk went out: nothing more but [DONE]
        self._reason: str | None = None
        self._usage: Usage | None = None

    def encode(self, event: StreamEvent) -> bytes:
        """SSE bytes for one event (empty when the event has no chat counterpart)."""
        if self._over:
            return b""
        if isinstance(event, TextDelta):
            if not event.text:
                return b""
            text = self._text_prefix + orjson.dumps(event.text) + b'},"finish_reason":null}]}\n\n'
            return text if self._started else self._role() + text
        if isinstance(event, ReasoningDelta):
            return self._delta({"reasoning_content": event.text}) if event.text else b""
        if isinstance(event, ToolCallStart):
            call = {"index": event.index, "id": event.id, "type": "function"}
            call["function"] = {"name": event.name, "arguments": ""}
            return self._delta({"tool_calls": [call]})
        if isinstance(event, ToolCallDelta):
            return self._delta(
                {"tool_calls": [{"index": event.index, "function": {"arguments": event.arguments}}]}
            )
        if isinstance(event, UsageReport):
            self._usage = event.usage
        elif isinstance(event, Finish):
            return self._finish_chunk(CHAT_FINISH[event.reason])
        elif isinstance(event, StreamError):
            self._over = True
            error = {"message": event.message, "type": "upstream_error", "code": event.code}
            return b"data: " + orjson.dumps({"error": error}) + b"\n\n"
        elif isinstance(event, Start):
            return b"" if self._started else self._role()
        return b""

    def finish(self) -> bytes:
        """The closing bytes: a finish chunk if none went out, the usage chunk if asked for, ``[DONE]``."""
        out = b""
        if not self._over:
            if not self._started:
                out += self._role()
            if not self._finished:
                out += self._finish_chunk("stop")
            if self._include_usage:
                usage = self._usage or Usage()
                tier = b',"service_tier":' + orjson.dumps(usage.service_tier) if usage.service_tier else b""
                out += (
                    b"data: "
                    + self._head
                    + b'],"usage":'
                    + orjson.dumps(encode_usage(usage))
                    + tier
                    + b"}\n\n"
                )
        return out + _DONE

    def _role(self) -> bytes:
        self._started = True
        return self._chunk({"role": "assistant", "content": ""}, None)

    def _delta(self, delta: JSONObject) -> bytes:
        prefix = b"" if self._started else self._role()
        return prefix + self._chunk(delta, None)

    def _finish_chunk(self, reason: str) -> bytes:
        if self._finished:
            return b""
        self._finished = True
        return (b"" if self._started else self._role()) + self._chunk({}, reason)

    def _chunk(self, delta: JSONObject, reason: str | None) -> bytes:
        choice = orjson.dumps({"index": 0, "delta": delta, "finish_reason": reason})
        return b"data: " + self._head + choice + b"]}\n\n"


def encode_response(resp: Response, model: str) -> JSONObject:
    """A final Response → a ``chat.completion`` body."""
    message: JSONObject = {
        "role": "assistant",
        "content": resp.text if resp.text or not resp.tool_calls else None,
    }
    reasoning = "".join(p.text for p in resp.message.parts if isinstance(p, ReasoningPart))
    if reasoning:
        message["reasoning_content"] = reasoning
    if resp.tool_calls:
        message["tool_calls"] = [
            {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
            for c in resp.tool_calls
        ]
    choice: dict[str, Any] = {
        "index": 0,
        "message": message,
        "finish_reason": CHAT_FINISH[resp.finish_reason],
    }
    return {
        "id": new_id("chatcmpl-"),
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [choice],
        "usage": encode_usage(resp.usage),
        **({"service_tier": resp.usage.service_tier} if resp.usage.service_tier else {}),
    }


def stream_encoder(model: str, request: Mapping[str, Any]) -> StreamEncoder:
    """The encoder for an answer to ``request``: its usage chunk only when ``stream_options`` asks for it."""
    options = request.get("stream_options")
    include_usage = isinstance(options, dict) and options.get("include_usage") is True
    return StreamEncoder(model, include_usage=include_usage)
