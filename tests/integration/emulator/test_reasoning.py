"""Where each family's reasoning comes back, and the stream defects of the current line-up (research 2026
§1.4, §1.5, §4.1, §4.2; api §2.6)."""

from __future__ import annotations

import base64
import json
from typing import Any

from brickgate.emulator.control_client import EmulatorControl
from tests.integration.emulator.http_calls import Reply, post
from tests.integration.emulator.test_chat import BASH_TOOL as BASH

CHAT = "/ai-gateway/mlflow/v1/chat/completions"
MESSAGES = "/ai-gateway/anthropic/v1/messages"
THINK = "think it through, then reply"


def chat(emulator: EmulatorControl, model: str, text: str = THINK, **extra: Any) -> Reply:
    body = {"model": model, "messages": [{"role": "user", "content": text}], **extra}
    return post(emulator.url + CHAT, body, emulator.token)


def messages(emulator: EmulatorControl, model: str, **extra: Any) -> Reply:
    body = {"model": model, "max_tokens": 4096, "messages": [{"role": "user", "content": THINK}], **extra}
    return post(emulator.url + MESSAGES, body, emulator.token)


def deltas(reply: Reply) -> list[dict[str, Any]]:
    return [c["choices"][0]["delta"] for c in reply.sse_json() if c.get("choices")]


def test_glm_returns_reasoning_content_next_to_content(emulator: EmulatorControl) -> None:
    message = chat(emulator, "databricks-glm-5-3", reasoning_effort="high").json()["choices"][0]["message"]
    assert message["reasoning_content"] and isinstance(message["content"], str)


def test_glm_streams_reasoning_content_deltas(emulator: EmulatorControl) -> None:
    stream = deltas(chat(emulator, "databricks-glm-5-3", reasoning_effort="high", stream=True))
    assert "".join(d.get("reasoning_content", "") for d in stream)
    assert all(not isinstance(d.get("content"), list) for d in stream)


def test_glm_returns_thinking_blocks_on_messages(emulator: EmulatorControl) -> None:
    blocks = messages(
        emulator, "databricks-glm-5-3", thinking={"type": "enabled", "budget_tokens": 1024}
    ).json()
    assert [b["type"] for b in blocks["content"]] == ["thinking", "text"]
    assert blocks["content"][0]["thinking"] and blocks["content"][0]["signature"]


def test_kimi_returns_no_reasoning_unless_asked(emulator: EmulatorControl) -> None:
    message = chat(emulator, "databricks-kimi-k3").json()["choices"][0]["message"]
    assert "reasoning_content" not in message


def test_inkling_reasons_even_when_not_asked_and_streams_without_finish_reason(
    emulator: EmulatorControl,
) -> None:
    emulator.set_today("2026-10-01")  # Inkling retires on 2026-10-30 (§1.6)
    reply = chat(emulator, "databricks-inkling", "hello", stream=True)
    chunks = reply.sse_json()
    assert "".join(c["choices"][0]["delta"].get("reasoning_content", "") for c in chunks)
    assert all(c["choices"][0]["finish_reason"] is None for c in chunks)
    assert reply.sse()[-1][1] == "[DONE]"


def test_adaptive_claude_thinking_comes_back_empty_with_a_signature(emulator: EmulatorControl) -> None:
    block = messages(emulator, "databricks-claude-opus-4-8", thinking={"type": "adaptive"}).json()["content"][
        0
    ]
    assert (block["type"], block["thinking"]) == ("thinking", "") and block["signature"]


def test_adaptive_claude_on_chat_sends_an_empty_summary_with_a_signature(emulator: EmulatorControl) -> None:
    content = chat(emulator, "databricks-claude-sonnet-5", thinking={"type": "adaptive"}).json()
    [summary] = content["choices"][0]["message"]["content"][0]["summary"]
    assert summary["text"] == "" and summary["signature"]


def test_manual_claude_thinking_has_text(emulator: EmulatorControl) -> None:
    block = messages(
        emulator, "databricks-claude-sonnet-4-6", thinking={"type": "enabled", "budget_tokens": 1024}
    ).json()["content"][0]
    assert block["thinking"] and block["signature"]


def test_gemini_3_returns_reasoning_on_chat_only_when_reasoning_effort_is_set(
    emulator: EmulatorControl,
) -> None:
    plain = chat(emulator, "databricks-gemini-3-5-flash").json()["choices"][0]["message"]["content"]
    assert [p["type"] for p in plain] == ["text"]
    asked = chat(emulator, "databricks-gemini-3-5-flash", reasoning_effort="low").json()
    assert [p["type"] for p in asked["choices"][0]["message"]["content"]] == ["reasoning", "text"]


def test_gemini_flash_lite_accepts_the_knob_but_returns_no_reasoning(emulator: EmulatorControl) -> None:
    content = chat(emulator, "databricks-gemini-3-5-flash-lite", reasoning_effort="high").json()
    assert [p["type"] for p in content["choices"][0]["message"]["content"]] == ["text"]


def test_gemini_chat_chunks_carry_all_null_usage_until_the_last(emulator: EmulatorControl) -> None:
    chunks = chat(emulator, "databricks-gemini-3-1-pro", "hello", stream=True).sse_json()
    nulls = {"prompt_tokens": None, "completion_tokens": None, "total_tokens": None}
    assert all(c["usage"] == nulls for c in chunks[:-1]) and chunks[-1]["usage"]["total_tokens"] > 0


def test_gpt_returns_no_reasoning_text_on_chat(emulator: EmulatorControl) -> None:
    message = chat(emulator, "databricks-gpt-5-4", reasoning_effort="high").json()["choices"][0]["message"]
    assert isinstance(message["content"], str) and "reasoning_content" not in message


def test_gpt_returns_a_reasoning_summary_item_on_responses(emulator: EmulatorControl) -> None:
    body = {"model": "databricks-gpt-5-4", "input": THINK, "reasoning": {"effort": "high"}}
    output = post(emulator.url + "/ai-gateway/openai/v1/responses", body, emulator.token).json()["output"]
    assert output[0]["type"] == "reasoning" and output[0]["summary"][0]["text"]


def test_grok_reasoning_is_encrypted(emulator: EmulatorControl) -> None:
    content = chat(emulator, "databricks-grok-4-6", reasoning_effort="high").json()
    [summary] = content["choices"][0]["message"]["content"][0]["summary"]
    assert summary["type"] == "summary_encrypted_text" and summary["data"]
    body = {"model": "databricks-grok-4-6", "input": THINK, "reasoning": {"effort": "high"}}
    item = post(emulator.url + "/ai-gateway/openai/v1/responses", body, emulator.token).json()["output"][0]
    assert item["summary"] == [] and item["encrypted_content"]


def test_kimi_tool_call_ids_are_functions_name_index(emulator: EmulatorControl) -> None:
    reply = chat(emulator, "databricks-kimi-k3", "run the marker command", tools=[BASH]).json()
    assert reply["choices"][0]["message"]["tool_calls"][0]["id"] == "functions.bash:0"
    earlier = [
        {"role": "user", "content": "first"},
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": "functions.bash:0", "type": "function", "function": {"name": "bash", "arguments": "{}"}}]},
        {"role": "tool", "tool_call_id": "functions.bash:0", "content": "done"},
        {"role": "user", "content": "run the marker command"},
    ]  # fmt: skip
    body = {"model": "databricks-kimi-k3", "messages": earlier, "tools": [BASH]}
    again = post(emulator.url + CHAT, body, emulator.token).json()
    assert again["choices"][0]["message"]["tool_calls"][0]["id"] == "functions.bash:1"


def test_current_claude_messages_streams_carry_bedrock_metrics(emulator: EmulatorControl) -> None:
    events = messages(emulator, "databricks-claude-opus-4-8", stream=True).sse_json()
    stop = events[-1]
    assert stop["type"] == "message_stop"
    assert stop["amazon-bedrock-invocationMetrics"]["outputTokenCount"] > 0


def test_service_tier_priority_is_echoed_where_the_model_has_it(emulator: EmulatorControl) -> None:
    assert (
        chat(emulator, "databricks-gpt-5-4", "hi", service_tier="priority").json()["service_tier"]
        == "priority"
    )
    fallback = chat(emulator, "databricks-gpt-5-2", "hi", service_tier="priority").json()
    assert fallback["service_tier"] == "default"
    chunks = chat(emulator, "databricks-glm-5-3", "hi", service_tier="priority", stream=True).sse_json()
    assert {c["service_tier"] for c in chunks} == {"priority"}


def test_service_tier_on_messages_and_responses(emulator: EmulatorControl) -> None:
    usage = messages(emulator, "databricks-glm-5-3", service_tier="priority").json()["usage"]
    assert usage["service_tier"] == "priority"
    body = {"model": "databricks-gpt-5-5", "input": "hi", "service_tier": "priority"}
    assert post(emulator.url + "/ai-gateway/openai/v1/responses", body, emulator.token).json()[
        "service_tier"
    ] == ("priority")


def test_no_service_tier_field_when_none_was_asked(emulator: EmulatorControl) -> None:
    assert "service_tier" not in chat(emulator, "databricks-gpt-5-4", "hi").json()


def test_request_tags_header_is_recorded_parsed(emulator: EmulatorControl) -> None:
    tags = {"client": "brickgate", "agent": "codex"}
    body = {"model": "databricks-glm-5-3", "messages": [{"role": "user", "content": "hi"}]}
    header = {"Databricks-Ai-Gateway-Request-Tags": json.dumps(tags, separators=(",", ":"))}
    post(emulator.url + CHAT, body, emulator.token, headers=header)
    [record] = emulator.requests()
    assert record["request_tags"] == tags
    assert record["headers"]["databricks-ai-gateway-request-tags"] == '{"client":"brickgate","agent":"codex"}'


def test_image_output_model_answers_with_a_png_part(emulator: EmulatorControl) -> None:
    content = chat(emulator, "databricks-gemini-3-1-flash-image", "draw a cat").json()["choices"][0][
        "message"
    ]
    image = next(p for p in content["content"] if p["type"] == "image_url")
    prefix, data = image["image_url"]["url"].split(",", 1)
    assert prefix == "data:image/png;base64" and base64.b64decode(data).startswith(b"\x89PNG\r\n\x1a\n")
