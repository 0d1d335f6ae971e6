"""Pre-encoded upstream answers in the Databricks wire formats (research/databricks-api.md §2.5-2.9), and
Gemini's answer on Chat Completions (§3.2: content arrays carrying thoughtSignature).

Built once per (api, stream, events) and replayed byte for byte, so the mock upstream does no JSON work per
request. A stream of ``events`` carries that many text deltas plus each API's framing events.
"""

from __future__ import annotations

import functools
import json
from typing import Literal

Api = Literal["chat", "responses", "messages", "gemini"]
Stream = Literal[Api, "gemini-chat"]  # an answer's bytes: an API's, or Gemini's over Chat Completions
CREATED = 1730000000
UPSTREAM_MODEL = {
    "chat": "meta-llama-3.3-70b-instruct",
    "responses": "gpt-5.2",
    "messages": "claude-sonnet-4-5",
    "gemini": "gemini-3.5-flash",
}
SIGNATURE = "CpwBAXLI2nx" + "Q" * 120  # a thought signature's size, as Gemini 3 sends it on the last part
# ~150-byte chat chunks, like the research measurements. Each delta differs: LiteLLM aborts a stream that
# repeats one chunk 100 times ("The model is repeating the same chunk").
WORD = "lorem"


def word(i: int) -> str:
    return f"{WORD}{i} "


def _dumps(doc: object) -> str:
    return json.dumps(doc, separators=(",", ":"))


def _sse(doc: object, event: str | None = None) -> bytes:
    head = f"event: {event}\n" if event else ""
    return f"{head}data: {_dumps(doc)}\n\n".encode()


def _chat_chunk(delta: dict[str, object], finish: str | None, usage: dict[str, int] | None) -> bytes:
    doc: dict[str, object] = {
        "id": "chatcmpl-bench",
        "object": "chat.completion.chunk",
        "created": CREATED,
        "model": UPSTREAM_MODEL["chat"],
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    if usage is not None:
        doc["usage"] = usage
    return _sse(doc)


def chat_events(n: int) -> list[bytes]:
    first = [_chat_chunk({"role": "assistant", "content": word(0)}, None, None)]
    middle = [_chat_chunk({"content": word(i)}, None, None) for i in range(1, n)]
    usage = {"prompt_tokens": 12, "completion_tokens": n, "total_tokens": 12 + n}
    return [*first, *middle, _chat_chunk({}, "stop", usage), b"data: [DONE]\n\n"]


def chat_json() -> bytes:
    return _dumps(
        {
            "id": "chatcmpl-bench",
            "object": "chat.completion",
            "created": CREATED,
            "model": UPSTREAM_MODEL["chat"],
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": "Hello! How can I help you today?"},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 12, "completion_tokens": 9, "total_tokens": 21},
        }
    ).encode()


def _gemini_chunk(parts: list[dict[str, object]], finish: str | None, n: int) -> bytes:
    candidate: dict[str, object] = {"content": {"role": "model", "parts": parts}, "index": 0}
    usage: dict[str, int] = {"promptTokenCount": 12, "totalTokenCount": 12}
    if finish is not None:
        candidate["finishReason"] = finish
        usage = {"promptTokenCount": 12, "candidatesTokenCount": n, "totalTokenCount": 12 + n}
    doc = {"candidates": [candidate], "usageMetadata": usage, "modelVersion": UPSTREAM_MODEL["gemini"]}
    return _sse({**doc, "responseId": "bench"})


def gemini_events(n: int) -> list[bytes]:
    """Gemini API chunks: one text part each, the last signed and carrying the finish reason."""
    last = {"text": word(n - 1), "thoughtSignature": SIGNATURE}
    return [
        *(_gemini_chunk([{"text": word(i)}], None, n) for i in range(n - 1)),
        _gemini_chunk([last], "STOP", n),
    ]


def gemini_chat_events(n: int) -> list[bytes]:
    """Gemini 3 on Chat Completions: array content (the last part signed), an all-null usage per chunk,
    then the finish chunk with the usage."""
    nulls = {"prompt_tokens": None, "completion_tokens": None, "total_tokens": None}

    def chunk(content: list[dict[str, object]], finish: str | None, usage: dict[str, object]) -> bytes:
        doc = {
            "id": "chatcmpl-bench",
            "object": "chat.completion.chunk",
            "created": CREATED,
            "model": UPSTREAM_MODEL["gemini"],
            "choices": [{"index": 0, "delta": {"content": content}, "finish_reason": finish}],
            "usage": usage,
        }
        return _sse(doc)

    parts: list[dict[str, object]] = [{"type": "text", "text": word(i)} for i in range(n)]
    parts[-1] = {**parts[-1], "thoughtSignature": SIGNATURE}
    usage = {"prompt_tokens": 12, "completion_tokens": n, "total_tokens": 12 + n}
    return [*(chunk([p], None, nulls) for p in parts), chunk([], "stop", usage), b"data: [DONE]\n\n"]


def gemini_json() -> bytes:
    return (
        _gemini_chunk([{"text": "Hello! How can I help you today?"}], "STOP", 9)
        .removeprefix(b"data: ")
        .strip()
    )


def _anthropic_message(text: str, output_tokens: int) -> dict[str, object]:
    return {
        "id": "msg_bench",
        "type": "message",
        "role": "assistant",
        "model": UPSTREAM_MODEL["messages"],
        "content": [{"type": "text", "text": text}] if text else [],
        "stop_reason": "end_turn" if text else None,
        "stop_sequence": None,
        "usage": {
            "input_tokens": 12,
            "output_tokens": output_tokens,
            "cache_read_input_tokens": 0,
            "cache_creation_input_tokens": 0,
        },
    }


def anthropic_events(n: int) -> list[bytes]:
    def delta(i: int) -> dict[str, object]:
        return {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": word(i)}}

    return [
        _sse({"type": "message_start", "message": _anthropic_message("", 1)}, "message_start"),
        _sse(
            {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
            "content_block_start",
        ),
        *(_sse(delta(i), "content_block_delta") for i in range(n)),
        _sse({"type": "content_block_stop", "index": 0}, "content_block_stop"),
        _sse(
            {
                "type": "message_delta",
                "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                "usage": {"output_tokens": n},
            },
            "message_delta",
        ),
        _sse({"type": "message_stop"}, "message_stop"),
    ]


def anthropic_json() -> bytes:
    return _dumps(_anthropic_message("Hello! How can I help you today?", 9)).encode()


def _response(status: str, text: str, n: int) -> dict[str, object]:
    output = []
    if text:
        output = [
            {
                "id": "msg_bench",
                "type": "message",
                "status": "completed",
                "role": "assistant",
                "content": [{"type": "output_text", "text": text, "annotations": []}],
            }
        ]
    return {
        "id": "resp_bench",
        "object": "response",
        "created_at": CREATED,
        "status": status,
        "model": UPSTREAM_MODEL["responses"],
        "output": output,
        "usage": {
            "input_tokens": 12,
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens": n,
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": 12 + n,
        }
        if status == "completed"
        else None,
    }


def responses_events(n: int) -> list[bytes]:
    text = "".join(word(i) for i in range(n))
    item = {"id": "msg_bench", "type": "message", "status": "in_progress", "role": "assistant", "content": []}
    part = {"type": "output_text", "text": "", "annotations": []}
    where = {"item_id": "msg_bench", "output_index": 0, "content_index": 0}
    seq = iter(range(1_000_000))

    def ev(kind: str, **fields: object) -> bytes:
        return _sse({"type": kind, "sequence_number": next(seq), **fields}, kind)

    return [
        ev("response.created", response=_response("in_progress", "", 0)),
        ev("response.in_progress", response=_response("in_progress", "", 0)),
        ev("response.output_item.added", output_index=0, item=item),
        ev("response.content_part.added", part=part, **where),
        *(ev("response.output_text.delta", delta=word(i), **where) for i in range(n)),
        ev("response.output_text.done", text=text, **where),
        ev("response.content_part.done", part={**part, "text": text}, **where),
        ev(
            "response.output_item.done",
            output_index=0,
            item={**item, "status": "completed", "content": [{**part, "text": text}]},
        ),
        ev("response.completed", response=_response("completed", text, n)),
    ]


def responses_json() -> bytes:
    return _dumps(_response("completed", "Hello! How can I help you today?", 9)).encode()


_STREAMS = {
    "chat": chat_events,
    "responses": responses_events,
    "messages": anthropic_events,
    "gemini": gemini_events,
    "gemini-chat": gemini_chat_events,
}


@functools.lru_cache(maxsize=64)
def stream_events(kind: Stream, n: int) -> tuple[bytes, ...]:
    """The SSE events of one streamed answer with ``n`` text deltas."""
    return tuple(_STREAMS[kind](n))


@functools.lru_cache(maxsize=8)
def json_body(api: Api) -> bytes:
    """The non-streaming answer."""
    return {
        "chat": chat_json,
        "responses": responses_json,
        "messages": anthropic_json,
        "gemini": gemini_json,
    }[api]()


TERMINAL_MARK: dict[Api, bytes] = {
    "chat": b"[DONE]",
    "responses": b"response.completed",
    "messages": b"message_stop",
    "gemini": b'"finishReason"',
}
