"""What the same-API relay makes of Databricks chat streams so OpenAI clients can read them: a finish_reason
before ``[DONE]``, usage only on the final chunk, reasoning as ``reasoning_content`` — however the upstream
reads split the events."""

from __future__ import annotations

import json
from typing import Any

import pytest

from brickgate.catalog.model import Model
from tests.unit.quirks.factory import CLAUDE, GEMINI_3, LLAMA
from tests.unit.test_relay import relayed
from tests.unit.transport_double import sse

HEAD = {"id": "c1", "object": "chat.completion.chunk", "created": 7, "model": "inkling"}
NULL_USAGE = {"prompt_tokens": None, "completion_tokens": None, "total_tokens": None}
FULL_USAGE = {"prompt_tokens": 9, "completion_tokens": 4, "total_tokens": 13}
PARTIAL_USAGE = {"prompt_tokens": 9, "completion_tokens": None, "total_tokens": None}
CALL = {"index": 0, "id": "call_1", "type": "function", "function": {"name": "bash", "arguments": "{}"}}
REASONING_PART = {
    "type": "reasoning",
    "summary": [{"type": "summary_text", "text": "Think.", "signature": "s"}],
}


def chunk(delta: dict[str, Any] | None, finish: str | None = None, usage: Any = None) -> str:
    """One chat chunk's JSON, compact as Databricks sends it (``delta=None``: OpenAI's usage chunk)."""
    doc: dict[str, Any] = {**HEAD, "choices": []}
    if delta is not None:
        doc["choices"] = [{"index": 0, "delta": delta, "finish_reason": finish}]
    if usage is not None:
        doc["usage"] = usage
    return json.dumps(doc, separators=(",", ":"))


# Inkling (2026 §1.5): the last chunk has usage but no finish_reason, then [DONE]
INKLING = sse(
    chunk({"role": "assistant", "reasoning_content": "Hm."}),
    chunk({"content": "Hi"}),
    chunk({}, usage=FULL_USAGE),
    "[DONE]",
)
INKLING_CALL = sse(chunk({"tool_calls": [CALL]}), chunk({}, usage=FULL_USAGE), "[DONE]")
# Gemini on chat (api §2.6): all-null usage on every chunk but the last
GEMINI = sse(
    chunk({"content": [REASONING_PART]}, usage=NULL_USAGE),
    chunk({"content": [{"type": "text", "text": "Hi", "thoughtSignature": "t"}]}, usage=NULL_USAGE),
    chunk({}, "stop", FULL_USAGE),
    "[DONE]",
)
FINISHED = sse(chunk({"content": "Hi"}), chunk({}, "stop", FULL_USAGE), "[DONE]")


def chunks(out: bytes) -> list[dict[str, Any]]:
    lines = [line[6:] for line in out.split(b"\n") if line.startswith(b"data: ")]
    assert lines[-1] == b"[DONE]", "the stream must still end with [DONE]"
    return [json.loads(line) for line in lines[:-1]]


def finish_reasons(out: bytes) -> list[str]:
    return [c["choices"][0]["finish_reason"] for c in chunks(out) if c.get("choices")]


def splits(stream: bytes) -> list[list[bytes]]:
    """The stream in one read, one read per event, and cut in the middle of every event."""
    events = [e + b"\n\n" for e in stream.split(b"\n\n") if e]
    halves = [piece for e in events for piece in (e[: len(e) // 2], e[len(e) // 2 :])]
    return [[stream], events, halves]


@pytest.mark.parametrize("split", range(3))
def test_a_stream_without_finish_reason_gets_stop_before_done(split: int) -> None:
    out, relay = relayed(splits(INKLING)[split], LLAMA, "chat")
    assert [r for r in finish_reasons(out) if r] == ["stop"]
    last = chunks(out)[-1]
    assert last["choices"][0]["finish_reason"] == "stop"
    assert (last["id"], last["model"], last["created"]) == ("c1", "inkling", 7)
    assert "synthesise_finish_reason" in relay.repairs


def test_a_stream_that_called_a_tool_finishes_with_tool_calls() -> None:
    out, _ = relayed([INKLING_CALL], LLAMA, "chat")
    assert [r for r in finish_reasons(out) if r] == ["tool_calls"]


@pytest.mark.parametrize("split", range(3))
def test_usage_seen_before_the_end_moves_to_the_final_chunk(split: int) -> None:
    out, relay = relayed(splits(INKLING)[split], LLAMA, "chat")
    with_usage = [c for c in chunks(out) if c.get("usage") is not None]
    assert with_usage == [chunks(out)[-1]]
    assert with_usage[0]["usage"]["completion_tokens"] == 4
    assert relay.usage is not None and relay.usage.output_tokens == 4  # the access log still counts it


@pytest.mark.parametrize("split", range(3))
def test_null_usage_on_intermediate_chunks_is_left_out(split: int) -> None:
    out, _ = relayed(splits(GEMINI)[split], GEMINI_3, "chat")
    got = chunks(out)
    assert all("usage" not in c for c in got[:-1])
    assert got[-1]["usage"]["prompt_tokens"] == 9


def test_partial_usage_on_every_chunk_is_left_out_until_the_last() -> None:
    stream = sse(chunk({"content": "Hi"}, usage=PARTIAL_USAGE), chunk({}, "stop", FULL_USAGE), "[DONE]")
    got = chunks(relayed([stream], CLAUDE, "chat")[0])
    assert [c.get("usage") is not None for c in got] == [False, True]


@pytest.mark.parametrize("model", [GEMINI_3, LLAMA], ids=["gemini", "any model"])
def test_reasoning_parts_reach_chat_clients_as_reasoning_content(model: Model) -> None:
    got = chunks(relayed([GEMINI], model, "chat")[0])
    deltas = [c["choices"][0]["delta"] for c in got]
    assert deltas[0]["reasoning_content"] == "Think."
    assert all(not isinstance(d.get("content"), list) for d in deltas)
    assert "".join(d.get("content") or "" for d in deltas) == "Hi"


def test_a_finished_stream_with_final_usage_goes_through_byte_for_byte() -> None:
    for pieces in splits(FINISHED):
        assert relayed(pieces, LLAMA, "chat")[0] == FINISHED


def test_openai_usage_chunk_after_the_finish_keeps_its_usage() -> None:
    stream = sse(chunk({"content": "Hi"}, "stop"), chunk(None, usage=FULL_USAGE), "[DONE]")
    assert relayed([stream], LLAMA, "chat")[0] == stream


def test_a_stream_cut_before_done_gets_no_invented_finish() -> None:
    cut = INKLING[: INKLING.rindex(b"data: [DONE]")]
    out, _ = relayed([cut], LLAMA, "chat")
    assert b'"finish_reason":"stop"' not in out
