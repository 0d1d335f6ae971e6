"""OpenAI Responses as Databricks serves it for GPT/Codex (research §2.7, §3.7): reading and rendering.

Streams reproduce the documented id defects: `response.id` is ~192 chars; `output_item.added/.done`
carry a 54-char `item.id` while the part/delta events of the same output carry a different ~192-char
`item_id`; `response.completed.response.usage` has no `total_tokens`. Non-streaming ids stay <= 55 chars.
An answer cut at `max_output_tokens` is `status: "incomplete"` with `incomplete_details` and its stream ends
with `response.incomplete` (OpenAI's shape; issue 9 item 7).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from brickgate.emulator.script import Conversation, ToolOffer, split_in_chunks
from brickgate.emulator.turn import Turn, as_dict, as_list, text_of

_EFFORTS = ("low", "medium", "high", "xhigh", "max")
_TOOL_OUTPUTS = ("function_call_output", "custom_tool_call_output")


def _long_id(prefix: str, basis: str, length: int) -> str:
    digest = ""
    counter = 0
    while len(prefix) + len(digest) < length:
        digest += hashlib.sha512(f"{basis}:{counter}".encode()).hexdigest()
        counter += 1
    return (prefix + digest)[:length]


def _offers(tools: list[Any]) -> list[ToolOffer]:
    offers: list[ToolOffer] = []
    for tool in map(as_dict, tools):
        kind = tool.get("type")
        if kind == "function" and tool.get("name"):
            offers.append(ToolOffer(str(tool["name"]), dict(as_dict(tool.get("parameters")))))
        elif kind == "custom" and tool.get("name"):
            offers.append(ToolOffer(str(tool["name"]), {}, kind="custom"))
        elif kind == "namespace":
            offers.extend(_offers(as_list(tool.get("tools"))))
    return offers


def responses_conversation(body: Mapping[str, Any]) -> Conversation:
    """The scripted model's view of a Responses request."""
    raw_input = body.get("input")
    items = (
        [{"type": "message", "role": "user", "content": raw_input}]
        if isinstance(raw_input, str)
        else [as_dict(i) for i in as_list(raw_input)]
    )
    last = items[-1] if items else {}
    tool_output = text_of(last.get("output")) if last.get("type") in _TOOL_OUTPUTS else None
    user_text = next(
        (
            text_of(i.get("content"))
            for i in reversed(items)
            if i.get("role") == "user" and i.get("type", "message") == "message"
        ),
        "",
    )
    calls = ("function_call", "custom_tool_call")
    return Conversation(
        last_user_text=user_text,
        tool_output=tool_output,
        tools=tuple(_offers(as_list(body.get("tools")))),
        prior_tool_calls=sum(1 for i in items if i.get("type") in calls),
        reasoning_enabled=as_dict(body.get("reasoning")).get("effort") in _EFFORTS,
        input_chars=len(json.dumps(items))
        + len(json.dumps(body.get("instructions") or ""))
        + len(json.dumps(body.get("tools") or [])),
    )


def _output_items(turn: Turn, id_length: int) -> list[dict[str, Any]]:
    reply, seed = turn.reply, turn.reply.seed
    items: list[dict[str, Any]] = []
    if reply.reasoning:
        reasoning: dict[str, Any] = {"type": "reasoning", "id": _long_id("rs_", seed + "rs", id_length)}
        if turn.endpoint.behaviour.reasoning == "encrypted":  # Grok: not readable (2026 §1.4)
            reasoning.update(summary=[], encrypted_content=turn.reasoning_signature)
        else:
            reasoning["summary"] = [{"type": "summary_text", "text": turn.shown_reasoning}]
        items.append(reasoning)
    if reply.text:
        items.append(
            {
                "type": "message",
                "id": _long_id("msg_", seed + "msg", id_length),
                "status": "completed",
                "role": "assistant",
                "content": [{"type": "output_text", "text": reply.text, "annotations": []}],
            }
        )
    call = reply.tool_call
    if call is not None and call.kind == "custom":
        items.append(
            {
                "type": "custom_tool_call",
                "id": _long_id("ctc_", seed + "ctc", id_length),
                "call_id": turn.call_id("call_"),
                "name": call.name,
                "input": call.arguments,
                "status": "completed",
            }
        )
    elif call is not None:
        items.append(
            {
                "type": "function_call",
                "id": _long_id("fc_", seed + "fc", id_length),
                "call_id": turn.call_id("call_"),
                "name": call.name,
                "arguments": call.arguments,
                "status": "completed",
            }
        )
    return items


def _usage(turn: Turn, *, with_total: bool) -> dict[str, Any]:
    reasoning = len(turn.reply.reasoning) // 4
    usage: dict[str, Any] = {
        "input_tokens": turn.reply.input_tokens,
        "input_tokens_details": {"cached_tokens": 0},
        "output_tokens": turn.reply.output_tokens,
        "output_tokens_details": {"reasoning_tokens": reasoning},
    }
    if with_total:
        usage["total_tokens"] = turn.reply.input_tokens + turn.reply.output_tokens
    return usage


def _status(turn: Turn) -> tuple[str, dict[str, str] | None]:
    if turn.reply.truncated:
        return "incomplete", {"reason": "max_output_tokens"}
    return "completed", None


def _response(turn: Turn, response_id: str, output: list[dict[str, Any]], status: str) -> dict[str, Any]:
    body = {
        "id": response_id,
        "object": "response",
        "created_at": turn.created,
        "status": status,
        "model": turn.model,
        "output": output,
        "error": None,
        "incomplete_details": None,
        "instructions": None,
        "metadata": {},
        "parallel_tool_calls": True,
        "temperature": 1.0,
        "top_p": 1.0,
        "tool_choice": "auto",
        "tools": [],
        "text": {"format": {"type": "text"}},
        "usage": None,
    }
    if turn.service_tier is not None:  # 2026 §4.1: the tier that served the request
        body["service_tier"] = turn.service_tier
    return body


def render_response(turn: Turn) -> dict[str, Any]:
    """A non-streaming `response` (short ids, usage with `total_tokens`)."""
    status, incomplete = _status(turn)
    body = _response(turn, f"resp_{turn.reply.seed}", _output_items(turn, 54), status)
    body["incomplete_details"] = incomplete
    body["usage"] = _usage(turn, with_total=True)
    return body


class _EventWriter:
    def __init__(self) -> None:
        self.events: list[bytes] = []

    def __call__(self, name: str, **payload: Any) -> None:
        data = json.dumps(
            {"type": name, "sequence_number": len(self.events), **payload}, separators=(",", ":")
        )
        self.events.append(f"event: {name}\ndata: {data}\n\n".encode())


def _item_events(emit: _EventWriter, turn: Turn, index: int, item: dict[str, Any]) -> None:
    long_id = _long_id(item["id"][: item["id"].index("_") + 1], f"{turn.reply.seed}:{index}:part", 192)
    where = {"item_id": long_id, "output_index": index}
    kind = item["type"]
    if kind == "message":
        emit(
            "response.output_item.added",
            output_index=index,
            item={**item, "status": "in_progress", "content": []},
        )
        part = item["content"][0]
        emit("response.content_part.added", **where, content_index=0, part={**part, "text": ""})
        for piece in turn.reply.text_chunks():
            emit("response.output_text.delta", **where, content_index=0, delta=piece, logprobs=[])
        emit("response.output_text.done", **where, content_index=0, text=part["text"], logprobs=[])
        emit("response.content_part.done", **where, content_index=0, part=part)
    elif kind == "reasoning":
        emit("response.output_item.added", output_index=index, item={**item, "summary": []})
        for part in item["summary"]:  # none when the reasoning is encrypted
            emit("response.reasoning_summary_part.added", **where, summary_index=0, part={**part, "text": ""})
            for piece in split_in_chunks(part["text"]):
                emit("response.reasoning_summary_text.delta", **where, summary_index=0, delta=piece)
            emit("response.reasoning_summary_text.done", **where, summary_index=0, text=part["text"])
            emit("response.reasoning_summary_part.done", **where, summary_index=0, part=part)
    else:
        field, event = (
            ("input", "custom_tool_call_input")
            if kind == "custom_tool_call"
            else ("arguments", "function_call_arguments")
        )
        emit(
            "response.output_item.added",
            output_index=index,
            item={**item, field: "", "status": "in_progress"},
        )
        raw = item[field]
        step = max(1, len(raw) // 3 + 1)
        for start in range(0, len(raw), step):
            emit(f"response.{event}.delta", **where, delta=raw[start : start + step])
        emit(f"response.{event}.done", **where, **{field: raw})
    emit("response.output_item.done", output_index=index, item=item)


def render_response_stream(turn: Turn) -> list[bytes]:
    """created → in_progress → per output item (added, parts, deltas, done) → completed."""
    response_id = _long_id("resp_", turn.reply.seed + "resp", 192)
    items = _output_items(turn, 54)
    emit = _EventWriter()
    emit("response.created", response=_response(turn, response_id, [], "in_progress"))
    emit("response.in_progress", response=_response(turn, response_id, [], "in_progress"))
    for index, item in enumerate(items):
        _item_events(emit, turn, index, item)
    status, incomplete = _status(turn)
    completed = _response(turn, response_id, items, status)
    completed["incomplete_details"] = incomplete
    completed["usage"] = _usage(turn, with_total=False)
    emit(f"response.{status}", response=completed)
    return emit.events
