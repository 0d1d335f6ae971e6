"""Claude's documented defects, against the emulator over real HTTP: refused unrepaired, accepted repaired."""

from __future__ import annotations

import uuid
from typing import Any

from brickgate.emulator.control_client import EmulatorControl
from brickgate.quirks import repair_request
from tests.unit.quirks.factory import CLAUDE, OPUS_5
from tests.unit.quirks.upstream_http import ANTHROPIC_PATH, CHAT_PATH, post

EMPTY_TEXT_ERROR = {
    "error_code": "BAD_REQUEST",
    "message": '{"message":"messages: text content blocks must be non-empty"}',
}
BASH = {"type": "function", "function": {"name": "bash", "parameters": {
    "type": "object", "properties": {"command": {"type": "string"}}, "required": ["command"]}}}  # fmt: skip


def opencode_replay() -> dict[str, Any]:
    """opencode's turn after a tool call: ``content: ""`` next to ``tool_calls`` (real-clients.md §1)."""
    call = {"id": "call_1", "type": "function", "function": {"name": "bash", "arguments": '{"command":"ls"}'}}
    return {
        "model": CLAUDE.id,
        "max_tokens": 200,
        "messages": [
            {"role": "user", "content": "run the marker command"},
            {"role": "assistant", "content": "", "tool_calls": [call]},
            {"role": "tool", "tool_call_id": "call_1", "content": "brickgate-tool-ok\n"},
        ],
        "tools": [BASH],
    }


def claude_code_replay() -> dict[str, Any]:
    """An Anthropic Messages replay whose assistant turn holds an empty text block before its tool_use."""
    use = {"type": "tool_use", "id": "toolu_1", "name": "Bash", "input": {"command": "ls"}}
    result = {"type": "tool_result", "tool_use_id": "toolu_1", "content": "brickgate-tool-ok"}
    return {
        "model": CLAUDE.id,
        "max_tokens": 200,
        "messages": [
            {"role": "user", "content": "run the marker command"},
            {"role": "assistant", "content": [{"type": "text", "text": ""}, use]},
            {"role": "user", "content": [result]},
        ],
    }


def test_claude_chat_rejects_empty_content_next_to_tool_calls(emulator: EmulatorControl) -> None:
    answer = post(emulator, CHAT_PATH, opencode_replay())
    assert (answer.status, answer.json()) == (400, EMPTY_TEXT_ERROR)


def test_repaired_claude_chat_replay_is_answered(emulator: EmulatorControl) -> None:
    answer = post(emulator, CHAT_PATH, repair_request(opencode_replay(), CLAUDE, "chat").body)
    assert answer.status == 200, answer.text
    assert "brickgate-tool-ok" in answer.json()["choices"][0]["message"]["content"]


def test_claude_messages_rejects_empty_text_block(emulator: EmulatorControl) -> None:
    answer = post(emulator, ANTHROPIC_PATH, claude_code_replay())
    assert (answer.status, answer.json()) == (400, EMPTY_TEXT_ERROR)


def test_repaired_claude_messages_replay_is_answered(emulator: EmulatorControl) -> None:
    answer = post(emulator, ANTHROPIC_PATH, repair_request(claude_code_replay(), CLAUDE, "messages").body)
    assert answer.status == 200, answer.text
    assert "brickgate-tool-ok" in answer.json()["content"][0]["text"]


def test_automatic_cache_breakpoints_are_read_back_on_the_next_turn(emulator: EmulatorControl) -> None:
    body = {
        "model": CLAUDE.id,
        "max_tokens": 50,
        "system": f"You are a careful assistant. Session {uuid.uuid4()}. " * 20,
        "messages": [{"role": "user", "content": "hello"}],
    }
    repaired = repair_request(body, CLAUDE, "messages").body
    first = post(emulator, ANTHROPIC_PATH, repaired)
    second = post(emulator, ANTHROPIC_PATH, repaired)
    assert first.json()["usage"].get("cache_creation_input_tokens", 0) > 0
    assert second.json()["usage"].get("cache_read_input_tokens", 0) > 0


def with_opus_5(emulator: EmulatorControl) -> None:
    emulator.set_endpoints(
        [{"name": OPUS_5.id, "kind": "foundation", "behaviour": "claude5", "upstream_model": "claude-opus-5"}]
    )


def test_opus_5_rejects_temperature(emulator: EmulatorControl) -> None:
    with_opus_5(emulator)
    body = {
        "model": OPUS_5.id,
        "max_tokens": 20,
        "temperature": 0.2,
        "messages": [{"role": "user", "content": "hi"}],
    }
    answer = post(emulator, ANTHROPIC_PATH, body)
    assert answer.status == 400
    assert "does not support the temperature parameter." in answer.json()["message"]


def test_repaired_opus_5_request_is_answered(emulator: EmulatorControl) -> None:
    with_opus_5(emulator)
    body = {
        "model": OPUS_5.id,
        "max_tokens": 20,
        "temperature": 0.2,
        "messages": [{"role": "user", "content": "hi"}],
    }
    answer = post(emulator, ANTHROPIC_PATH, repair_request(body, OPUS_5, "messages").body)
    assert answer.status == 200, answer.text
