"""Gemini's documented defects, against the emulator over real HTTP: refused unrepaired, accepted repaired."""

from __future__ import annotations

from typing import Any

from brickgate.emulator.control_client import EmulatorControl
from brickgate.quirks import RepairMemory, repair_request, stream_repair
from tests.unit.quirks.factory import GEMINI_3, GEMINI_25
from tests.unit.quirks.upstream_http import CHAT_PATH, post


def tool(parameters: dict[str, Any]) -> dict[str, Any]:
    return {"type": "function", "function": {"name": "ask", "description": "Ask", "parameters": parameters}}


def chat(*tools: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "model": GEMINI_25.id,
        "max_tokens": 100,
        "messages": [{"role": "user", "content": "hello"}],
        "tools": list(tools),
        **extra,
    }


SCHEMA_WITH_DOLLAR_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "properties": {"q": {"type": "string"}},
}
SCHEMA_WITH_REF_SIBLINGS = {
    "type": "object",
    "properties": {"option": {"$ref": "#/$defs/QuestionOption", "type": "object", "description": "one"}},
    "$defs": {"QuestionOption": {"type": "object", "properties": {"label": {"type": "string"}}}},
}


def google_message(answer: Any) -> str:
    body = answer.json()
    assert body["error"]["status"] == "INVALID_ARGUMENT"
    return str(body["error"]["message"])


def test_gemini_rejects_dollar_schema_in_tool_parameters(emulator: EmulatorControl) -> None:
    answer = post(emulator, CHAT_PATH, chat(tool(SCHEMA_WITH_DOLLAR_SCHEMA)))
    assert answer.status == 400
    assert google_message(answer) == (
        'Invalid JSON payload received. Unknown name "$schema" at '
        "'tools[0].function_declarations[0].parameters': Cannot find field."
    )


def test_gemini_rejects_ref_with_sibling_fields(emulator: EmulatorControl) -> None:
    answer = post(emulator, CHAT_PATH, chat(tool(SCHEMA_WITH_REF_SIBLINGS)))
    assert answer.status == 400
    assert google_message(answer).startswith(
        "Schema.ref 'QuestionOption' was set alongside unsupported fields. "
        "If a schema node has Schema.ref set, then only description and default can be set alongside it"
    )


def test_repaired_tool_schemas_are_accepted_by_gemini(emulator: EmulatorControl) -> None:
    body = chat(tool(SCHEMA_WITH_DOLLAR_SCHEMA), tool(SCHEMA_WITH_REF_SIBLINGS))
    answer = post(emulator, CHAT_PATH, repair_request(body, GEMINI_25, "chat").body)
    assert answer.status == 200, answer.text


def test_gemini_rejects_stream_options(emulator: EmulatorControl) -> None:
    body = chat(stream=True, stream_options={"include_usage": True})
    answer = post(emulator, CHAT_PATH, body)
    assert answer.status == 400
    assert google_message(answer) == (
        "Invalid JSON payload received. Unknown name \"stream_options\" at 'generation_config': "
        "Cannot find field."
    )


def test_repaired_gemini_stream_still_reports_usage(emulator: EmulatorControl) -> None:
    body = chat(stream=True, stream_options={"include_usage": True})
    answer = post(emulator, CHAT_PATH, repair_request(body, GEMINI_25, "chat").body)
    assert answer.status == 200, answer.text
    assert answer.sse_payloads()[-1]["usage"]["total_tokens"] > 0


def two_system_messages() -> dict[str, Any]:
    return {
        "model": GEMINI_25.id,
        "max_tokens": 100,
        "messages": [
            {"role": "system", "content": "You are terse."},
            {"role": "user", "content": "hello"},
            {"role": "system", "content": "# Environment\ncwd: /tmp"},
        ],
    }


def test_gemini_rejects_a_second_system_message(emulator: EmulatorControl) -> None:
    answer = post(emulator, CHAT_PATH, two_system_messages())
    assert answer.status == 400
    assert google_message(answer).startswith("Invalid JSON payload received. Multiple system messages")


def test_merged_system_messages_are_accepted_by_gemini(emulator: EmulatorControl) -> None:
    answer = post(emulator, CHAT_PATH, repair_request(two_system_messages(), GEMINI_25, "chat").body)
    assert answer.status == 200, answer.text


SHELL = tool({"type": "object", "properties": {"command": {"type": "string"}}, "required": ["command"]})
SHELL["function"]["name"] = "bash"


def gemini3_tool_turn(emulator: EmulatorControl) -> dict[str, Any]:
    """Gemini 3's answer to a tool-worthy prompt: an assistant message with a signed tool call."""
    first = {"model": GEMINI_3.id, "max_tokens": 100, "tools": [SHELL],
             "messages": [{"role": "user", "content": "run the marker command"}]}  # fmt: skip
    answer = post(emulator, CHAT_PATH, first)
    assert answer.status == 200, answer.text
    message: dict[str, Any] = answer.json()["choices"][0]["message"]
    return message


def openai_compat_replay(emulator: EmulatorControl) -> dict[str, Any]:
    """A replay that kept the signature only where Google's OpenAI-compatible API puts it."""
    turn = gemini3_tool_turn(emulator)
    signature = next(p["thoughtSignature"] for p in turn["content"] if p.get("thoughtSignature"))
    calls = [
        {k: v for k, v in c.items() if k != "thoughtSignature"}
        | {"extra_content": {"google": {"thought_signature": signature}}}
        for c in turn["tool_calls"]
    ]
    return {
        "model": GEMINI_3.id,
        "max_tokens": 100,
        "tools": [SHELL],
        "messages": [
            {"role": "user", "content": "run the marker command"},
            {"role": "assistant", "content": None, "tool_calls": calls},
            {"role": "tool", "tool_call_id": calls[0]["id"], "content": "brickgate-tool-ok"},
        ],
    }


def test_gemini3_rejects_replayed_tool_call_without_signature(emulator: EmulatorControl) -> None:
    answer = post(emulator, CHAT_PATH, openai_compat_replay(emulator))
    assert answer.status == 400
    assert "Function call is missing a thought_signature in functionCall parts" in answer.text


def test_repaired_gemini3_replay_carries_its_signature(emulator: EmulatorControl) -> None:
    body = repair_request(openai_compat_replay(emulator), GEMINI_3, "chat").body
    answer = post(emulator, CHAT_PATH, body)
    assert answer.status == 200, answer.text


def _shell_tool() -> dict[str, Any]:
    return tool({"type": "object", "properties": {"command": {"type": "string"}}, "required": ["command"]})


def test_gemini3_stream_is_flattened_and_a_plain_replay_gets_its_signature_back(
    emulator: EmulatorControl,
) -> None:
    memory = RepairMemory()  # one workspace's
    first = {**chat(_shell_tool()), "model": GEMINI_3.id, "stream": True}
    first["messages"] = [{"role": "user", "content": "run the marker command"}]
    answer = post(emulator, CHAT_PATH, first)
    assert answer.status == 200
    raw = answer.sse_payloads()
    assert any(isinstance(c["choices"][0]["delta"].get("content"), list) for c in raw if c.get("choices"))

    repair = stream_repair(GEMINI_3, "chat", memory)
    relayed = [repair.event(c) for c in raw]
    deltas = [c["choices"][0]["delta"] for c in relayed if c.get("choices")]
    assert all(not isinstance(d.get("content"), list) for d in deltas)
    call = next(d["tool_calls"][0] for d in deltas if d.get("tool_calls") and d["tool_calls"][0].get("id"))
    args = "".join(d["tool_calls"][0]["function"].get("arguments", "") for d in deltas if d.get("tool_calls"))

    # What an OpenAI-compatible agent replays: plain strings, no signature anywhere.
    replay = {**first, "stream": False}
    replay["messages"] = [
        *first["messages"],
        {
            "role": "assistant",
            "content": "",
            "tool_calls": [
                {
                    "id": call["id"],
                    "type": "function",
                    "function": {"name": call["function"]["name"], "arguments": args},
                }
            ],
        },
        {"role": "tool", "tool_call_id": call["id"], "content": "brickgate-tool-ok"},
    ]
    refused = post(emulator, CHAT_PATH, replay)
    assert refused.status == 400
    assert "missing a thought_signature" in refused.text

    accepted = post(emulator, CHAT_PATH, repair_request(replay, GEMINI_3, "chat", memory).body)
    assert accepted.status == 200, accepted.text
    assert "brickgate-tool-ok" in accepted.text

    # Another workspace's memory knows nothing of this answer.
    elsewhere = post(emulator, CHAT_PATH, repair_request(replay, GEMINI_3, "chat", RepairMemory()).body)
    assert elsewhere.status == 400
    assert "missing a thought_signature" in elsewhere.text
