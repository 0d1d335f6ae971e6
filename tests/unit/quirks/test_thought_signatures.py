from __future__ import annotations

from brickgate.quirks.memory import RepairMemory
from brickgate.quirks.thought_signatures import attach_thought_signatures


def call(n: int, **extra: object) -> dict:
    return {"id": f"call_{n}", "type": "function", "function": {"name": "f", "arguments": "{}"}, **extra}


def body_with(assistant: dict) -> dict:
    return {"messages": [{"role": "user", "content": "go"}, assistant]}


def test_signature_on_the_call_is_copied_into_a_content_part() -> None:
    fixed = attach_thought_signatures(
        body_with({"role": "assistant", "tool_calls": [call(1, thoughtSignature="S")]}), RepairMemory()
    )
    turn = fixed["messages"][1]
    assert turn["content"] == [{"type": "text", "text": "", "thoughtSignature": "S"}]
    assert turn["tool_calls"][0]["thoughtSignature"] == "S"


def test_signature_in_content_array_is_put_on_the_first_call() -> None:
    content = [{"type": "text", "text": "checking", "thoughtSignature": "S"}]
    turn = {"role": "assistant", "content": content, "tool_calls": [call(1), call(2)]}
    fixed = attach_thought_signatures(body_with(turn), RepairMemory())["messages"][1]
    assert [c.get("thoughtSignature") for c in fixed["tool_calls"]] == ["S", None]
    assert fixed["content"] == content


def test_string_content_is_kept_as_first_part() -> None:
    turn = {"role": "assistant", "content": "checking", "tool_calls": [call(1, thoughtSignature="S")]}
    content = attach_thought_signatures(body_with(turn), RepairMemory())["messages"][1]["content"]
    assert content == [
        {"type": "text", "text": "checking"},
        {"type": "text", "text": "", "thoughtSignature": "S"},
    ]


def test_openai_compat_extra_content_signature_is_recognised() -> None:
    extra = {"google": {"thought_signature": "S"}}
    turn = {"role": "assistant", "content": None, "tool_calls": [call(1, extra_content=extra)]}
    fixed = attach_thought_signatures(body_with(turn), RepairMemory())["messages"][1]
    assert fixed["tool_calls"][0]["thoughtSignature"] == "S"


def test_turn_signed_in_both_places_is_unchanged() -> None:
    turn = {
        "role": "assistant",
        "content": [{"type": "text", "text": "", "thoughtSignature": "S"}],
        "tool_calls": [call(1, thoughtSignature="S")],
    }
    body = body_with(turn)
    assert attach_thought_signatures(body, RepairMemory()) is body


def test_unsigned_calls_are_left_alone() -> None:
    body = body_with({"role": "assistant", "content": "", "tool_calls": [call(1)]})
    assert attach_thought_signatures(body, RepairMemory()) is body


def test_input_is_not_mutated() -> None:
    turn = {"role": "assistant", "tool_calls": [call(1, thoughtSignature="S")]}
    attach_thought_signatures(body_with(turn), RepairMemory())
    assert "content" not in turn
