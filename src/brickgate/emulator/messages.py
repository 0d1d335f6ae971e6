"""Anthropic Messages as Databricks serves it (research api §2.8; GLM 5.3 and Kimi K3 too, 2026 §1.3):
request reading and rendering. Adaptive Claude thinking comes back empty with a signature (2026 §1.4), a
truncated answer stops with `max_tokens`, and current Claude streams carry Bedrock's invocation metrics in
`message_stop` (2026 §1.5 [LLc])."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from brickgate.emulator.script import Conversation, ToolOffer
from brickgate.emulator.turn import Turn, as_dict, as_list, text_of


def _tool_result_text(block: Mapping[str, Any]) -> str:
    return text_of(block.get("content"))


def messages_conversation(body: Mapping[str, Any]) -> Conversation:
    """The scripted model's view of a Messages request (`role: "system"` entries are skipped)."""
    messages = [as_dict(m) for m in as_list(body.get("messages")) if as_dict(m).get("role") != "system"]
    tool_output = None
    user_text = ""
    for index, message in enumerate(reversed(messages)):
        if message.get("role") != "user":
            continue
        blocks = [as_dict(b) for b in as_list(message.get("content"))]
        results = [b for b in blocks if b.get("type") == "tool_result"]
        if index == 0 and results:
            tool_output = "\n".join(_tool_result_text(b) for b in results)
        text = text_of(message.get("content"))
        if text:
            user_text = text
            break
    tools = tuple(
        ToolOffer(str(t["name"]), dict(as_dict(t.get("input_schema"))))
        for t in map(as_dict, as_list(body.get("tools")))
        if t.get("name") and "input_schema" in t
    )
    return Conversation(
        last_user_text=user_text,
        tool_output=tool_output,
        tools=tools,
        reasoning_enabled=as_dict(body.get("thinking")).get("type") in ("enabled", "adaptive"),
        input_chars=len(json.dumps(body.get("messages") or []))
        + len(json.dumps(body.get("system") or ""))
        + len(json.dumps(body.get("tools") or [])),
        prior_tool_calls=sum(
            1
            for m in messages
            if m.get("role") == "assistant"
            for b in as_list(m.get("content"))
            if as_dict(b).get("type") == "tool_use"
        ),
    )


def _usage(turn: Turn, output_tokens: int) -> dict[str, Any]:
    usage: dict[str, Any] = {
        "input_tokens": turn.prompt_tokens,
        "output_tokens": output_tokens,
        "cache_creation_input_tokens": turn.cache.write,
        "cache_read_input_tokens": turn.cache.read,
    }
    if turn.service_tier is not None:  # Anthropic reports the tier in usage ("standard" | "priority")
        usage["service_tier"] = "priority" if turn.service_tier == "priority" else "standard"
    return usage


def _blocks(turn: Turn) -> list[dict[str, Any]]:
    reply = turn.reply
    blocks: list[dict[str, Any]] = []
    if reply.reasoning:
        blocks.append(
            {"type": "thinking", "thinking": turn.shown_reasoning, "signature": turn.reasoning_signature}
        )
    if reply.text:
        blocks.append({"type": "text", "text": reply.text})
    if reply.tool_call is not None:
        blocks.append(
            {
                "type": "tool_use",
                "id": turn.call_id("toolu_"),
                "name": reply.tool_call.name,
                "input": json.loads(reply.tool_call.arguments),
            }
        )
    return blocks


def _stop_reason(turn: Turn) -> str:
    if turn.reply.truncated:
        return "max_tokens"
    return "tool_use" if turn.reply.tool_call else "end_turn"


def render_message(turn: Turn) -> dict[str, Any]:
    """A non-streaming Anthropic `message`."""
    return {
        "id": f"msg_{turn.reply.seed}",
        "type": "message",
        "role": "assistant",
        "model": turn.model,
        "content": _blocks(turn),
        "stop_reason": _stop_reason(turn),
        "stop_sequence": None,
        "usage": _usage(turn, turn.reply.output_tokens),
    }


def _event(name: str, payload: dict[str, Any]) -> bytes:
    data = json.dumps({"type": name, **payload}, separators=(",", ":"))
    return f"event: {name}\ndata: {data}\n\n".encode()


def _block_events(turn: Turn, index: int, block: dict[str, Any]) -> list[bytes]:
    kind = block["type"]
    if kind == "thinking":
        start = {**block, "thinking": "", "signature": ""}
        pieces = turn.reply.reasoning_chunks() if block["thinking"] else []
        deltas = [{"type": "thinking_delta", "thinking": p} for p in pieces]
        deltas.append({"type": "signature_delta", "signature": block["signature"]})
    elif kind == "text":
        start = {"type": "text", "text": ""}
        deltas = [{"type": "text_delta", "text": p} for p in turn.reply.text_chunks()]
    else:
        start = {**block, "input": {}}
        raw = json.dumps(block["input"])
        step = max(1, len(raw) // 3 + 1)
        deltas = [
            {"type": "input_json_delta", "partial_json": raw[i : i + step]} for i in range(0, len(raw), step)
        ]
    events = [_event("content_block_start", {"index": index, "content_block": start})]
    events += [_event("content_block_delta", {"index": index, "delta": d}) for d in deltas]
    events.append(_event("content_block_stop", {"index": index}))
    return events


def render_message_stream(turn: Turn) -> list[bytes]:
    """message_start, ping, content blocks, message_delta (stop reason, output usage), message_stop."""
    message = {**render_message(turn), "content": [], "stop_reason": None, "usage": _usage(turn, 1)}
    events = [_event("message_start", {"message": message}), _event("ping", {})]
    for index, block in enumerate(_blocks(turn)):
        events += _block_events(turn, index, block)
    events.append(
        _event(
            "message_delta",
            {
                "delta": {"stop_reason": _stop_reason(turn), "stop_sequence": None},
                "usage": {"output_tokens": turn.reply.output_tokens},
            },
        )
    )
    stop: dict[str, Any] = {}
    if turn.endpoint.behaviour.bedrock_metrics:
        stop["amazon-bedrock-invocationMetrics"] = {
            "inputTokenCount": turn.prompt_tokens,
            "outputTokenCount": turn.reply.output_tokens,
            "invocationLatency": 412,
            "firstByteLatency": 180,
        }
    events.append(_event("message_stop", stop))
    return events
