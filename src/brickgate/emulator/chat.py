"""OpenAI Chat Completions as Databricks serves it (research api §2.4-§2.6, 2026 §1.4-§1.5).

Per behaviour: Claude sends partial usage on every stream chunk (`completion_tokens: null`) and reasoning
as `content: [{"type": "reasoning", "summary": [...]}]`; Gemini sends `content` as an array of text parts
with `thoughtSignature` and null usage on every chunk; GPT ends with an extra usage chunk (`choices: []`)
and returns no reasoning text; GLM/Kimi/Inkling/Qwen 3.5 put reasoning in `reasoning_content` next to
`content`; Grok's reasoning is an encrypted blob; Inkling's stream ends without a `finish_reason`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from brickgate.emulator.script import Conversation, ToolOffer
from brickgate.emulator.turn import Turn, as_dict, as_list, text_of

ENABLING_EFFORTS = ("low", "medium", "high", "xhigh", "max")
# ASSUMPTION: what an image-output model's answer carries (a 1x1 PNG as a data URL)
_PIXEL = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAAC0lEQVR4nGNgAAIAAAUAAXpeqz8AAAAASUVORK5CYII="


def chat_conversation(body: Mapping[str, Any]) -> Conversation:
    """The scripted model's view of a chat request."""
    messages = [as_dict(m) for m in as_list(body.get("messages"))]
    last = messages[-1] if messages else {}
    tool_output = text_of(last.get("content")) if last.get("role") == "tool" else None
    user_text = next((text_of(m.get("content")) for m in reversed(messages) if m.get("role") == "user"), "")
    tools = []
    for tool in as_list(body.get("tools")):
        function = as_dict(as_dict(tool).get("function"))
        if function.get("name"):
            tools.append(ToolOffer(str(function["name"]), dict(as_dict(function.get("parameters")))))
    thinking = as_dict(body.get("thinking")).get("type") in ("enabled", "adaptive")
    return Conversation(
        last_user_text=user_text,
        tool_output=tool_output,
        tools=tuple(tools),
        reasoning_enabled=thinking or body.get("reasoning_effort") in ENABLING_EFFORTS,
        input_chars=len(json.dumps(messages)) + len(json.dumps(body.get("tools") or [])),
        prior_tool_calls=sum(len(as_list(m.get("tool_calls"))) for m in messages),
    )


def finish_reason(turn: Turn) -> str:
    if turn.reply.truncated:
        return "length"
    return "tool_calls" if turn.reply.tool_call else "stop"


def _usage(turn: Turn, *, final: bool) -> dict[str, Any]:
    completion = turn.reply.output_tokens if final else None
    usage: dict[str, Any] = {
        "prompt_tokens": turn.prompt_tokens,
        "completion_tokens": completion,
        "total_tokens": turn.prompt_tokens + completion if completion is not None else None,
    }
    if turn.cache.marked:
        usage["cache_read_input_tokens"] = turn.cache.read
        usage["cache_creation_input_tokens"] = turn.cache.write
    return usage


def _reasoning_part(turn: Turn, text: str, *, signed: bool) -> dict[str, Any]:
    """api §2.4/§2.6: `{"type": "reasoning", "summary": [...]}`; Grok's is `summary_encrypted_text`."""
    if turn.endpoint.behaviour.reasoning == "encrypted":  # ASSUMPTION: the api §2.4 item type
        return {
            "type": "reasoning",
            "summary": [{"type": "summary_encrypted_text", "data": turn.reasoning_signature}],
        }
    summary: dict[str, Any] = {"type": "summary_text", "text": text}
    if signed:
        summary["signature"] = turn.reasoning_signature
    return {"type": "reasoning", "summary": [summary]}


def _in_parts(turn: Turn) -> bool:
    """Whether reasoning travels as content parts (else `reasoning_content`, or not at all)."""
    return bool(turn.reply.reasoning) and turn.endpoint.behaviour.reasoning in ("summary", "encrypted")


def _tool_call(turn: Turn, arguments: str, *, index: int | None = None) -> dict[str, Any]:
    call = turn.reply.tool_call
    assert call is not None
    rendered: dict[str, Any] = {
        "id": turn.call_id("call_"),
        "type": "function",
        "function": {"name": call.name, "arguments": arguments},
    }
    return rendered if index is None else {"index": index, **rendered}


def _image_part() -> dict[str, Any]:
    return {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{_PIXEL}"}}


def _message_content(turn: Turn) -> Any:
    reply, behaviour = turn.reply, turn.endpoint.behaviour
    parts: list[dict[str, Any]] = []
    if _in_parts(turn):
        parts.append(_reasoning_part(turn, turn.shown_reasoning, signed=True))
    if behaviour.gemini:
        signed = reply.text if reply.tool_call is None else reply.tool_call.call_id
        parts.append({"type": "text", "text": reply.text, "thoughtSignature": turn.sign(signed)})
        if behaviour.image_output:
            parts.append(_image_part())
        return parts
    if parts:
        return parts + ([{"type": "text", "text": reply.text}] if reply.text else [])
    if reply.tool_call is not None and not behaviour.claude:
        return None
    return reply.text  # Claude answers tool-only turns with content "" (research §3.1)


def _common(turn: Turn, obj: str) -> dict[str, Any]:
    head: dict[str, Any] = {
        "id": f"chatcmpl_{turn.reply.seed}",
        "object": obj,
        "created": turn.created,
        "model": turn.model,
    }
    if turn.service_tier is not None:  # 2026 §4.1 [LLc]: the tier is read back from answers and chunks
        head["service_tier"] = turn.service_tier
    return head


def render_chat(turn: Turn) -> dict[str, Any]:
    """A non-streaming `chat.completion`."""
    message: dict[str, Any] = {"role": "assistant", "content": _message_content(turn)}
    if turn.reply.reasoning and turn.endpoint.behaviour.reasoning == "sibling":
        message["reasoning_content"] = turn.reply.reasoning  # 2026 §1.4: a sibling of `content`
    if turn.reply.tool_call is not None:
        message["tool_calls"] = [_tool_call(turn, turn.reply.tool_call.arguments)]
    return {
        **_common(turn, "chat.completion"),
        "choices": [{"index": 0, "message": message, "finish_reason": finish_reason(turn)}],
        "usage": _usage(turn, final=True),
    }


def _reasoning_deltas(turn: Turn) -> list[dict[str, Any]]:
    reply, style = turn.reply, turn.endpoint.behaviour.reasoning
    if not reply.reasoning or style == "hidden":
        return []
    if style == "sibling":
        return [{"reasoning_content": piece} for piece in reply.reasoning_chunks()]
    pieces = reply.reasoning_chunks() if turn.shown_reasoning else [""]
    last = len(pieces) - 1
    return [{"content": [_reasoning_part(turn, p, signed=i == last)]} for i, p in enumerate(pieces)]


def _deltas(turn: Turn) -> list[dict[str, Any]]:
    """The `delta` objects of a stream, in order, before the finishing chunk."""
    reply, behaviour = turn.reply, turn.endpoint.behaviour
    deltas = _reasoning_deltas(turn)
    pieces = reply.text_chunks()
    for i, piece in enumerate(pieces):
        if behaviour.gemini:
            part: dict[str, Any] = {"type": "text", "text": piece}
            if i == len(pieces) - 1:
                part["thoughtSignature"] = turn.sign(reply.text)
            deltas.append({"content": [part]})
        else:
            deltas.append({"content": piece})
    if behaviour.image_output:
        deltas.append({"content": [_image_part()]})
    call = reply.tool_call
    if call is not None:
        if behaviour.gemini:
            deltas.append(
                {"content": [{"type": "text", "text": "", "thoughtSignature": turn.sign(call.call_id)}]}
            )
        deltas.append({"tool_calls": [_tool_call(turn, "", index=0)]})
        step = max(1, len(call.arguments) // 3 + 1)
        for start in range(0, len(call.arguments), step):
            fragment = call.arguments[start : start + step]
            deltas.append({"tool_calls": [{"index": 0, "function": {"arguments": fragment}}]})
    if deltas:
        deltas[0] = {"role": "assistant", **deltas[0]}
    return deltas or [{"role": "assistant", "content": ""}]


def _sse(payload: dict[str, Any]) -> bytes:
    return b"data: " + json.dumps(payload, separators=(",", ":")).encode() + b"\n\n"


def render_chat_stream(turn: Turn) -> list[bytes]:
    """The SSE events of a streamed `chat.completion.chunk` sequence, ending with `data: [DONE]`."""
    behaviour = turn.endpoint.behaviour
    base = _common(turn, "chat.completion.chunk")
    null_usage = {"prompt_tokens": None, "completion_tokens": None, "total_tokens": None}
    events = []
    for delta in _deltas(turn):
        chunk: dict[str, Any] = {**base, "choices": [{"index": 0, "delta": delta, "finish_reason": None}]}
        if behaviour.claude:
            chunk["usage"] = _usage(turn, final=False)
        elif behaviour.gemini:
            chunk["usage"] = null_usage
        events.append(_sse(chunk))
    # 2026 §1.5: Inkling's last chunk carries no finish_reason
    finish = finish_reason(turn) if behaviour.stream_finish_reason else None
    last: dict[str, Any] = {**base, "choices": [{"index": 0, "delta": {}, "finish_reason": finish}]}
    if behaviour.family == "gpt":  # GPT-5 ends with a separate usage chunk (research §2.6)
        events.append(_sse(last))
        last = {**base, "choices": []}
    last["usage"] = _usage(turn, final=True)
    events.append(_sse(last))
    events.append(b"data: [DONE]\n\n")
    return events
