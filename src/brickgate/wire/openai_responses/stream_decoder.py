"""OpenAI Responses answers → protocol events. A JSON body is decoded as its own ``response.completed``.

Events are matched to their output item by ``output_index`` first: Databricks streams ``item_id`` values on
deltas that differ from the ``item.id`` announced in ``output_item.added`` (research §3.7), so ids are only
a fallback. Every item's ``output_item.done`` carries the whole item, so an item whose deltas never came
(or a non-streaming body) still produces its text, arguments and reasoning.
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
from brickgate.wire.fields import count, list_of, mapping, new_id, payload_problem, text_of
from brickgate.wire.openai_responses.reasoning import unpack_encrypted

INCOMPLETE_REASONS: dict[str, FinishReason] = {
    "max_output_tokens": "length",
    "content_filter": "content-filter",
}


def decode_usage(u: Mapping[str, Any], service_tier: Any = None) -> Usage | None:
    """A Responses ``usage`` → Usage (``input_tokens`` there includes cached tokens; ours does not), with
    the response's ``service_tier``."""
    inp = count(u.get("input_tokens"))
    out = count(u.get("output_tokens"))
    if inp is None and out is None:
        return None
    cached = count(mapping(u.get("input_tokens_details")).get("cached_tokens")) or 0
    return Usage(
        input_tokens=max(0, (inp or 0) - cached),
        output_tokens=out or 0,
        cache_read_tokens=cached,
        reasoning_tokens=count(mapping(u.get("output_tokens_details")).get("reasoning_tokens")) or 0,
        service_tier=service_tier if isinstance(service_tier, str) else None,
    )


def usage_of(payload: Mapping[str, Any]) -> Usage | None:
    """The usage of a response body or of a stream event carrying the response (``response.completed``)."""
    response = payload if "usage" in payload else mapping(payload.get("response"))
    u = response.get("usage")
    return decode_usage(u, response.get("service_tier")) if isinstance(u, dict) else None


def finish_reason(response: Mapping[str, Any], had_tool_calls: bool) -> tuple[FinishReason, str | None]:
    """(canonical reason, raw reason) from a final response's ``status`` and ``incomplete_details``."""
    status = response.get("status")
    if status == "incomplete":
        reason = mapping(response.get("incomplete_details")).get("reason")
        raw = reason if isinstance(reason, str) else "incomplete"
        return INCOMPLETE_REASONS.get(raw, "other"), raw
    if status in (None, "completed"):
        return ("tool-calls" if had_tool_calls else "stop"), status
    return "other", str(status)


class _Item:
    __slots__ = ("call", "item_id", "kind", "streamed", "summary_index")

    def __init__(self, kind: str, call: int | None, item_id: Any) -> None:
        self.kind = kind
        self.item_id = item_id if isinstance(item_id, str) else None
        self.call = call  # our tool-call index for function_call items
        self.streamed = False  # deltas arrived, so output_item.done must not repeat the content
        self.summary_index = 0


class StreamDecoder:
    """Folds Responses stream events into protocol events. ``event`` per parsed event, then ``close``."""

    __slots__ = ("_done", "_ids", "_items", "_next_call", "_open_calls", "_started")

    def __init__(self) -> None:
        self._started = False
        self._done = False
        self._items: dict[int, _Item] = {}
        self._ids: dict[str, int] = {}
        self._open_calls: list[int] = []
        self._next_call = 0

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
        """End of the byte stream. A stream that never reached ``response.completed`` ends in an error."""
        if self._done:
            return []
        return self._fail("the upstream stream ended before response.completed", "stream_incomplete")

    # -- one method per event type

    def _on_created(self, data: Mapping[str, Any]) -> list[StreamEvent]:
        return self._start(mapping(data.get("response")))

    def _on_item_added(self, data: Mapping[str, Any]) -> list[StreamEvent]:
        out = self._start({})
        item = mapping(data.get("item"))
        self._open(self._index(data, item), item, out)
        return out

    def _on_text_delta(self, data: Mapping[str, Any]) -> list[StreamEvent]:
        slot = self._slot(data)
        delta = text_of(data.get("delta"))
        if slot is None or not delta:
            return []
        pd = None if slot.streamed or slot.item_id is None else {"id": slot.item_id}
        slot.streamed = True
        return [TextDelta(text=delta, provider_data=pd)]

    def _on_reasoning_delta(self, data: Mapping[str, Any]) -> list[StreamEvent]:
        slot = self._slot(data)
        delta = text_of(data.get("delta"))
        if slot is None or not delta:
            return []
        summary_index = data.get("summary_index", 0)
        if slot.streamed and summary_index != slot.summary_index:
            delta = "\n\n" + delta  # a new summary part: keep the parts apart in one reasoning text
        slot.summary_index = summary_index if isinstance(summary_index, int) else 0
        slot.streamed = True
        return [ReasoningDelta(text=delta)]

    def _on_arguments_delta(self, data: Mapping[str, Any]) -> list[StreamEvent]:
        slot = self._slot(data)
        delta = text_of(data.get("delta"))
        if slot is None or slot.call is None or not delta:
            return []
        slot.streamed = True
        return [ToolCallDelta(index=slot.call, arguments=delta)]

    def _on_arguments_done(self, data: Mapping[str, Any]) -> list[StreamEvent]:
        slot = self._slot(data)
        arguments = text_of(data.get("arguments"))
        if slot is None or slot.call is None or slot.streamed or not arguments:
            return []
        slot.streamed = True
        return [ToolCallDelta(index=slot.call, arguments=arguments)]

    def _on_item_done(self, data: Mapping[str, Any]) -> list[StreamEvent]:
        out = self._start({})
        item = mapping(data.get("item"))
        self._item_done(self._index(data, item), item, out)
        return out

    def _on_finished(self, data: Mapping[str, Any]) -> list[StreamEvent]:
        response = mapping(data.get("response"))
        out = self._start(response)
        if not self._items:  # no item events at all (or a JSON body): take the final output list
            for position, item in enumerate(list_of(response.get("output"))):
                self._item_done(position, mapping(item), out)
        error = mapping(response.get("error"))
        if response.get("status") == "failed" or error:
            out.extend(
                self._fail(text_of(error.get("message")) or "the upstream response failed", error.get("code"))
            )
            return out
        out.extend(self._end_calls())
        usage = decode_usage(mapping(response.get("usage")), response.get("service_tier"))
        if usage is not None:
            out.append(UsageReport(usage=usage))
        reason, raw = finish_reason(response, self._next_call > 0)
        out.append(Finish(reason=reason, raw_reason=raw))
        self._done = True
        return out

    def _on_error(self, data: Mapping[str, Any]) -> list[StreamEvent]:
        error = mapping(data.get("error")) or data
        return self._fail(
            text_of(error.get("message")) or "the upstream reported an error", error.get("code")
        )

    # -- state

    def _start(self, response: Mapping[str, Any]) -> list[StreamEvent]:
        if self._started:
            return []
        self._started = True
        rid, model = response.get("id"), response.get("model")
        return [
            Start(id=rid if isinstance(rid, str) else None, model=model if isinstance(model, str) else None)
        ]

    def _index(self, data: Mapping[str, Any], item: Mapping[str, Any]) -> int:
        index = data.get("output_index")
        if isinstance(index, int):
            return index
        item_id = item.get("id")
        if isinstance(item_id, str) and item_id in self._ids:
            return self._ids[item_id]
        return len(self._items)

    def _slot(self, data: Mapping[str, Any]) -> _Item | None:
        index = data.get("output_index")
        if not isinstance(index, int):
            index = self._ids.get(text_of(data.get("item_id")), -1)
        return self._items.get(index)

    def _open(self, index: int, item: Mapping[str, Any], out: list[StreamEvent]) -> _Item:
        kind = text_of(item.get("type"))
        item_id = item.get("id")
        call: int | None = None
        if kind == "function_call":
            call = self._next_call
            self._next_call += 1
            self._open_calls.append(call)
            call_id = text_of(item.get("call_id")) or text_of(item_id) or new_id("call_")
            pd = {"id": item_id} if isinstance(item_id, str) else None
            out.append(
                ToolCallStart(index=call, id=call_id, name=text_of(item.get("name")), provider_data=pd)
            )
        slot = _Item(kind, call, item_id)
        self._items[index] = slot
        if isinstance(item_id, str):
            self._ids[item_id] = index
        return slot

    def _item_done(self, index: int, item: Mapping[str, Any], out: list[StreamEvent]) -> None:
        slot = self._items.get(index) or self._open(index, item, out)
        if slot.kind == "message":
            if not slot.streamed:
                pd = {"id": slot.item_id} if slot.item_id else None
                for part in list_of(item.get("content")):
                    part = mapping(part)
                    text = text_of(
                        part.get("text") if part.get("type") == "output_text" else part.get("refusal")
                    )
                    if text:
                        out.append(TextDelta(text=text, provider_data=pd))
                        pd = None
        elif slot.kind == "function_call" and slot.call is not None:
            arguments = text_of(item.get("arguments"))
            if not slot.streamed and arguments:
                out.append(ToolCallDelta(index=slot.call, arguments=arguments))
            if slot.call in self._open_calls:
                self._open_calls.remove(slot.call)
                out.append(ToolCallEnd(index=slot.call))
        elif slot.kind == "reasoning":
            self._reasoning_done(slot, item, out)
        slot.streamed = True

    @staticmethod
    def _reasoning_done(slot: _Item, item: Mapping[str, Any], out: list[StreamEvent]) -> None:
        text = ""
        if not slot.streamed:
            parts = [text_of(mapping(p).get("text")) for p in list_of(item.get("summary"))]
            text = "\n\n".join(p for p in parts if p)
        signature, redacted = unpack_encrypted(item.get("encrypted_content"))
        item_id = item.get("id")
        pd = {"id": item_id} if isinstance(item_id, str) else None
        if text or signature or redacted or pd:
            out.append(ReasoningDelta(text=text, signature=signature, redacted=redacted, provider_data=pd))

    def _end_calls(self) -> list[StreamEvent]:
        out: list[StreamEvent] = [ToolCallEnd(index=i) for i in self._open_calls]
        self._open_calls = []
        return out

    def _fail(self, message: str, code: Any) -> list[StreamEvent]:
        self._done = True
        out = self._end_calls()
        out.append(StreamError(message=message, code=str(code) if code is not None else None))
        return out


_Handler = Callable[[StreamDecoder, Mapping[str, Any]], list[StreamEvent]]
_HANDLERS: dict[str, _Handler] = {
    "response.created": StreamDecoder._on_created,
    "response.in_progress": StreamDecoder._on_created,
    "response.queued": StreamDecoder._on_created,
    "response.output_item.added": StreamDecoder._on_item_added,
    "response.output_text.delta": StreamDecoder._on_text_delta,
    "response.refusal.delta": StreamDecoder._on_text_delta,
    "response.reasoning_summary_text.delta": StreamDecoder._on_reasoning_delta,
    "response.reasoning_text.delta": StreamDecoder._on_reasoning_delta,
    "response.function_call_arguments.delta": StreamDecoder._on_arguments_delta,
    "response.function_call_arguments.done": StreamDecoder._on_arguments_done,
    "response.output_item.done": StreamDecoder._on_item_done,
    "response.completed": StreamDecoder._on_finished,
    "response.incomplete": StreamDecoder._on_finished,
    "response.failed": StreamDecoder._on_finished,
    "error": StreamDecoder._on_error,
}


def decode_response(body: Mapping[str, Any]) -> list[StreamEvent]:
    """A non-streaming Responses body → the same events its stream would have produced."""
    return StreamDecoder().event({"type": "response.completed", "response": body})


def stream_decoder() -> StreamDecoder:
    return StreamDecoder()
