"""Per-model refusals of the current line-up, with the documented texts where the research has them
(research 2026 §1.4, §1.5, §3.1)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from brickgate.emulator.control_client import EmulatorControl
from tests.integration.emulator.http_calls import Reply, post

CHAT = "/ai-gateway/mlflow/v1/chat/completions"
MESSAGES = "/ai-gateway/anthropic/v1/messages"
RESPONSES = "/ai-gateway/openai/v1/responses"
HI = [{"role": "user", "content": "hi"}]


def chat(emulator: EmulatorControl, model: str, messages: list[dict] | None = None, **extra: Any) -> Reply:
    return post(emulator.url + CHAT, {"model": model, "messages": messages or HI, **extra}, emulator.token)


def messages(emulator: EmulatorControl, model: str, **extra: Any) -> Reply:
    body = {"model": model, "max_tokens": 2048, "messages": HI, **extra}
    return post(emulator.url + MESSAGES, body, emulator.token)


def message_of(reply: Reply) -> str:
    assert reply.status == 400, reply.raw
    text: str = reply.json()["message"]
    return text


def test_new_claude_refuses_temperature_with_the_documented_text(emulator: EmulatorControl) -> None:
    reply = messages(emulator, "databricks-claude-sonnet-5", temperature=0.3)
    assert (
        message_of(reply)
        == "Model global.anthropic.claude-sonnet-5 does not support the temperature parameter."
    )


def test_new_claude_refuses_top_p_on_chat(emulator: EmulatorControl) -> None:
    assert "top_p" in message_of(chat(emulator, "databricks-claude-opus-4-8", top_p=0.9))


def test_older_claude_accepts_temperature(emulator: EmulatorControl) -> None:
    assert messages(emulator, "databricks-claude-sonnet-4-5", temperature=0.3).status == 200


@pytest.mark.parametrize("param", ["temperature", "top_p", "frequency_penalty", "presence_penalty", "stop"])
def test_gpt5_line_refuses_sampling_parameters(emulator: EmulatorControl, param: str) -> None:
    value: Any = ["\n"] if param == "stop" else 0.5
    text = message_of(chat(emulator, "databricks-gpt-5-4", **{param: value}))
    assert text == f"Unsupported parameter: '{param}' is not supported with this model."


def test_gpt5_refuses_temperature_on_responses_too(emulator: EmulatorControl) -> None:
    body = {"model": "databricks-gpt-5-5", "input": "hi", "temperature": 0.2}
    assert post(emulator.url + RESPONSES, body, emulator.token).status == 400


def test_gemini_3_8_flash_refuses_temperature_google_shaped(emulator: EmulatorControl) -> None:
    reply = chat(emulator, "databricks-gemini-3-8-flash", temperature=0.2)
    error = reply.json()["error"]
    assert (reply.status, error["status"]) == (400, "INVALID_ARGUMENT") and "temperature" in error["message"]


@pytest.mark.parametrize("param", ["temperature", "top_p", "n", "presence_penalty"])
def test_kimi_k3_refuses_sampling_parameters(emulator: EmulatorControl, param: str) -> None:
    text = message_of(chat(emulator, "databricks-kimi-k3", **{param: 1}))
    assert json.loads(text)["error"].startswith("Upstream error: INVALID_ARGUMENT:")


@pytest.mark.parametrize("param", ["frequency_penalty", "stop", "logprobs"])
def test_grok_refuses_penalties_stop_and_logprobs(emulator: EmulatorControl, param: str) -> None:
    assert param in message_of(
        chat(emulator, "databricks-grok-4-6", **{param: True if param == "logprobs" else 1})
    )


def test_grok_accepts_temperature(emulator: EmulatorControl) -> None:
    assert chat(emulator, "databricks-grok-4-6", temperature=0.4).status == 200


def test_claude_on_chat_refuses_reasoning_effort(emulator: EmulatorControl) -> None:
    text = message_of(chat(emulator, "databricks-claude-sonnet-4-5", reasoning_effort="high"))
    assert json.loads(text) == {"message": "reasoning_effort: Extra inputs are not permitted"}


def test_manual_thinking_budget_must_stay_below_max_tokens(emulator: EmulatorControl) -> None:
    reply = messages(
        emulator,
        "databricks-claude-sonnet-4-6",
        max_tokens=2048,
        thinking={"type": "enabled", "budget_tokens": 4096},
    )
    assert json.loads(message_of(reply)) == {
        "message": "`max_tokens` must be greater than `thinking.budget_tokens`"
    }


def test_adaptive_only_claude_refuses_a_manual_budget(emulator: EmulatorControl) -> None:
    reply = messages(
        emulator, "databricks-claude-opus-5-5", thinking={"type": "enabled", "budget_tokens": 1024}
    )
    assert "adaptive" in message_of(reply)
    assert messages(emulator, "databricks-claude-opus-5-5", thinking={"type": "adaptive"}).status == 200


def test_glm_refuses_effort_none(emulator: EmulatorControl) -> None:
    text = message_of(chat(emulator, "databricks-glm-5-3", reasoning_effort="none"))
    assert "'none'" in text
    assert chat(emulator, "databricks-glm-5-3", reasoning_effort="max").status == 200


def test_gemini_3_8_flash_refuses_effort_minimal(emulator: EmulatorControl) -> None:
    reply = chat(emulator, "databricks-gemini-3-8-flash", reasoning_effort="minimal")
    assert reply.status == 400 and "minimal" in reply.json()["error"]["message"]


def test_gpt5_mini_refuses_an_effort_it_lacks(emulator: EmulatorControl) -> None:
    text = message_of(chat(emulator, "databricks-gpt-5-mini", reasoning_effort="xhigh"))
    assert text.startswith("Invalid value: 'xhigh'. Supported values are: 'minimal'")


def test_gemini_on_chat_refuses_an_anthropic_thinking_object(emulator: EmulatorControl) -> None:
    reply = chat(emulator, "databricks-gemini-3-1-pro", thinking={"type": "enabled", "budget_tokens": 1024})
    assert reply.status == 400 and reply.json()["error"]["message"].startswith("Invalid JSON payload")


CALL = {"id": "functions.bash:0", "type": "function", "function": {"name": "bash", "arguments": "{}"}}
KIMI_TEXT = (
    "Upstream error: INVALID_ARGUMENT: Kimi K3 tool messages need a resolvable tool name: carry "
    "`tool`/`name`, or match a preceding assistant tool_call by order."
)


def test_kimi_refuses_a_tool_message_it_cannot_name(emulator: EmulatorControl) -> None:
    history = [
        {"role": "user", "content": "go"},
        {"role": "assistant", "content": None, "tool_calls": [CALL]},
        {"role": "user", "content": "and then"},
        {"role": "tool", "tool_call_id": "functions.bash:0", "content": "ok"},
    ]
    reply = chat(emulator, "databricks-kimi-k3", history)
    assert reply.json() == {
        "error_code": "BAD_REQUEST",
        "message": json.dumps({"error": KIMI_TEXT}, separators=(",", ":")),
    }


def test_kimi_accepts_a_named_tool_message_anywhere(emulator: EmulatorControl) -> None:
    history = [
        {"role": "user", "content": "go"},
        {"role": "assistant", "content": None, "tool_calls": [CALL]},
        {"role": "user", "content": "and then"},
        {"role": "tool", "tool_call_id": "functions.bash:0", "name": "bash", "content": "ok"},
    ]
    assert chat(emulator, "databricks-kimi-k3", history).status == 200


def test_kimi_matches_tool_messages_to_calls_by_order(emulator: EmulatorControl) -> None:
    history = [
        {"role": "user", "content": "go"},
        {"role": "assistant", "content": None, "tool_calls": [CALL]},
        {"role": "tool", "tool_call_id": "functions.bash:0", "content": "ok"},
    ]
    assert chat(emulator, "databricks-kimi-k3", history).status == 200
    extra = [*history, {"role": "tool", "tool_call_id": "functions.bash:1", "content": "again"}]
    assert chat(emulator, "databricks-kimi-k3", extra).status == 400


def test_claude_messages_refuses_container(emulator: EmulatorControl) -> None:
    assert "container" in message_of(messages(emulator, "databricks-claude-sonnet-4-5", container="c-1"))


@pytest.mark.parametrize("tool", ["web_search_20250305", "web_fetch_20250910", "code_execution_20250825"])
def test_claude_messages_refuses_server_tools(emulator: EmulatorControl, tool: str) -> None:
    reply = messages(emulator, "databricks-claude-sonnet-4-5", tools=[{"type": tool, "name": "x"}])
    assert tool in message_of(reply)


def test_output_above_the_glm_cap_is_a_400(emulator: EmulatorControl) -> None:
    text = message_of(chat(emulator, "databricks-glm-5-3", max_tokens=30_000))
    assert (
        text
        == "Bad request: max_tokens is too large: 30000. This model supports at most 25000 output tokens."
    )


def test_output_reservation_above_otpm_is_an_immediate_429(emulator: EmulatorControl) -> None:
    reply = chat(emulator, "databricks-glm-5-2", max_tokens=22_000)
    assert (reply.status, reply.json()["error_code"]) == (429, "REQUEST_LIMIT_EXCEEDED")
    assert "output tokens per minute" in reply.json()["message"] and "retry-after" not in reply.headers


def test_otpm_applies_to_max_output_tokens_on_responses(emulator: EmulatorControl) -> None:
    body = {"model": "databricks-kimi-k3", "input": "hi", "max_output_tokens": 50_000}
    assert post(emulator.url + "/ai-gateway/codex/v1/responses", body, emulator.token).status == 429


def test_a_model_without_a_known_otpm_admits_its_full_output(emulator: EmulatorControl) -> None:
    assert messages(emulator, "databricks-claude-opus-4-8", max_tokens=128_000).status == 200


def test_zero_max_tokens_is_refused(emulator: EmulatorControl) -> None:
    assert message_of(chat(emulator, "databricks-gpt-oss-20b", max_tokens=0)).startswith(
        "Bad request: max_tokens"
    )


def test_image_model_takes_no_tools(emulator: EmulatorControl) -> None:
    tools = [{"type": "function", "function": {"name": "bash", "parameters": {"type": "object"}}}]
    assert "tools" in message_of(chat(emulator, "databricks-gemini-3-1-flash-image", tools=tools))


def test_strict_decoders_accept_service_tier(emulator: EmulatorControl) -> None:
    assert chat(emulator, "databricks-qwen35-122b-a10b", service_tier="priority").status == 200


def test_gemini_3_counts_developer_messages_as_its_one_system_instruction(emulator: EmulatorControl) -> None:
    history = [
        {"role": "developer", "content": "You are Codex."},
        {"role": "developer", "content": "Sandbox: workspace-write."},
        {"role": "user", "content": "hi"},
    ]
    reply = chat(emulator, "databricks-gemini-3-5-flash", history)
    assert reply.status == 400 and reply.json()["error"]["message"].startswith(
        "Invalid JSON payload received."
    )
    merged = [{"role": "system", "content": "You are Codex.\n\nSandbox: workspace-write."}, history[2]]
    assert chat(emulator, "databricks-gemini-3-5-flash", merged).status == 200


def schema_tool(parameters: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"type": "function", "function": {"name": "edit", "parameters": parameters}}]


UNION_SCHEMAS = {
    "anyOf": {"type": "object", "properties": {"x": {"anyOf": [{"type": "string"}, {"type": "integer"}]}}},
    "type list": {"type": "object", "properties": {"x": {"type": ["string", "null"]}}},
    "typeless items": {"type": "object", "properties": {"x": {"type": "array", "items": {}}}},
}


@pytest.mark.parametrize("schema", UNION_SCHEMAS.values(), ids=UNION_SCHEMAS)
def test_gemini_3_refuses_union_types_and_typeless_items(
    emulator: EmulatorControl, schema: dict[str, Any]
) -> None:
    reply = chat(emulator, "databricks-gemini-3-1-pro", tools=schema_tool(schema))
    assert reply.status == 400 and reply.json()["error"]["status"] == "INVALID_ARGUMENT"
    assert "parameters.properties.x" in reply.json()["error"]["message"]


def test_gemini_3_accepts_plain_typed_schemas(emulator: EmulatorControl) -> None:
    schema = {"type": "object", "properties": {"x": {"type": "array", "items": {"type": "string"}}}}
    assert chat(emulator, "databricks-gemini-3-1-pro", tools=schema_tool(schema)).status == 200
