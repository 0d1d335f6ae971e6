from __future__ import annotations

import pytest

from brickgate.quirks import repair_after_rejection
from brickgate.quirks.rejection import refused_field_named, unknown_field_named
from tests.unit.quirks.factory import model_named

OTHER = model_named("my-custom-chat")


def test_go_unknown_field_is_named() -> None:
    assert unknown_field_named('Bad request: json: unknown field "stream_options"') == "stream_options"


def test_escaped_go_unknown_field_inside_json_message_is_named() -> None:
    assert unknown_field_named('{"message":"json: unknown field \\"seed\\""}') == "seed"


def test_google_unknown_name_is_named() -> None:
    message = (
        "Invalid JSON payload received. Unknown name \"stream_options\" at 'generation_config': "
        "Cannot find field."
    )
    assert unknown_field_named(message) == "stream_options"


def test_openai_unknown_parameter_is_named() -> None:
    assert unknown_field_named("Unknown parameter: 'reasoning.summary'.") == "reasoning.summary"


def test_unknown_top_level_field_is_removed_for_the_retry() -> None:
    body = {"model": "m", "messages": [], "stream_options": {"include_usage": True}}
    retry = repair_after_rejection(body, 400, 'Bad request: json: unknown field "stream_options"', "chat")
    assert retry is not None
    assert retry.body == {"model": "m", "messages": []}
    assert retry.applied == ("drop_unknown_field:stream_options",)


def test_unknown_dotted_field_is_removed() -> None:
    body = {"input": "hi", "reasoning": {"effort": "low", "summary": "auto"}}
    retry = repair_after_rejection(body, 400, "Unknown parameter: 'reasoning.summary'.", "responses")
    assert retry is not None and retry.body == {"input": "hi", "reasoning": {"effort": "low"}}


def test_unknown_schema_keyword_is_removed_from_tool_schemas() -> None:
    params = {"$schema": "x", "type": "object", "properties": {"a": {"type": "string"}}}
    body = {"messages": [], "tools": [{"type": "function", "function": {"name": "t", "parameters": params}}]}
    message = "Unknown name \"$schema\" at 'tools[0].function_declarations[0].parameters': Cannot find field."
    retry = repair_after_rejection(body, 400, message, "chat")
    assert retry is not None
    assert retry.body["tools"][0]["function"]["parameters"] == {
        "type": "object",
        "properties": {"a": {"type": "string"}},
    }


def test_unknown_message_field_is_removed_from_messages() -> None:
    body = {"messages": [{"role": "assistant", "content": "x", "reasoning_content": "y"}]}
    retry = repair_after_rejection(body, 400, 'json: unknown field "reasoning_content"', "chat")
    assert retry is not None and retry.body["messages"] == [{"role": "assistant", "content": "x"}]


def test_field_not_in_body_gives_no_retry() -> None:
    body = {"messages": []}
    assert repair_after_rejection(body, 400, 'json: unknown field "stream_options"', "chat") is None


def test_multiple_tool_calls_error_splits_the_turn() -> None:
    call = {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
    body = {"messages": [{"role": "assistant", "tool_calls": [call, {**call, "id": "c2"}]}]}
    retry = repair_after_rejection(body, 400, "Multiple tool calls are not supported.\n", "chat")
    assert retry is not None and len(retry.body["messages"]) == 2


def test_temperature_error_drops_temperature() -> None:
    body = {"messages": [], "temperature": 0.5}
    message = "BAD_REQUEST: Model eu.anthropic.claude-opus-5 does not support the temperature parameter."
    retry = repair_after_rejection(body, 400, message, "messages")
    assert retry is not None and "temperature" not in retry.body


def test_server_errors_give_no_retry() -> None:
    body = {"messages": [], "stream_options": {}}
    assert repair_after_rejection(body, 500, 'json: unknown field "stream_options"', "chat") is None


def test_unrelated_400_gives_no_retry() -> None:
    assert repair_after_rejection({"messages": []}, 400, "Invalid Token", "chat") is None


@pytest.mark.parametrize(
    "message",
    [
        "Model global.anthropic.claude-sonnet-5 does not support the top_p parameter.",  # research §3.2
        "Unsupported parameter: 'top_p' is not supported with this model.",  # OpenAI's wording
        '{"error":"Upstream error: INVALID_ARGUMENT: kimi models do not support the top_p parameter."}',
        "Model grok-4-6 does not support parameter top_p.",
    ],
)
def test_a_parameter_the_model_refuses_is_named(message: str) -> None:
    assert refused_field_named(message) == "top_p"


def test_a_refused_parameter_is_dropped_for_the_retry() -> None:
    body = {"messages": [], "top_p": 0.9, "temperature": 0.2}
    message = "Unsupported parameter: 'top_p' is not supported with this model."
    retry = repair_after_rejection(body, 400, message, "chat")
    assert retry is not None
    assert (retry.body, retry.applied) == (
        {"messages": [], "temperature": 0.2},
        ("drop_refused_field:top_p",),
    )
