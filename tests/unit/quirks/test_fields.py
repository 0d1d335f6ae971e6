from __future__ import annotations

import logging

import pytest

from brickgate.quirks.fields import (
    drop_eager_input_streaming,
    drop_stream_options,
    drop_temperature,
    drop_unknown_chat_fields,
    rename_max_completion_tokens,
)


def test_max_completion_tokens_becomes_max_tokens() -> None:
    assert rename_max_completion_tokens({"max_completion_tokens": 5}) == {"max_tokens": 5}


def test_explicit_max_tokens_wins_over_max_completion_tokens() -> None:
    assert rename_max_completion_tokens({"max_tokens": 3, "max_completion_tokens": 5}) == {"max_tokens": 3}


def test_body_without_max_completion_tokens_is_unchanged() -> None:
    body = {"max_tokens": 3}
    assert rename_max_completion_tokens(body) is body


def test_temperature_is_dropped_with_a_debug_log(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.DEBUG, logger="brickgate.quirks"):
        assert drop_temperature({"temperature": 0.2, "model": "m"}) == {"model": "m"}
    assert "temperature" in caplog.text


def test_stream_options_are_dropped() -> None:
    assert drop_stream_options({"stream": True, "stream_options": {"include_usage": True}}) == {
        "stream": True
    }


def test_body_without_stream_options_is_unchanged() -> None:
    body = {"stream": True}
    assert drop_stream_options(body) is body


def test_unknown_top_level_fields_are_dropped() -> None:
    body = {"model": "m", "messages": [], "parallel_tool_calls": False, "seed": 1, "stream_options": {}}
    assert drop_unknown_chat_fields(body) == {"model": "m", "messages": []}


def test_documented_chat_fields_all_survive() -> None:
    names = (
        "messages max_tokens temperature top_p top_k stop n stream tools tool_choice response_format "
        "logprobs top_logprobs reasoning_effort extra_params usage_context client_request_id model"
    )
    body = dict.fromkeys(names.split(), 1)
    assert drop_unknown_chat_fields(body) is body


def test_eager_input_streaming_is_dropped_from_anthropic_tools() -> None:
    body = {"tools": [{"name": "t", "input_schema": {"type": "object"}, "eager_input_streaming": True}]}
    assert drop_eager_input_streaming(body)["tools"] == [{"name": "t", "input_schema": {"type": "object"}}]


def test_tools_without_eager_input_streaming_are_unchanged() -> None:
    body = {"tools": [{"name": "t", "input_schema": {"type": "object"}}]}
    assert drop_eager_input_streaming(body) is body
