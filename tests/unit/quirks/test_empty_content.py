from __future__ import annotations

from brickgate.quirks.empty_content import (
    EMPTY_PLACEHOLDER,
    NO_OUTPUT_PLACEHOLDER,
    drop_empty_text_anthropic,
    drop_empty_text_chat,
)

CALL = {"id": "call_1", "type": "function", "function": {"name": "bash", "arguments": "{}"}}


def chat(*messages: dict) -> dict:
    return {"model": "m", "messages": list(messages)}


def test_chat_empty_assistant_content_next_to_tool_calls_is_removed() -> None:
    body = chat({"role": "user", "content": "hi"}, {"role": "assistant", "content": "", "tool_calls": [CALL]})
    fixed = drop_empty_text_chat(body)
    assert fixed["messages"][1] == {"role": "assistant", "tool_calls": [CALL]}


def test_chat_whitespace_assistant_content_next_to_tool_calls_is_removed() -> None:
    body = chat({"role": "assistant", "content": " \n", "tool_calls": [CALL]})
    assert "content" not in drop_empty_text_chat(body)["messages"][0]


def test_chat_blank_text_parts_are_dropped_and_others_kept() -> None:
    parts = [{"type": "text", "text": ""}, {"type": "text", "text": "look"}]
    body = chat({"role": "user", "content": parts})
    assert drop_empty_text_chat(body)["messages"][0]["content"] == [{"type": "text", "text": "look"}]


def test_chat_user_turn_left_without_text_gets_a_placeholder() -> None:
    body = chat({"role": "user", "content": [{"type": "text", "text": ""}]})
    assert drop_empty_text_chat(body)["messages"][0]["content"] == EMPTY_PLACEHOLDER


def test_chat_empty_tool_output_becomes_placeholder() -> None:
    body = chat({"role": "tool", "tool_call_id": "call_1", "content": ""})
    assert drop_empty_text_chat(body)["messages"][0]["content"] == NO_OUTPUT_PLACEHOLDER


def test_chat_empty_system_message_is_removed() -> None:
    body = chat({"role": "system", "content": ""}, {"role": "user", "content": "hi"})
    assert drop_empty_text_chat(body)["messages"] == [{"role": "user", "content": "hi"}]


def test_chat_null_content_with_tool_calls_is_left_alone() -> None:
    body = chat({"role": "assistant", "content": None, "tool_calls": [CALL]})
    assert drop_empty_text_chat(body) is body


def test_chat_body_without_empty_text_is_returned_unchanged() -> None:
    body = chat(
        {"role": "user", "content": "hi"}, {"role": "assistant", "content": "ok", "tool_calls": [CALL]}
    )
    assert drop_empty_text_chat(body) is body


def test_chat_repair_does_not_mutate_its_input() -> None:
    body = chat({"role": "assistant", "content": "", "tool_calls": [CALL]})
    drop_empty_text_chat(body)
    assert body["messages"][0]["content"] == ""


def anthropic(*messages: dict, **extra: object) -> dict:
    return {"model": "m", "max_tokens": 10, "messages": list(messages), **extra}


def test_anthropic_empty_text_block_next_to_tool_use_is_dropped() -> None:
    use = {"type": "tool_use", "id": "toolu_1", "name": "bash", "input": {}}
    body = anthropic({"role": "assistant", "content": [{"type": "text", "text": ""}, use]})
    assert drop_empty_text_anthropic(body)["messages"][0]["content"] == [use]


def test_anthropic_empty_tool_result_gets_placeholder() -> None:
    result = {"type": "tool_result", "tool_use_id": "toolu_1", "content": ""}
    body = anthropic({"role": "user", "content": [result]})
    fixed = drop_empty_text_anthropic(body)["messages"][0]["content"][0]
    assert fixed == {**result, "content": NO_OUTPUT_PLACEHOLDER}


def test_anthropic_tool_result_of_blank_blocks_gets_placeholder() -> None:
    result = {"type": "tool_result", "tool_use_id": "t", "content": [{"type": "text", "text": " "}]}
    fixed = drop_empty_text_anthropic(anthropic({"role": "user", "content": [result]}))
    assert fixed["messages"][0]["content"][0]["content"] == NO_OUTPUT_PLACEHOLDER


def test_anthropic_tool_result_with_text_is_kept() -> None:
    result = {"type": "tool_result", "tool_use_id": "t", "content": "ok", "is_error": False}
    body = anthropic({"role": "user", "content": [result]})
    assert drop_empty_text_anthropic(body) is body


def test_anthropic_turn_left_empty_gets_placeholder_block() -> None:
    body = anthropic({"role": "user", "content": [{"type": "text", "text": ""}]})
    content = drop_empty_text_anthropic(body)["messages"][0]["content"]
    assert content == [{"type": "text", "text": EMPTY_PLACEHOLDER}]


def test_anthropic_blank_string_content_gets_placeholder() -> None:
    body = anthropic({"role": "user", "content": ""})
    assert drop_empty_text_anthropic(body)["messages"][0]["content"] == EMPTY_PLACEHOLDER


def test_anthropic_blank_system_blocks_are_dropped() -> None:
    system = [{"type": "text", "text": ""}, {"type": "text", "text": "be brief"}]
    fixed = drop_empty_text_anthropic(anthropic({"role": "user", "content": "hi"}, system=system))
    assert fixed["system"] == [{"type": "text", "text": "be brief"}]


def test_anthropic_blank_system_string_is_removed() -> None:
    fixed = drop_empty_text_anthropic(anthropic({"role": "user", "content": "hi"}, system=""))
    assert "system" not in fixed


def test_anthropic_clean_body_is_returned_unchanged() -> None:
    body = anthropic({"role": "user", "content": "hi"}, system="be brief")
    assert drop_empty_text_anthropic(body) is body
