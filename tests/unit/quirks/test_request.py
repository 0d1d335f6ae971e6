from __future__ import annotations

import copy

import pytest

from brickgate.catalog.model import Model
from brickgate.quirks import repair_request
from brickgate.quirks.table import QUIRKS, plan_for
from tests.unit.quirks.factory import CLAUDE, CODEX, GEMINI_3, GEMINI_25, GPT, GPT_OSS, LLAMA, OPUS_5

CALL = {"id": "call_1", "type": "function", "function": {"name": "bash", "arguments": "{}"}}


def opencode_turn(model: str) -> dict:
    """What opencode sends after a tool call (research/real-clients.md §1), trimmed."""
    return {
        "model": model,
        "max_tokens": 32000,
        "messages": [
            {"role": "system", "content": "You are opencode"},
            {"role": "user", "content": "run it"},
            {"role": "assistant", "content": "", "tool_calls": [CALL]},
            {"role": "tool", "tool_call_id": "call_1", "content": "ok\n"},
        ],
        "tools": [{"type": "function", "function": {"name": "bash", "parameters": {
            "$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
            "properties": {"command": {"type": "string"}}, "required": ["command"]}}}],
        "tool_choice": "auto",
        "stream": True,
        "stream_options": {"include_usage": True},
    }  # fmt: skip


def test_every_quirk_name_is_unique() -> None:
    names = [q.name for q in QUIRKS]
    assert len(names) == len(set(names))


def test_claude_chat_turn_loses_empty_content_and_gains_cache_breakpoints() -> None:
    repaired = repair_request(opencode_turn(CLAUDE.id), CLAUDE, "chat")
    assert repaired.applied == ("drop_empty_text", "add_cache_breakpoints")
    assert "content" not in repaired.body["messages"][2]


def test_gemini_chat_turn_loses_schema_keyword_and_stream_options() -> None:
    repaired = repair_request(opencode_turn(GEMINI_25.id), GEMINI_25, "chat")
    assert repaired.applied == ("sanitize_tool_schemas", "drop_stream_options")
    assert "$schema" not in repaired.body["tools"][0]["function"]["parameters"]


def test_open_model_chat_turn_keeps_only_documented_fields() -> None:
    body = {**opencode_turn(LLAMA.id), "parallel_tool_calls": False}
    repaired = repair_request(body, LLAMA, "chat")
    assert "drop_unknown_fields" in repaired.applied
    assert set(repaired.body) == {"model", "max_tokens", "messages", "tools", "tool_choice", "stream"}


def test_gpt_oss_turn_with_two_calls_is_split() -> None:
    body = opencode_turn(GPT_OSS.id)
    body["messages"][2] = {"role": "assistant", "content": "", "tool_calls": [CALL, {**CALL, "id": "call_2"}]}
    assert "split_parallel_tool_calls" in repair_request(body, GPT_OSS, "chat").applied


def test_opus_5_loses_temperature_on_anthropic_messages() -> None:
    body = {
        "model": OPUS_5.id,
        "max_tokens": 5,
        "temperature": 1,
        "messages": [{"role": "user", "content": "hi"}],
    }
    repaired = repair_request(body, OPUS_5, "messages")
    assert "temperature" not in repaired.body and "drop_temperature" in repaired.applied


def test_codex_responses_body_loses_openai_only_options() -> None:
    body = {"model": CODEX.id, "input": "hi", "store": False, "include": ["reasoning.encrypted_content"],
            "tools": [{"type": "function", "name": "f", "parameters": {"type": "object", "properties": {}},
                       "strict": False}]}  # fmt: skip
    repaired = repair_request(body, CODEX, "responses")
    assert repaired.applied == ("drop_unsupported_responses_options",)
    assert repaired.body["tools"][0]["strict"] is False  # GPT accepts strict tools


@pytest.mark.parametrize("model", [CLAUDE, GEMINI_25, GEMINI_3, LLAMA, GPT_OSS], ids=lambda m: m.family)
def test_repair_never_mutates_the_callers_body(model: Model) -> None:
    body = opencode_turn(model.id)
    before = copy.deepcopy(body)
    repair_request(body, model, "chat")
    assert body == before


def test_clean_claude_messages_body_needs_no_repair_besides_caching() -> None:
    body = {"model": CLAUDE.id, "max_tokens": 5, "messages": [{"role": "user", "content": "hi"}]}
    assert repair_request(body, CLAUDE, "messages").applied == ("add_cache_breakpoints",)


def test_plain_gpt_responses_body_is_passed_through_untouched() -> None:
    body = {"model": GPT.id, "input": "hi", "stream": True}
    repaired = repair_request(body, GPT, "responses")
    assert repaired.body is body and repaired.applied == ()


def test_plan_is_computed_once_per_family_and_api() -> None:
    assert plan_for(CLAUDE, "chat") is plan_for(CLAUDE, "chat")
