"""Protocol events → a Responses answer for an agent: the full SSE event sequence, or the JSON body.

The sequence is what Codex CLI and the openai SDK's ``responses.stream()`` accumulator consume:
``response.created`` → ``response.in_progress`` → per item ``output_item.added`` → (``content_part.added`` →
``output_text.delta``… → ``output_text.done`` → ``content_part.done`` | ``reasoning_summary_part.added`` →
``reasoning_summary_text.delta``… → ``.done`` | ``function_call_arguments.delta``… → ``.done``) →
``output_item.done`` → ``response.completed`` (or ``.incomplete`` / ``.failed``), each event with an
``event:`` line and a ``sequence_number``. A reasoning signature travels in ``encrypted_content``
(see ``reasoning.py``) so the client's replay brings it back.
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
from brickgate.wire.openai_responses.reasoning import pack_encrypted
from brickgate.wire.sse import encode_sse

INCOMPLETE: dict[FinishReason, str] = {"length": "max_output_tokens", "content-filter": "content_filter"}


def encode_usage(usage: Usage) -> JSONObject:
    """Usage → Responses ``usage`` (``input_tokens`` includes cached tokens)."""
    return {
        "input_tokens": usage.total_input_tokens,
        "input_tokens_details": {"cached_tokens": usage.cache_read_tokens},
        "output_tokens": usage.output_tokens,
        "output_tokens_details": {"reasoning_tokens": usage.reasoning_tokens},
        "total_tokens": usage.total_tokens,
    }


def message_item(item_id: str, text: str, status: str = "completed") -> JSONObject:
    content = [{"type": "output_text", "text": text, "annotations": []}]
    return {"id": item_id, "type": "message", "status": status, "role": "assistant", "content": content}


def reasoning_item(item_id: str, text: str, signature: str | None, redacted: str | None) -> JSONObject:
    item: JSONObject = {"id": item_id, "type": "reasoning", "summary": []}
    if text:
        item["summary"] = [{"type": "summary_text", "text": text}]
    encrypted = pack_encrypted(signature, redacted)
    if encrypted is not None:
        item["encrypted_content"] = encrypted
    return item


def call_item(item_id: str, call_id: str, name: str, arguments: str, status: str = "completed") -> JSONObject:
    return {
        "id": item_id,
        "type": "function_call",
        "status": status,
        "arguments": arguments,
        "call_id": call_id,
        "name": name,
    }


def response_object(
    response_id: str, model: str, created_at: int, status: str, output: list[JSONObject], usage: Usage | None
) -> JSONObject:
    body: JSONObject = {
        "id": response_id,
        "object": "response",
        "created_at": created_at,
        "status": status,
        "model": model,
        "output": output,
        "usage": encode_usage(usage) if usage is not None else None,
        "error": None,
        "incomplete_details": None,
        "parallel_tool_calls": True,
        "tool_choice": "auto",
        "tools": [],
    }
    if usage is not None and usage.service_tier is not None:
        body["service_tier"] = usage.service_tier  # which tier served it (2026 §4.1)
    return body


def _finished(body: JSONObject, reason: FinishReason) -> JSONObject:
    if reason in INCOMPLETE:
        body["status"] = "incomplete"
        body["incomplete_details"] = {"reason": INCOMPLETE[reason]}
    return body


class _Open:
    """The message or reasoning item being streamed."""

    __slots__ = ("delta_head", "id", "index", "kind", "parts", "redacted", "signature", "summary_open")

    def __init__(self, kind: str, item_id: str, index: int) -> None:
        self.kind = kind
        self.id = item_id
        self.index = index
        self.parts: list[str] = []
        self.signature: str | None = None
        self.redacted: str | None = None
        self.summary_open = False
        # an output_text.delta's JSON after its sequence number, up to the text
        self.delta_head = b',"item_id":%b,"output_index":%d,"content_index":0,"delta":' % (
            orjson.dumps(item_id),
            index,
        )


_TEXT_DELTA = (
    b'event: response.output_text.delta\ndata: {"type":"response.output_text.delta","sequence_number":'
)


class StreamEncoder:
    """Encodes one answer as a Responses event stream. ``encode`` each event, then ``finish`` once."""

    def __init__(self, model: str, *, response_id: str | None = None, created_at: int | None = None) -> None:
        self._model = model
        self._id = response_id or new_id("resp_")
        self._created_at = created_at if created_at is not None else int(time.time())
        self._seq = 0
        self._output: list[JSONObject] = []  # every item, placeholder until its output_item.done
        self._open: _Open | None = None
        self._calls: dict[int, tuple[int, list[str]]] = {}  # our call index → (output index, argument parts)
        self._usage: Usage | None = None
        self._reason: FinishReason = "stop"
        self._started = False
        self._over = False

    def encode(self, event: StreamEvent) -> bytes:
        """SSE bytes for one event (possibly several Responses events, possibly none)."""
        if self._over:
            return b""
        out = b"" if self._started else self._start()
        if isinstance(event, TextDelta):
            if event.text:
                out += self._text(event.text)
        elif isinstance(event, ReasoningDelta):
            out += self._reasoning(event)
        elif isinstance(event, ToolCallStart):
            out += self._call_start(event)
        elif isinstance(event, ToolCallDelta):
            out += self._call_delta(event)
        elif isinstance(event, ToolCallEnd):
            out += self._call_end(event.index)
        elif isinstance(event, UsageReport):
            self._usage = event.usage
        elif isinstance(event, Finish):
            self._reason = event.reason
        elif isinstance(event, StreamError):
            out += self._close_all()
            self._over = True
            body = self._response("failed")
            body["error"] = {"code": event.code or "upstream_error", "message": event.message}
            out += self._emit("response.failed", {"response": body})
        return out

    def finish(self) -> bytes:
        """Close open items and send ``response.completed`` (or ``response.incomplete``)."""
        if self._over:
            return b""
        out = (b"" if self._started else self._start()) + self._close_all()
        self._over = True
        body = _finished(self._response("completed"), self._reason)
        kind = "response.incomplete" if body["status"] == "incomplete" else "response.completed"
        return out + self._emit(kind, {"response": body})

    # -- items

    def _start(self) -> bytes:
        self._started = True
        body = self._response("in_progress")
        return self._emit("response.created", {"response": body}) + self._emit(
            "response.in_progress", {"response": body}
        )

    def _text(self, text: str) -> bytes:
        out = b""
        item = self._open
        if item is None or item.kind != "message":
            out += self._close_open()
            added = {
                "id": new_id("msg_"),
                "type": "message",
                "status": "in_progress",
                "role": "assistant",
                "content": [],
            }
            item, opened = self._open_item("message", added)
            out += opened
            part = {"type": "output_text", "text": "", "annotations": []}
            out += self._emit(
                "response.content_part.added", self._at(item) | {"content_index": 0, "part": part}
            )
        item.parts.append(text)
        # the bytes _emit would write, put together directly: text deltas are most of an answer
        seq = self._seq
        self._seq += 1
        return out + _TEXT_DELTA + b"%d" % seq + item.delta_head + orjson.dumps(text) + b',"logprobs":[]}\n\n'

    def _reasoning(self, event: ReasoningDelta) -> bytes:
        out = b""
        item = self._open
        if (
            item is None
            or item.kind != "reasoning"
            or item.signature is not None
            or item.redacted is not None
        ):
            out += self._close_open()
            item, opened = self._open_item(
                "reasoning", {"id": new_id("rs_"), "type": "reasoning", "summary": []}
            )
            out += opened
        if event.text:
            if not item.summary_open:
                item.summary_open = True
                part = {"type": "summary_text", "text": ""}
                out += self._emit(
                    "response.reasoning_summary_part.added",
                    self._at(item) | {"summary_index": 0, "part": part},
                )
            item.parts.append(event.text)
            fields = self._at(item) | {"summary_index": 0, "delta": event.text}
            out += self._emit("response.reasoning_summary_text.delta", fields)
        item.signature = event.signature or item.signature
        item.redacted = event.redacted or item.redacted
        return out

    def _call_start(self, event: ToolCallStart) -> bytes:
        out = self._close_open()
        index = len(self._output)
        item = call_item(new_id("fc_"), event.id, event.name, "", "in_progress")
        self._output.append(item)
        self._calls[event.index] = (index, [])
        return out + self._emit("response.output_item.added", {"output_index": index, "item": item})

    def _call_delta(self, event: ToolCallDelta) -> bytes:
        call = self._calls.get(event.index)
        if call is None or not event.arguments:
            return b""
        index, parts = call
        parts.append(event.arguments)
        fields = {"item_id": self._output[index]["id"], "output_index": index, "delta": event.arguments}
        return self._emit("response.function_call_arguments.delta", fields)

    def _call_end(self, call_index: int) -> bytes:
        call = self._calls.pop(call_index, None)
        if call is None:
            return b""
        index, parts = call
        item = self._output[index]
        item["arguments"] = "".join(parts)
        item["status"] = "completed"
        fields = {"item_id": item["id"], "output_index": index, "arguments": item["arguments"]}
        done = self._emit("response.function_call_arguments.done", fields)
        return done + self._emit("response.output_item.done", {"output_index": index, "item": item})

    def _open_item(self, kind: str, item: JSONObject) -> tuple[_Open, bytes]:
        opened = _Open(kind, item["id"], len(self._output))
        self._output.append(item)
        self._open = opened
        return opened, self._emit("response.output_item.added", {"output_index": opened.index, "item": item})

    def _close_open(self) -> bytes:
        item, self._open = self._open, None
        if item is None:
            return b""
        text = "".join(item.parts)
        out = b""
        if item.kind == "message":
            part = {"type": "output_text", "text": text, "annotations": []}
            out += self._emit(
                "response.output_text.done",
                self._at(item) | {"content_index": 0, "text": text, "logprobs": []},
            )
            out += self._emit(
                "response.content_part.done", self._at(item) | {"content_index": 0, "part": part}
            )
            done = message_item(item.id, text)
        else:
            if item.summary_open:
                part = {"type": "summary_text", "text": text}
                out += self._emit(
                    "response.reasoning_summary_text.done",
                    self._at(item) | {"summary_index": 0, "text": text},
                )
                out += self._emit(
                    "response.reasoning_summary_part.done",
                    self._at(item) | {"summary_index": 0, "part": part},
                )
            done = reasoning_item(item.id, text, item.signature, item.redacted)
        self._output[item.index] = done
        return out + self._emit("response.output_item.done", {"output_index": item.index, "item": done})

    def _close_all(self) -> bytes:
        out = self._close_open()
        for call_index in list(self._calls):
            out += self._call_end(call_index)
        return out

    # -- framing

    @staticmethod
    def _at(item: _Open) -> JSONObject:
        return {"item_id": item.id, "output_index": item.index}

    def _response(self, status: str) -> JSONObject:
        usage = self._usage if status != "in_progress" else None
        return response_object(self._id, self._model, self._created_at, status, list(self._output), usage)

    def _emit(self, kind: str, fields: JSONObject) -> bytes:
        event: dict[str, Any] = {"type": kind, "sequence_number": self._seq}
        event.update(fields)
        self._seq += 1
        return encode_sse(orjson.dumps(event), kind)


def encode_response(resp: Response, model: str) -> JSONObject:
    """A final Response → a Responses JSON body (the same object ``response.completed`` carries)."""
    output: list[JSONObject] = []
    for part in resp.message.parts:
        if isinstance(part, TextPart):
            output.append(message_item(new_id("msg_"), part.text))
        elif isinstance(part, ReasoningPart):
            output.append(reasoning_item(new_id("rs_"), part.text, part.signature, part.redacted))
        elif isinstance(part, ToolCallPart):
            output.append(call_item(new_id("fc_"), part.id, part.name, part.arguments))
    body = response_object(new_id("resp_"), model, int(time.time()), "completed", output, resp.usage)
    return _finished(body, resp.finish_reason)


def stream_encoder(model: str, request: Mapping[str, Any]) -> StreamEncoder:
    """The encoder for an answer to ``request`` (no request option changes this API's stream)."""
    del request
    return StreamEncoder(model)
