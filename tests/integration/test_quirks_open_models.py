"""Open models (llama, qwen, gemma, gpt-oss): strict request decoder and one tool call per turn."""

from __future__ import annotations

from typing import Any

import pytest

from brickgate.emulator.control_client import EmulatorControl
from brickgate.quirks import repair_request
from tests.unit.quirks.factory import GPT_OSS, model_named
from tests.unit.quirks.upstream_http import CHAT_PATH, post

OPEN_MODELS = [
    "databricks-meta-llama-3-3-70b-instruct",
    "databricks-qwen3-next-80b-a3b-instruct",
    "databricks-gemma-3-12b",
    "databricks-gpt-oss-120b",
]


def opencode_request(model: str, **extra: Any) -> dict[str, Any]:
    return {"model": model, "max_tokens": 100, "messages": [{"role": "user", "content": "hello"}], **extra}


@pytest.mark.parametrize("field", ["stream_options", "parallel_tool_calls"])
@pytest.mark.parametrize("model", OPEN_MODELS)
def test_open_model_rejects_unknown_top_level_field(
    emulator: EmulatorControl, model: str, field: str
) -> None:
    value = {"include_usage": True} if field == "stream_options" else False
    answer = post(emulator, CHAT_PATH, opencode_request(model, stream=True, **{field: value}))
    assert answer.status == 400
    assert answer.json() == {
        "error_code": "BAD_REQUEST",
        "message": f'Bad request: json: unknown field "{field}"',
    }


@pytest.mark.parametrize("model", OPEN_MODELS)
def test_repaired_open_model_request_streams_with_usage(emulator: EmulatorControl, model: str) -> None:
    body = opencode_request(
        model, stream=True, stream_options={"include_usage": True}, parallel_tool_calls=False
    )
    answer = post(emulator, CHAT_PATH, repair_request(body, model_named(model), "chat").body)
    assert answer.status == 200, answer.text
    assert answer.sse_payloads()[-1]["usage"]["total_tokens"] > 0


def parallel_history() -> dict[str, Any]:
    calls = [
        {"id": f"call_{n}", "type": "function", "function": {"name": "bash", "arguments": '{"command":"ls"}'}}
        for n in (1, 2)
    ]
    return {
        "model": GPT_OSS.id,
        "max_tokens": 100,
        "messages": [
            {"role": "user", "content": "list twice"},
            {"role": "assistant", "content": "", "tool_calls": calls},
            {"role": "tool", "tool_call_id": "call_1", "content": "a"},
            {"role": "tool", "tool_call_id": "call_2", "content": "b"},
        ],
    }


def test_gpt_oss_rejects_two_tool_calls_in_one_turn(emulator: EmulatorControl) -> None:
    answer = post(emulator, CHAT_PATH, parallel_history())
    assert (answer.status, answer.json()) == (
        400,
        {"error_code": "BAD_REQUEST", "message": "Multiple tool calls are not supported.\n"},
    )


def test_split_gpt_oss_history_is_answered(emulator: EmulatorControl) -> None:
    answer = post(emulator, CHAT_PATH, repair_request(parallel_history(), GPT_OSS, "chat").body)
    assert answer.status == 200, answer.text
