"""Every API stops at the request's output-token limit with its own stop reason (issue 9 item 7)."""

from __future__ import annotations

from brickgate.emulator.control_client import EmulatorControl
from tests.integration.emulator.http_calls import post

PROMPT = "please tell me something long enough to be cut short by a tiny output limit"
BASH = {"type": "function", "function": {"name": "bash", "parameters": {"type": "object"}}}


def test_chat_stops_with_length(emulator: EmulatorControl) -> None:
    body = {
        "model": "databricks-gpt-oss-20b",
        "messages": [{"role": "user", "content": PROMPT}],
        "max_tokens": 3,
    }
    reply = post(emulator.url + "/serving-endpoints/chat/completions", body, emulator.token).json()
    choice = reply["choices"][0]
    assert choice["finish_reason"] == "length"
    assert reply["usage"]["completion_tokens"] == 3 and len(choice["message"]["content"]) <= 12


def test_chat_stream_stops_with_length(emulator: EmulatorControl) -> None:
    body = {
        "model": "databricks-claude-sonnet-4-5",
        "messages": [{"role": "user", "content": PROMPT}],
        "max_completion_tokens": 4,
        "stream": True,
    }
    chunks = post(emulator.url + "/ai-gateway/mlflow/v1/chat/completions", body, emulator.token).sse_json()
    assert chunks[-1]["choices"][0]["finish_reason"] == "length"
    assert chunks[-1]["usage"]["completion_tokens"] == 4


def test_a_tool_call_that_does_not_fit_is_cut(emulator: EmulatorControl) -> None:
    body = {
        "model": "databricks-gpt-5-2",
        "messages": [{"role": "user", "content": "run the marker command"}],
        "tools": [BASH],
        "max_tokens": 2,
    }
    choice = post(emulator.url + "/serving-endpoints/chat/completions", body, emulator.token).json()[
        "choices"
    ][0]
    assert choice["finish_reason"] == "length" and "tool_calls" not in choice["message"]


def test_messages_stops_with_max_tokens(emulator: EmulatorControl) -> None:
    body = {
        "model": "databricks-claude-sonnet-4-5",
        "max_tokens": 3,
        "messages": [{"role": "user", "content": PROMPT}],
    }
    reply = post(emulator.url + "/serving-endpoints/anthropic/v1/messages", body, emulator.token).json()
    assert (reply["stop_reason"], reply["usage"]["output_tokens"]) == ("max_tokens", 3)


def test_messages_stream_stops_with_max_tokens(emulator: EmulatorControl) -> None:
    body = {
        "model": "databricks-glm-5-3",
        "max_tokens": 3,
        "stream": True,
        "messages": [{"role": "user", "content": PROMPT}],
    }
    events = post(emulator.url + "/ai-gateway/anthropic/v1/messages", body, emulator.token).sse_json()
    delta = next(e for e in events if e["type"] == "message_delta")
    assert delta["delta"]["stop_reason"] == "max_tokens"


def test_responses_is_incomplete_with_details(emulator: EmulatorControl) -> None:
    body = {"model": "databricks-gpt-5-2-codex", "input": PROMPT, "max_output_tokens": 3}
    reply = post(emulator.url + "/serving-endpoints/responses", body, emulator.token).json()
    assert reply["status"] == "incomplete"
    assert reply["incomplete_details"] == {"reason": "max_output_tokens"}
    assert reply["usage"]["output_tokens"] == 3


def test_responses_stream_ends_with_response_incomplete(emulator: EmulatorControl) -> None:
    body = {"model": "databricks-kimi-k3", "input": PROMPT, "max_output_tokens": 3, "stream": True}
    events = post(emulator.url + "/ai-gateway/codex/v1/responses", body, emulator.token).sse()
    assert events[-1][0] == "response.incomplete"


def test_gemini_stops_with_max_tokens(emulator: EmulatorControl) -> None:
    body = {
        "contents": [{"role": "user", "parts": [{"text": PROMPT}]}],
        "generationConfig": {"maxOutputTokens": 3},
    }
    path = "/ai-gateway/gemini/v1beta/models/databricks-gemini-3-5-flash:generateContent"
    reply = post(emulator.url + path, body, emulator.token).json()
    assert reply["candidates"][0]["finishReason"] == "MAX_TOKENS"
    assert reply["usageMetadata"]["candidatesTokenCount"] == 3


def test_a_limit_the_answer_fits_in_changes_nothing(emulator: EmulatorControl) -> None:
    body = {
        "model": "databricks-gpt-oss-20b",
        "messages": [{"role": "user", "content": "hi"}],
        "max_tokens": 500,
    }
    reply = post(emulator.url + "/serving-endpoints/chat/completions", body, emulator.token).json()
    assert reply["choices"][0]["finish_reason"] == "stop"
