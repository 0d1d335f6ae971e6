"""Responses on Databricks (gpt, codex): over-long and mismatched ids, refused OpenAI-only options."""

from __future__ import annotations

from typing import Any

import pytest

from brickgate.emulator.control_client import EmulatorControl
from brickgate.quirks import repair_request, stream_repair
from tests.unit.quirks.factory import CODEX, GPT
from tests.unit.quirks.upstream_http import RESPONSES_PATH, post


def streamed(emulator: EmulatorControl) -> list[dict[str, Any]]:
    answer = post(emulator, RESPONSES_PATH, {"model": GPT.id, "input": "hello", "stream": True})
    assert answer.status == 200, answer.text
    return answer.sse_payloads()


def item_ids_by_index(events: list[dict[str, Any]]) -> dict[int, set[str]]:
    ids: dict[int, set[str]] = {}
    for e in events:
        if "item_id" in e:
            ids.setdefault(e["output_index"], set()).add(e["item_id"])
        elif e.get("type", "").startswith("response.output_item."):
            ids.setdefault(e["output_index"], set()).add(e["item"]["id"])
    return ids


def test_upstream_stream_uses_two_ids_for_one_output_item(emulator: EmulatorControl) -> None:
    assert any(len(ids) > 1 for ids in item_ids_by_index(streamed(emulator)).values())


def test_repaired_stream_uses_one_id_per_output_item(emulator: EmulatorControl) -> None:
    sr = stream_repair(GPT, "responses")
    events = [sr.event(e) for e in streamed(emulator)]
    assert all(len(ids) == 1 for ids in item_ids_by_index(events).values())


def test_repaired_stream_ids_fit_in_64_chars(emulator: EmulatorControl) -> None:
    sr = stream_repair(GPT, "responses")
    events = [sr.event(e) for e in streamed(emulator)]
    completed = events[-1]["response"]
    ids = [completed["id"], *(item["id"] for item in completed["output"])]
    ids += [i for idset in item_ids_by_index(events).values() for i in idset]
    assert max(len(i) for i in ids) <= 64


def test_repaired_completed_usage_has_total_tokens(emulator: EmulatorControl) -> None:
    upstream = streamed(emulator)[-1]["response"]["usage"]
    assert "total_tokens" not in upstream
    repaired = stream_repair(GPT, "responses").event(streamed(emulator)[-1])["response"]["usage"]
    assert repaired["total_tokens"] == repaired["input_tokens"] + repaired["output_tokens"]


def replay_of_streamed_turn(emulator: EmulatorControl, repair: bool) -> dict[str, Any]:
    """The next request an ``@ai-sdk/openai`` caller sends: the streamed message replayed under the id its
    text deltas carried (the ~192-char ``item_id`` upstream, the announced ``item.id`` once repaired)."""
    sr = stream_repair(GPT, "responses")
    events = [sr.event(e) if repair else e for e in streamed(emulator)]
    message = next(e["item"] for e in events if e.get("type") == "response.output_item.done")
    delta_id = next(e["item_id"] for e in events if e.get("type") == "response.output_text.delta")
    return {
        "model": GPT.id,
        "input": [
            {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "hello"}]},
            {**message, "id": delta_id},
            {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "again"}]},
        ],
    }


def test_responses_rejects_replayed_id_over_64_chars(emulator: EmulatorControl) -> None:
    answer = post(emulator, RESPONSES_PATH, replay_of_streamed_turn(emulator, repair=False))
    assert answer.status == 400
    assert answer.json()["message"] == (
        "Invalid 'input[1].id': string too long. Expected a string with maximum length 64, "
        "but got a string with length 192 instead."
    )


def test_replay_of_repaired_stream_is_accepted(emulator: EmulatorControl) -> None:
    body = repair_request(replay_of_streamed_turn(emulator, repair=True), GPT, "responses").body
    answer = post(emulator, RESPONSES_PATH, body)
    assert answer.status == 200, answer.text


def test_long_replayed_id_is_shortened_by_the_request_repair(emulator: EmulatorControl) -> None:
    body = repair_request(replay_of_streamed_turn(emulator, repair=False), GPT, "responses").body
    answer = post(emulator, RESPONSES_PATH, body)
    assert answer.status == 200, answer.text


# option → the emulator's refusal (its assumption: the research names these options but no error text)
CODEX_OPTIONS: dict[str, tuple[dict[str, Any], str]] = {
    "include": (
        {"include": ["reasoning.encrypted_content"]},
        "Unsupported parameter: 'include' value 'reasoning.encrypted_content' is not supported.",
    ),
    "reasoning.summary": (
        {"reasoning": {"effort": "medium", "summary": "auto"}},
        "Unsupported parameter: 'reasoning.summary' is not supported.",
    ),
    "store": ({"store": True}, "Unsupported parameter: 'store' must be false; responses are not stored."),
    "previous_response_id": (
        {"previous_response_id": "resp_123"},
        "Unsupported parameter: 'previous_response_id' is not supported. Send the full input.",
    ),
}


@pytest.mark.parametrize("option", list(CODEX_OPTIONS))
def test_responses_rejects_openai_only_option(emulator: EmulatorControl, option: str) -> None:
    extra, message = CODEX_OPTIONS[option]
    answer = post(emulator, RESPONSES_PATH, {"model": CODEX.id, "input": "hello", **extra})
    assert (answer.status, answer.json()) == (400, {"error_code": "BAD_REQUEST", "message": message})


def test_codex_request_without_openai_only_options_is_answered(emulator: EmulatorControl) -> None:
    body = {"model": CODEX.id, "input": "hello", "stream": True, "prompt_cache_key": "s1"}
    for extra, _ in CODEX_OPTIONS.values():
        body |= extra
    answer = post(emulator, RESPONSES_PATH, repair_request(body, CODEX, "responses").body)
    assert answer.status == 200, answer.text
