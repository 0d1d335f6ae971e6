"""Per-family request repairs of issue 13, each as a pair against the emulator over real HTTP: the raw
request is refused with the documented text (research databricks-2026.md §1.4, §1.5, §3.2), the repaired one
is served, and the repair is named."""

from __future__ import annotations

import json
from typing import Any

import pytest

from brickgate.catalog.model import Model
from brickgate.emulator.control_client import EmulatorControl
from brickgate.quirks import repair_request
from brickgate.wire.contract import Api
from tests.unit.quirks.factory import model_named
from tests.unit.quirks.upstream_http import ANTHROPIC_PATH, CHAT_PATH, RESPONSES_PATH, Answer, post

PATHS: dict[Api, str] = {"chat": CHAT_PATH, "responses": RESPONSES_PATH, "messages": ANTHROPIC_PATH}
THINK = [{"role": "user", "content": "think about it, then say hi"}]
CLAUDE_EFFORT = "reasoning_effort: Extra inputs are not permitted"  # §1.4 [KAS]
THINKING_BUDGET = "`max_tokens` must be greater than `thinking.budget_tokens`"  # §1.4 [KAS]
KIMI_TOOL_NAME = (  # §1.5, find_string id 69386333278
    "Upstream error: INVALID_ARGUMENT: Kimi K3 tool messages need a resolvable tool name: carry "
    "`tool`/`name`, or match a preceding assistant tool_call by order."
)


def refusal_text(answer: Answer) -> str:
    """The refusal's message, unwrapped from Databricks' and Google's envelopes."""
    assert answer.status == 400, answer.text
    body = answer.json()
    if "error" in body:
        return str(body["error"]["message"])
    message = str(body["message"])
    try:
        inner = json.loads(message)
    except ValueError:
        return message
    return str(inner.get("message") or inner.get("error")) if isinstance(inner, dict) else message


def pair(
    emulator: EmulatorControl, endpoint: str, api: Api, body: dict[str, Any]
) -> tuple[str, Answer, tuple[str, ...]]:
    """(the refusal of the raw body, the answer to the repaired one, the repairs named)."""
    model: Model = model_named(endpoint)
    raw = {"model": endpoint, **body}
    refused = refusal_text(post(emulator, PATHS[api], raw))
    repaired = repair_request(raw, model, api)
    return refused, post(emulator, PATHS[api], repaired.body), repaired.applied


def served(answer: Answer) -> dict[str, Any]:
    assert answer.status == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


# -- reasoning knobs (§1.4) ------------------------------------------------------------------------------


def test_claude_on_chat_gets_a_thinking_budget_for_reasoning_effort(emulator: EmulatorControl) -> None:
    body = {"messages": THINK, "max_tokens": 4096, "reasoning_effort": "high"}
    refused, answer, applied = pair(emulator, "databricks-claude-sonnet-4-5", "chat", body)
    assert json.loads(json.dumps(refused)) == CLAUDE_EFFORT
    content = served(answer)["choices"][0]["message"]["content"]
    assert any(part.get("type") == "reasoning" for part in content)  # the thinking came back
    assert "fit_reasoning_knobs" in applied


def test_adaptive_claude_on_chat_gets_adaptive_thinking_for_reasoning_effort(
    emulator: EmulatorControl,
) -> None:
    body = {"messages": THINK, "max_tokens": 4096, "reasoning_effort": "medium"}
    refused, answer, applied = pair(emulator, "databricks-claude-opus-4-8", "chat", body)
    assert refused == CLAUDE_EFFORT
    served(answer)
    assert "fit_reasoning_knobs" in applied


def test_a_budget_over_max_tokens_is_cut_below_it(emulator: EmulatorControl) -> None:
    body = {"messages": THINK, "max_tokens": 2048, "thinking": {"type": "enabled", "budget_tokens": 4096}}
    refused, answer, applied = pair(emulator, "databricks-claude-sonnet-4-6", "messages", body)
    assert refused == THINKING_BUDGET
    assert any(block["type"] == "thinking" for block in served(answer)["content"])
    assert "fit_reasoning_knobs" in applied


def test_adaptive_only_claude_gets_adaptive_thinking_for_a_budget(emulator: EmulatorControl) -> None:
    body = {"messages": THINK, "max_tokens": 8192, "thinking": {"type": "enabled", "budget_tokens": 4096}}
    refused, answer, applied = pair(emulator, "databricks-claude-opus-5-5", "messages", body)
    assert "adaptive" in refused
    assert any(block["type"] == "thinking" for block in served(answer)["content"])
    assert "fit_reasoning_knobs" in applied


@pytest.mark.parametrize(
    ("endpoint", "asked"),
    [
        ("databricks-glm-5-3", "none"),  # GLM always reasons: `none` refused (§1.4 [DIGEST])
        ("databricks-gemini-3-8-flash", "minimal"),  # 3.8 Flash: low/medium/high only
        ("databricks-gpt-5-mini", "xhigh"),  # GPT-5 mini: minimal … high
        ("databricks-kimi-k3", "medium"),  # Kimi K3: none, low, high, max
    ],
)
def test_an_effort_the_model_lacks_becomes_the_nearest_it_has(
    emulator: EmulatorControl, endpoint: str, asked: str
) -> None:
    body = {"messages": THINK, "max_tokens": 1024, "reasoning_effort": asked}
    refused, answer, applied = pair(emulator, endpoint, "chat", body)
    assert f"'{asked}'" in refused
    served(answer)
    assert "fit_reasoning_knobs" in applied


def test_gpt_pro_on_responses_gets_the_nearest_effort(emulator: EmulatorControl) -> None:
    body = {"input": "think about it, then say hi", "reasoning": {"effort": "low"}}
    refused, answer, applied = pair(emulator, "databricks-gpt-5-5-pro", "responses", body)
    assert "'low'" in refused
    assert any(item["type"] == "reasoning" for item in served(answer)["output"])
    assert applied == ("fit_reasoning_knobs",)


def test_gemini_on_chat_gets_reasoning_effort_for_a_thinking_object(emulator: EmulatorControl) -> None:
    body = {"messages": THINK, "max_tokens": 4096, "thinking": {"type": "enabled", "budget_tokens": 2048}}
    refused, answer, applied = pair(emulator, "databricks-gemini-3-1-pro", "chat", body)
    assert refused.startswith("Invalid JSON payload received.")
    content = served(answer)["choices"][0]["message"]["content"]
    assert any(part.get("type") == "reasoning" for part in content)  # Gemini 3 reasons when asked
    assert "fit_reasoning_knobs" in applied


# -- sampling parameters (§1.5) --------------------------------------------------------------------------


def test_new_claude_loses_temperature_with_the_documented_refusal(emulator: EmulatorControl) -> None:
    body = {"messages": THINK, "max_tokens": 256, "temperature": 0.3, "top_p": 0.9}
    refused, answer, applied = pair(emulator, "databricks-claude-opus-4-8", "messages", body)
    assert refused == "Model global.anthropic.claude-opus-4-8 does not support the temperature parameter."
    served(answer)
    assert "drop_refused_sampling" in applied


@pytest.mark.parametrize(
    ("endpoint", "api", "param", "value"),
    [
        ("databricks-claude-sonnet-4-5", "chat", "frequency_penalty", 0.5),
        ("databricks-gpt-5-4", "chat", "stop", ["\n"]),
        ("databricks-gpt-5-5", "responses", "temperature", 0.2),
        ("databricks-gemini-3-8-flash", "chat", "temperature", 0.2),
        ("databricks-kimi-k3", "chat", "n", 1),
        ("databricks-grok-4-6", "chat", "logprobs", True),
        ("databricks-claude-sonnet-5", "chat", "presence_penalty", 0.1),
    ],
)
def test_a_sampling_parameter_the_model_refuses_is_dropped(
    emulator: EmulatorControl, endpoint: str, api: Api, param: str, value: Any
) -> None:
    body: dict[str, Any] = {param: value, "max_tokens": 256}
    body.update({"input": "hi"} if api == "responses" else {"messages": THINK})
    if api == "responses":
        body["max_output_tokens"] = body.pop("max_tokens")
    refused, answer, applied = pair(emulator, endpoint, api, body)
    assert param in refused
    served(answer)
    assert "drop_refused_sampling" in applied


# -- Kimi K3 tool names (§1.5) ---------------------------------------------------------------------------

KIMI_CALL = {"id": "functions.bash:0", "type": "function", "function": {"name": "bash", "arguments": "{}"}}


def test_kimi_tool_results_carry_the_tool_name(emulator: EmulatorControl) -> None:
    history = [
        {"role": "user", "content": "run it"},
        {"role": "assistant", "content": None, "tool_calls": [KIMI_CALL]},
        {"role": "user", "content": "and then?"},  # the order rule cannot resolve a result after this
        {"role": "tool", "tool_call_id": "functions.bash:0", "content": "ok"},
    ]
    refused, answer, applied = pair(emulator, "databricks-kimi-k3", "chat", {"messages": history})
    assert json.loads(json.dumps(refused)) == KIMI_TOOL_NAME
    served(answer)
    assert "name_tool_results" in applied
    repaired = repair_request({"messages": history}, model_named("databricks-kimi-k3"), "chat").body
    assert repaired["messages"][3] == {
        "role": "tool",
        "tool_call_id": "functions.bash:0",  # the id as Kimi wrote it
        "content": "ok",
        "name": "bash",
    }


# -- Gemini (issue 13; api §3.3) -------------------------------------------------------------------------


def test_gemini_takes_codex_developer_messages_as_one_system_instruction(emulator: EmulatorControl) -> None:
    messages = [
        {"role": "developer", "content": "You are Codex."},
        {"role": "developer", "content": "Sandbox: workspace-write."},
        {"role": "user", "content": "hi"},
    ]
    refused, answer, applied = pair(emulator, "databricks-gemini-3-5-flash", "chat", {"messages": messages})
    assert "Multiple system messages are not supported" in refused
    served(answer)
    assert {"developer_as_system", "merge_system_messages"} <= set(applied)


UNION_SCHEMA = {
    "type": "object",
    "properties": {
        "path": {"anyOf": [{"type": "string"}, {"type": "null"}], "description": "where"},
        "tags": {"type": "array", "items": {}},
        "depth": {"type": ["integer", "null"]},
    },
}


def test_gemini_takes_tool_schemas_without_unions(emulator: EmulatorControl) -> None:
    tool = {"type": "function", "function": {"name": "ls", "parameters": UNION_SCHEMA}}
    body = {"messages": [{"role": "user", "content": "hi"}], "tools": [tool]}
    refused, answer, applied = pair(emulator, "databricks-gemini-3-5-flash", "chat", body)
    assert refused.startswith('Invalid JSON payload received. Unknown name "anyOf"')
    served(answer)
    assert "flatten_schema_unions" in applied


# -- Claude on Messages: what Databricks does not run (§1.5 [LLc]) -----------------------------------------


@pytest.mark.parametrize(
    "extra",
    [
        {"container": "container_abc"},
        {"tools": [{"type": "web_search_20250305", "name": "web_search", "max_uses": 3}]},
        {"tools": [{"type": "code_execution_20250825", "name": "code_execution"}]},
    ],
)
def test_claude_messages_lose_container_and_unserved_server_tools(
    emulator: EmulatorControl, extra: dict[str, Any]
) -> None:
    body = {"messages": [{"role": "user", "content": "hi"}], "max_tokens": 256, **extra}
    refused, answer, applied = pair(emulator, "databricks-claude-sonnet-4-5", "messages", body)
    assert "container" in refused or "is not supported on Databricks" in refused
    served(answer)
    assert "drop_unserved_server_tools" in applied


def test_gemini_3_8_flash_loses_sampling_defaults_on_the_gemini_api(emulator: EmulatorControl) -> None:
    endpoint = "databricks-gemini-3-8-flash"
    path = f"/serving-endpoints/gemini/v1beta/models/{endpoint}:generateContent"
    body = {
        "contents": [{"role": "user", "parts": [{"text": "hi"}]}],
        "generationConfig": {"temperature": 0, "topP": 1, "topK": 64, "maxOutputTokens": 256},
    }
    refused = refusal_text(post(emulator, path, body))
    assert "temperature" in refused
    repaired = repair_request(body, model_named(endpoint), "gemini")
    assert repaired.body["generationConfig"] == {"maxOutputTokens": 256}
    served(post(emulator, path, repaired.body))
    assert repaired.applied == ("drop_refused_sampling",)
