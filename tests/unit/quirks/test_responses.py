from __future__ import annotations

from brickgate.quirks import stream_repair
from brickgate.quirks.responses import (
    MAX_ID_LENGTH,
    drop_unsupported_responses_options,
    shorten_id,
    shorten_input_ids,
)
from tests.unit.quirks.factory import CLAUDE, GPT

LONG_MSG = "msg_" + "b" * 188
LONG_RESP = "resp_" + "a" * 187
SHORT_MSG = "msg_00f3288e" + "0" * 42


def test_short_id_is_kept() -> None:
    assert shorten_id("msg_123") == "msg_123"


def test_long_id_keeps_its_type_prefix_and_fits() -> None:
    short = shorten_id(LONG_MSG)
    assert short.startswith("msg_") and len(short) == MAX_ID_LENGTH


def test_shortening_is_deterministic_and_idempotent() -> None:
    assert shorten_id(LONG_MSG) == shorten_id(LONG_MSG) == shorten_id(shorten_id(LONG_MSG))


def test_different_long_ids_stay_different() -> None:
    assert shorten_id(LONG_MSG) != shorten_id(LONG_MSG[:-1] + "c")


def test_replayed_long_input_ids_are_shortened() -> None:
    body = {
        "input": [{"type": "message", "id": LONG_MSG, "role": "assistant", "content": []}, {"role": "user"}]
    }
    assert shorten_input_ids(body)["input"][0]["id"] == shorten_id(LONG_MSG)


def test_input_with_short_ids_is_unchanged() -> None:
    body = {"input": [{"type": "function_call", "id": "fc_1", "call_id": "call_1"}]}
    assert shorten_input_ids(body) is body


def test_encrypted_reasoning_include_is_dropped() -> None:
    body = {"include": ["reasoning.encrypted_content"], "input": "hi"}
    assert drop_unsupported_responses_options(body) == {"input": "hi"}


def test_other_include_entries_are_kept() -> None:
    body = {"include": ["reasoning.encrypted_content", "message.output_text.logprobs"]}
    assert drop_unsupported_responses_options(body) == {"include": ["message.output_text.logprobs"]}


def test_reasoning_summary_is_dropped_and_effort_kept() -> None:
    body = {"reasoning": {"effort": "medium", "summary": "auto"}}
    assert drop_unsupported_responses_options(body) == {"reasoning": {"effort": "medium"}}


def test_store_and_previous_response_id_are_dropped() -> None:
    body = {"store": False, "previous_response_id": "resp_1", "prompt_cache_key": "k"}
    assert drop_unsupported_responses_options(body) == {"prompt_cache_key": "k"}


def test_plain_responses_body_is_unchanged() -> None:
    body = {"model": "m", "input": "hi", "reasoning": {"effort": "low"}}
    assert drop_unsupported_responses_options(body) is body


def added(index: int, item_id: str) -> dict:
    item = {"type": "message", "id": item_id, "role": "assistant", "content": []}
    return {"type": "response.output_item.added", "output_index": index, "item": item}


def delta(index: int, item_id: str) -> dict:
    return {
        "type": "response.output_text.delta",
        "output_index": index,
        "content_index": 0,
        "item_id": item_id,
        "delta": "x",
    }


def test_item_ids_are_rewritten_to_the_announced_item_id() -> None:
    sr = stream_repair(GPT, "responses")
    sr.event(added(0, SHORT_MSG))
    assert sr.event(delta(0, LONG_MSG))["item_id"] == SHORT_MSG
    assert sr.applied == ("rewrite_item_ids",)


def test_matching_item_id_event_is_returned_as_is() -> None:
    sr = stream_repair(GPT, "responses")
    sr.event(added(0, SHORT_MSG))
    event = delta(0, SHORT_MSG)
    assert sr.event(event) is event
    assert sr.applied == ()


def test_long_announced_item_id_is_shortened_and_used_for_its_deltas() -> None:
    sr = stream_repair(GPT, "responses")
    assert sr.event(added(1, LONG_MSG))["item"]["id"] == shorten_id(LONG_MSG)
    assert sr.event(delta(1, "msg_other" + "z" * 100))["item_id"] == shorten_id(LONG_MSG)


def test_output_item_done_uses_the_announced_id() -> None:
    sr = stream_repair(GPT, "responses")
    sr.event(added(0, LONG_MSG))
    done = {**added(0, LONG_MSG), "type": "response.output_item.done"}
    assert sr.event(done)["item"]["id"] == shorten_id(LONG_MSG)


def test_completed_response_gets_short_ids_and_total_tokens() -> None:
    sr = stream_repair(GPT, "responses")
    sr.event(added(0, SHORT_MSG))
    response = {
        "id": LONG_RESP,
        "output": [{"type": "message", "id": LONG_MSG}],
        "usage": {"input_tokens": 3, "output_tokens": 4},
    }
    fixed = sr.event({"type": "response.completed", "response": response})["response"]
    assert fixed["id"] == shorten_id(LONG_RESP)
    assert fixed["output"][0]["id"] == SHORT_MSG
    assert fixed["usage"]["total_tokens"] == 7
    assert set(sr.applied) == {"shorten_ids", "rewrite_item_ids", "add_total_tokens"}


def test_present_total_tokens_is_kept() -> None:
    sr = stream_repair(GPT, "responses")
    body = {"id": "resp_1", "output": [], "usage": {"input_tokens": 3, "output_tokens": 4, "total_tokens": 9}}
    assert sr.response(body) is body


def test_non_streaming_body_gets_short_ids() -> None:
    body = {"id": LONG_RESP, "output": [{"type": "message", "id": LONG_MSG}]}
    fixed = stream_repair(GPT, "responses").response(body)
    assert (fixed["id"], fixed["output"][0]["id"]) == (shorten_id(LONG_RESP), shorten_id(LONG_MSG))


def test_chat_and_anthropic_streams_need_no_repair() -> None:
    assert not stream_repair(CLAUDE, "chat").needed
    assert not stream_repair(CLAUDE, "messages").needed


def test_unneeded_stream_repair_returns_events_untouched() -> None:
    event = {"choices": [{"delta": {"content": ""}}]}
    assert stream_repair(CLAUDE, "chat").event(event) is event
